/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>

#include <libfdt.h>

#include "phandle_fix.h"
#include "viommu_node.h"

/* GIC SPI, level-sensitive active-high, CPU mask 0xf (GICv2 encoding). */
#define VIOMMU_IRQ_TYPE_SPI 0u
#define VIOMMU_IRQ_FLAGS 0xf04u

void viommu_node_name(const struct viommu_params *p, char *buf, int len)
{
	snprintf(buf, (size_t)len, "iommu@%llx", (unsigned long long)p->base);
}

/* @value as @cells big-endian cells (high cells zero). */
static void put_cells(fdt32_t *out, int cells, uint64_t value)
{
	int i;

	for (i = cells - 1; i >= 0; i--) {
		out[i] = cpu_to_fdt32((uint32_t)value);
		value = cells > 1 ? value >> 32 : 0;
	}
}

int make_viommu_node(void *fdt, int ac, int sc, const struct viommu_params *p)
{
	fdt32_t reg[2 * FDT_MAX_NCELLS], irq[3];
	char name[32];
	int r;

	if (ac < 1 || ac > FDT_MAX_NCELLS || sc < 1 || sc > FDT_MAX_NCELLS)
		return -FDT_ERR_BADNCELLS;
	viommu_node_name(p, name, sizeof(name));
	put_cells(reg, ac, p->base);
	put_cells(reg + ac, sc, p->size);
	irq[0] = cpu_to_fdt32(VIOMMU_IRQ_TYPE_SPI);
	irq[1] = cpu_to_fdt32(p->spi - 32);
	irq[2] = cpu_to_fdt32(VIOMMU_IRQ_FLAGS);

	r = fdt_begin_node(fdt, name);
	if (r < 0)
		return r;
	r = fdt_property_string(fdt, "compatible", "arm,smmu-v3");
	if (r < 0)
		return r;
	r = fdt_property(fdt, "reg", reg, (ac + sc) * 4);
	if (r < 0)
		return r;
	r = fdt_property_u32(fdt, "#iommu-cells", 1);
	if (r < 0)
		return r;
	r = fdt_property_u32(fdt, "phandle", p->phandle);
	if (r < 0)
		return r;
	r = fdt_property_u32(fdt, "interrupt-parent", PFIX_GUEST_PHANDLE_GIC);
	if (r < 0)
		return r;
	r = fdt_property(fdt, "interrupts", irq, sizeof(irq));
	if (r < 0)
		return r;
	r = fdt_property_string(fdt, "interrupt-names", "combined");
	if (r < 0)
		return r;
	return fdt_end_node(fdt);
}

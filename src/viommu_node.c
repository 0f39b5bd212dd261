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

static int set_reg(void *fdt, int node, int parent,
		   const struct viommu_params *p)
{
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	fdt32_t reg[2 * FDT_MAX_NCELLS];

	if (ac < 0)
		return ac;
	if (sc < 0)
		return sc;
	put_cells(reg, ac, p->base);
	put_cells(reg + ac, sc, p->size);
	return fdt_setprop(fdt, node, "reg", reg, (ac + sc) * 4);
}

int make_viommu_node(void *fdt, int parent, int node,
		     const struct viommu_params *p)
{
	fdt32_t irq[3];
	char name[32];
	int r;

	viommu_node_name(p, name, sizeof(name));
	if (node < 0) {
		node = fdt_add_subnode(fdt, parent, name);
		if (node < 0)
			return node;
	} else {
		r = fdt_set_name(fdt, node, name);
		if (r < 0)
			return r;
	}
	/* libfdt puts a new property first: set them last to first. */
	r = fdt_setprop_string(fdt, node, "interrupt-names", "combined");
	if (r < 0)
		return r;
	irq[0] = cpu_to_fdt32(VIOMMU_IRQ_TYPE_SPI);
	irq[1] = cpu_to_fdt32(p->spi - 32);
	irq[2] = cpu_to_fdt32(VIOMMU_IRQ_FLAGS);
	r = fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
	if (r < 0)
		return r;
	r = fdt_setprop_u32(fdt, node, "interrupt-parent",
			    PFIX_GUEST_PHANDLE_GIC);
	if (r < 0)
		return r;
	r = fdt_setprop_u32(fdt, node, "phandle", p->phandle);
	if (r < 0)
		return r;
	r = fdt_setprop_u32(fdt, node, "#iommu-cells", 1);
	if (r < 0)
		return r;
	r = set_reg(fdt, node, parent, p);
	if (r < 0)
		return r;
	return fdt_setprop_string(fdt, node, "compatible", "arm,smmu-v3");
}

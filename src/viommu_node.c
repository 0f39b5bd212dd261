/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>

#include <libfdt.h>

#include "diag.h"
#include "viommu_node.h"

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

int make_viommu_node(struct fdt_out *fdt, int ac, int sc,
		     const struct viommu_params *p,
		     const struct viommu_gic *gic)
{
	fdt32_t reg[2 * FDT_MAX_NCELLS], irq[4];
	char name[32];
	int r;

	if (ac < 1 || ac > FDT_MAX_NCELLS || sc < 1 || sc > FDT_MAX_NCELLS ||
	    gic->cells < 3 || gic->cells > 4)
		return -VDT_ERR_UNSUPPORTED;
	viommu_node_name(p, name, sizeof(name));
	put_cells(reg, ac, p->base);
	put_cells(reg + ac, sc, p->size);
	/* Both GIC forms: <type irq flags [priority]>, irq relative to SPI 0. */
	irq[0] = cpu_to_fdt32(GIC_IRQ_TYPE_SPI);
	irq[1] = cpu_to_fdt32(p->spi - GIC_SPI_BASE);
	irq[2] = cpu_to_fdt32(gic->cells == 3 ? GIC_IRQ_FLAGS_3CELL :
						 GIC_IRQ_FLAGS_ZEPHYR);
	irq[3] = cpu_to_fdt32(gic->priority);

	r = fdt_out_begin_node(fdt, name);
	if (r < 0)
		return r;
	r = fdt_out_property_string(fdt, "compatible", XEN_VSMMUV3_COMPATIBLE);
	if (r < 0)
		return r;
	r = fdt_out_property(fdt, "reg", reg, (ac + sc) * 4);
	if (r < 0)
		return r;
	r = fdt_out_property_u32(fdt, "#iommu-cells", 1);
	if (r < 0)
		return r;
	r = fdt_out_property_u32(fdt, "phandle", p->phandle);
	if (r < 0)
		return r;
	r = fdt_out_property_u32(fdt, "interrupt-parent", gic->phandle);
	if (r < 0)
		return r;
	r = fdt_out_property(fdt, "interrupts", irq, gic->cells * 4);
	if (r < 0)
		return r;
	r = fdt_out_property_string(fdt, "interrupt-names", XEN_VSMMUV3_IRQ_NAME);
	if (r < 0)
		return r;
	return fdt_out_end_node(fdt);
}

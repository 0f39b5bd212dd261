/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_VIOMMU_NODE_H
#define VIOMMU_DTGEN_VIOMMU_NODE_H

/*
 * The guest's vIOMMU node, as Xen's libxl writes it for viommu = "smmuv3"
 * (binding: Linux Documentation/devicetree/bindings/iommu/arm,smmu-v3.yaml).
 */

#include <stdint.h>

#include "fdt_out.h"
#include "viommu_params.h"
#include "xen_abi.h"

/* The interrupt controller the node's interrupt goes to. */
struct viommu_gic {
	uint32_t phandle;	/* the guest's GIC (placeholder) */
	int cells;		/* its #interrupt-cells: 3 or 4 */
	uint32_t priority;	/* the 4th cell of a 4-cell specifier */
};

/**
 * viommu_node_name - the node's name, "iommu@<base in hex>"
 * @buf, @len: destination (32 bytes are always enough)
 */
void viommu_node_name(const struct viommu_params *p, char *buf, int len);

/**
 * make_viommu_node - write the vIOMMU node
 * @fdt: a blob being written, positioned where the node goes (below
 *	/passthrough)
 * @ac, @sc: the parent's #address-cells and #size-cells, 1 to 4 each (the
 *	caller checked that base and size fit)
 * @p: the node's parameters
 * @gic: its interrupt parent
 *
 * Properties, in order: compatible = "arm,smmu-v3"; reg; #iommu-cells = 1;
 * phandle; interrupt-parent = @gic's phandle; interrupts = <0 (spi - 32)
 * 0xf04> for a 3-cell GIC (SPI, level-high, all CPUs: Xen's form) or
 * <0 (spi - 32) 2 priority> for a 4-cell one (Zephyr's GIC binding:
 * type, irq, IRQ_TYPE_LEVEL, priority); interrupt-names = "combined".
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_UNSUPPORTED, for @ac, @sc or @gic->cells out of range, or
 *		a blob past FDT_OUT_MAX bytes
 *	-VDT_ERR_NOMEM
 */
int make_viommu_node(struct fdt_out *fdt, int ac, int sc,
		     const struct viommu_params *p,
		     const struct viommu_gic *gic);

#endif /* VIOMMU_DTGEN_VIOMMU_NODE_H */

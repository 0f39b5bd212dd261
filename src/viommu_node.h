/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_VIOMMU_NODE_H
#define VIOMMU_DTGEN_VIOMMU_NODE_H

/*
 * The guest's vIOMMU node, as Xen's libxl writes it for viommu = "smmuv3"
 * (binding: Linux Documentation/devicetree/bindings/iommu/arm,smmu-v3.yaml).
 */

#include <stdint.h>

/* Defaults: Xen's GUEST_PHANDLE_VSMMUV3, GUEST_VSMMUV3_BASE/SIZE, GUEST_VSMMU_SPI. */
#define VIOMMU_DEFAULT_PHANDLE 0xfdeau
#define VIOMMU_DEFAULT_BASE 0x04040000ull
#define VIOMMU_DEFAULT_SIZE 0x40000ull
#define VIOMMU_DEFAULT_SPI 33u

struct viommu_params {
	uint32_t phandle;
	uint64_t base;
	uint64_t size;
	uint32_t spi;		/* GIC interrupt ID, 32..1019 */
};

/**
 * viommu_node_name - the node's name, "iommu@<base in hex>"
 * @buf, @len: destination (32 bytes are always enough)
 */
void viommu_node_name(const struct viommu_params *p, char *buf, int len);

/**
 * make_viommu_node - write the vIOMMU node
 * @fdt: a blob being built with the sequential-write API, positioned where
 *	the node goes (below /passthrough)
 * @ac, @sc: the parent's #address-cells and #size-cells, 1 to 4 each (the
 *	caller checked that base and size fit)
 * @p: the node's parameters
 *
 * Properties, in order: compatible = "arm,smmu-v3"; reg; #iommu-cells = 1;
 * phandle; interrupt-parent = Xen's GIC placeholder (0xfde8);
 * interrupts = <0 (spi - 32) 0xf04> (SPI, level-high, all CPUs);
 * interrupt-names = "combined".
 *
 * returns:
 *	0, on success
 *	a negative libfdt error (-FDT_ERR_NOSPACE when the blob must grow)
 */
int make_viommu_node(void *fdt, int ac, int sc, const struct viommu_params *p);

#endif /* VIOMMU_DTGEN_VIOMMU_NODE_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_XEN_ABI_H
#define VIOMMU_DTGEN_XEN_ABI_H

/*
 * Xen's guest ABI, as far as this tool speaks it: every constant a guest
 * device tree or a map shares with Xen is defined here, once.  Sources:
 * xen/include/public/arch-arm.h (GUEST_PHANDLE_*, GUEST_VSMMUV3_*), the
 * vSMMUv3 series v3 (xen-devel, 2026-03-31: "the series"), Xen master's
 * dom0less builder (commit a010efd323, next_phandle), and Zephyr's
 * dt-bindings/interrupt-controller/arm-gic.h for the 4-cell GIC form.
 */

/* Phandles: Xen owns 65000 and up in a guest tree. */
#define XEN_PHANDLE_MIN 65000u		/* GUEST_PHANDLE_GIC, the first */
#define XEN_PHANDLE_GIC 0xfde8u		/* GUEST_PHANDLE_GIC = 65000 */
#define XEN_PHANDLE_VSMMUV3 0xfdeau	/* GUEST_PHANDLE_VSMMUV3 = 65002 */
/* dom0less (master): highest partial phandle + 1 must stay below 65000. */
#define XEN_DOM0LESS_PHANDLE_MAX (XEN_PHANDLE_MIN - 2u)

/* The guest's vSMMUv3: GUEST_VSMMUV3_BASE/_SIZE, GUEST_VSMMU_SPI. */
#define XEN_VSMMUV3_COMPATIBLE "arm,smmu-v3"
#define XEN_VSMMUV3_BASE 0x04040000ull
#define XEN_VSMMUV3_SIZE 0x40000ull
#define XEN_VSMMUV3_SPI 33u
#define XEN_VSMMUV3_IRQ_NAME "combined"

/* The series' vSID table: MAX_VSID per domain, and libxl's vPCI block. */
#define XEN_MAX_VSID 0x10000u
#define XEN_VPCI_SIDS 0x1000u

/* GIC interrupt specifiers: 3 cells (Xen, Linux) or 4 (Zephyr). */
#define GIC_SPI_BASE 32u		/* SPI n is interrupt ID n + 32 */
#define GIC_IRQ_TYPE_SPI 0u
#define GIC_IRQ_FLAGS_3CELL 0xf04u	/* level-high, CPU mask 0xf */
#define GIC_IRQ_FLAGS_ZEPHYR 0x2u	/* Zephyr's IRQ_TYPE_LEVEL */
#define GIC_IRQ_PRIORITY_ZEPHYR 0xa0u	/* Zephyr's IRQ_DEFAULT_PRIORITY */

/*
 * The partial DT's xen,reg, <host-address size guest-address>, as Xen's
 * dom0less builder reads it (xen/arch/arm/domain_build.c, 4.17): with the
 * parent node's #address-cells and #size-cells, these where it has none
 * (DT_ROOT_NODE_*_CELLS_DEFAULT; /passthrough is read with them too).
 */
#define XEN_PFDT_ADDR_CELLS 2
#define XEN_PFDT_SIZE_CELLS 1

/* xl's guest config (xl.cfg(5)): the vIOMMU key of the series. */
#define XEN_XL_VIOMMU_KEY "viommu"
#define XEN_XL_VIOMMU_SMMUV3 "smmuv3"

/* An iommu-map or msi-map entry: <rid-base phandle base length>. */
#define DT_ID_MAP_CELLS 4
#define DT_ID_MAP_LEN (DT_ID_MAP_CELLS * 4)	/* bytes */

#endif /* VIOMMU_DTGEN_XEN_ABI_H */

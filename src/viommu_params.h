/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_VIOMMU_PARAMS_H
#define VIOMMU_DTGEN_VIOMMU_PARAMS_H

/*
 * The guest vIOMMU's parameters: what the options set, the map records
 * and the node is written from.
 */

#include <stdint.h>

#include "xen_abi.h"

/* Defaults: Xen's GUEST_PHANDLE_VSMMUV3, GUEST_VSMMUV3_BASE/SIZE, GUEST_VSMMU_SPI. */
#define VIOMMU_DEFAULT_PHANDLE XEN_PHANDLE_VSMMUV3
#define VIOMMU_DEFAULT_BASE XEN_VSMMUV3_BASE
#define VIOMMU_DEFAULT_SIZE XEN_VSMMUV3_SIZE
#define VIOMMU_DEFAULT_SPI XEN_VSMMUV3_SPI

struct viommu_params {
	uint32_t phandle;
	uint64_t base;
	uint64_t size;
	uint32_t spi;		/* GIC interrupt ID, 32..1019 */
};

#endif /* VIOMMU_DTGEN_VIOMMU_PARAMS_H */

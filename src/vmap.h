/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_VMAP_H
#define VIOMMU_DTGEN_VMAP_H

/*
 * The vID map table: the one in-memory model every map writer renders.
 * Each entry says: guest vID @vid stands for physical ID @pid (under SMR
 * mask @mask) on the physical IOMMU @iommu, and lists the passthrough
 * devices that use it.
 */

#include <stdint.h>

#include "idalloc.h"
#include "viommu_node.h"

struct vmap_iommu {
	char *path;		/* host DT path */
	uint64_t base;		/* first reg address, CPU physical */
};

struct vmap_device {
	char *node;		/* path in the partial DT */
	char *host;		/* its xen,path */
};

struct vmap_entry {
	uint32_t vid;
	uint32_t count;		/* consecutive IDs the entry covers (1 in v1) */
	uint32_t pid;
	uint32_t mask;
	int iommu;		/* index into vmap.iommus */
	int *devs;		/* indexes into vmap.devices, document order */
	int ndevs;
};

struct vmap {
	struct viommu_params viommu;
	enum idalloc_policy policy;
	unsigned int vid_bits;
	uint32_t vid_base;
	struct vmap_iommu *iommus;	/* in order of first use */
	int niommus;
	struct vmap_device *devices;	/* passthrough devices, document order */
	int ndevices;
	struct vmap_entry *entries;	/* sorted by vid */
	int nentries;
};

/** vmap_free - release everything @m owns; @m is left empty */
void vmap_free(struct vmap *m);

/** vmap_policy_name - "compact" or "identity" */
const char *vmap_policy_name(enum idalloc_policy p);

#endif /* VIOMMU_DTGEN_VMAP_H */

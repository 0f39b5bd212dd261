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

#include "diag.h"
#include "viommu_params.h"

struct vmap_iommu {
	char *path;		/* host DT path; NULL in a bare map */
	uint64_t base;		/* first reg address, CPU physical */
};

struct vmap_device {
	char *node;		/* path in the partial DT */
	char *host;		/* its xen,path */
};

struct vmap_entry {
	uint32_t vid;
	uint32_t count;		/* consecutive IDs the entry covers, >= 1 */
	uint32_t pid;
	uint32_t mask;
	int iommu;		/* index into vmap.iommus, or VMAP_VPCI */
	int *devs;		/* indexes into vmap.devices, document order */
	int ndevs;		/* >= 1, or 0 in a bare map and for VMAP_VPCI */
};

/*
 * The entry for the vSIDs the series' libxl takes for its virtual PCI
 * host bridge (pIDs 0..0xfff): Xen records no physical IOMMU for them.
 */
#define VMAP_VPCI (-1)

/*
 * A map is full (as the pipeline makes it) or bare (as read back from the
 * binary form, which carries only vid, pid, count, mask and the pIOMMU
 * base): a bare map has no viommu, policy, vid_base or vid_bits (all 0),
 * no IOMMU paths and no devices.
 */
struct vmap {
	int bare;
	int xen_allocates;	/* the vIDs are Xen's, predicted (allocated-by: xen) */
	int has_partial_sha256;	/* partial_sha256 is set */
	unsigned char partial_sha256[32]; /* of the rewritten partial DTB */
	struct viommu_params viommu;
	enum vdt_policy policy;
	unsigned int vid_bits;
	uint32_t vid_base;
	struct vmap_iommu *iommus;	/* in order of first use */
	int niommus;
	struct vmap_device *devices;	/* passthrough devices, document order */
	int ndevices;
	struct vmap_entry *entries;	/* sorted by vid */
	int nentries;
};

/* The versions of the text forms and of the binary form, and its layout. */
#define VMAP_VERSION 1u
#define VMAP_BIN_MAGIC "VIOMMAP"	/* 8 bytes with its NUL */
#define VMAP_BIN_MAGIC_LEN 8
#define VMAP_BIN_HEADER_LEN 16	/* magic, u32 version, u32 entry count */
#define VMAP_BIN_ENTRY_LEN 24	/* u32 vid, pid, count, mask; u64 base */

/** vmap_free - release everything @m owns; @m is left empty */
void vmap_free(struct vmap *m);

/** vmap_policy_name - "compact" or "identity" */
const char *vmap_policy_name(enum vdt_policy p);

#endif /* VIOMMU_DTGEN_VMAP_H */

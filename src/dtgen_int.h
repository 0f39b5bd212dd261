/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_DTGEN_INT_H
#define VIOMMU_DTGEN_DTGEN_INT_H

/*
 * The pipeline's private state, shared by its parts: dtgen.c (reading the
 * devices, allocating, the map model) calls dtgen_lock.c (--lock),
 * dtgen_xen.c (the rules of each Xen and builder) and dtgen_write.c
 * (writing the rewritten partial DT and the guest's view); all four call
 * dtgen_util.c, and nothing calls back up.
 */

#include <stdint.h>

#include "dtgen.h"
#include "hostdt_query.h"
#include "u64map.h"

/* One passthrough node of the partial DT. */
struct device {
	int node;			/* offset in the partial DT */
	int host;			/* offset of its xen,path in the host */
	struct hostdt_spec *specs;	/* the host's iommus */
	int nspecs;
	struct hostdt_map_entry *map;	/* the host's iommu-map */
	int nmap;
	int rewrite;			/* its IOMMU properties are rewritten */
	int *keys;			/* idalloc key per specifier */
	uint32_t *offsets;		/* position of each pID in its key */
	int *map_keys;			/* idalloc key per map entry, or -1 */
	uint32_t *pins;			/* pinned vIDs per specifier */
	int pinned;
	uint32_t *map_pins;		/* pinned first vIDs per map entry */
	int map_pinned;
	uint32_t *vids;			/* the guest's vID per specifier */
	int nested;			/* deeper than a child of /passthrough */
};

struct run {
	const struct dtgen_opts *o;
	const void *pfdt;		/* the partial DT */
	const char *pfile;
	const struct hostdt *host;	/* the open host tree, only read */
	int passthrough;		/* offset of /passthrough */
	int viommu_node;		/* earlier run's vIOMMU node, or < 0 */
	struct device *devs;		/* document order */
	int ndevs;
	struct idalloc ids;
	struct u64map warned;		/* disabled IOMMUs already reported */
	struct u64map dev_by_offset;	/* partial node offset -> device */
	struct u64map dev_by_host;	/* host node offset -> device */
	struct u64map dev_by_path;	/* key of a device's path -> device */
	struct vmap *map;
	struct vdt_diag *d;
	int emit_node;			/* the output carries the vIOMMU node */
	int gic_node;			/* the partial's GIC placeholder, or < 0 */
	uint32_t gic_new_phandle;	/* given to a placeholder without one */
	struct viommu_gic gic;		/* the vIOMMU node's interrupt parent */
};

/* dtgen_util.c: what every part reports with. */

/** dtgen_nomem - record "out of memory"; returns -VDT_ERR_NOMEM */
int dtgen_nomem(struct run *r);

/**
 * dtgen_pinner - the partial DT's device that pinned key @key, for
 * messages ("the lock file" when the lock gave it)
 */
const char *dtgen_pinner(const struct run *r, int key);

/**
 * dtgen_key_desc - describe key @key for a message, e.g.
 * "/iommu@4f000000 pID 0x10" or "/iommu@4f000000 pIDs 0x0-0xff"
 */
void dtgen_key_desc(const struct run *r, int key, char *buf, size_t len);

/* dtgen_lock.c */

/**
 * dtgen_apply_lock - keep the vIDs an earlier map gave to keys still present
 *
 * Runs after the partial DT's pins and before allocation.  A pin wins over
 * the lock for its own key; a lock vID held by another key's pin is an
 * error naming both devices; keys of the lock that are gone are reported
 * with vdt_info().
 *
 * returns: 0, or a negative VDT_ERR_* code
 */
int dtgen_apply_lock(struct run *r);

/* dtgen_write.c */

/**
 * dtgen_write - write the rewritten partial DT, and the guest's view when
 * asked, into @res
 *
 * returns: 0, or a negative VDT_ERR_* code
 */
int dtgen_write(struct run *r, struct dtgen_result *res);

/* dtgen_xen.c */

/**
 * dtgen_builder_check - the rules of the builder that merges the partial
 * (viommu-dtgen(1), WHICH XEN?, rules B1-B5), after every device is read
 *
 * returns: 0, or a negative VDT_ERR_* code naming the node
 */
int dtgen_builder_check(struct run *r);

/**
 * dtgen_series - --xen-abi vsmmuv3-v3: refuse what the series gets wrong
 * (rules X1-X7) and predict the vSIDs Xen hands out (rule X8) into each
 * device's vids
 *
 * returns: 0, or a negative VDT_ERR_* code naming the node
 */
int dtgen_series(struct run *r);

/**
 * dtgen_find_gic - the vIOMMU node's interrupt parent (rule G1): the
 * partial's GIC placeholder, or Xen's GUEST_PHANDLE_GIC
 *
 * returns: 0, or a negative VDT_ERR_* code
 */
int dtgen_find_gic(struct run *r);

#endif /* VIOMMU_DTGEN_DTGEN_INT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_PHANDLE_FIX_H
#define VIOMMU_DTGEN_PHANDLE_FIX_H

/*
 * Phandles of the partial device tree: the checks that keep the guest's
 * phandles clear of Xen's, reading what a partial node's "iommus" already
 * says, and rewriting it to point at the vIOMMU.
 */

#include <stdint.h>

#include "diag.h"
#include "fdt_out.h"
#include "hostdt_query.h"
#include "xen_abi.h"

/* Where a partial node's checks happen, for messages. */
struct pfix_where {
	const char *file;	/* the partial DT's name */
	const char *node;	/* the partial node's path */
	const char *hostfile;	/* the host DT's name */
	const char *host;	/* the host node's path (its xen,path) */
};

/* What a partial node's "iommus" said. */
enum pfix_kind {
	PFIX_ABSENT,		/* no "iommus" */
	PFIX_PINNED,		/* refers to the vIOMMU: the vIDs are pinned */
	PFIX_COPY,		/* a copy of the host's property, checked */
};

/**
 * phandle_fix_is_viommu_node - whether @node looks like a vIOMMU node this
 * tool wrote: compatible with "arm,smmu-v3" and without "xen,path"
 *
 * returns: 1 or 0
 */
int phandle_fix_is_viommu_node(const void *fdt, int node);

/**
 * phandle_fix_check - check every phandle of a partial DT
 * @fdt: the partial DT (already checked with fdt_check_full())
 * @file: its name, for messages
 * @viommu_phandle: the vIOMMU's phandle
 * @viommu_node: receives the offset of a vIOMMU node from an earlier run
 *	that carries @viommu_phandle, or -VDT_ERR_NOTFOUND
 *
 * Rules: no two nodes share a phandle; no node but the vIOMMU node of an
 * earlier run holds @viommu_phandle; phandles at or above 65000 are Xen's,
 * except the GIC placeholder's 0xfde8 and the vIOMMU's own.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_CONFLICT, naming the offending node
 *	-VDT_ERR_NOMEM
 */
int phandle_fix_check(const void *fdt, const char *file,
		      uint32_t viommu_phandle, int *viommu_node,
		      struct vdt_diag *d);

/**
 * phandle_fix_read_iommus - read and check a partial node's "iommus"
 * @fdt, @node: the partial DT and the passthrough node
 * @viommu_phandle: the vIOMMU's phandle
 * @specs, @nspecs: the host node's specifiers (the only source of pIDs)
 * @pins: array of @nspecs; receives the pinned vIDs for PFIX_PINNED
 * @w: names for messages
 *
 * A property whose first cell is @viommu_phandle is a list of pinned vIDs:
 * <@viommu_phandle vID> pairs, one per host specifier.  Any other property
 * is a copy of the host's "iommus" (its phandles are not compared, its ID
 * cells must be equal).
 *
 * returns:
 *	PFIX_ABSENT, PFIX_PINNED or PFIX_COPY
 *	-VDT_ERR_BADDT, for a property that is not whole cells
 *	-VDT_ERR_INPUT, for a count that differs from the host's or a stale copy
 */
int phandle_fix_read_iommus(const void *fdt, int node, uint32_t viommu_phandle,
			    const struct hostdt_spec *specs, int nspecs,
			    uint32_t *pins, const struct pfix_where *w,
			    struct vdt_diag *d);

/**
 * phandle_fix_read_iommu_map - read and check a partial node's "iommu-map"
 * @fdt, @node: the partial DT and the passthrough node
 * @viommu_phandle: the vIOMMU's phandle
 * @map, @nmap: the host node's "iommu-map" entries (the only source of
 *	pIDs), with their effective lengths
 * @pins: array of @nmap; for PFIX_PINNED, receives the pinned first vID of
 *	every entry with a non-zero effective length
 * @w: names for messages
 *
 * A property whose first entry refers to @viommu_phandle is this tool's
 * own output: one <rid-base @viommu_phandle vid-base length> entry per
 * reachable host entry, in order, with the host's rid-base and effective
 * length; the vid-bases are pinned.  Any other property is a copy of the
 * host's: every cell but the phandles must be equal.
 *
 * returns:
 *	PFIX_ABSENT, PFIX_PINNED or PFIX_COPY
 *	-VDT_ERR_BADDT, for a property that is not whole entries
 *	-VDT_ERR_INPUT, for entries that differ from the host's
 */
int phandle_fix_read_iommu_map(const void *fdt, int node,
			       uint32_t viommu_phandle,
			       const struct hostdt_map_entry *map, int nmap,
			       uint32_t *pins, const struct pfix_where *w,
			       struct vdt_diag *d);

/**
 * phandle_fix_read_lopper - check Lopper's "xen,smmu-stream-ids"
 * @specs, @nspecs: the host node's specifiers
 *
 * Lopper's extract-xen assist replaces "iommus" with the bare stream IDs;
 * they must equal the host's pIDs in order (masks are not in the property
 * and are not compared).
 *
 * returns:
 *	1, if the property is present and right; 0, if it is absent
 *	-VDT_ERR_BADDT, for a property that is not whole cells
 *	-VDT_ERR_INPUT, for a stale copy
 */
int phandle_fix_read_lopper(const void *fdt, int node,
			    const struct hostdt_spec *specs, int nspecs,
			    const struct pfix_where *w, struct vdt_diag *d);

/**
 * phandle_fix_write_iommus - write "iommus" = <@viommu_phandle vID> pairs
 * @fdt: a blob being written, inside the node
 * @vids, @n: the vIDs in host specifier order
 *
 * returns: as fdt_out_placeholder(): 0, -VDT_ERR_NOMEM or
 *	-VDT_ERR_UNSUPPORTED
 */
int phandle_fix_write_iommus(struct fdt_out *fdt, uint32_t viommu_phandle,
			     const uint32_t *vids, int n);

/**
 * phandle_fix_write_iommu_map - write "iommu-map" pointing at the vIOMMU
 * @fdt: a blob being written, inside the node
 * @map, @nmap: the host entries; those with eff_length 0 are left out
 * @vids: the first vID of each entry
 *
 * Each kept entry becomes <rid_base @viommu_phandle vid eff_length>.
 *
 * returns: as phandle_fix_write_iommus()
 */
int phandle_fix_write_iommu_map(struct fdt_out *fdt, uint32_t viommu_phandle,
				const struct hostdt_map_entry *map, int nmap,
				const uint32_t *vids);

#endif /* VIOMMU_DTGEN_PHANDLE_FIX_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_HOSTDT_QUERY_H
#define VIOMMU_DTGEN_HOSTDT_QUERY_H

/*
 * Lookups in the host device tree.  hostdt_open() checks the blob while it
 * walks it, once (blob_walk()), recording every node's name, parent,
 * phandle, status and #iommu-cells, then indexes the nodes by phandle and
 * by path; after that no query walks the tree again (libfdt's own
 * fdt_node_offset_by_phandle() and fdt_parent_offset() are linear scans,
 * and fdt_path_offset() scans every sibling along the path).  Paths are
 * built from the recorded names, and only for results and messages.
 *
 * Node handles are libfdt structure offsets, as everywhere in libfdt.
 */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "u64map.h"

/* What hostdt_open() keeps of one host node. */
struct hostdt_node {
	const char *name;	/* in the blob; namelen bytes, "" at / */
	uint64_t path_key;	/* u64map_str_key() of its full path */
	int offset;
	int parent;		/* the parent's index, -1 at / */
	int namelen;
	int depth;		/* 0 at / */
	int plen;		/* its path's length, -1 if too long to index */
	uint32_t phandle;	/* as fdt_get_phandle() */
	uint32_t ph, lph;	/* "phandle", "linux,phandle" if 4 bytes */
	int ph_len, lph_len;	/* their lengths, -1 without them */
	uint32_t cells;		/* #iommu-cells, when 4 bytes long */
	int cells_len;		/* its length, -1 without one */
	unsigned char enabled;	/* status absent, "okay" or "ok" */
	unsigned char holds_iommu;	/* an IOMMU is here or below */
};

struct hostdt {
	const void *fdt;
	const char *file;	/* name used in diagnostics */
	struct hostdt_node *nodes;	/* in document order (by offset) */
	int nnodes;
	int cap;
	struct u64map by_phandle;	/* phandle -> offset */
	struct u64map by_path;		/* key of the full path -> offset */
};

/* One specifier of an "iommus" property. */
struct hostdt_spec {
	int iommu;		/* offset of the IOMMU node */
	uint32_t cells;		/* its #iommu-cells: 0, 1 or 2 */
	uint32_t pid;		/* master ID (0 when cells == 0) */
	uint32_t mask;		/* SMR mask (0 unless cells == 2) */
};

/**
 * hostdt_open - check a host blob and index it
 * @h: filled on success; release with hostdt_close()
 * @fdt, @size: the blob and the number of bytes readable at @fdt; the blob
 *	must stay valid and unchanged while @h is used
 * @file: the name diagnostics give for this blob
 * @d: receives the error
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, if blob_check() refuses the blob, or two nodes have
 *		one path
 *	-VDT_ERR_UNSUPPORTED, for nodes nested deeper than VDT_MAX_DEPTH
 *	-VDT_ERR_NOMEM
 */
int hostdt_open(struct hostdt *h, const void *fdt, size_t size,
		const char *file, struct vdt_diag *d);

/** hostdt_close - release what hostdt_open() allocated */
void hostdt_close(struct hostdt *h);

/**
 * hostdt_node_by_phandle - the node carrying phandle @phandle
 *
 * returns:
 *	its offset (>= 0)
 *	-VDT_ERR_NOTFOUND, if no node has it
 */
int hostdt_node_by_phandle(const struct hostdt *h, uint32_t phandle);

/**
 * hostdt_node_by_path - the node at the absolute path @path
 *
 * returns:
 *	its offset (>= 0)
 *	-VDT_ERR_NOTFOUND, if there is no such node
 */
int hostdt_node_by_path(const struct hostdt *h, const char *path);

/**
 * hostdt_parent - the parent of node @node
 *
 * returns:
 *	its offset (>= 0)
 *	-VDT_ERR_NOTFOUND, for the root or an offset that is not a node
 */
int hostdt_parent(const struct hostdt *h, int node);

/**
 * hostdt_get_path - the full path of @node, built from the parent index
 * @buf, @len: destination (NUL-terminated)
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOTFOUND, if @node is not a node
 *	-VDT_ERR_NOMEM, if @len is too small
 */
int hostdt_get_path(const struct hostdt *h, int node, char *buf, size_t len);

/**
 * hostdt_msg_path - @node's path for a message: hostdt_get_path(), or a
 * marker naming the offset when that fails
 *
 * returns: @buf
 */
const char *hostdt_msg_path(const struct hostdt *h, int node, char *buf,
			    size_t len);

/**
 * hostdt_holds_iommu - whether @node is an IOMMU (has #iommu-cells) or has
 * one among its descendants
 *
 * returns: 1 or 0
 */
int hostdt_holds_iommu(const struct hostdt *h, int node);

/**
 * hostdt_is_enabled - whether @node's status is absent, "okay" or "ok"
 *
 * returns: 1 or 0
 */
int hostdt_is_enabled(const struct hostdt *h, int node);

/**
 * hostdt_iommus - parse @node's "iommus" with each IOMMU's #iommu-cells
 * @specs: on success with a count > 0, an array the caller frees; else NULL
 * @d: receives the error, which names @node and the IOMMU involved
 *
 * returns:
 *	the number of specifiers (0 if @node has no "iommus")
 *	-VDT_ERR_BADDT, for a malformed property, a phandle that refers to no
 *		node, or an IOMMU without a usable #iommu-cells
 *	-VDT_ERR_UNSUPPORTED, for #iommu-cells greater than 2
 *	-VDT_ERR_NOMEM
 */
int hostdt_iommus(const struct hostdt *h, int node, struct hostdt_spec **specs,
		  struct vdt_diag *d);

/* One entry of an "iommu-map" property. */
struct hostdt_map_entry {
	uint32_t rid_base;	/* first requester ID */
	int iommu;		/* offset of the IOMMU node */
	uint32_t pid_base;	/* the IOMMU's ID for rid_base */
	uint32_t length;	/* as written */
	uint32_t eff_length;	/* RIDs the mask lets reach it; 0: dropped */
};

/**
 * hostdt_iommu_map - parse @node's "iommu-map" and "iommu-map-mask"
 * @entries: on success with a count > 0, an array the caller frees
 * @mask: receives "iommu-map-mask", or 0xffffffff without one
 * @d: receives the error, and a warning for every entry dropped
 *
 * The reading is Linux's of_map_id(): 4 cells per entry whatever the
 * target's #iommu-cells, RID r maps to r & mask, the first entry whose
 * [rid_base, rid_base + length) holds r & mask wins.  An entry's
 * effective length runs from rid_base to the highest value r & mask can
 * take inside that range: with mask 0 only an entry at rid_base 0
 * survives, with length 1.  Zero-length entries and entries no masked
 * RID reaches get eff_length 0 and a warning.
 *
 * returns:
 *	the number of entries (0 if @node has no "iommu-map")
 *	-VDT_ERR_BADDT, for a length that is not a multiple of 4 cells, a
 *		malformed mask, a phandle that refers to no node, an entry that
 *		runs past ID 0xffffffff, or two entries whose effective RID
 *		ranges overlap (the later could never be reached)
 *	-VDT_ERR_NOMEM
 */
int hostdt_iommu_map(const struct hostdt *h, int node,
		     struct hostdt_map_entry **entries, uint32_t *mask,
		     struct vdt_diag *d);

/**
 * hostdt_map_live - how many of the @n entries at @map a RID can reach
 * (those with a non-zero effective length)
 */
int hostdt_map_live(const struct hostdt_map_entry *map, int n);

#endif /* VIOMMU_DTGEN_HOSTDT_QUERY_H */

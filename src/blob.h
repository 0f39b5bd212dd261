/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_BLOB_H
#define VIOMMU_DTGEN_BLOB_H

/* The check every device tree blob passes before anything walks it. */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/**
 * blob_check - check an untrusted blob before anything walks it
 * @fdt, @size: the blob and the number of bytes readable there (bytes
 *	after the header's totalsize are allowed)
 * @file: its name, for the message
 * @d: receives the error
 *
 * Beyond fdt_check_full(), which libfdt 1.6.1 lets pass or hang on some
 * hostile blobs, the blob must be a finished one of format version 16 or
 * later, with aligned blocks that do not overlap; no property may be
 * run past the structure block or name a string outside the strings
 * block; the structure must begin with
 * the root node; and no other node may have an empty name or one with
 * '/'.  The message says which check failed.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT
 */
int blob_check(const void *fdt, size_t size, const char *file,
	       struct vdt_diag *d);

/*
 * What blob_walk() shows a visitor, in document order: each node as it
 * begins (its structure offset, its name of @namelen bytes, not
 * NUL-terminated, and its depth, 0 for the root), each property libfdt's
 * fdt_getprop() can find on the node begun last (those between its
 * FDT_BEGIN_NODE and its first subnode or end: @name is NUL-terminated)
 * and each node's end.  A callback returns 0, or a negative VDT_ERR_*
 * code that stops the walk (having recorded its own error).  Any may be
 * NULL.
 */
struct blob_visitor {
	int (*node)(void *ctx, int offset, const char *name, int namelen,
		    int depth);
	int (*prop)(void *ctx, const char *name, const void *val, int len);
	int (*end)(void *ctx);
};

/**
 * blob_walk - blob_check() and a visit of every node and property, in
 * one pass over the structure block
 * @fdt, @size, @file, @d: as for blob_check()
 * @v, @ctx: the visitor and its context (@v may be NULL)
 *
 * The visitor is called before the whole blob has been checked: when
 * blob_walk() fails it may have seen part of a blob that is then
 * refused, and must not have trusted it beyond what it was shown.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, as blob_check(), with the same message
 *	a negative code a callback returned
 */
int blob_walk(const void *fdt, size_t size, const char *file,
	      const struct blob_visitor *v, void *ctx, struct vdt_diag *d);

/*
 * Reading a blob blob_check() accepted: libfdt's answers, without its
 * bounds checks at every step (libfdt 1.6.1 checks each tag it reads, and
 * scans every property name byte by byte to find its end).  @fdt must have
 * passed blob_check() (or blob_walk()), and a node offset must be one a
 * walk of it gave; offsets libfdt refuses out of hand (negative,
 * unaligned, past the structure, not at an FDT_BEGIN_NODE tag) are handed
 * to libfdt, which refuses them.
 */

/**
 * blob_getprop - fdt_getprop(): the first property @name of node @node
 * @lenp: if not NULL, receives the value's length, or -FDT_ERR_NOTFOUND
 *	(a libfdt error for an offset that is not a node's)
 *
 * returns: the value, or NULL
 */
const void *blob_getprop(const void *fdt, int node, const char *name,
			 int *lenp);

/**
 * blob_next_node - fdt_next_node(): the node after @offset in document
 * order (the first node for @offset < 0), *@depth (if not NULL) moved by
 * the levels entered and left
 *
 * returns:
 *	its offset
 *	past the end of the node *@depth was counted from, when *@depth
 *	falls below 0: the offset after that node's end (as libfdt)
 *	-FDT_ERR_NOTFOUND, after the last node
 *	a libfdt error, for an @offset that is not a node's
 */
int blob_next_node(const void *fdt, int offset, int *depth);

/**
 * blob_next_tag - fdt_next_tag(): the tag at structure offset @offset, a
 * tag's offset in a checked blob
 * @next: receives the offset of the tag after it
 *
 * returns: the tag (FDT_BEGIN_NODE ... FDT_END)
 */
uint32_t blob_next_tag(const void *fdt, int offset, int *next);

/**
 * blob_node_name - the name of the node at @offset of a checked blob
 * (fdt_get_name()), "" for the root
 */
const char *blob_node_name(const void *fdt, int offset);

/**
 * blob_prop - the property whose FDT_PROP tag is at @offset of a checked
 * blob (fdt_getprop_by_offset())
 * @name: receives its name
 * @len: receives its length
 *
 * returns: its value
 */
const void *blob_prop(const void *fdt, int offset, const char **name,
		      int *len);

/**
 * blob_get_phandle - fdt_get_phandle(): @node's "phandle", else its
 * "linux,phandle", when 4 bytes long
 *
 * returns: the phandle, or 0 for none
 */
uint32_t blob_get_phandle(const void *fdt, int node);

/**
 * blob_address_cells - fdt_address_cells() of libfdt 1.6.1
 *
 * returns:
 *	the #address-cells of @node (2 without one)
 *	-FDT_ERR_BADNCELLS, for one that is not 1 to FDT_MAX_NCELLS
 *	a libfdt error, for an offset that is not a node's
 */
int blob_address_cells(const void *fdt, int node);

/**
 * blob_size_cells - fdt_size_cells() of libfdt 1.6.1
 *
 * returns:
 *	the #size-cells of @node (1 without one)
 *	-FDT_ERR_BADNCELLS, for one above FDT_MAX_NCELLS
 *	a libfdt error, for an offset that is not a node's
 */
int blob_size_cells(const void *fdt, int node);

/**
 * blob_path - @node's path in @fdt, for a message
 * @buf, @len: where to write it
 *
 * A path that does not fit in @len bytes is written as
 * "<node at offset N>".
 *
 * returns: @buf
 */
const char *blob_path(const void *fdt, int node, char *buf, size_t len);

#endif /* VIOMMU_DTGEN_BLOB_H */

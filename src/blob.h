/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_BLOB_H
#define VIOMMU_DTGEN_BLOB_H

/* The check every device tree blob passes before anything walks it. */

#include <stddef.h>

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

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_BLOB_H
#define VIOMMU_DTGEN_BLOB_H

/* The check every device tree blob passes before anything walks it. */

#include <stddef.h>

#include "diag.h"

/**
 * blob_check - check an untrusted blob with fdt_check_full()
 * @fdt, @size: the blob and the number of bytes readable there (bytes
 *	after the header's totalsize are allowed)
 * @file: its name, for the message
 *
 * The message says which check failed: a blob shorter than a header, a
 * bad magic number, a header that claims more bytes than @size, a block
 * at an unaligned offset, a format version before 16, what
 * fdt_check_full() refuses, or a property longer than its block.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT
 */
int blob_check(const void *fdt, size_t size, const char *file,
	       struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_BLOB_H */

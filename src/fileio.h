/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_FILEIO_H
#define VIOMMU_DTGEN_FILEIO_H

/*
 * File input and output for the command-line tool: reading inputs (DTS
 * through dtc), and writing every output all-or-nothing.  Errors are
 * returned in a struct vdt_diag like the library's.
 */

#include <stddef.h>

#include "diag.h"

/* The largest input read (a DTB's totalsize is a 32-bit field). */
#define FILEIO_MAX_INPUT ((size_t)64 << 20)

/**
 * fileio_load_dt - read a device tree: a DTB as is, anything else as DTS
 * compiled by "dtc" from PATH
 * @path: the file, or "-" for standard input
 * @name: its name in diagnostics
 * @blob, @size: receive the blob (free() it)
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_IO, if the file cannot be read or dtc cannot run
 *	-VDT_ERR_BADDT, if dtc rejects the source (its first message is kept)
 *	-VDT_ERR_NOMEM
 */
int fileio_load_dt(const char *path, const char *name, void **blob,
		   size_t *size, struct vdt_diag *d);

/**
 * fileio_dtb_to_dts - decompile a blob with "dtc -I dtb -O dts"
 * @name: the output's name in diagnostics
 * @out, @len: receive the source text (free() it)
 *
 * returns: as fileio_load_dt()
 */
int fileio_dtb_to_dts(const void *blob, size_t size, const char *name,
		      void **out, size_t *len, struct vdt_diag *d);

/**
 * fileio_in_place - whether @path is written in place rather than through
 * a temporary file: "-" (standard output), or an existing path that is not
 * a regular file (/dev/null, a FIFO, a terminal)
 *
 * returns: 1 or 0
 */
int fileio_in_place(const char *path);

/* One output: @path ("-" is standard output) gets @len bytes of @data. */
struct fileio_out {
	const char *path;
	const void *data;
	size_t len;
	char *tmp;		/* private: temporary file, if any */
};

/**
 * fileio_commit - write all outputs, or none
 * @outs, @n: the outputs
 *
 * A regular file (or a new path) is written to a temporary file in its
 * directory and renamed over the target once every output was written.
 * Standard output and existing paths that are not regular files
 * (/dev/null, a FIFO, a terminal) are written in place, never renamed.
 * On failure every temporary file is removed and no target was renamed.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_IO, naming the path that failed
 *	-VDT_ERR_NOMEM
 */
int fileio_commit(struct fileio_out *outs, int n, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_FILEIO_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_FILEIO_H
#define VIOMMU_DTGEN_FILEIO_H

/*
 * File input and output for the command-line tool: reading inputs (DTS
 * through dtc, with their labels), and writing every output
 * all-or-nothing.  Errors are
 * returned in a struct vdt_diag like the library's.
 */

#include <stddef.h>

#include "diag.h"
#include "dts_write.h"
#include "vbuf.h"

/* The default limit on an input's size (a DTB's totalsize is 32 bits). */
#define FILEIO_MAX_INPUT ((size_t)64 << 20)

/* The default time limit of each dtc or cpp run, in seconds. */
#define FILEIO_TIMEOUT 10
/* How long a FIFO output may wait for its reader, in seconds. */
#define FILEIO_FIFO_WAIT 2
/* The address space each dtc or cpp run may have (RLIMIT_AS). */
#define FILEIO_CHILD_MEM ((size_t)1 << 30)
/* The largest #address-cells, #size-cells and #iommu-cells of a DTS
 * input, and of any other #...-cells (Linux's MAX_PHANDLE_ARGS). */
#define FILEIO_MAX_ADDR_CELLS 4u
#define FILEIO_MAX_CELLS 16u
/* The most -i directories. */
#define FILEIO_MAX_INCDIRS 64

/*
 * How DTS inputs are compiled, for every later fileio_load_dt():
 * @timeout: the time limit of each child (dtc, cpp) in seconds, 0 for
 *	FILEIO_TIMEOUT; a child over it is killed, with what it forked
 * @cpp: run the C preprocessor on DTS inputs first, as Linux's build does
 *	("cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I DIR...")
 * @incdirs, @nincdirs: the -I directories
 * @deps: NULL, or receives the name of every file cpp read, each
 *	followed by a NUL
 * Every child runs in its own process group, with RLIMIT_AS
 * FILEIO_CHILD_MEM, RLIMIT_CPU the time limit, and RLIMIT_FSIZE the input
 * size limit plus 1 MiB.
 */
struct fileio_config {
	unsigned timeout;
	int cpp;
	const char *const *incdirs;
	int nincdirs;
	struct vbuf *deps;
};

/** fileio_configure - set the configuration (copied; @c's strings kept) */
void fileio_configure(const struct fileio_config *c);

/**
 * fileio_read - read a whole file
 * @path: the file, or "-" for standard input
 * @name: its name in diagnostics
 * @max: the most bytes accepted
 * @b: receives the bytes (appended)
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_IO, if the file cannot be read or is larger than @max
 *	-VDT_ERR_NOMEM
 */
int fileio_read(const char *path, const char *name, size_t max,
		struct vbuf *b, struct vdt_diag *d);

/*
 * The labels of an input (label -> node path), as dts_write() takes them.
 * Free them with fileio_labels_free().
 */
struct fileio_labels {
	struct dts_label *v;
	int n;
	char *text;		/* the strings @v points into */
};

/** fileio_labels_free - release @l; it is empty afterwards */
void fileio_labels_free(struct fileio_labels *l);

/**
 * fileio_load_dt - read a device tree: a DTB as is, anything else as DTS
 * compiled by "dtc" from PATH
 * @path: the file, or "-" for standard input
 * @name: its name in diagnostics
 * @max: the most bytes accepted from the file
 * @blob, @size: receive the blob (free() it)
 * @labels: NULL, or receives the input's labels (fileio_labels_free()
 *	them; empty on failure)
 *
 * The blob is what "dtc -I dts -O dtb" makes of the source.  Its labels
 * come from a second compilation with "dtc -@" (skipped for source
 * without a ':'), whose /__symbols__ node names them; that blob is not
 * used otherwise, as -@ also gives each labelled node a phandle.  So a
 * /__symbols__ node is in the blob only if the source has one.  A DTB's
 * labels are those of its own /__symbols__ node, which it keeps.  Entries
 * of /__symbols__ that are no valid label or whose value is no absolute
 * path are skipped, and a DTB that fails blob_check() gives no labels.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_IO, if the file cannot be read, is larger than @max, or dtc
 *		cannot run
 *	-VDT_ERR_INPUT, if the file is empty, if DTS source uses /include/ or
 *		/incbin/ or has a #...-cells value over the limits above, or
 *		if dtc or cpp ran out of time or over its resource limits
 *	-VDT_ERR_BADDT, if dtc (or cpp) rejects the source (its first
 *		message is kept; with a hint naming --cpp for #include)
 *	-VDT_ERR_NOMEM
 */
int fileio_load_dt(const char *path, const char *name, size_t max,
		   void **blob, size_t *size, struct fileio_labels *labels,
		   struct vdt_diag *d);

/**
 * fileio_in_place - whether @path is written in place rather than through
 * a temporary file: "-" (standard output), an existing path that is not
 * a regular file (/dev/null, a FIFO, a terminal, a device), or the file
 * standard output or standard error is open on ("-o /dev/stdout > f",
 * written to that stream, never renamed over)
 *
 * returns: 1 or 0
 */
int fileio_in_place(const char *path);

/* One output: @path ("-" is standard output) gets @len bytes of @data. */
struct fileio_out {
	const char *path;
	const void *data;
	size_t len;
	int sync;		/* fsync(2) the file before it is named, and
				 * its directory after (--fsync) */
	/* private to fileio_commit() */
	int in_place;		/* written in place, never renamed over */
	int fd;			/* unnamed (O_TMPFILE) file, or -1 */
	char *tmp;		/* named temporary file, if any */
	char *real;		/* the file a symbolic link points at */
	char *beside;		/* room for the name linked beside an
				 * existing target, allocated before any
				 * output is renamed */
};

/**
 * fileio_commit - write all outputs, or none
 * @outs, @n: the outputs
 *
 * A regular file (or a new path) is first written in full (and, with
 * @sync, synced) to an unnamed file (O_TMPFILE) in its directory; once
 * every output was
 * written, each is linked to its new name (linkat() through
 * /proc/self/fd, else AT_EMPTY_PATH) or, for an existing target, linked
 * beside it and renamed over it.  A process killed while writing leaves
 * nothing behind.  Where the file system has no O_TMPFILE (or the file
 * cannot be linked), a named temporary file ".NAME.XXXXXX" beside the
 * target is used instead, which a kill before the rename leaves behind.
 * A symbolic link is kept: the file it points at is replaced.  Paths
 * fileio_in_place() names are written in place, never renamed over.
 * On failure every temporary file is removed; targets renamed before
 * the failing one keep their new contents (an output that cannot be
 * written fails before any is renamed).  Without @sync nothing is synced:
 * a crash of the system (not of the process) soon after may leave a new
 * name on an empty or partly written file, the data not yet on disk.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_IO, naming the path that failed
 *	-VDT_ERR_NOMEM
 */
int fileio_commit(struct fileio_out *outs, int n, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_FILEIO_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_DTS_WRITE_H
#define VIOMMU_DTGEN_DTS_WRITE_H

/*
 * A blob written as device tree source that dtc compiles back to the same
 * tree, and that tools which need phandle references rather than numbers
 * (Zephyr's dtlib/edtlib) can read: every phandle position whose value
 * names a node of the tree is written as "&label" (the node has a label)
 * or "&{/path}".  The `phandle` properties themselves stay numbers, so
 * every value compiles back to what it was.
 *
 * Which properties hold phandles, and where, is one table in dts_write.c
 * (the facts follow dtc's checks.c).
 */

#include <stddef.h>

#include "diag.h"
#include "vbuf.h"

/* A label of the source, "gic: gic { ... }": @label names node @path. */
struct dts_label {
	const char *label;
	const char *path;
};

/**
 * dts_label_valid - whether @s can be written as a DTS label:
 * [a-zA-Z_][a-zA-Z0-9_]*
 *
 * returns: 1 or 0
 */
int dts_label_valid(const char *s);

/**
 * dts_write - write @fdt as DTS source, appending to @out
 * @fdt, @size: the blob and the number of bytes readable there; it is
 *	checked with blob_check() first
 * @labels, @nlabels: labels to give nodes (may be NULL, 0); a label
 *	whose path names no node of @fdt is left out, several labels may
 *	name one node (written in the order given)
 * @name: the output's name, for messages
 * @out: receives the text; on failure it may hold part of it
 * @d: receives the error
 *
 * The text is "/dts-v1/;", one "/memreserve/ ADDRESS SIZE;" line per
 * reservation, and the tree; labels of the root node are given after it,
 * as "LABEL: &{/} { };".  A property value is written as a list of
 * strings if it is NUL-terminated and each string is non-empty printable
 * ASCII (tab, newline and the other C control escapes allowed, escaped);
 * else as cells "<0x...>" if its length is a multiple of 4; else as bytes
 * "[..]".  A property of the phandle table is written as cells whenever
 * its length is a multiple of 4, with its phandle positions written as
 * references where their value is the phandle of a node of @fdt; a value
 * that names no node stays a number, and where a specifier cannot be
 * parsed (its phandle names no node, the node has no usable #*-cells, the
 * value ends inside it) the rest of that property is written as numbers.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, if @fdt fails blob_check(), is nested deeper than
 *		VDT_MAX_DEPTH, or libfdt fails while walking it
 *	-VDT_ERR_INPUT, if a label is not a valid label or is given twice
 *	-VDT_ERR_UNSUPPORTED, if a node or property name holds a character
 *		DTS cannot write
 *	-VDT_ERR_NOMEM
 */
int dts_write(const void *fdt, size_t size, const struct dts_label *labels,
	      int nlabels, const char *name, struct vbuf *out,
	      struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_DTS_WRITE_H */

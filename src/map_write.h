/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_MAP_WRITE_H
#define VIOMMU_DTGEN_MAP_WRITE_H

/*
 * Map writers: each renders a struct vmap into bytes; none allocates IDs
 * or reads a device tree.  The formats are described in viommu-map(5).
 * One table in map_write.c lists every format with its name, its file
 * name extensions and its writer.
 */

#include "diag.h"
#include "vbuf.h"
#include "vmap.h"

enum map_format {
	MAP_FORMAT_YAML,	/* schemas/viommu-map.schema.yaml */
	MAP_FORMAT_XL,		/* xl.cfg iommu_devid_map, as proposed on xen-devel */
	MAP_FORMAT_JSON,	/* the YAML form's structure, in JSON */
	MAP_FORMAT_C,		/* a C header with a static const array */
	MAP_FORMAT_BIN,		/* little-endian table for firmware */
	MAP_FORMAT_XL_RANGES,	/* MAP_FORMAT_XL, a range as one element */
};

/* Every format name, as usage messages list them (a unit test keeps it true). */
#define MAP_FORMAT_NAMES "bin|c|json|xl|xl-ranges|yaml"

/* The C form's default name prefix, and the longest prefix taken. */
#define MAP_PREFIX_DEFAULT "viommu_map"
#define MAP_PREFIX_MAX 48

/**
 * map_format_by_name - parse a format name: "yaml", "xl", "json", "c" or
 * "bin"
 *
 * returns: the format, or -VDT_ERR_NOTFOUND
 */
int map_format_by_name(const char *name);

/**
 * map_format_by_path - the format a file name's extension names:
 * .yaml/.yml YAML, .cfg xl, .json JSON, .h C, .bin binary
 *
 * returns: the format, or -VDT_ERR_NOTFOUND
 */
int map_format_by_path(const char *path);

/**
 * map_format_name - the name of @fmt, as map_format_by_name() takes it
 *
 * returns: the name, or NULL for a value that is no format
 */
const char *map_format_name(int fmt);

/**
 * map_prefix_ok - whether @prefix may name the C form's declarations:
 * a C identifier of at most MAP_PREFIX_MAX characters that is not a
 * keyword, not reserved (_X..., __...) and not a POSIX type name (..._t)
 *
 * returns: 1 or 0
 */
int map_prefix_ok(const char *prefix);

/**
 * map_write - render @m in @fmt, appending to @out
 * @prefix: the C form's name prefix (NULL: MAP_PREFIX_DEFAULT); other
 *	forms ignore it
 * @file: the output's name, for messages
 *
 * The xl form is the 2022 proposal's grammar, one element per ID; an SMR
 * mask is an error there.  The xl-ranges form writes a range as one
 * element with a count, and leaves a mask out with a warning.  Neither
 * takes a map whose vIDs Xen allocates (vmap.xen_allocates).
 *
 * A bare map (vmap.bare) is written without what it lacks: the YAML and
 * JSON forms leave out the viommu, policy, vid-base and vid-bits keys and
 * each entry's IOMMU path and devices; the C form leaves out its comments.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_USAGE, if @prefix is not map_prefix_ok() or @fmt is no format
 *	-VDT_ERR_USAGE, for the xl forms of a map whose vIDs Xen allocates
 *	-VDT_ERR_INPUT, if a name cannot be written as YAML (not UTF-8), or
 *	the xl form meets an SMR mask
 *	-VDT_ERR_NOMEM
 */
int map_write(const struct vmap *m, enum map_format fmt, const char *prefix,
	      const char *file, struct vbuf *out, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_MAP_WRITE_H */

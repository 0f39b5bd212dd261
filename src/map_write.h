/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_MAP_WRITE_H
#define VIOMMU_DTGEN_MAP_WRITE_H

/*
 * Map writers: each renders a struct vmap into bytes; none allocates IDs
 * or reads a device tree.
 */

#include "diag.h"
#include "vbuf.h"
#include "vmap.h"

enum map_format {
	MAP_FORMAT_YAML,	/* schemas/viommu-map.schema.yaml */
	MAP_FORMAT_XL,		/* xl.cfg iommu_devid_map, as proposed on xen-devel */
};

/**
 * map_format_by_name - parse "yaml" or "xl"
 *
 * returns: the format, or -VDT_ERR_NOTFOUND
 */
int map_format_by_name(const char *name);

/**
 * map_format_by_path - the format a file name's extension names
 * (.yaml/.yml: YAML, .cfg: xl)
 *
 * returns: the format, or -VDT_ERR_NOTFOUND
 */
int map_format_by_path(const char *path);

/**
 * map_write - render @m in @fmt, appending to @out
 * @file: the output's name, for warnings (the xl form cannot carry an SMR
 *	mask: each non-zero mask left out is a warning)
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM
 */
int map_write(const struct vmap *m, enum map_format fmt, const char *file,
	      struct vbuf *out, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_MAP_WRITE_H */

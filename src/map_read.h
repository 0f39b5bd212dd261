/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_MAP_READ_H
#define VIOMMU_DTGEN_MAP_READ_H

/*
 * Map readers: the inverse of map_write() for the YAML, JSON and binary
 * forms, into the same struct vmap model.
 */

#include <stddef.h>

#include "diag.h"
#include "vmap.h"

/**
 * map_read - parse a map table
 * @data, @len: the file's bytes; the binary form is recognised by its
 *	magic, anything else is read as YAML (of which the JSON form is a
 *	subset)
 * @file: the file's name, for messages
 * @m: receives the table (free with vmap_free()); fields the form does not
 *	carry (the binary form has no paths or devices) are left empty
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, for a malformed table (the message says where)
 *	-VDT_ERR_NOMEM
 */
int map_read(const void *data, size_t len, const char *file, struct vmap *m,
	     struct vdt_diag *d);

/**
 * map_sniff - whether @data (@len bytes) begins as a map table this tool
 * writes: the binary form's magic, or YAML or JSON whose first key is
 * "version" (a number, on a line of its own) and whose second is another
 * key of the table's top level; the rest is not read
 *
 * returns: 1 or 0
 */
int map_sniff(const void *data, size_t len);

#endif /* VIOMMU_DTGEN_MAP_READ_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_SYSFILE_H
#define VIOMMU_DTGEN_SYSFILE_H

/*
 * The system file of --system (viommu-dtgen(1), SYSTEM MODE;
 * schemas/viommu-system.schema.yaml), read strictly with libyaml.
 */

#include <stddef.h>

#include "diag.h"
#include "system.h"

/**
 * sysfile_read - parse a system file
 * @text, @len: its bytes
 * @file: its name: messages name it ("FILE:LINE", the key), and relative
 *	file names in it are taken relative to its directory
 * @s: filled on success (release with system_desc_free()); left empty on
 *	failure
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for text that is not YAML, an unknown or repeated
 *		key, a value of the wrong type, a missing "host" or
 *		"guests", a guest without exactly one of "partial" and
 *		"paths", a name that is no safe file name component
 *		(system_name_ok()), two guests of one name, a host path that
 *		is not absolute, or more than SYSTEM_MAX_GUESTS guests
 *	-VDT_ERR_NOMEM
 */
int sysfile_read(const char *text, size_t len, const char *file,
		 struct system_desc *s, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_SYSFILE_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_IBCONFIG_H
#define VIOMMU_DTGEN_IBCONFIG_H

/*
 * The config file of ImageBuilder's uboot-script-gen, read for
 * --imagebuilder (viommu-dtgen(1), SYSTEM MODE) as shell assignments,
 * without running a shell.
 */

#include <stddef.h>

#include "diag.h"
#include "system.h"

/**
 * ibconfig_read - the system an ImageBuilder config describes
 * @text, @len: the file's bytes
 * @file: its name: messages name it ("FILE:LINE", the variable), and
 *	relative file names in it are taken relative to its directory
 * @s: filled on success (release with system_desc_free()); left empty on
 *	failure.  Guest n is named "domu<n>"; a guest with neither
 *	DOMU_PASSTHROUGH_DTB[n] nor DOMU_PASSTHROUGH_PATHS[n] is left out.
 * @d: receives the error, and a warning for each entry of an index at or
 *	above NUM_DOMUS (ImageBuilder ignores those too)
 *
 * Read: DEVICE_TREE, NUM_DOMUS, DOMU_PASSTHROUGH_DTB[n],
 * DOMU_PASSTHROUGH_PATHS[n] (host paths separated by blanks) and
 * DOMU_NOBOOT[n] (set when not empty), each as the last assignment sets
 * it; "NAME=value" with '...', "..." and unquoted parts, backslash
 * escapes, "export NAME=...", several assignments on a line, ';' and
 * '#' comments.  Every other assignment is skipped.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a line that is no assignment (or has blanks
 *		around '='), an unterminated quote, a value of a variable read
 *		here that needs a shell ($(...), `...`, $NAME, ${...}, a leading ~,
 *		an array (...) or +=), an index that is no number below
 *		SYSTEM_MAX_GUESTS, a NUM_DOMUS that is no number, a missing
 *		DEVICE_TREE or NUM_DOMUS, a relative host path, or no guest
 *		that passes a device through
 *	-VDT_ERR_NOMEM
 */
int ibconfig_read(const char *text, size_t len, const char *file,
		  struct system_desc *s, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_IBCONFIG_H */

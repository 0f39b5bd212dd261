/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_ALLOWLIST_H
#define VIOMMU_DTGEN_ALLOWLIST_H

/*
 * The --allow-list file: the host paths a guest may be given, one a line,
 * as in libxl's dtdev list.  '#' starts a comment; blanks around a path
 * and blank lines are skipped.
 */

#include <stddef.h>

#include "diag.h"

/**
 * allowlist_parse - the host paths a list file names
 * @text: the file's text, @len bytes, with room for a NUL at @text[@len]
 *	(as struct vbuf keeps it); lines are cut in place
 * @name: the file's name, for messages
 * @paths, @n: an array of *@n paths (NULL and 0 for none), grown with
 *	realloc() to take the paths found, which point into @text; the
 *	caller frees *@paths, after an error too
 * @d: receives the error
 *
 * returns:
 *	the number of paths found (>= 0), on success
 *	-VDT_ERR_INPUT, if @text holds a NUL byte or a line that is not one
 *		absolute path (the message names the line)
 *	-VDT_ERR_NOMEM
 */
int allowlist_parse(char *text, size_t len, const char *name,
		    const char ***paths, int *n, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_ALLOWLIST_H */

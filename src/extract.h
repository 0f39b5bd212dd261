/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_EXTRACT_H
#define VIOMMU_DTGEN_EXTRACT_H

/*
 * A partial device tree generated from host paths: what ImageBuilder's
 * DOMU_PASSTHROUGH_PATHS asks Lopper's extract-xen assist for, as Xen's
 * dom0less builder takes it (viommu-dtgen(1), SYSTEM MODE).
 */

#include <stddef.h>

#include "diag.h"
#include "hostdt_query.h"

/**
 * extract_partial - a partial DT holding the host nodes at @paths below
 * /passthrough, with xen,path, xen,reg, interrupts and iommus as the
 * dom0less builder reads them
 * @h: the open host tree
 * @paths, @npaths: absolute host paths; a path below another listed path
 *	is copied once
 * @abi: what the nodes' "iommus" become (as --xen-abi)
 * @out, @size: on success a malloc'ed packed blob the caller frees
 * @d: receives the error, and a warning for every property or interrupt
 *	left out and every page shared with another host device
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a path that names no host node, or the root
 *	-VDT_ERR_BADDT, -VDT_ERR_UNSUPPORTED, for host nodes whose reg or
 *		interrupts cannot be read
 *	-VDT_ERR_NOMEM
 */
int extract_partial(const struct hostdt *h, const char *const *paths,
		    int npaths, enum vdt_xen_abi abi, void **out, size_t *size,
		    struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_EXTRACT_H */

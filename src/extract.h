/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_EXTRACT_H
#define VIOMMU_DTGEN_EXTRACT_H

/*
 * A partial device tree generated from host paths: what ImageBuilder's
 * DOMU_PASSTHROUGH_PATHS asks Lopper's extract-xen assist for, as Xen's
 * dom0less builder takes it (viommu-dtgen(1), PARTIAL FROM HOST PATHS,
 * rules E1-E10).  The result is an input of the pipeline
 * (dtgen_run_host()), which resolves and writes the IOMMU properties.
 */

#include <stddef.h>

#include "diag.h"
#include "hostdt_query.h"

/*
 * The GIC placeholder: the node /gic, with phandle 1.  A DTB has no
 * labels, and none is written (a /__symbols__ node would draw rule B4's
 * warning); a caller writing DTS gives dts_write() the label
 * { EXTRACT_GIC_LABEL, EXTRACT_GIC_PATH } to write "gic: gic" and <&gic>.
 */
#define EXTRACT_GIC_NAME "gic"
#define EXTRACT_GIC_PATH "/gic"
#define EXTRACT_GIC_LABEL "gic"

/**
 * extract_partial - a partial DT holding the host nodes at @paths below
 * /passthrough, with xen,path, xen,reg, interrupts and iommus as the
 * dom0less builder reads them
 * @h: the open host tree
 * @paths, @npaths: full absolute host paths, in the order their nodes are
 *	written; a path below another listed path (or listed twice) is
 *	copied once, within the other, still as a device (xen,path, xen,reg)
 * @abi: what the nodes' "iommus" become (as --xen-abi): vsmmuv3-v3 the
 *	host's IDs behind Xen's vSMMUv3 phandle; devid-map and none no
 *	IOMMU property (the pipeline writes the vIDs, or none)
 * @out, @size: on success a malloc'ed packed blob the caller frees
 * @d: receives the error, and a warning for every property or interrupt
 *	left out and every page shared with another host device
 *
 * Same inputs, same bytes.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for no path, a path that is not the full path of a
 *		host node, the root, or a listed node without "reg"
 *	-VDT_ERR_CONFLICT, for two nodes that would have one name below
 *		/passthrough
 *	-VDT_ERR_BADDT, -VDT_ERR_UNSUPPORTED, for host nodes whose reg,
 *		interrupts or iommus cannot be read, or more phandles than
 *		Xen's dom0less builder takes
 *	-VDT_ERR_NOMEM
 */
int extract_partial(const struct hostdt *h, const char *const *paths,
		    int npaths, enum vdt_xen_abi abi, void **out, size_t *size,
		    struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_EXTRACT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_HOSTDT_DOM0_H
#define VIOMMU_DTGEN_HOSTDT_DOM0_H

/*
 * Whether a host tree is the board's (what Xen boots with) or dom0's view
 * of it (/sys/firmware/fdt, /proc/device-tree in dom0: Xen's rewrite, with
 * a /hypervisor node and the IOMMUs Xen keeps for itself taken out).  The
 * tool needs the board's: only it has the IOMMUs and the physical IDs.
 */

#include <stddef.h>

#include "diag.h"

/**
 * hostdt_dom0_check - refuse a host tree that is dom0's view
 * @fdt, @size: the host tree
 * @name: its name in diagnostics
 * @need_iommu: the guest gets a vIOMMU (not --xen-abi none)
 *
 * dom0's view is recognised by a /hypervisor node compatible "xen,xen",
 * or, with @need_iommu, by a node marked "xen,passthrough" that has no
 * "iommus" in a tree without any IOMMU (no node has "#iommu-cells"), in
 * one walk of the blob.  A blob blob_walk() refuses is left to the
 * pipeline's own checks (0).
 *
 * returns:
 *	0, if the tree may be the board's
 *	-VDT_ERR_INPUT, with a hint to pass the board's DTB
 */
int hostdt_dom0_check(const void *fdt, size_t size, const char *name,
		      int need_iommu, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_HOSTDT_DOM0_H */

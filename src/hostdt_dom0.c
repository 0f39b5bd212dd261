/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include <libfdt.h>

#include "hostdt_dom0.h"

#define DOM0_HINT "this is dom0's view of the host (Xen's rewrite of it); pass the board DTB that Xen boots with"

int hostdt_dom0_check(const void *fdt, size_t size, const char *name,
		      int need_iommu, struct vdt_diag *d)
{
	int node, bare = -1, iommu = 0, depth = 0;
	char path[VDT_DIAG_NODE_LEN];

	if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
	    fdt_totalsize(fdt) > size)
		return 0;
	node = fdt_path_offset(fdt, "/hypervisor");
	if (node >= 0 && fdt_node_check_compatible(fdt, node, "xen,xen") == 0) {
		vdt_error(d, VDT_ERR_INPUT, name, "/hypervisor", "compatible",
			  "\"xen,xen\": the host tree is dom0's view, not the board's");
		vdt_hint(d, DOM0_HINT);
		return -VDT_ERR_INPUT;
	}
	if (!need_iommu)
		return 0;
	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (fdt_getprop(fdt, node, "#iommu-cells", NULL))
			iommu = 1;
		if (bare < 0 && fdt_getprop(fdt, node, "xen,passthrough", NULL) &&
		    !fdt_getprop(fdt, node, "iommus", NULL))
			bare = node;
	}
	if (iommu || bare < 0)
		return 0;
	if (fdt_get_path(fdt, bare, path, sizeof(path)) != 0)
		strcpy(path, "?");
	vdt_error(d, VDT_ERR_INPUT, name, path, "xen,passthrough",
		  "a passthrough device without iommus in a tree without any IOMMU: the host tree is dom0's view, not the board's");
	vdt_hint(d, DOM0_HINT);
	return -VDT_ERR_INPUT;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wraps Xen's dom0less partial-DT code (domain_build.c: handle_passthrough_prop,
 * handle_prop_pfdt, scan_pfdt_node, check_partial_fdt,
 * domain_handle_dtb_bootmodule, with bootfdt.c's device_tree_get_reg and
 * device_tree_get_u32 and device_tree.h's dt_read_number and dt_next_cell),
 * extracted from Debian's Xen source at test time into
 * BUILD/xen-src/extracted/ (GPL code, never committed).  Built with
 * relaxed warnings: the included code is Xen's, as it is.
 */
#include "shim_hv.h"
#include "xen_units.h"

#include "dom0less_partial.c"

int xen_dom0less_handle_dtb_bootmodule(struct domain *d,
				       struct kernel_info *kinfo)
{
	return domain_handle_dtb_bootmodule(d, kinfo);
}

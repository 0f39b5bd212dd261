/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry points into the Xen code extracted at test time: libxl_unit.c and
 * dom0less_unit.c wrap the static functions they include.
 */
#ifndef XEN_UNITS_H
#define XEN_UNITS_H

#include <stddef.h>

#include "shim_domain.h"

/* libxl_arm.c: check_partial_fdt(gc, pfdt, size), 0 or ERROR_FAIL. */
int xen_libxl_check_partial_fdt(void *pfdt, size_t size);
/* libxl_arm.c: copy_partial_fdt(gc, fdt, pfdt), 0 or -FDT_ERR_*. */
int xen_libxl_copy_partial_fdt(void *fdt, void *pfdt);
/* domain_build.c: domain_handle_dtb_bootmodule(d, kinfo), 0 or < 0. */
int xen_dom0less_handle_dtb_bootmodule(struct domain *d,
				       struct kernel_info *kinfo);

#endif

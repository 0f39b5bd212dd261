/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wraps libxl's partial-DT functions, which tests/consumers/xen.sh
 * extracts from Debian's Xen source into BUILD/xen-src/extracted/ at test
 * time (GPL code, never committed).  Built with relaxed warnings: the
 * included code is Xen's, as it is.
 */
#include "shim_libxl.h"
#include "xen_units.h"

#include "libxl_partial.c"

int xen_libxl_check_partial_fdt(void *pfdt, size_t size)
{
	libxl__gc gc = { 0 };

	return check_partial_fdt(&gc, pfdt, size);
}

int xen_libxl_copy_partial_fdt(void *fdt, void *pfdt)
{
	libxl__gc gc = { 0 };

	return copy_partial_fdt(&gc, fdt, pfdt);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Logging shims for the Xen code that tests/consumers/xen.sh extracts from
 * Debian's Xen source at test time (nothing of Xen is committed here).
 *
 * Stands for Xen's printk()/dprintk() (xen/drivers/char/console.c) and
 * libxl's libxl__log() (tools/libs/light/libxl_internal.c).  Every message
 * goes to stderr; every error-level message (XENLOG_ERR, LOG(ERROR, ...))
 * is counted, because scan_pfdt_node() drops the return value of its
 * recursive calls: an error below /passthrough shows only as a printk.
 */
#ifndef XEN_SHIM_LOG_H
#define XEN_SHIM_LOG_H

#include <stdarg.h>

/* Error-level messages seen so far. */
extern unsigned int xen_shim_errors;

/*
 * Xen's printk: FMT may start with a level tag ("<0>" is XENLOG_ERR); it
 * knows Xen's %pd (a struct domain *, printed "d<id>").
 */
void xen_shim_printk(const char *fmt, ...);

/* libxl's log: LEVEL_ERROR counts as an error. */
enum { XEN_SHIM_LEVEL_DEBUG, XEN_SHIM_LEVEL_INFO, XEN_SHIM_LEVEL_WARN,
       XEN_SHIM_LEVEL_ERROR };
void xen_shim_libxl_log(int level, const char *func, const char *fmt, ...);

#endif

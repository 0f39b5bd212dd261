/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The environment the extracted libxl code (tools/libs/light/libxl_arm.c:
 * check_partial_fdt, copy_properties, copy_node, copy_node_by_path,
 * copy_partial_fdt) compiles in.  Each item stands for the libxl one named.
 */
#ifndef XEN_SHIM_LIBXL_H
#define XEN_SHIM_LIBXL_H

#include <stddef.h>
#include <string.h>
#include <libfdt.h>

#include "shim_log.h"

/* libxl_internal.h: the garbage collector handle (unused by these). */
typedef struct {
	int unused;
} libxl__gc;

/* libxl_types.idl: libxl_error. */
#define ERROR_FAIL (-3)

/* libxl_internal.h: LOG(LEVEL, fmt, ...) through libxl__log. */
#define LOG(l, f, ...) \
	xen_shim_libxl_log(XEN_SHIM_LEVEL_##l, __func__, f, ##__VA_ARGS__)

#endif

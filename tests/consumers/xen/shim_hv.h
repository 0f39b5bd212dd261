/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The environment the extracted dom0less code (xen/arch/arm/domain_build.c,
 * bootfdt.c, xen/include/xen/device_tree.h) compiles in: Xen's types,
 * macros and the hypervisor services it calls, each standing for the Xen
 * one named in its comment.  The services are in shim_hv.c.
 */
#ifndef XEN_SHIM_HV_H
#define XEN_SHIM_HV_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <libfdt.h>

#include "shim_domain.h"
#include "shim_log.h"

/* xen/compiler.h: boot-time section attribute. */
#define __init

/* xen/types.h, asm/types.h (arm64). */
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint32_t __be32;
typedef uint64_t paddr_t;
#define PRIpaddr "016" PRIx64
#define be32_to_cpu(x) fdt32_to_cpu(x)

/* asm/page.h, xen/pfn.h, asm/mm.h: 4 KiB pages, frame numbers. */
#define PAGE_SHIFT 12
#define PAGE_SIZE ((paddr_t)1 << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define paddr_to_pfn(pa) ((unsigned long)((pa) >> PAGE_SHIFT))
#define gaddr_to_gfn(ga) ((uint64_t)((ga) >> PAGE_SHIFT))
#define maddr_to_mfn(ma) ((uint64_t)((ma) >> PAGE_SHIFT))
typedef enum { p2m_mmio_direct_dev } p2m_type_t;

/* xen/config.h, xen/lib.h: log levels and printk; dprintk as in a debug
 * build (in a release build, NDEBUG, dprintk prints nothing at all). */
#define XENLOG_ERR "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO "<2>"
#define printk(...) xen_shim_printk(__VA_ARGS__)
#define dprintk(lvl, fmt, ...) \
	xen_shim_printk(lvl "%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__)

/* xen/device_tree.h: name comparisons and the root's default cells. */
#define dt_prop_cmp(s1, s2) strcmp((s1), (s2))
#define dt_node_cmp(s1, s2) strcasecmp((s1), (s2))
#define DT_ROOT_NODE_ADDR_CELLS_DEFAULT 2
#define DT_ROOT_NODE_SIZE_CELLS_DEFAULT 1

/* asm/io.h: the boot module is already in our memory. */
#define ioremap_cache(start, size) ((void *)(uintptr_t)(start))
#define iounmap(p) ((void)(p))

/* xen/device_tree.h: dt_find_node_by_path (case-insensitive full path). */
struct dt_device_node *dt_find_node_by_path(const char *path);
/* asm/domain_build.h: route the device's IRQs to the guest (no-op here). */
int handle_device_interrupts(struct domain *d, struct dt_device_node *dev,
			     bool need_mapping);
/* drivers/passthrough/device_tree.c */
int iommu_add_dt_device(struct dt_device_node *np);
int iommu_assign_dt_device(struct domain *d, struct dt_device_node *dev);
bool dt_device_is_protected(const struct dt_device_node *dev);
/* xen/iocap.h: rangeset permission (always granted here). */
int iomem_permit_access(struct domain *d, unsigned long s, unsigned long e);
/* asm/p2m.h: stage-2 mapping (always succeeds here). */
int map_regions_p2mt(struct domain *d, uint64_t gfn, unsigned long nr,
		     uint64_t mfn, p2m_type_t p2mt);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_DTGEN_H
#define VIOMMU_DTGEN_DTGEN_H

/*
 * The viommu-dtgen pipeline, as a library call: host DT + partial DT in,
 * rewritten partial DT + vID map model out.  Nothing here prints, exits or
 * touches a file.
 */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hostdt_query.h"
#include "idalloc.h"
#include "viommu_node.h"
#include "vmap.h"

#define DTGEN_VERSION VDT_VERSION_STRING

/* enum vdt_policy, vdt_xen_abi, vdt_builder: the public header's
 * (viommu-dtgen(1), ALLOCATION and WHICH XEN?). */

struct dtgen_opts {
	enum vdt_policy policy;
	uint32_t vid_base;		/* lowest vID handed out */
	unsigned int vid_bits;		/* vID space is [vid_base, 2^vid_bits) */
	struct viommu_params viommu;
	int no_viommu_node;		/* reference the vIOMMU, do not emit it */
	const char *const *allow;	/* host paths a xen,path may name, or NULL: any */
	int nallow;
	const char *const *allow_dtdev;	/* an xl config's dtdev, or NULL: any;
					 * restricts host nodes with an IOMMU
					 * only (rule L5) */
	int nallow_dtdev;
	const char *allow_dtdev_name;	/* the config's file name, for messages */
	const struct vmap *lock;	/* an earlier map whose vIDs are kept, or NULL */
	const char *lock_name;		/* its file name, for messages */
	int lock_allow_moves;		/* a new range may move locked vIDs
					 * (each move a loud warning) rather
					 * than fail */
	enum vdt_xen_abi abi;
	enum vdt_builder builder;
	int vpci;			/* the series' libxl asks for 0x1000 vSIDs first */
	uint32_t irq_priority;		/* 4th cell of a 4-cell GIC interrupt */
	int guest_view;			/* also write the guest's view */
};

/* A device tree blob as read, with the name diagnostics give it. */
struct dtgen_blob {
	const void *data;
	size_t size;
	const char *name;
};

struct dtgen_result {
	void *fdt;		/* the rewritten partial DT, packed */
	size_t size;
	void *guest;		/* the guest's view (opts.guest_view), or NULL */
	size_t guest_size;
	struct vmap map;
};

/**
 * dtgen_opts_default - Xen's defaults: compact, vIDs [0, 2^16), phandle
 * 0xfdea, vIOMMU at 0x04040000 size 0x40000, SPI 33, node emitted,
 * --xen-abi devid-map, --builder none, priority 0xa0
 */
void dtgen_opts_default(struct dtgen_opts *o);

/**
 * dtgen_run - resolve, allocate and rewrite
 * @o: options
 * @host: the host DT blob
 * @partial: the guest's partial DT blob
 * @res: receives the output on success (free with dtgen_result_free());
 *	left empty on failure
 * @d: receives the error, and any warnings (disabled host nodes or IOMMUs)
 *
 * Both blobs are checked with fdt_check_full() before anything is read.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_USAGE, for option values out of range
 *	-VDT_ERR_BADDT, -VDT_ERR_INPUT, -VDT_ERR_UNSUPPORTED,
 *	-VDT_ERR_CONFLICT, -VDT_ERR_EXHAUSTED, for bad or unsatisfiable input
 *	-VDT_ERR_NOMEM
 */
int dtgen_run(const struct dtgen_opts *o, const struct dtgen_blob *host,
	      const struct dtgen_blob *partial, struct dtgen_result *res,
	      struct vdt_diag *d);

/**
 * dtgen_host_open - check and index a host DT for dtgen_run_host()
 * @h: filled on success; release with hostdt_close(), then free(*@copy)
 * @host: the blob; it must stay valid while @h is used, unless it was
 *	copied (an unaligned blob is: *@copy then owns the copy)
 * @copy: receives NULL or the aligned copy
 *
 * returns: 0, or -VDT_ERR_BADDT or -VDT_ERR_NOMEM
 */
int dtgen_host_open(struct hostdt *h, const struct dtgen_blob *host,
		    void **copy, struct vdt_diag *d);

/**
 * dtgen_run_host - dtgen_run() against a host opened once; @host is only
 * read, so many runs may use it
 *
 * returns: as dtgen_run()
 */
int dtgen_run_host(const struct dtgen_opts *o, const struct hostdt *host,
		   const struct dtgen_blob *partial, struct dtgen_result *res,
		   struct vdt_diag *d);

/** dtgen_result_free - release a result; it is left empty */
void dtgen_result_free(struct dtgen_result *res);

#endif /* VIOMMU_DTGEN_DTGEN_H */

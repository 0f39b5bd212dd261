/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The few hypervisor structures the extracted dom0less code touches,
 * reduced to the fields it reads (Xen: struct domain in xen/sched.h,
 * struct kernel_info in asm/kernel.h, struct bootmodule in asm/setup.h,
 * struct dt_device_node in xen/device_tree.h).  Shared by the shims and
 * the driver; plain C11.
 */
#ifndef XEN_SHIM_DOMAIN_H
#define XEN_SHIM_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

/* struct domain: only its id (printed by %pd). */
struct domain {
	int domain_id;
};

/* A boot module: here the partial DTB, in our memory (ioremap_cache). */
struct bootmodule {
	uint64_t start;
	uint64_t size;
};

/* struct kernel_info: the guest tree being built and the GIC phandle. */
struct kernel_info {
	struct domain *d;
	void *fdt;
	uint32_t phandle_gic;
	const struct bootmodule *dtb_bootmodule;
};

/*
 * A host DT node, as dt_find_node_by_path() hands it out: an offset in
 * the host DTB plus what the IOMMU layer records about the device.
 */
struct dt_device_node {
	int offset;
	const char *full_name;
	bool is_protected;	/* iommu_add_dt_device() found its IOMMU */
	bool assigned;		/* iommu_assign_dt_device() gave it away */
	struct dt_device_node *next;
};

/* The host DTB that dt_find_node_by_path() searches (set by the driver). */
extern const void *xen_shim_host_fdt;

/* Forget every node handed out (and its assignment). */
void xen_shim_host_reset(void);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypervisor services for the extracted dom0less code (see shim_hv.h),
 * over the host DTB through libfdt.  Our code, strict flags.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libfdt.h>

#include "shim_hv.h"

const void *xen_shim_host_fdt;
static struct dt_device_node *nodes;
static char path_buf[4096];

void xen_shim_host_reset(void)
{
	while (nodes != NULL) {
		struct dt_device_node *n = nodes->next;

		free((void *)nodes->full_name);
		free(nodes);
		nodes = n;
	}
}

/* The record of the node at OFFSET, made on first use. */
static struct dt_device_node *node_at(int offset)
{
	struct dt_device_node *n;

	for (n = nodes; n != NULL; n = n->next)
		if (n->offset == offset)
			return n;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		abort();
	n->offset = offset;
	if (fdt_get_path(xen_shim_host_fdt, offset, path_buf,
			 sizeof(path_buf)) < 0)
		path_buf[0] = '\0';
	n->full_name = strdup(path_buf);
	if (n->full_name == NULL)
		abort();
	n->next = nodes;
	nodes = n;
	return n;
}

/*
 * Xen's dt_find_node_by_path (common/device_tree.c): every node of the
 * unflattened host tree, dt_node_cmp (strcasecmp) of its full name with
 * PATH.  Unlike libfdt's fdt_path_offset, no alias and no unit address
 * may be left out.
 */
struct dt_device_node *dt_find_node_by_path(const char *path)
{
	int off;

	for (off = 0; off >= 0; off = fdt_next_node(xen_shim_host_fdt, off, NULL)) {
		if (fdt_get_path(xen_shim_host_fdt, off, path_buf,
				 sizeof(path_buf)) < 0)
			continue;
		if (strcasecmp(path_buf, path) == 0)
			return node_at(off);
	}
	return NULL;
}

/* handle_device_interrupts (arch/arm/domain_build.c): IRQ routing, no-op. */
int handle_device_interrupts(struct domain *d, struct dt_device_node *dev,
			     bool need_mapping)
{
	(void)d;
	(void)dev;
	(void)need_mapping;
	return 0;
}

/* dt_device_is_available: status absent, "okay" or "ok". */
static bool available(int off)
{
	int len;
	const char *s = fdt_getprop(xen_shim_host_fdt, off, "status", &len);

	return s == NULL || (len > 0 && (strcmp(s, "okay") == 0 ||
					 strcmp(s, "ok") == 0));
}

/*
 * dt_parse_phandle_with_args(np, "iommus", "#iommu-cells", index): the
 * IOMMU node of specifier INDEX, or a negative value.
 */
static int iommus_target(int off, int index)
{
	int len, i = 0, pos = 0, n;
	const fdt32_t *c = fdt_getprop(xen_shim_host_fdt, off, "iommus", &len);

	if (c == NULL || len < 0)
		return -ENOENT;
	n = len / 4;
	while (pos < n) {
		int t = fdt_node_offset_by_phandle(xen_shim_host_fdt,
						   fdt32_to_cpu(c[pos]));
		const fdt32_t *cells;
		int clen;

		if (t < 0)
			return -EINVAL;
		cells = fdt_getprop(xen_shim_host_fdt, t, "#iommu-cells", &clen);
		if (cells == NULL || clen != 4)
			return -EINVAL;
		if (pos + 1 + (int)fdt32_to_cpu(cells[0]) > n)
			return -EINVAL;
		if (i == index)
			return t;
		pos += 1 + (int)fdt32_to_cpu(cells[0]);
		i++;
	}
	return -ENOENT;
}

/*
 * iommu_add_dt_device (drivers/passthrough/device_tree.c, Xen 4.17): the
 * IOMMU is enabled; each `iommus` specifier in turn (never `iommu-map`);
 * a disabled IOMMU ends the walk; iommu_fwspec_init refuses a second,
 * different IOMMU (-EINVAL, "only one IOMMU"); when every specifier went
 * through, the driver's add_device marks the device protected.  Returns 1
 * when the node has no usable `iommus` (not protected), as Xen does.
 */
int iommu_add_dt_device(struct dt_device_node *np)
{
	int rc = 1, index = 0, first = -1, t;

	if (np->is_protected)
		return 0;
	while ((t = iommus_target(np->offset, index)) >= 0) {
		if (!available(t))
			break;
		if (first >= 0 && t != first) {
			rc = -EINVAL;
			break;
		}
		first = t;
		rc = 0;
		index++;
	}
	if (rc == 0)
		np->is_protected = true;
	return rc;
}

/* dt_device_is_protected (xen/device_tree.h). */
bool dt_device_is_protected(const struct dt_device_node *dev)
{
	return dev->is_protected;
}

/*
 * iommu_assign_dt_device (drivers/passthrough/device_tree.c): -EINVAL
 * unless protected, -EBUSY if already assigned to a domain.
 */
int iommu_assign_dt_device(struct domain *d, struct dt_device_node *dev)
{
	(void)d;
	if (!dev->is_protected)
		return -EINVAL;
	if (dev->assigned)
		return -EBUSY;
	dev->assigned = true;
	return 0;
}

/* iomem_permit_access (xen/iocap.h): granted. */
int iomem_permit_access(struct domain *d, unsigned long s, unsigned long e)
{
	(void)d;
	(void)s;
	(void)e;
	return 0;
}

/* map_regions_p2mt (arch/arm/p2m.c): mapped. */
int map_regions_p2mt(struct domain *d, uint64_t gfn, unsigned long nr,
		     uint64_t mfn, p2m_type_t p2mt)
{
	(void)d;
	(void)gfn;
	(void)nr;
	(void)mfn;
	(void)p2mt;
	return 0;
}

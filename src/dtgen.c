/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pipeline: read every passthrough device and its host node, make the
 * allocator's keys, keep pinned and locked vIDs, allocate, and build the
 * map model; dtgen_write.c then writes the rewritten partial DT.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "dtgen_int.h"
#include "hostdt_addr.h"
#include "phandle_fix.h"
#include "sha256.h"

void dtgen_opts_default(struct dtgen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->policy = VDT_POLICY_COMPACT;
	o->vid_base = 0;
	o->vid_bits = 16;
	o->viommu.phandle = VIOMMU_DEFAULT_PHANDLE;
	o->viommu.base = VIOMMU_DEFAULT_BASE;
	o->viommu.size = VIOMMU_DEFAULT_SIZE;
	o->viommu.spi = VIOMMU_DEFAULT_SPI;
	o->abi = VDT_ABI_DEVID_MAP;
	o->builder = VDT_BUILDER_NONE;
	o->irq_priority = GIC_IRQ_PRIORITY_ZEPHYR;
}

static int check_opts(const struct dtgen_opts *o, struct vdt_diag *d)
{
	if (o->vid_bits < 1 || o->vid_bits > 32)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--vid-bits %u is outside 1..32", o->vid_bits);
	if ((uint64_t)o->vid_base >= (uint64_t)1 << o->vid_bits)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--vid-base 0x%x is outside the vID space of --vid-bits %u",
				 o->vid_base, o->vid_bits);
	if (o->viommu.phandle == 0 || o->viommu.phandle == (uint32_t)-1 ||
	    o->viommu.phandle == XEN_PHANDLE_GIC)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--viommu-phandle 0x%x is not a valid phandle",
				 o->viommu.phandle);
	if (o->viommu.spi < 32 || o->viommu.spi > 1019)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--viommu-spi %u is not a GIC SPI (32..1019)",
				 o->viommu.spi);
	if (o->viommu.size == 0)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--viommu-reg size is 0");
	if (o->vpci && (o->abi != VDT_ABI_VSMMUV3_V3 ||
			o->builder != VDT_BUILDER_LIBXL))
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--vpci goes with --xen-abi vsmmuv3-v3 --builder libxl");
	if (o->abi == VDT_ABI_VSMMUV3_V3 &&
	    o->builder == VDT_BUILDER_NONE)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--xen-abi vsmmuv3-v3: Xen builds the guest tree, so --builder is libxl or dom0less (--guest-view writes the guest's tree)");
	if (o->builder != VDT_BUILDER_NONE &&
	    o->viommu.phandle != XEN_PHANDLE_VSMMUV3)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--viommu-phandle 0x%x: the builder's vIOMMU node has phandle 0x%x",
				 o->viommu.phandle, XEN_PHANDLE_VSMMUV3);
	if (o->abi == VDT_ABI_VSMMUV3_V3 && o->lock)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "--xen-abi vsmmuv3-v3: Xen picks every vSID, so there is nothing to --lock");
	return 0;
}

/* Copy a string into newly allocated memory (C11 has no strdup). */
static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* xen,path must be a NUL-terminated absolute path. */
static const char *xen_path(struct run *r, int node, const char *path)
{
	int len;
	const char *s = blob_getprop(r->pfdt, node, "xen,path", &len);

	if (len < 2 || s[0] != '/' || s[len - 1] != '\0' ||
	    strlen(s) != (size_t)len - 1) {
		vdt_error(r->d, VDT_ERR_BADDT, r->pfile, path, "xen,path",
			  "not a NUL-terminated absolute path");
		return NULL;
	}
	return s;
}

/* Disabled nodes are passed through with a warning (boards ship their
 * SMMU disabled until the boot script enables it), once per IOMMU. */
static int warn_iommu(struct run *r, int iommu, const char *path)
{
	char ipath[VDT_DIAG_NODE_LEN];

	if (hostdt_is_enabled(r->host, iommu) ||
	    u64map_get(&r->warned, (uint64_t)iommu) >= 0)
		return 0;
	if (u64map_put(&r->warned, (uint64_t)iommu, 1) < 0)
		return dtgen_nomem(r);
	if (hostdt_get_path(r->host, iommu, ipath, sizeof(ipath)) < 0)
		strcpy(ipath, "<an IOMMU with a long path>");
	vdt_warn(r->d, r->host->file, ipath, "status",
		 "IOMMU is disabled; %s relies on it", path);
	return 0;
}

static int warn_disabled(struct run *r, const struct device *dev,
			 const char *path, const char *hpath)
{
	int i, rc = 0;

	if (!hostdt_is_enabled(r->host, dev->host))
		vdt_warn(r->d, r->host->file, hpath, "status",
			 "host node is disabled; passed through as %s", path);
	for (i = 0; i < dev->nspecs && rc >= 0; i++)
		rc = warn_iommu(r, dev->specs[i].iommu, path);
	for (i = 0; i < dev->nmap && rc >= 0; i++)
		if (dev->map[i].eff_length)
			rc = warn_iommu(r, dev->map[i].iommu, path);
	return rc;
}

/* Pin the run of @key that puts @vid at @offset, for device @di. */
static int pin(struct run *r, int di, int key, uint32_t offset, uint32_t vid,
	       const char *prop)
{
	char here[VDT_DIAG_NODE_LEN], there[VDT_DIAG_NODE_LEN];
	const char *node = r->map->devices[di].node;
	int owner = -1, rc;

	rc = vid < offset ? -VDT_ERR_INPUT :
			    idalloc_pin(&r->ids, key, vid - offset, di);
	if (rc == -VDT_ERR_NOMEM)
		return dtgen_nomem(r);
	if (rc == -VDT_ERR_INPUT)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, node, prop,
				 "pinned vID 0x%x puts IDs outside the vID space [0x%x, 0x%llx)",
				 vid, r->ids.base,
				 (unsigned long long)r->ids.limit);
	if (rc == 0)
		return 0;
	dtgen_key_desc(r, key, here, sizeof(here));
	if (r->ids.keys[key].state != IDALLOC_FREE)
		return vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, node, prop,
				 "%s pinned twice: to vID 0x%x here and to vID 0x%x by %s",
				 here, vid, r->ids.keys[key].vid + offset,
				 dtgen_pinner(r, key));
	vid -= offset;
	for (offset = 0; offset < r->ids.keys[key].count; offset++) {
		owner = idalloc_owner(&r->ids, vid + offset);
		if (owner >= 0 && owner != key)
			break;
	}
	if (owner < 0 || owner == key)
		return vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, node, prop,
				 "vID 0x%x cannot be pinned for %s", vid, here);
	dtgen_key_desc(r, owner, there, sizeof(there));
	return vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, node, prop,
			 "vID 0x%x pinned to %s here and to %s by %s",
			 vid + offset, here, there, dtgen_pinner(r, owner));
}

/* The arrays a device needs once its host node is known. */
static int device_arrays(struct run *r, struct device *dev)
{
	size_t ns = (size_t)dev->nspecs + 1, nm = (size_t)dev->nmap + 1;

	dev->keys = calloc(ns, sizeof(*dev->keys));
	dev->offsets = calloc(ns, sizeof(*dev->offsets));
	dev->pins = calloc(ns, sizeof(*dev->pins));
	dev->map_keys = calloc(nm, sizeof(*dev->map_keys));
	dev->map_pins = calloc(nm, sizeof(*dev->map_pins));
	dev->vids = calloc(ns, sizeof(*dev->vids));
	if (!dev->keys || !dev->offsets || !dev->pins || !dev->map_keys ||
	    !dev->map_pins || !dev->vids)
		return dtgen_nomem(r);
	return 0;
}

/*
 * P2, P4 and P5 (viommu-dtgen(1), ALLOCATION) for one device: what the host says (the only source of
 * physical IDs), what the partial node already says (pins, or copies that
 * must match), and whether there is an IOMMU at all.
 */
static int read_partial_side(struct run *r, struct device *dev,
			     const struct pfix_where *w)
{
	int kind, live = hostdt_map_live(dev->map, dev->nmap), rc;
	const char *force = "xen,force-assign-without-iommu";

	kind = phandle_fix_read_iommus(r->pfdt, dev->node,
				       r->o->viommu.phandle, dev->specs,
				       dev->nspecs, dev->pins, w, r->d);
	if (kind < 0)
		return kind;
	dev->pinned = kind == PFIX_PINNED;
	kind = phandle_fix_read_iommu_map(r->pfdt, dev->node,
					  r->o->viommu.phandle, dev->map,
					  dev->nmap, dev->map_pins, w, r->d);
	if (kind < 0)
		return kind;
	dev->map_pinned = kind == PFIX_PINNED;
	rc = phandle_fix_read_lopper(r->pfdt, dev->node, dev->specs,
				     dev->nspecs, w, r->d);
	if (rc < 0)
		return rc;
	dev->rewrite = dev->nspecs > 0 || live > 0;
	if (dev->rewrite || blob_getprop(r->pfdt, dev->node, force, NULL))
		return 0;
	vdt_error(r->d, VDT_ERR_INPUT, r->pfile, w->node, "xen,path",
		  "host node %s has no IOMMU%s", w->host,
		  dev->nmap ? " (no iommu-map entry is reachable)" : "");
	vdt_hint(r->d, "add %s to pass it through without one (unsafe for a device that can do DMA)",
		 force);
	return -VDT_ERR_INPUT;
}

/* libfdt also finds "/soc/eth" for /soc/eth@1, or "//soc": the map, the
 * allow list and the messages need the node's one full path. */
static int check_canonical(struct run *r, const char *path, const char *hpath,
			   int hnode)
{
	char full[VDT_DIAG_NODE_LEN];

	if (hostdt_get_path(r->host, hnode, full, sizeof(full)) < 0)
		return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile, path,
				 "xen,path", "host paths longer than %d bytes are not supported",
				 VDT_DIAG_NODE_LEN - 1);
	if (strcmp(full, hpath) != 0)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "xen,path", "%s is not the full path of host node %s",
				 hpath, full);
	return 0;
}

/* Whether @hpath is one of the allowed paths (any, without a list). */
static int allowed(const struct dtgen_opts *o, const char *hpath)
{
	int i;

	for (i = 0; o->allow && i < o->nallow; i++)
		if (strcmp(o->allow[i], hpath) == 0)
			return 1;
	return !o->allow;
}

/*
 * L5 (viommu-dtgen(1), XL CONFIGURATION): the dtdev of an xl config is an
 * allow list for the host nodes Xen assigns through it, those an IOMMU
 * protects; one passed with xen,force-assign-without-iommu is never in
 * dtdev (L1), so dtdev does not restrict it.
 */
static int dtdev_allowed(const struct run *r, int hnode, const char *hpath)
{
	const void *fdt = r->host->fdt;
	int i;

	if (!r->o->allow_dtdev || (!fdt_getprop(fdt, hnode, "iommus", NULL) &&
				   !fdt_getprop(fdt, hnode, "iommu-map", NULL)))
		return 1;
	for (i = 0; i < r->o->nallow_dtdev; i++)
		if (strcmp(r->o->allow_dtdev[i], hpath) == 0)
			return 1;
	return 0;
}

/*
 * Isolation: a guest gets only the host nodes it is allowed, each once,
 * and never an IOMMU (or a node holding one): the translation hardware
 * must stay the hypervisor's.
 */
static int check_isolation(struct run *r, int di, const char *path,
			   const char *hpath)
{
	int other = u64map_get(&r->dev_by_host, (uint64_t)r->devs[di].host);

	if (!allowed(r->o, hpath)) {
		vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path, "xen,path",
			  "%s is not among the host paths this guest may be given",
			  hpath);
		vdt_hint(r->d, "--allow-path and --allow-list name them");
		return -VDT_ERR_INPUT;
	}
	if (!dtdev_allowed(r, r->devs[di].host, hpath)) {
		vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path, "xen,path",
			  "%s is not in the dtdev list of %s, which says what this guest may be given",
			  hpath, r->o->allow_dtdev_name ? r->o->allow_dtdev_name : "the xl config");
		vdt_hint(r->d, "add it to dtdev there, or leave dtdev out to allow any host path");
		return -VDT_ERR_INPUT;
	}
	if (other >= 0)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "xen,path",
				 "host node %s is passed through twice: also by %s",
				 hpath, r->map->devices[other].node);
	if (hostdt_holds_iommu(r->host, r->devs[di].host))
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "xen,path",
				 "host node %s is or holds an IOMMU: a guest must never own the translation hardware",
				 hpath);
	if (u64map_put(&r->dev_by_host, (uint64_t)r->devs[di].host, di) < 0)
		return dtgen_nomem(r);
	return 0;
}

/*
 * Error @rc, recorded about host IOMMU @iommu (or, with @iommu < 0, about
 * the IOMMUs of a host node's "iommus"), is restated to name the guest
 * device @di that needs it: "PARTIAL: /passthrough/DEV: xen,path: IOMMU
 * IOMMU of host node HOST: WHERE: WHAT".
 */
static int blame_device(struct run *r, int di, int iommu, int rc)
{
	char what[VDT_DIAG_MSG_LEN], ipath[VDT_DIAG_NODE_LEN];
	const char *pnode = r->map->devices[di].node;
	const char *host = r->map->devices[di].host;
	struct vdt_note w = r->d->error;

	if (rc == -VDT_ERR_NOMEM || r->d->code == 0 || !pnode || !host)
		return rc;
	if (iommu >= 0 &&
	    hostdt_get_path(r->host, iommu, ipath, sizeof(ipath)) < 0)
		snprintf(ipath, sizeof(ipath), "<node at offset %d>", iommu);
	/* WHERE: the error's node (unless named already) and property. */
	w.file[0] = '\0';
	if (strcmp(w.node, iommu >= 0 ? ipath : host) == 0)
		w.node[0] = '\0';
	vdt_note_format(&w, what, sizeof(what));
	r->d->code = 0;		/* this error replaces the first */
	if (iommu >= 0)
		return vdt_error(r->d, -rc, r->pfile, pnode, "xen,path",
				 "IOMMU %s of host node %s: %s", ipath, host,
				 what);
	return vdt_error(r->d, -rc, r->pfile, pnode, "xen,path",
			 "host node %s: %s", host, what);
}

/* P1 and P2 for the passthrough node @node at @path: its host node. */
static int read_device(struct run *r, int node, const char *path)
{
	int di = r->ndevs, i, hnode, rc;
	struct pfix_where w;
	struct device *dev;
	uint32_t mask;
	const char *hpath;

	hpath = xen_path(r, node, path);
	if (!hpath)
		return r->d->code;
	dev = &r->devs[di];
	dev->node = node;
	r->map->devices[di].node = dup_str(path);
	r->map->devices[di].host = dup_str(hpath);
	r->map->ndevices++;
	r->ndevs++;
	if (!r->map->devices[di].node || !r->map->devices[di].host ||
	    u64map_put(&r->dev_by_offset, (uint64_t)node, di) < 0)
		return dtgen_nomem(r);

	hnode = hostdt_node_by_path(r->host, hpath);
	if (hnode < 0)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "xen,path", "host node %s not found in %s",
				 hpath, r->host->file);
	dev->host = hnode;
	rc = check_canonical(r, path, hpath, hnode);
	if (rc >= 0)
		rc = check_isolation(r, di, path, hpath);
	if (rc < 0)
		return rc;
	dev->nspecs = hostdt_iommus(r->host, hnode, &dev->specs, r->d);
	if (dev->nspecs < 0)
		return blame_device(r, di, -1, dev->nspecs);
	dev->nmap = hostdt_iommu_map(r->host, hnode, &dev->map, &mask, r->d);
	if (dev->nmap < 0)
		return dev->nmap;
	rc = device_arrays(r, dev);
	if (rc >= 0)
		rc = warn_disabled(r, dev, path, hpath);
	if (rc < 0)
		return rc;
	w.file = r->pfile;
	w.node = path;
	w.hostfile = r->host->file;
	w.host = hpath;
	rc = read_partial_side(r, dev, &w);
	/* Every reachable map entry is a range for the allocator. */
	for (i = 0; rc >= 0 && i < dev->nmap; i++)
		if (dev->map[i].eff_length &&
		    idalloc_range(&r->ids, dev->map[i].iommu,
				  dev->map[i].pid_base,
				  dev->map[i].eff_length, di) < 0)
			rc = dtgen_nomem(r);
	return rc;
}

/* Devices are named by path in the map: two siblings of one name would
 * make it ambiguous. */
static int unique_path(struct run *r, const char *path)
{
	uint64_t key = u64map_str_key(path, strlen(path));
	int prev = u64map_get(&r->dev_by_path, key);

	if (prev >= 0 && r->map->devices[prev].node &&
	    strcmp(r->map->devices[prev].node, path) == 0)
		return vdt_error(r->d, VDT_ERR_BADDT, r->pfile, path, NULL,
				 "two nodes have this path (siblings of one name)");
	if (prev < 0 && u64map_put(&r->dev_by_path, key, r->ndevs) < 0)
		return dtgen_nomem(r);
	return 0;
}

/* P1: every node below /passthrough, at any depth, with xen,path. */
static int walk_passthrough(struct run *r)
{
	size_t plen[VDT_MAX_DEPTH + 1];
	char path[VDT_DIAG_NODE_LEN];
	int node, depth = 0, count = 0, nl, rc;
	const char *name;

	for (node = blob_next_node(r->pfdt, r->passthrough, &depth);
	     node >= 0 && depth > 0;
	     node = blob_next_node(r->pfdt, node, &depth))
		count++;
	r->devs = calloc((size_t)count + 1, sizeof(*r->devs));
	r->map->devices = calloc((size_t)count + 1,
				 sizeof(*r->map->devices));
	if (!r->devs || !r->map->devices ||
	    u64map_reserve(&r->dev_by_offset, (size_t)count) < 0 ||
	    u64map_reserve(&r->dev_by_host, (size_t)count) < 0 ||
	    u64map_reserve(&r->dev_by_path, (size_t)count) < 0)
		return dtgen_nomem(r);

	strcpy(path, "/passthrough");
	plen[0] = strlen(path);
	depth = 0;
	for (node = blob_next_node(r->pfdt, r->passthrough, &depth);
	     node >= 0 && depth > 0;
	     node = blob_next_node(r->pfdt, node, &depth)) {
		name = fdt_get_name(r->pfdt, node, &nl);
		if (depth > VDT_MAX_DEPTH ||
		    plen[depth - 1] + 1 + (size_t)nl >= sizeof(path))
			return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
					 "/passthrough", NULL,
					 "nodes nested too deep or paths too long below here");
		path[plen[depth - 1]] = '/';
		memcpy(path + plen[depth - 1] + 1, name, (size_t)nl);
		plen[depth] = plen[depth - 1] + 1 + (size_t)nl;
		path[plen[depth]] = '\0';
		if (!blob_getprop(r->pfdt, node, "xen,path", NULL))
			continue;
		rc = unique_path(r, path);
		if (rc >= 0)
			rc = read_device(r, node, path);
		if (rc >= 0)
			r->devs[r->ndevs - 1].nested = depth > 1;
		if (rc < 0)
			return rc;
	}
	return 0;
}


/* Two devices' iommu-map entries overlap on one IOMMU: name both. */
static int range_conflict(struct run *r, int da, int db)
{
	const struct device *a = &r->devs[da], *b = &r->devs[db];
	const struct hostdt_map_entry *x, *y;
	char ipath[VDT_DIAG_NODE_LEN];
	int i, j;

	for (i = 0; i < a->nmap; i++) {
		for (j = 0; j < b->nmap; j++) {
			x = &a->map[i];
			y = &b->map[j];
			if (!x->eff_length || !y->eff_length ||
			    x->iommu != y->iommu ||
			    (x->pid_base == y->pid_base &&
			     x->eff_length == y->eff_length))
				continue;
			if (x->pid_base - y->pid_base < y->eff_length ||
			    y->pid_base - x->pid_base < x->eff_length)
				goto found;
		}
	}
	return vdt_error(r->d, VDT_ERR_CONFLICT, r->host->file,
			 r->map->devices[db].host, "iommu-map",
			 "overlaps the iommu-map of %s",
			 r->map->devices[da].host);
found:
	hostdt_get_path(r->host, x->iommu, ipath, sizeof(ipath));
	return vdt_error(r->d, VDT_ERR_CONFLICT, r->host->file,
			 r->map->devices[db].host, "iommu-map",
			 "pIDs 0x%x-0x%x on %s overlap pIDs 0x%x-0x%x of %s without being the same range",
			 y->pid_base, y->pid_base + (y->eff_length - 1), ipath,
			 x->pid_base, x->pid_base + (x->eff_length - 1),
			 r->map->devices[da].host);
}

/* P6: keys in document order, and the partial DT's pins. */
static int make_keys(struct run *r)
{
	struct device *dev;
	int di, i, k, rc = 0, ta, tb;
	uint32_t off;

	rc = idalloc_seal(&r->ids, &ta, &tb);
	if (rc == -VDT_ERR_NOMEM)
		return dtgen_nomem(r);
	if (rc < 0)
		return range_conflict(r, ta, tb);
	for (di = 0; di < r->ndevs && rc >= 0; di++) {
		dev = &r->devs[di];
		if (!dev->rewrite)
			continue;
		for (i = 0; i < dev->nspecs && rc >= 0; i++) {
			k = idalloc_key(&r->ids, dev->specs[i].iommu,
					dev->specs[i].pid, 1,
					dev->specs[i].mask, di,
					&dev->offsets[i]);
			dev->keys[i] = k;
			rc = k;
		}
		for (i = 0; i < dev->nmap && rc >= 0; i++) {
			dev->map_keys[i] = -1;
			if (!dev->map[i].eff_length)
				continue;
			k = idalloc_key(&r->ids, dev->map[i].iommu,
					dev->map[i].pid_base,
					dev->map[i].eff_length, 0, di, &off);
			dev->map_keys[i] = k;
			rc = k;
		}
		if (rc == -VDT_ERR_UNSUPPORTED)
			return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
					 r->map->devices[di].node, NULL,
					 "the devices map more than %u IDs",
					 IDALLOC_MAX_IDS);
		if (rc < 0)
			return dtgen_nomem(r);
		for (i = 0; dev->pinned && i < dev->nspecs && rc >= 0; i++)
			rc = pin(r, di, dev->keys[i], dev->offsets[i],
				 dev->pins[i], "iommus");
		for (i = 0; dev->map_pinned && i < dev->nmap && rc >= 0; i++)
			if (dev->map_keys[i] >= 0)
				rc = pin(r, di, dev->map_keys[i], 0,
					 dev->map_pins[i], "iommu-map");
	}
	return rc < 0 ? rc : 0;
}

/* P7: allocation, with exhaustion naming the device left out. */
static int allocate(struct run *r)
{
	char what[VDT_DIAG_NODE_LEN];
	int failed = -1, rc;

	const struct device *dev;
	const char *prop = "iommu-map";
	int i;

	rc = idalloc_assign(&r->ids, r->o->policy, &failed);
	if (rc == -VDT_ERR_NOMEM)
		return dtgen_nomem(r);
	if (rc < 0) {
		dev = &r->devs[r->ids.keys[failed].tag];
		for (i = 0; i < dev->nspecs; i++)
			if (dev->keys[i] == failed)
				prop = "iommus";
		dtgen_key_desc(r, failed, what, sizeof(what));
		vdt_error(r->d, VDT_ERR_EXHAUSTED, r->pfile,
			  r->map->devices[r->ids.keys[failed].tag].node,
			  prop,
			  "no free vID left in [0x%x, 0x%llx) for %s (%llu IDs needed in all)",
			  r->ids.base, (unsigned long long)r->ids.limit, what,
			  (unsigned long long)r->ids.ids);
		vdt_hint(r->d, "raise --vid-bits or lower --vid-base");
	}
	return rc;
}

static int cmp_entry_vid(const void *a, const void *b)
{
	const struct vmap_entry *x = a, *y = b;

	return x->vid < y->vid ? -1 : x->vid > y->vid;
}

/* The map's IOMMU index for host node @iommu, which device @di needs,
 * added on first use. */
static int map_iommu(struct run *r, struct u64map *seen, int iommu, int di)
{
	char path[VDT_DIAG_NODE_LEN];
	struct vmap_iommu *mi;
	int i = u64map_get(seen, (uint64_t)iommu), rc;

	if (i >= 0)
		return i;
	i = r->map->niommus;
	mi = &r->map->iommus[i];
	if (hostdt_get_path(r->host, iommu, path, sizeof(path)) < 0)
		return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->host->file, NULL,
				 NULL, "an IOMMU's path is longer than %d bytes",
				 VDT_DIAG_NODE_LEN - 1);
	rc = hostdt_iommu_base(r->host, iommu, &mi->base, r->d);
	if (rc < 0)
		return blame_device(r, di, iommu, rc);
	mi->path = dup_str(path);
	r->map->niommus++;	/* from here vmap_free() owns the path */
	if (!mi->path || u64map_put(seen, (uint64_t)iommu, i) < 0)
		return dtgen_nomem(r);
	return i;
}

static void count_device(struct vmap_entry *e, int di)
{
	(void)di;
	e->ndevs++;
}

static void add_device(struct vmap_entry *e, int di)
{
	e->devs[e->ndevs++] = di;
}

/* Call @visit for each (entry of key k, device using k), once per pair,
 * devices in document order; @last is scratch, one int per key. */
static void visit_users(struct run *r, int *last,
			void (*visit)(struct vmap_entry *, int))
{
	const struct device *dev;
	int di, i, k;

	for (k = 0; k < r->ids.nkeys; k++)
		last[k] = -1;
	for (di = 0; di < r->ndevs; di++) {
		dev = &r->devs[di];
		for (i = 0; dev->rewrite && i < dev->nspecs + dev->nmap; i++) {
			k = i < dev->nspecs ? dev->keys[i] :
					      dev->map_keys[i - dev->nspecs];
			if (k < 0 || last[k] == di)
				continue;
			last[k] = di;
			visit(&r->map->entries[k], di);
		}
	}
}

/* The map model: one entry per key, sorted by vID, with its devices. */
static int build_map(struct run *r)
{
	struct vmap *m = r->map;
	struct vmap_entry *e;
	struct u64map seen;
	int k, rc = 0, *last;

	m->entries = calloc((size_t)r->ids.nkeys + 1, sizeof(*m->entries));
	m->iommus = calloc((size_t)r->ids.nkeys + 1, sizeof(*m->iommus));
	last = malloc(((size_t)r->ids.nkeys + 1) * sizeof(*last));
	if (!m->entries || !m->iommus || !last) {
		free(last);
		return dtgen_nomem(r);
	}
	/* Devices per key: count, then fill. */
	visit_users(r, last, count_device);
	u64map_init(&seen);
	for (k = 0; k < r->ids.nkeys && rc >= 0; k++) {
		e = &m->entries[k];
		e->vid = r->ids.keys[k].vid;
		e->count = r->ids.keys[k].count;
		e->pid = r->ids.keys[k].pid;
		e->mask = r->ids.keys[k].mask;
		e->iommu = rc = map_iommu(r, &seen, r->ids.keys[k].iommu,
					  r->ids.keys[k].tag);
		e->devs = malloc(((size_t)e->ndevs + 1) * sizeof(*e->devs));
		e->ndevs = 0;
		if (!e->devs)
			rc = dtgen_nomem(r);
		m->nentries++;
	}
	u64map_free(&seen);
	if (rc >= 0)
		visit_users(r, last, add_device);
	free(last);
	if (rc < 0)
		return rc;
	qsort(m->entries, (size_t)m->nentries, sizeof(*m->entries),
	      cmp_entry_vid);
	return 0;
}

/* --xen-abi devid-map: this tool's allocation, and each specifier's vID. */
static int allocate_vids(struct run *r)
{
	struct device *dev;
	int rc = make_keys(r), di, i;

	if (rc >= 0 && r->o->lock)
		rc = dtgen_apply_lock(r);
	if (rc >= 0)
		rc = allocate(r);
	if (rc >= 0)
		rc = build_map(r);
	for (di = 0; rc >= 0 && di < r->ndevs; di++) {
		dev = &r->devs[di];
		for (i = 0; dev->rewrite && i < dev->nspecs; i++)
			dev->vids[i] = r->ids.keys[dev->keys[i]].vid +
				       dev->offsets[i];
	}
	return rc;
}

/*
 * --xen-abi vsmmuv3-v3: the map of Xen's predicted vSIDs (rule X8), one
 * entry per (device, specifier), the vPCI block first.
 */
static int build_series_map(struct run *r)
{
	struct vmap *m = r->map;
	struct vmap_entry *e;
	const struct device *dev;
	struct u64map seen;
	size_t n = 1;
	int di, i, rc = 0;

	for (di = 0; di < r->ndevs; di++)
		n += (size_t)r->devs[di].nspecs;
	m->xen_allocates = 1;
	m->entries = calloc(n, sizeof(*m->entries));
	m->iommus = calloc(n, sizeof(*m->iommus));
	if (!m->entries || !m->iommus)
		return dtgen_nomem(r);
	if (r->o->vpci) {
		e = &m->entries[m->nentries++];
		e->count = XEN_VPCI_SIDS;
		e->iommu = VMAP_VPCI;
	}
	u64map_init(&seen);
	for (di = 0; di < r->ndevs && rc >= 0; di++) {
		dev = &r->devs[di];
		for (i = 0; i < dev->nspecs && rc >= 0; i++) {
			e = &m->entries[m->nentries++];
			e->vid = dev->vids[i];
			e->count = 1;
			e->pid = dev->specs[i].pid;
			e->iommu = rc = map_iommu(r, &seen, dev->specs[i].iommu,
						  di);
			e->devs = malloc(sizeof(*e->devs));
			if (!e->devs) {
				rc = dtgen_nomem(r);
				break;
			}
			e->devs[e->ndevs++] = di;
		}
	}
	u64map_free(&seen);
	return rc < 0 ? rc : 0;
}

/* The vIOMMU's reg must fit /passthrough's cells. */
static int check_viommu_reg(struct run *r)
{
	int ac = blob_address_cells(r->pfdt, r->passthrough);
	int sc = blob_size_cells(r->pfdt, r->passthrough);

	if (ac < 0 || sc < 0)
		return vdt_error(r->d, VDT_ERR_BADDT, r->pfile, "/passthrough",
				 ac < 0 ? "#address-cells" : "#size-cells",
				 "malformed: %s",
				 fdt_strerror(ac < 0 ? ac : sc));
	if ((ac < 2 && r->o->viommu.base >> 32) ||
	    (sc < 2 && r->o->viommu.size >> 32) || sc == 0)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, "/passthrough",
				 "#address-cells",
				 "the vIOMMU reg <0x%llx 0x%llx> does not fit %d address and %d size cells",
				 (unsigned long long)r->o->viommu.base,
				 (unsigned long long)r->o->viommu.size, ac, sc);
	return 0;
}

/* The vIOMMU's name must be free below /passthrough, and its reg fit. */
static int check_viommu_name(struct run *r)
{
	char name[32], path[64];
	int node, depth = 0;

	/* The name has its unit address: an exact match is libfdt's too. */
	viommu_node_name(&r->o->viommu, name, sizeof(name));
	for (node = blob_next_node(r->pfdt, r->passthrough, &depth);
	     node >= 0 && depth > 0;
	     node = blob_next_node(r->pfdt, node, &depth))
		if (depth == 1 && strcmp(blob_node_name(r->pfdt, node), name) == 0)
			break;
	if (node >= 0 && depth > 0 && node != r->viommu_node) {
		snprintf(path, sizeof(path), "/passthrough/%s", name);
		vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, path, NULL,
			  "the vIOMMU node's name is taken by a node that is not a vIOMMU node");
		vdt_hint(r->d, "rename that node, or move the vIOMMU with --viommu-reg");
		return -VDT_ERR_CONFLICT;
	}
	return check_viommu_reg(r);
}

static int open_partial(struct run *r, const struct dtgen_blob *partial)
{
	int rc = blob_check(partial->data, partial->size, partial->name, r->d);
	char path[VDT_DIAG_NODE_LEN];
	int node, depth = 0;

	if (rc < 0)
		return rc;
	for (node = 0; node >= 0 && depth >= 0;
	     node = blob_next_node(r->pfdt, node, &depth))
		if (depth >= VDT_MAX_DEPTH)
			return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
					 NULL, NULL,
					 "nodes nested deeper than %d",
					 VDT_MAX_DEPTH);
	r->passthrough = fdt_path_offset(r->pfdt, "/passthrough");
	if (r->passthrough < 0) {
		vdt_error(r->d, VDT_ERR_INPUT, r->pfile, "/passthrough", NULL,
			  "not found");
		vdt_hint(r->d, "a partial device tree lists its devices below /passthrough (Xen docs/misc/arm/passthrough.txt)");
		return -VDT_ERR_INPUT;
	}
	rc = phandle_fix_check(r->pfdt, r->pfile, r->o->viommu.phandle,
			       &r->viommu_node, r->d);
	if (rc < 0)
		return rc;
	if (r->viommu_node >= 0 &&
	    (fdt_parent_offset(r->pfdt, r->viommu_node) != r->passthrough ||
	     fdt_first_subnode(r->pfdt, r->viommu_node) >= 0))
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
				 blob_path(r->pfdt, r->viommu_node, path,
					   sizeof(path)),
				 "phandle",
				 "a vIOMMU node must be a child of /passthrough, without children of its own");
	/* The guest's view carries a node wherever the guest has a vIOMMU. */
	return r->emit_node || (r->o->guest_view &&
				r->o->abi != VDT_ABI_NONE) ?
		       check_viommu_name(r) : 0;
}

static void run_free(struct run *r)
{
	struct device *dev;
	int i;

	for (i = 0; r->devs && i < r->ndevs; i++) {
		dev = &r->devs[i];
		free(dev->specs);
		free(dev->map);
		free(dev->keys);
		free(dev->offsets);
		free(dev->pins);
		free(dev->map_keys);
		free(dev->map_pins);
		free(dev->vids);
	}
	free(r->devs);
	idalloc_free(&r->ids);
	u64map_free(&r->warned);
	u64map_free(&r->dev_by_offset);
	u64map_free(&r->dev_by_host);
	u64map_free(&r->dev_by_path);
}

/*
 * libfdt reads a blob through aligned pointers, but a caller's buffer may
 * be anywhere: @b is made to point at an 8-byte aligned copy when it is
 * not aligned (*@copy then owns it).
 */
static int align_blob(struct dtgen_blob *b, void **copy, struct vdt_diag *d)
{
	*copy = NULL;
	if ((uintptr_t)b->data % 8 == 0)
		return 0;
	*copy = malloc(b->size ? b->size : 1);
	if (!*copy)
		return vdt_error(d, VDT_ERR_NOMEM, b->name, NULL, NULL,
				 "out of memory");
	memcpy(*copy, b->data, b->size);
	b->data = *copy;
	return 0;
}

static int run_aligned(const struct dtgen_opts *o,
		       const struct hostdt *host,
		       const struct dtgen_blob *partial,
		       struct dtgen_result *res, struct vdt_diag *d);

int dtgen_host_open(struct hostdt *h, const struct dtgen_blob *host,
		    void **copy, struct vdt_diag *d)
{
	struct dtgen_blob b = *host;
	int rc;

	memset(h, 0, sizeof(*h));
	rc = align_blob(&b, copy, d);
	if (rc >= 0)
		rc = hostdt_open(h, b.data, b.size, b.name, d);
	if (rc < 0) {
		free(*copy);
		*copy = NULL;
	}
	return rc;
}

int dtgen_run_host(const struct dtgen_opts *o, const struct hostdt *host,
		   const struct dtgen_blob *partial, struct dtgen_result *res,
		   struct vdt_diag *d)
{
	struct dtgen_blob p = *partial;
	void *pcopy = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = align_blob(&p, &pcopy, d);
	if (rc >= 0)
		rc = run_aligned(o, host, &p, res, d);
	free(pcopy);
	return rc;
}

int dtgen_run(const struct dtgen_opts *o, const struct dtgen_blob *host,
	      const struct dtgen_blob *partial, struct dtgen_result *res,
	      struct vdt_diag *d)
{
	struct hostdt h;
	void *hcopy = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = dtgen_host_open(&h, host, &hcopy, d);
	if (rc < 0)
		return rc;
	rc = dtgen_run_host(o, &h, partial, res, d);
	hostdt_close(&h);
	free(hcopy);
	return rc;
}

static int run_aligned(const struct dtgen_opts *o,
		       const struct hostdt *host,
		       const struct dtgen_blob *partial,
		       struct dtgen_result *res, struct vdt_diag *d)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.d = d;
	r.pfdt = partial->data;
	r.pfile = partial->name;
	r.map = &res->map;
	r.host = host;
	u64map_init(&r.warned);
	u64map_init(&r.dev_by_offset);
	u64map_init(&r.dev_by_host);
	u64map_init(&r.dev_by_path);
	rc = check_opts(o, d);
	if (rc < 0)
		return rc;
	if (idalloc_init(&r.ids, o->vid_base, o->vid_bits) < 0)
		return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
				 "bad vID space");
	res->map.viommu = o->viommu;
	res->map.policy = o->policy;
	res->map.vid_bits = o->vid_bits;
	res->map.vid_base = o->vid_base;

	r.emit_node = o->abi == VDT_ABI_DEVID_MAP &&
		      o->builder == VDT_BUILDER_NONE && !o->no_viommu_node;
	rc = open_partial(&r, partial);
	if (rc >= 0)
		rc = walk_passthrough(&r);
	if (rc >= 0)
		rc = dtgen_builder_check(&r);
	if (rc >= 0 && o->abi == VDT_ABI_DEVID_MAP)
		rc = allocate_vids(&r);
	if (rc >= 0 && o->abi == VDT_ABI_VSMMUV3_V3)
		rc = dtgen_series(&r);
	if (rc >= 0 && o->abi == VDT_ABI_VSMMUV3_V3)
		rc = build_series_map(&r);
	if (rc >= 0)
		rc = dtgen_find_gic(&r);
	if (rc >= 0)
		rc = dtgen_write(&r, res);
	/* The map says which partial tree it describes. */
	if (rc >= 0) {
		sha256(res->fdt, res->size, res->map.partial_sha256);
		res->map.has_partial_sha256 = 1;
	}
	run_free(&r);
	if (rc < 0)
		dtgen_result_free(res);
	return rc < 0 ? rc : 0;
}

void dtgen_result_free(struct dtgen_result *res)
{
	free(res->fdt);
	res->fdt = NULL;
	res->size = 0;
	free(res->guest);
	res->guest = NULL;
	res->guest_size = 0;
	vmap_free(&res->map);
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtgen.h"
#include "hostdt_query.h"
#include "phandle_fix.h"

/* The rewritten partial DT may not grow past this many bytes. */
#define DTGEN_MAX_BLOB (1u << 30)

/* One passthrough node of the partial DT. */
struct device {
	int node;			/* offset in the partial DT */
	int host;			/* offset of its xen,path in the host */
	struct hostdt_spec *specs;	/* the host's iommus */
	int nspecs;
	int *keys;			/* idalloc key per specifier */
};

struct run {
	const struct dtgen_opts *o;
	const void *pfdt;		/* the partial DT */
	const char *pfile;
	struct hostdt host;
	int passthrough;		/* offset of /passthrough */
	int viommu_node;		/* earlier run's vIOMMU node, or < 0 */
	struct device *devs;		/* document order */
	struct idalloc ids;
	struct u64map warned;		/* disabled IOMMUs already reported */
	struct u64map dev_by_offset;	/* partial node offset -> device */
	struct vmap *map;
	struct vdt_diag *d;
};

void dtgen_opts_default(struct dtgen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->policy = IDALLOC_COMPACT;
	o->vid_base = 0;
	o->vid_bits = 16;
	o->viommu.phandle = VIOMMU_DEFAULT_PHANDLE;
	o->viommu.base = VIOMMU_DEFAULT_BASE;
	o->viommu.size = VIOMMU_DEFAULT_SIZE;
	o->viommu.spi = VIOMMU_DEFAULT_SPI;
}

static int nomem(struct run *r)
{
	return vdt_error(r->d, VDT_ERR_NOMEM, NULL, NULL, NULL,
			 "out of memory");
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
	if (o->viommu.phandle == 0 || o->viommu.phandle == (uint32_t)-1)
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
	const char *s = fdt_getprop(r->pfdt, node, "xen,path", &len);

	if (len < 2 || s[0] != '/' || s[len - 1] != '\0' ||
	    strlen(s) != (size_t)len - 1) {
		vdt_error(r->d, VDT_ERR_BADDT, r->pfile, path, "xen,path",
			  "not a NUL-terminated absolute path");
		return NULL;
	}
	return s;
}

/* Disabled nodes are passed through with a warning (boards ship their
 * SMMU disabled until the boot script enables it). */
static int warn_disabled(struct run *r, struct device *dev, const char *path,
			 const char *hpath)
{
	char ipath[VDT_DIAG_NODE_LEN];
	int i;

	if (!hostdt_is_enabled(&r->host, dev->host))
		vdt_warn(r->d, r->host.file, hpath, "status",
			 "host node is disabled; passed through as %s", path);
	for (i = 0; i < dev->nspecs; i++) {
		int iommu = dev->specs[i].iommu;

		if (hostdt_is_enabled(&r->host, iommu) ||
		    u64map_get(&r->warned, (uint64_t)iommu) >= 0)
			continue;
		if (u64map_put(&r->warned, (uint64_t)iommu, 1) < 0)
			return nomem(r);
		if (hostdt_get_path(&r->host, iommu, ipath, sizeof(ipath)) < 0)
			return nomem(r);
		vdt_warn(r->d, r->host.file, ipath, "status",
			 "IOMMU is disabled; %s relies on it", path);
	}
	return 0;
}

static void key_desc(struct run *r, int key, char *buf, size_t len)
{
	const struct idalloc_key *k = &r->ids.keys[key];
	char ipath[VDT_DIAG_NODE_LEN];

	if (hostdt_get_path(&r->host, k->iommu, ipath, sizeof(ipath)) < 0)
		strcpy(ipath, "?");
	if (k->mask)
		snprintf(buf, len, "%s pID 0x%x mask 0x%x", ipath, k->pid,
			 k->mask);
	else
		snprintf(buf, len, "%s pID 0x%x", ipath, k->pid);
}

/* Pin @vid for specifier @i of device @di, or explain the conflict. */
static int pin(struct run *r, int di, int i, uint32_t vid)
{
	char here[VDT_DIAG_NODE_LEN], there[VDT_DIAG_NODE_LEN];
	const struct vmap_device *dev = &r->map->devices[di];
	int key = r->devs[di].keys[i], owner, rc;

	rc = idalloc_pin(&r->ids, key, vid, di);
	if (rc == -VDT_ERR_NOMEM)
		return nomem(r);
	if (rc == -VDT_ERR_INPUT)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, dev->node,
				 "iommus",
				 "pinned vID 0x%x is outside the vID space [0x%x, 0x%llx)",
				 vid, r->ids.base,
				 (unsigned long long)r->ids.limit);
	if (rc == 0)
		return 0;
	key_desc(r, key, here, sizeof(here));
	if (r->ids.keys[key].assigned)
		return vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, dev->node,
				 "iommus",
				 "%s pinned twice: to vID 0x%x here and to vID 0x%x by %s",
				 here, vid, r->ids.keys[key].vid,
				 r->map->devices[r->ids.keys[key].pin_tag].node);
	owner = idalloc_owner(&r->ids, vid);
	key_desc(r, owner, there, sizeof(there));
	return vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, dev->node, "iommus",
			 "vID 0x%x pinned to %s here and to %s by %s", vid,
			 here, there,
			 r->map->devices[r->ids.keys[owner].pin_tag].node);
}

/* Rules 1, 2, 4 and 5 for the passthrough node @node at @path. */
static int add_device(struct run *r, int node, const char *path)
{
	int di = r->map->ndevices, i, kind, hnode;
	struct pfix_where w;
	struct device *dev;
	uint32_t *pins;
	const char *hpath;

	hpath = xen_path(r, node, path);
	if (!hpath)
		return r->d->code;
	dev = &r->devs[di];
	memset(dev, 0, sizeof(*dev));
	dev->node = node;
	if (u64map_put(&r->dev_by_offset, (uint64_t)node, di) < 0)
		return nomem(r);
	r->map->devices[di].node = dup_str(path);
	r->map->devices[di].host = dup_str(hpath);
	r->map->ndevices++;
	if (!r->map->devices[di].node || !r->map->devices[di].host)
		return nomem(r);

	hnode = hostdt_node_by_path(&r->host, hpath);
	if (hnode < 0)
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "xen,path", "host node %s not found in %s",
				 hpath, r->host.file);
	dev->host = hnode;
	if (hostdt_has_iommu_map(&r->host, hnode))
		return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->host.file,
				 hpath, "iommu-map",
				 "not yet supported: %s cannot be passed through by this version",
				 path);
	dev->nspecs = hostdt_iommus(&r->host, hnode, &dev->specs, r->d);
	if (dev->nspecs < 0)
		return dev->nspecs;
	if (warn_disabled(r, dev, path, hpath) < 0)
		return r->d->code;

	w.file = r->pfile;
	w.node = path;
	w.hostfile = r->host.file;
	w.host = hpath;
	pins = calloc((size_t)dev->nspecs + 1, sizeof(*pins));
	if (!pins)
		return nomem(r);
	kind = phandle_fix_read_iommus(r->pfdt, node, r->o->viommu.phandle,
				       dev->specs, dev->nspecs, pins, &w,
				       r->d);
	if (kind >= 0 && dev->nspecs == 0 &&
	    !fdt_getprop(r->pfdt, node, "xen,force-assign-without-iommu",
			 NULL)) {
		kind = vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "xen,path", "host node %s has no IOMMU",
				 hpath);
		vdt_hint(r->d, "add xen,force-assign-without-iommu to pass it through without one (unsafe for a device that can do DMA)");
	}
	if (kind < 0 || dev->nspecs == 0) {
		free(pins);
		return kind < 0 ? kind : 0;
	}

	dev->keys = malloc((size_t)dev->nspecs * sizeof(*dev->keys));
	if (!dev->keys) {
		free(pins);
		return nomem(r);
	}
	for (i = 0; i < dev->nspecs; i++) {
		dev->keys[i] = idalloc_key(&r->ids, dev->specs[i].iommu,
					   dev->specs[i].pid,
					   dev->specs[i].mask, di);
		if (dev->keys[i] < 0) {
			free(pins);
			return nomem(r);
		}
	}
	for (i = 0; kind == PFIX_PINNED && i < dev->nspecs; i++) {
		int rc = pin(r, di, i, pins[i]);

		if (rc < 0) {
			free(pins);
			return rc;
		}
	}
	free(pins);
	return 0;
}

/* Rule 1: every node below /passthrough, at any depth, with xen,path. */
static int walk_passthrough(struct run *r)
{
	size_t plen[VDT_MAX_DEPTH + 1];
	char path[VDT_DIAG_NODE_LEN];
	int node, depth = 0, count = 0, nl, rc;
	const char *name;

	for (node = fdt_next_node(r->pfdt, r->passthrough, &depth);
	     node >= 0 && depth > 0;
	     node = fdt_next_node(r->pfdt, node, &depth))
		count++;
	r->devs = calloc((size_t)count + 1, sizeof(*r->devs));
	r->map->devices = calloc((size_t)count + 1,
				 sizeof(*r->map->devices));
	if (!r->devs || !r->map->devices)
		return nomem(r);

	strcpy(path, "/passthrough");
	plen[0] = strlen(path);
	depth = 0;
	for (node = fdt_next_node(r->pfdt, r->passthrough, &depth);
	     node >= 0 && depth > 0;
	     node = fdt_next_node(r->pfdt, node, &depth)) {
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
		if (!fdt_getprop(r->pfdt, node, "xen,path", NULL))
			continue;
		rc = add_device(r, node, path);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Rule 7: allocation, with exhaustion naming the device left out. */
static int allocate(struct run *r)
{
	char what[VDT_DIAG_NODE_LEN];
	int failed = -1, rc;

	rc = idalloc_assign(&r->ids, r->o->policy, &failed);
	if (rc == -VDT_ERR_NOMEM)
		return nomem(r);
	if (rc < 0) {
		key_desc(r, failed, what, sizeof(what));
		vdt_error(r->d, VDT_ERR_EXHAUSTED, r->pfile,
			  r->map->devices[r->ids.keys[failed].tag].node,
			  "iommus",
			  "no free vID left in [0x%x, 0x%llx) for %s (%d IDs needed)",
			  r->ids.base, (unsigned long long)r->ids.limit, what,
			  r->ids.nkeys);
		vdt_hint(r->d, "raise --vid-bits or lower --vid-base");
	}
	return rc;
}

static int cmp_entry_vid(const void *a, const void *b)
{
	const struct vmap_entry *x = a, *y = b;

	return x->vid < y->vid ? -1 : x->vid > y->vid;
}

/* The map's IOMMU index for host node @iommu, added on first use. */
static int map_iommu(struct run *r, struct u64map *seen, int iommu)
{
	char path[VDT_DIAG_NODE_LEN];
	struct vmap_iommu *mi;
	int i = u64map_get(seen, (uint64_t)iommu), rc;

	if (i >= 0)
		return i;
	i = r->map->niommus;
	mi = &r->map->iommus[i];
	if (hostdt_get_path(&r->host, iommu, path, sizeof(path)) < 0)
		return nomem(r);
	rc = hostdt_reg_base(&r->host, iommu, &mi->base, r->d);
	if (rc < 0)
		return rc;
	mi->path = dup_str(path);
	if (!mi->path || u64map_put(seen, (uint64_t)iommu, i) < 0)
		return nomem(r);
	r->map->niommus++;
	return i;
}

/* The map model: one entry per key, sorted by vID, with its devices. */
static int build_map(struct run *r)
{
	struct vmap *m = r->map;
	struct vmap_entry *e;
	struct u64map seen;
	int k, di, i, rc = 0;

	m->entries = calloc((size_t)r->ids.nkeys + 1, sizeof(*m->entries));
	m->iommus = calloc((size_t)r->ids.nkeys + 1, sizeof(*m->iommus));
	if (!m->entries || !m->iommus)
		return nomem(r);
	u64map_init(&seen);
	for (k = 0; k < r->ids.nkeys && rc >= 0; k++) {
		e = &m->entries[k];
		e->vid = r->ids.keys[k].vid;
		e->count = 1;
		e->pid = r->ids.keys[k].pid;
		e->mask = r->ids.keys[k].mask;
		e->iommu = rc = map_iommu(r, &seen, r->ids.keys[k].iommu);
		e->devs = malloc((size_t)m->ndevices * sizeof(*e->devs));
		if (!e->devs)
			rc = nomem(r);
		m->nentries++;
	}
	u64map_free(&seen);
	if (rc < 0)
		return rc;
	/* Devices per key, document order, each once. */
	for (di = 0; di < m->ndevices; di++) {
		for (i = 0; i < r->devs[di].nspecs && r->devs[di].keys; i++) {
			e = &m->entries[r->devs[di].keys[i]];
			if (e->ndevs == 0 || e->devs[e->ndevs - 1] != di)
				e->devs[e->ndevs++] = di;
		}
	}
	qsort(m->entries, (size_t)m->nentries, sizeof(*m->entries),
	      cmp_entry_vid);
	return 0;
}

/* Per open node of the copy: what to add when its properties end. */
struct copy_level {
	int dev;		/* device index, or -1 */
	int passthrough;	/* the node is /passthrough */
	int props_done;		/* a subnode or the end was reached */
	int iommus_done;	/* the device's iommus was written */
};

static int write_iommus(const struct run *r, void *out, int di,
			uint32_t *vids)
{
	const struct device *dev = &r->devs[di];
	int i;

	for (i = 0; i < dev->nspecs; i++)
		vids[i] = r->ids.keys[dev->keys[i]].vid;
	return phandle_fix_write_iommus(out, r->o->viommu.phandle, vids,
					dev->nspecs);
}

/* The vIOMMU node, with /passthrough's cells for its reg. */
static int write_viommu(const struct run *r, void *out)
{
	return make_viommu_node(out, fdt_address_cells(r->pfdt, r->passthrough),
				fdt_size_cells(r->pfdt, r->passthrough),
				&r->o->viommu);
}

/* A node's properties are over: add what it lacks (rules 3 and 8). */
static int end_props(const struct run *r, void *out, struct copy_level *l,
		     uint32_t *vids)
{
	int rc = 0;

	if (l->props_done)
		return 0;
	l->props_done = 1;
	if (l->dev >= 0 && r->devs[l->dev].keys && !l->iommus_done)
		rc = write_iommus(r, out, l->dev, vids);
	/* A new vIOMMU node goes first among /passthrough's children. */
	if (rc >= 0 && l->passthrough && !r->o->no_viommu_node &&
	    r->viommu_node < 0)
		rc = write_viommu(r, out);
	return rc;
}

/*
 * Copy the partial DT into @out with the sequential-write API, in one pass
 * (editing in place would move the rest of the blob at every device):
 * a device's "iommus" is replaced where it stands, or added after its
 * last property; an earlier run's vIOMMU node is regenerated where it
 * stands, or dropped with no_viommu_node; everything else is copied as is.
 * @vids has room for any device's specifiers.  Returns libfdt codes:
 * -FDT_ERR_NOSPACE asks for a bigger @out.
 */
static int copy_tree(const struct run *r, void *out, size_t size,
		     uint32_t *vids)
{
	struct copy_level lv[VDT_MAX_DEPTH];
	int offset = 0, next, depth = -1, skip = 0, rc, i, len, di;
	const struct fdt_property *prop;
	uint64_t addr, rsize;
	const char *name;
	uint32_t tag;

	rc = fdt_create(out, (int)size);
	for (i = 0; rc >= 0 && i < fdt_num_mem_rsv(r->pfdt); i++) {
		rc = fdt_get_mem_rsv(r->pfdt, i, &addr, &rsize);
		if (rc >= 0)
			rc = fdt_add_reservemap_entry(out, addr, rsize);
	}
	if (rc >= 0)
		rc = fdt_finish_reservemap(out);
	do {
		tag = fdt_next_tag(r->pfdt, offset, &next);
		if (rc < 0)
			break;
		if (skip > 0) {		/* inside a dropped subtree */
			skip += tag == FDT_BEGIN_NODE ? 1 :
				tag == FDT_END_NODE ? -1 : 0;
		} else if (tag == FDT_BEGIN_NODE) {
			if (depth >= 0)
				rc = end_props(r, out, &lv[depth], vids);
			if (rc >= 0 && offset == r->viommu_node) {
				if (!r->o->no_viommu_node)
					rc = write_viommu(r, out);
				skip = 1;
				offset = next;
				continue;
			}
			if (rc < 0 || ++depth >= VDT_MAX_DEPTH) {
				rc = rc < 0 ? rc : -FDT_ERR_BADSTRUCTURE;
				break;
			}
			di = u64map_get(&r->dev_by_offset, (uint64_t)offset);
			lv[depth].dev = di;
			lv[depth].passthrough = offset == r->passthrough;
			lv[depth].props_done = 0;
			lv[depth].iommus_done = 0;
			rc = fdt_begin_node(out, fdt_get_name(r->pfdt, offset,
							      NULL));
		} else if (tag == FDT_PROP) {
			prop = fdt_get_property_by_offset(r->pfdt, offset, &len);
			name = fdt_string(r->pfdt, fdt32_to_cpu(prop->nameoff));
			di = lv[depth].dev;
			if (di >= 0 && r->devs[di].keys &&
			    strcmp(name, "iommus") == 0) {
				rc = write_iommus(r, out, di, vids);
				lv[depth].iommus_done = 1;
			} else {
				rc = fdt_property(out, name, prop->data, len);
			}
		} else if (tag == FDT_END_NODE) {
			rc = end_props(r, out, &lv[depth], vids);
			if (rc >= 0)
				rc = fdt_end_node(out);
			depth--;
		}
		offset = next;
	} while (tag != FDT_END);
	if (rc >= 0)
		rc = fdt_finish(out);
	if (rc >= 0)
		fdt_set_boot_cpuid_phys(out, fdt_boot_cpuid_phys(r->pfdt));
	return rc;
}

/* libxl's FDT() idiom: start again in a bigger buffer on NOSPACE. */
static int rewrite(struct run *r, struct dtgen_result *res)
{
	size_t size = fdt_totalsize(r->pfdt);
	uint32_t *vids;
	void *buf;
	int di, most = 0, rc;

	for (di = 0; di < r->map->ndevices; di++)
		if (r->devs[di].nspecs > most)
			most = r->devs[di].nspecs;
	vids = malloc(((size_t)most + 1) * sizeof(*vids));
	if (!vids)
		return nomem(r);
	for (;;) {
		buf = malloc(size);
		if (!buf) {
			free(vids);
			return nomem(r);
		}
		rc = copy_tree(r, buf, size, vids);
		if (rc != -FDT_ERR_NOSPACE || size >= DTGEN_MAX_BLOB)
			break;
		free(buf);
		size *= 2;
	}
	free(vids);
	if (rc < 0) {
		free(buf);
		return vdt_error(r->d, VDT_ERR_BADDT, r->pfile, NULL, NULL,
				 "cannot write the device tree: %s",
				 fdt_strerror(rc));
	}
	res->fdt = buf;
	res->size = fdt_totalsize(buf);
	return 0;
}

/* The vIOMMU's reg must fit /passthrough's cells. */
static int check_viommu_reg(struct run *r)
{
	int ac = fdt_address_cells(r->pfdt, r->passthrough);
	int sc = fdt_size_cells(r->pfdt, r->passthrough);

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
	int node;

	viommu_node_name(&r->o->viommu, name, sizeof(name));
	node = fdt_subnode_offset(r->pfdt, r->passthrough, name);
	if (node >= 0 && node != r->viommu_node) {
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
	int rc = fdt_check_full(partial->data, partial->size), node, depth = 0;
	char path[VDT_DIAG_NODE_LEN];

	if (rc < 0)
		return vdt_error(r->d, VDT_ERR_BADDT, partial->name, NULL,
				 NULL, "not a valid device tree blob: %s",
				 fdt_strerror(rc));
	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(r->pfdt, node, &depth))
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
	    fdt_parent_offset(r->pfdt, r->viommu_node) != r->passthrough) {
		fdt_get_path(r->pfdt, r->viommu_node, path, sizeof(path));
		return vdt_error(r->d, VDT_ERR_INPUT, r->pfile, path,
				 "phandle",
				 "a vIOMMU node must be a child of /passthrough");
	}
	return r->o->no_viommu_node ? 0 : check_viommu_name(r);
}

static void run_free(struct run *r)
{
	int i;

	for (i = 0; r->devs && r->map && i < r->map->ndevices; i++) {
		free(r->devs[i].specs);
		free(r->devs[i].keys);
	}
	free(r->devs);
	idalloc_free(&r->ids);
	u64map_free(&r->warned);
	u64map_free(&r->dev_by_offset);
	hostdt_close(&r->host);
}

int dtgen_run(const struct dtgen_opts *o, const struct dtgen_blob *host,
	      const struct dtgen_blob *partial, struct dtgen_result *res,
	      struct vdt_diag *d)
{
	struct run r;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.d = d;
	r.pfdt = partial->data;
	r.pfile = partial->name;
	r.map = &res->map;
	u64map_init(&r.warned);
	u64map_init(&r.dev_by_offset);
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

	rc = open_partial(&r, partial);
	if (rc >= 0)
		rc = hostdt_open(&r.host, host->data, host->size, host->name, d);
	if (rc >= 0)
		rc = walk_passthrough(&r);
	if (rc >= 0)
		rc = allocate(&r);
	if (rc >= 0)
		rc = build_map(&r);
	if (rc >= 0)
		rc = rewrite(&r, res);
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
	vmap_free(&res->map);
}

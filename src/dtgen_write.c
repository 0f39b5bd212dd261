/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing the rewritten partial DT: P3 and P8 of viommu-dtgen(1), and the
 * iommu-map rewriting.  The partial DT is copied in one pass with fdt_out
 * (editing in place would move the rest of the blob at every device),
 * byte for byte as libfdt's sequential-write API would write it.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "dtgen_int.h"
#include "fdt_out.h"
#include "phandle_fix.h"

/* What a copy of the partial DT shows: the output, or the guest's view. */
struct view {
	int node;	/* the vIOMMU node is written */
	int strip;	/* no IOMMU property anywhere (--xen-abi none) */
	int pids;	/* iommus carry the host's pIDs (the series' input) */
};

/* Per open node of the copy: what to add when its properties end. */
struct copy_level {
	const struct device *dev;	/* a rewritten device, or NULL */
	int passthrough;		/* the node is /passthrough */
	int gic;			/* the GIC placeholder */
	int props_done;			/* a subnode or the end was reached */
	int iommus_done;		/* its IOMMU properties were written */
	int map_done;
	int mask_done;
};

/* "iommus" = <vIOMMU ID> per host specifier: the vID, or under the
 * series the host's pID, which Xen replaces with the vSID it picks. */
static int write_iommus(const struct run *r, const struct view *v, struct fdt_out *out,
			const struct device *dev, uint32_t *vids)
{
	int i;

	if (dev->nspecs == 0)
		return 0;
	for (i = 0; i < dev->nspecs; i++)
		vids[i] = v->pids ? dev->specs[i].pid : dev->vids[i];
	return phandle_fix_write_iommus(out, r->o->viommu.phandle, vids,
					dev->nspecs);
}

/* "iommu-map" = <rid-base vIOMMU vid-base length> per reachable entry. */
static int write_map(const struct run *r, struct fdt_out *out, const struct device *dev,
		     uint32_t *vids)
{
	int i;

	if (hostdt_map_live(dev->map, dev->nmap) == 0)
		return 0;
	for (i = 0; i < dev->nmap; i++)
		vids[i] = dev->map_keys[i] >= 0 ?
				  r->ids.keys[dev->map_keys[i]].vid : 0;
	return phandle_fix_write_iommu_map(out, r->o->viommu.phandle,
					   dev->map, dev->nmap, vids);
}

/* "iommu-map-mask", copied from the host. */
static int write_mask(const struct run *r, struct fdt_out *out, const struct device *dev)
{
	const void *p;
	int len;

	if (hostdt_map_live(dev->map, dev->nmap) == 0)
		return 0;
	p = blob_getprop(r->host->fdt, dev->host, "iommu-map-mask", &len);
	return p ? fdt_out_property(out, "iommu-map-mask", p, len) : 0;
}

/* The vIOMMU node, with /passthrough's cells for its reg. */
static int write_viommu(const struct run *r, struct fdt_out *out)
{
	return make_viommu_node(out, blob_address_cells(r->pfdt, r->passthrough),
				blob_size_cells(r->pfdt, r->passthrough),
				&r->o->viommu, &r->gic);
}

/* A node's properties are over: add what it lacks. */
static int end_props(const struct run *r, const struct view *v, struct fdt_out *out,
		     struct copy_level *l, uint32_t *vids)
{
	int rc = 0;

	if (l->props_done)
		return 0;
	l->props_done = 1;
	/* The node's interrupt needs a phandle on the GIC placeholder. */
	if (l->gic && v->node && r->gic_new_phandle)
		rc = fdt_out_property_u32(out, "phandle", r->gic_new_phandle);
	if (rc >= 0 && l->dev && !l->iommus_done)
		rc = write_iommus(r, v, out, l->dev, vids);
	if (rc >= 0 && l->dev && !l->map_done)
		rc = write_map(r, out, l->dev, vids);
	if (rc >= 0 && l->dev && !l->mask_done)
		rc = write_mask(r, out, l->dev);
	/* A new vIOMMU node goes first among /passthrough's children. */
	if (rc >= 0 && l->passthrough && v->node && r->viommu_node < 0)
		rc = write_viommu(r, out);
	return rc;
}

/* N1: the properties --xen-abi none takes out of every node. */
static int iommu_prop(const char *name)
{
	return strcmp(name, "iommus") == 0 || strcmp(name, "iommu-map") == 0 ||
	       strcmp(name, "iommu-map-mask") == 0 ||
	       strcmp(name, "xen,smmu-stream-ids") == 0;
}

/*
 * One property of a rewritten device: its IOMMU properties are replaced
 * where they stand (Lopper's xen,smmu-stream-ids goes); others are copied.
 */
static int copy_prop(const struct run *r, const struct view *v, struct fdt_out *out,
		     struct copy_level *l, const char *name, const void *data,
		     int len, uint32_t *vids)
{
	if (v->strip && iommu_prop(name))
		return 0;
	if (!l->dev)
		return fdt_out_property(out, name, data, len);
	if (strcmp(name, "iommus") == 0) {
		l->iommus_done = 1;
		return write_iommus(r, v, out, l->dev, vids);
	}
	if (strcmp(name, "iommu-map") == 0) {
		l->map_done = 1;
		return write_map(r, out, l->dev, vids);
	}
	if (strcmp(name, "iommu-map-mask") == 0) {
		l->mask_done = 1;
		return write_mask(r, out, l->dev);
	}
	if (strcmp(name, "xen,smmu-stream-ids") == 0)
		return 0;
	return fdt_out_property(out, name, data, len);
}

static void open_level(const struct run *r, const struct view *v,
		       struct copy_level *l, int offset)
{
	int di = u64map_get(&r->dev_by_offset, (uint64_t)offset);

	memset(l, 0, sizeof(*l));
	l->dev = di >= 0 && r->devs[di].rewrite && !v->strip ? &r->devs[di] :
								NULL;
	l->passthrough = offset == r->passthrough;
	l->gic = offset == r->gic_node;
}

static int copy_header(const struct run *r, struct fdt_out *out)
{
	int rc = 0, i, n = fdt_num_mem_rsv(r->pfdt);
	uint64_t addr, rsize;

	for (i = 0; rc >= 0 && i < n; i++) {
		rc = fdt_get_mem_rsv(r->pfdt, i, &addr, &rsize) < 0 ?
			     -VDT_ERR_BADDT : fdt_out_add_rsv(out, addr, rsize);
	}
	return rc < 0 ? rc : fdt_out_finish_rsv(out);
}

/*
 * Copy the partial DT into @out as @v shows it: devices get their IOMMU
 * properties rewritten; an earlier run's vIOMMU node is written again
 * where it stands, or dropped without v->node; a new one goes first below
 * /passthrough; everything else is copied as is.  @vids has room for any
 * device's specifiers and map entries.  Returns 0, -VDT_ERR_BADDT for a
 * structure blob_check() lets no blob have, or fdt_out's codes.
 */
static int copy_tree(const struct run *r, const struct view *v,
		     struct fdt_out *out, uint32_t *vids)
{
	struct copy_level lv[VDT_MAX_DEPTH];
	int offset = 0, next, depth = -1, skip = 0, rc, len;
	const char *name;
	const void *val;
	uint32_t tag;

	rc = copy_header(r, out);
	do {
		tag = blob_next_tag(r->pfdt, offset, &next);
		if (rc < 0)
			break;
		if (skip > 0) {		/* inside a dropped subtree */
			skip += tag == FDT_BEGIN_NODE ? 1 :
				tag == FDT_END_NODE ? -1 : 0;
		} else if (tag == FDT_BEGIN_NODE) {
			if (depth >= 0)
				rc = end_props(r, v, out, &lv[depth], vids);
			if (rc >= 0 && offset == r->viommu_node) {
				if (v->node)
					rc = write_viommu(r, out);
				skip = 1;
			} else if (rc >= 0 && ++depth < VDT_MAX_DEPTH) {
				open_level(r, v, &lv[depth], offset);
				rc = fdt_out_begin_node(out,
							blob_node_name(r->pfdt,
								       offset));
			} else if (rc >= 0) {
				rc = -VDT_ERR_BADDT;
			}
		} else if ((tag == FDT_PROP || tag == FDT_END_NODE) &&
			   depth < 0) {
			rc = -VDT_ERR_BADDT;	/* outside every node */
		} else if (tag == FDT_PROP) {
			val = blob_prop(r->pfdt, offset, &name, &len);
			rc = copy_prop(r, v, out, &lv[depth], name, val, len,
				       vids);
		} else if (tag == FDT_END_NODE) {
			rc = end_props(r, v, out, &lv[depth], vids);
			if (rc >= 0)
				rc = fdt_out_end_node(out);
			depth--;
		}
		offset = next;
	} while (tag != FDT_END);
	return rc;
}

/* One copy of the partial DT, written in one pass into a buffer sized for
 * the partial DT (and grown if the copy outgrows it). */
static int write_view(struct run *r, const struct view *v, uint32_t *vids,
		      void **fdt, size_t *fdt_size)
{
	/* The partial DT, a vIOMMU node, and its devices' new properties. */
	size_t hint = fdt_totalsize(r->pfdt) + 512 +
		      (size_t)r->ndevs * 16;
	struct fdt_out out;
	int rc;

	rc = fdt_out_init(&out, hint);
	if (rc >= 0)
		rc = fdt_out_expect_names(&out, (const char *)r->pfdt +
					  fdt_off_dt_strings(r->pfdt),
					  fdt_size_dt_strings(r->pfdt));
	if (rc >= 0)
		rc = copy_tree(r, v, &out, vids);
	if (rc >= 0)
		rc = fdt_out_finish(&out, fdt_boot_cpuid_phys(r->pfdt), fdt,
				    fdt_size);
	fdt_out_free(&out);
	if (rc == -VDT_ERR_NOMEM)
		return dtgen_nomem(r);
	if (rc < 0)
		return vdt_error(r->d, VDT_ERR_BADDT, r->pfile, NULL, NULL,
				 "cannot write the device tree: %s",
				 rc == -VDT_ERR_UNSUPPORTED ?
					 fdt_strerror(-FDT_ERR_NOSPACE) :
					 fdt_strerror(-FDT_ERR_BADSTRUCTURE));
	return 0;
}

int dtgen_write(struct run *r, struct dtgen_result *res)
{
	enum vdt_xen_abi abi = r->o->abi;
	/* The output: what the builder reads. */
	const struct view out = {
		.node = r->emit_node,
		.strip = abi == VDT_ABI_NONE,
		.pids = abi == VDT_ABI_VSMMUV3_V3,
	};
	/* The guest's view: vIDs in place, and the node its builder makes. */
	const struct view guest = {
		.node = abi != VDT_ABI_NONE,
		.strip = abi == VDT_ABI_NONE,
	};
	uint32_t *vids;
	int di, most = 0, rc;

	for (di = 0; di < r->ndevs; di++) {
		if (r->devs[di].nspecs > most)
			most = r->devs[di].nspecs;
		if (r->devs[di].nmap > most)
			most = r->devs[di].nmap;
	}
	vids = malloc(((size_t)most + 1) * sizeof(*vids));
	if (!vids)
		return dtgen_nomem(r);
	rc = write_view(r, &out, vids, &res->fdt, &res->size);
	if (rc >= 0 && r->o->guest_view)
		rc = write_view(r, &guest, vids, &res->guest,
				&res->guest_size);
	free(vids);
	return rc;
}

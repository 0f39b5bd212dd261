/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rules of the Xen in front of the user and of the builder that merges
 * the partial DT (viommu-dtgen(1), WHICH XEN?): the dom0less builder's
 * rules B1-B5, the vSMMUv3 series' refusals X1-X7 and its vSID allocation
 * X8, and the vIOMMU node's interrupt parent G1.  Each rule is one
 * function, named in the comment by its number in the manual.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "dtgen_int.h"

#define FORCE_ASSIGN "xen,force-assign-without-iommu"

static const char *node_path(const struct run *r, int node, char *buf,
			     size_t len)
{
	return blob_path(r->pfdt, node, buf, len);
}

/* The node after @node in a walk of the subtree where *@depth is 0, or
 * -FDT_ERR_NOTFOUND when the walk leaves it. */
static int subtree_next(const struct run *r, int node, int *depth)
{
	node = blob_next_node(r->pfdt, node, depth);
	return node >= 0 && *depth > 0 ? node : -FDT_ERR_NOTFOUND;
}

static int has_prop(const struct run *r, int node, const char *name)
{
	return blob_getprop(r->pfdt, node, name, NULL) != NULL;
}

/* B1: the dom0less builder (Xen master) numbers its own phandles from the
 * partial's highest + 1, which must stay below 65000. */
static int b1_phandles(struct run *r)
{
	char path[VDT_DIAG_NODE_LEN];
	uint32_t ph;
	int node;

	for (node = 0; node >= 0; node = blob_next_node(r->pfdt, node, NULL)) {
		ph = blob_get_phandle(r->pfdt, node);
		if (node == r->viommu_node || ph <= XEN_DOM0LESS_PHANDLE_MAX)
			continue;	/* a vIOMMU node of an earlier run goes */
		vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
			  node_path(r, node, path, sizeof(path)), "phandle",
			  "0x%x: Xen's dom0less builder refuses a partial device tree whose highest phandle is 64999 or more (Phandle allocation overlaps Xen reserved range)",
			  ph);
		if (ph == XEN_PHANDLE_GIC)
			vdt_hint(r->d, "write the GIC placeholder with a dtc label, gic: gic { ... }, and interrupt-parent = <&gic>");
		return -VDT_ERR_INPUT;
	}
	return 0;
}

/* B2: xen,reg and xen,path come together (or xen,reg with force-assign);
 * other builders read neither and pass such a node through unresolved. */
static int b2_reg_path(struct run *r)
{
	char path[VDT_DIAG_NODE_LEN];
	int node, depth = 0, reg, xpath, force;
	int dom0less = r->o->builder == VDT_BUILDER_DOM0LESS;

	for (node = r->passthrough; node >= 0;
	     node = subtree_next(r, node, &depth)) {
		reg = has_prop(r, node, "xen,reg");
		xpath = has_prop(r, node, "xen,path");
		force = has_prop(r, node, FORCE_ASSIGN);
		if (dom0less && xpath && !reg)
			return vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
					 node_path(r, node, path, sizeof(path)),
					 "xen,reg",
					 "missing beside xen,path: Xen's dom0less builder refuses the domain (xen,reg or xen,path missing)");
		if (!reg || xpath || force)
			continue;
		if (dom0less)
			return vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
					 node_path(r, node, path, sizeof(path)),
					 "xen,path",
					 "missing beside xen,reg, without " FORCE_ASSIGN ": Xen's dom0less builder refuses the domain (xen,reg or xen,path missing)");
		vdt_warn(r->d, r->pfile, node_path(r, node, path, sizeof(path)),
			 "xen,reg",
			 "no xen,path: passed through unresolved (no host node, no IOMMU)");
	}
	return 0;
}

/* The host path of @iommu, for messages. */
static const char *iommu_path(const struct run *r, int iommu, char *buf,
			      size_t len)
{
	if (hostdt_get_path(r->host, iommu, buf, len) < 0)
		snprintf(buf, len, "<an IOMMU with a long path>");
	return buf;
}

/* B3: Xen protects a device through its host "iommus" only (a PCI host
 * bridge with just iommu-map is not assigned), all on one IOMMU
 * (iommu_fwspec_init), which must be enabled (iommu_add_dt_device stops
 * at one that is not). */
static int b3_host_iommus(struct run *r)
{
	char ipath[VDT_DIAG_NODE_LEN];
	const struct device *dev;
	const char *why = NULL;
	int di, i, iommu = -1;

	for (di = 0; di < r->ndevs && !why; di++) {
		dev = &r->devs[di];
		if (dev->nspecs == 0 && !has_prop(r, dev->node, FORCE_ASSIGN))
			why = "has no iommus";
		for (i = 0; i < dev->nspecs && !why; i++) {
			iommu = dev->specs[i].iommu;
			if (!hostdt_is_enabled(r->host, iommu))
				why = "is behind a disabled IOMMU,";
			else if (iommu != dev->specs[0].iommu)
				why = "is behind two IOMMUs (Xen takes one per device),";
		}
	}
	if (!why)
		return 0;
	di--;
	vdt_error(r->d, VDT_ERR_INPUT, r->pfile, r->map->devices[di].node,
		  "xen,path",
		  "host node %s %s%s%s: Xen's dom0less builder cannot assign it (Failed to assign device)",
		  r->map->devices[di].host, why, iommu >= 0 ? " " : "",
		  iommu >= 0 ? iommu_path(r, iommu, ipath, sizeof(ipath)) : "");
	if (iommu < 0)
		vdt_hint(r->d, "dom0less has no virtual PCI; add " FORCE_ASSIGN " only for a device that does no DMA");
	return -VDT_ERR_INPUT;
}

/* B4: the dom0less builder reads /gic, /aliases and /passthrough only. */
static void b4_root_children(struct run *r)
{
	static const char *const kept[] = { "gic", "aliases", "passthrough" };
	char path[VDT_DIAG_NODE_LEN];
	const char *name;
	size_t i;
	int node;

	fdt_for_each_subnode(node, r->pfdt, 0) {
		name = fdt_get_name(r->pfdt, node, NULL);
		for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
			if (strcmp(name, kept[i]) == 0)
				break;
		if (i == sizeof(kept) / sizeof(kept[0]))
			vdt_warn(r->d, r->pfile,
				 node_path(r, node, path, sizeof(path)), NULL,
				 "Xen's dom0less builder reads only /gic, /aliases and /passthrough: this node is dropped");
	}
}

/* The nodes of /passthrough's and /aliases' subtrees, which the builders
 * copy: @copied maps the offsets
 * of their nodes to 1, @by_phandle every node's phandle to its offset. */
static int index_copied(struct run *r, struct u64map *copied,
			struct u64map *by_phandle)
{
	int node, depth = 0, in = -1, rc = 0;
	const char *name;
	uint32_t ph;

	for (node = 0; node >= 0 && rc >= 0;
	     node = blob_next_node(r->pfdt, node, &depth)) {
		if (in >= 0 && depth <= in)
			in = -1;
		name = fdt_get_name(r->pfdt, node, NULL);
		if (depth == 1 && (strcmp(name, "passthrough") == 0 ||
				   strcmp(name, "aliases") == 0))
			in = 1;
		if (in >= 0 && u64map_put(copied, (uint64_t)node, 1) < 0)
			rc = dtgen_nomem(r);
		ph = blob_get_phandle(r->pfdt, node);
		if (ph && rc >= 0 && u64map_put(by_phandle, ph, node) < 0)
			rc = dtgen_nomem(r);
	}
	return rc;
}

/* B5: the builder copies /passthrough and /aliases only, so an
 * interrupt-parent there must name a node they hold, or the builder's
 * GIC: libxl's GUEST_PHANDLE_GIC, dom0less's /gic placeholder. */
static int b5_copied_refs(struct run *r)
{
	char path[VDT_DIAG_NODE_LEN], tpath[VDT_DIAG_NODE_LEN];
	int gic = fdt_subnode_offset(r->pfdt, 0, "gic");
	int libxl = r->o->builder == VDT_BUILDER_LIBXL;
	struct u64map copied, by_phandle;
	int node, target, len, rc;
	const fdt32_t *p;
	uint32_t ph;

	u64map_init(&copied);
	u64map_init(&by_phandle);
	rc = index_copied(r, &copied, &by_phandle);
	for (node = 0; node >= 0 && rc >= 0;
	     node = blob_next_node(r->pfdt, node, NULL)) {
		p = blob_getprop(r->pfdt, node, "interrupt-parent", &len);
		if (!p || len != 4 || u64map_get(&copied, (uint64_t)node) < 0)
			continue;
		ph = fdt32_to_cpu(*p);
		target = u64map_get(&by_phandle, ph);
		if ((libxl ? ph == XEN_PHANDLE_GIC : target >= 0 && target == gic) ||
		    (target >= 0 && u64map_get(&copied, (uint64_t)target) >= 0))
			continue;
		vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
			  node_path(r, node, path, sizeof(path)),
			  "interrupt-parent",
			  "0x%x names %s, which %s does not copy into the guest (it copies /passthrough and /aliases)",
			  ph, target >= 0 ? node_path(r, target, tpath,
						       sizeof(tpath)) :
					    "no node",
			  libxl ? "libxl" : "Xen's dom0less builder");
		if (libxl)
			vdt_hint(r->d, "under libxl, write interrupt-parent = <0x%x> (libxl's GIC), or none: the guest's root names the GIC",
				 XEN_PHANDLE_GIC);
		else
			vdt_hint(r->d, "under dom0less, name the /gic placeholder: interrupt-parent = <&gic>");
		rc = -VDT_ERR_INPUT;
	}
	u64map_free(&copied);
	u64map_free(&by_phandle);
	return rc;
}

int dtgen_builder_check(struct run *r)
{
	int rc;

	rc = b2_reg_path(r);
	if (rc >= 0 && r->o->builder != VDT_BUILDER_NONE)
		rc = b5_copied_refs(r);
	if (rc < 0 || r->o->builder != VDT_BUILDER_DOM0LESS)
		return rc;
	rc = b1_phandles(r);
	if (rc >= 0)
		rc = b3_host_iommus(r);
	if (rc >= 0)
		b4_root_children(r);
	return rc;
}

/* X1, X2: the series attaches stage 1 to SMMUv3 hardware only, and reads
 * one ID cell per specifier. */
static int x1_x2_smmuv3(struct run *r, int di, int i)
{
	const struct hostdt_spec *s = &r->devs[di].specs[i];
	char ipath[VDT_DIAG_NODE_LEN];

	if (fdt_node_check_compatible(r->host->fdt, s->iommu,
				      XEN_VSMMUV3_COMPATIBLE) != 0)
		return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
				 r->map->devices[di].node, "xen,path",
				 "host IOMMU %s is not an SMMUv3 (" XEN_VSMMUV3_COMPATIBLE "): the vSMMUv3 series attaches a guest's stage 1 to SMMUv3 hardware only",
				 iommu_path(r, s->iommu, ipath, sizeof(ipath)));
	if (s->cells != 1)
		return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
				 r->map->devices[di].node, "xen,path",
				 "host IOMMU %s has #iommu-cells = <%u>: the vSMMUv3 series reads one ID cell per iommus entry",
				 iommu_path(r, s->iommu, ipath, sizeof(ipath)),
				 s->cells);
	return 0;
}

/* X4: the series' libxl translates direct children of /passthrough only. */
static int x4_libxl_depth(struct run *r, int di)
{
	if (r->o->builder != VDT_BUILDER_LIBXL || !r->devs[di].nested ||
	    r->devs[di].nspecs == 0)
		return 0;
	vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile, r->map->devices[di].node,
		  "iommus",
		  "not a direct child of /passthrough: the vSMMUv3 series' libxl leaves its iommus untranslated");
	vdt_hint(r->d, "move the device up to /passthrough, or build with --builder dom0less");
	return -VDT_ERR_UNSUPPORTED;
}

/* X5: the series translates no iommu-map (a PCI host bridge). */
static int x5_host_map(struct run *r, int di)
{
	if (r->devs[di].nmap == 0)
		return 0;
	vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile, r->map->devices[di].node,
		  "xen,path",
		  "host node %s has iommu-map (a PCI host bridge): the vSMMUv3 series does not translate it",
		  r->map->devices[di].host);
	vdt_hint(r->d, "under libxl, give PCI devices through xl's pci= and use --vpci; dom0less has no virtual PCI");
	return -VDT_ERR_UNSUPPORTED;
}

/* X6: the cell after the vIOMMU phandle is read as a physical ID; a vID
 * pinned there would reach another device's stream. */
static int x6_pins(struct run *r, int di)
{
	const struct device *dev = &r->devs[di];
	int i;

	for (i = 0; dev->pinned && i < dev->nspecs; i++) {
		if (dev->pins[i] == dev->specs[i].pid)
			continue;
		vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
			  r->map->devices[di].node, "iommus",
			  "entry %d pins vID 0x%x, but the vSMMUv3 series reads that cell as the physical stream ID (host %s says 0x%x)",
			  i, dev->pins[i], r->map->devices[di].host,
			  dev->specs[i].pid);
		vdt_hint(r->d, "Xen picks every vSID: drop the pinned iommus and let the tool write the physical IDs");
		return -VDT_ERR_INPUT;
	}
	return 0;
}

/* X5, X6 over the whole partial: no iommu-map, and no iommus on a node
 * without xen,path (its ID would reach Xen unchecked). */
static int x5_x6_partial(struct run *r)
{
	char path[VDT_DIAG_NODE_LEN];
	int node;

	for (node = 0; node >= 0; node = blob_next_node(r->pfdt, node, NULL)) {
		if (has_prop(r, node, "iommu-map"))
			return vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
					 node_path(r, node, path, sizeof(path)),
					 "iommu-map",
					 "the vSMMUv3 series does not translate iommu-map");
		if (has_prop(r, node, "iommus") &&
		    u64map_get(&r->dev_by_offset, (uint64_t)node) < 0)
			return vdt_error(r->d, VDT_ERR_INPUT, r->pfile,
					 node_path(r, node, path, sizeof(path)),
					 "iommus",
					 "no xen,path: the vSMMUv3 series would pass this ID to Xen unchecked");
	}
	return 0;
}

/* X3: the series keys its table by SID alone, so one pSID on two physical
 * IOMMUs is ambiguous; asked twice on one IOMMU it gets two vSIDs. */
static int x3_same_psid(struct run *r)
{
	char ia[VDT_DIAG_NODE_LEN], ib[VDT_DIAG_NODE_LEN];
	const struct hostdt_spec *s, *p;
	struct u64map first;		/* pSID -> first device using it */
	int di, i, prev, rc = 0;

	u64map_init(&first);
	for (di = 0; di < r->ndevs && rc >= 0; di++) {
		for (i = 0; i < r->devs[di].nspecs && rc >= 0; i++) {
			s = &r->devs[di].specs[i];
			prev = u64map_get(&first, s->pid);
			if (prev < 0) {
				if (u64map_put(&first, s->pid, di) < 0)
					rc = dtgen_nomem(r);
				continue;
			}
			for (p = r->devs[prev].specs; p->pid != s->pid; p++)
				;
			if (p->iommu == s->iommu) {
				vdt_info(r->d, r->pfile,
					 r->map->devices[di].node, "iommus",
					 "pSID 0x%x is also used by %s: Xen gives it a second vSID",
					 s->pid, r->map->devices[prev].node);
				continue;
			}
			rc = vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile,
				       r->map->devices[di].node, "iommus",
				       "pSID 0x%x on %s is also pSID 0x%x on %s for %s: the vSMMUv3 series keys by stream ID alone and cannot tell them apart",
				       s->pid,
				       iommu_path(r, s->iommu, ia, sizeof(ia)),
				       p->pid,
				       iommu_path(r, p->iommu, ib, sizeof(ib)),
				       r->map->devices[prev].node);
		}
	}
	u64map_free(&first);
	return rc;
}

/* X7 and X8: Xen's table, lowest free vSID first, nothing freed; libxl's
 * vPCI block of 0x1000 first; then every (IOMMU, ID) pair in the order the
 * builder walks the partial (libxl: /passthrough's children; dom0less: a
 * pre-order walk), which for the devices is document order. */
static int x7_x8_predict(struct run *r)
{
	uint64_t next = r->o->vpci ? XEN_VPCI_SIDS : 0, need = next;
	struct device *dev;
	int di, i;

	for (di = 0; di < r->ndevs; di++)
		need += (uint64_t)r->devs[di].nspecs;
	if (need > XEN_MAX_VSID)
		return vdt_error(r->d, VDT_ERR_EXHAUSTED, r->pfile,
				 "/passthrough", NULL,
				 "the guest needs %llu vSIDs; Xen's table holds %u",
				 (unsigned long long)need, XEN_MAX_VSID);
	for (di = 0; di < r->ndevs; di++) {
		dev = &r->devs[di];
		for (i = 0; i < dev->nspecs; i++)
			dev->vids[i] = (uint32_t)next++;
	}
	return 0;
}

int dtgen_series(struct run *r)
{
	int di, i, rc = 0;

	for (di = 0; di < r->ndevs && rc >= 0; di++) {
		rc = x5_host_map(r, di);
		for (i = 0; i < r->devs[di].nspecs && rc >= 0; i++)
			rc = x1_x2_smmuv3(r, di, i);
		if (rc >= 0)
			rc = x4_libxl_depth(r, di);
		if (rc >= 0)
			rc = x6_pins(r, di);
	}
	if (rc >= 0)
		rc = x5_x6_partial(r);
	if (rc >= 0)
		rc = x3_same_psid(r);
	if (rc >= 0)
		rc = x7_x8_predict(r);
	return rc;
}

/* The lowest phandle no node of the partial holds. */
static int free_phandle(struct run *r, uint32_t *out)
{
	struct u64map used;
	uint32_t ph;
	int node, rc = 0;

	u64map_init(&used);
	for (node = 0; node >= 0 && rc >= 0;
	     node = blob_next_node(r->pfdt, node, NULL)) {
		ph = blob_get_phandle(r->pfdt, node);
		if (ph && u64map_put(&used, ph, 1) < 0)
			rc = dtgen_nomem(r);
	}
	for (ph = 1; rc >= 0 && u64map_get(&used, ph) >= 0; ph++)
		;
	u64map_free(&used);
	*out = ph;
	return rc;
}

/* The first interrupt-parent of /passthrough's subtree, else the root's. */
static int first_interrupt_parent(const struct run *r, uint32_t *ph)
{
	const fdt32_t *p = NULL;
	int node, depth = 0, len = 0;

	for (node = r->passthrough; node >= 0 && !p;
	     node = subtree_next(r, node, &depth))
		p = blob_getprop(r->pfdt, node, "interrupt-parent", &len);
	if (!p)
		p = blob_getprop(r->pfdt, 0, "interrupt-parent", &len);
	if (!p || len != 4)
		return 0;
	*ph = fdt32_to_cpu(*p);
	return 1;
}

/*
 * G1: the vIOMMU node's interrupt goes to the partial's GIC placeholder
 * (the root's "gic" node, else whatever the devices' interrupt-parent
 * names), in its #interrupt-cells form; to Xen's GUEST_PHANDLE_GIC with 3
 * cells where there is none, and always under libxl, whose GIC that is.
 */
int dtgen_find_gic(struct run *r)
{
	char path[VDT_DIAG_NODE_LEN];
	const fdt32_t *cells;
	uint32_t ph = XEN_PHANDLE_GIC;
	int len, rc = 0;

	r->gic.phandle = XEN_PHANDLE_GIC;
	r->gic.cells = 3;
	r->gic.priority = r->o->irq_priority;
	r->gic_node = -1;
	if (r->o->builder == VDT_BUILDER_LIBXL ||
	    !(r->emit_node || (r->o->guest_view &&
			       r->o->abi != VDT_ABI_NONE)))
		return 0;
	r->gic_node = fdt_subnode_offset(r->pfdt, 0, "gic");
	if (r->gic_node < 0 && first_interrupt_parent(r, &ph))
		r->gic_node = fdt_node_offset_by_phandle(r->pfdt, ph);
	r->gic.phandle = ph;
	if (r->gic_node < 0)
		return 0;
	r->gic.phandle = blob_get_phandle(r->pfdt, r->gic_node);
	if (r->gic.phandle == 0) {
		rc = free_phandle(r, &r->gic_new_phandle);
		r->gic.phandle = r->gic_new_phandle;
	}
	cells = blob_getprop(r->pfdt, r->gic_node, "#interrupt-cells", &len);
	if (cells && len == 4)
		r->gic.cells = (int)fdt32_to_cpu(*cells);
	if (rc >= 0 && (!cells || len != 4 || r->gic.cells < 3 ||
			r->gic.cells > 4))
		rc = vdt_error(r->d, VDT_ERR_UNSUPPORTED, r->pfile,
			       node_path(r, r->gic_node, path, sizeof(path)),
			       "#interrupt-cells",
			       "the vIOMMU's interrupt is written for a GIC of 3 cells (Xen, Linux) or 4 (Zephyr)");
	return rc;
}

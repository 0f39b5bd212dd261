/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "phandle_fix.h"
#include "u64map.h"

int phandle_fix_is_viommu_node(const void *fdt, int node)
{
	int len;
	const char *compat = blob_getprop(fdt, node, "compatible", &len);

	/* A string list ends with its NUL: libfdt 1.6.1 would match a last
	 * string without one by reading the byte after the value. */
	return compat && len > 0 && compat[len - 1] == '\0' &&
	       fdt_stringlist_contains(compat, len, XEN_VSMMUV3_COMPATIBLE) &&
	       !blob_getprop(fdt, node, "xen,path", NULL);
}

/* The check of one node's phandle @ph against the rules. */
static int check_one(const void *fdt, const char *file, int node, uint32_t ph,
		     uint32_t viommu_phandle, int *viommu_node,
		     const struct u64map *seen, struct vdt_diag *d)
{
	char path[VDT_DIAG_NODE_LEN], other[VDT_DIAG_NODE_LEN];
	int prev = u64map_get(seen, ph);

	if (prev >= 0) {
		blob_path(fdt, prev, other, sizeof(other));
		return vdt_error(d, VDT_ERR_CONFLICT, file,
				 blob_path(fdt, node, path, sizeof(path)),
				 "phandle", "0x%x is also the phandle of %s",
				 ph, other);
	}
	if (ph == viommu_phandle) {
		if (phandle_fix_is_viommu_node(fdt, node)) {
			*viommu_node = node;
			return 0;
		}
		vdt_error(d, VDT_ERR_CONFLICT, file,
			  blob_path(fdt, node, path, sizeof(path)),
			  "phandle",
			  "0x%x is the vIOMMU phandle, and this node is not a vIOMMU node",
			  ph);
		vdt_hint(d, "renumber this node, or choose another --viommu-phandle");
		return -VDT_ERR_CONFLICT;
	}
	/* 0xfde8 only on the GIC placeholder, an interrupt controller. */
	if (ph >= XEN_PHANDLE_MIN &&
	    (ph != XEN_PHANDLE_GIC ||
	     !blob_getprop(fdt, node, "interrupt-controller", NULL))) {
		vdt_error(d, VDT_ERR_CONFLICT, file,
			  blob_path(fdt, node, path, sizeof(path)),
			  "phandle",
			  "0x%x is in Xen's reserved range (65000 and up)%s", ph,
			  ph == XEN_PHANDLE_GIC ?
				  ", which only the GIC placeholder may take" : "");
		vdt_hint(d, "a partial device tree's own phandles must stay below %u (0x%x)",
			 XEN_PHANDLE_MIN, XEN_PHANDLE_MIN);
		return -VDT_ERR_CONFLICT;
	}
	return 0;
}

/* "phandle" and "linux,phandle" are one phandle: Linux takes whichever it
 * meets first, so a node whose two differ is refused. */
static int same_phandles(const void *fdt, const char *file, int node,
			 struct vdt_diag *d)
{
	const fdt32_t *a, *b;
	char path[VDT_DIAG_NODE_LEN];
	int la = 0, lb = 0;

	a = blob_getprop(fdt, node, "phandle", &la);
	b = blob_getprop(fdt, node, "linux,phandle", &lb);
	if (!a || !b || (la == 4 && lb == 4 && *a == *b))
		return 0;
	return vdt_error(d, VDT_ERR_CONFLICT, file,
			 blob_path(fdt, node, path, sizeof(path)),
			 "linux,phandle",
			 "differs from phandle: Linux takes whichever it meets first");
}

int phandle_fix_check(const void *fdt, const char *file,
		      uint32_t viommu_phandle, int *viommu_node,
		      struct vdt_diag *d)
{
	struct u64map seen;
	uint32_t ph;
	int node, r = 0;

	*viommu_node = -VDT_ERR_NOTFOUND;
	u64map_init(&seen);
	for (node = 0; node >= 0 && r >= 0;
	     node = blob_next_node(fdt, node, NULL)) {
		r = same_phandles(fdt, file, node, d);
		ph = blob_get_phandle(fdt, node);
		if (r < 0 || ph == 0 || ph == (uint32_t)-1)
			continue;
		r = check_one(fdt, file, node, ph, viommu_phandle, viommu_node,
			      &seen, d);
		if (r >= 0 && u64map_put(&seen, ph, node) < 0)
			r = vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				      "out of memory");
	}
	u64map_free(&seen);
	return r < 0 ? r : 0;
}

/* <vIOMMU vID> pairs, one per host specifier. */
static int read_pins(const fdt32_t *p, int ncells, uint32_t viommu_phandle,
		     int nspecs, uint32_t *pins, const struct pfix_where *w,
		     struct vdt_diag *d)
{
	int i;

	if (ncells % 2 != 0)
		vdt_error(d, VDT_ERR_INPUT, w->file, w->node, "iommus",
			  "%d cells cannot be pinned vIDs, which come in pairs",
			  ncells);
	else if (ncells / 2 != nspecs)
		vdt_error(d, VDT_ERR_INPUT, w->file, w->node, "iommus",
			  "%d pinned vIDs, host %s has %d IOMMU specifiers",
			  ncells / 2, w->host, nspecs);
	if (d->code < 0) {
		vdt_hint(d, "pinned vIDs are <0x%x vID> pairs, one per host specifier, in the host's order",
			 viommu_phandle);
		return d->code;
	}
	for (i = 0; i < nspecs; i++) {
		if (fdt32_to_cpu(p[2 * i]) != viommu_phandle)
			return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
					 "iommus",
					 "entry %d refers to phandle 0x%x, not the vIOMMU 0x%x: pinned and copied entries cannot be mixed",
					 i, fdt32_to_cpu(p[2 * i]),
					 viommu_phandle);
		pins[i] = fdt32_to_cpu(p[2 * i + 1]);
	}
	return PFIX_PINNED;
}

/* A copy of the host property: same layout, same ID cells. */
static int check_copy(const fdt32_t *p, int ncells,
		      const struct hostdt_spec *specs, int nspecs,
		      const struct pfix_where *w, struct vdt_diag *d)
{
	uint32_t host[2], part;
	int i, c, pos = 0, want = 0;

	for (i = 0; i < nspecs; i++)
		want += 1 + (int)specs[i].cells;
	if (ncells != want)
		return vdt_error(d, VDT_ERR_INPUT, w->file, w->node, "iommus",
				 "stale copy: partial has %d cells, host %s has %d",
				 ncells, w->host, want);
	for (i = 0; i < nspecs; i++) {
		host[0] = specs[i].pid;
		host[1] = specs[i].mask;
		pos++;		/* the phandle cell is not compared */
		for (c = 0; c < (int)specs[i].cells && c < 2; c++, pos++) {
			part = fdt32_to_cpu(p[pos]);
			if (part != host[c])
				return vdt_error(d, VDT_ERR_INPUT, w->file,
						 w->node, "iommus",
						 "stale copy: partial says 0x%x, host says 0x%x",
						 part, host[c]);
		}
	}
	return PFIX_COPY;
}

int phandle_fix_read_iommus(const void *fdt, int node, uint32_t viommu_phandle,
			    const struct hostdt_spec *specs, int nspecs,
			    uint32_t *pins, const struct pfix_where *w,
			    struct vdt_diag *d)
{
	const fdt32_t *p;
	int len;

	p = blob_getprop(fdt, node, "iommus", &len);
	if (!p)
		return PFIX_ABSENT;
	if (len % 4 != 0 || len == 0)
		return vdt_error(d, VDT_ERR_BADDT, w->file, w->node, "iommus",
				 "length %d is not a positive multiple of 4",
				 len);
	if (nspecs == 0)
		return vdt_error(d, VDT_ERR_INPUT, w->file, w->node, "iommus",
				 "host node %s has no iommus, so none can be given here",
				 w->host);
	if (fdt32_to_cpu(p[0]) == viommu_phandle)
		return read_pins(p, len / 4, viommu_phandle, nspecs, pins, w,
				 d);
	return check_copy(p, len / 4, specs, nspecs, w, d);
}

int phandle_fix_write_iommus(struct fdt_out *fdt, uint32_t viommu_phandle,
			     const uint32_t *vids, int n)
{
	fdt32_t *cells;
	void *p;
	int i, r;

	r = fdt_out_placeholder(fdt, "iommus", 8 * n, &p);
	if (r < 0)
		return r;
	cells = p;
	for (i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt32(viommu_phandle);
		cells[2 * i + 1] = cpu_to_fdt32(vids[i]);
	}
	return 0;
}

static int map_differs(const struct pfix_where *w, struct vdt_diag *d,
		       int entry, const char *what, uint32_t part,
		       uint32_t host)
{
	return vdt_error(d, VDT_ERR_INPUT, w->file, w->node, "iommu-map",
			 "entry %d: %s 0x%x, host %s says 0x%x", entry, what,
			 part, w->host, host);
}

/* This tool's own output: one entry per reachable host entry. */
static int read_map_pins(const fdt32_t *p, int n, uint32_t viommu_phandle,
			 const struct hostdt_map_entry *map, int nmap,
			 uint32_t *pins, const struct pfix_where *w,
			 struct vdt_diag *d)
{
	int i, j = 0, live = hostdt_map_live(map, nmap);

	if (n != live)
		return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
				 "iommu-map",
				 "%d entries refer to the vIOMMU, host %s has %d reachable entries",
				 n, w->host, live);
	for (i = 0; i < nmap; i++) {
		if (!map[i].eff_length)
			continue;
		if (fdt32_to_cpu(p[4 * j + 1]) != viommu_phandle)
			return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
					 "iommu-map",
					 "entry %d refers to phandle 0x%x, not the vIOMMU 0x%x: entries referring to the vIOMMU and copied entries cannot be mixed",
					 j, fdt32_to_cpu(p[4 * j + 1]),
					 viommu_phandle);
		if (fdt32_to_cpu(p[4 * j]) != map[i].rid_base)
			return map_differs(w, d, j, "starts at RID",
					   fdt32_to_cpu(p[4 * j]),
					   map[i].rid_base);
		if (fdt32_to_cpu(p[4 * j + 3]) != map[i].eff_length)
			return map_differs(w, d, j, "has length",
					   fdt32_to_cpu(p[4 * j + 3]),
					   map[i].eff_length);
		pins[i] = fdt32_to_cpu(p[4 * j + 2]);
		j++;
	}
	return PFIX_PINNED;
}

/* A copy of the host property: all cells but the phandles equal. */
static int check_map_copy(const fdt32_t *p, int n,
			  const struct hostdt_map_entry *map, int nmap,
			  const struct pfix_where *w, struct vdt_diag *d)
{
	uint32_t host[4];
	int i, c;

	if (n != nmap)
		return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
				 "iommu-map",
				 "stale copy: partial has %d entries, host %s has %d",
				 n, w->host, nmap);
	for (i = 0; i < n; i++) {
		host[0] = map[i].rid_base;
		host[2] = map[i].pid_base;
		host[3] = map[i].length;
		for (c = 0; c < 4; c++) {
			if (c == 1 || fdt32_to_cpu(p[4 * i + c]) == host[c])
				continue;
			return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
					 "iommu-map",
					 "stale copy: partial says 0x%x, host says 0x%x",
					 fdt32_to_cpu(p[4 * i + c]), host[c]);
		}
	}
	return PFIX_COPY;
}

int phandle_fix_read_iommu_map(const void *fdt, int node,
			       uint32_t viommu_phandle,
			       const struct hostdt_map_entry *map, int nmap,
			       uint32_t *pins, const struct pfix_where *w,
			       struct vdt_diag *d)
{
	const fdt32_t *p;
	int len;

	p = blob_getprop(fdt, node, "iommu-map", &len);
	if (!p)
		return PFIX_ABSENT;
	if (len % DT_ID_MAP_LEN != 0 || len == 0)
		return vdt_error(d, VDT_ERR_BADDT, w->file, w->node,
				 "iommu-map",
				 "length %d is not a positive multiple of 4 cells",
				 len);
	if (nmap == 0)
		return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
				 "iommu-map",
				 "host node %s has no iommu-map, so none can be given here",
				 w->host);
	if (fdt32_to_cpu(p[1]) == viommu_phandle)
		return read_map_pins(p, len / DT_ID_MAP_LEN, viommu_phandle, map, nmap,
				     pins, w, d);
	return check_map_copy(p, len / DT_ID_MAP_LEN, map, nmap, w, d);
}

int phandle_fix_read_lopper(const void *fdt, int node,
			    const struct hostdt_spec *specs, int nspecs,
			    const struct pfix_where *w, struct vdt_diag *d)
{
	const fdt32_t *p;
	int len, i;

	p = blob_getprop(fdt, node, "xen,smmu-stream-ids", &len);
	if (!p)
		return 0;
	if (len % 4 != 0)
		return vdt_error(d, VDT_ERR_BADDT, w->file, w->node,
				 "xen,smmu-stream-ids",
				 "length %d is not a multiple of 4", len);
	if (len / 4 != nspecs)
		return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
				 "xen,smmu-stream-ids",
				 "stale copy: partial has %d stream IDs, host %s has %d",
				 len / 4, w->host, nspecs);
	for (i = 0; i < nspecs; i++)
		if (fdt32_to_cpu(p[i]) != specs[i].pid)
			return vdt_error(d, VDT_ERR_INPUT, w->file, w->node,
					 "xen,smmu-stream-ids",
					 "stale copy: partial says 0x%x, host says 0x%x",
					 fdt32_to_cpu(p[i]), specs[i].pid);
	return 1;
}

int phandle_fix_write_iommu_map(struct fdt_out *fdt, uint32_t viommu_phandle,
				const struct hostdt_map_entry *map, int nmap,
				const uint32_t *vids)
{
	int i, r, n = hostdt_map_live(map, nmap);
	fdt32_t *cells;
	void *p;

	r = fdt_out_placeholder(fdt, "iommu-map", DT_ID_MAP_LEN * n, &p);
	if (r < 0)
		return r;
	cells = p;
	for (i = 0; i < nmap; i++) {
		if (!map[i].eff_length)
			continue;
		cells[0] = cpu_to_fdt32(map[i].rid_base);
		cells[1] = cpu_to_fdt32(viommu_phandle);
		cells[2] = cpu_to_fdt32(vids[i]);
		cells[3] = cpu_to_fdt32(map[i].eff_length);
		cells += 4;
	}
	return 0;
}

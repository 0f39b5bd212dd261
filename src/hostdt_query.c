/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "hostdt_query.h"
#include "span.h"
#include "xen_abi.h"

static int node_index(const struct hostdt *h, int node)
{
	return u64map_get(&h->by_offset, (uint64_t)(unsigned)node);
}

/* A path too long to index (and so are its descendants'). */
#define PATH_UNINDEXED ((size_t)-1)

/*
 * Record @node (whose parent is @parent, path @path of @plen bytes, or
 * PATH_UNINDEXED) in every index.  Two nodes with one path (siblings of
 * one name) make the tree ambiguous: -VDT_ERR_BADDT.
 */
static int index_node(struct hostdt *h, int node, int parent,
		      const char *path, size_t plen)
{
	uint32_t ph = fdt_get_phandle(h->fdt, node);
	char other[VDT_DIAG_NODE_LEN];
	uint64_t key;
	int r, prev;

	h->parent[h->nnodes] = parent;
	r = u64map_put(&h->by_offset, (uint64_t)(unsigned)node, h->nnodes);
	if (r < 0)
		return r;
	h->nnodes++;
	if (plen != PATH_UNINDEXED) {
		/* On a hash collision of two paths the first node keeps the
		 * slot; the other is found through libfdt (see
		 * hostdt_node_by_path()). */
		key = u64map_str_key(path, plen);
		prev = u64map_get(&h->by_path, key);
		if (prev >= 0 &&
		    hostdt_get_path(h, prev, other, sizeof(other)) == 0 &&
		    strlen(other) == plen && memcmp(other, path, plen) == 0)
			return -VDT_ERR_BADDT;
		r = prev >= 0 ? 0 : u64map_put(&h->by_path, key, node);
		if (r < 0)
			return r;
	}
	/* Two nodes with one phandle: which one an iommus names is anybody's
	 * guess, so the caller refuses the tree. */
	if (ph == 0 || ph == (uint32_t)-1)
		return 0;
	if (u64map_get(&h->by_phandle, ph) >= 0)
		return -VDT_ERR_CONFLICT;
	return u64map_put(&h->by_phandle, ph, node);
}

/* Host node @node has the phandle of an earlier node: name both. */
static int dup_phandle(struct hostdt *h, int node, struct vdt_diag *d)
{
	char path[VDT_DIAG_NODE_LEN], other[VDT_DIAG_NODE_LEN];
	uint32_t ph = fdt_get_phandle(h->fdt, node);
	int first = u64map_get(&h->by_phandle, ph);
	const char *file = h->file;

	blob_path(h->fdt, node, path, sizeof(path));
	blob_path(h->fdt, first, other, sizeof(other));
	hostdt_close(h);
	return vdt_error(d, VDT_ERR_BADDT, file, path, "phandle",
			 "0x%x is also the phandle of %s", ph, other);
}

/* An IOMMU sits at the end of @stack: mark it and its ancestors, stopping
 * at the first already marked (so each node is marked once). */
static void mark_holders(struct hostdt *h, const int *stack, int depth)
{
	int i, idx;

	for (i = depth; i >= 0; i--) {
		idx = node_index(h, stack[i]);
		if (h->holds_iommu[idx])
			return;
		h->holds_iommu[idx] = 1;
	}
}

int hostdt_open(struct hostdt *h, const void *fdt, size_t size,
		const char *file, struct vdt_diag *d)
{
	size_t plen[VDT_MAX_DEPTH];
	char path[VDT_DIAG_NODE_LEN];
	int stack[VDT_MAX_DEPTH];
	int node, depth = 0, count = 0, nl, r;
	const char *name;

	memset(h, 0, sizeof(*h));
	h->fdt = fdt;
	h->file = file;
	u64map_init(&h->by_phandle);
	u64map_init(&h->by_offset);
	u64map_init(&h->by_path);

	r = blob_check(fdt, size, file, d);
	if (r < 0)
		return r;

	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL))
		count++;
	h->parent = malloc((size_t)count * sizeof(*h->parent));
	h->holds_iommu = calloc((size_t)count, 1);
	if (!h->parent || !h->holds_iommu) {
		hostdt_close(h);
		return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				 "out of memory");
	}

	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= VDT_MAX_DEPTH) {
			hostdt_close(h);
			return vdt_error(d, VDT_ERR_UNSUPPORTED, file, NULL,
					 NULL, "nodes nested deeper than %d",
					 VDT_MAX_DEPTH);
		}
		stack[depth] = node;
		/* The path, built from the parent's (the root's is ""). */
		name = fdt_get_name(fdt, node, &nl);
		plen[depth] = depth > 0 ? PATH_UNINDEXED : 0;
		if (depth > 0 && plen[depth - 1] != PATH_UNINDEXED &&
		    plen[depth - 1] + 1 + (size_t)nl < sizeof(path)) {
			plen[depth] = plen[depth - 1] + 1 + (size_t)nl;
			path[plen[depth - 1]] = '/';
			memcpy(path + plen[depth - 1] + 1, name, (size_t)nl);
		}
		r = index_node(h, node, depth > 0 ? stack[depth - 1] : -1,
			       depth > 0 ? path : "/",
			       depth > 0 ? plen[depth] : 1);
		if (r == -VDT_ERR_BADDT) {
			path[plen[depth]] = '\0';
			hostdt_close(h);
			return vdt_error(d, VDT_ERR_BADDT, file, path, NULL,
					 "two nodes have this path (siblings of one name)");
		}
		if (r == -VDT_ERR_CONFLICT)
			return dup_phandle(h, node, d);
		if (r < 0) {
			hostdt_close(h);
			return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
					 "out of memory");
		}
		if (fdt_getprop(fdt, node, "#iommu-cells", NULL))
			mark_holders(h, stack, depth);
	}
	return 0;
}

void hostdt_close(struct hostdt *h)
{
	free(h->parent);
	free(h->holds_iommu);
	h->parent = NULL;
	h->holds_iommu = NULL;
	h->nnodes = 0;
	u64map_free(&h->by_phandle);
	u64map_free(&h->by_offset);
	u64map_free(&h->by_path);
}

int hostdt_node_by_phandle(const struct hostdt *h, uint32_t phandle)
{
	return u64map_get(&h->by_phandle, phandle);
}

int hostdt_node_by_path(const struct hostdt *h, const char *path)
{
	char found[VDT_DIAG_NODE_LEN];
	int node = u64map_get(&h->by_path, u64map_str_key(path, strlen(path)));

	if (node >= 0 && hostdt_get_path(h, node, found, sizeof(found)) == 0 &&
	    strcmp(found, path) == 0)
		return node;
	/* Not indexed (too long, or a hash collision): ask libfdt. */
	node = fdt_path_offset(h->fdt, path);
	return node >= 0 ? node : -VDT_ERR_NOTFOUND;
}

int hostdt_parent(const struct hostdt *h, int node)
{
	int i = node_index(h, node);

	if (i < 0 || h->parent[i] < 0)
		return -VDT_ERR_NOTFOUND;
	return h->parent[i];
}

int hostdt_get_path(const struct hostdt *h, int node, char *buf, size_t len)
{
	size_t need = 0, pos;
	const char *name;
	int n, nl;

	if (node_index(h, node) < 0)
		return -VDT_ERR_NOTFOUND;
	if (len < 2)
		return -VDT_ERR_NOMEM;
	/* First the length, then fill the buffer from its end. */
	for (n = node; hostdt_parent(h, n) >= 0; n = hostdt_parent(h, n)) {
		fdt_get_name(h->fdt, n, &nl);
		need += 1 + (size_t)nl;
	}
	if (need == 0) {
		strcpy(buf, "/");
		return 0;
	}
	if (need + 1 > len)
		return -VDT_ERR_NOMEM;
	pos = need;
	buf[pos] = '\0';
	for (n = node; hostdt_parent(h, n) >= 0; n = hostdt_parent(h, n)) {
		name = fdt_get_name(h->fdt, n, &nl);
		pos -= (size_t)nl;
		memcpy(buf + pos, name, (size_t)nl);
		buf[--pos] = '/';
	}
	return 0;
}

int hostdt_holds_iommu(const struct hostdt *h, int node)
{
	int i = node_index(h, node);

	return i >= 0 && h->holds_iommu[i];
}

int hostdt_is_enabled(const struct hostdt *h, int node)
{
	int len;
	const char *s = fdt_getprop(h->fdt, node, "status", &len);

	if (!s)
		return 1;
	return (len == 5 && memcmp(s, "okay", 5) == 0) ||
	       (len == 3 && memcmp(s, "ok", 3) == 0);
}

const char *hostdt_msg_path(const struct hostdt *h, int node, char *buf,
			    size_t len)
{
	if (hostdt_get_path(h, node, buf, len) < 0)
		snprintf(buf, len, "<node at offset %d>", node);
	return buf;
}

/* The referenced IOMMU's #iommu-cells, or an error naming both nodes. */
static int iommu_cells(const struct hostdt *h, int iommu, const char *npath,
		       const char *prop, struct vdt_diag *d)
{
	char ipath[VDT_DIAG_NODE_LEN];
	const fdt32_t *p;
	uint32_t cells;
	int len;

	p = fdt_getprop(h->fdt, iommu, "#iommu-cells", &len);
	hostdt_msg_path(h, iommu, ipath, sizeof(ipath));
	if (!p)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath, prop,
				 "IOMMU %s has no #iommu-cells", ipath);
	if (len != 4)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath, prop,
				 "#iommu-cells of IOMMU %s is %d bytes long, not 4",
				 ipath, len);
	cells = fdt32_to_cpu(*p);
	if (cells > 2)
		return vdt_error(d, VDT_ERR_UNSUPPORTED, h->file, npath,
				 prop,
				 "#iommu-cells = %u of IOMMU %s is not supported (0, 1 or 2)",
				 cells, ipath);
	return (int)cells;
}

int hostdt_iommus(const struct hostdt *h, int node, struct hostdt_spec **specs,
		  struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN], ipath[VDT_DIAG_NODE_LEN];
	struct hostdt_spec *out;
	const fdt32_t *p;
	int len, ncells, i, n = 0, iommu, cells;
	uint32_t ph;

	*specs = NULL;
	p = fdt_getprop(h->fdt, node, "iommus", &len);
	if (!p)
		return 0;
	hostdt_msg_path(h, node, npath, sizeof(npath));
	if (len % 4 != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath, "iommus",
				 "length %d is not a multiple of 4", len);
	ncells = len / 4;
	if (ncells == 0)
		return 0;
	/* Each specifier is at least the phandle: ncells bounds the count. */
	out = calloc((size_t)ncells, sizeof(*out));
	if (!out)
		return vdt_error(d, VDT_ERR_NOMEM, h->file, npath, "iommus",
				 "out of memory");
	for (i = 0; i < ncells; i += 1 + cells, n++) {
		ph = fdt32_to_cpu(p[i]);
		iommu = hostdt_node_by_phandle(h, ph);
		if (iommu < 0) {
			free(out);
			return vdt_error(d, VDT_ERR_BADDT, h->file, npath,
					 "iommus",
					 "phandle 0x%x (specifier %d) does not refer to any node",
					 ph, n);
		}
		cells = iommu_cells(h, iommu, npath, "iommus", d);
		if (cells < 0) {
			free(out);
			return cells;
		}
		if (i + 1 + cells > ncells) {
			free(out);
			return vdt_error(d, VDT_ERR_BADDT, h->file, npath,
					 "iommus",
					 "specifier %d is cut short: #iommu-cells of %s is %d",
					 n, hostdt_msg_path(h, iommu, ipath,
							   sizeof(ipath)),
					 cells);
		}
		out[n].iommu = iommu;
		out[n].cells = (uint32_t)cells;
		out[n].pid = cells >= 1 ? fdt32_to_cpu(p[i + 1]) : 0;
		out[n].mask = cells == 2 ? fdt32_to_cpu(p[i + 2]) : 0;
	}
	*specs = out;
	return n;
}

/* The largest value v <= @hi with v & ~@mask == 0 (a submask of @mask). */
static uint32_t largest_submask_le(uint32_t mask, uint32_t hi)
{
	uint32_t v = 0, bit;
	int b;

	for (b = 31; b >= 0; b--) {
		bit = (uint32_t)1 << b;
		if (!(hi & bit))
			continue;
		if (!(mask & bit))	/* below hi from here: take every bit */
			return v | (mask & (bit - 1));
		v |= bit;
	}
	return v;
}

/* Effective length of [rid, rid + len) under @mask (0: unreachable). */
static uint32_t effective_length(uint32_t rid, uint32_t len, uint32_t mask)
{
	uint32_t top;

	if (len == 0)
		return 0;
	top = largest_submask_le(mask, rid + (len - 1));
	return top >= rid ? top - rid + 1 : 0;
}

static int read_map_mask(const struct hostdt *h, int node, const char *npath,
			 uint32_t *mask, struct vdt_diag *d)
{
	const fdt32_t *p;
	int len;

	*mask = 0xffffffffu;
	p = fdt_getprop(h->fdt, node, "iommu-map-mask", &len);
	if (!p)
		return 0;
	if (len != 4)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath,
				 "iommu-map-mask", "%d bytes long, not 4", len);
	*mask = fdt32_to_cpu(*p);
	return 0;
}

/* Entries whose effective RID ranges overlap: the later is unreachable. */
static int check_rid_overlap(const struct hostdt *h, const char *npath,
			     const struct hostdt_map_entry *e, int n,
			     struct vdt_diag *d)
{
	struct span *s = malloc((size_t)n * sizeof(*s));
	int i, k = 0, a, b;

	if (!s)
		return vdt_error(d, VDT_ERR_NOMEM, h->file, npath, "iommu-map",
				 "out of memory");
	for (i = 0; i < n; i++) {
		if (!e[i].eff_length)
			continue;
		s[k].group = 0;
		s[k].base = e[i].rid_base;
		s[k].len = e[i].eff_length;
		s[k++].tag = i;
	}
	k = span_overlap(s, k, 0, &a, &b);
	free(s);
	if (!k)
		return 0;
	return vdt_error(d, VDT_ERR_BADDT, h->file, npath, "iommu-map",
			 "entry %d (RIDs 0x%x-0x%x) overlaps entry %d (RIDs 0x%x-0x%x): with the first match winning it could never be reached",
			 b, e[b].rid_base, e[b].rid_base + e[b].eff_length - 1,
			 a, e[a].rid_base, e[a].rid_base + e[a].eff_length - 1);
}

int hostdt_iommu_map(const struct hostdt *h, int node,
		     struct hostdt_map_entry **entries, uint32_t *mask,
		     struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	struct hostdt_map_entry *e;
	const fdt32_t *p;
	int len, n, i, r;
	uint32_t ph;

	*entries = NULL;
	*mask = 0xffffffffu;
	p = fdt_getprop(h->fdt, node, "iommu-map", &len);
	if (!p)
		return 0;
	hostdt_msg_path(h, node, npath, sizeof(npath));
	if (len % DT_ID_MAP_LEN != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath, "iommu-map",
				 "length %d is not a multiple of 4 cells", len);
	r = read_map_mask(h, node, npath, mask, d);
	if (r < 0 || len == 0)
		return r;
	n = len / DT_ID_MAP_LEN;
	e = calloc((size_t)n, sizeof(*e));
	if (!e)
		return vdt_error(d, VDT_ERR_NOMEM, h->file, npath, "iommu-map",
				 "out of memory");
	for (i = 0; i < n; i++, p += 4) {
		e[i].rid_base = fdt32_to_cpu(p[0]);
		ph = fdt32_to_cpu(p[1]);
		e[i].pid_base = fdt32_to_cpu(p[2]);
		e[i].length = fdt32_to_cpu(p[3]);
		e[i].iommu = hostdt_node_by_phandle(h, ph);
		if (e[i].iommu < 0) {
			free(e);
			return vdt_error(d, VDT_ERR_BADDT, h->file, npath,
					 "iommu-map",
					 "phandle 0x%x (entry %d) does not refer to any node",
					 ph, i);
		}
		/* Entries are 4 cells whatever the IOMMU says, but the target
		 * must be one (isolation knows IOMMUs by #iommu-cells). */
		r = iommu_cells(h, e[i].iommu, npath, "iommu-map", d);
		if (r < 0) {
			free(e);
			return r;
		}
		if ((e[i].length && e[i].rid_base > UINT32_MAX - (e[i].length - 1)) ||
		    (e[i].length && e[i].pid_base > UINT32_MAX - (e[i].length - 1))) {
			free(e);
			return vdt_error(d, VDT_ERR_BADDT, h->file, npath,
					 "iommu-map",
					 "entry %d runs past ID 0xffffffff", i);
		}
		e[i].eff_length = effective_length(e[i].rid_base, e[i].length,
						   *mask);
		if (e[i].length == 0)
			vdt_warn(d, h->file, npath, "iommu-map",
				 "entry %d has length 0 (left for a boot loader to fill in?): dropped",
				 i);
		else if (e[i].eff_length == 0)
			vdt_warn(d, h->file, npath, "iommu-map",
				 "entry %d (RIDs 0x%x-0x%x) is not reached by any RID under iommu-map-mask 0x%x: dropped",
				 i, e[i].rid_base,
				 e[i].rid_base + e[i].length - 1, *mask);
	}
	r = check_rid_overlap(h, npath, e, n, d);
	if (r < 0) {
		free(e);
		return r;
	}
	*entries = e;
	return n;
}

int hostdt_map_live(const struct hostdt_map_entry *map, int n)
{
	int i, live = 0;

	for (i = 0; i < n; i++)
		live += map[i].eff_length != 0;
	return live;
}

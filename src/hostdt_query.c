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

/* @node's index: the nodes are in document order, so by offset. */
static int node_index(const struct hostdt *h, int node)
{
	int lo = 0, hi = h->nnodes - 1, mid;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (h->nodes[mid].offset == node)
			return mid;
		if (h->nodes[mid].offset < node)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -VDT_ERR_NOTFOUND;
}

/* What the walk keeps while it goes. */
struct open_walk {
	struct hostdt *h;
	int stack[VDT_MAX_DEPTH];	/* index of each open node */
	int cur;			/* the node the properties are of */
};

static int walk_node(void *ctx, int offset, const char *name, int namelen,
		     int depth)
{
	struct open_walk *w = ctx;
	struct hostdt *h = w->h;
	struct hostdt_node *n, *grown;
	int cap;

	if (h->nnodes == h->cap) {
		cap = h->cap ? h->cap * 2 : 256;
		if (cap < h->cap)
			return -VDT_ERR_NOMEM;
		grown = realloc(h->nodes, (size_t)cap * sizeof(*grown));
		if (!grown)
			return -VDT_ERR_NOMEM;
		h->nodes = grown;
		h->cap = cap;
	}
	n = &h->nodes[h->nnodes];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->namelen = namelen;
	n->offset = offset;
	n->depth = depth;
	/* Below VDT_MAX_DEPTH hostdt_open() refuses the tree. */
	n->parent = depth > 0 && depth <= VDT_MAX_DEPTH ?
		    w->stack[depth - 1] : -1;
	n->ph_len = n->lph_len = n->cells_len = -1;
	n->enabled = 1;
	if (depth < VDT_MAX_DEPTH)
		w->stack[depth] = h->nnodes;
	w->cur = h->nnodes++;
	return 0;
}

static uint32_t first_cell(const void *val, int len)
{
	fdt32_t v;

	if (len != 4)
		return 0;
	memcpy(&v, val, sizeof(v));
	return fdt32_to_cpu(v);
}

/* A property of the current node: the first of each name counts, as
 * with blob_getprop(). */
static int walk_prop(void *ctx, const char *name, const void *val, int len)
{
	struct open_walk *w = ctx;
	struct hostdt_node *n = &w->h->nodes[w->cur];

	switch (name[0]) {
	case '#':
		if (n->cells_len < 0 && strcmp(name, "#iommu-cells") == 0) {
			n->cells_len = len;
			n->cells = first_cell(val, len);
		}
		break;
	case 'l':
		if (n->lph_len < 0 && strcmp(name, "linux,phandle") == 0) {
			n->lph_len = len;
			n->lph = first_cell(val, len);
		}
		break;
	case 'p':
		if (n->ph_len < 0 && strcmp(name, "phandle") == 0) {
			n->ph_len = len;
			n->ph = first_cell(val, len);
		}
		break;
	case 's':
		if (strcmp(name, "status") == 0 && n->enabled == 1) {
			n->enabled = (len == 5 && memcmp(val, "okay", 5) == 0) ||
				     (len == 3 && memcmp(val, "ok", 3) == 0) ?
				     2 : 0;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* Whether the nodes at indexes @a and @b have one path (names hold no '/'
 * and only the root's is empty: one path is one chain of names). */
static int same_path(const struct hostdt *h, int a, int b)
{
	const struct hostdt_node *x, *y;

	while (a >= 0 && b >= 0 && a != b) {
		x = &h->nodes[a];
		y = &h->nodes[b];
		if (x->namelen != y->namelen ||
		    memcmp(x->name, y->name, (size_t)x->namelen) != 0)
			return 0;
		a = x->parent;
		b = y->parent;
	}
	return a == b;
}

/* Host node @i has the phandle of an earlier node: name both. */
static int dup_phandle(struct hostdt *h, int i, struct vdt_diag *d)
{
	char path[VDT_DIAG_NODE_LEN], other[VDT_DIAG_NODE_LEN];
	uint32_t ph = h->nodes[i].phandle;
	int first = u64map_get(&h->by_phandle, ph);
	const char *file = h->file;

	hostdt_msg_path(h, h->nodes[i].offset, path, sizeof(path));
	hostdt_msg_path(h, first, other, sizeof(other));
	hostdt_close(h);
	return vdt_error(d, VDT_ERR_BADDT, file, path, "phandle",
			 "0x%x is also the phandle of %s", ph, other);
}

/* An IOMMU is node @i: mark it and its ancestors, stopping at the first
 * already marked (so each node is marked once). */
static void mark_holders(struct hostdt *h, int i)
{
	for (; i >= 0 && !h->nodes[i].holds_iommu; i = h->nodes[i].parent)
		h->nodes[i].holds_iommu = 1;
}

/* Node @i's phandle as blob_get_phandle(), its path key and length. */
static void node_facts(struct hostdt *h, int i)
{
	struct hostdt_node *n = &h->nodes[i];
	const struct hostdt_node *p;

	n->phandle = n->ph_len == 4 ? n->ph : n->lph_len == 4 ? n->lph : 0;
	n->enabled = n->enabled != 0;
	if (n->parent < 0) {
		n->path_key = u64map_str_key("/", 1);
		n->plen = 0;
		return;
	}
	p = &h->nodes[n->parent];
	n->path_key = u64map_str_key_add(p->parent < 0 ? u64map_str_key("", 0) :
						 p->path_key, "/", 1);
	n->path_key = u64map_str_key_add(n->path_key, n->name,
					 (size_t)n->namelen);
	n->plen = -1;
	if (p->plen >= 0 &&
	    (size_t)p->plen + 1 + (size_t)n->namelen < VDT_DIAG_NODE_LEN)
		n->plen = p->plen + 1 + n->namelen;
}

/*
 * Index the nodes the walk recorded, in document order: by path (two
 * nodes with one path, siblings of one name, make the tree ambiguous) and
 * by phandle (two nodes with one: which one an iommus names is anybody's
 * guess).  The first node nested too deep, or with one of those faults,
 * is the one reported.
 */
static int index_nodes(struct hostdt *h, struct vdt_diag *d)
{
	char path[VDT_DIAG_NODE_LEN];
	const struct hostdt_node *n;
	const char *file = h->file;
	size_t nph = 0;
	int i, prev;

	for (i = 0; i < h->nnodes; i++)
		nph += h->nodes[i].ph_len == 4 || h->nodes[i].lph_len == 4;
	if (u64map_reserve(&h->by_path, (size_t)h->nnodes) < 0 ||
	    u64map_reserve(&h->by_phandle, nph) < 0)
		goto nomem;
	for (i = 0; i < h->nnodes; i++) {
		if (h->nodes[i].depth >= VDT_MAX_DEPTH) {
			hostdt_close(h);
			return vdt_error(d, VDT_ERR_UNSUPPORTED, file, NULL,
					 NULL, "nodes nested deeper than %d",
					 VDT_MAX_DEPTH);
		}
		node_facts(h, i);
		n = &h->nodes[i];
		if (n->plen >= 0) {
			/* On a hash collision of two paths the first node
			 * keeps the slot; the other is found through libfdt
			 * (see hostdt_node_by_path()). */
			prev = u64map_get(&h->by_path, n->path_key);
			if (prev >= 0 && same_path(h, node_index(h, prev), i)) {
				hostdt_msg_path(h, n->offset, path,
						sizeof(path));
				hostdt_close(h);
				return vdt_error(d, VDT_ERR_BADDT, file, path,
						 NULL, "two nodes have this path (siblings of one name)");
			}
			if (prev < 0 &&
			    u64map_put(&h->by_path, n->path_key, n->offset) < 0)
				goto nomem;
		}
		if (n->phandle != 0 && n->phandle != (uint32_t)-1) {
			if (u64map_get(&h->by_phandle, n->phandle) >= 0)
				return dup_phandle(h, i, d);
			if (u64map_put(&h->by_phandle, n->phandle,
				       n->offset) < 0)
				goto nomem;
		}
		if (n->cells_len >= 0)
			mark_holders(h, i);
	}
	return 0;
nomem:
	hostdt_close(h);
	return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL, "out of memory");
}

int hostdt_open(struct hostdt *h, const void *fdt, size_t size,
		const char *file, struct vdt_diag *d)
{
	static const struct blob_visitor visit = { walk_node, walk_prop, NULL };
	struct open_walk *w;
	int r;

	memset(h, 0, sizeof(*h));
	h->fdt = fdt;
	h->file = file;
	u64map_init(&h->by_phandle);
	u64map_init(&h->by_path);
	w = malloc(sizeof(*w));
	if (!w)
		return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				 "out of memory");
	w->h = h;
	w->cur = -1;
	r = blob_walk(fdt, size, file, &visit, w, d);
	free(w);
	if (r == -VDT_ERR_NOMEM) {
		hostdt_close(h);
		return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				 "out of memory");
	}
	if (r < 0) {
		hostdt_close(h);
		return r;
	}
	return index_nodes(h, d);
}

void hostdt_close(struct hostdt *h)
{
	free(h->nodes);
	h->nodes = NULL;
	h->nnodes = 0;
	h->cap = 0;
	u64map_free(&h->by_phandle);
	u64map_free(&h->by_path);
}

int hostdt_node_by_phandle(const struct hostdt *h, uint32_t phandle)
{
	return u64map_get(&h->by_phandle, phandle);
}

/* Whether node @i's path is the @len bytes at @path. */
static int path_is(const struct hostdt *h, int i, const char *path,
		   size_t len)
{
	const struct hostdt_node *n;

	if (h->nodes[i].parent < 0)
		return len == 1 && path[0] == '/';
	for (; i >= 0 && h->nodes[i].parent >= 0; i = n->parent) {
		n = &h->nodes[i];
		if (len < (size_t)n->namelen + 1 ||
		    memcmp(path + len - (size_t)n->namelen, n->name,
			   (size_t)n->namelen) != 0 ||
		    path[len - (size_t)n->namelen - 1] != '/')
			return 0;
		len -= (size_t)n->namelen + 1;
	}
	return len == 0;
}

int hostdt_node_by_path(const struct hostdt *h, const char *path)
{
	size_t len = strlen(path);
	int node = u64map_get(&h->by_path, u64map_str_key(path, len));

	if (node >= 0 && path_is(h, node_index(h, node), path, len))
		return node;
	/* Not indexed (too long, or a hash collision): ask libfdt. */
	node = fdt_path_offset(h->fdt, path);
	return node >= 0 ? node : -VDT_ERR_NOTFOUND;
}

int hostdt_parent(const struct hostdt *h, int node)
{
	int i = node_index(h, node);

	if (i < 0 || h->nodes[i].parent < 0)
		return -VDT_ERR_NOTFOUND;
	return h->nodes[h->nodes[i].parent].offset;
}

int hostdt_get_path(const struct hostdt *h, int node, char *buf, size_t len)
{
	const struct hostdt_node *n;
	size_t need = 0, pos;
	int i = node_index(h, node), j;

	if (i < 0)
		return -VDT_ERR_NOTFOUND;
	if (len < 2)
		return -VDT_ERR_NOMEM;
	/* First the length, then fill the buffer from its end. */
	for (j = i; h->nodes[j].parent >= 0; j = h->nodes[j].parent)
		need += 1 + (size_t)h->nodes[j].namelen;
	if (need == 0) {
		strcpy(buf, "/");
		return 0;
	}
	if (need + 1 > len)
		return -VDT_ERR_NOMEM;
	pos = need;
	buf[pos] = '\0';
	for (j = i; h->nodes[j].parent >= 0; j = n->parent) {
		n = &h->nodes[j];
		pos -= (size_t)n->namelen;
		memcpy(buf + pos, n->name, (size_t)n->namelen);
		buf[--pos] = '/';
	}
	return 0;
}

int hostdt_holds_iommu(const struct hostdt *h, int node)
{
	int i = node_index(h, node);

	return i >= 0 && h->nodes[i].holds_iommu;
}

int hostdt_is_enabled(const struct hostdt *h, int node)
{
	int i = node_index(h, node), len;
	const char *s;

	if (i >= 0)
		return h->nodes[i].enabled;
	s = blob_getprop(h->fdt, node, "status", &len);
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

/* @node's path for a message about it, into @buf of VDT_DIAG_NODE_LEN
 * bytes: built only when a message is made. */
#define MSG_PATH(h, node, buf) hostdt_msg_path(h, node, buf, VDT_DIAG_NODE_LEN)

/* The referenced IOMMU's #iommu-cells (recorded by hostdt_open()), or an
 * error naming both nodes. */
static int iommu_cells(const struct hostdt *h, int iommu, int node,
		       const char *prop, struct vdt_diag *d)
{
	char ipath[VDT_DIAG_NODE_LEN], npath[VDT_DIAG_NODE_LEN];
	int i = node_index(h, iommu);
	const struct hostdt_node *n = i >= 0 ? &h->nodes[i] : NULL;

	if (!n || n->cells_len < 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), prop,
				 "IOMMU %s has no #iommu-cells",
				 MSG_PATH(h, iommu, ipath));
	if (n->cells_len != 4)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), prop,
				 "#iommu-cells of IOMMU %s is %d bytes long, not 4",
				 MSG_PATH(h, iommu, ipath), n->cells_len);
	if (n->cells > 2)
		return vdt_error(d, VDT_ERR_UNSUPPORTED, h->file,
				 MSG_PATH(h, node, npath), prop,
				 "#iommu-cells = %u of IOMMU %s is not supported (0, 1 or 2)",
				 n->cells, MSG_PATH(h, iommu, ipath));
	return (int)n->cells;
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
	p = blob_getprop(h->fdt, node, "iommus", &len);
	if (!p)
		return 0;
	if (len % 4 != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), "iommus",
				 "length %d is not a multiple of 4", len);
	ncells = len / 4;
	if (ncells == 0)
		return 0;
	/* Each specifier is at least the phandle: ncells bounds the count. */
	out = calloc((size_t)ncells, sizeof(*out));
	if (!out)
		return vdt_error(d, VDT_ERR_NOMEM, h->file,
				 MSG_PATH(h, node, npath), "iommus",
				 "out of memory");
	for (i = 0; i < ncells; i += 1 + cells, n++) {
		ph = fdt32_to_cpu(p[i]);
		iommu = hostdt_node_by_phandle(h, ph);
		if (iommu < 0) {
			free(out);
			return vdt_error(d, VDT_ERR_BADDT, h->file,
					 MSG_PATH(h, node, npath), "iommus",
					 "phandle 0x%x (specifier %d) does not refer to any node",
					 ph, n);
		}
		cells = iommu_cells(h, iommu, node, "iommus", d);
		if (cells < 0) {
			free(out);
			return cells;
		}
		if (i + 1 + cells > ncells) {
			free(out);
			return vdt_error(d, VDT_ERR_BADDT, h->file,
					 MSG_PATH(h, node, npath), "iommus",
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

static int read_map_mask(const struct hostdt *h, int node, uint32_t *mask,
			 struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	const fdt32_t *p;
	int len;

	*mask = 0xffffffffu;
	p = blob_getprop(h->fdt, node, "iommu-map-mask", &len);
	if (!p)
		return 0;
	if (len != 4)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), "iommu-map-mask",
				 "%d bytes long, not 4", len);
	*mask = fdt32_to_cpu(*p);
	return 0;
}

/* Entries whose effective RID ranges overlap: the later is unreachable. */
static int check_rid_overlap(const struct hostdt *h, int node,
			     const struct hostdt_map_entry *e, int n,
			     struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	struct span *s = malloc((size_t)n * sizeof(*s));
	int i, k = 0, a, b;

	if (!s)
		return vdt_error(d, VDT_ERR_NOMEM, h->file,
				 MSG_PATH(h, node, npath), "iommu-map",
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
	return vdt_error(d, VDT_ERR_BADDT, h->file, MSG_PATH(h, node, npath),
			 "iommu-map",
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
	p = blob_getprop(h->fdt, node, "iommu-map", &len);
	if (!p)
		return 0;
	if (len % DT_ID_MAP_LEN != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), "iommu-map",
				 "length %d is not a multiple of 4 cells", len);
	r = read_map_mask(h, node, mask, d);
	if (r < 0 || len == 0)
		return r;
	n = len / DT_ID_MAP_LEN;
	e = calloc((size_t)n, sizeof(*e));
	if (!e)
		return vdt_error(d, VDT_ERR_NOMEM, h->file,
				 MSG_PATH(h, node, npath), "iommu-map",
				 "out of memory");
	for (i = 0; i < n; i++, p += 4) {
		e[i].rid_base = fdt32_to_cpu(p[0]);
		ph = fdt32_to_cpu(p[1]);
		e[i].pid_base = fdt32_to_cpu(p[2]);
		e[i].length = fdt32_to_cpu(p[3]);
		e[i].iommu = hostdt_node_by_phandle(h, ph);
		if (e[i].iommu < 0) {
			free(e);
			return vdt_error(d, VDT_ERR_BADDT, h->file,
					 MSG_PATH(h, node, npath), "iommu-map",
					 "phandle 0x%x (entry %d) does not refer to any node",
					 ph, i);
		}
		/* Entries are 4 cells whatever the IOMMU says, but the target
		 * must be one (isolation knows IOMMUs by #iommu-cells). */
		r = iommu_cells(h, e[i].iommu, node, "iommu-map", d);
		if (r < 0) {
			free(e);
			return r;
		}
		if ((e[i].length && e[i].rid_base > UINT32_MAX - (e[i].length - 1)) ||
		    (e[i].length && e[i].pid_base > UINT32_MAX - (e[i].length - 1))) {
			free(e);
			return vdt_error(d, VDT_ERR_BADDT, h->file,
					 MSG_PATH(h, node, npath), "iommu-map",
					 "entry %d runs past ID 0xffffffff", i);
		}
		e[i].eff_length = effective_length(e[i].rid_base, e[i].length,
						   *mask);
		if (e[i].length == 0)
			vdt_warn(d, h->file, MSG_PATH(h, node, npath),
				 "iommu-map", "entry %d has length 0 (left for a boot loader to fill in?): dropped",
				 i);
		else if (e[i].eff_length == 0)
			vdt_warn(d, h->file, MSG_PATH(h, node, npath),
				 "iommu-map", "entry %d (RIDs 0x%x-0x%x) is not reached by any RID under iommu-map-mask 0x%x: dropped",
				 i, e[i].rid_base,
				 e[i].rid_base + e[i].length - 1, *mask);
	}
	r = check_rid_overlap(h, node, e, n, d);
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

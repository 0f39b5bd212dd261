/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "dts_write.h"

/* How the cells of a phandle property are laid out. */
enum ph_layout {
	PH_LIST,	/* every cell is a phandle (no arguments) */
	PH_SPEC,	/* specifiers: a phandle, then #*-cells of its node */
	PH_MAP,		/* 4-cell entries (id-base, phandle, out-base, length) */
};

/* How a row's name is matched against a property's. */
enum ph_match {
	M_EXACT,	/* the whole name */
	M_SUFFIX,	/* the end of the name ("-gpios") */
	M_INDEXED,	/* the name followed by decimal digits ("pinctrl-0") */
};

/*
 * The properties whose values hold phandles: the one table.  The facts
 * (names, #*-cells, which are optional) are those of dtc's checks.c,
 * plus the phandle lists of the devicetree specification and bindings
 * (pinctrl-N, memory-region) and the PCI/MSI maps (iommu-map, msi-map).
 */
static const struct ph_row {
	const char *name;
	enum ph_match match;
	enum ph_layout layout;
	const char *cells;	/* PH_SPEC: the target's #*-cells */
	int optional;		/* PH_SPEC: no #*-cells means 0 */
	int gpio;		/* not for gpio hogs, nor *nr-gpio* names */
} ph_table[] = {
	{ "interrupt-parent", M_EXACT, PH_LIST, NULL, 0, 0 },
	{ "pinctrl-", M_INDEXED, PH_LIST, NULL, 0, 0 },
	{ "memory-region", M_EXACT, PH_LIST, NULL, 0, 0 },
	{ "clocks", M_EXACT, PH_SPEC, "#clock-cells", 0, 0 },
	{ "cooling-device", M_EXACT, PH_SPEC, "#cooling-cells", 0, 0 },
	{ "dmas", M_EXACT, PH_SPEC, "#dma-cells", 0, 0 },
	{ "hwlocks", M_EXACT, PH_SPEC, "#hwlock-cells", 0, 0 },
	{ "interconnects", M_EXACT, PH_SPEC, "#interconnect-cells", 0, 0 },
	{ "interrupts-extended", M_EXACT, PH_SPEC, "#interrupt-cells", 0, 0 },
	{ "io-channels", M_EXACT, PH_SPEC, "#io-channel-cells", 0, 0 },
	{ "iommus", M_EXACT, PH_SPEC, "#iommu-cells", 0, 0 },
	{ "mboxes", M_EXACT, PH_SPEC, "#mbox-cells", 0, 0 },
	{ "msi-parent", M_EXACT, PH_SPEC, "#msi-cells", 1, 0 },
	{ "mux-controls", M_EXACT, PH_SPEC, "#mux-control-cells", 0, 0 },
	{ "phys", M_EXACT, PH_SPEC, "#phy-cells", 0, 0 },
	{ "power-domains", M_EXACT, PH_SPEC, "#power-domain-cells", 0, 0 },
	{ "pwms", M_EXACT, PH_SPEC, "#pwm-cells", 0, 0 },
	{ "resets", M_EXACT, PH_SPEC, "#reset-cells", 0, 0 },
	{ "sound-dai", M_EXACT, PH_SPEC, "#sound-dai-cells", 0, 0 },
	{ "thermal-sensors", M_EXACT, PH_SPEC, "#thermal-sensor-cells", 0, 0 },
	{ "gpios", M_EXACT, PH_SPEC, "#gpio-cells", 0, 1 },
	{ "gpio", M_EXACT, PH_SPEC, "#gpio-cells", 0, 1 },
	{ "-gpios", M_SUFFIX, PH_SPEC, "#gpio-cells", 0, 1 },
	{ "-gpio", M_SUFFIX, PH_SPEC, "#gpio-cells", 0, 1 },
	{ "iommu-map", M_EXACT, PH_MAP, NULL, 0, 0 },
	{ "msi-map", M_EXACT, PH_MAP, NULL, 0, 0 },
};

/* A node that has a phandle: where it is and how a reference names it. */
struct ph_node {
	uint32_t phandle;
	int node;
	size_t path;		/* offset of its path in struct writer.paths */
};

/* A label, resolved to its node. */
struct lab_node {
	int node;
	int index;		/* in the caller's array: the order kept */
	const char *label;
};

struct writer {
	const void *fdt;
	const char *name;
	struct vbuf *out;
	struct vdt_diag *d;
	struct ph_node *ph;	/* sorted by phandle, then document order */
	int nph;
	struct vbuf paths;	/* the paths of struct ph_node, NUL-separated */
	struct lab_node *lab;	/* sorted by node, then index */
	int nlab;
};

static int nomem(struct writer *w)
{
	return vdt_error(w->d, VDT_ERR_NOMEM, w->name, NULL, NULL,
			 "out of memory");
}

static int walk_error(struct writer *w, int err)
{
	return vdt_error(w->d, VDT_ERR_BADDT, w->name, NULL, NULL,
			 "cannot walk the tree: %s", fdt_strerror(err));
}

/* Append @s; 0 or a negative code (the error is recorded). */
static int put(struct writer *w, const char *s)
{
	return vbuf_append(w->out, s, strlen(s)) < 0 ? nomem(w) : 0;
}

static int put_indent(struct writer *w, int depth)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
	int n;

	while (depth > 0) {
		n = depth < (int)sizeof(tabs) - 1 ? depth : (int)sizeof(tabs) - 1;
		if (vbuf_append(w->out, tabs, (size_t)n) < 0)
			return nomem(w);
		depth -= n;
	}
	return 0;
}

int dts_label_valid(const char *s)
{
	if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* Whether DTS can write @s as a node or property name (dtc's lexer). */
static int name_writable(const char *s, int len)
{
	static const char extra[] = ",._+*#?@-";
	int i;

	if (len <= 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] && strchr(extra, s[i]))))
			return 0;
	return 1;
}

static int unwritable(struct writer *w, int node, const char *prop,
		      const char *what, const char *s, int len)
{
	char path[VDT_DIAG_NODE_LEN];

	return vdt_error(w->d, VDT_ERR_UNSUPPORTED, w->name,
			 blob_path(w->fdt, node, path, sizeof(path)), prop,
			 "the %s name \"%.*s\" cannot be written as DTS",
			 what, len > 64 ? 64 : len, s);
}

/* ---- indexes: phandles and labels ---- */

static int cmp_ph(const void *a, const void *b)
{
	const struct ph_node *x = a, *y = b;

	if (x->phandle != y->phandle)
		return x->phandle < y->phandle ? -1 : 1;
	return (x->node > y->node) - (x->node < y->node);
}

static int cmp_lab_node(const void *a, const void *b)
{
	const struct lab_node *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static int cmp_lab_name(const void *a, const void *b)
{
	const struct lab_node *x = a, *y = b;

	return strcmp(x->label, y->label);
}

/* Add @node, at @path, to the phandle index if it has a phandle. */
static int index_node(struct writer *w, int node, const struct vbuf *path,
		      int *cap)
{
	uint32_t ph = fdt_get_phandle(w->fdt, node);
	struct ph_node *p;

	if (ph == 0 || ph == (uint32_t)-1)
		return 0;
	if (w->nph == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p = realloc(w->ph, (size_t)*cap * sizeof(*p));
		if (!p)
			return nomem(w);
		w->ph = p;
	}
	p = &w->ph[w->nph++];
	p->phandle = ph;
	p->node = node;
	p->path = w->paths.len;
	if (vbuf_append(&w->paths, path->data, path->len + 1) < 0)
		return nomem(w);
	return 0;
}

/*
 * The node after @node in document order, and its depth; -1 after the
 * last one (fdt_next_node() returns the offset past the root's end with
 * a depth of -1), with *@r set if libfdt failed.
 */
static int next_node(struct writer *w, int node, int *depth, int *r)
{
	node = fdt_next_node(w->fdt, node, depth);
	if (node < 0 && node != -FDT_ERR_NOTFOUND)
		*r = walk_error(w, node);
	return node >= 0 && *depth >= 0 ? node : -1;
}

/*
 * One walk over the nodes: every name must be writable, the depth is
 * bounded, and each node with a phandle is indexed with its path.
 */
static int index_tree(struct writer *w)
{
	size_t plen[VDT_MAX_DEPTH + 1];
	struct vbuf path;
	int node = 0, depth = 0, cap = 0, len, r = 0;
	const char *nm;

	vbuf_init(&path);
	if (vbuf_append(&path, "/", 1) < 0)
		return nomem(w);
	plen[0] = 1;
	while (node >= 0) {
		if (depth > VDT_MAX_DEPTH) {
			r = vdt_error(w->d, VDT_ERR_BADDT, w->name, NULL, NULL,
				      "nested deeper than %d nodes",
				      VDT_MAX_DEPTH);
			break;
		}
		if (depth > 0) {
			nm = fdt_get_name(w->fdt, node, &len);
			if (!nm) {
				r = walk_error(w, len);
				break;
			}
			if (!name_writable(nm, len)) {
				r = unwritable(w, node, NULL, "node", nm, len);
				break;
			}
			path.len = plen[depth - 1];
			if ((depth > 1 && vbuf_append(&path, "/", 1) < 0) ||
			    vbuf_append(&path, nm, (size_t)len) < 0) {
				r = nomem(w);
				break;
			}
			plen[depth] = path.len;
		}
		r = index_node(w, node, &path, &cap);
		if (r < 0)
			break;
		node = next_node(w, node, &depth, &r);
	}
	vbuf_free(&path);
	if (r >= 0 && w->nph > 1)
		qsort(w->ph, (size_t)w->nph, sizeof(*w->ph), cmp_ph);
	return r;
}

/*
 * Check the labels and resolve them to nodes; those whose path names no
 * node are left out.
 */
static int index_labels(struct writer *w, const struct dts_label *labels,
			int n)
{
	int i, j, node;

	if (n <= 0)
		return 0;
	w->lab = calloc((size_t)n, sizeof(*w->lab));
	if (!w->lab)
		return nomem(w);
	for (i = 0; i < n; i++) {
		if (!dts_label_valid(labels[i].label))
			return vdt_error(w->d, VDT_ERR_INPUT, w->name, NULL,
					 NULL, "\"%.64s\" is not a valid label",
					 labels[i].label ? labels[i].label : "");
		w->lab[i].label = labels[i].label;
		w->lab[i].index = i;
		w->lab[i].node = 0;
	}
	qsort(w->lab, (size_t)n, sizeof(*w->lab), cmp_lab_name);
	for (i = 1; i < n; i++)
		if (strcmp(w->lab[i - 1].label, w->lab[i].label) == 0)
			return vdt_error(w->d, VDT_ERR_INPUT, w->name, NULL,
					 NULL, "label \"%s\" is given twice",
					 w->lab[i].label);
	for (i = j = 0; i < n; i++) {
		const char *path = labels[w->lab[i].index].path;

		node = path && path[0] == '/' ? fdt_path_offset(w->fdt, path) :
						-FDT_ERR_NOTFOUND;
		if (node < 0)
			continue;
		w->lab[j] = w->lab[i];
		w->lab[j++].node = node;
	}
	w->nlab = j;
	if (j > 1)
		qsort(w->lab, (size_t)j, sizeof(*w->lab), cmp_lab_node);
	return 0;
}

/* The node whose phandle is @ph (the first in document order), or NULL. */
static const struct ph_node *find_phandle(const struct writer *w, uint32_t ph)
{
	int lo = 0, hi = w->nph;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (w->ph[mid].phandle < ph)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->nph && w->ph[lo].phandle == ph ? &w->ph[lo] : NULL;
}

/* The index of the first label of @node, or w->nlab. */
static int first_label(const struct writer *w, int node)
{
	int lo = 0, hi = w->nlab;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (w->lab[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- values ---- */

/* The C escape letter for control character @c, or 0. */
static char escape_letter(unsigned char c)
{
	static const char ctl[] = "\a\b\t\n\v\f\r";
	static const char letter[] = "abtnvfr";
	const char *p = c ? strchr(ctl, c) : NULL;

	return p ? letter[p - ctl] : 0;
}

/*
 * Whether @v is a list of non-empty strings of printable ASCII (and the
 * control characters with a letter escape), each NUL-terminated.
 */
static int is_strings(const unsigned char *v, int len)
{
	int i, start = 0;

	if (len <= 0 || v[len - 1] != '\0')
		return 0;
	for (i = 0; i < len; i++) {
		if (v[i] == '\0') {
			if (i == start)
				return 0;
			start = i + 1;
		} else if (!(v[i] >= 0x20 && v[i] < 0x7f) &&
			   !escape_letter(v[i])) {
			return 0;
		}
	}
	return 1;
}

static int put_strings(struct writer *w, const unsigned char *v, int len)
{
	char esc[5];
	int i, r = put(w, "\"");

	for (i = 0; i < len - 1 && r >= 0; i++) {
		if (v[i] == '\0') {
			r = put(w, "\", \"");
		} else if (v[i] == '"' || v[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)v[i];
			esc[2] = '\0';
			r = put(w, esc);
		} else if (v[i] >= 0x20 && v[i] < 0x7f) {
			r = vbuf_append(w->out, &v[i], 1) < 0 ? nomem(w) : 0;
		} else if (escape_letter(v[i])) {
			esc[0] = '\\';
			esc[1] = escape_letter(v[i]);
			esc[2] = '\0';
			r = put(w, esc);
		} else {
			r = vbuf_printf(w->out, "\\x%02x", v[i]) < 0 ?
				    nomem(w) : 0;
		}
	}
	return r < 0 ? r : put(w, "\"");
}

static int put_bytes(struct writer *w, const unsigned char *v, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (vbuf_printf(w->out, i ? " %02x" : "[%02x", v[i]) < 0)
			return nomem(w);
	return put(w, "]");
}

/* A reference to @t: "&label" or "&{/path}". */
static int put_ref(struct writer *w, const struct ph_node *t)
{
	int l = first_label(w, t->node);

	if (l < w->nlab && w->lab[l].node == t->node)
		return vbuf_printf(w->out, "&%s", w->lab[l].label) < 0 ?
			       nomem(w) : 0;
	return vbuf_printf(w->out, "&{%s}", w->paths.data + t->path) < 0 ?
		       nomem(w) : 0;
}

/* The row of @prop of @node in the phandle table, or NULL. */
static const struct ph_row *ph_lookup(const struct writer *w, int node,
				      const char *prop)
{
	size_t i, n = strlen(prop), k;

	for (i = 0; i < sizeof(ph_table) / sizeof(ph_table[0]); i++) {
		const struct ph_row *row = &ph_table[i];

		k = strlen(row->name);
		if (row->match == M_EXACT && strcmp(prop, row->name) != 0)
			continue;
		if (row->match == M_SUFFIX &&
		    (n <= k || strcmp(prop + n - k, row->name) != 0))
			continue;
		if (row->match == M_INDEXED &&
		    (n <= k || strncmp(prop, row->name, k) != 0 ||
		     strspn(prop + k, "0123456789") != n - k))
			continue;
		/* "snps,nr-gpios" counts GPIOs; a hog's "gpios" has no
		 * phandles (dtc's checks.c makes the same exceptions). */
		if (row->gpio && (strstr(prop, "nr-gpio") ||
				  fdt_getprop(w->fdt, node, "gpio-hog", NULL)))
			return NULL;
		return row;
	}
	return NULL;
}

/* The #*-cells of @t for @row, or -1 if it has no usable one. */
static int target_cells(const struct writer *w, const struct ph_node *t,
			const struct ph_row *row)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(w->fdt, t->node, row->cells, &len);
	if (!v)
		return row->optional ? 0 : -1;
	if (len != 4 || fdt32_ld(v) > INT32_MAX)
		return -1;
	return (int)fdt32_ld(v);
}

/*
 * Cells, with the phandle positions of @row (NULL: none) written as
 * references where they name a node.
 */
static int put_cells(struct writer *w, const fdt32_t *v, int n,
		     const struct ph_row *row)
{
	const struct ph_node *t;
	int i, next = row && row->layout == PH_MAP ? 1 : 0, cells, r;
	uint32_t x;

	r = put(w, "<");
	for (i = 0; i < n && r >= 0; i++) {
		x = fdt32_ld(&v[i]);
		t = NULL;
		if (row && i == next) {
			t = find_phandle(w, x);
			if (row->layout == PH_LIST) {
				next = i + 1;
			} else if (row->layout == PH_MAP) {
				if (n - i < 3)	/* an entry cut short */
					t = NULL;
				next = i + 4;
			} else if (!t) {
				row = NULL;	/* the rest as numbers */
			} else {
				cells = target_cells(w, t, row);
				if (cells < 0 || cells > n - i - 1)
					row = NULL;
				else
					next = i + 1 + cells;
			}
		}
		if (i && (r = put(w, " ")) < 0)
			break;
		if (t)
			r = put_ref(w, t);
		else if (vbuf_printf(w->out, "0x%" PRIx32, x) < 0)
			r = nomem(w);
	}
	return r < 0 ? r : put(w, ">");
}

static int put_value(struct writer *w, int node, const char *prop,
		     const void *v, int len)
{
	const struct ph_row *row = ph_lookup(w, node, prop);

	if (row && len % 4 == 0)
		return put_cells(w, v, len / 4, row);
	if (is_strings(v, len))
		return put_strings(w, v, len);
	if (len % 4 == 0)
		return put_cells(w, v, len / 4, NULL);
	return put_bytes(w, v, len);
}

/* ---- the tree ---- */

static int put_memreserve(struct writer *w)
{
	uint64_t addr, size;
	int i, n = fdt_num_mem_rsv(w->fdt), r;

	if (n < 0)
		return walk_error(w, n);
	for (i = 0; i < n; i++) {
		r = fdt_get_mem_rsv(w->fdt, i, &addr, &size);
		if (r < 0)
			return walk_error(w, r);
		if (vbuf_printf(w->out, "/memreserve/ 0x%" PRIx64 " 0x%" PRIx64 ";\n",
				addr, size) < 0)
			return nomem(w);
	}
	return n ? put(w, "\n") : 0;
}

/* "NAME {" with @node's labels, then its properties. */
static int put_node_head(struct writer *w, int node, int depth)
{
	const char *nm, *prop;
	const void *v;
	int l, len, plen, off, r;

	nm = depth ? fdt_get_name(w->fdt, node, &len) : "/";
	if (!nm)
		return walk_error(w, len);
	r = depth ? put(w, "\n") : 0;
	if (r >= 0)
		r = put_indent(w, depth);
	/* The root's labels follow the tree: "l: / {" does not parse. */
	for (l = first_label(w, node); depth && r >= 0 && l < w->nlab &&
	     w->lab[l].node == node; l++)
		if (vbuf_printf(w->out, "%s: ", w->lab[l].label) < 0)
			r = nomem(w);
	if (r >= 0 && (vbuf_printf(w->out, "%s {\n", nm) < 0))
		r = nomem(w);
	fdt_for_each_property_offset(off, w->fdt, node) {
		if (r < 0)
			return r;
		v = fdt_getprop_by_offset(w->fdt, off, &prop, &plen);
		if (!v)
			return walk_error(w, plen);
		if (!name_writable(prop, (int)strlen(prop)))
			return unwritable(w, node, prop, "property", prop,
					  (int)strlen(prop));
		r = put_indent(w, depth + 1);
		if (r >= 0)
			r = put(w, prop);
		if (r >= 0 && plen > 0) {
			r = put(w, " = ");
			if (r >= 0)
				r = put_value(w, node, prop, v, plen);
		}
		if (r >= 0)
			r = put(w, ";\n");
	}
	if (r >= 0 && off != -FDT_ERR_NOTFOUND)
		r = walk_error(w, off);
	return r;
}

static int put_tree(struct writer *w)
{
	int node = 0, depth = 0, next, ndepth, r = 0, l;

	while (node >= 0 && r >= 0) {
		r = put_node_head(w, node, depth);
		if (r < 0)
			break;
		ndepth = depth;
		next = next_node(w, node, &ndepth, &r);
		if (r < 0)
			return r;
		/* Close this node and the ancestors the walk leaves. */
		for (l = depth; r >= 0 && l >= (next >= 0 ? ndepth : 0); l--) {
			r = put_indent(w, l);
			if (r >= 0)
				r = put(w, "};\n");
		}
		node = next;
		depth = ndepth;
	}
	for (l = first_label(w, 0); r >= 0 && l < w->nlab &&
	     w->lab[l].node == 0; l++)
		if (vbuf_printf(w->out, "\n%s: &{/} {\n};\n",
				w->lab[l].label) < 0)
			r = nomem(w);
	return r;
}

int dts_write(const void *fdt, size_t size, const struct dts_label *labels,
	      int nlabels, const char *name, struct vbuf *out,
	      struct vdt_diag *d)
{
	struct writer w = { .fdt = fdt, .name = name, .out = out, .d = d };
	int r;

	r = blob_check(fdt, size, name, d);
	if (r < 0)
		return r;
	vbuf_init(&w.paths);
	r = index_tree(&w);
	if (r >= 0)
		r = index_labels(&w, labels, nlabels);
	if (r >= 0)
		r = put(&w, "/dts-v1/;\n\n");
	if (r >= 0)
		r = put_memreserve(&w);
	if (r >= 0)
		r = put_tree(&w);
	free(w.ph);
	free(w.lab);
	vbuf_free(&w.paths);
	return r < 0 ? r : 0;
}

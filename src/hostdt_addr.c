/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "hostdt_addr.h"

uint64_t hostdt_read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* @node's path for a message about it, into @buf of VDT_DIAG_NODE_LEN
 * bytes: built only when a message is made. */
#define MSG_PATH(h, node, buf) hostdt_msg_path(h, node, buf, VDT_DIAG_NODE_LEN)

/* Cell counts a bus gives its children, checked to be 1 or 2 (address);
 * a message is about node @about. */
static int bus_cells(const struct hostdt *h, int bus, int about,
		     int *ac, int *sc, struct vdt_diag *d)
{
	char path[VDT_DIAG_NODE_LEN];

	*ac = blob_address_cells(h->fdt, bus);
	*sc = blob_size_cells(h->fdt, bus);
	if (*ac < 0 || *sc < 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file, MSG_PATH(h, about, path),
				 *ac < 0 ? "#address-cells" : "#size-cells",
				 "malformed: %s", fdt_strerror(*ac < 0 ? *ac : *sc));
	if (*ac < 1 || *ac > 2 || *sc > 2)
		return vdt_error(d, VDT_ERR_UNSUPPORTED, h->file,
				 MSG_PATH(h, about, path),
				 *ac < 1 || *ac > 2 ? "#address-cells" :
						      "#size-cells",
				 "addresses of %d cells with sizes of %d cells are not supported",
				 *ac, *sc);
	return 0;
}

/* Translate @addr, a child address of @bus, into @bus's parent's space. */
static int translate_up(const struct hostdt *h, int bus, uint64_t *addr,
			struct vdt_diag *d)
{
	char bpath[VDT_DIAG_NODE_LEN];
	int cac, csc, pac, psc, len, entry, i, parent, r;
	const fdt32_t *p;
	uint64_t cb, pb, size;

	p = blob_getprop(h->fdt, bus, "ranges", &len);
	if (!p)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, bus, bpath), "ranges",
				 "missing: addresses below this bus cannot be translated to CPU addresses");
	if (len == 0)
		return 0;
	r = bus_cells(h, bus, bus, &cac, &csc, d);
	if (r < 0)
		return r;
	parent = hostdt_parent(h, bus);
	r = bus_cells(h, parent, bus, &pac, &psc, d);
	if (r < 0)
		return r;
	entry = cac + pac + csc;
	if (len % (entry * 4) != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, bus, bpath), "ranges",
				 "length %d is not a multiple of %d cells", len,
				 entry);
	for (i = 0; i < len / 4; i += entry) {
		cb = hostdt_read_cells(p + i, cac);
		pb = hostdt_read_cells(p + i + cac, pac);
		size = hostdt_read_cells(p + i + cac + pac, csc);
		if (*addr >= cb && *addr - cb < size) {
			*addr = pb + (*addr - cb);
			return 0;
		}
	}
	return vdt_error(d, VDT_ERR_BADDT, h->file, MSG_PATH(h, bus, bpath),
			 "ranges", "no entry covers address 0x%llx",
			 (unsigned long long)*addr);
}

/* Translate @addr, an address on @bus, up to a CPU physical address. */
static int to_cpu(const struct hostdt *h, int bus, uint64_t *addr,
		  struct vdt_diag *d)
{
	int r;

	for (; hostdt_parent(h, bus) >= 0; bus = hostdt_parent(h, bus)) {
		r = translate_up(h, bus, addr, d);
		if (r < 0)
			return r;
	}
	return 0;
}

int hostdt_reg(const struct hostdt *h, int node, struct hostdt_region **regs,
	       struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	int parent, ac, sc, len, n, i, r;
	struct hostdt_region *out;
	const fdt32_t *p;

	*regs = NULL;
	parent = hostdt_parent(h, node);
	if (parent < 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), "reg",
				 "the root node has no address");
	p = blob_getprop(h->fdt, node, "reg", &len);
	if (!p)
		return 0;
	r = bus_cells(h, parent, node, &ac, &sc, d);
	if (r < 0)
		return r;
	if (len == 0 || len % ((ac + sc) * 4) != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), "reg",
				 "length %d is not a positive multiple of %d cells",
				 len, ac + sc);
	n = len / ((ac + sc) * 4);
	out = calloc((size_t)n, sizeof(*out));
	if (!out)
		return vdt_error(d, VDT_ERR_NOMEM, NULL, NULL, NULL,
				 "out of memory");
	for (i = 0; i < n; i++, p += ac + sc) {
		out[i].addr = hostdt_read_cells(p, ac);
		out[i].size = hostdt_read_cells(p + ac, sc);
		r = to_cpu(h, parent, &out[i].addr, d);
		if (r < 0) {
			free(out);
			return r;
		}
	}
	*regs = out;
	return n;
}

int hostdt_reg_base(const struct hostdt *h, int node, uint64_t *base,
		    struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	struct hostdt_region *regs;
	int n;

	n = hostdt_reg(h, node, &regs, d);
	if (n < 0)
		return n;
	if (n == 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file,
				 MSG_PATH(h, node, npath), "reg", "missing");
	*base = regs[0].addr;
	free(regs);
	return 0;
}

int hostdt_iommu_base(const struct hostdt *h, int iommu, uint64_t *base,
		      struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	int parent, cac, csc, pac, psc, len, r, child;
	const fdt32_t *p;
	uint64_t addr;

	if (blob_getprop(h->fdt, iommu, "reg", NULL))
		return hostdt_reg_base(h, iommu, base, d);
	parent = hostdt_parent(h, iommu);
	p = blob_getprop(h->fdt, iommu, "ranges", &len);
	if (p && len > 0 && parent >= 0) {
		/* The parent-bus address of the first range. */
		r = bus_cells(h, iommu, iommu, &cac, &csc, d);
		if (r >= 0)
			r = bus_cells(h, parent, iommu, &pac, &psc, d);
		if (r < 0)
			return r;
		if (len < (cac + pac + csc) * 4)
			return vdt_error(d, VDT_ERR_BADDT, h->file,
					 MSG_PATH(h, iommu, npath), "ranges",
					 "length %d is shorter than one entry of %d cells",
					 len, cac + pac + csc);
		addr = hostdt_read_cells(p + cac, pac);
		r = to_cpu(h, parent, &addr, d);
		if (r < 0)
			return r;
		*base = addr;
		return 0;
	}
	fdt_for_each_subnode(child, h->fdt, iommu)
		if (blob_getprop(h->fdt, child, "reg", NULL))
			return hostdt_reg_base(h, child, base, d);
	return vdt_error(d, VDT_ERR_BADDT, h->file, MSG_PATH(h, iommu, npath),
			 "reg", "missing, and the IOMMU has no ranges and no child with a reg to take its address from");
}

int hostdt_page_span(const struct hostdt_region *r, uint64_t *first,
		     uint64_t *count)
{
	uint64_t last;

	if (r->size > 0 && r->addr + (r->size - 1) < r->addr)
		return -VDT_ERR_BADDT;
	last = r->size > 0 ? r->addr + (r->size - 1) : r->addr;
	*first = r->addr >> HOSTDT_PAGE_SHIFT;
	*count = (last >> HOSTDT_PAGE_SHIFT) - *first + 1;
	return 0;
}

/* One node's pages: [first, end). */
struct hostdt_page_run {
	uint64_t first;
	uint64_t end;
	int node;
};

static int run_cmp(const void *a, const void *b)
{
	const struct hostdt_page_run *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->node > y->node) - (x->node < y->node);
}

/* Append @node's page runs to @p (capacity *@cap); 0 or -VDT_ERR_NOMEM. */
static int add_node_pages(const struct hostdt *h, struct hostdt_pages *p,
			  size_t *cap, int node)
{
	struct hostdt_region *regs;
	struct hostdt_page_run *grown;
	struct vdt_diag quiet;
	uint64_t first, count;
	int n, i, rc = 0;

	vdt_diag_init(&quiet);
	n = hostdt_reg(h, node, &regs, &quiet);
	vdt_diag_free(&quiet);
	if (n <= 0 || !regs) {
		free(regs);
		return n == -VDT_ERR_NOMEM ? n : 0;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (hostdt_page_span(&regs[i], &first, &count) < 0)
			continue;
		if (p->n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			grown = realloc(p->runs, *cap * sizeof(*grown));
			if (!grown) {
				rc = -VDT_ERR_NOMEM;
				break;
			}
			p->runs = grown;
		}
		p->runs[p->n].first = first;
		p->runs[p->n].end = first + count;
		p->runs[p->n].node = node;
		p->n++;
	}
	free(regs);
	return rc;
}

int hostdt_pages_build(const struct hostdt *h, struct hostdt_pages *p)
{
	size_t cap = 0, i;
	int node, rc;

	memset(p, 0, sizeof(*p));
	for (node = blob_next_node(h->fdt, 0, NULL); node >= 0;
	     node = blob_next_node(h->fdt, node, NULL)) {
		rc = add_node_pages(h, p, &cap, node);
		if (rc < 0) {
			hostdt_pages_free(p);
			return rc;
		}
	}
	if (p->n == 0)
		return 0;
	qsort(p->runs, p->n, sizeof(*p->runs), run_cmp);
	p->max_end = malloc(p->n * sizeof(*p->max_end));
	if (!p->max_end) {
		hostdt_pages_free(p);
		return -VDT_ERR_NOMEM;
	}
	for (i = 0; i < p->n; i++)
		p->max_end[i] = i > 0 && p->max_end[i - 1] > p->runs[i].end ?
				p->max_end[i - 1] : p->runs[i].end;
	return 0;
}

void hostdt_pages_free(struct hostdt_pages *p)
{
	free(p->runs);
	free(p->max_end);
	memset(p, 0, sizeof(*p));
}

size_t hostdt_pages_users(const struct hostdt_pages *p, uint64_t first,
			  uint64_t count, int *out, size_t max)
{
	uint64_t end = first + count;
	size_t lo = 0, hi = p->n, i, n = 0;

	/* The runs that start before @end: [0, lo). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->runs[mid].first < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk back while some earlier run may still reach @first. */
	for (i = lo; i > 0 && p->max_end[i - 1] > first; i--)
		;
	for (; i < lo; i++) {
		if (p->runs[i].end <= first)
			continue;
		if (n < max)
			out[n] = p->runs[i].node;
		n++;
	}
	return n;
}

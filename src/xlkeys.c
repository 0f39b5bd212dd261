/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dtdev, iomem and irqs of an xl configuration (viommu-dtgen(1), XL
 * CONFIGURATION, rules L1-L4), from the host tree and the partial's
 * /passthrough nodes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "hostdt_addr.h"
#include "hostdt_irq.h"
#include "xen_abi.h"
#include "xlcfg.h"
#include "xlkeys.h"

/* One passthrough device: its partial node, host node and xen,reg cells. */
struct dev {
	int node, host;
	int ac, sc;
};

struct ctx {
	const struct hostdt *h;
	const void *pfdt;
	const char *pname;
	struct xlkeys *k;
	struct vdt_diag *d;
	struct dev *devs;
	int ndevs;
	int *warned;		/* (device host node, other node) pairs */
	int nwarned;
};

static int nomem(struct ctx *c)
{
	return vdt_error(c->d, VDT_ERR_NOMEM, c->pname, NULL, NULL,
			 "out of memory");
}


static const char *ppath(const struct ctx *c, int node, char *buf, size_t len)
{
	if (fdt_get_path(c->pfdt, node, buf, (int)len) < 0)
		snprintf(buf, len, "(node at offset %d)", node);
	return buf;
}

/* A partial node's #address-cells or #size-cells as Xen's dom0less builder
 * reads them for its children: @def when it has none. */
static int pcells(const struct ctx *c, int node, const char *name, int def,
		  int *out)
{
	char path[VDT_DIAG_NODE_LEN];
	const fdt32_t *p;
	int len;

	*out = def;
	if (node < 0)
		return 0;
	p = fdt_getprop(c->pfdt, node, name, &len);
	if (!p)
		return 0;
	if (len != 4)
		return vdt_error(c->d, VDT_ERR_BADDT, c->pname,
				 ppath(c, node, path, sizeof(path)), name,
				 "is %d bytes long, not 4", len);
	*out = (int)fdt32_to_cpu(*p);
	if (*out > 2 || (*out < 1 && name[1] == 'a'))
		return vdt_error(c->d, VDT_ERR_UNSUPPORTED, c->pname,
				 ppath(c, node, path, sizeof(path)), name,
				 "%d cells: xen,reg below takes addresses of 1 or 2 cells and sizes of at most 2",
				 *out);
	return 0;
}

/* Collect the devices at and below @node, whose parent is @parent. */
static int collect(struct ctx *c, int node, int parent, int depth)
{
	char path[VDT_DIAG_NODE_LEN];
	const char *xp;
	struct dev *v;
	int len, child, rc, ac = XEN_PFDT_ADDR_CELLS, sc = XEN_PFDT_SIZE_CELLS;

	if (depth > VDT_MAX_DEPTH)
		return vdt_error(c->d, VDT_ERR_BADDT, c->pname,
				 ppath(c, node, path, sizeof(path)), NULL,
				 "nested too deep");
	rc = pcells(c, parent, "#address-cells", XEN_PFDT_ADDR_CELLS, &ac);
	if (rc == 0)
		rc = pcells(c, parent, "#size-cells", XEN_PFDT_SIZE_CELLS, &sc);
	if (rc != 0)
		return rc;
	xp = fdt_getprop(c->pfdt, node, "xen,path", &len);
	if (xp) {
		if (len < 2 || xp[0] != '/' || memchr(xp, '\0', (size_t)len) !=
						       xp + len - 1)
			return vdt_error(c->d, VDT_ERR_BADDT, c->pname,
					 ppath(c, node, path, sizeof(path)),
					 "xen,path", "not one absolute path");
		v = realloc(c->devs, ((size_t)c->ndevs + 1) * sizeof(*v));
		if (!v)
			return nomem(c);
		c->devs = v;
		v = &c->devs[c->ndevs++];
		v->node = node;
		v->ac = ac;
		v->sc = sc;
		v->host = hostdt_node_by_path(c->h, xp);
		if (v->host < 0)
			return vdt_error(c->d, VDT_ERR_INPUT, c->pname,
					 ppath(c, node, path, sizeof(path)),
					 "xen,path", "'%s' names no host node",
					 xp);
	}
	fdt_for_each_subnode(child, c->pfdt, node) {
		rc = collect(c, child, node, depth + 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Whether host node @n is a passthrough device or lies below one. */
static int passed(const struct ctx *c, int n)
{
	int i;

	for (; n >= 0; n = hostdt_parent(c->h, n))
		for (i = 0; i < c->ndevs; i++)
			if (c->devs[i].host == n)
				return 1;
	return 0;
}

/* L3: a warning for every other host device on pages [first, +count). */
static int shared_pages(struct ctx *c, const struct hostdt_pages *pages,
			const struct dev *v, uint64_t first, uint64_t count)
{
	char hpath[VDT_DIAG_NODE_LEN], opath[VDT_DIAG_NODE_LEN];
	size_t n, i;
	int *users, *w, j, seen;

	n = hostdt_pages_users(pages, first, count, NULL, 0);
	if (n == 0)
		return 0;
	users = malloc(n * sizeof(*users));
	if (!users)
		return nomem(c);
	hostdt_pages_users(pages, first, count, users, n);
	for (i = 0; i < n; i++) {
		if (passed(c, users[i]))
			continue;
		for (j = 0, seen = 0; j < c->nwarned && !seen; j += 2)
			seen = c->warned[j] == v->host &&
			       c->warned[j + 1] == users[i];
		if (seen)
			continue;
		w = realloc(c->warned, ((size_t)c->nwarned + 2) * sizeof(*w));
		if (!w) {
			free(users);
			return nomem(c);
		}
		c->warned = w;
		c->warned[c->nwarned++] = v->host;
		c->warned[c->nwarned++] = users[i];
		hostdt_msg_path(c->h, users[i], opath, sizeof(opath));
		hostdt_msg_path(c->h, v->host, hpath, sizeof(hpath));
		if (count == 1)
			vdt_warn(c->d, c->h->file, hpath, "reg",
				 "its page 0x%" PRIx64 " also holds registers of %s, which is not passed through: the guest can reach them",
				 first, opath);
		else
			vdt_warn(c->d, c->h->file, hpath, "reg",
				 "its pages 0x%" PRIx64 "-0x%" PRIx64 " also hold registers of %s, which is not passed through: the guest can reach them",
				 first, first + count - 1, opath);
	}
	free(users);
	return 0;
}

/*
 * L2: the guest page of host pages [first, +count): from the xen,reg
 * entry that covers them, else the same page.
 */
static int guest_page(struct ctx *c, const struct dev *v, int index,
		      uint64_t first, uint64_t count, uint64_t *gfn)
{
	char path[VDT_DIAG_NODE_LEN];
	const fdt32_t *p;
	uint64_t m, s, g, lo = first << HOSTDT_PAGE_SHIFT,
			  hi = (first + count) << HOSTDT_PAGE_SHIFT;
	int len, entry, i;

	*gfn = first;
	p = fdt_getprop(c->pfdt, v->node, "xen,reg", &len);
	if (!p)
		return 0;
	entry = 2 * v->ac + v->sc;
	if (len % (entry * 4) != 0)
		return vdt_error(c->d, VDT_ERR_BADDT, c->pname,
				 ppath(c, v->node, path, sizeof(path)), "xen,reg",
				 "length %d is not a multiple of %d cells (address, size, guest address)",
				 len, entry);
	for (i = 0; i < len / 4; i += entry) {
		m = hostdt_read_cells(p + i, v->ac);
		s = hostdt_read_cells(p + i + v->ac, v->sc);
		g = hostdt_read_cells(p + i + v->ac + v->sc, v->ac);
		if (hi <= m || lo >= m + s)
			continue;
		if (lo < m || hi > m + s)
			return vdt_error(c->d, VDT_ERR_INPUT, c->pname,
					 ppath(c, v->node, path, sizeof(path)),
					 "xen,reg",
					 "covers only part of the pages 0x%" PRIx64 "-0x%" PRIx64 " of host reg entry %d",
					 first, first + count - 1, index);
		if ((g - m) & (HOSTDT_PAGE_SIZE - 1))
			return vdt_error(c->d, VDT_ERR_INPUT, c->pname,
					 ppath(c, v->node, path, sizeof(path)),
					 "xen,reg",
					 "guest address 0x%" PRIx64 " and host address 0x%" PRIx64 " differ by no whole number of pages",
					 g, m);
		*gfn = (g + (lo - m)) >> HOSTDT_PAGE_SHIFT;
		return 0;
	}
	return 0;
}

static int iomem_cmp(const void *a, const void *b)
{
	const struct xlkeys_iomem *x = a, *y = b;

	if (x->mfn != y->mfn)
		return x->mfn < y->mfn ? -1 : 1;
	if (x->gfn != y->gfn)
		return x->gfn < y->gfn ? -1 : 1;
	return (x->nr > y->nr) - (x->nr < y->nr);
}

static int gfn_cmp(const void *a, const void *b)
{
	const struct xlkeys_iomem *x = a, *y = b;

	return (x->gfn > y->gfn) - (x->gfn < y->gfn);
}

static int u32_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* Sort and merge the iomem ranges; no guest page may get two host pages. */
static int merge_iomem(struct ctx *c)
{
	struct xlkeys_iomem *v = c->k->iomem, *g;
	int i, n = 0;

	if (c->k->niomem == 0)
		return 0;
	qsort(v, (size_t)c->k->niomem, sizeof(*v), iomem_cmp);
	for (i = 1; i < c->k->niomem; i++) {
		if (v[i].gfn - v[i].mfn == v[n].gfn - v[n].mfn &&
		    v[i].mfn <= v[n].mfn + v[n].nr) {
			if (v[i].mfn + v[i].nr > v[n].mfn + v[n].nr)
				v[n].nr = v[i].mfn + v[i].nr - v[n].mfn;
			continue;
		}
		v[++n] = v[i];
	}
	c->k->niomem = n + 1;
	g = malloc((size_t)c->k->niomem * sizeof(*g));
	if (!g)
		return nomem(c);
	memcpy(g, v, (size_t)c->k->niomem * sizeof(*g));
	qsort(g, (size_t)c->k->niomem, sizeof(*g), gfn_cmp);
	for (i = 1; i < c->k->niomem; i++)
		if (g[i].gfn < g[i - 1].gfn + g[i - 1].nr) {
			vdt_error(c->d, VDT_ERR_INPUT, c->pname, NULL, "xen,reg",
				  "guest page 0x%" PRIx64 " is given host pages 0x%" PRIx64 " and 0x%" PRIx64,
				  g[i].gfn, g[i - 1].mfn + (g[i].gfn - g[i - 1].gfn),
				  g[i].mfn);
			free(g);
			return c->d->code;
		}
	free(g);
	return 0;
}

/* L2, L3: the device's iomem entries. */
static int device_iomem(struct ctx *c, const struct hostdt_pages *pages,
			const struct dev *v)
{
	char hpath[VDT_DIAG_NODE_LEN];
	struct hostdt_region *regs;
	struct xlkeys_iomem *e;
	uint64_t first, count, gfn;
	int n, i, rc = 0;

	n = hostdt_reg(c->h, v->host, &regs, c->d);
	if (n < 0)
		return n;
	for (i = 0; i < n && rc == 0; i++) {
		if (hostdt_page_span(&regs[i], &first, &count) < 0) {
			rc = vdt_error(c->d, VDT_ERR_BADDT, c->h->file,
				       hostdt_msg_path(c->h, v->host, hpath,
						       sizeof(hpath)),
				       "reg", "entry %d runs past the end of the address space",
				       i);
			break;
		}
		rc = guest_page(c, v, i, first, count, &gfn);
		if (rc == 0)
			rc = shared_pages(c, pages, v, first, count);
		if (rc < 0)
			break;
		e = realloc(c->k->iomem, ((size_t)c->k->niomem + 1) * sizeof(*e));
		if (!e) {
			rc = nomem(c);
			break;
		}
		c->k->iomem = e;
		e = &c->k->iomem[c->k->niomem++];
		e->mfn = first;
		e->nr = count;
		e->gfn = gfn;
	}
	free(regs);
	return rc;
}

/*
 * L4: a GIC SPI the partial node gives the guest ("interrupts" of three
 * cells, as against libxl's GIC) that is none of @ids, its host node's, is
 * a warning: xl routes the host's only.
 */
static int partial_spis(struct ctx *c, const struct dev *v, const int *ids,
			int n)
{
	char path[VDT_DIAG_NODE_LEN];
	const fdt32_t *p;
	uint32_t id;
	int len, i, j;

	p = fdt_getprop(c->pfdt, v->node, "interrupts", &len);
	if (!p || len <= 0 || len % 12 != 0)
		return 0;
	for (i = 0; i < len / 4; i += 3) {
		if (fdt32_to_cpu(p[i]) != GIC_IRQ_TYPE_SPI ||
		    fdt32_to_cpu(p[i + 1]) > 1019u - GIC_SPI_BASE)
			continue;
		id = fdt32_to_cpu(p[i + 1]) + GIC_SPI_BASE;
		for (j = 0; j < n && (uint32_t)ids[j] != id; j++)
			;
		if (j == n)
			vdt_warn(c->d, c->pname,
				 ppath(c, v->node, path, sizeof(path)),
				 "interrupts",
				 "SPI %u (interrupt %u) is not an interrupt of host node %s: not in irqs, the guest waits for it in vain",
				 id - GIC_SPI_BASE, id,
				 (const char *)fdt_getprop(c->pfdt, v->node,
							   "xen,path", NULL));
	}
	return 0;
}

/* L4: the device's interrupts that are GIC SPIs. */
static int device_irqs(struct ctx *c, const struct dev *v)
{
	char hpath[VDT_DIAG_NODE_LEN], cpath[VDT_DIAG_NODE_LEN];
	struct hostdt_irq *irqs;
	const char *prop;
	uint32_t *grown;
	int n, i, id, rc = 0, *ids;

	n = hostdt_irqs(c->h, v->host, &irqs, &prop, c->d);
	if (n < 0)
		return n;
	ids = calloc((size_t)n + 1, sizeof(*ids));
	if (!ids) {
		free(irqs);
		return nomem(c);
	}
	for (i = 0; i < n; i++) {
		id = hostdt_irq_spi(&irqs[i]);
		ids[i] = id;
		if (id < 0) {
			vdt_warn(c->d, c->h->file,
				 hostdt_msg_path(c->h, v->host, hpath,
						 sizeof(hpath)),
				 prop,
				 "interrupt %d (of %s) is not a SPI of the GIC: not in irqs, Xen cannot route it to the guest",
				 i, hostdt_msg_path(c->h, irqs[i].ctrl, cpath,
						    sizeof(cpath)));
			continue;
		}
		grown = realloc(c->k->irqs,
				((size_t)c->k->nirqs + 1) * sizeof(*grown));
		if (!grown) {
			rc = nomem(c);
			break;
		}
		c->k->irqs = grown;
		c->k->irqs[c->k->nirqs++] = (uint32_t)id;
	}
	if (rc == 0)
		rc = partial_spis(c, v, ids, n);
	free(ids);
	free(irqs);
	return rc;
}

/* L1: a device Xen can assign (an IOMMU protects it) goes in dtdev. */
static int device_dtdev(struct ctx *c, const struct dev *v)
{
	char hpath[VDT_DIAG_NODE_LEN];
	const char *xp = fdt_getprop(c->pfdt, v->node, "xen,path", NULL);
	char *copy, **grown;
	int i;

	/* A warning that cannot be stored is counted as lost, not an error. */
	if (!fdt_getprop(c->h->fdt, v->host, "iommus", NULL) &&
	    !fdt_getprop(c->h->fdt, v->host, "iommu-map", NULL)) {
		vdt_warn(c->d, c->h->file,
			 hostdt_msg_path(c->h, v->host, hpath, sizeof(hpath)),
			 NULL,
			 "not behind an IOMMU: not in dtdev (Xen assigns only devices an IOMMU protects); the guest gets its iomem and irqs, and its DMA is not isolated");
		return 0;
	}
	for (i = 0; i < c->k->ndtdev; i++)
		if (strcmp(c->k->dtdev[i], xp) == 0)
			return 0;
	copy = strdup(xp);
	grown = copy ? realloc(c->k->dtdev,
			       ((size_t)c->k->ndtdev + 1) * sizeof(*grown)) :
		       NULL;
	if (!grown) {
		free(copy);
		return nomem(c);
	}
	c->k->dtdev = grown;
	c->k->dtdev[c->k->ndtdev++] = copy;
	return 0;
}

int xlkeys_compute(const struct hostdt *h, const void *partial, size_t psize,
		   const char *pname, struct xlkeys *k, struct vdt_diag *d)
{
	struct ctx c = { h, partial, pname, k, d, NULL, 0, NULL, 0 };
	struct hostdt_pages pages;
	int pt, i, n, rc;

	memset(k, 0, sizeof(*k));
	memset(&pages, 0, sizeof(pages));
	/* An untrusted blob: libfdt's own check can hang on some. */
	rc = blob_check(partial, psize, pname, d);
	if (rc < 0)
		return rc;
	pt = fdt_path_offset(partial, "/passthrough");
	if (pt >= 0)
		rc = collect(&c, pt, -1, 0);
	if (rc == 0 && c.ndevs > 0 && hostdt_pages_build(h, &pages) < 0)
		rc = nomem(&c);
	for (i = 0; i < c.ndevs && rc == 0; i++) {
		const struct dev v = c.devs[i];

		rc = device_dtdev(&c, &v);
		if (rc == 0)
			rc = device_iomem(&c, &pages, &v);
		if (rc == 0)
			rc = device_irqs(&c, &v);
	}
	k->ndevices = c.ndevs;
	if (rc == 0)
		rc = merge_iomem(&c);
	if (rc == 0 && k->nirqs > 0) {
		qsort(k->irqs, (size_t)k->nirqs, sizeof(*k->irqs), u32_cmp);
		for (i = 1, n = 1; i < k->nirqs; i++)
			if (k->irqs[i] != k->irqs[n - 1])
				k->irqs[n++] = k->irqs[i];
		k->nirqs = n;
	}
	hostdt_pages_free(&pages);
	free(c.devs);
	free(c.warned);
	return rc < 0 ? rc : 0;
}

void xlkeys_free(struct xlkeys *k)
{
	int i;

	for (i = 0; i < k->ndtdev; i++)
		free(k->dtdev[i]);
	free(k->dtdev);
	free(k->iomem);
	free(k->irqs);
	memset(k, 0, sizeof(*k));
}

int xlkeys_render(const struct xlkeys *k, struct vbuf *dtdev,
		  struct vbuf *iomem, struct vbuf *irqs, struct vdt_diag *d)
{
	int i, rc = vbuf_append(dtdev, "[", 1);

	for (i = 0; i < k->ndtdev && rc >= 0; i++) {
		rc = vbuf_append(dtdev, i ? ", " : " ", i ? 2 : 1);
		if (rc >= 0)
			rc = xlcfg_quote(dtdev, k->dtdev[i], NULL, d);
		if (rc == -VDT_ERR_INPUT)
			return rc;
	}
	if (rc >= 0)
		rc = vbuf_append(dtdev, k->ndtdev ? " ]" : "]", k->ndtdev ? 2 : 1);
	if (rc >= 0)
		rc = vbuf_append(iomem, "[", 1);
	for (i = 0; i < k->niomem && rc >= 0; i++)
		rc = vbuf_printf(iomem, "%s\"0x%" PRIx64 ",0x%" PRIx64 "@0x%" PRIx64 "\"",
				 i ? ", " : " ", k->iomem[i].mfn,
				 k->iomem[i].nr, k->iomem[i].gfn);
	if (rc >= 0)
		rc = vbuf_append(iomem, k->niomem ? " ]" : "]", k->niomem ? 2 : 1);
	if (rc >= 0)
		rc = vbuf_append(irqs, "[", 1);
	for (i = 0; i < k->nirqs && rc >= 0; i++)
		rc = vbuf_printf(irqs, "%s%" PRIu32, i ? ", " : " ", k->irqs[i]);
	if (rc >= 0)
		rc = vbuf_append(irqs, k->nirqs ? " ]" : "]", k->nirqs ? 2 : 1);
	if (rc < 0)
		return vdt_error(d, VDT_ERR_NOMEM, NULL, NULL, NULL,
				 "out of memory");
	return 0;
}

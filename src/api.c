/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public API (include/viommu-dtgen.h) over the library's modules:
 * opaque handles, options through setters, results and maps through
 * accessors.  The only file whose functions leave the library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtgen.h"
#include "export.h"
#include "map_read.h"
#include "map_write.h"
#include "vbuf.h"

struct vdt_opts {
	struct dtgen_opts o;
	char **allow;		/* owned copies of the allowed paths */
};

struct vdt_host {
	struct hostdt h;
	void *blob;		/* the caller's blob, copied */
};

/* A map: a run's (owned by its result) or a parsed one (owned here). */
struct vdt_map {
	const struct vmap *m;
	struct vmap own;
};

struct vdt_result {
	struct dtgen_result r;
	struct vdt_map map;
};

/* The map formats are the public ones, value for value. */
_Static_assert((int)VDT_MAP_XL_RANGES == (int)MAP_FORMAT_XL_RANGES &&
	       (int)VDT_MAP_BIN == (int)MAP_FORMAT_BIN &&
	       (int)VDT_MAP_C == (int)MAP_FORMAT_C &&
	       (int)VDT_MAP_JSON == (int)MAP_FORMAT_JSON &&
	       (int)VDT_MAP_XL == (int)MAP_FORMAT_XL &&
	       (int)VDT_MAP_YAML == (int)MAP_FORMAT_YAML,
	       "enum vdt_map_format");

VDT_EXPORT const char *vdt_version(void)
{
	return DTGEN_VERSION;
}

/* ---- diagnostics ---- */

VDT_EXPORT struct vdt_diag *vdt_diag_new(void)
{
	struct vdt_diag *d = malloc(sizeof(*d));

	if (d)
		vdt_diag_init(d);
	return d;
}

VDT_EXPORT void vdt_diag_delete(struct vdt_diag *d)
{
	if (!d)
		return;
	vdt_diag_free(d);
	free(d);
}

VDT_EXPORT void vdt_diag_clear(struct vdt_diag *d)
{
	vdt_diag_free(d);
	vdt_diag_init(d);
}

VDT_EXPORT int vdt_diag_code(const struct vdt_diag *d)
{
	return d->code;
}

VDT_EXPORT int vdt_diag_count(const struct vdt_diag *d)
{
	return (d->code < 0) + (d->code < 0 && d->hint[0]) +
	       (int)d->nwarnings;
}

VDT_EXPORT int vdt_diag_get(const struct vdt_diag *d, int i,
			    enum vdt_diag_kind *kind, char *buf, size_t len)
{
	enum vdt_diag_kind k;
	const struct vdt_note *n;
	int first = (d->code < 0) + (d->code < 0 && d->hint[0]);

	if (i < 0 || i >= vdt_diag_count(d))
		return -VDT_ERR_NOTFOUND;
	if (kind == NULL)
		kind = &k;
	if (d->code < 0 && i == 0) {
		*kind = VDT_DIAG_ERROR;
		return vdt_note_format(&d->error, buf, len);
	}
	if (i < first) {
		*kind = VDT_DIAG_HINT;
		return snprintf(buf, len, "%s", d->hint);
	}
	n = &d->warnings[i - first];
	*kind = n->info ? VDT_DIAG_NOTE : VDT_DIAG_WARNING;
	return vdt_note_format(n, buf, len);
}

/* ---- options ---- */

VDT_EXPORT struct vdt_opts *vdt_opts_new(void)
{
	struct vdt_opts *o = calloc(1, sizeof(*o));

	if (o)
		dtgen_opts_default(&o->o);
	return o;
}

static void free_allow(struct vdt_opts *o)
{
	int i;

	for (i = 0; o->allow && i < o->o.nallow; i++)
		free(o->allow[i]);
	free(o->allow);
	o->allow = NULL;
	o->o.allow = NULL;
	o->o.nallow = 0;
}

VDT_EXPORT void vdt_opts_delete(struct vdt_opts *o)
{
	if (!o)
		return;
	free_allow(o);
	free(o);
}

VDT_EXPORT int vdt_opts_set_policy(struct vdt_opts *o, enum vdt_policy p)
{
	if (p != VDT_POLICY_COMPACT && p != VDT_POLICY_IDENTITY)
		return -VDT_ERR_USAGE;
	o->o.policy = p;
	return 0;
}

VDT_EXPORT int vdt_opts_set_xen_abi(struct vdt_opts *o, enum vdt_xen_abi abi)
{
	if (abi != VDT_ABI_DEVID_MAP && abi != VDT_ABI_NONE &&
	    abi != VDT_ABI_VSMMUV3_V3)
		return -VDT_ERR_USAGE;
	o->o.abi = abi;
	return 0;
}

VDT_EXPORT int vdt_opts_set_builder(struct vdt_opts *o, enum vdt_builder b)
{
	if (b != VDT_BUILDER_NONE && b != VDT_BUILDER_LIBXL &&
	    b != VDT_BUILDER_DOM0LESS)
		return -VDT_ERR_USAGE;
	o->o.builder = b;
	return 0;
}

VDT_EXPORT int vdt_opts_set_vid_space(struct vdt_opts *o, uint32_t base,
				      unsigned int bits)
{
	o->o.vid_base = base;
	o->o.vid_bits = bits;
	return 0;
}

VDT_EXPORT int vdt_opts_set_viommu(struct vdt_opts *o, uint32_t phandle,
				   uint64_t base, uint64_t size, uint32_t spi)
{
	o->o.viommu.phandle = phandle;
	o->o.viommu.base = base;
	o->o.viommu.size = size;
	o->o.viommu.spi = spi;
	return 0;
}

VDT_EXPORT int vdt_opts_set_flags(struct vdt_opts *o, int no_viommu_node,
				  int vpci, int guest_view)
{
	o->o.no_viommu_node = !!no_viommu_node;
	o->o.vpci = !!vpci;
	o->o.guest_view = !!guest_view;
	return 0;
}

VDT_EXPORT int vdt_opts_set_allow(struct vdt_opts *o,
				  const char *const *paths, int n)
{
	size_t len;
	int i;

	free_allow(o);
	if (!paths)
		return 0;
	/* One slot at least: an empty list allows nothing, not everything. */
	o->allow = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof(*o->allow));
	if (!o->allow)
		return -VDT_ERR_NOMEM;
	o->o.allow = (const char *const *)o->allow;
	for (i = 0; i < n; i++) {
		len = strlen(paths[i]) + 1;
		o->allow[i] = malloc(len);
		if (!o->allow[i]) {
			free_allow(o);
			return -VDT_ERR_NOMEM;
		}
		memcpy(o->allow[i], paths[i], len);
		o->o.nallow++;
	}
	return 0;
}

VDT_EXPORT int vdt_opts_set_lock(struct vdt_opts *o,
				 const struct vdt_map *lock, const char *name)
{
	o->o.lock = lock ? lock->m : NULL;
	o->o.lock_name = name;
	return 0;
}

/* ---- the host ---- */

VDT_EXPORT int vdt_host_open(const void *blob, size_t size, const char *name,
			     struct vdt_host **host, struct vdt_diag *d)
{
	struct vdt_host *h = calloc(1, sizeof(*h));
	int rc;

	*host = NULL;
	if (h)
		h->blob = malloc(size ? size : 1);	/* malloc aligns it */
	if (!h || !h->blob) {
		free(h);
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	}
	memcpy(h->blob, blob, size);
	rc = hostdt_open(&h->h, h->blob, size, name, d);
	if (rc < 0) {
		free(h->blob);
		free(h);
		return rc;
	}
	*host = h;
	return 0;
}

VDT_EXPORT void vdt_host_close(struct vdt_host *h)
{
	if (!h)
		return;
	hostdt_close(&h->h);
	free(h->blob);
	free(h);
}

/* ---- a guest ---- */

VDT_EXPORT int vdt_run(const struct vdt_host *host, const struct vdt_opts *o,
		       const void *partial, size_t size, const char *name,
		       struct vdt_result **res, struct vdt_diag *d)
{
	struct dtgen_blob p = { partial, size, name };
	struct vdt_result *r = calloc(1, sizeof(*r));
	struct dtgen_opts defaults;
	int rc;

	*res = NULL;
	if (!r)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	if (!o)
		dtgen_opts_default(&defaults);
	rc = dtgen_run_host(o ? &o->o : &defaults, &host->h, &p, &r->r, d);
	if (rc < 0) {
		free(r);
		return rc;
	}
	r->map.m = &r->r.map;
	*res = r;
	return 0;
}

VDT_EXPORT void vdt_result_free(struct vdt_result *r)
{
	if (!r)
		return;
	dtgen_result_free(&r->r);
	free(r);
}

VDT_EXPORT const void *vdt_result_dtb(const struct vdt_result *r,
				      size_t *size)
{
	*size = r->r.size;
	return r->r.fdt;
}

VDT_EXPORT const void *vdt_result_guest_view(const struct vdt_result *r,
					     size_t *size)
{
	*size = r->r.guest_size;
	return r->r.guest;
}

VDT_EXPORT const struct vdt_map *vdt_result_map(const struct vdt_result *r)
{
	return &r->map;
}

/* ---- maps ---- */

VDT_EXPORT int vdt_map_count(const struct vdt_map *m)
{
	return m->m->nentries;
}

VDT_EXPORT int vdt_map_entry(const struct vdt_map *m, int i,
			     struct vdt_map_entry *e)
{
	const struct vmap_entry *x;

	if (i < 0 || i >= m->m->nentries)
		return -VDT_ERR_NOTFOUND;
	x = &m->m->entries[i];
	memset(e, 0, sizeof(*e));
	e->vid = x->vid;
	e->count = x->count;
	e->pid = x->pid;
	e->mask = x->mask;
	e->vpci = x->iommu == VMAP_VPCI;
	if (!e->vpci) {
		e->piommu_base = m->m->iommus[x->iommu].base;
		e->piommu_path = m->m->iommus[x->iommu].path;
	}
	return 0;
}

VDT_EXPORT int vdt_map_render(const struct vdt_map *m,
			      enum vdt_map_format fmt, const char *prefix,
			      const char *name, char **buf, size_t *len,
			      struct vdt_diag *d)
{
	struct vbuf b;
	int rc;

	*buf = NULL;
	*len = 0;
	vbuf_init(&b);
	rc = map_write(m->m, (enum map_format)fmt, prefix, name, &b, d);
	/* An empty rendering still gives a string. */
	if (rc >= 0 && !b.data && !(b.data = calloc(1, 1)))
		rc = vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
			       "out of memory");
	if (rc < 0) {
		vbuf_free(&b);
		return rc;
	}
	*buf = b.data;
	*len = b.len;
	return 0;
}

VDT_EXPORT int vdt_map_parse(const void *buf, size_t len, const char *name,
			     struct vdt_map **m, struct vdt_diag *d)
{
	struct vdt_map *x = calloc(1, sizeof(*x));
	int rc;

	*m = NULL;
	if (!x)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	rc = map_read(buf, len, name, &x->own, d);
	if (rc < 0) {
		free(x);
		return rc;
	}
	x->m = &x->own;
	*m = x;
	return 0;
}

VDT_EXPORT void vdt_map_free(struct vdt_map *m)
{
	if (!m)
		return;
	vmap_free(&m->own);
	free(m);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz harness: the whole library pipeline.  One input is split into an
 * options byte, a host blob and a partial blob (fuzz_common.h); they go
 * through dtgen_run(), and a successful result through every map writer
 * and back through map_read(), which must give the same entries.  With
 * FUZZ_OPT_LOCK a second run is locked to the first run's map.  Every
 * input also runs under one other Xen (--xen-abi, --builder, --vpci),
 * chosen by the options byte, with the guest's view.
 *
 * Oracles: the sanitizers; a run that fails must leave the result empty
 * and set an error; a run that succeeds must give a blob that passes
 * fdt_check_full() and a map whose entries are sorted by vID and unique.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtgen.h"
#include "fuzz_common.h"
#include "map_read.h"
#include "map_write.h"
#include "vbuf.h"

static void check_map(const struct vmap *m)
{
	int i;

	FUZZ_ASSERT(m->nentries >= 0 && m->ndevices >= 0 && m->niommus >= 0);
	for (i = 0; i < m->nentries; i++) {
		FUZZ_ASSERT((m->entries[i].iommu >= 0 &&
			     m->entries[i].iommu < m->niommus) ||
			    (m->xen_allocates &&
			     m->entries[i].iommu == VMAP_VPCI));
		if (i > 0)
			FUZZ_ASSERT(m->entries[i - 1].vid < m->entries[i].vid);
	}
}

/* What map_read() gives back for @buf must have @m's entries. */
static void round_trip(const struct vmap *m, const char *fmt,
		       const struct vbuf *buf)
{
	const char *skip = getenv("FUZZ_SKIP");
	struct vdt_diag d;
	struct vmap back;
	int rc, i;

	/* The forms map_read() reads. */
	if (strcmp(fmt, "yaml") != 0 && strcmp(fmt, "json") != 0 &&
	    strcmp(fmt, "bin") != 0)
		return;
	/* FUZZ_SKIP=json-roundtrip: past a known finding, for long runs only. */
	if (strcmp(fmt, "json") == 0 && skip && strstr(skip, "json-roundtrip"))
		return;
	memset(&back, 0, sizeof(back));
	vdt_diag_init(&d);
	rc = map_read(buf->data ? buf->data : "", buf->len, "fuzz", &back, &d);
	if (rc == -VDT_ERR_NOMEM) {
		vdt_diag_free(&d);
		vmap_free(&back);
		return;
	}
	if (rc < 0)
		fprintf(stderr, "fuzz_pipeline: map_read(%s): %s: %s\n", fmt,
			d.error.node, d.error.text);
	FUZZ_ASSERT(rc >= 0);
	FUZZ_ASSERT(back.nentries == m->nentries);
	for (i = 0; i < m->nentries; i++) {
		FUZZ_ASSERT(back.entries[i].vid == m->entries[i].vid);
		FUZZ_ASSERT(back.entries[i].pid == m->entries[i].pid);
		FUZZ_ASSERT(back.entries[i].mask == m->entries[i].mask);
		FUZZ_ASSERT(back.entries[i].count == m->entries[i].count);
	}
	vmap_free(&back);
	vdt_diag_free(&d);
}

static void write_maps(const struct vmap *m)
{
	struct vdt_diag d;
	struct vbuf out;
	int fmt;

	for (fmt = 0; map_format_name(fmt); fmt++) {
		vbuf_init(&out);
		vdt_diag_init(&d);
		if (map_write(m, (enum map_format)fmt, NULL, "fuzz", &out,
			      &d) >= 0) {
			round_trip(m, map_format_name(fmt), &out);
		} else {
			FUZZ_ASSERT(d.code < 0);
		}
		vbuf_free(&out);
		vdt_diag_free(&d);
	}
}

static void options(uint8_t b, struct dtgen_opts *o)
{
	static const unsigned int bits[4] = { 16, 1, 4, 32 };

	dtgen_opts_default(o);
	if (b & FUZZ_OPT_IDENTITY)
		o->policy = VDT_POLICY_IDENTITY;
	o->no_viommu_node = !!(b & FUZZ_OPT_NO_NODE);
	o->vid_bits = bits[(b >> FUZZ_OPT_BITS_SHIFT) & 3];
	if (b & FUZZ_OPT_BASE)
		o->vid_base = 2;
	if (b & FUZZ_OPT_PHANDLE)
		o->viommu.phandle = 0x10;
	if (b & FUZZ_OPT_REG) {
		o->viommu.base = 0x5000000;
		o->viommu.size = 0x20000;
	}
}

/* The other Xen an input also runs under, by the options byte. */
static void xen_mode(uint8_t b, struct dtgen_opts *o)
{
	static const struct {
		enum vdt_xen_abi abi;
		enum vdt_builder builder;
		int vpci;
	} modes[] = {
		{ VDT_ABI_NONE, VDT_BUILDER_NONE, 0 },
		{ VDT_ABI_VSMMUV3_V3, VDT_BUILDER_LIBXL, 0 },
		{ VDT_ABI_VSMMUV3_V3, VDT_BUILDER_LIBXL, 1 },
		{ VDT_ABI_VSMMUV3_V3, VDT_BUILDER_DOM0LESS, 0 },
		{ VDT_ABI_DEVID_MAP, VDT_BUILDER_DOM0LESS, 0 },
		{ VDT_ABI_DEVID_MAP, VDT_BUILDER_LIBXL, 0 },
		{ VDT_ABI_DEVID_MAP, VDT_BUILDER_NONE, 0 },
		{ VDT_ABI_NONE, VDT_BUILDER_DOM0LESS, 0 },
	};
	int i = b % (sizeof(modes) / sizeof(modes[0]));

	dtgen_opts_default(o);
	o->abi = modes[i].abi;
	o->builder = modes[i].builder;
	o->vpci = modes[i].vpci;
	o->guest_view = 1;
}

/* One dtgen_run(); its result is checked.  Returns dtgen_run()'s value. */
static int run_once(const struct dtgen_opts *o, const struct dtgen_blob *h,
		    const struct dtgen_blob *p, struct dtgen_result *res)
{
	struct vdt_diag d;
	int rc;

	memset(res, 0, sizeof(*res));
	vdt_diag_init(&d);
	rc = dtgen_run(o, h, p, res, &d);
	if (rc < 0) {
		FUZZ_ASSERT(d.code == rc);
		FUZZ_ASSERT(res->fdt == NULL && res->map.nentries == 0);
	} else {
		FUZZ_ASSERT(d.code == 0);
		FUZZ_ASSERT(res->fdt != NULL);
		FUZZ_ASSERT(fdt_check_full(res->fdt, res->size) == 0);
		FUZZ_ASSERT(!o->guest_view ||
			    fdt_check_full(res->guest, res->guest_size) == 0);
		check_map(&res->map);
	}
	vdt_diag_free(&d);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtgen_blob host = { NULL, 0, "host.dtb" };
	struct dtgen_blob part = { NULL, 0, "partial.dtb" };
	struct dtgen_result res, res2;
	struct dtgen_opts o;
	const uint8_t *h, *p;
	size_t hlen, plen;
	uint8_t ob;
	void *hbuf, *pbuf;

	if (fuzz_split(data, size, &ob, &h, &hlen, &p, &plen) < 0)
		return 0;
	/* Exact-size heap copies, as the tool hands them: ASan sees overreads. */
	hbuf = malloc(hlen ? hlen : 1);
	pbuf = malloc(plen ? plen : 1);
	if (!hbuf || !pbuf) {
		free(hbuf);
		free(pbuf);
		return 0;
	}
	memcpy(hbuf, h, hlen);
	memcpy(pbuf, p, plen);
	host.data = hbuf;
	host.size = hlen;
	part.data = pbuf;
	part.size = plen;

	options(ob, &o);
	if (run_once(&o, &host, &part, &res) >= 0) {
		write_maps(&res.map);
		if (ob & FUZZ_OPT_LOCK) {
			o.lock = &res.map;
			o.lock_name = "lock.yaml";
			o.policy = o.policy == VDT_POLICY_COMPACT ?
					   VDT_POLICY_IDENTITY :
					   VDT_POLICY_COMPACT;
			if (run_once(&o, &host, &part, &res2) >= 0)
				write_maps(&res2.map);
			dtgen_result_free(&res2);
		}
	}
	dtgen_result_free(&res);
	xen_mode(ob, &o);
	if (run_once(&o, &host, &part, &res) >= 0)
		write_maps(&res.map);
	dtgen_result_free(&res);
	free(hbuf);
	free(pbuf);
	return 0;
}

#ifdef FUZZ_MUTATOR
#include "fuzz_mutator.h"
#endif

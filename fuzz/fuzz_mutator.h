/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_FUZZ_MUTATOR_H
#define VIOMMU_DTGEN_FUZZ_MUTATOR_H

/*
 * A structure-aware mutator for the pipeline harness (libFuzzer builds
 * only).  Half of the mutations open one of the two blobs with libfdt and
 * edit it as a device tree: set iommus/phandle/#iommu-cells/iommu-map/...
 * to cells made of phandles that exist in either tree, point xen,path at a
 * host node (an IOMMU, a master, a bus), copy a property from a host node
 * into the partial tree, delete a property or a node, add a passthrough
 * node, or flip an option bit.  The other half are libFuzzer's byte-level
 * mutations, so malformed blobs stay covered.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fuzz_common.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#define MUT_SLACK 1024
#define MUT_MAX_PH 64

struct mut_rng {
	uint64_t s;
};

static uint32_t mut_next(struct mut_rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 11);
}

static uint32_t mut_below(struct mut_rng *r, uint32_t n)
{
	return n ? mut_next(r) % n : 0;
}

/* Node offsets of @fdt; returns how many (at most @max). */
static int mut_nodes(const void *fdt, int *offs, int max)
{
	int n = 0, off = 0, depth = 0;

	while (off >= 0 && n < max) {
		offs[n++] = off;
		off = fdt_next_node(fdt, off, &depth);
		if (depth < 0)
			break;
	}
	return n;
}

/* Phandles defined in @fdt, appended to @ph. */
static int mut_phandles(const void *fdt, uint32_t *ph, int n)
{
	int offs[512], k, i;
	uint32_t v;

	k = mut_nodes(fdt, offs, 512);
	for (i = 0; i < k && n < MUT_MAX_PH; i++) {
		v = fdt_get_phandle(fdt, offs[i]);
		if (v && v != (uint32_t)-1)
			ph[n++] = v;
	}
	return n;
}

static uint32_t mut_cell(struct mut_rng *r, const uint32_t *ph, int nph)
{
	static const uint32_t special[] = { 0, 1, 2, 3, 0x10, 0xfdea, 0xfde8,
					    0xffff, 0x10000, 0xffffffff,
					    0x80000000 };

	switch (mut_below(r, 4)) {
	case 0:
	case 1:
		if (nph)
			return ph[mut_below(r, (uint32_t)nph)];
		/* fall through */
	case 2:
		return special[mut_below(r, sizeof(special) /
						    sizeof(special[0]))];
	default:
		return mut_next(r) & (mut_below(r, 2) ? 0xff : 0xffffffff);
	}
}

static const char *const mut_props[] = {
	"iommus", "phandle", "#iommu-cells", "iommu-map", "iommu-map-mask",
	"status", "reg", "#address-cells", "#size-cells", "xen,path",
	"xen,reg", "compatible", "linux,phandle", "interrupt-parent",
};

/* One structural edit of @fdt (open, with slack); 0 if something changed. */
static int mut_edit(void *fdt, const void *host, struct mut_rng *r,
		    const uint32_t *ph, int nph)
{
	int offs[512], hoffs[512], n, hn, node, hnode, len, i, ncell;
	const char *name;
	const void *val;
	char path[512];
	uint32_t cells[8];

	n = mut_nodes(fdt, offs, 512);
	hn = mut_nodes(host, hoffs, 512);
	if (n <= 0)
		return -1;
	node = offs[mut_below(r, (uint32_t)n)];
	hnode = hn > 0 ? hoffs[mut_below(r, (uint32_t)hn)] : -1;
	switch (mut_below(r, 8)) {
	case 0:		/* a property of phandles and numbers */
	case 1:
		name = mut_props[mut_below(r, sizeof(mut_props) /
						      sizeof(mut_props[0]))];
		ncell = (int)mut_below(r, 8) + (mut_below(r, 4) ? 1 : 0);
		for (i = 0; i < ncell; i++)
			cells[i] = cpu_to_fdt32(mut_cell(r, ph, nph));
		return fdt_setprop(fdt, node, name, cells,
				   (int)(ncell * sizeof(cells[0])));
	case 2:		/* xen,path at a host node */
		if (hnode < 0 ||
		    fdt_get_path(host, hnode, path, sizeof(path)) < 0)
			return -1;
		return fdt_setprop_string(fdt, node, "xen,path", path);
	case 3:		/* a host node's property, copied */
		if (hnode < 0)
			return -1;
		i = fdt_first_property_offset(host, hnode);
		for (len = (int)mut_below(r, 4); i >= 0 && len > 0; len--)
			i = fdt_next_property_offset(host, i);
		if (i < 0)
			return -1;
		val = fdt_getprop_by_offset(host, i, &name, &len);
		if (!val)
			return -1;
		memcpy(path, name, strnlen(name, sizeof(path) - 1));
		path[strnlen(name, sizeof(path) - 1)] = '\0';
		if (len > 4096)
			return -1;
		{
			char buf[4096];

			memcpy(buf, val, (size_t)len);
			return fdt_setprop(fdt, node, path, buf, len);
		}
	case 4:		/* a property deleted */
		i = fdt_first_property_offset(fdt, node);
		for (len = (int)mut_below(r, 6); i >= 0 && len > 0; len--)
			i = fdt_next_property_offset(fdt, i);
		if (i < 0 || !fdt_getprop_by_offset(fdt, i, &name, &len))
			return -1;
		memcpy(path, name, strnlen(name, sizeof(path) - 1));
		path[strnlen(name, sizeof(path) - 1)] = '\0';
		return fdt_delprop(fdt, node, path);
	case 5:		/* a node deleted */
		return node == 0 ? -1 : fdt_del_node(fdt, node);
	case 6:		/* a new passthrough node */
		snprintf(path, sizeof(path), "dev@%x", mut_next(r) & 0xffff);
		i = fdt_add_subnode(fdt, node, path);
		if (i < 0 || hnode < 0)
			return i < 0 ? i : 0;
		if (fdt_get_path(host, hnode, path, sizeof(path)) < 0)
			return 0;
		return fdt_setprop_string(fdt, i, "xen,path", path);
	default:	/* a phandle set to one that exists, or a reserved one */
		return fdt_setprop_u32(fdt, node, "phandle",
				       mut_cell(r, ph, nph));
	}
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	const uint8_t *h, *p;
	size_t hlen, plen, blen, out;
	struct mut_rng r = { (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1 };
	uint32_t ph[MUT_MAX_PH];
	uint8_t ob, *hb = NULL, *pb = NULL, *target;
	int nph = 0, which, tries;

	if (mut_below(&r, 2) == 0 ||
	    fuzz_split(data, size, &ob, &h, &hlen, &p, &plen) < 0)
		return LLVMFuzzerMutate(data, size, max_size);
	if (mut_below(&r, 16) == 0) {
		data[0] ^= (uint8_t)(1u << mut_below(&r, 8));
		return size;
	}
	hb = malloc(hlen + MUT_SLACK);
	pb = malloc(plen + MUT_SLACK);
	if (!hb || !pb || hlen > INT32_MAX / 2 || plen > INT32_MAX / 2 ||
	    fdt_check_full(h, hlen) != 0 || fdt_check_full(p, plen) != 0 ||
	    fdt_open_into(h, hb, (int)(hlen + MUT_SLACK)) < 0 ||
	    fdt_open_into(p, pb, (int)(plen + MUT_SLACK)) < 0) {
		free(hb);
		free(pb);
		return LLVMFuzzerMutate(data, size, max_size);
	}
	nph = mut_phandles(hb, ph, 0);
	nph = mut_phandles(pb, ph, nph);
	which = mut_below(&r, 4) == 0;	/* mostly the partial tree */
	target = which ? hb : pb;
	for (tries = 0; tries < 4; tries++)
		if (mut_edit(target, hb, &r, ph, nph) == 0)
			break;
	fdt_pack(hb);
	fdt_pack(pb);
	blen = fdt_totalsize(hb);
	out = FUZZ_HDR + blen + fdt_totalsize(pb);
	if (tries == 4 || out > max_size) {
		free(hb);
		free(pb);
		return LLVMFuzzerMutate(data, size, max_size);
	}
	data[0] = ob;
	data[1] = (uint8_t)blen;
	data[2] = (uint8_t)(blen >> 8);
	data[3] = (uint8_t)(blen >> 16);
	data[4] = (uint8_t)(blen >> 24);
	memcpy(data + FUZZ_HDR, hb, blen);
	memcpy(data + FUZZ_HDR + blen, pb, fdt_totalsize(pb));
	free(hb);
	free(pb);
	return out;
}

#endif /* VIOMMU_DTGEN_FUZZ_MUTATOR_H */

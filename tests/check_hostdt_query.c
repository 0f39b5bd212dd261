/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "hostdt_addr.h"
#include "hostdt_query.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Whether @node has an iommu-map with at least one entry. */
static int has_iommu_map(const struct hostdt *h, int node)
{
	struct hostdt_map_entry *e;
	struct vdt_diag d;
	uint32_t mask;
	int n;

	vdt_diag_init(&d);
	n = hostdt_iommu_map(h, node, &e, &mask, &d);
	free(e);
	vdt_diag_free(&d);
	return n > 0;
}

/* A compiled host blob, opened. */
struct fixture {
	void *blob;
	size_t size;
	struct hostdt h;
	struct vdt_diag d;
};

static void fx_open(struct fixture *f, const char *dts)
{
	f->blob = tu_dtb(dts, &f->size);
	vdt_diag_init(&f->d);
	ck_assert_int_eq(hostdt_open(&f->h, f->blob, f->size, "host.dtb",
				     &f->d), 0);
	ck_assert_int_eq(f->d.code, 0);
}

static void fx_close(struct fixture *f)
{
	hostdt_close(&f->h);
	vdt_diag_free(&f->d);
	free(f->blob);
}

static int node_at(const struct fixture *f, const char *path)
{
	int n = fdt_path_offset(f->blob, path);

	ck_assert_msg(n >= 0, "no node %s in the fixture", path);
	return n;
}

/* ---- open ---- */

static const char small_dts[] =
	"/ {\n"
	"	#address-cells = <1>; #size-cells = <1>;\n"
	"	a { phandle = <0x1>; b { phandle = <0x5>; }; };\n"
	"	c { phandle = <0x1234>; d { e { }; }; };\n"
	"	f { linux,phandle = <0x77>; };\n"
	"};\n";

START_TEST(test_open_truncated)
{
	struct vdt_diag d;
	struct hostdt h;
	size_t size;
	void *blob = tu_dtb(small_dts, &size);

	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, blob, size / 2, "cut.dtb", &d),
			 -VDT_ERR_BADDT);
	ck_assert_int_eq(d.code, -VDT_ERR_BADDT);
	ck_assert_str_eq(d.error.file, "cut.dtb");
	ck_assert_ptr_nonnull(strstr(d.error.text,
				     "not a valid device tree blob"));
	hostdt_close(&h);
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

START_TEST(test_open_bad_magic)
{
	struct vdt_diag d;
	struct hostdt h;
	size_t size;
	char *blob = tu_dtb(small_dts, &size);

	blob[0] ^= 0xff;
	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, blob, size, "bad.dtb", &d),
			 -VDT_ERR_BADDT);
	ck_assert_ptr_nonnull(strstr(d.error.text,
				     "not a valid device tree blob"));
	hostdt_close(&h);
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

/* Two siblings of one name (dtc merges them, so build the blob by hand):
 * the path no longer names one node, and the tree is refused. */
START_TEST(test_open_duplicate_path)
{
	char blob[512];
	struct vdt_diag d;
	struct hostdt h;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "soc"), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "dev@1"), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "dev@1"), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, blob, fdt_totalsize(blob), "dup.dtb",
				     &d), -VDT_ERR_BADDT);
	ck_assert_str_eq(d.error.node, "/soc/dev@1");
	ck_assert_ptr_nonnull(strstr(d.error.text, "two nodes have this path"));
	hostdt_close(&h);
	vdt_diag_free(&d);
}
END_TEST

/* Two host nodes with one phandle (phandle or linux,phandle): refused,
 * naming both, whichever property says it. */
START_TEST(test_open_duplicate_phandle)
{
	static const char *const props[] = { "phandle", "linux,phandle" };
	uint64_t blob[64];
	struct vdt_diag d;
	struct hostdt h;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "a"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "phandle", 5), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "b"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, props[_i], 5), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, blob, fdt_totalsize(blob), "dup.dtb",
				     &d), -VDT_ERR_BADDT);
	ck_assert_str_eq(d.error.node, "/b");
	ck_assert_str_eq(d.error.prop, "phandle");
	ck_assert_ptr_nonnull(strstr(d.error.text, "0x5 is also the phandle of /a"));
	hostdt_close(&h);
	vdt_diag_free(&d);
}
END_TEST

/* Nodes nested deeper than VDT_MAX_DEPTH: refused, not walked. */
START_TEST(test_open_too_deep)
{
	size_t room = 64 + (size_t)(VDT_MAX_DEPTH + 2) * 16;
	struct vdt_diag d;
	struct hostdt h;
	void *blob = malloc(room);
	int i, depth = VDT_MAX_DEPTH + _i;

	ck_assert_ptr_nonnull(blob);
	ck_assert_int_eq(fdt_create(blob, (int)room), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	for (i = 1; i < depth; i++)
		ck_assert_int_eq(fdt_begin_node(blob, "n"), 0);
	for (i = 0; i < depth; i++)
		ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	vdt_diag_init(&d);
	/* The deepest node is at depth depth - 1. */
	if (depth <= VDT_MAX_DEPTH) {
		ck_assert_int_eq(hostdt_open(&h, blob, fdt_totalsize(blob),
					     "deep.dtb", &d), 0);
		ck_assert_int_eq(h.nnodes, depth);
	} else {
		ck_assert_int_eq(hostdt_open(&h, blob, fdt_totalsize(blob),
					     "deep.dtb", &d),
				 -VDT_ERR_UNSUPPORTED);
		ck_assert_ptr_nonnull(strstr(d.error.text, "nested deeper"));
	}
	hostdt_close(&h);
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

/*
 * What the one walk of hostdt_open() records is what libfdt reads: a
 * property after a subnode is none of its node's (fdt_getprop() stops at
 * the first subnode), and of two properties of one name the first counts.
 */
START_TEST(test_open_props_as_libfdt)
{
	uint64_t blob[128];
	struct vdt_diag d;
	struct hostdt h;
	int a, b, c, sub;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "a"), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "sub"), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	/* After "sub": invisible to fdt_getprop(blob, a, ...). */
	ck_assert_int_eq(fdt_property_u32(blob, "phandle", 7), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#iommu-cells", 1), 0);
	ck_assert_int_eq(fdt_property_string(blob, "status", "disabled"), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "b"), 0);
	ck_assert_int_eq(fdt_property_string(blob, "status", "disabled"), 0);
	ck_assert_int_eq(fdt_property_string(blob, "status", "okay"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "phandle", 8), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "phandle", 9), 0);
	ck_assert_int_eq(fdt_property(blob, "#iommu-cells", "\0\0\0\1\0", 5), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#iommu-cells", 1), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "c"), 0);
	/* A phandle of 3 bytes: linux,phandle counts. */
	ck_assert_int_eq(fdt_property(blob, "phandle", "\0\0\1", 3), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "linux,phandle", 10), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, blob, fdt_totalsize(blob), "t.dtb",
				     &d), 0);
	a = fdt_path_offset(blob, "/a");
	b = fdt_path_offset(blob, "/b");
	c = fdt_path_offset(blob, "/c");
	sub = fdt_path_offset(blob, "/a/sub");
	ck_assert_int_eq(fdt_get_phandle(blob, a), 0);
	ck_assert_int_eq(hostdt_node_by_phandle(&h, 7), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(hostdt_is_enabled(&h, a), 1);
	ck_assert_int_eq(hostdt_holds_iommu(&h, a), 0);
	ck_assert_int_eq(hostdt_holds_iommu(&h, sub), 0);
	ck_assert_int_eq(hostdt_is_enabled(&h, b), 0);
	ck_assert_int_eq(hostdt_node_by_phandle(&h, 8), b);
	ck_assert_int_eq(hostdt_node_by_phandle(&h, 9), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(hostdt_holds_iommu(&h, b), 1);
	ck_assert_int_eq(hostdt_holds_iommu(&h, 0), 1);
	ck_assert_int_eq(hostdt_node_by_phandle(&h, 10), c);
	ck_assert_int_eq(fdt_get_phandle(blob, c), 10);
	hostdt_close(&h);
	vdt_diag_free(&d);
}
END_TEST

/* A node with an IOMMU somewhere at or below it, asked of libfdt. */
static int libfdt_holds_iommu(const void *fdt, int node)
{
	int n, depth = 0;

	if (fdt_getprop(fdt, node, "#iommu-cells", NULL))
		return 1;
	for (n = fdt_next_node(fdt, node, &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(fdt, n, &depth))
		if (fdt_getprop(fdt, n, "#iommu-cells", NULL))
			return 1;
	return 0;
}

/* Every query, for every node of a tree, answers as libfdt does. */
START_TEST(test_open_matches_libfdt)
{
	static const char dts[] =
		"/ {\n"
		"	#address-cells = <1>; #size-cells = <1>;\n"
		"	soc { ranges; #address-cells = <1>; #size-cells = <1>;\n"
		"		i0: iommu@1000 { reg = <0x1000 0x10>; #iommu-cells = <1>; status = \"disabled\"; };\n"
		"		bus { x: dev@1 { iommus = <&i0 1>; status = \"ok\"; };\n"
		"		      dev@2 { status = \"fail\"; linux,phandle = <0x99>; }; };\n"
		"		smmu { sub { #iommu-cells = <0>; phandle = <0x42>; }; };\n"
		"	};\n"
		"	aliases { serial0 = &x; };\n"
		"	e { }; f { g { h { status = \"okay\"; }; }; };\n"
		"};\n";
	char want[VDT_DIAG_NODE_LEN], got[VDT_DIAG_NODE_LEN];
	const char *st;
	struct fixture f;
	int node, parent, len, n = 0;
	uint32_t ph;

	fx_open(&f, dts);
	for (node = 0; node >= 0; node = fdt_next_node(f.blob, node, NULL)) {
		n++;
		ck_assert_int_eq(fdt_get_path(f.blob, node, want, sizeof(want)), 0);
		ck_assert_int_eq(hostdt_get_path(&f.h, node, got, sizeof(got)), 0);
		ck_assert_str_eq(got, want);
		ck_assert_int_eq(hostdt_node_by_path(&f.h, want), node);
		parent = fdt_parent_offset(f.blob, node);
		ck_assert_int_eq(hostdt_parent(&f.h, node),
				 parent >= 0 ? parent : -VDT_ERR_NOTFOUND);
		ph = fdt_get_phandle(f.blob, node);
		if (ph)
			ck_assert_int_eq(hostdt_node_by_phandle(&f.h, ph), node);
		st = fdt_getprop(f.blob, node, "status", &len);
		ck_assert_int_eq(hostdt_is_enabled(&f.h, node),
				 !st || (len == 5 && !strcmp(st, "okay")) ||
				 (len == 3 && !strcmp(st, "ok")));
		ck_assert_int_eq(hostdt_holds_iommu(&f.h, node),
				 libfdt_holds_iommu(f.blob, node));
	}
	ck_assert_int_eq(f.h.nnodes, n);
	fx_close(&f);
}
END_TEST

START_TEST(test_phandle_index)
{
	struct fixture f;

	fx_open(&f, small_dts);
	ck_assert_int_eq(f.h.nnodes, 7);
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 1), node_at(&f, "/a"));
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 5), node_at(&f, "/a/b"));
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 0x1234),
			 node_at(&f, "/c"));
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 0x77),
			 node_at(&f, "/f"));
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 2), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 0), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(hostdt_node_by_phandle(&f.h, 0xffffffffu),
			 -VDT_ERR_NOTFOUND);
	fx_close(&f);
}
END_TEST

/*
 * The path index answers like libfdt: every path, present or not, indexed
 * or too long to be, gives fdt_path_offset()'s node or -VDT_ERR_NOTFOUND.
 */
static const struct by_path_case {
	const char *path;
	int exists;
} by_path_cases[] = {
	{ "/", 1 }, { "/a", 1 }, { "/a/b", 1 }, { "/c", 1 }, { "/c/d", 1 },
	{ "/c/d/e", 1 }, { "/f", 1 }, { "/unit@1000", 1 },
	{ "/unit", 1 },		/* libfdt matches a name without its unit address */
	{ "/a/", 1 },
	{ "/x", 0 }, { "/a/x", 0 }, { "/a/b/c", 0 }, { "/c/e", 0 },
	{ "/unit@1001", 0 }, { "a", 0 }, { "", 0 },
};

static const char by_path_dts[] =
	"/ {\n"
	"	#address-cells = <1>; #size-cells = <1>;\n"
	"	a { phandle = <0x1>; b { phandle = <0x5>; }; };\n"
	"	c { phandle = <0x1234>; d { e { }; }; };\n"
	"	f { linux,phandle = <0x77>; };\n"
	"	unit@1000 { reg = <0x1000 0x10>; };\n"
	"};\n";

START_TEST(test_node_by_path)
{
	const struct by_path_case *c = &by_path_cases[_i];
	struct fixture f;
	int want, got;

	fx_open(&f, by_path_dts);
	want = fdt_path_offset(f.blob, c->path);
	got = hostdt_node_by_path(&f.h, c->path);
	ck_assert_msg(got == (want >= 0 ? want : -VDT_ERR_NOTFOUND),
		      "\"%s\": %d, libfdt says %d", c->path, got, want);
	ck_assert_msg((got >= 0) == c->exists, "\"%s\"", c->path);
	fx_close(&f);
}
END_TEST

/* A path longer than a diagnostic's node field is still found. */
START_TEST(test_node_by_long_path)
{
	char dts[4096], path[2048], name[64], *tail;
	size_t plen = 0, dlen = 0;
	struct fixture f;
	int i;

	dlen += (size_t)snprintf(dts + dlen, sizeof(dts) - dlen, "/ {\n");
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "n%02d-%s", i,
			 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		dlen += (size_t)snprintf(dts + dlen, sizeof(dts) - dlen,
					 "%s {\n", name);
		plen += (size_t)snprintf(path + plen, sizeof(path) - plen,
					 "/%s", name);
	}
	dlen += (size_t)snprintf(dts + dlen, sizeof(dts) - dlen, "leaf { };\n");
	plen += (size_t)snprintf(path + plen, sizeof(path) - plen, "/leaf");
	for (i = 0; i < 12; i++)
		dlen += (size_t)snprintf(dts + dlen, sizeof(dts) - dlen, "};\n");
	snprintf(dts + dlen, sizeof(dts) - dlen, "};\n");
	ck_assert_uint_gt(plen, VDT_DIAG_NODE_LEN);
	fx_open(&f, dts);
	ck_assert_int_eq(hostdt_node_by_path(&f.h, path),
			 fdt_path_offset(f.blob, path));
	ck_assert_int_ge(hostdt_node_by_path(&f.h, path), 0);
	path[plen - 1] = 'x';
	ck_assert_int_eq(hostdt_node_by_path(&f.h, path), -VDT_ERR_NOTFOUND);
	/*
	 * Nodes too deep to index under their path must not answer for a
	 * shorter one: neither "" nor the tail of a long path is a node.
	 */
	ck_assert_int_eq(hostdt_node_by_path(&f.h, ""), -VDT_ERR_NOTFOUND);
	path[plen - 1] = 'f';
	for (tail = strchr(path + 1, '/'); tail; tail = strchr(tail + 1, '/'))
		ck_assert_msg(hostdt_node_by_path(&f.h, tail) == -VDT_ERR_NOTFOUND,
			      "found %s", tail);
	fx_close(&f);
}
END_TEST

START_TEST(test_parent)
{
	struct fixture f;

	fx_open(&f, small_dts);
	ck_assert_int_eq(hostdt_parent(&f.h, node_at(&f, "/a/b")),
			 node_at(&f, "/a"));
	ck_assert_int_eq(hostdt_parent(&f.h, node_at(&f, "/c/d/e")),
			 node_at(&f, "/c/d"));
	ck_assert_int_eq(hostdt_parent(&f.h, node_at(&f, "/c")), 0);
	ck_assert_int_eq(hostdt_parent(&f.h, 0), -VDT_ERR_NOTFOUND);
	/* An offset inside a node header is not a node. */
	ck_assert_int_eq(hostdt_parent(&f.h, node_at(&f, "/c") + 4),
			 -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(hostdt_parent(&f.h, -1), -VDT_ERR_NOTFOUND);
	fx_close(&f);
}
END_TEST

static const char *const path_cases[] = {
	"/", "/a", "/a/b", "/c/d", "/c/d/e", "/f",
};

START_TEST(test_get_path)
{
	const char *want = path_cases[_i];
	size_t need = strlen(want) + 1;
	struct fixture f;
	char buf[64];
	int n;

	fx_open(&f, small_dts);
	n = node_at(&f, want);
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(hostdt_get_path(&f.h, n, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	/* Exactly enough room, then one byte short. */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(hostdt_get_path(&f.h, n, buf, need), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(hostdt_get_path(&f.h, n, buf, need - 1),
			 -VDT_ERR_NOMEM);
	fx_close(&f);
}
END_TEST

START_TEST(test_get_path_not_a_node)
{
	struct fixture f;
	char buf[64];

	fx_open(&f, small_dts);
	ck_assert_int_eq(hostdt_get_path(&f.h, node_at(&f, "/a") + 4, buf,
					 sizeof(buf)),
			 -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(hostdt_get_path(&f.h, 0, buf, 0), -VDT_ERR_NOMEM);
	fx_close(&f);
}
END_TEST

/* ---- status ---- */

static const char status_dts[] =
	"/ {\n"
	"	okay { status = \"okay\"; };\n"
	"	ok { status = \"ok\"; };\n"
	"	absent { };\n"
	"	disabled { status = \"disabled\"; };\n"
	"	fail { status = \"fail\"; };\n"
	"	okay-prefix { status = \"okay-ish\"; };\n"
	"	empty { status = \"\"; };\n"
	"	no { status = \"no\"; };\n"
	"	okay-unterminated { status = [6f 6b 61 79 21]; };\n"
	"};\n";

static const struct status_case {
	const char *path;
	int enabled;
} status_cases[] = {
	{ "/okay", 1 }, { "/ok", 1 }, { "/absent", 1 }, { "/disabled", 0 },
	{ "/fail", 0 }, { "/okay-prefix", 0 }, { "/empty", 0 }, { "/no", 0 },
	{ "/okay-unterminated", 0 },
};

START_TEST(test_is_enabled)
{
	const struct status_case *c = &status_cases[_i];
	struct fixture f;

	fx_open(&f, status_dts);
	ck_assert_msg(hostdt_is_enabled(&f.h, node_at(&f, c->path)) ==
		      c->enabled, "%s", c->path);
	fx_close(&f);
}
END_TEST

/* ---- iommus ---- */

static const char iommus_dts[] =
	"/ {\n"
	"	#address-cells = <1>; #size-cells = <1>;\n"
	"	c0: iommu@1000 { reg = <0x1000 0x100>; #iommu-cells = <0>; };\n"
	"	c1: iommu@2000 { reg = <0x2000 0x100>; #iommu-cells = <1>; };\n"
	"	c2: iommu@3000 { reg = <0x3000 0x100>; #iommu-cells = <2>; };\n"
	"	c3: iommu@4000 { reg = <0x4000 0x100>; #iommu-cells = <3>; };\n"
	"	nc: iommu@5000 { reg = <0x5000 0x100>; };\n"
	"	long: iommu@6000 { reg = <0x6000 0x100>; #iommu-cells = <0 1>; };\n"
	"	devs {\n"
	"		none { };\n"
	"		cells0 { iommus = <&c0>; };\n"
	"		cells1 { iommus = <&c1 0x10>; };\n"
	"		cells1x3 { iommus = <&c1 0x10 &c1 0x11 &c1 0x12>; };\n"
	"		cells2 { iommus = <&c2 0x20 0x7f00>; };\n"
	"		mixed { iommus = <&c0 &c2 0x21 0x3 &c1 0x12>; };\n"
	"		dangling { iommus = <&c1 0x10 0x99 0x10>; };\n"
	"		nocells { iommus = <&nc 0x1>; };\n"
	"		cells3 { iommus = <&c3 1 2 3>; };\n"
	"		longcells { iommus = <&long 1>; };\n"
	"		short { iommus = <&c1 0x10 &c2 0x20>; };\n"
	"		odd { iommus = [00 00 00 02 00 00 00 10 00]; };\n"
	"		empty { iommus; };\n"
	"	};\n"
	"};\n";

struct want_spec {
	const char *iommu;
	uint32_t cells, pid, mask;
};

static const struct iommus_case {
	const char *node;
	int ret;
	int n;
	struct want_spec spec[3];
	const char *msg[2];	/* substrings of the error text */
} iommus_cases[] = {
	{ "/devs/none", 0, 0, { { NULL, 0, 0, 0 } }, { NULL, NULL } },
	{ "/devs/empty", 0, 0, { { NULL, 0, 0, 0 } }, { NULL, NULL } },
	{ "/devs/cells0", 1, 1, { { "/iommu@1000", 0, 0, 0 } },
	  { NULL, NULL } },
	{ "/devs/cells1", 1, 1, { { "/iommu@2000", 1, 0x10, 0 } },
	  { NULL, NULL } },
	{ "/devs/cells1x3", 3, 3,
	  { { "/iommu@2000", 1, 0x10, 0 }, { "/iommu@2000", 1, 0x11, 0 },
	    { "/iommu@2000", 1, 0x12, 0 } }, { NULL, NULL } },
	{ "/devs/cells2", 1, 1, { { "/iommu@3000", 2, 0x20, 0x7f00 } },
	  { NULL, NULL } },
	{ "/devs/mixed", 3, 3,
	  { { "/iommu@1000", 0, 0, 0 }, { "/iommu@3000", 2, 0x21, 0x3 },
	    { "/iommu@2000", 1, 0x12, 0 } }, { NULL, NULL } },
	{ "/devs/dangling", -VDT_ERR_BADDT, 0, { { NULL, 0, 0, 0 } },
	  { "phandle 0x99", "does not refer to any node" } },
	{ "/devs/nocells", -VDT_ERR_BADDT, 0, { { NULL, 0, 0, 0 } },
	  { "/iommu@5000", "has no #iommu-cells" } },
	{ "/devs/cells3", -VDT_ERR_UNSUPPORTED, 0, { { NULL, 0, 0, 0 } },
	  { "/iommu@4000", "not supported" } },
	{ "/devs/longcells", -VDT_ERR_BADDT, 0, { { NULL, 0, 0, 0 } },
	  { "/iommu@6000", "#iommu-cells" } },
	{ "/devs/short", -VDT_ERR_BADDT, 0, { { NULL, 0, 0, 0 } },
	  { "specifier 1 is cut short", "/iommu@3000" } },
	{ "/devs/odd", -VDT_ERR_BADDT, 0, { { NULL, 0, 0, 0 } },
	  { "length 9", "multiple of 4" } },
};

START_TEST(test_iommus)
{
	const struct iommus_case *c = &iommus_cases[_i];
	struct hostdt_spec *specs = (void *)1;
	struct fixture f;
	int i, r;

	fx_open(&f, iommus_dts);
	r = hostdt_iommus(&f.h, node_at(&f, c->node), &specs, &f.d);
	ck_assert_msg(r == c->ret, "%s: returned %d, want %d (%s)", c->node,
		      r, c->ret, f.d.error.text);
	if (r <= 0)
		ck_assert_ptr_null(specs);
	for (i = 0; i < c->n; i++) {
		ck_assert_int_eq(specs[i].iommu, node_at(&f, c->spec[i].iommu));
		ck_assert_uint_eq(specs[i].cells, c->spec[i].cells);
		ck_assert_uint_eq(specs[i].pid, c->spec[i].pid);
		ck_assert_uint_eq(specs[i].mask, c->spec[i].mask);
	}
	if (c->ret < 0) {
		ck_assert_int_eq(f.d.code, c->ret);
		ck_assert_str_eq(f.d.error.file, "host.dtb");
		ck_assert_str_eq(f.d.error.node, c->node);
		ck_assert_str_eq(f.d.error.prop, "iommus");
	} else {
		ck_assert_int_eq(f.d.code, 0);
	}
	for (i = 0; i < 2 && c->msg[i]; i++)
		ck_assert_msg(strstr(f.d.error.text, c->msg[i]) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      f.d.error.text, c->msg[i]);
	free(specs);
	fx_close(&f);
}
END_TEST

START_TEST(test_has_iommu_map)
{
	struct fixture f;

	fx_open(&f,
		"/ {\n"
		"	smmu: iommu { #iommu-cells = <1>; };\n"
		"	pcie { iommu-map = <0 &smmu 0 0x10000>; iommu-map-mask = <0xff>; };\n"
		"	plain { iommus = <&smmu 1>; };\n"
		"};\n");
	ck_assert_int_eq(has_iommu_map(&f.h, node_at(&f, "/pcie")), 1);
	ck_assert_int_eq(has_iommu_map(&f.h, node_at(&f, "/plain")), 0);
	ck_assert_int_eq(has_iommu_map(&f.h, 0), 0);
	fx_close(&f);
}
END_TEST

/* ---- iommu-map ---- */

static const char map_dts[] =
	"/ {\n"
	"	#address-cells = <1>; #size-cells = <1>;\n"
	"	s1: iommu@1000 { reg = <0x1000 0x100>; #iommu-cells = <1>; };\n"
	"	s2: iommu@2000 { reg = <0x2000 0x100>; #iommu-cells = <2>; };\n"
	"	d0: dart@3000 { reg = <0x3000 0x100>; #iommu-cells = <1>; };\n"
	"	d1: dart@4000 { reg = <0x4000 0x100>; #iommu-cells = <1>; };\n"
	"	d2: dart@5000 { reg = <0x5000 0x100>; #iommu-cells = <1>; };\n"
	"	pci {\n"
	"		none { iommus = <&s1 1>; };\n"
	"		maskonly { iommu-map-mask = <0xff>; };\n"
	"		empty { iommu-map; };\n"
	"		qemu { iommu-map = <0x0 &s1 0x0 0x10000>; };\n"
	"		two { iommu-map = <0x0 &s1 0x100 0x10 0x10 &s2 0x200 0x20>;\n"
	"			iommu-map-mask = <0xffffffff>; };\n"
	"		armada { iommu-map = <0x0 &s1 0x480 0x20 0x100 &s1 0x4a0 0x20\n"
	"				      0x200 &s1 0x4c0 0x20>;\n"
	"			iommu-map-mask = <0x31f>; };\n"
	"		armada-wide { iommu-map = <0x0 &s1 0x0 0x100 0x300 &s1 0x800 0x100>;\n"
	"			iommu-map-mask = <0x31f>; };\n"
	"		tegra0 { iommu-map = <0x0 &s1 0x5000 0x1000>;\n"
	"			iommu-map-mask = <0x0>; };\n"
	"		tegra100 { iommu-map = <0x100 &s1 0x5000 0x1000>;\n"
	"			iommu-map-mask = <0x0>; };\n"
	"		tegra-both { iommu-map = <0x0 &s1 0x5000 0x1000 0x1 &s1 0x6000 0x10>;\n"
	"			iommu-map-mask = <0x0>; };\n"
	"		apple { iommu-map = <0x100 &d0 0x1 0x1 0x200 &d1 0x1 0x1\n"
	"				     0x300 &d2 0x1 0x1>;\n"
	"			iommu-map-mask = <0xff00>; };\n"
	"		zero { iommu-map = <0x0 &s1 0x0 0x0 0x0 &s1 0x10 0x8\n"
	"				    0x40 &s1 0x20 0x10>;\n"
	"			iommu-map-mask = <0x0f>; };\n"
	"		zero-only { iommu-map = <0x0 &s1 0x0 0x0>; };\n"
	"		top { iommu-map = <0xffffff00 &s1 0xffffff00 0x100>; };\n"
	"		past-rid { iommu-map = <0x0 &s1 0x0 0x10 0xffffff00 &s1 0x0 0x101>; };\n"
	"		past-pid { iommu-map = <0x0 &s1 0xffffffff 0x2>; };\n"
	"		odd { iommu-map = <0x0 &s1 0x0>; };\n"
	"		bytes { iommu-map = [00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00]; };\n"
	"		badmask { iommu-map = <0x0 &s1 0x0 0x10>; iommu-map-mask = <0x0 0xff>; };\n"
	"		dangling { iommu-map = <0x0 &s1 0x0 0x10 0x10 0x99 0x0 0x10>; };\n"
	"		overlap { iommu-map = <0x0 &s1 0x0 0x100 0x200 &s1 0x0 0x10\n"
	"				       0x80 &s2 0x1000 0x100>; };\n"
	"		nested { iommu-map = <0x0 &s1 0x0 0x100 0x10 &s1 0x0 0x1>; };\n"
	"		adjacent { iommu-map = <0x0 &s1 0x0 0x100 0x100 &s1 0x0 0x100>; };\n"
	"	};\n"
	"};\n";

struct want_entry {
	uint32_t rid;
	const char *iommu;
	uint32_t pid, len, eff;
};

static const struct map_case {
	const char *node;
	int ret;
	uint32_t mask;
	struct want_entry e[3];
	int nwarn;
	const char *warn[2];	/* a substring of each warning */
	const char *msg[2];	/* substrings of the error text */
} map_cases[] = {
	{ "none", 0, 0xffffffffu, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { NULL, NULL } },
	{ "maskonly", 0, 0xffffffffu, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { NULL, NULL } },
	{ "empty", 0, 0xffffffffu, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { NULL, NULL } },
	{ "qemu", 1, 0xffffffffu, { { 0, "/iommu@1000", 0, 0x10000, 0x10000 } },
	  0, { NULL, NULL }, { NULL, NULL } },
	/* 4 cells per entry whatever the target's #iommu-cells (s2 has 2). */
	{ "two", 2, 0xffffffffu,
	  { { 0, "/iommu@1000", 0x100, 0x10, 0x10 },
	    { 0x10, "/iommu@2000", 0x200, 0x20, 0x20 } }, 0, { NULL, NULL },
	  { NULL, NULL } },
	{ "armada", 3, 0x31f,
	  { { 0, "/iommu@1000", 0x480, 0x20, 0x20 },
	    { 0x100, "/iommu@1000", 0x4a0, 0x20, 0x20 },
	    { 0x200, "/iommu@1000", 0x4c0, 0x20, 0x20 } }, 0, { NULL, NULL },
	  { NULL, NULL } },
	/* Under 0x31f, [0, 0xff] reaches 0x1f, [0x300, 0x3ff] reaches 0x31f. */
	{ "armada-wide", 2, 0x31f,
	  { { 0, "/iommu@1000", 0x0, 0x100, 0x20 },
	    { 0x300, "/iommu@1000", 0x800, 0x100, 0x20 } }, 0, { NULL, NULL },
	  { NULL, NULL } },
	{ "tegra0", 1, 0, { { 0, "/iommu@1000", 0x5000, 0x1000, 1 } }, 0,
	  { NULL, NULL }, { NULL, NULL } },
	{ "tegra100", 1, 0, { { 0x100, "/iommu@1000", 0x5000, 0x1000, 0 } }, 1,
	  { "entry 0 (RIDs 0x100-0x10ff) is not reached by any RID under iommu-map-mask 0x0: dropped",
	    NULL }, { NULL, NULL } },
	/* Nominal ranges overlap, effective ones do not: no error. */
	{ "tegra-both", 2, 0,
	  { { 0, "/iommu@1000", 0x5000, 0x1000, 1 },
	    { 1, "/iommu@1000", 0x6000, 0x10, 0 } }, 1,
	  { "entry 1 (RIDs 0x1-0x10) is not reached", NULL }, { NULL, NULL } },
	{ "apple", 3, 0xff00,
	  { { 0x100, "/dart@3000", 1, 1, 1 }, { 0x200, "/dart@4000", 1, 1, 1 },
	    { 0x300, "/dart@5000", 1, 1, 1 } }, 0, { NULL, NULL },
	  { NULL, NULL } },
	/* A zero-length entry, one reached, one no RID & 0xf reaches. */
	{ "zero", 3, 0xf,
	  { { 0, "/iommu@1000", 0, 0, 0 }, { 0, "/iommu@1000", 0x10, 8, 8 },
	    { 0x40, "/iommu@1000", 0x20, 0x10, 0 } }, 2,
	  { "entry 0 has length 0 (left for a boot loader to fill in?): dropped",
	    "entry 2 (RIDs 0x40-0x4f) is not reached" }, { NULL, NULL } },
	{ "zero-only", 1, 0xffffffffu, { { 0, "/iommu@1000", 0, 0, 0 } }, 1,
	  { "entry 0 has length 0", NULL }, { NULL, NULL } },
	{ "top", 1, 0xffffffffu,
	  { { 0xffffff00u, "/iommu@1000", 0xffffff00u, 0x100, 0x100 } }, 0,
	  { NULL, NULL }, { NULL, NULL } },
	{ "past-rid", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { "entry 1 runs past ID 0xffffffff", NULL } },
	{ "past-pid", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { "entry 0 runs past ID 0xffffffff", NULL } },
	{ "odd", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { "length 12", "not a multiple of 4 cells" } },
	{ "bytes", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { "length 17", "not a multiple of 4 cells" } },
	{ "badmask", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { "8 bytes long, not 4", NULL } },
	{ "dangling", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL },
	  { "phandle 0x99 (entry 1) does not refer to any node", NULL } },
	/* Entry 1 is disjoint; entry 2 overlaps entry 0. */
	{ "overlap", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL },
	  { "entry 2 (RIDs 0x80-0x17f) overlaps entry 0 (RIDs 0x0-0xff)",
	    "could never be reached" } },
	{ "nested", -VDT_ERR_BADDT, 0, { { 0, NULL, 0, 0, 0 } }, 0,
	  { NULL, NULL }, { "entry 1 (RIDs 0x10-0x10) overlaps entry 0", NULL } },
	{ "adjacent", 2, 0xffffffffu,
	  { { 0, "/iommu@1000", 0, 0x100, 0x100 },
	    { 0x100, "/iommu@1000", 0, 0x100, 0x100 } }, 0, { NULL, NULL },
	  { NULL, NULL } },
};

START_TEST(test_iommu_map)
{
	const struct map_case *c = &map_cases[_i];
	struct hostdt_map_entry *e = (void *)1;
	char path[64];
	struct fixture f;
	uint32_t mask = 12345;
	int i, r;

	fx_open(&f, map_dts);
	snprintf(path, sizeof(path), "/pci/%s", c->node);
	r = hostdt_iommu_map(&f.h, node_at(&f, path), &e, &mask, &f.d);
	ck_assert_msg(r == c->ret, "%s: returned %d, want %d (%s)", c->node,
		      r, c->ret, f.d.error.text);
	if (r <= 0)
		ck_assert_ptr_null(e);
	if (r >= 0) {
		ck_assert_msg(mask == c->mask, "%s: mask 0x%x, want 0x%x",
			      c->node, mask, c->mask);
		ck_assert_int_eq(f.d.code, 0);
	}
	for (i = 0; i < c->ret; i++) {
		ck_assert_uint_eq(e[i].rid_base, c->e[i].rid);
		ck_assert_int_eq(e[i].iommu, node_at(&f, c->e[i].iommu));
		ck_assert_uint_eq(e[i].pid_base, c->e[i].pid);
		ck_assert_uint_eq(e[i].length, c->e[i].len);
		ck_assert_msg(e[i].eff_length == c->e[i].eff,
			      "%s: entry %d: effective length 0x%x, want 0x%x",
			      c->node, i, e[i].eff_length, c->e[i].eff);
	}
	ck_assert_msg(f.d.nwarnings == (size_t)c->nwarn, "%s: %zu warnings",
		      c->node, f.d.nwarnings);
	for (i = 0; i < c->nwarn; i++) {
		ck_assert_int_eq(f.d.warnings[i].info, 0);
		ck_assert_str_eq(f.d.warnings[i].file, "host.dtb");
		ck_assert_str_eq(f.d.warnings[i].node, path);
		ck_assert_str_eq(f.d.warnings[i].prop, "iommu-map");
		ck_assert_msg(strstr(f.d.warnings[i].text, c->warn[i]) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      f.d.warnings[i].text, c->warn[i]);
	}
	if (c->ret < 0) {
		ck_assert_int_eq(f.d.code, c->ret);
		ck_assert_str_eq(f.d.error.file, "host.dtb");
		ck_assert_str_eq(f.d.error.node, path);
		ck_assert_str_eq(f.d.error.prop, strcmp(c->node, "badmask") ?
				 "iommu-map" : "iommu-map-mask");
	}
	for (i = 0; i < 2 && c->msg[i]; i++)
		ck_assert_msg(strstr(f.d.error.text, c->msg[i]) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      f.d.error.text, c->msg[i]);
	if (r > 0)
		free(e);
	fx_close(&f);
}
END_TEST

/*
 * The effective length against brute force: for masks and ranges, the
 * highest r & mask inside [rid, rid + len) that is >= rid.
 */
static const struct eff_case {
	uint32_t rid, len, mask;
} eff_cases[] = {
	{ 0, 0x100, 0x31f }, { 0x100, 0x100, 0x31f }, { 0x80, 0x100, 0x31f },
	{ 0x20, 0x20, 0x31f }, { 0, 0x1000, 0 }, { 0x10, 0x1000, 0 },
	{ 0x100, 0x300, 0xff00 }, { 0x101, 0xff, 0xff00 }, { 0x5, 0x7, 0xa },
	{ 0x3, 0x1, 0x2 }, { 0, 0x10000, 0xf0f0 }, { 0x1234, 0x4321, 0x5a5a },
	{ 0xffff0000u, 0x10000, 0xffff00ffu }, { 0x7, 0x9, 0xffffffffu },
};

START_TEST(test_effective_length)
{
	const struct eff_case *c = &eff_cases[_i];
	struct hostdt_map_entry *e;
	uint32_t mask, want = 0, r, m;
	struct fixture f;
	char dts[512];
	uint64_t rid;
	int n;

	for (rid = c->rid; rid < (uint64_t)c->rid + c->len; rid++) {
		m = (uint32_t)rid & c->mask;
		if (m >= c->rid && m - c->rid + 1 > want)
			want = m - c->rid + 1;
	}
	snprintf(dts, sizeof(dts),
		 "/ { s: iommu { #iommu-cells = <1>; };\n"
		 " pci { iommu-map = <0x%x &s 0x0 0x%x>; iommu-map-mask = <0x%x>; }; };\n",
		 c->rid, c->len, c->mask);
	fx_open(&f, dts);
	n = hostdt_iommu_map(&f.h, node_at(&f, "/pci"), &e, &mask, &f.d);
	ck_assert_int_eq(n, 1);
	r = e[0].eff_length;
	ck_assert_msg(r == want,
		      "rid 0x%x len 0x%x mask 0x%x: effective length 0x%x, want 0x%x",
		      c->rid, c->len, c->mask, r, want);
	ck_assert_uint_eq(f.d.nwarnings, want ? 0 : 1);
	free(e);
	fx_close(&f);
}
END_TEST

/* ---- reg_base ---- */

static const char reg_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	top@4f000000 { reg = <0x0 0x4f000000 0x0 0x1000>; };\n"
	"	high@804f000000 { reg = <0x80 0x4f000000 0x0 0x1000>; };\n"
	"	noreg { };\n"
	"	shortreg { reg = <0x1>; };\n"
	"	flat { #address-cells = <2>; #size-cells = <2>; ranges;\n"
	"		a@10000 { reg = <0x0 0x10000 0x0 0x100>; };\n"
	"	};\n"
	"	bus@e0000000 { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x0 0xe0000000 0x100000>;\n"
	"		b@2000 { reg = <0x2000 0x100>; };\n"
	"		far@200000 { reg = <0x200000 0x10>; };\n"
	"		inner@1000 { #address-cells = <1>; #size-cells = <1>;\n"
	"			ranges = <0x0 0x1000 0x1000>;\n"
	"			d@10 { reg = <0x10 0x4>; };\n"
	"		};\n"
	"	};\n"
	"	multi { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x0 0xa0000000 0x1000\n"
	"			  0x10000 0x1 0xb0000000 0x1000>;\n"
	"		m@10 { reg = <0x10 0x4>; };\n"
	"		m@10010 { reg = <0x10010 0x4>; };\n"
	"		gap@2000 { reg = <0x2000 0x4>; };\n"
	"	};\n"
	"	noranges { #address-cells = <1>; #size-cells = <1>;\n"
	"		c@3000 { reg = <0x3000 0x10>; };\n"
	"	};\n"
	"	wide { #address-cells = <3>; #size-cells = <2>; ranges;\n"
	"		w@0 { reg = <0x0 0x0 0x10 0x0 0x10>; };\n"
	"	};\n"
	"};\n";

static const struct reg_case {
	const char *node;
	int ret;
	uint64_t base;
	const char *errnode, *prop, *msg;
} reg_cases[] = {
	{ "/top@4f000000", 0, 0x4f000000, NULL, NULL, NULL },
	{ "/high@804f000000", 0, 0x804f000000ull, NULL, NULL, NULL },
	{ "/flat/a@10000", 0, 0x10000, NULL, NULL, NULL },
	{ "/bus@e0000000/b@2000", 0, 0xe0002000, NULL, NULL, NULL },
	{ "/bus@e0000000/inner@1000/d@10", 0, 0xe0001010, NULL, NULL, NULL },
	{ "/multi/m@10", 0, 0xa0000010, NULL, NULL, NULL },
	{ "/multi/m@10010", 0, 0x1b0000010ull, NULL, NULL, NULL },
	{ "/bus@e0000000/far@200000", -VDT_ERR_BADDT, 0, "/bus@e0000000",
	  "ranges", "no entry covers address 0x200000" },
	{ "/multi/gap@2000", -VDT_ERR_BADDT, 0, "/multi", "ranges",
	  "no entry covers address 0x2000" },
	{ "/noranges/c@3000", -VDT_ERR_BADDT, 0, "/noranges", "ranges",
	  "missing" },
	{ "/noreg", -VDT_ERR_BADDT, 0, "/noreg", "reg", "missing" },
	{ "/shortreg", -VDT_ERR_BADDT, 0, "/shortreg", "reg",
	  "not a positive multiple" },
	{ "/", -VDT_ERR_BADDT, 0, "/", "reg", "root" },
	{ "/wide/w@0", -VDT_ERR_UNSUPPORTED, 0, "/wide/w@0", NULL,
	  "not supported" },
};

START_TEST(test_reg_base)
{
	const struct reg_case *c = &reg_cases[_i];
	uint64_t base = 0xdeadbeef;
	struct fixture f;
	int r;

	fx_open(&f, reg_dts);
	r = hostdt_reg_base(&f.h, node_at(&f, c->node), &base, &f.d);
	ck_assert_msg(r == c->ret, "%s: returned %d, want %d (%s)", c->node,
		      r, c->ret, f.d.error.text);
	if (r == 0) {
		ck_assert_msg(base == c->base, "%s: base 0x%llx, want 0x%llx",
			      c->node, (unsigned long long)base,
			      (unsigned long long)c->base);
	} else {
		ck_assert_str_eq(f.d.error.node, c->errnode);
		if (c->prop)
			ck_assert_str_eq(f.d.error.prop, c->prop);
		ck_assert_msg(strstr(f.d.error.text, c->msg) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      f.d.error.text, c->msg);
	}
	fx_close(&f);
}
END_TEST

/* ---- iommu_base ---- */

/*
 * IOMMUs with and without a reg of their own: Qualcomm's msm-iommu-v1 has
 * none (its registers are in its iommu-ctx children behind ranges).
 */
static const char iommu_base_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	soc@0 { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x0 0x0 0x10000000>;\n"
	"		own@1ef0000 { reg = <0x1ef0000 0x10000>;\n"
	"			#iommu-cells = <1>; };\n"
	"		rng@1f08000 { #address-cells = <1>; #size-cells = <1>;\n"
	"			#iommu-cells = <1>;\n"
	"			ranges = <0x0 0x1f08000 0x10000>;\n"
	"			ctx@1000 { reg = <0x1000 0x1000>; };\n"
	"			ctx@2000 { reg = <0x2000 0x1000>; };\n"
	"		};\n"
	"		kid { #address-cells = <1>; #size-cells = <1>;\n"
	"			#iommu-cells = <1>; ranges;\n"
	"			nothing { };\n"
	"			ctx@3000000 { reg = <0x3000000 0x1000>; };\n"
	"			ctx@3001000 { reg = <0x3001000 0x1000>; };\n"
	"		};\n"
	"		none { #iommu-cells = <1>;\n"
	"			ctx { compatible = \"no-reg\"; };\n"
	"		};\n"
	"		shortranges { #address-cells = <1>; #size-cells = <1>;\n"
	"			#iommu-cells = <1>; ranges = <0x0 0x1>;\n"
	"		};\n"
	"	};\n"
	"	high { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x80 0x0 0x100000>;\n"
	"		kid@1000 { #address-cells = <1>; #size-cells = <1>;\n"
	"			#iommu-cells = <1>;\n"
	"			ranges = <0x0 0x1000 0x1000>;\n"
	"			ctx@200 { reg = <0x200 0x100>; };\n"
	"		};\n"
	"	};\n"
	"};\n";

static const struct reg_case iommu_base_cases[] = {
	/* A reg of its own wins. */
	{ "/soc@0/own@1ef0000", 0, 0x1ef0000, NULL, NULL, NULL },
	/* No reg: the parent-bus address of its first ranges entry,
	 * translated through soc@0. */
	{ "/soc@0/rng@1f08000", 0, 0x1f08000, NULL, NULL, NULL },
	/* No reg, empty ranges: the reg of its first child that has one. */
	{ "/soc@0/kid", 0, 0x3000000, NULL, NULL, NULL },
	/* Translated through its own ranges and then its bus's. */
	{ "/high/kid@1000", 0, 0x8000001000ull, NULL, NULL, NULL },
	/* Neither: still an error, naming the IOMMU. */
	{ "/soc@0/none", -VDT_ERR_BADDT, 0, "/soc@0/none", "reg",
	  "no ranges and no child with a reg" },
	{ "/soc@0/shortranges", -VDT_ERR_BADDT, 0, "/soc@0/shortranges",
	  "ranges", "shorter than one entry" },
};

START_TEST(test_iommu_base)
{
	const struct reg_case *c = &iommu_base_cases[_i];
	uint64_t base = 0xdeadbeef;
	struct fixture f;
	int r;

	fx_open(&f, iommu_base_dts);
	r = hostdt_iommu_base(&f.h, node_at(&f, c->node), &base, &f.d);
	ck_assert_msg(r == c->ret, "%s: returned %d, want %d (%s)", c->node,
		      r, c->ret, f.d.error.text);
	if (r == 0) {
		ck_assert_msg(base == c->base, "%s: base 0x%llx, want 0x%llx",
			      c->node, (unsigned long long)base,
			      (unsigned long long)c->base);
	} else {
		ck_assert_str_eq(f.d.error.node, c->errnode);
		ck_assert_str_eq(f.d.error.prop, c->prop);
		ck_assert_msg(strstr(f.d.error.text, c->msg) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      f.d.error.text, c->msg);
	}
	fx_close(&f);
}
END_TEST

Suite *hostdt_query_suite(void)
{
	Suite *s = suite_create("hostdt_query");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_open_truncated);
	tcase_add_test(tc, test_open_bad_magic);
	tcase_add_test(tc, test_open_duplicate_path);
	tcase_add_loop_test(tc, test_open_duplicate_phandle, 0, 2);
	tcase_add_loop_test(tc, test_open_too_deep, 0, 2);
	tcase_add_test(tc, test_open_props_as_libfdt);
	tcase_add_test(tc, test_open_matches_libfdt);
	tcase_add_test(tc, test_phandle_index);
	tcase_add_loop_test(tc, test_node_by_path, 0, N(by_path_cases));
	tcase_add_test(tc, test_node_by_long_path);
	tcase_add_test(tc, test_parent);
	tcase_add_loop_test(tc, test_get_path, 0, N(path_cases));
	tcase_add_test(tc, test_get_path_not_a_node);
	tcase_add_loop_test(tc, test_is_enabled, 0, N(status_cases));
	tcase_add_loop_test(tc, test_iommus, 0, N(iommus_cases));
	tcase_add_test(tc, test_has_iommu_map);
	tcase_add_loop_test(tc, test_iommu_map, 0, N(map_cases));
	tcase_add_loop_test(tc, test_effective_length, 0, N(eff_cases));
	tcase_add_loop_test(tc, test_reg_base, 0, N(reg_cases));
	tcase_add_loop_test(tc, test_iommu_base, 0, N(iommu_base_cases));
	suite_add_tcase(s, tc);
	return s;
}

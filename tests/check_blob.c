/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blob_check(): a good blob, then one or two fields changed; each change
 * must be refused with the message of the check that catches it (and none
 * may crash or hang libfdt), or be accepted where the format allows it.
 * blob_path(): paths that fit and paths that do not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "testutil.h"

/*
 * The good blob: the root's first property "e" is empty (structure offset
 * 8); "z" holds 24 zero bytes, room for an empty reservation map; the
 * child "ab" follows the root's properties.
 */
static const char good_dts[] =
	"/ { e; compatible = \"x\"; z = [00 00 00 00 00 00 00 00 00 00 00 00"
	" 00 00 00 00 00 00 00 00 00 00 00 00]; ab { reg = <1>; }; };";

/* Where a change goes: a header field by its byte offset (>= 0), or: */
enum where {
	NOWHERE = -1,
	PROP_LEN = -2,		/* "e"'s length */
	PROP_NAMEOFF = -3,	/* "e"'s name offset */
	FIRST_TAG = -4,		/* the root's FDT_BEGIN_NODE */
	CHILD_NAME0 = -5,	/* the first byte of "ab" (one byte) */
	CHILD_NAME1 = -6,	/* the second byte of "ab" (one byte) */
	PROP_TAG = -7,		/* "e"'s FDT_PROP tag */
};

/* A value computed from the blob: */
#define STRINGS_SIZE 0xff000001u	/* the strings block's size */
#define TOTAL_LESS_8 0xff000002u	/* the blob's size less 8 */
#define OFF_RSVMAP 0xff000003u		/* the reservation map's offset */
#define OFF_STRUCT 0xff000004u		/* the structure block's offset */
#define IN_Z 0xff000005u		/* an 8-aligned offset in "z"'s value */
#define PAST_BY_1 0xff000006u		/* "e" 1 byte longer than its block */
#define STRINGS_LESS_1 0xff000007u	/* the strings block less its last NUL */

static const struct blob_case {
	const char *name;
	int where, where2;
	uint32_t value, value2;
	long size_delta;	/* added to the size blob_check() is told */
	const char *error;	/* expected substring, NULL for success */
} blob_cases[] = {
	{ "good", NOWHERE, NOWHERE, 0, 0, 0, NULL },
	{ "trailing bytes", NOWHERE, NOWHERE, 0, 0, 8, NULL },
	{ "version 16 (no structure size)", 20, 36, 16, 0, 0, NULL },
	{ "version 16, last compatible 16", 20, 24, 16, 16, 0, NULL },
	{ "shorter than a header", NOWHERE, NOWHERE, 0, 0, -1000000,
	  "shorter than a header" },
	{ "bad magic", 0, NOWHERE, 0x12345678, 0, 0,
	  "bad magic number 0x12345678" },
	{ "totalsize too big", 4, NOWHERE, 0x10000, 0, 0,
	  "its header says 65536 bytes" },
	{ "structure unaligned", 8, NOWHERE, 0x3a, 0, 0, "unaligned offset" },
	{ "reserve map unaligned", 16, NOWHERE, 0x2c, 0, 0, "unaligned offset" },
	{ "version 15", 20, NOWHERE, 15, 0, 0, "format version 15, older than 16" },
	{ "version 5", 20, 24, 5, 0, 0, "format version 5, older than 16" },
	{ "version 1", 20, NOWHERE, 1, 0, 0, "format version 1, older than 16" },
	{ "last compatible too new", 24, NOWHERE, 18, 0, 0, "FDT_ERR_BADVERSION" },
	{ "structure too big", 36, NOWHERE, 0x10000, 0, 0, "FDT_ERR_TRUNCATED" },
	{ "strings block past the blob", 12, NOWHERE, 0x10000000, 0, 0,
	  "FDT_ERR_TRUNCATED" },
	/* -1 wraps around to the next tag, which libfdt 1.6.1's checker
	 * lets past; -12 stays on the same tag, where the checker loops. */
	{ "property length -1", PROP_LEN, NOWHERE, 0xffffffff, 0, 0,
	  "a property that runs past the structure block at structure offset 8" },
	{ "property length -12", PROP_LEN, NOWHERE, 0xfffffff4, 0, 0,
	  "a property that runs past the structure block at structure offset 8" },
	{ "property length 2^31 - 16", PROP_LEN, NOWHERE, 0x7ffffff0, 0, 0,
	  "a property that runs past the structure block" },
	{ "property 1 byte past the block", PROP_LEN, NOWHERE, PAST_BY_1, 0, 0,
	  "a property that runs past the structure block" },
	/* The block ends after "e"'s length: its name offset lies outside. */
	{ "property cut short", PROP_LEN, 36, 0xfffffff4, 16, 0,
	  "a property cut short at structure offset 8" },
	{ "property name past the strings", PROP_NAMEOFF, NOWHERE, STRINGS_SIZE,
	  0, 0, "a property name outside the strings block at structure offset 8" },
	/* The strings block cut to "e": libfdt 1.6.1 bounds a version 16
	 * name by the blob's end only, so "compatible" would still read. */
	{ "version 16, name past the strings", 32, 20, 2, 16, 0,
	  "a property name outside the strings block at structure offset 20" },
	/* The last name loses its NUL: it runs to the block's end. */
	{ "strings block cut in its last name", 32, NOWHERE, STRINGS_LESS_1,
	  0, 0, "a property name outside the strings block" },
	{ "unknown tag", PROP_TAG, NOWHERE, 7, 0, 0, "FDT_ERR_BADSTRUCTURE" },
	{ "no root node: FDT_NOP first", FIRST_TAG, NOWHERE, FDT_NOP, 0, 0,
	  "a structure block that does not begin with the root node at structure offset 0" },
	{ "no root node: FDT_END first", FIRST_TAG, NOWHERE, FDT_END, 0, 0,
	  "a structure block that does not begin with the root node" },
	{ "empty node name", CHILD_NAME0, CHILD_NAME1, 0, 0, 0,
	  "a node without a name at structure offset" },
	{ "node name with '/'", CHILD_NAME1, NOWHERE, '/', 0, 0,
	  "a node name with '/' at structure offset" },
	{ "reservation map without an end", 16, NOWHERE, TOTAL_LESS_8, 0, 0,
	  "FDT_ERR_TRUNCATED" },
	{ "strings over the reservation map", 12, 32, OFF_RSVMAP, 16, 0,
	  "its blocks overlap" },
	{ "strings over the structure", 12, NOWHERE, OFF_STRUCT, 0, 0,
	  "its blocks overlap" },
	{ "reservation map over the structure", 16, NOWHERE, IN_Z, 0, 0,
	  "its blocks overlap" },
};

/* The structure offset of the first tag @tag (at depth > 0 for a node). */
static int find_tag(const void *fdt, uint32_t want)
{
	int offset = 0, next;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		if (tag == want && (tag != FDT_BEGIN_NODE || offset > 0))
			return offset;
		offset = next;
	} while (tag != FDT_END);
	ck_abort_msg("no tag %u", want);
	return -1;
}

static uint32_t value_of(const void *fdt, uint32_t v)
{
	switch (v) {
	case STRINGS_SIZE:
		return fdt_size_dt_strings(fdt);
	case TOTAL_LESS_8:
		return (fdt_totalsize(fdt) - 8) & ~7u;
	case OFF_RSVMAP:
		return fdt_off_mem_rsvmap(fdt);
	case OFF_STRUCT:
		return fdt_off_dt_struct(fdt);
	case IN_Z:
		return ((uint32_t)((const char *)fdt_getprop(fdt, 0, "z", NULL) -
				   (const char *)fdt) + 7) & ~7u;
	case PAST_BY_1:
		return fdt_size_dt_struct(fdt) - (8 + 12) + 1;
	case STRINGS_LESS_1:
		return fdt_size_dt_strings(fdt) - 1;
	default:
		return v;
	}
}

/* Make change (@where, @v) to @blob. */
static void change(char *blob, int where, uint32_t v)
{
	int st = (int)fdt_off_dt_struct(blob), at, width = 4;
	fdt32_t be;

	switch (where) {
	case NOWHERE:
		return;
	case PROP_LEN:
		at = st + find_tag(blob, FDT_PROP) + 4;
		break;
	case PROP_NAMEOFF:
		at = st + find_tag(blob, FDT_PROP) + 8;
		break;
	case PROP_TAG:
		at = st + find_tag(blob, FDT_PROP);
		break;
	case FIRST_TAG:
		at = st;
		break;
	case CHILD_NAME0:
	case CHILD_NAME1:
		at = st + find_tag(blob, FDT_BEGIN_NODE) + 4 +
		     (where == CHILD_NAME1);
		width = 1;
		break;
	default:
		at = where;
	}
	v = value_of(blob, v);
	if (width == 1) {
		blob[at] = (char)v;
		return;
	}
	be = cpu_to_fdt32(v);
	memcpy(blob + at, &be, sizeof(be));
}

START_TEST(test_blob_check)
{
	const struct blob_case *c = &blob_cases[_i];
	size_t size, room;
	struct vdt_diag d;
	char *blob;
	long told;
	int rc;

	blob = tu_dtb(good_dts, &size);
	room = size + 64;
	blob = realloc(blob, room);
	ck_assert_ptr_nonnull(blob);
	memset(blob + size, 0, room - size);
	/* A structure change comes first in a case: it finds its place
	 * with libfdt, through the good header. */
	change(blob, c->where, c->value);
	change(blob, c->where2, c->value2);
	told = (long)size + c->size_delta;
	if (told < 0)
		told = 20;
	vdt_diag_init(&d);
	rc = blob_check(blob, (size_t)told, "t.dtb", &d);
	if (!c->error) {
		ck_assert_msg(rc == 0, "%s: %s", c->name, d.error.text);
	} else {
		ck_assert_msg(rc == -VDT_ERR_BADDT, "%s: accepted", c->name);
		ck_assert_str_eq(d.error.file, "t.dtb");
		ck_assert_msg(strstr(d.error.text, c->error) != NULL,
			      "%s: '%s' lacks '%s'", c->name, d.error.text,
			      c->error);
	}
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

static const struct path_case {
	size_t len;
	const char *want;	/* "%d": the node's offset */
} path_cases[] = {
	{ 64, "/aaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbb" },
	{ 43, "/aaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbb" },
	{ 42, "<node at offset %d>" },
	{ 8, "<node a" },
};

START_TEST(test_blob_path)
{
	const struct path_case *c = &path_cases[_i];
	char buf[64], want[64];
	size_t size;
	void *blob = tu_dtb("/ { aaaaaaaaaaaaaaaaaaaa { bbbbbbbbbbbbbbbbbbbb { }; }; };",
			    &size);
	int node = fdt_path_offset(blob, "/aaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbb");

	ck_assert_int_ge(node, 0);
	memset(buf, 'x', sizeof(buf));
	snprintf(want, sizeof(want), c->want, node);
	ck_assert_ptr_eq(blob_path(blob, node, buf, c->len), buf);
	ck_assert_str_eq(buf, want);
	free(blob);
}
END_TEST

/* What a visitor of blob_walk() records: one line per event. */
struct seen {
	char text[1024];
	size_t len;
	int ends;
};

static void seen_add(struct seen *s, const char *kind, const char *name,
		     int len)
{
	int n = snprintf(s->text + s->len, sizeof(s->text) - s->len,
			 "%s %.*s\n", kind, len, name);

	ck_assert_int_gt(n, 0);
	s->len += (size_t)n;
	ck_assert_uint_lt(s->len, sizeof(s->text));
}

static int seen_node(void *ctx, int offset, const char *name, int namelen,
		     int depth)
{
	(void)offset;
	(void)depth;
	seen_add(ctx, "node", name, namelen);
	return 0;
}

static int seen_prop(void *ctx, const char *name, const void *val, int len)
{
	(void)val;
	(void)len;
	seen_add(ctx, "prop", name, (int)strlen(name));
	return 0;
}

static int seen_end(void *ctx)
{
	((struct seen *)ctx)->ends++;
	return 0;
}

/* A visitor that stops the walk at the first node it is shown. */
static int stop_node(void *ctx, int offset, const char *name, int namelen,
		     int depth)
{
	(void)ctx;
	(void)offset;
	(void)name;
	(void)namelen;
	(void)depth;
	return -VDT_ERR_NOMEM;
}

/*
 * blob_walk() shows a visitor every node and the properties libfdt's
 * fdt_getprop() finds on it (none after a subnode, none made NOPs), in
 * document order; a visitor's error stops the walk.
 */
START_TEST(test_blob_walk_visits)
{
	static const struct blob_visitor v = { seen_node, seen_prop, seen_end };
	static const struct blob_visitor stop = { stop_node, NULL, NULL };
	struct seen got = { { 0 }, 0, 0 }, want = { { 0 }, 0, 0 };
	uint64_t blob[128];
	const char *name;
	struct vdt_diag d;
	int node, prop, len, nodes = 0;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "r", 1), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "a"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "gone", 1), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "p", 1), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "b@1"), 0);
	ck_assert_int_eq(fdt_property_string(blob, "q", "x"), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "after", 1), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	ck_assert_int_eq(fdt_nop_property(blob, fdt_path_offset(blob, "/a"),
					  "gone"), 0);
	for (node = 0; node >= 0; node = fdt_next_node(blob, node, NULL)) {
		name = fdt_get_name(blob, node, &len);
		seen_add(&want, "node", name, len);
		nodes++;
		fdt_for_each_property_offset(prop, blob, node) {
			fdt_getprop_by_offset(blob, prop, &name, &len);
			seen_add(&want, "prop", name, (int)strlen(name));
		}
	}
	vdt_diag_init(&d);
	ck_assert_int_eq(blob_walk(blob, fdt_totalsize(blob), "t.dtb", &v,
				   &got, &d), 0);
	ck_assert_str_eq(got.text, want.text);
	ck_assert_int_eq(got.ends, nodes);
	ck_assert_ptr_null(strstr(got.text, "after"));
	ck_assert_int_eq(blob_walk(blob, fdt_totalsize(blob), "t.dtb", &stop,
				   NULL, &d), -VDT_ERR_NOMEM);
	vdt_diag_free(&d);
}
END_TEST

/*
 * Structures a change of one field cannot make: a second root after the
 * first (libfdt 1.6.1's fdt_check_full() refuses it), FDT_END inside a
 * node, a root with a name; all are refused whatever walks them.
 */
START_TEST(test_blob_bad_structure)
{
	uint64_t blob[64];
	struct vdt_diag d;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, _i == 2 ? "r" : ""), 0);
	if (_i == 0) {
		ck_assert_int_eq(fdt_end_node(blob), 0);
		ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	}
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	if (_i == 1) {
		/* The root's FDT_END_NODE made FDT_END: the node never ends. */
		char *st = (char *)blob + fdt_off_dt_struct(blob);
		fdt32_t end = cpu_to_fdt32(FDT_END);

		ck_assert_uint_eq(fdt32_to_cpu(*(fdt32_t *)(st + 8)), FDT_END_NODE);
		memcpy(st + 8, &end, sizeof(end));
	}
	vdt_diag_init(&d);
	ck_assert_int_eq(blob_check(blob, fdt_totalsize(blob), "t.dtb", &d),
			 -VDT_ERR_BADDT);
	ck_assert_ptr_nonnull(strstr(d.error.text, "FDT_ERR_BADSTRUCTURE"));
	vdt_diag_free(&d);
}
END_TEST

/*
 * blob_getprop() and the readers built on it answer as libfdt does, for
 * every node and name, for offsets that are no node's, and for cells of
 * every kind.
 */
START_TEST(test_blob_getprop)
{
	static const char *const names[] = {
		"phandle", "linux,phandle", "#address-cells", "#size-cells",
		"status", "after", "gone", "x", "",
	};
	static const int offsets[] = { -1, 1, 2, 6, 100000 };
	uint64_t blob[256];
	const void *want, *got;
	int node, i, wl, gl;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 0), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#size-cells", 5), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "a"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "gone", 1), 0);
	ck_assert_int_eq(fdt_property_string(blob, "status", "okay"), 0);
	ck_assert_int_eq(fdt_property_string(blob, "status", "disabled"), 0);
	ck_assert_int_eq(fdt_property(blob, "phandle", "\0\0\1", 3), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "linux,phandle", 9), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#address-cells", 3), 0);
	ck_assert_int_eq(fdt_property(blob, "#size-cells", "\0\0", 2), 0);
	ck_assert_int_eq(fdt_property(blob, "", "", 0), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "b@1"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "phandle", 4), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "#size-cells", 0), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "after", 1), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "c"), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	ck_assert_int_eq(fdt_nop_property(blob, fdt_path_offset(blob, "/a"),
					  "gone"), 0);
	ck_assert_int_eq(blob_check(blob, fdt_totalsize(blob), "t.dtb", NULL), 0);
	for (node = 0; node >= 0; node = fdt_next_node(blob, node, NULL)) {
		for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
			wl = gl = 12345;
			want = fdt_getprop(blob, node, names[i], &wl);
			got = blob_getprop(blob, node, names[i], &gl);
			ck_assert_ptr_eq(got, want);
			ck_assert_int_eq(gl, wl);
			ck_assert_ptr_eq(blob_getprop(blob, node, names[i], NULL),
					 want);
		}
		ck_assert_uint_eq(blob_get_phandle(blob, node),
				  fdt_get_phandle(blob, node));
		ck_assert_int_eq(blob_address_cells(blob, node),
				 fdt_address_cells(blob, node));
		ck_assert_int_eq(blob_size_cells(blob, node),
				 fdt_size_cells(blob, node));
	}
	/* Tag by tag, as libfdt reads them. */
	node = 0;
	do {
		const char *wn, *gn;
		int wnext, gnext;
		uint32_t tag = fdt_next_tag(blob, node, &wnext);

		ck_assert_uint_eq(blob_next_tag(blob, node, &gnext), tag);
		ck_assert_int_eq(gnext, wnext);
		if (tag == FDT_BEGIN_NODE)
			ck_assert_str_eq(blob_node_name(blob, node),
					 fdt_get_name(blob, node, NULL));
		if (tag == FDT_PROP) {
			want = fdt_getprop_by_offset(blob, node, &wn, &wl);
			got = blob_prop(blob, node, &gn, &gl);
			ck_assert_ptr_eq(got, want);
			ck_assert_ptr_eq(gn, wn);
			ck_assert_int_eq(gl, wl);
		}
		node = wnext;
	} while (node >= 0 && fdt_next_tag(blob, node, &wl) != FDT_END);
	/* Walks from every node (and from before the first), with and
	 * without a depth, until libfdt's ends. */
	for (node = -1; node != -FDT_ERR_NOTFOUND;
	     node = fdt_next_node(blob, node, NULL)) {
		int a = node, b = node, da = 0, db = 0;

		do {
			a = fdt_next_node(blob, a, &da);
			b = blob_next_node(blob, b, &db);
			ck_assert_int_eq(b, a);
			ck_assert_int_eq(db, da);
		} while (a >= 0 && da >= 0);
		ck_assert_int_eq(blob_next_node(blob, node, NULL),
				 fdt_next_node(blob, node, NULL));
	}
	for (i = 0; i < (int)(sizeof(offsets) / sizeof(offsets[0])); i++) {
		ck_assert_int_eq(blob_next_node(blob, offsets[i] < 0 ? 1 :
						offsets[i], NULL),
				 fdt_next_node(blob, offsets[i] < 0 ? 1 :
					       offsets[i], NULL));
		wl = gl = 12345;
		want = fdt_getprop(blob, offsets[i], "status", &wl);
		got = blob_getprop(blob, offsets[i], "status", &gl);
		ck_assert_ptr_null(want);
		ck_assert_ptr_null(got);
		ck_assert_int_eq(gl, wl);
	}
}
END_TEST

Suite *blob_suite(void)
{
	Suite *s = tu_table_suite("blob", test_blob_check,
				  (int)(sizeof(blob_cases) / sizeof(blob_cases[0])));
	TCase *tc = tcase_create("path");

	tcase_add_loop_test(tc, test_blob_path, 0,
			    (int)(sizeof(path_cases) / sizeof(path_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("walk");
	tcase_add_test(tc, test_blob_walk_visits);
	tcase_add_test(tc, test_blob_getprop);
	tcase_add_loop_test(tc, test_blob_bad_structure, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

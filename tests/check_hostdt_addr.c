/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hostdt_addr: every reg entry as CPU addresses (hostdt_reg), page spans
 * (hostdt_page_span), and the page index of the host's devices
 * (hostdt_pages_build, hostdt_pages_users).  Table-driven.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "hostdt_addr.h"
#include "hostdt_query.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

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

/* ---- hostdt_reg ---- */

static const char reg_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	two@e6800000 { reg = <0x0 0xe6800000 0x0 0x800>,\n"
	"			     <0x0 0xe6a00000 0x0 0x10000>; };\n"
	"	high@804f000000 { reg = <0x80 0x4f000000 0x1 0x0>; };\n"
	"	bus@f0000000 { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x0 0xf0000000 0x100000>,\n"
	"			 <0x200000 0x1 0x0 0x1000>;\n"
	"		a@100 { reg = <0x100 0x40>, <0x200010 0x8>; };\n"
	"		out@300000 { reg = <0x300000 0x10>; };\n"
	"		inner@1000 { #address-cells = <1>; #size-cells = <0>;\n"
	"			ranges;\n"
	"			nosize@4 { reg = <0x4>; };\n"
	"		};\n"
	"	};\n"
	"	i2c@e6500000 { reg = <0x0 0xe6500000 0x0 0x40>;\n"
	"		#address-cells = <1>; #size-cells = <0>;\n"
	"		pmic@30 { reg = <0x30>; };\n"
	"	};\n"
	"	noreg { };\n"
	"	empty { reg; };\n"
	"	odd { reg = <0x0 0x1 0x0>; };\n"
	"	pci { #address-cells = <3>; #size-cells = <2>; ranges;\n"
	"		dev@0 { reg = <0x0 0x0 0x0 0x0 0x10>; };\n"
	"	};\n"
	"	widesize { #address-cells = <1>; #size-cells = <3>; ranges;\n"
	"		s@0 { reg = <0x0 0x0 0x0 0x10>; };\n"
	"	};\n"
	"	badranges { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x0 0x0 0x10 0x0>;\n"
	"		x@0 { reg = <0x0 0x4>; };\n"
	"	};\n"
	"};\n";

#define MAXR 3

static const struct reg_case {
	const char *node;
	int ret;			/* count, or a negative code */
	struct hostdt_region r[MAXR];
	const char *errnode, *prop, *msg;
} reg_cases[] = {
	{ "/two@e6800000", 2,
	  { { 0xe6800000, 0x800 }, { 0xe6a00000, 0x10000 } }, NULL, NULL, NULL },
	{ "/high@804f000000", 1, { { 0x804f000000ull, 0x100000000ull } },
	  NULL, NULL, NULL },
	/* each entry through the ranges entry that covers it */
	{ "/bus@f0000000/a@100", 2,
	  { { 0xf0000100, 0x40 }, { 0x100000010ull, 0x8 } }, NULL, NULL, NULL },
	/* size-cells 0: entries of an address only, size 0 */
	{ "/bus@f0000000/inner@1000/nosize@4", 1, { { 0xf0000004, 0 } },
	  NULL, NULL, NULL },
	{ "/noreg", 0, { { 0, 0 } }, NULL, NULL, NULL },
	{ "/bus@f0000000/out@300000", -VDT_ERR_BADDT, { { 0, 0 } },
	  "/bus@f0000000", "ranges", "no entry covers address 0x300000" },
	{ "/i2c@e6500000/pmic@30", -VDT_ERR_BADDT, { { 0, 0 } },
	  "/i2c@e6500000", "ranges", "missing" },
	{ "/empty", -VDT_ERR_BADDT, { { 0, 0 } }, "/empty", "reg",
	  "not a positive multiple" },
	{ "/odd", -VDT_ERR_BADDT, { { 0, 0 } }, "/odd", "reg",
	  "not a positive multiple of 4 cells" },
	{ "/pci/dev@0", -VDT_ERR_UNSUPPORTED, { { 0, 0 } }, "/pci/dev@0",
	  "#address-cells", "not supported" },
	/* the property that is out of range is the one named */
	{ "/widesize/s@0", -VDT_ERR_UNSUPPORTED, { { 0, 0 } }, "/widesize/s@0",
	  "#size-cells", "not supported" },
	{ "/badranges/x@0", -VDT_ERR_BADDT, { { 0, 0 } }, "/badranges",
	  "ranges", "not a multiple of 4 cells" },
	{ "/", -VDT_ERR_BADDT, { { 0, 0 } }, "/", "reg", "root" },
};

START_TEST(test_reg)
{
	const struct reg_case *c = &reg_cases[_i];
	struct hostdt_region *r = (void *)1;
	struct fixture f;
	int n, i;

	fx_open(&f, reg_dts);
	n = hostdt_reg(&f.h, node_at(&f, c->node), &r, &f.d);
	ck_assert_msg(n == c->ret, "%s: returned %d, want %d (%s)", c->node, n,
		      c->ret, f.d.error.text);
	if (n <= 0)
		ck_assert_ptr_null(r);
	for (i = 0; i < n; i++)
		ck_assert_msg(r[i].addr == c->r[i].addr &&
				      r[i].size == c->r[i].size,
			      "%s[%d]: 0x%llx+0x%llx, want 0x%llx+0x%llx",
			      c->node, i, (unsigned long long)r[i].addr,
			      (unsigned long long)r[i].size,
			      (unsigned long long)c->r[i].addr,
			      (unsigned long long)c->r[i].size);
	if (n < 0) {
		ck_assert_int_eq(f.d.code, n);
		ck_assert_str_eq(f.d.error.node, c->errnode);
		ck_assert_str_eq(f.d.error.prop, c->prop);
		ck_assert_msg(strstr(f.d.error.text, c->msg) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      f.d.error.text, c->msg);
	}
	free(r);
	fx_close(&f);
}
END_TEST

/* ---- hostdt_page_span ---- */

static const struct span_case {
	uint64_t addr, size;
	int ret;
	uint64_t first, count;
} span_cases[] = {
	{ 0xe6800000, 0x1000, 0, 0xe6800, 1 },
	{ 0xe6800000, 0x1001, 0, 0xe6800, 2 },
	/* not page aligned: rounded out at both ends */
	{ 0xe6800ff0, 0x20, 0, 0xe6800, 2 },
	{ 0xe6800100, 0x100, 0, 0xe6800, 1 },
	{ 0xe6800fff, 0x1, 0, 0xe6800, 1 },
	/* size 0 still occupies its page */
	{ 0xe6800010, 0, 0, 0xe6800, 1 },
	{ 0x804f000000ull, 0x100000000ull, 0, 0x804f000, 0x100000 },
	/* up to the very end of the address space */
	{ 0xfffffffffffff000ull, 0x1000, 0, 0xfffffffffffffull, 1 },
	{ 0xfffffffffffff000ull, 0x1001, -VDT_ERR_BADDT, 0, 0 },
	{ 0x1000, UINT64_MAX, -VDT_ERR_BADDT, 0, 0 },
};

START_TEST(test_page_span)
{
	const struct span_case *c = &span_cases[_i];
	struct hostdt_region r = { c->addr, c->size };
	uint64_t first = 0, count = 0;

	ck_assert_int_eq(hostdt_page_span(&r, &first, &count), c->ret);
	if (c->ret == 0) {
		ck_assert_uint_eq(first, c->first);
		ck_assert_uint_eq(count, c->count);
	}
}
END_TEST

/* ---- hostdt_pages_build / hostdt_pages_users ---- */

static const char pages_dts[] =
	"/ {\n"
	"	#address-cells = <1>; #size-cells = <1>;\n"
	/* a and b share page 0x10000; c spans 0x10001-0x10003 */
	"	a@10000000 { reg = <0x10000000 0x100>; };\n"
	"	b@10000800 { reg = <0x10000800 0x100>; };\n"
	"	c@10001000 { reg = <0x10001000 0x3000>; };\n"
	/* big covers 0x20000-0x2ffff; small lies inside it */
	"	big@20000000 { reg = <0x20000000 0x10000000>; };\n"
	"	small@25000000 { reg = <0x25000000 0x10>; };\n"
	/* two entries of one node: it appears once per entry */
	"	twice@30000000 { reg = <0x30000000 0x10>, <0x30000100 0x10>; };\n"
	/* not CPU addresses: left out, without an error */
	"	i2c@40000000 { reg = <0x40000000 0x100>;\n"
	"		#address-cells = <1>; #size-cells = <0>;\n"
	"		pmic@30 { reg = <0x30>; };\n"
	"	};\n"
	"	bus { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x50000000 0x1000>;\n"
	"		d@0 { reg = <0x0 0x10>; };\n"
	"		gone@2000 { reg = <0x2000 0x10>; };\n"
	"	};\n"
	"};\n";

#define MAXU 4

static const struct users_case {
	uint64_t first, count;
	size_t n;
	const char *users[MAXU];
} users_cases[] = {
	{ 0x10000, 1, 2, { "/a@10000000", "/b@10000800" } },
	{ 0x10002, 1, 1, { "/c@10001000" } },
	{ 0x10000, 4, 3, { "/a@10000000", "/b@10000800", "/c@10001000" } },
	{ 0x10004, 1, 0, { NULL } },
	{ 0x0ffff, 1, 0, { NULL } },
	/* a run starting long before the page still counts (max_end) */
	{ 0x2ffff, 1, 1, { "/big@20000000" } },
	{ 0x25000, 1, 2, { "/big@20000000", "/small@25000000" } },
	{ 0x26000, 1, 1, { "/big@20000000" } },
	{ 0x30000, 1, 2, { "/twice@30000000", "/twice@30000000" } },
	{ 0x40000, 1, 1, { "/i2c@40000000" } },
	{ 0x50000, 1, 1, { "/bus/d@0" } },
	{ 0x50002, 1, 0, { NULL } },
	{ 0x0, 0x10, 0, { NULL } },
};

START_TEST(test_pages_users)
{
	const struct users_case *c = &users_cases[_i];
	char path[256];
	struct hostdt_pages p;
	struct fixture f;
	int out[MAXU];
	size_t n, i;

	fx_open(&f, pages_dts);
	ck_assert_int_eq(hostdt_pages_build(&f.h, &p), 0);
	n = hostdt_pages_users(&p, c->first, c->count, out, MAXU);
	ck_assert_msg(n == c->n, "page 0x%llx+%llu: %zu users, want %zu",
		      (unsigned long long)c->first,
		      (unsigned long long)c->count, n, c->n);
	for (i = 0; i < n && i < MAXU; i++) {
		ck_assert_int_eq(fdt_get_path(f.blob, out[i], path,
					      sizeof(path)), 0);
		ck_assert_str_eq(path, c->users[i]);
	}
	/* @max bounds what is written, not the count */
	if (c->n > 1)
		ck_assert_uint_eq(hostdt_pages_users(&p, c->first, c->count,
						     out, 1), c->n);
	hostdt_pages_free(&p);
	ck_assert_ptr_null(p.runs);
	fx_close(&f);
}
END_TEST

/* A tree without any CPU address: an empty index, no user anywhere. */
START_TEST(test_pages_empty)
{
	struct hostdt_pages p;
	struct fixture f;
	int out[1];

	fx_open(&f, "/ { #address-cells = <1>; #size-cells = <0>;\n"
		    "	cpu@0 { reg = <0>; }; };\n");
	ck_assert_int_eq(hostdt_pages_build(&f.h, &p), 0);
	ck_assert_uint_eq(p.n, 1);	/* cpu@0: 0 is a CPU address here */
	hostdt_pages_free(&p);
	fx_close(&f);
	fx_open(&f, "/ { c { #address-cells = <1>; #size-cells = <0>;\n"
		    "	d@0 { reg = <0>; }; }; };\n");
	ck_assert_int_eq(hostdt_pages_build(&f.h, &p), 0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_uint_eq(hostdt_pages_users(&p, 0, 1, out, 1), 0);
	hostdt_pages_free(&p);
	fx_close(&f);
}
END_TEST

Suite *hostdt_addr_suite(void)
{
	Suite *s = suite_create("hostdt_addr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_reg, 0, N(reg_cases));
	tcase_add_loop_test(tc, test_page_span, 0, N(span_cases));
	tcase_add_loop_test(tc, test_pages_users, 0, N(users_cases));
	tcase_add_test(tc, test_pages_empty);
	suite_add_tcase(s, tc);
	return s;
}

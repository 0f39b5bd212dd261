/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "dts_write.h"
#include "testutil.h"
#include "vbuf.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TREE_SIZE 8192

/* ---- building blobs with libfdt ---- */

/* Add node @path (its parent must exist); returns its offset. */
static int add(void *fdt, const char *path)
{
	const char *slash = strrchr(path, '/');
	char parent[256];
	int p, node;

	ck_assert_ptr_nonnull(slash);
	ck_assert_int_lt(slash - path, (int)sizeof(parent));
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	p = fdt_path_offset(fdt, parent[0] ? parent : "/");
	ck_assert_int_ge(p, 0);
	node = fdt_add_subnode(fdt, p, slash + 1);
	ck_assert_int_ge(node, 0);
	return node;
}

static int at(void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	ck_assert_int_ge(node, 0);
	return node;
}

/* @path's property @prop = <the @n cells that follow>. */
static void cells(void *fdt, const char *path, const char *prop, int n, ...)
{
	fdt32_t v[16];
	va_list ap;
	int i;

	ck_assert_int_le(n, N(v));
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	ck_assert_int_eq(fdt_setprop(fdt, at(fdt, path), prop, v,
				     n * (int)sizeof(v[0])), 0);
}

static void raw(void *fdt, const char *path, const char *prop,
		const void *v, int len)
{
	ck_assert_int_eq(fdt_setprop(fdt, at(fdt, path), prop, v, len), 0);
}

/* A node with phandle @ph and, unless @cells_name is NULL, that many cells. */
static void provider(void *fdt, const char *path, uint32_t ph,
		     const char *cells_name, uint32_t n)
{
	add(fdt, path);
	cells(fdt, path, "phandle", 1, ph);
	if (cells_name)
		cells(fdt, path, cells_name, 1, n);
}

static void b_strings(void *fdt)
{
	static const char s[] = "a\tb\"c\\d\0e";
	static const char ctl[] = "x\ny\r\a";

	add(fdt, "/n");
	raw(fdt, "/n", "s", s, sizeof(s));
	raw(fdt, "/n", "ctl", ctl, sizeof(ctl));
	raw(fdt, "/n", "one", "ok", 3);
}

static void b_not_strings(void *fdt)
{
	add(fdt, "/n");
	raw(fdt, "/n", "ctl4", "ab\x01", 4);	/* a control byte: cells */
	raw(fdt, "/n", "empty-str", "\0a", 3);	/* an empty string: bytes */
	raw(fdt, "/n", "no-nul", "abc", 3);	/* no NUL: bytes */
	raw(fdt, "/n", "high", "\xc3\xa9", 3);	/* non-ASCII: bytes */
}

static void b_bytes_cells(void *fdt)
{
	static const unsigned char b[] = { 0x01, 0xab, 0x00 };

	add(fdt, "/n");
	raw(fdt, "/n", "b", b, sizeof(b));
	raw(fdt, "/n", "e", NULL, 0);
	cells(fdt, "/n", "c", 3, 0x0, 0x1, 0xdeadbeef);
	/* A cell equal to a phandle, outside any phandle position. */
	provider(fdt, "/gic", 0xfde8, "#interrupt-cells", 3);
	cells(fdt, "/n", "reg", 2, 0xfde8, 0x10);
}

static void b_label_ref(void *fdt)
{
	provider(fdt, "/gic", 0xfde8, "#interrupt-cells", 3);
	add(fdt, "/dev");
	cells(fdt, "/dev", "interrupt-parent", 1, 0xfde8);
	cells(fdt, "/dev", "interrupts-extended", 4, 0xfde8, 0, 5, 4);
}

static void b_path_ref(void *fdt)
{
	add(fdt, "/soc");
	provider(fdt, "/soc/intc@1000", 0x7, "#interrupt-cells", 3);
	add(fdt, "/soc/dev@2000");
	cells(fdt, "/soc/dev@2000", "interrupt-parent", 1, 0x7);
}

static void b_absent(void *fdt)
{
	add(fdt, "/dev");
	cells(fdt, "/dev", "interrupt-parent", 1, 0xfde8);
	cells(fdt, "/dev", "iommus", 2, 0xfdea, 0x3);
	cells(fdt, "/dev", "memory-region", 2, 0x9, 0x9);
}

static void b_iommus(void *fdt)
{
	provider(fdt, "/smmu0", 0x10, "#iommu-cells", 0);
	provider(fdt, "/smmu1", 0x11, "#iommu-cells", 1);
	provider(fdt, "/smmu2", 0x12, "#iommu-cells", 2);
	add(fdt, "/d0");
	cells(fdt, "/d0", "iommus", 2, 0x10, 0x10);
	add(fdt, "/d1");
	/* The argument 0x10 is smmu0's phandle: it stays a number. */
	cells(fdt, "/d1", "iommus", 4, 0x11, 0x10, 0x11, 0x12);
	add(fdt, "/d2");
	cells(fdt, "/d2", "iommus", 6, 0x12, 0x11, 0x7f00, 0x10, 0x11, 0x3);
}

static void b_iommu_map(void *fdt)
{
	provider(fdt, "/smmu", 0x11, "#iommu-cells", 1);
	add(fdt, "/pcie");
	/* Out-base and length equal to the phandle: they stay numbers. */
	cells(fdt, "/pcie", "iommu-map", 8, 0x0, 0x11, 0x11, 0x11,
	      0x100, 0x11, 0x200, 0x11);
	/* An entry cut short: no reference in it. */
	cells(fdt, "/pcie", "msi-map", 6, 0x0, 0x11, 0x0, 0x10, 0x10, 0x11);
}

static void b_memreserve(void *fdt)
{
	ck_assert_int_eq(fdt_add_mem_rsv(fdt, 0x1000, 0x2000), 0);
	ck_assert_int_eq(fdt_add_mem_rsv(fdt, 0x80000000ull << 4, 0x10), 0);
}

static void b_unparsed(void *fdt)
{
	provider(fdt, "/a", 0x1, NULL, 0);		/* no #clock-cells */
	provider(fdt, "/b", 0x2, "#clock-cells", 1);
	provider(fdt, "/c", 0x3, "#clock-cells", 4);	/* too many */
	add(fdt, "/d");
	cells(fdt, "/d", "clocks", 4, 0x2, 0x5, 0x1, 0x2);
	add(fdt, "/e");
	cells(fdt, "/e", "clocks", 4, 0x99, 0x2, 0x2, 0x0);
	add(fdt, "/f");
	cells(fdt, "/f", "clocks", 4, 0x3, 0x2, 0x2, 0x0);
	add(fdt, "/g");
	raw(fdt, "/g", "clocks", "\0\0\0\x02\0", 5);	/* not whole cells */
}

static void b_lists(void *fdt)
{
	provider(fdt, "/its", 0x5, NULL, 0);
	provider(fdt, "/p1", 0x6, NULL, 0);
	provider(fdt, "/gpio", 0x7, "#gpio-cells", 2);
	add(fdt, "/dev");
	/* No #msi-cells: 0, so the second cell is a phandle too. */
	cells(fdt, "/dev", "msi-parent", 2, 0x5, 0x6);
	cells(fdt, "/dev", "pinctrl-0", 2, 0x6, 0x5);
	cells(fdt, "/dev", "pinctrl-names", 1, 0x6);	/* not a phandle */
	cells(fdt, "/dev", "reset-gpios", 3, 0x7, 0x6, 0x1);
	cells(fdt, "/dev", "snps,nr-gpios", 1, 0x7);
	add(fdt, "/gpio/hog");
	raw(fdt, "/gpio/hog", "gpio-hog", NULL, 0);
	cells(fdt, "/gpio/hog", "gpios", 2, 0x7, 0x0);
}

static void b_root_label(void *fdt)
{
	cells(fdt, "/", "phandle", 1, 0x1);
	add(fdt, "/dev");
	cells(fdt, "/dev", "interrupt-parent", 1, 0x1);
}

static void b_bad_node(void *fdt)
{
	add(fdt, "/a b");
}

static void b_bad_prop(void *fdt)
{
	cells(fdt, "/", "a=b", 1, 0x1);
}

static const struct dts_label gic_label[] = { { "gic", "/gic" } };
static const struct dts_label two_labels[] = {
	{ "s1", "/smmu" }, { "gone", "/nowhere" }, { "s_alt", "/smmu" },
	{ "pci0", "/pcie" },
};
static const struct dts_label root_label[] = { { "root", "/" } };
static const struct dts_label bad_label[] = { { "0abc", "/gic" } };
static const struct dts_label dup_label[] = {
	{ "x", "/gic" }, { "y", "/gic" }, { "x", "/" },
};

static const struct write_case {
	const char *name;
	void (*build)(void *fdt);
	const struct dts_label *labels;
	int nlabels;
	int ret;
	const char *want[8];	/* lines (or parts) the text must have */
	const char *unwanted[4];
} cases[] = {
	{ "strings and escapes", b_strings, NULL, 0, 0,
	  { "\ts = \"a\\tb\\\"c\\\\d\", \"e\";\n",
	    "\tctl = \"x\\ny\\r\\a\";\n", "\tone = \"ok\";\n" }, { NULL } },
	{ "not strings", b_not_strings, NULL, 0, 0,
	  { "ctl4 = <0x61620100>;", "empty-str = [00 61 00];",
	    "no-nul = [61 62 63];", "high = [c3 a9 00];" }, { NULL } },
	{ "bytes, cells, empty", b_bytes_cells, NULL, 0, 0,
	  { "\tb = [01 ab 00];\n", "\te;\n", "c = <0x0 0x1 0xdeadbeef>;",
	    "reg = <0xfde8 0x10>;", "phandle = <0xfde8>;" }, { NULL } },
	{ "label", b_label_ref, gic_label, 1, 0,
	  { "\tgic: gic {\n", "interrupt-parent = <&gic>;",
	    "interrupts-extended = <&gic 0x0 0x5 0x4>;" }, { "&{" } },
	{ "path reference", b_path_ref, NULL, 0, 0,
	  { "interrupt-parent = <&{/soc/intc@1000}>;", "\t\tintc@1000 {\n" },
	  { NULL } },
	{ "absent targets stay numbers", b_absent, NULL, 0, 0,
	  { "interrupt-parent = <0xfde8>;", "iommus = <0xfdea 0x3>;",
	    "memory-region = <0x9 0x9>;" }, { "&" } },
	{ "iommus of 0, 1 and 2 cells", b_iommus, NULL, 0, 0,
	  { "iommus = <&{/smmu0} &{/smmu0}>;",
	    "iommus = <&{/smmu1} 0x10 &{/smmu1} 0x12>;",
	    "iommus = <&{/smmu2} 0x11 0x7f00 &{/smmu0} &{/smmu1} 0x3>;" },
	  { NULL } },
	{ "iommu-map, labels", b_iommu_map, two_labels, N(two_labels), 0,
	  { "iommu-map = <0x0 &s1 0x11 0x11 0x100 &s1 0x200 0x11>;",
	    "msi-map = <0x0 &s1 0x0 0x10 0x10 0x11>;",
	    "\ts1: s_alt: smmu {\n", "\tpci0: pcie {\n" }, { "gone" } },
	{ "memreserve", b_memreserve, NULL, 0, 0,
	  { "/dts-v1/;\n\n/memreserve/ 0x1000 0x2000;\n"
	    "/memreserve/ 0x800000000 0x10;\n\n/ {\n" }, { NULL } },
	{ "unparsable specifiers", b_unparsed, NULL, 0, 0,
	  { "clocks = <&{/b} 0x5 &{/a} 0x2>;",
	    "clocks = <0x99 0x2 0x2 0x0>;",
	    "clocks = <&{/c} 0x2 0x2 0x0>;",
	    "clocks = [00 00 00 02 00];" }, { NULL } },
	{ "lists, msi-parent, gpios", b_lists, NULL, 0, 0,
	  { "msi-parent = <&{/its} &{/p1}>;", "pinctrl-0 = <&{/p1} &{/its}>;",
	    "pinctrl-names = <0x6>;", "reset-gpios = <&{/gpio} 0x6 0x1>;",
	    "snps,nr-gpios = <0x7>;", "\t\t\tgpios = <0x7 0x0>;" },
	  { NULL } },
	{ "root label", b_root_label, root_label, 1, 0,
	  { "\n/ {\n", "interrupt-parent = <&root>;",
	    "};\n\nroot: &{/} {\n};\n" }, { "root: /" } },
	{ "invalid label", b_label_ref, bad_label, 1, -VDT_ERR_INPUT,
	  { "not a valid label" }, { NULL } },
	{ "duplicate label", b_label_ref, dup_label, N(dup_label),
	  -VDT_ERR_INPUT, { "label \"x\" is given twice" }, { NULL } },
	{ "unwritable node name", b_bad_node, NULL, 0, -VDT_ERR_UNSUPPORTED,
	  { "node name \"a b\" cannot be written" }, { NULL } },
	{ "unwritable property name", b_bad_prop, NULL, 0,
	  -VDT_ERR_UNSUPPORTED, { "property name \"a=b\" cannot be" },
	  { NULL } },
};

/* ---- comparing trees ---- */

/* Whether @a and @b hold the same memreserves, nodes and properties. */
static void assert_same_tree(const char *name, const void *a, const void *b)
{
	int na = 0, nb = 0, da = 0, db = 0, pa, pb, la, lb, i;
	uint64_t aa, as, ba, bs;
	const char *sa, *sb;
	const void *va, *vb;

	ck_assert_int_eq(fdt_num_mem_rsv(a), fdt_num_mem_rsv(b));
	for (i = 0; i < fdt_num_mem_rsv(a); i++) {
		ck_assert_int_eq(fdt_get_mem_rsv(a, i, &aa, &as), 0);
		ck_assert_int_eq(fdt_get_mem_rsv(b, i, &ba, &bs), 0);
		ck_assert_msg(aa == ba && as == bs, "%s: memreserve %d", name,
			      i);
	}
	while (na >= 0 && da >= 0) {
		ck_assert_msg(nb >= 0 && db == da, "%s: trees differ", name);
		ck_assert_str_eq(fdt_get_name(a, na, NULL),
				 fdt_get_name(b, nb, NULL));
		pb = fdt_first_property_offset(b, nb);
		fdt_for_each_property_offset(pa, a, na) {
			ck_assert_msg(pb >= 0, "%s: %s: property missing",
				      name, fdt_get_name(a, na, NULL));
			va = fdt_getprop_by_offset(a, pa, &sa, &la);
			vb = fdt_getprop_by_offset(b, pb, &sb, &lb);
			ck_assert_str_eq(sa, sb);
			ck_assert_msg(la == lb && memcmp(va, vb, (size_t)la) == 0,
				      "%s: %s: values differ", name, sa);
			pb = fdt_next_property_offset(b, pb);
		}
		ck_assert_msg(pb < 0, "%s: extra property", name);
		na = fdt_next_node(a, na, &da);
		nb = fdt_next_node(b, nb, &db);
	}
	ck_assert_msg((nb < 0 || db < 0) && da == db, "%s: extra node", name);
}

START_TEST(test_write)
{
	const struct write_case *c = &cases[_i];
	void *fdt = malloc(TREE_SIZE), *back;
	struct vdt_diag d;
	struct vbuf out;
	size_t size;
	int r, i;

	ck_assert_ptr_nonnull(fdt);
	ck_assert_int_eq(fdt_create_empty_tree(fdt, TREE_SIZE), 0);
	c->build(fdt);
	ck_assert_int_eq(fdt_pack(fdt), 0);
	vdt_diag_init(&d);
	vbuf_init(&out);
	r = dts_write(fdt, fdt_totalsize(fdt), c->labels, c->nlabels, "o.dts",
		      &out, &d);
	ck_assert_msg(r == c->ret, "%s: returned %d, want %d (%s)", c->name,
		      r, c->ret, d.error.text);
	for (i = 0; i < N(c->want) && c->want[i]; i++)
		ck_assert_msg(strstr(r < 0 ? d.error.text : out.data,
				     c->want[i]) != NULL,
			      "%s: no \"%s\" in:\n%s", c->name, c->want[i],
			      r < 0 ? d.error.text : out.data);
	for (i = 0; i < N(c->unwanted) && c->unwanted[i]; i++)
		ck_assert_msg(!out.data || !strstr(out.data, c->unwanted[i]),
			      "%s: \"%s\" in:\n%s", c->name, c->unwanted[i],
			      out.data);
	if (r < 0) {
		ck_assert_int_eq(d.code, c->ret);
		ck_assert_str_eq(d.error.file, "o.dts");
	} else {
		/* dtc compiles the text back to the same tree. */
		back = tu_dtb(out.data, &size);
		assert_same_tree(c->name, fdt, back);
		free(back);
	}
	vbuf_free(&out);
	vdt_diag_free(&d);
	free(fdt);
}
END_TEST

START_TEST(test_bad_blob)
{
	char junk[64] = "not a blob";
	struct vdt_diag d;
	struct vbuf out;

	vdt_diag_init(&d);
	vbuf_init(&out);
	ck_assert_int_eq(dts_write(junk, sizeof(junk), NULL, 0, "o.dts", &out,
				   &d), -VDT_ERR_BADDT);
	ck_assert_int_eq(out.len, 0);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_label_valid)
{
	ck_assert_int_eq(dts_label_valid("gic"), 1);
	ck_assert_int_eq(dts_label_valid("_a9_Z"), 1);
	ck_assert_int_eq(dts_label_valid("9a"), 0);
	ck_assert_int_eq(dts_label_valid("a-b"), 0);
	ck_assert_int_eq(dts_label_valid(""), 0);
	ck_assert_int_eq(dts_label_valid(NULL), 0);
}
END_TEST

Suite *dts_write_suite(void)
{
	Suite *s = tu_table_suite("dts_write", test_write, N(cases));
	TCase *tc = tcase_create("misc");

	tcase_add_test(tc, test_bad_blob);
	tcase_add_test(tc, test_label_valid);
	suite_add_tcase(s, tc);
	return s;
}

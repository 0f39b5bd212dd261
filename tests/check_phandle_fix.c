/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "phandle_fix.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- phandle_fix_check ---- */

static const struct check_case {
	const char *name;
	const char *dts;
	uint32_t viommu_phandle;
	const char *dup;	/* give this node phandle 0x5 after dtc */
	int ret;
	const char *viommu_node;	/* expected *viommu_node, or NULL */
	const char *errnode;
	const char *msg;
} check_cases[] = {
	{ "plain phandles and the GIC's", "/ { gic { phandle = <0xfde8>;"
	  " interrupt-controller; }; a { phandle = <0x5>; };"
	  " b { phandle = <0xfde7>; }; };",
	  0xfdea, NULL, 0, NULL, NULL, NULL },
	{ "0xfde8 on a node that is no GIC placeholder", "/ { passthrough {"
	  " dev { phandle = <0xfde8>; }; }; };",
	  0xfdea, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/dev",
	  "only the GIC placeholder may take" },
	{ "linux,phandle alone is a phandle", "/ { passthrough { dev {"
	  " compatible = \"foo\"; linux,phandle = <0xfdea>; }; }; };",
	  0xfdea, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/dev",
	  "vIOMMU phandle" },
	{ "linux,phandle and phandle agree", "/ { passthrough { dev {"
	  " linux,phandle = <0x5>; phandle = <0x5>; }; }; };",
	  0xfdea, NULL, 0, NULL, NULL, NULL },
	{ "duplicate phandle", "/ { a { phandle = <0x5>; };"
	  " passthrough { b { }; }; };",
	  0xfdea, "/passthrough/b", -VDT_ERR_CONFLICT, NULL,
	  "/passthrough/b", "0x5 is also the phandle of /a" },
	{ "vIOMMU phandle on a device", "/ { passthrough { dev {"
	  " compatible = \"foo\"; phandle = <0xfdea>; }; }; };",
	  0xfdea, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/dev",
	  "vIOMMU phandle" },
	{ "vIOMMU phandle on an SMMUv3 with xen,path", "/ { passthrough {"
	  " dev { compatible = \"arm,smmu-v3\"; xen,path = \"/smmu\";"
	  " phandle = <0xfdea>; }; }; };",
	  0xfdea, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/dev",
	  "vIOMMU phandle" },
	{ "vIOMMU node of an earlier run", "/ { passthrough { dev { }; "
	  "iommu@4040000 { compatible = \"arm,smmu-v3\";"
	  " phandle = <0xfdea>; }; }; };",
	  0xfdea, NULL, 0, "/passthrough/iommu@4040000", NULL, NULL },
	{ "reserved 0xfdf0", "/ { passthrough { x { phandle = <0xfdf0>; };"
	  " }; };",
	  0xfdea, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/x",
	  "reserved" },
	{ "reserved 0xfde9", "/ { y { phandle = <0xfde9>; }; };",
	  0xfdea, NULL, -VDT_ERR_CONFLICT, NULL, "/y", "reserved" },
	{ "custom vIOMMU phandle on a device", "/ { passthrough { dev {"
	  " phandle = <0x100>; }; }; };",
	  0x100, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/dev",
	  "vIOMMU phandle" },
	{ "custom vIOMMU phandle on the vIOMMU node", "/ { passthrough {"
	  " iommu@1 { compatible = \"arm,smmu-v3\"; phandle = <0x100>; };"
	  " }; };",
	  0x100, NULL, 0, "/passthrough/iommu@1", NULL, NULL },
	{ "default phandle is reserved when a custom one is chosen",
	  "/ { passthrough { iommu@1 { compatible = \"arm,smmu-v3\";"
	  " phandle = <0xfdea>; }; }; };",
	  0x100, NULL, -VDT_ERR_CONFLICT, NULL, "/passthrough/iommu@1",
	  "reserved" },
	{ "custom vIOMMU phandle in the reserved range", "/ { passthrough {"
	  " iommu@1 { compatible = \"arm,smmu-v3\"; phandle = <0xfff0>; };"
	  " }; };",
	  0xfff0, NULL, 0, "/passthrough/iommu@1", NULL, NULL },
};

/* Give node @path phandle 5 in a copy of @blob (dtc refuses duplicates). */
static void *with_dup_phandle(void *blob, const char *path)
{
	int size = (int)fdt_totalsize(blob) + 256, node;
	void *out = malloc((size_t)size);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(fdt_open_into(blob, out, size), 0);
	node = fdt_path_offset(out, path);
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(fdt_setprop_u32(out, node, "phandle", 5), 0);
	ck_assert_int_eq(fdt_pack(out), 0);
	free(blob);
	return out;
}

START_TEST(test_check)
{
	const struct check_case *c = &check_cases[_i];
	struct vdt_diag d;
	int r, vnode = 12345;
	size_t size;
	void *fdt = tu_dtb(c->dts, &size);

	if (c->dup)
		fdt = with_dup_phandle(fdt, c->dup);
	vdt_diag_init(&d);
	r = phandle_fix_check(fdt, "p.dtb", c->viommu_phandle, &vnode, &d);
	ck_assert_msg(r == c->ret, "%s: returned %d, want %d (%s)", c->name,
		      r, c->ret, d.error.text);
	if (c->viommu_node)
		ck_assert_int_eq(vnode, fdt_path_offset(fdt, c->viommu_node));
	else if (r == 0)
		ck_assert_int_eq(vnode, -VDT_ERR_NOTFOUND);
	if (c->ret < 0) {
		ck_assert_int_eq(d.code, c->ret);
		ck_assert_str_eq(d.error.file, "p.dtb");
		ck_assert_str_eq(d.error.node, c->errnode);
		ck_assert_str_eq(d.error.prop, "phandle");
		ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->name,
			      d.error.text, c->msg);
	} else {
		ck_assert_int_eq(d.code, 0);
	}
	vdt_diag_free(&d);
	free(fdt);
}
END_TEST

START_TEST(test_is_viommu_node)
{
	size_t size;
	void *fdt = tu_dtb("/ { a { compatible = \"arm,smmu-v3\"; };"
			   " b { compatible = \"x\", \"arm,smmu-v3\"; };"
			   " c { compatible = \"arm,smmu-v3\"; xen,path = \"/c\"; };"
			   " d { compatible = \"arm,smmu\"; }; e { };"
			   " f { compatible = [61 72 6d 2c 73 6d 6d 75 2d 76 33]; }; };",
			   &size);

	ck_assert_int_eq(phandle_fix_is_viommu_node(fdt, fdt_path_offset(fdt, "/a")), 1);
	ck_assert_int_eq(phandle_fix_is_viommu_node(fdt, fdt_path_offset(fdt, "/b")), 1);
	ck_assert_int_eq(phandle_fix_is_viommu_node(fdt, fdt_path_offset(fdt, "/c")), 0);
	ck_assert_int_eq(phandle_fix_is_viommu_node(fdt, fdt_path_offset(fdt, "/d")), 0);
	ck_assert_int_eq(phandle_fix_is_viommu_node(fdt, fdt_path_offset(fdt, "/e")), 0);
	/* "arm,smmu-v3" without its NUL: not a string list. */
	ck_assert_int_eq(phandle_fix_is_viommu_node(fdt, fdt_path_offset(fdt, "/f")), 0);
	free(fdt);
}
END_TEST

/* ---- phandle_fix_read_iommus ---- */

static const struct hostdt_spec one_cell[] = { { 0, 1, 0x10, 0 } };
static const struct hostdt_spec two_one_cell[] = {
	{ 0, 1, 0x10, 0 }, { 0, 1, 0x11, 0 },
};
static const struct hostdt_spec two_cells[] = { { 0, 2, 0x20, 0x7f00 } };
static const struct hostdt_spec zero_and_one[] = {
	{ 0, 0, 0, 0 }, { 0, 1, 0x10, 0 },
};

static const struct read_case {
	const char *name;
	const char *prop;	/* the iommus line of the partial node, or "" */
	const struct hostdt_spec *specs;
	int nspecs;
	int ret;
	uint32_t pins[2];
	const char *msg;
} read_cases[] = {
	{ "absent", "", one_cell, 1, PFIX_ABSENT, { 0, 0 }, NULL },
	{ "pinned", "iommus = <0xfdea 0x5 0xfdea 0x7>;", two_one_cell, 2,
	  PFIX_PINNED, { 5, 7 }, NULL },
	{ "pinned count mismatch", "iommus = <0xfdea 0x1 0xfdea 0x2>;",
	  one_cell, 1, -VDT_ERR_INPUT, { 0, 0 },
	  "2 pinned vIDs, host /soc/dev has 1 IOMMU specifiers" },
	{ "pinned odd cell count", "iommus = <0xfdea 0x1 0xfdea>;",
	  two_one_cell, 2, -VDT_ERR_INPUT, { 0, 0 },
	  "3 cells cannot be pinned vIDs" },
	{ "mixed pinned and copied", "iommus = <0xfdea 0x1 0x5 0x11>;",
	  two_one_cell, 2, -VDT_ERR_INPUT, { 0, 0 }, "cannot be mixed" },
	{ "copy with phandle 0", "iommus = <0x0 0x10>;", one_cell, 1,
	  PFIX_COPY, { 0, 0 }, NULL },
	{ "copy with another phandle", "iommus = <0x3 0x10 0x4 0x11>;",
	  two_one_cell, 2, PFIX_COPY, { 0, 0 }, NULL },
	{ "copy of 0 and 1 cells", "iommus = <0x3 0x4 0x10>;",
	  zero_and_one, 2, PFIX_COPY, { 0, 0 }, NULL },
	{ "stale copy", "iommus = <0x0 0x11>;", one_cell, 1, -VDT_ERR_INPUT,
	  { 0, 0 }, "stale copy: partial says 0x11, host says 0x10" },
	{ "stale copy, second specifier", "iommus = <0x0 0x10 0x0 0x12>;",
	  two_one_cell, 2, -VDT_ERR_INPUT, { 0, 0 },
	  "stale copy: partial says 0x12, host says 0x11" },
	{ "copy of 2 cells", "iommus = <0x0 0x20 0x7f00>;", two_cells, 1,
	  PFIX_COPY, { 0, 0 }, NULL },
	{ "stale mask", "iommus = <0x0 0x20 0x7f01>;", two_cells, 1,
	  -VDT_ERR_INPUT, { 0, 0 },
	  "stale copy: partial says 0x7f01, host says 0x7f00" },
	{ "copy length mismatch", "iommus = <0x0 0x10 0x0 0x11>;", one_cell,
	  1, -VDT_ERR_INPUT, { 0, 0 },
	  "stale copy: partial has 4 cells, host /soc/dev has 2" },
	{ "copy too short for the mask", "iommus = <0x0 0x20>;", two_cells,
	  1, -VDT_ERR_INPUT, { 0, 0 }, "partial has 2 cells" },
	{ "not whole cells", "iommus = [00 00 fd ea 00];", one_cell, 1,
	  -VDT_ERR_BADDT, { 0, 0 }, "length 5" },
	{ "empty", "iommus;", one_cell, 1, -VDT_ERR_BADDT, { 0, 0 },
	  "length 0" },
	{ "host has no IOMMU", "iommus = <0xfdea 0x1>;", NULL, 0,
	  -VDT_ERR_INPUT, { 0, 0 },
	  "host node /soc/dev has no iommus, so none can be given here" },
};

static const struct pfix_where where = {
	"p.dtb", "/passthrough/dev", "h.dtb", "/soc/dev",
};

/* A partial DT with /passthrough/dev holding the property line @prop. */
static void *dev_fdt(const char *prop, int *node)
{
	char dts[512];
	size_t size;
	void *fdt;

	snprintf(dts, sizeof(dts),
		 "/ { passthrough { dev { xen,path = \"/soc/dev\"; %s }; }; };",
		 prop);
	fdt = tu_dtb(dts, &size);
	*node = fdt_path_offset(fdt, "/passthrough/dev");
	return fdt;
}

/* A read's result @r and diagnostics @d against the case's @ret and @msg. */
static void check_read(const char *name, int r, int ret, const char *prop,
		       const char *msg, const struct vdt_diag *d)
{
	ck_assert_msg(r == ret, "%s: returned %d, want %d (%s)", name, r, ret,
		      d->error.text);
	if (ret >= 0) {
		ck_assert_int_eq(d->code, 0);
		return;
	}
	ck_assert_int_eq(d->code, ret);
	ck_assert_str_eq(d->error.file, "p.dtb");
	ck_assert_str_eq(d->error.node, "/passthrough/dev");
	ck_assert_str_eq(d->error.prop, prop);
	ck_assert_msg(strstr(d->error.text, msg) != NULL,
		      "%s: \"%s\" lacks \"%s\"", name, d->error.text, msg);
}

START_TEST(test_read_iommus)
{
	const struct read_case *c = &read_cases[_i];
	uint32_t pins[2] = { 0xaaaa, 0xbbbb };
	struct vdt_diag d;
	int node, r;
	void *fdt = dev_fdt(c->prop, &node);

	vdt_diag_init(&d);
	r = phandle_fix_read_iommus(fdt, node, 0xfdea, c->specs, c->nspecs,
				    pins, &where, &d);
	check_read(c->name, r, c->ret, "iommus", c->msg, &d);
	if (c->ret == PFIX_PINNED) {
		ck_assert_uint_eq(pins[0], c->pins[0]);
		ck_assert_uint_eq(pins[1], c->pins[1]);
	}
	vdt_diag_free(&d);
	free(fdt);
}
END_TEST

/* A wrong pin count comes with a hint showing the pinned form. */
START_TEST(test_read_pins_hint)
{
	uint32_t pins[1];
	struct vdt_diag d;
	size_t size;
	void *fdt = tu_dtb("/ { passthrough { dev { iommus = <0x100 1 0x100 2>; }; }; };",
			   &size);

	vdt_diag_init(&d);
	ck_assert_int_eq(phandle_fix_read_iommus(fdt,
			fdt_path_offset(fdt, "/passthrough/dev"), 0x100,
			one_cell, 1, pins, &where, &d), -VDT_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(d.hint, "<0x100 vID>"));
	vdt_diag_free(&d);
	free(fdt);
}
END_TEST

/* ---- phandle_fix_write_iommus ---- */

/* What a writer under test puts between "compatible" and "status". */
struct sw_prop {
	const uint32_t *vids;
	int n;
	const struct hostdt_map_entry *map;	/* NULL: write iommus */
};

/*
 * "/ { dev { compatible; <the property>; status; }; }" with fdt_out
 * (@size: its size hint); returns the writer's result, the blob in *@out.
 */
static int sw_dev(int size, const struct sw_prop *w, void **out)
{
	struct fdt_out o;
	size_t len;
	int r;

	*out = NULL;
	ck_assert_int_eq(fdt_out_init(&o, (size_t)size), 0);
	ck_assert_int_eq(fdt_out_finish_rsv(&o), 0);
	ck_assert_int_eq(fdt_out_begin_node(&o, ""), 0);
	ck_assert_int_eq(fdt_out_begin_node(&o, "dev"), 0);
	ck_assert_int_eq(fdt_out_property_string(&o, "compatible", "x"), 0);
	r = w->map ? phandle_fix_write_iommu_map(&o, 0xfdea, w->map, w->n,
						 w->vids) :
		     phandle_fix_write_iommus(&o, 0xfdea, w->vids, w->n);
	if (r < 0) {
		fdt_out_free(&o);
		return r;
	}
	ck_assert_int_eq(fdt_out_property_string(&o, "status", "okay"), 0);
	ck_assert_int_eq(fdt_out_end_node(&o), 0);
	ck_assert_int_eq(fdt_out_end_node(&o), 0);
	ck_assert_int_eq(fdt_out_finish(&o, 0, out, &len), 0);
	ck_assert_int_eq(fdt_check_full(*out, len), 0);
	return 0;
}

START_TEST(test_write_iommus)
{
	static const uint32_t vids[] = { 3, 0x10, 0xffffffffu };
	static const struct sw_prop w = { vids, 3, NULL };
	static const uint32_t want[] = {
		0xfdea, 3, 0xfdea, 0x10, 0xfdea, 0xffffffffu,
	};
	static const char *const names[] = { "compatible", "iommus", "status" };
	const fdt32_t *p;
	const char *name;
	int node, len, i, off;
	void *fdt;

	ck_assert_int_eq(sw_dev(4096, &w, &fdt), 0);
	node = fdt_path_offset(fdt, "/dev");
	p = fdt_getprop(fdt, node, "iommus", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(len, 24);
	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(fdt32_to_cpu(p[i]), want[i]);
	/* Written where it was asked for, between its neighbours. */
	i = 0;
	fdt_for_each_property_offset(off, fdt, node) {
		fdt_getprop_by_offset(fdt, off, &name, NULL);
		ck_assert_int_lt(i, 3);
		ck_assert_str_eq(name, names[i]);
		i++;
	}
	ck_assert_int_eq(i, 3);
	free(fdt);
}
END_TEST

START_TEST(test_write_iommus_nospace)
{
	static const uint32_t vids[64] = { 0 };
	static const struct sw_prop w = { vids, 64, NULL };
	void *fdt;

	/* Past the size hint: the blob grows. */
	ck_assert_int_eq(sw_dev(0, &w, &fdt), 0);
	ck_assert_ptr_nonnull(fdt);
	free(fdt);
}
END_TEST

/* ---- phandle_fix_read_iommu_map ---- */

/* The host's entries: one kept whole, one shortened by a mask, one dropped. */
static const struct hostdt_map_entry host_map[] = {
	{ 0x0, 0, 0x100, 0x10, 0x10 },
	{ 0x10, 0, 0x200, 0x100, 0x20 },
	{ 0x200, 0, 0x0, 0x0, 0x0 },
};

static const struct map_read_case {
	const char *name;
	const char *prop;	/* the partial node's iommu-map line, or "" */
	int nmap;
	int ret;
	uint32_t pins[3];
	const char *msg;
} map_read_cases[] = {
	{ "absent", "", 3, PFIX_ABSENT, { 0xaa, 0xbb, 0xcc }, NULL },
	{ "own output", "iommu-map = <0x0 0xfdea 0x5 0x10 0x10 0xfdea 0x40 0x20>;",
	  3, PFIX_PINNED, { 0x5, 0x40, 0xcc }, NULL },
	{ "own output, a dropped entry given", "iommu-map = <0x0 0xfdea 0x5 0x10"
	  " 0x10 0xfdea 0x40 0x20 0x200 0xfdea 0x60 0x0>;", 3, -VDT_ERR_INPUT,
	  { 0 }, "3 entries refer to the vIOMMU, host /soc/dev has 2 reachable entries" },
	{ "own output, count", "iommu-map = <0x0 0xfdea 0x5 0x10>;", 3,
	  -VDT_ERR_INPUT, { 0 },
	  "1 entries refer to the vIOMMU, host /soc/dev has 2 reachable entries" },
	{ "own output, RID base", "iommu-map = <0x0 0xfdea 0x5 0x10"
	  " 0x11 0xfdea 0x40 0x20>;", 3, -VDT_ERR_INPUT, { 0 },
	  "entry 1: starts at RID 0x11, host /soc/dev says 0x10" },
	{ "own output, nominal length", "iommu-map = <0x0 0xfdea 0x5 0x10"
	  " 0x10 0xfdea 0x40 0x100>;", 3, -VDT_ERR_INPUT, { 0 },
	  "entry 1: has length 0x100, host /soc/dev says 0x20" },
	{ "own output, shorter length", "iommu-map = <0x0 0xfdea 0x5 0xf"
	  " 0x10 0xfdea 0x40 0x20>;", 3, -VDT_ERR_INPUT, { 0 },
	  "entry 0: has length 0xf, host /soc/dev says 0x10" },
	{ "own output mixed with a copy", "iommu-map = <0x0 0xfdea 0x5 0x10"
	  " 0x10 0x3 0x200 0x100>;", 3, -VDT_ERR_INPUT, { 0 },
	  "entry 1 refers to phandle 0x3, not the vIOMMU 0xfdea" },
	{ "copy", "iommu-map = <0x0 0x3 0x100 0x10 0x10 0x4 0x200 0x100"
	  " 0x200 0x0 0x0 0x0>;", 3, PFIX_COPY, { 0xaa, 0xbb, 0xcc }, NULL },
	{ "copy, stale pID", "iommu-map = <0x0 0x3 0x100 0x10 0x10 0x3 0x201"
	  " 0x100 0x200 0x3 0x0 0x0>;", 3, -VDT_ERR_INPUT, { 0 },
	  "stale copy: partial says 0x201, host says 0x200" },
	{ "copy, stale RID", "iommu-map = <0x1 0x3 0x100 0x10 0x10 0x3 0x200"
	  " 0x100 0x200 0x3 0x0 0x0>;", 3, -VDT_ERR_INPUT, { 0 },
	  "stale copy: partial says 0x1, host says 0x0" },
	/* A copy carries the nominal length, not the effective one. */
	{ "copy, effective length", "iommu-map = <0x0 0x3 0x100 0x10 0x10 0x3"
	  " 0x200 0x20 0x200 0x3 0x0 0x0>;", 3, -VDT_ERR_INPUT, { 0 },
	  "stale copy: partial says 0x20, host says 0x100" },
	{ "copy, entry count", "iommu-map = <0x0 0x3 0x100 0x10 0x10 0x3 0x200"
	  " 0x100>;", 3, -VDT_ERR_INPUT, { 0 },
	  "stale copy: partial has 2 entries, host /soc/dev has 3" },
	{ "host has no iommu-map", "iommu-map = <0x0 0x3 0x100 0x10>;", 0,
	  -VDT_ERR_INPUT, { 0 },
	  "host node /soc/dev has no iommu-map, so none can be given here" },
	{ "not whole entries", "iommu-map = <0x0 0xfdea 0x5>;", 3,
	  -VDT_ERR_BADDT, { 0 }, "length 12" },
	{ "empty", "iommu-map;", 3, -VDT_ERR_BADDT, { 0 }, "length 0" },
};

START_TEST(test_read_iommu_map)
{
	const struct map_read_case *c = &map_read_cases[_i];
	uint32_t pins[3] = { 0xaa, 0xbb, 0xcc };
	struct vdt_diag d;
	int node, r, i;
	void *fdt = dev_fdt(c->prop, &node);

	vdt_diag_init(&d);
	r = phandle_fix_read_iommu_map(fdt, node, 0xfdea,
				       c->nmap ? host_map : NULL, c->nmap,
				       pins, &where, &d);
	check_read(c->name, r, c->ret, "iommu-map", c->msg, &d);
	for (i = 0; r >= 0 && i < 3; i++)
		ck_assert_msg(pins[i] == c->pins[i], "%s: pin %d is 0x%x, want 0x%x",
			      c->name, i, pins[i], c->pins[i]);
	vdt_diag_free(&d);
	free(fdt);
}
END_TEST

/* ---- phandle_fix_read_lopper ---- */

static const struct lopper_case {
	const char *name;
	const char *prop;
	const struct hostdt_spec *specs;
	int nspecs;
	int ret;
	const char *msg;
} lopper_cases[] = {
	{ "absent", "", two_one_cell, 2, 0, NULL },
	{ "equal", "xen,smmu-stream-ids = <0x10 0x11>;", two_one_cell, 2, 1,
	  NULL },
	/* A 2-cell host's mask is not in Lopper's property. */
	{ "equal, mask not compared", "xen,smmu-stream-ids = <0x20>;",
	  two_cells, 1, 1, NULL },
	{ "a 0-cell host", "xen,smmu-stream-ids = <0x0 0x10>;", zero_and_one,
	  2, 1, NULL },
	{ "stale", "xen,smmu-stream-ids = <0x10 0x12>;", two_one_cell, 2,
	  -VDT_ERR_INPUT, "stale copy: partial says 0x12, host says 0x11" },
	{ "order matters", "xen,smmu-stream-ids = <0x11 0x10>;", two_one_cell,
	  2, -VDT_ERR_INPUT, "stale copy: partial says 0x11, host says 0x10" },
	{ "count", "xen,smmu-stream-ids = <0x10>;", two_one_cell, 2,
	  -VDT_ERR_INPUT,
	  "stale copy: partial has 1 stream IDs, host /soc/dev has 2" },
	{ "more than the host", "xen,smmu-stream-ids = <0x10 0x11>;", one_cell,
	  1, -VDT_ERR_INPUT, "partial has 2 stream IDs, host /soc/dev has 1" },
	{ "odd length", "xen,smmu-stream-ids = [00 00 00 10 00];", one_cell, 1,
	  -VDT_ERR_BADDT, "length 5 is not a multiple of 4" },
};

START_TEST(test_read_lopper)
{
	const struct lopper_case *c = &lopper_cases[_i];
	struct vdt_diag d;
	int node, r;
	void *fdt = dev_fdt(c->prop, &node);

	vdt_diag_init(&d);
	r = phandle_fix_read_lopper(fdt, node, c->specs, c->nspecs, &where,
				    &d);
	check_read(c->name, r, c->ret, "xen,smmu-stream-ids", c->msg, &d);
	vdt_diag_free(&d);
	free(fdt);
}
END_TEST

/* ---- phandle_fix_write_iommu_map ---- */

START_TEST(test_write_iommu_map)
{
	static const struct hostdt_map_entry map[] = {
		{ 0x200, 0, 0x0, 0x0, 0x0 },		/* dropped */
		{ 0x0, 0, 0x100, 0x10, 0x10 },
		{ 0x400, 0, 0x300, 0x1000, 0x0 },	/* unreachable */
		{ 0x10, 0, 0x200, 0x100, 0x20 },
	};
	static const uint32_t vids[] = { 0xdead, 0x5, 0xbeef, 0xffffffe0u };
	struct sw_prop w = { vids, 4, map };
	static const uint32_t want[] = {
		0x0, 0xfdea, 0x5, 0x10, 0x10, 0xfdea, 0xffffffe0u, 0x20,
	};
	const fdt32_t *p;
	int node, len, i;
	void *fdt;

	ck_assert_int_eq(sw_dev(4096, &w, &fdt), 0);
	node = fdt_path_offset(fdt, "/dev");
	p = fdt_getprop(fdt, node, "iommu-map", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(len, 32);
	for (i = 0; i < 8; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i],
			      "cell %d is 0x%x, want 0x%x", i,
			      fdt32_to_cpu(p[i]), want[i]);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, node, "status", NULL));
	free(fdt);
	/* Only dropped entries: an empty property. */
	w.n = 1;
	ck_assert_int_eq(sw_dev(4096, &w, &fdt), 0);
	p = fdt_getprop(fdt, fdt_path_offset(fdt, "/dev"), "iommu-map", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(len, 0);
	free(fdt);
	w.n = 4;
	ck_assert_int_eq(sw_dev(0, &w, &fdt), 0);
	ck_assert_ptr_nonnull(fdt);
	free(fdt);
}
END_TEST

/* phandle and linux,phandle that differ (dtc refuses to write one). */
START_TEST(test_linux_phandle_differs)
{
	uint64_t blob[64];
	struct vdt_diag d;
	int viommu;

	ck_assert_int_eq(fdt_create(blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(blob), 0);
	ck_assert_int_eq(fdt_begin_node(blob, ""), 0);
	ck_assert_int_eq(fdt_begin_node(blob, "dev"), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "linux,phandle", 0xfdea), 0);
	ck_assert_int_eq(fdt_property_u32(blob, "phandle", 5), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_end_node(blob), 0);
	ck_assert_int_eq(fdt_finish(blob), 0);
	vdt_diag_init(&d);
	ck_assert_int_eq(phandle_fix_check(blob, "p.dtb", 0xfdea, &viommu, &d),
			 -VDT_ERR_CONFLICT);
	ck_assert_str_eq(d.error.node, "/dev");
	ck_assert_str_eq(d.error.prop, "linux,phandle");
	ck_assert_ptr_nonnull(strstr(d.error.text, "differs from phandle"));
	vdt_diag_free(&d);
}
END_TEST

Suite *phandle_fix_suite(void)
{
	Suite *s = suite_create("phandle_fix");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_check, 0, N(check_cases));
	tcase_add_test(tc, test_linux_phandle_differs);
	tcase_add_test(tc, test_is_viommu_node);
	tcase_add_loop_test(tc, test_read_iommus, 0, N(read_cases));
	tcase_add_test(tc, test_read_pins_hint);
	tcase_add_test(tc, test_write_iommus);
	tcase_add_test(tc, test_write_iommus_nospace);
	tcase_add_loop_test(tc, test_read_iommu_map, 0, N(map_read_cases));
	tcase_add_loop_test(tc, test_read_lopper, 0, N(lopper_cases));
	tcase_add_test(tc, test_write_iommu_map);
	suite_add_tcase(s, tc);
	return s;
}

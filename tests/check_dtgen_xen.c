/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rules of each Xen and builder (src/dtgen_xen.c; viommu-dtgen(1),
 * WHICH XEN?): B1-B4, X1-X8, G1 and --xen-abi none, through dtgen_run().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtgen.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char host_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	smmu: iommu@4f000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x4f000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"	smmu2: iommu@50000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x50000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"	ipmmu: iommu@e6740000 { compatible = \"renesas,ipmmu-r8a7795\";\n"
	"		reg = <0x0 0xe6740000 0x0 0x1000>; #iommu-cells = <1>; };\n"
	"	smmu_c2: iommu@52000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x52000000 0x0 0x20000>; #iommu-cells = <2>; };\n"
	"	smmu_off: iommu@53000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x53000000 0x0 0x20000>; #iommu-cells = <1>;\n"
	"		status = \"disabled\"; };\n"
	"	soc { compatible = \"simple-bus\"; ranges;\n"
	"		#address-cells = <2>; #size-cells = <2>;\n"
	"		eth@1000 { iommus = <&smmu 0x10>; };\n"
	"		dma@2000 { iommus = <&smmu 0x20 &smmu 0x21>; };\n"
	"		twin@3000 { iommus = <&smmu 0x10>; };\n"
	"		other@4000 { iommus = <&smmu2 0x10>; };\n"
	"		ipdev@5000 { iommus = <&ipmmu 0x0>; };\n"
	"		c2dev@6000 { iommus = <&smmu_c2 0x1 0x0>; };\n"
	"		pcie@7000 { iommu-map = <0x0 &smmu 0x100 0x10>; };\n"
	"		offdev@9000 { iommus = <&smmu_off 0x1>; };\n"
	"		two@a000 { iommus = <&smmu 0x30 &smmu2 0x30>; };\n"
	"	};\n"
	"};\n";

/* A partial DT: the GIC placeholder, @root extra at the root, and @body
 * in /passthrough.  Under libxl the placeholder holds libxl's GIC phandle
 * 0xfde8; elsewhere it is Xen's docs' label form (dtc gives it 1). */
static const char partial_fmt[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	gic: gic { %s#interrupt-cells = <%d>; interrupt-controller; };\n"
	"%s"
	"	passthrough { compatible = \"simple-bus\"; ranges;\n"
	"		#address-cells = <2>; #size-cells = <2>;\n"
	"%s"
	"	};\n"
	"};\n";

/* A device for host node /soc/@name, its IRQ on the placeholder. */
#define DEV(name, extra)                                                   \
	"\t\t" name " { interrupt-parent = <&gic>; " extra                 \
	" xen,reg = <0x0 0x0 0x0 0x1000 0x0 0x0>;"                          \
	" xen,path = \"/soc/" name "\"; };\n"

enum { LIBXL = VDT_BUILDER_LIBXL, DOM0LESS = VDT_BUILDER_DOM0LESS,
       BNONE = VDT_BUILDER_NONE };
enum { DEVID = VDT_ABI_DEVID_MAP, SERIES = VDT_ABI_VSMMUV3_V3,
       ANONE = VDT_ABI_NONE };

struct setup {
	int abi, builder, vpci, gic_cells;
	const char *root, *body;
};

static int run(const struct setup *s, struct dtgen_result *res,
	       struct vdt_diag *d)
{
	struct dtgen_blob h, p;
	struct dtgen_opts o;
	char dts[8192];
	void *hb, *pb;
	int rc;

	ck_assert_int_lt(snprintf(dts, sizeof(dts), partial_fmt,
				  s->builder == LIBXL ? "phandle = <0xfde8>; " : "",
				  s->gic_cells ? s->gic_cells : 3,
				  s->root ? s->root : "", s->body),
			 (int)sizeof(dts));
	hb = tu_dtb(host_dts, &h.size);
	pb = tu_dtb(dts, &p.size);
	h.data = hb;
	h.name = "host.dtb";
	p.data = pb;
	p.name = "partial.dtb";
	dtgen_opts_default(&o);
	o.abi = (enum vdt_xen_abi)s->abi;
	o.builder = (enum vdt_builder)s->builder;
	o.vpci = s->vpci;
	o.guest_view = 1;
	vdt_diag_init(d);
	rc = dtgen_run(&o, &h, &p, res, d);
	free(hb);
	free(pb);
	return rc;
}

/* ---- refusals: one row per rule, each naming the node ---- */

static const struct refusal {
	const char *rule;
	struct setup s;
	int ret;
	const char *node, *prop, *msg;
} refusals[] = {
	{ "B1", { DEVID, DOM0LESS, 0, 3,
		  "\ttoo_high { phandle = <0xfde7>; };\n", DEV("eth@1000", "") },
	  -VDT_ERR_INPUT, "/too_high", "phandle", "64999 or more" },
	{ "B2 path without reg", { DEVID, DOM0LESS, 0, 3, NULL,
		"\t\teth@1000 { xen,path = \"/soc/eth@1000\"; };\n" },
	  -VDT_ERR_INPUT, "/passthrough/eth@1000", "xen,reg",
	  "xen,reg or xen,path missing" },
	{ "B2 reg without path", { DEVID, DOM0LESS, 0, 3, NULL,
		"\t\tregion { xen,reg = <0x0 0x0 0x0 0x1000 0x0 0x0>; };\n" },
	  -VDT_ERR_INPUT, "/passthrough/region", "xen,path",
	  "xen,reg or xen,path missing" },
	{ "B3", { DEVID, DOM0LESS, 0, 3, NULL, DEV("pcie@7000", "") },
	  -VDT_ERR_INPUT, "/passthrough/pcie@7000", "xen,path",
	  "Failed to assign device" },
	{ "B3 disabled IOMMU", { DEVID, DOM0LESS, 0, 3, NULL,
				 DEV("offdev@9000", "") },
	  -VDT_ERR_INPUT, "/passthrough/offdev@9000", "xen,path",
	  "disabled IOMMU, /iommu@53000000" },
	{ "B3 two IOMMUs", { DEVID, DOM0LESS, 0, 3, NULL, DEV("two@a000", "") },
	  -VDT_ERR_INPUT, "/passthrough/two@a000", "xen,path",
	  "behind two IOMMUs" },
	{ "B5 libxl", { DEVID, LIBXL, 0, 3, "\tother_ic: ic { phandle = <5>; };\n",
			"\t\teth@1000 { interrupt-parent = <&other_ic>;"
			" xen,path = \"/soc/eth@1000\"; };\n" },
	  -VDT_ERR_INPUT, "/passthrough/eth@1000", "interrupt-parent",
	  "which libxl does not copy" },
	{ "B5 dom0less", { DEVID, DOM0LESS, 0, 3, "\tother_ic: ic { };\n",
			   DEV("eth@1000", "") "\t\tx { interrupt-parent = <&other_ic>; };\n" },
	  -VDT_ERR_INPUT, "/passthrough/x", "interrupt-parent",
	  "which Xen's dom0less builder does not copy" },
	{ "X1", { SERIES, LIBXL, 0, 3, NULL, DEV("ipdev@5000", "") },
	  -VDT_ERR_UNSUPPORTED, "/passthrough/ipdev@5000", "xen,path",
	  "is not an SMMUv3" },
	{ "X2", { SERIES, LIBXL, 0, 3, NULL, DEV("c2dev@6000", "") },
	  -VDT_ERR_UNSUPPORTED, "/passthrough/c2dev@6000", "xen,path",
	  "#iommu-cells = <2>" },
	{ "X3", { SERIES, DOM0LESS, 0, 3, NULL,
		  DEV("eth@1000", "") DEV("other@4000", "") },
	  -VDT_ERR_CONFLICT, "/passthrough/other@4000", "iommus",
	  "cannot tell them apart" },
	{ "X4", { SERIES, LIBXL, 0, 3, NULL,
		  "\t\tbus { " DEV("eth@1000", "") "\t\t};\n" },
	  -VDT_ERR_UNSUPPORTED, "/passthrough/bus/eth@1000", "iommus",
	  "not a direct child of /passthrough" },
	{ "X5 host", { SERIES, LIBXL, 0, 3, NULL, DEV("pcie@7000", "") },
	  -VDT_ERR_UNSUPPORTED, "/passthrough/pcie@7000", "xen,path",
	  "has iommu-map" },
	{ "X5 partial", { SERIES, DOM0LESS, 0, 3, NULL,
		DEV("eth@1000", "")
		"\t\tbridge { iommu-map = <0x0 0xfdea 0x0 0x10>; };\n" },
	  -VDT_ERR_UNSUPPORTED, "/passthrough/bridge", "iommu-map",
	  "does not translate iommu-map" },
	{ "X6 pin", { SERIES, LIBXL, 0, 3, NULL,
		      DEV("eth@1000", "iommus = <0xfdea 0x5>;") },
	  -VDT_ERR_INPUT, "/passthrough/eth@1000", "iommus",
	  "pins vID 0x5" },
	{ "X6 no xen,path", { SERIES, LIBXL, 0, 3, NULL,
		DEV("eth@1000", "") "\t\tstray { iommus = <0xfdea 0x10>; };\n" },
	  -VDT_ERR_INPUT, "/passthrough/stray", "iommus", "no xen,path" },
	{ "G1", { DEVID, BNONE, 0, 2, NULL, DEV("eth@1000", "") },
	  -VDT_ERR_UNSUPPORTED, "/gic", "#interrupt-cells", "3 cells" },
	{ "G1 5 cells", { DEVID, BNONE, 0, 5, NULL, DEV("eth@1000", "") },
	  -VDT_ERR_UNSUPPORTED, "/gic", "#interrupt-cells", "3 cells" },
};

START_TEST(test_refusals)
{
	const struct refusal *c = &refusals[_i];
	struct dtgen_result res;
	struct vdt_diag d;
	int rc = run(&c->s, &res, &d);

	ck_assert_msg(rc == c->ret, "%s: returned %d, want %d (%s)", c->rule,
		      rc, c->ret, d.error.text);
	ck_assert_str_eq(d.error.file, "partial.dtb");
	ck_assert_str_eq(d.error.node, c->node);
	ck_assert_str_eq(d.error.prop, c->prop);
	ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
		      "%s: \"%s\" lacks \"%s\"", c->rule, d.error.text, c->msg);
	ck_assert_ptr_null(res.fdt);
	ck_assert_ptr_null(res.guest);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* X7: more vSIDs than Xen's table holds (the vPCI block counts). */
START_TEST(test_x7_exhausted)
{
	static const char head[] = "/ { #address-cells = <2>; #size-cells = <2>;\n"
		"smmu: iommu@4f000000 { compatible = \"arm,smmu-v3\";\n"
		"reg = <0x0 0x4f000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
		"soc { big@1 { iommus = <";
	size_t n = XEN_MAX_VSID - XEN_VPCI_SIDS + 1, i, len = 0;
	char *dts = malloc(sizeof(head) + n * 16 + 64);
	struct dtgen_blob h, p;
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	void *hb, *pb;

	ck_assert_ptr_nonnull(dts);
	len = (size_t)sprintf(dts, "%s", head);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(dts + len, "&smmu %zu ", i);
	sprintf(dts + len, ">; }; }; };\n");
	hb = tu_dtb(dts, &h.size);
	free(dts);
	pb = tu_dtb("/ { passthrough { ranges; #address-cells = <2>;"
		    " #size-cells = <2>; big { xen,path = \"/soc/big@1\"; }; }; };",
		    &p.size);
	h.data = hb;
	h.name = "host.dtb";
	p.data = pb;
	p.name = "partial.dtb";
	dtgen_opts_default(&o);
	o.abi = VDT_ABI_VSMMUV3_V3;
	o.builder = VDT_BUILDER_LIBXL;
	o.vpci = _i;
	vdt_diag_init(&d);
	if (_i) {
		ck_assert_int_eq(dtgen_run(&o, &h, &p, &res, &d),
				 -VDT_ERR_EXHAUSTED);
		ck_assert_ptr_nonnull(strstr(d.error.text, "holds 65536"));
	} else {	/* one fewer than the table: it fits */
		ck_assert_int_eq(dtgen_run(&o, &h, &p, &res, &d), 0);
		ck_assert_int_eq(res.map.nentries, (int)n);
	}
	dtgen_result_free(&res);
	vdt_diag_free(&d);
	free(hb);
	free(pb);
}
END_TEST

/* ---- what each Xen gets ---- */

/* @path's property @name, as cells; fails unless it has @n of them. */
static void assert_cells(const void *fdt, const char *path, const char *name,
			 const uint32_t *want, int n)
{
	int node = fdt_path_offset(fdt, path), len, i;
	const fdt32_t *p;

	ck_assert_msg(node >= 0, "no node %s", path);
	p = fdt_getprop(fdt, node, name, &len);
	if (n == 0) {
		ck_assert_msg(p == NULL, "%s has %s", path, name);
		return;
	}
	ck_assert_msg(p != NULL && len == 4 * n, "%s %s: %d bytes, want %d",
		      path, name, p ? len : -1, 4 * n);
	for (i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i],
			      "%s %s cell %d: 0x%x, want 0x%x", path, name, i,
			      fdt32_to_cpu(p[i]), want[i]);
}

/* X8 under libxl with vPCI: pIDs out, vSIDs from 0x1000 in the view. */
START_TEST(test_series_libxl_vpci)
{
	static const struct setup s = { SERIES, LIBXL, 1, 3, NULL,
		DEV("eth@1000", "") DEV("dma@2000", "") DEV("twin@3000", "") };
	static const uint32_t out_eth[] = { 0xfdea, 0x10 };
	static const uint32_t out_dma[] = { 0xfdea, 0x20, 0xfdea, 0x21 };
	static const uint32_t out_twin[] = { 0xfdea, 0x10 };
	static const uint32_t g_eth[] = { 0xfdea, 0x1000 };
	static const uint32_t g_dma[] = { 0xfdea, 0x1001, 0xfdea, 0x1002 };
	static const uint32_t g_twin[] = { 0xfdea, 0x1003 };
	static const uint32_t libxl_gic[] = { XEN_PHANDLE_GIC };
	/* (The placeholder holds 0xfde8 under libxl: see partial_fmt.) */
	struct dtgen_result res;
	struct vdt_diag d;
	size_t i;
	int infos = 0;

	ck_assert_int_eq(run(&s, &res, &d), 0);
	assert_cells(res.fdt, "/passthrough/eth@1000", "iommus", out_eth, 2);
	assert_cells(res.fdt, "/passthrough/dma@2000", "iommus", out_dma, 4);
	assert_cells(res.fdt, "/passthrough/twin@3000", "iommus", out_twin, 2);
	ck_assert_int_lt(fdt_path_offset(res.fdt, "/passthrough/iommu@4040000"), 0);
	assert_cells(res.guest, "/passthrough/eth@1000", "iommus", g_eth, 2);
	assert_cells(res.guest, "/passthrough/dma@2000", "iommus", g_dma, 4);
	assert_cells(res.guest, "/passthrough/twin@3000", "iommus", g_twin, 2);
	assert_cells(res.guest, "/passthrough/iommu@4040000",
		     "interrupt-parent", libxl_gic, 1);
	/* The map: the vPCI block, then one entry per pair, by vID. */
	ck_assert_int_eq(res.map.xen_allocates, 1);
	ck_assert_int_eq(res.map.nentries, 5);
	ck_assert_int_eq(res.map.entries[0].iommu, VMAP_VPCI);
	ck_assert_uint_eq(res.map.entries[0].count, XEN_VPCI_SIDS);
	ck_assert_uint_eq(res.map.entries[4].vid, 0x1003);
	ck_assert_uint_eq(res.map.entries[4].pid, 0x10);
	ck_assert_str_eq(res.map.devices[res.map.entries[4].devs[0]].node,
			 "/passthrough/twin@3000");
	/* X3: the same pSID on one IOMMU twice is a note, not an error. */
	for (i = 0; i < d.nwarnings; i++)
		infos += d.warnings[i].info &&
			 strstr(d.warnings[i].text, "second vSID") != NULL;
	ck_assert_int_eq(infos, 1);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* X8 under dom0less: a pre-order walk, nested devices included; the
 * vIOMMU's interrupt goes to the partial's placeholder (phandle 1). */
START_TEST(test_series_dom0less_nested)
{
	static const struct setup s = { SERIES, DOM0LESS, 0, 3, NULL,
		"\t\tbus { " DEV("eth@1000", "") "\t\t};\n" DEV("dma@2000", "") };
	static const uint32_t g_eth[] = { 0xfdea, 0 };
	static const uint32_t g_dma[] = { 0xfdea, 1, 0xfdea, 2 };
	static const uint32_t gic[] = { 1 }, irq[] = { 0, 1, 0xf04 };
	struct dtgen_result res;
	struct vdt_diag d;

	ck_assert_int_eq(run(&s, &res, &d), 0);
	assert_cells(res.guest, "/passthrough/bus/eth@1000", "iommus", g_eth, 2);
	assert_cells(res.guest, "/passthrough/dma@2000", "iommus", g_dma, 4);
	assert_cells(res.guest, "/passthrough/iommu@4040000",
		     "interrupt-parent", gic, 1);
	assert_cells(res.guest, "/passthrough/iommu@4040000", "interrupts",
		     irq, 3);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* --xen-abi none: no IOMMU property anywhere, no node, no map. */
START_TEST(test_abi_none)
{
	static const struct setup s = { ANONE, BNONE, 0, 3, NULL,
		DEV("eth@1000", "iommus = <0xfdea 0x7>;")
		"\t\tstray { iommus = <0xfdea 0x10>; iommu-map-mask = <0x0>; };\n" };
	const void *views[2];
	struct dtgen_result res;
	struct vdt_diag d;
	int v, node;

	ck_assert_int_eq(run(&s, &res, &d), 0);
	views[0] = res.fdt;
	views[1] = res.guest;
	for (v = 0; v < 2; v++) {
		ck_assert_int_lt(fdt_path_offset(views[v], "/passthrough/iommu@4040000"), 0);
		for (node = 0; node >= 0; node = fdt_next_node(views[v], node, NULL)) {
			ck_assert_ptr_null(fdt_getprop(views[v], node, "iommus", NULL));
			ck_assert_ptr_null(fdt_getprop(views[v], node, "iommu-map-mask", NULL));
		}
	}
	ck_assert_int_eq(res.guest_size, res.size);
	ck_assert_mem_eq(res.guest, res.fdt, res.size);
	ck_assert_int_eq(res.map.nentries, 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* --xen-abi none still resolves every pID and runs the checks. */
START_TEST(test_abi_none_checks)
{
	static const struct setup s = { ANONE, BNONE, 0, 3, NULL,
		DEV("eth@1000", "iommus = <&gic 0x11>;") };
	struct dtgen_result res;
	struct vdt_diag d;

	ck_assert_int_eq(run(&s, &res, &d), -VDT_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(d.error.text, "stale copy"));
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* G1: a 4-cell placeholder (Zephyr) gets Zephyr's form; B4 and the
 * warning of B2 under other builders. */
START_TEST(test_gic_zephyr)
{
	static const struct setup s = { DEVID, BNONE, 0, 4, NULL,
		DEV("eth@1000", "") };
	static const uint32_t irq[] = { 0, 1, 2, 0xa0 }, gic[] = { 1 };
	struct dtgen_result res;
	struct vdt_diag d;

	ck_assert_int_eq(run(&s, &res, &d), 0);
	assert_cells(res.fdt, "/passthrough/iommu@4040000", "interrupts",
		     irq, 4);
	assert_cells(res.fdt, "/passthrough/iommu@4040000",
		     "interrupt-parent", gic, 1);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* G1: a placeholder without a phandle is given the lowest free one. */
START_TEST(test_gic_without_phandle)
{
	static const char partial[] =
		"/ { #address-cells = <2>; #size-cells = <2>;\n"
		"gic { #interrupt-cells = <3>; interrupt-controller; };\n"
		"x { phandle = <1>; };\n"
		"passthrough { compatible = \"simple-bus\"; ranges;\n"
		"#address-cells = <2>; #size-cells = <2>;\n"
		"eth@1000 { xen,path = \"/soc/eth@1000\"; }; }; };";
	static const uint32_t two[] = { 2 };
	struct dtgen_blob h, p;
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	void *hb = tu_dtb(host_dts, &h.size), *pb = tu_dtb(partial, &p.size);

	h.data = hb;
	h.name = "host.dtb";
	p.data = pb;
	p.name = "partial.dtb";
	dtgen_opts_default(&o);
	vdt_diag_init(&d);
	ck_assert_int_eq(dtgen_run(&o, &h, &p, &res, &d), 0);
	assert_cells(res.fdt, "/gic", "phandle", two, 1);
	assert_cells(res.fdt, "/passthrough/iommu@4040000",
		     "interrupt-parent", two, 1);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
	free(hb);
	free(pb);
}
END_TEST

static const struct warn_case {
	const char *rule;
	struct setup s;
	const char *node, *msg;
} warn_cases[] = {
	{ "B2 under libxl", { DEVID, LIBXL, 0, 3, NULL,
		DEV("eth@1000", "")
		"\t\tregion { xen,reg = <0x0 0x0 0x0 0x1000 0x0 0x0>; };\n" },
	  "/passthrough/region", "passed through unresolved" },
	{ "B4", { DEVID, DOM0LESS, 0, 3, "\tchosen { };\n", DEV("eth@1000", "") },
	  "/chosen", "this node is dropped" },
	/* B2 reads /passthrough's subtree only: a region after it is B4's. */
	{ "B2 ends with /passthrough", { DEVID, DOM0LESS, 0, 3, NULL,
		DEV("eth@1000", "") "\t};\n\tzz { xen,reg = <0x0 0x0 0x0 0x1000 0x0 0x0>;\n" },
	  "/zz", "this node is dropped" },
};

START_TEST(test_warnings)
{
	const struct warn_case *c = &warn_cases[_i];
	struct dtgen_result res;
	struct vdt_diag d;
	size_t i;
	int found = 0;

	ck_assert_int_eq(run(&c->s, &res, &d), 0);
	for (i = 0; i < d.nwarnings; i++)
		found += !d.warnings[i].info &&
			 strcmp(d.warnings[i].node, c->node) == 0 &&
			 strstr(d.warnings[i].text, c->msg) != NULL;
	ck_assert_msg(found == 1, "%s: %d warnings on %s saying '%s'", c->rule,
		      found, c->node, c->msg);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Option combinations the library refuses as usage errors. */
static const struct setup usage_cases[] = {
	{ SERIES, BNONE, 0, 3, NULL, DEV("eth@1000", "") },
	{ SERIES, DOM0LESS, 1, 3, NULL, DEV("eth@1000", "") },
	{ DEVID, LIBXL, 1, 3, NULL, DEV("eth@1000", "") },
};

START_TEST(test_usage)
{
	struct dtgen_result res;
	struct vdt_diag d;

	ck_assert_int_eq(run(&usage_cases[_i], &res, &d), -VDT_ERR_USAGE);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

Suite *dtgen_xen_suite(void)
{
	Suite *s = suite_create("dtgen_xen");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_refusals, 0, N(refusals));
	tcase_add_loop_test(tc, test_x7_exhausted, 0, 2);
	tcase_add_test(tc, test_series_libxl_vpci);
	tcase_add_test(tc, test_series_dom0less_nested);
	tcase_add_test(tc, test_abi_none);
	tcase_add_test(tc, test_abi_none_checks);
	tcase_add_test(tc, test_gic_zephyr);
	tcase_add_test(tc, test_gic_without_phandle);
	tcase_add_loop_test(tc, test_warnings, 0, N(warn_cases));
	tcase_add_loop_test(tc, test_usage, 0, N(usage_cases));
	suite_add_tcase(s, tc);
	return s;
}

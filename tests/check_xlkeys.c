/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xlkeys: dtdev, iomem and irqs from the host tree and the partial's
 * xen,path and xen,reg (rules L1-L4).  Table-driven: one host, partial
 * trees that each exercise a rule.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hostdt_query.h"
#include "vbuf.h"
#include "xlkeys.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char host_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	interrupt-parent = <&gic>;\n"
	"	gic: gic@f9010000 { compatible = \"arm,gic-400\";\n"
	"		interrupt-controller; #interrupt-cells = <3>;\n"
	"		reg = <0 0xf9010000 0 0x1000>; };\n"
	"	irqc: irqc@e61c0000 { compatible = \"renesas,irqc\";\n"
	"		interrupt-controller; #interrupt-cells = <2>;\n"
	"		reg = <0 0xe61c0000 0 0x200>; };\n"
	"	smmu: iommu@4f000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0 0x4f000000 0 0x20000>; #iommu-cells = <1>; };\n"
	"	soc { #address-cells = <1>; #size-cells = <1>;\n"
	"		ranges = <0x0 0x0 0xe0000000 0x10000000>;\n"
	"		a@6800000 { reg = <0x6800000 0x800>, <0x6a00000 0x10000>;\n"
	"			interrupts = <0 39 4>, <0 40 4>;\n"
	"			iommus = <&smmu 0x10>; };\n"
	"		b@6800800 { reg = <0x6800800 0x100>;\n"
	"			interrupts = <0 39 4>; iommus = <&smmu 0x11>; };\n"
	"		c@7000ff0 { reg = <0x7000ff0 0x20>;\n"
	"			interrupts-extended = <&gic 1 9 4>, <&irqc 3 4>,\n"
	"				<&gic 0 50 4>;\n"
	"			iommus = <&smmu 0x12>; };\n"
	"		d@7100000 { reg = <0x7100000 0x1000>; };\n"
	"		e@7101000 { reg = <0x7101000 0x1000>; };\n"
	"		pci@7200000 { reg = <0x7200000 0x1000>;\n"
	"			iommu-map = <0 &smmu 0 0x100>; };\n"
	"	};\n"
	"};\n";

#define PT_HEAD "/ { passthrough { #address-cells = <2>; #size-cells = <2>;\n"
#define PT_TAIL "}; };\n"

static const struct keys_case {
	const char *partial;
	int ret;
	const char *dtdev, *iomem, *irqs;
	const char *warn;	/* a warning's text, in part, or NULL: none */
	const char *msg;	/* the error's text, in part */
} keys_cases[] = {
	/* L2: several regions; GFN = MFN without xen,reg; L4: SPIs + 32 */
	{ PT_HEAD "a { xen,path = \"/soc/a@6800000\"; };\n" PT_TAIL, 0,
	  "[ \"/soc/a@6800000\" ]",
	  "[ \"0xe6800,0x1@0xe6800\", \"0xe6a00,0x10@0xe6a00\" ]",
	  "[ 71, 72 ]",
	  "also holds registers of /soc/b@6800800, which is not passed through", NULL },
	/* L3: both sharers passed through: no warning; pages merged; one SPI
	 * shared: listed once */
	{ PT_HEAD "a { xen,path = \"/soc/a@6800000\"; };\n"
	  "b { xen,path = \"/soc/b@6800800\"; };\n" PT_TAIL, 0,
	  "[ \"/soc/a@6800000\", \"/soc/b@6800800\" ]",
	  "[ \"0xe6800,0x1@0xe6800\", \"0xe6a00,0x10@0xe6a00\" ]",
	  "[ 71, 72 ]", NULL, NULL },
	/* L2: not page aligned, over two pages; L4: a PPI and another
	 * controller's interrupt are left out with a warning */
	{ PT_HEAD "c { xen,path = \"/soc/c@7000ff0\"; };\n" PT_TAIL, 0,
	  "[ \"/soc/c@7000ff0\" ]", "[ \"0xe7000,0x2@0xe7000\" ]", "[ 82 ]",
	  "is not a SPI of the GIC", NULL },
	/* L1: no IOMMU: no dtdev, a warning; adjacent ranges merged */
	{ PT_HEAD "d { xen,path = \"/soc/d@7100000\";\n"
	  "	xen,force-assign-without-iommu; };\n"
	  "e { xen,path = \"/soc/e@7101000\"; };\n" PT_TAIL, 0,
	  "[]", "[ \"0xe7100,0x2@0xe7100\" ]", "[]",
	  "not behind an IOMMU: not in dtdev", NULL },
	/* L1: iommu-map is an IOMMU too */
	{ PT_HEAD "p { xen,path = \"/soc/pci@7200000\"; };\n" PT_TAIL, 0,
	  "[ \"/soc/pci@7200000\" ]", "[ \"0xe7200,0x1@0xe7200\" ]", "[]",
	  NULL, NULL },
	/* L2: the GFN of xen,reg, read with the parent's cells (here 1 and 1) */
	{ "/ { passthrough { #address-cells = <1>; #size-cells = <1>;\n"
	  "d { xen,path = \"/soc/d@7100000\"; xen,force-assign-without-iommu;\n"
	  "	xen,reg = <0xe7100000 0x1000 0x23000000>; }; }; };\n", 0,
	  "[]", "[ \"0xe7100,0x1@0x23000\" ]", "[]", "not behind an IOMMU", NULL },
	/* ... and 2 and 1 where the parent has none */
	{ "/ { passthrough {\n"
	  "d { xen,path = \"/soc/d@7100000\"; xen,force-assign-without-iommu;\n"
	  "	xen,reg = <0 0xe7100000 0x1000 0 0x23000000>; }; }; };\n", 0,
	  "[]", "[ \"0xe7100,0x1@0x23000\" ]", "[]", "not behind an IOMMU", NULL },
	/* a xen,reg entry covering several regions: each at its offset */
	{ PT_HEAD "a { xen,path = \"/soc/a@6800000\";\n"
	  "	xen,reg = <0 0xe6800000 0 0x400000 0 0x10000000>; };\n" PT_TAIL, 0,
	  "[ \"/soc/a@6800000\" ]",
	  "[ \"0xe6800,0x1@0x10000\", \"0xe6a00,0x10@0x10200\" ]", "[ 71, 72 ]",
	  "/soc/b@6800800", NULL },
	/* L4: an SPI the partial gives the guest that the host node lacks */
	{ PT_HEAD "b { xen,path = \"/soc/b@6800800\";\n"
	  "	interrupts = <0 39 4>, <0 99 4>; };\n"
	  "a { xen,path = \"/soc/a@6800000\"; };\n" PT_TAIL, 0,
	  "[ \"/soc/b@6800800\", \"/soc/a@6800000\" ]",
	  "[ \"0xe6800,0x1@0xe6800\", \"0xe6a00,0x10@0xe6a00\" ]",
	  "[ 71, 72 ]",
	  "SPI 99 (interrupt 131) is not an interrupt of host node /soc/b@6800800", NULL },
	/* no /passthrough, no device: empty lists */
	{ "/ { };\n", 0, "[]", "[]", "[]", NULL, NULL },
	/* errors */
	{ PT_HEAD "a { xen,path = \"/soc/a@6800000\";\n"
	  "	xen,reg = <0 0xe6a00000 0 0x8000 0 0xe6a00000>; };\n" PT_TAIL,
	  -VDT_ERR_INPUT, NULL, NULL, NULL, NULL,
	  "covers only part of the pages 0xe6a00-0xe6a0f of host reg entry 1" },
	{ PT_HEAD "a { xen,path = \"/soc/a@6800000\";\n"
	  "	xen,reg = <0 0xe6800000 0 0x1000 0 0xe6800800>; };\n" PT_TAIL,
	  -VDT_ERR_INPUT, NULL, NULL, NULL, NULL,
	  "differ by no whole number of pages" },
	{ PT_HEAD "d { xen,path = \"/soc/d@7100000\"; xen,force-assign-without-iommu;\n"
	  "	xen,reg = <0 0xe7100000 0 0x1000 0 0x23000000>; };\n"
	  "e { xen,path = \"/soc/e@7101000\";\n"
	  "	xen,reg = <0 0xe7101000 0 0x1000 0 0x23000000>; };\n" PT_TAIL,
	  -VDT_ERR_INPUT, NULL, NULL, NULL, NULL,
	  "guest page 0x23000 is given host pages 0xe7100 and 0xe7101" },
	{ PT_HEAD "a { xen,path = \"/soc/a@6800000\"; xen,reg = <0 1 0>; };\n"
	  PT_TAIL, -VDT_ERR_BADDT, NULL, NULL, NULL, NULL,
	  "not a multiple of 6 cells" },
	{ PT_HEAD "a { xen,path = \"/soc/nothing\"; };\n" PT_TAIL,
	  -VDT_ERR_INPUT, NULL, NULL, NULL, NULL, "names no host node" },
	{ PT_HEAD "a { xen,path = \"soc\"; };\n" PT_TAIL, -VDT_ERR_BADDT, NULL,
	  NULL, NULL, NULL, "not one absolute path" },
	{ "/ { passthrough { #address-cells = <3>;\n"
	  "a { xen,path = \"/soc/a@6800000\"; }; }; };\n",
	  -VDT_ERR_UNSUPPORTED, NULL, NULL, NULL, NULL, "3 cells" },
};

START_TEST(test_keys)
{
	const struct keys_case *c = &keys_cases[_i];
	struct vbuf dt, io, ir;
	struct vdt_diag d;
	struct xlkeys k;
	struct hostdt h;
	size_t hs, ps;
	void *hb = tu_dtb(host_dts, &hs), *pb = tu_dtb(c->partial, &ps);
	size_t i;
	int rc, warned = 0;

	vdt_diag_init(&d);
	vbuf_init(&dt);
	vbuf_init(&io);
	vbuf_init(&ir);
	ck_assert_int_eq(hostdt_open(&h, hb, hs, "host.dtb", &d), 0);
	rc = xlkeys_compute(&h, pb, ps, "guest.dtb", &k, &d);
	ck_assert_msg(rc == c->ret, "case %d: %d, want %d (%s)", _i, rc,
		      c->ret, d.error.text);
	if (rc == 0) {
		ck_assert_int_eq(xlkeys_render(&k, &dt, &io, &ir, &d), 0);
		ck_assert_str_eq(dt.data, c->dtdev);
		ck_assert_str_eq(io.data, c->iomem);
		ck_assert_str_eq(ir.data, c->irqs);
		for (i = 0; i < d.nwarnings; i++)
			warned |= c->warn &&
				  strstr(d.warnings[i].text, c->warn) != NULL;
		ck_assert_msg(c->warn ? warned : d.nwarnings == 0,
			      "case %d: warnings %zu, want \"%s\"", _i,
			      d.nwarnings, c->warn ? c->warn : "none");
	} else {
		ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
			      "case %d: \"%s\" lacks \"%s\"", _i, d.error.text,
			      c->msg);
	}
	xlkeys_free(&k);
	hostdt_close(&h);
	vbuf_free(&dt);
	vbuf_free(&io);
	vbuf_free(&ir);
	vdt_diag_free(&d);
	free(hb);
	free(pb);
}
END_TEST

/* A partial blob on which libfdt's own check would hang is refused. */
START_TEST(test_keys_hostile)
{
	struct vdt_diag d;
	struct xlkeys k;
	struct hostdt h;
	size_t hs, ps;
	void *hb = tu_dtb(host_dts, &hs), *pb = tu_hang_blob(&ps);

	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, hb, hs, "host.dtb", &d), 0);
	ck_assert_int_eq(xlkeys_compute(&h, pb, ps, "guest.dtb", &k, &d),
			 -VDT_ERR_BADDT);
	ck_assert_ptr_nonnull(strstr(d.error.text, "not a valid device tree blob"));
	xlkeys_free(&k);
	hostdt_close(&h);
	vdt_diag_free(&d);
	free(hb);
	free(pb);
}
END_TEST

Suite *xlkeys_suite(void)
{
	Suite *s = tu_table_suite("xlkeys", test_keys, N(keys_cases));
	TCase *tc = tcase_create("hostile");

	tcase_add_test(tc, test_keys_hostile);
	suite_add_tcase(s, tc);
	return s;
}

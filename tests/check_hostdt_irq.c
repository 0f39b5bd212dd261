/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hostdt_irq: a node's interrupt specifiers (hostdt_irqs) and the
 * interrupt ID xl routes (hostdt_irq_spi).  Table-driven.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "hostdt_irq.h"
#include "hostdt_query.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char irq_dts[] =
	"/ {\n"
	"	#address-cells = <1>; #size-cells = <1>;\n"
	"	interrupt-parent = <&gic>;\n"
	"	gic: interrupt-controller@f1010000 {\n"
	"		compatible = \"arm,gic-400\";\n"
	"		interrupt-controller; #interrupt-cells = <3>;\n"
	"		reg = <0xf1010000 0x1000>;\n"
	"	};\n"
	"	gic3: gic3 { compatible = \"arm,gic-v3\";\n"
	"		interrupt-controller; #interrupt-cells = <4>; };\n"
	"	a15: a15 { compatible = \"arm,cortex-a15-gic\";\n"
	"		interrupt-controller; #interrupt-cells = <3>; };\n"
	/* not a GIC Xen drives */
	"	irqc: irqc { compatible = \"renesas,irqc\";\n"
	"		interrupt-controller; #interrupt-cells = <2>; };\n"
	/* a GIC compatible without interrupt-controller */
	"	fake: fake { compatible = \"arm,gic-400\"; #interrupt-cells = <3>; };\n"
	"	nocells: nocells { interrupt-controller; };\n"
	"	soc {\n"
	"		one { interrupts = <0 100 4>; };\n"
	"		three { interrupts = <0 0 4>, <1 9 4>, <0 987 4>; };\n"
	"		top { interrupts = <0 988 4>; };\n"
	"		short { interrupts = <0 100>; };\n"
	"		odd { interrupts = [00 00 01]; };\n"
	"		none { };\n"
	"		empty { interrupts; };\n"
	"		other { interrupt-parent = <&irqc>; interrupts = <5 4>; };\n"
	"		ext { interrupts-extended = <&gic 0 7 4>, <&irqc 2 8>,\n"
	"			<&gic3 0 20 4 0>, <&a15 0 30 4>;\n"
	"			interrupts = <0 1 4>; };\n"
	"		extshort { interrupts-extended = <&gic 0 7>; };\n"
	"		extbad { interrupts-extended = <0x4321 0 7 4>; };\n"
	"		extnocells { interrupts-extended = <&nocells 1>; };\n"
	"		notgic { interrupt-parent = <&fake>; interrupts = <0 3 4>; };\n"
	"		espi { interrupts-extended = <&gic3 2 3 4 0>; };\n"
	"		badparent { interrupt-parent = <0x4321>; interrupts = <0 1 4>; };\n"
	"	};\n"
	/* a malformed interrupt-parent on an ancestor (made 2 bytes long
	 * below: dtc cannot compile it): named where it is */
	"	brokenbus { interrupt-parent = <&gic>;\n"
	"		dev { interrupts = <0 1 4>; };\n"
	"	};\n"
	/* a chain of interrupt parents that reaches no controller */
	"	orphanage { interrupt-parent = <&lonely>;\n"
	"		dev { interrupts = <1>; };\n"
	"	};\n"
	"	lonely: lonely { interrupt-parent = <&lonely>; };\n"
	"};\n";

#define MAXI 4

static const struct irq_case {
	const char *node;
	int ret;			/* count, or a negative code */
	const char *prop;		/* the property read */
	const char *ctrl[MAXI];		/* each specifier's controller */
	int spi[MAXI];			/* hostdt_irq_spi() of each */
	const char *errnode, *errprop, *msg;
} irq_cases[] = {
	{ "/soc/one", 1, "interrupts", { "/interrupt-controller@f1010000" },
	  { 132 }, NULL, NULL, NULL },
	/* SPI 0 is ID 32, a PPI is no SPI, SPI 987 is ID 1019, the last */
	{ "/soc/three", 3, "interrupts",
	  { "/interrupt-controller@f1010000", "/interrupt-controller@f1010000",
	    "/interrupt-controller@f1010000" },
	  { 32, -VDT_ERR_NOTFOUND, 1019 }, NULL, NULL, NULL },
	{ "/soc/top", 1, "interrupts", { "/interrupt-controller@f1010000" },
	  { -VDT_ERR_NOTFOUND }, NULL, NULL, NULL },
	{ "/soc/none", 0, NULL, { NULL }, { 0 }, NULL, NULL, NULL },
	{ "/soc/empty", 0, "interrupts", { NULL }, { 0 }, NULL, NULL, NULL },
	{ "/soc/other", 1, "interrupts", { "/irqc" }, { -VDT_ERR_NOTFOUND },
	  NULL, NULL, NULL },
	/* interrupts-extended wins over interrupts; 4-cell GICv3 */
	{ "/soc/ext", 4, "interrupts-extended",
	  { "/interrupt-controller@f1010000", "/irqc", "/gic3", "/a15" },
	  { 39, -VDT_ERR_NOTFOUND, 52, 62 }, NULL, NULL, NULL },
	{ "/soc/notgic", 1, "interrupts", { "/fake" }, { -VDT_ERR_NOTFOUND },
	  NULL, NULL, NULL },
	/* GICv3 extended SPI range: not an SPI xl routes */
	{ "/soc/espi", 1, "interrupts-extended", { "/gic3" },
	  { -VDT_ERR_NOTFOUND }, NULL, NULL, NULL },
	{ "/soc/short", -VDT_ERR_BADDT, NULL, { NULL }, { 0 }, "/soc/short",
	  "interrupts", "entry 0 is cut short: 2 of 3 cells" },
	{ "/soc/odd", -VDT_ERR_BADDT, NULL, { NULL }, { 0 }, "/soc/odd",
	  "interrupts", "not a multiple of 4" },
	{ "/soc/extshort", -VDT_ERR_BADDT, NULL, { NULL }, { 0 },
	  "/soc/extshort", "interrupts-extended", "cut short" },
	{ "/soc/extbad", -VDT_ERR_BADDT, NULL, { NULL }, { 0 }, "/soc/extbad",
	  "interrupts-extended", "phandle 0x4321 of entry 0 refers to no node" },
	{ "/soc/extnocells", -VDT_ERR_BADDT, NULL, { NULL }, { 0 },
	  "/soc/extnocells", "interrupts-extended",
	  "/nocells has no usable #interrupt-cells" },
	{ "/soc/badparent", -VDT_ERR_BADDT, NULL, { NULL }, { 0 },
	  "/soc/badparent", "interrupt-parent", "phandle 0x4321 refers to no node" },
	{ "/brokenbus/dev", -VDT_ERR_BADDT, NULL, { NULL }, { 0 }, "/brokenbus",
	  "interrupt-parent", "is 2 bytes long, not 4" },
	{ "/orphanage/dev", -VDT_ERR_BADDT, NULL, { NULL }, { 0 },
	  "/orphanage/dev", "interrupt-parent", "reaches no interrupt controller" },
};

START_TEST(test_irqs)
{
	const struct irq_case *c = &irq_cases[_i];
	struct hostdt_irq *irqs = (void *)1;
	const char *prop = "x";
	char path[256];
	struct vdt_diag d;
	struct hostdt h;
	size_t size;
	void *blob = tu_dtb(irq_dts, &size);
	int n, i, node;

	vdt_diag_init(&d);
	ck_assert_int_eq(fdt_setprop(blob, fdt_path_offset(blob, "/brokenbus"),
				     "interrupt-parent", "\0\1", 2), 0);
	ck_assert_int_eq(hostdt_open(&h, blob, size, "host.dtb", &d), 0);
	node = fdt_path_offset(blob, c->node);
	ck_assert_int_ge(node, 0);
	n = hostdt_irqs(&h, node, &irqs, &prop, &d);
	ck_assert_msg(n == c->ret, "%s: returned %d, want %d (%s)", c->node, n,
		      c->ret, d.error.text);
	if (n <= 0)
		ck_assert_ptr_null(irqs);
	if (n >= 0 && c->prop)
		ck_assert_str_eq(prop, c->prop);
	else if (n >= 0)
		ck_assert_ptr_null(prop);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(irqs[i].index, i);
		ck_assert_int_eq(fdt_get_path(blob, irqs[i].ctrl, path,
					      sizeof(path)), 0);
		ck_assert_str_eq(path, c->ctrl[i]);
		ck_assert_msg(hostdt_irq_spi(&irqs[i]) == c->spi[i],
			      "%s[%d]: %d, want %d", c->node, i,
			      hostdt_irq_spi(&irqs[i]), c->spi[i]);
	}
	if (n < 0) {
		ck_assert_int_eq(d.code, n);
		ck_assert_str_eq(d.error.node, c->errnode);
		ck_assert_str_eq(d.error.prop, c->errprop);
		ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->node,
			      d.error.text, c->msg);
	}
	free(irqs);
	hostdt_close(&h);
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

Suite *hostdt_irq_suite(void)
{
	return tu_table_suite("hostdt_irq", test_irqs, N(irq_cases));
}

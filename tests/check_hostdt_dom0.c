/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hostdt_dom0: dom0's view of the host told from the board's.
 * Table-driven: a tree, whether the guest needs a vIOMMU, the verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hostdt_dom0.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define DEV(props) "soc { eth@1 { reg = <1 1>; " props " }; };"

static const struct dom0_case {
	const char *what;
	const char *body;	/* inside "/ { ... };" */
	int need_iommu;
	const char *want;	/* in the message, or NULL: accepted */
} cases[] = {
	{ "a board", "smmu { #iommu-cells = <1>; phandle = <1>; };"
	  DEV("iommus = <1 5>; xen,passthrough;"), 1, NULL },
	{ "/hypervisor compatible xen,xen", "hypervisor { compatible = \"xen,xen-4.19\", \"xen,xen\"; };",
	  0, "\"xen,xen\": the host tree is dom0's view" },
	{ "/hypervisor of another name", "hypervisor { compatible = \"xen,xen-4.19\"; };",
	  0, NULL },
	{ "xen,xen below /hypervisor's depth", "soc { hypervisor { compatible = \"xen,xen\"; }; };",
	  0, NULL },
	{ "no IOMMU, a bare passthrough node", DEV("xen,passthrough;"), 1,
	  "a passthrough device without iommus" },
	{ "the same without a vIOMMU", DEV("xen,passthrough;"), 0, NULL },
	/* An IOMMU somewhere: the bare node is only unprotected. */
	{ "an IOMMU, a bare passthrough node",
	  "smmu { #iommu-cells = <1>; };" DEV("xen,passthrough;"), 1, NULL },
	/* The passthrough node has iommus: not bare. */
	{ "no IOMMU, a passthrough node with iommus",
	  DEV("iommus = <1 5>; xen,passthrough;"), 1, NULL },
	{ "no IOMMU, no passthrough node", DEV(""), 1, NULL },
};

START_TEST(test_dom0)
{
	const struct dom0_case *c = &cases[_i];
	size_t len = strlen(c->body) + 64, size;
	char *dts = malloc(len);
	void *blob;
	struct vdt_diag d;
	int rc;

	ck_assert_ptr_nonnull(dts);
	snprintf(dts, len, "/ { %s };\n", c->body);
	blob = tu_dtb(dts, &size);
	vdt_diag_init(&d);
	rc = hostdt_dom0_check(blob, size, "host.dtb", c->need_iommu, &d);
	if (!c->want) {
		ck_assert_msg(rc == 0, "%s: refused", c->what);
	} else {
		ck_assert_msg(rc == -VDT_ERR_INPUT, "%s: rc %d", c->what, rc);
		ck_assert_msg(d.code < 0 && strstr(d.error.text, c->want),
			      "%s: message lacks '%s'", c->what, c->want);
	}
	vdt_diag_free(&d);
	free(blob);
	free(dts);
}
END_TEST

Suite *hostdt_dom0_suite(void)
{
	return tu_table_suite("hostdt_dom0", test_dom0, N(cases));
}

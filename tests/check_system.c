/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rules across guests (system_check(), S1-S4: each has a case that
 * must fail), the marked host tree, the system map and the ImageBuilder
 * fragment.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "system.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char host_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	smmu: iommu@4f000000 { reg = <0 0x4f000000 0 0x20000>;\n"
	"		#iommu-cells = <1>; };\n"
	"	smmu2: iommu@50000000 { reg = <0 0x50000000 0 0x20000>;\n"
	"		#iommu-cells = <1>; };\n"
	"	mmu500: iommu@51000000 { reg = <0 0x51000000 0 0x10000>;\n"
	"		#iommu-cells = <2>; };\n"
	"	soc { compatible = \"simple-bus\"; ranges;\n"
	"		#address-cells = <2>; #size-cells = <2>;\n"
	"		a@1 { iommus = <&smmu 0x10>; };\n"
	"		b@2 { iommus = <&smmu 0x10>; };\n"
	"		c@3 { iommus = <&smmu 0x11>; };\n"
	"		other@3 { iommus = <&smmu2 0x10>; };\n"
	"		pci@4 { iommu-map = <0 &smmu 0x100 0x100>; };\n"
	"		in@5 { iommus = <&smmu 0x180>; };\n"
	"		m1@6 { iommus = <&mmu500 0x40 0xf>; };\n"
	"		m2@7 { iommus = <&mmu500 0x4f 0>; status = \"disabled\"; };\n"
	"		m3@8 { iommus = <&mmu500 0x50 0>; };\n"
	"		m4@8 { iommus = <&mmu500 0x4e 0x1>; status = \"disabled\"; };\n"
	"		bus@9 { child@1 { iommus = <&smmu 0x20>; }; };\n"
	"		holder@a { iommu@0 { #iommu-cells = <1>; }; };\n"
	"		dom0dev@b { iommus = <&smmu 0x30>; };\n"
	"		g@c { iommus = <&smmu 0x30>; };\n"
	"		pcim@d { iommu-map-mask = <0xf>;\n"
	"			iommu-map = <0 &smmu 0x200 0x100>; };\n"
	"		x@e { iommus = <&smmu 0x20f>; };\n"
	"		y@f { iommus = <&smmu 0x210>; };\n"
	"		pci2@10 { iommu-map = <0 &smmu 0x1f0 0x20>; };\n"
	"		pci3@11 { iommu-map = <0 &smmu 0x300 0x10>; };\n"
	"		off@12 { status = \"disabled\"; iommus = <&smmu 0x11>; };\n"
	"		pci5@13 { iommu-map = <0 &mmu500 0x48 0x4>; };\n"
	"		pci6@14 { iommu-map = <0 &mmu500 0x50 0x8>; };\n"
	"	};\n"
	"};\n";

static const struct rule_case {
	const char *uses;	/* "guest:path ..." */
	int rc;			/* expected return */
	const char *error;	/* substring of the error */
	const char *warn;	/* substring of a warning; NULL: no warning */
} rule_cases[] = {
	/* S1: a node given twice, or inside another guest's */
	{ "g1:/soc/a@1 g2:/soc/a@1", -VDT_ERR_CONFLICT,
	  "given to guest 'g1' and to guest 'g2' (rule S1)", "" },
	{ "g1:/soc/bus@9 g2:/soc/bus@9/child@1", -VDT_ERR_CONFLICT,
	  "inside /soc/bus@9 of guest 'g1' (rule S1)", "" },
	{ "g2:/soc/bus@9/child@1 g1:/soc/bus@9", -VDT_ERR_CONFLICT,
	  "(rule S1)", "" },
	{ "g1:/soc/bus@9 g1:/soc/bus@9/child@1", 0, NULL, "" },
	/* S2: one stream, two guests */
	{ "g1:/soc/a@1 g2:/soc/b@2", -VDT_ERR_CONFLICT,
	  "guest 'g2' reaches ID 0x10 of /iommu@4f000000, which /soc/a@1 of guest 'g1' reaches too", "" },
	{ "g1:/soc/a@1 g2:/soc/other@3", 0, NULL, "" },
	{ "g1:/soc/pci@4 g2:/soc/in@5", -VDT_ERR_CONFLICT,
	  "IDs 0x100-0x1ff of /iommu@4f000000 (iommu-map)", "" },
	{ "g1:/soc/in@5 g2:/soc/pci@4", -VDT_ERR_CONFLICT, "(rule S2)", "" },
	{ "g1:/soc/pci@4 g2:/soc/pci2@10", -VDT_ERR_CONFLICT, "(rule S2)", "" },
	{ "g1:/soc/pci@4 g2:/soc/pci3@11", 0, NULL, "" },
	{ "g1:/soc/m1@6 g2:/soc/m2@7", -VDT_ERR_CONFLICT,
	  "ID 0x40 mask 0xf of /iommu@51000000", "" },
	{ "g1:/soc/m4@8 g2:/soc/m2@7", -VDT_ERR_CONFLICT, "(rule S2)", "" },
	{ "g1:/soc/m1@6 g2:/soc/m3@8", 0, NULL, "" },
	{ "g1:/soc/m1@6 g2:/soc/pci5@13", -VDT_ERR_CONFLICT,
	  "IDs 0x48-0x4b of /iommu@51000000 (iommu-map)", "" },
	{ "g1:/soc/m1@6 g2:/soc/pci6@14", 0, NULL, "" },
	{ "g1:/soc/pcim@d g2:/soc/x@e", -VDT_ERR_CONFLICT,
	  "IDs 0x200-0x20f", "" },
	{ "g1:/soc/pcim@d g2:/soc/y@f", 0, NULL, "" },
	{ "g1:/soc/a@1 g1:/soc/b@2", 0, NULL, NULL },
	/* S3: a stream shared with a device dom0 keeps */
	{ "g1:/soc/g@c", 0, NULL,
	  "guest 'g1' reaches ID 0x30 of /iommu@4f000000, which /soc/dom0dev@b reaches too and stays with dom0 (rule S3)" },
	{ "g1:/soc/c@3", 0, NULL, NULL },	/* off@12 is disabled */
	{ "g1:/soc/m3@8 g2:/soc/m1@6", 0, NULL,
	  "ID 0x40 mask 0xf of /iommu@51000000, which /soc/pci5@13 reaches too" },
	/* S4: no IOMMU, nor a node that holds one */
	{ "g1:/soc/holder@a", -VDT_ERR_CONFLICT,
	  "guest 'g1' would be given an IOMMU, or a node that holds one (rule S4)", "" },
	{ "g1:/iommu@4f000000", -VDT_ERR_CONFLICT, "(rule S4)", "" },
	/* paths */
	{ "g1:/soc/nope", -VDT_ERR_INPUT, "guest 'g1': no such node", "" },
};

/* A partial blob on which libfdt's own check would hang is refused. */
START_TEST(test_system_partial_hostile)
{
	const char **paths = NULL;
	struct vdt_diag d;
	size_t size;
	void *blob = tu_hang_blob(&size);
	int n = 0;

	vdt_diag_init(&d);
	ck_assert_int_eq(system_partial_paths(blob, size, "bad.dtb", &paths,
					      &n, &d), -VDT_ERR_BADDT);
	ck_assert_ptr_nonnull(strstr(d.error.text, "not a valid device tree blob"));
	free(paths);
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

START_TEST(test_system_rules)
{
	const struct rule_case *c = &rule_cases[_i];
	struct system_use uses[8];
	char buf[512], *save = NULL, *tok;
	struct vdt_diag d;
	struct hostdt h;
	size_t size, i;
	void *fdt = tu_dtb(host_dts, &size);
	int n = 0, rc, found = 0;

	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&h, fdt, size, "host.dtb", &d), 0);
	strcpy(buf, c->uses);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');

		*colon = '\0';
		uses[n].guest = tok;
		uses[n++].path = colon + 1;
	}
	rc = system_check(&h, "sys.yaml", uses, n, &d);
	ck_assert_msg(rc == c->rc, "%s: rc %d, not %d: %s", c->uses, rc, c->rc,
		      d.error.text);
	if (c->error) {
		ck_assert_str_eq(d.error.file, "sys.yaml");
		ck_assert_msg(strstr(d.error.text, c->error) != NULL,
			      "'%s' lacks '%s'", d.error.text, c->error);
	}
	for (i = 0; i < d.nwarnings; i++)
		if (strstr(d.warnings[i].text, "(rule S3)")) {
			ck_assert_msg(c->warn != NULL, "%s: warning '%s'", c->uses,
				      d.warnings[i].text);
			found |= strstr(d.warnings[i].text, c->warn) != NULL;
		}
	if (c->warn && *c->warn)
		ck_assert_msg(found, "%s: no warning '%s'", c->uses, c->warn);
	vdt_diag_free(&d);
	hostdt_close(&h);
	free(fdt);
}
END_TEST

/* Every listed node gets an empty xen,passthrough, and nothing else
 * changes, past more than one growth of the buffer. */
START_TEST(test_system_mark_host)
{
	static const char *const paths[] = {
		"/soc/a@1", "/soc/b@2", "/soc/c@3", "/soc/other@3", "/soc/pci@4",
		"/soc/in@5", "/soc/m1@6", "/soc/m2@7", "/soc/m3@8",
		"/soc/bus@9/child@1", "/soc/g@c", "/soc/a@1",
	};
	struct vdt_diag d;
	size_t size, out_size;
	void *fdt = tu_dtb(host_dts, &size), *out = NULL;
	int i, node, depth = 0, props_in = 0, props_out = 0, prop, len;

	vdt_diag_init(&d);
	ck_assert_int_eq(system_mark_host(fdt, size, "host.dtb", paths, N(paths),
					  &out, &out_size, &d), 0);
	ck_assert_int_eq(fdt_check_full(out, out_size), 0);
	for (i = 0; i < N(paths); i++) {
		node = fdt_path_offset(out, paths[i]);
		ck_assert_int_ge(node, 0);
		ck_assert_ptr_nonnull(fdt_getprop(out, node, "xen,passthrough", &len));
		ck_assert_int_eq(len, 0);
	}
	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth))
		fdt_for_each_property_offset(prop, fdt, node)
			props_in++;
	depth = 0;
	for (node = 0; node >= 0; node = fdt_next_node(out, node, &depth))
		fdt_for_each_property_offset(prop, out, node)
			props_out++;
	ck_assert_int_eq(props_out, props_in + N(paths) - 1);
	/* Marking again changes nothing. */
	{
		void *again = NULL;
		size_t again_size;

		ck_assert_int_eq(system_mark_host(out, out_size, "host.dtb", paths,
						  N(paths), &again, &again_size, &d), 0);
		ck_assert_uint_eq(again_size, out_size);
		ck_assert_int_eq(memcmp(again, out, out_size), 0);
		free(again);
	}
	{
		static const char *const nope[] = { "/soc/nope" };
		void *none = out;

		ck_assert_int_eq(system_mark_host(fdt, size, "host.dtb", nope, 1,
						  &none, &out_size, &d),
				 -VDT_ERR_INPUT);
		ck_assert_ptr_null(none);
	}
	vdt_diag_free(&d);
	free(out);
	free(fdt);
}
END_TEST

START_TEST(test_system_map_and_fragment)
{
	static const char *const names[] = { "1", "web" };
	static const struct vmap empty = { .policy = VDT_POLICY_COMPACT,
					   .vid_bits = 16 };
	const struct vmap *maps[] = { &empty, &empty };
	const int idx[] = { 0, 3 };
	const char *dtbs[] = { "1.dtb", "it's.dtb" };
	struct vdt_diag d;
	struct vbuf b;

	vdt_diag_init(&d);
	vbuf_init(&b);
	ck_assert_int_eq(system_map_write(names, maps, 2, "s.yaml", &b, &d), 0);
	ck_assert_msg(strncmp(b.data, SYSTEM_MAP_HEADER "version: 1\nguests:\n  \"1\":\n    version: 1\n",
			      strlen(SYSTEM_MAP_HEADER) + 36) == 0, "%s", b.data);
	ck_assert_ptr_nonnull(strstr(b.data, "\n  \"web\":\n    version: 1\n"));
	vbuf_free(&b);
	vbuf_init(&b);
	ck_assert_int_eq(system_map_write(names, maps, 0, "s.yaml", &b, &d), 0);
	ck_assert_str_eq(b.data, SYSTEM_MAP_HEADER "version: 1\nguests: {}\n");
	vbuf_free(&b);
	vbuf_init(&b);
	ck_assert_int_eq(system_ib_fragment("ib.cfg", "host.dtb", idx, dtbs, 2,
					    &b, &d), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "\nDEVICE_TREE='host.dtb'\n"
					     "DOMU_PASSTHROUGH_DTB[0]='1.dtb'\n"
					     "DOMU_PASSTHROUGH_PATHS[0]=''\n"
					     "DOMU_PASSTHROUGH_DTB[3]='it'\\''s.dtb'\n"));
	ck_assert_int_eq(system_ib_fragment("ib.cfg", "a\nb", idx, dtbs, 0, &b,
					    &d), -VDT_ERR_INPUT);
	vbuf_free(&b);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_system_names)
{
	char *p;

	ck_assert_int_eq(system_name_ok("domu0"), 1);
	ck_assert_int_eq(system_name_ok("a.b_c-d"), 1);
	ck_assert_int_eq(system_name_ok(""), 0);
	ck_assert_int_eq(system_name_ok(".x"), 0);
	ck_assert_int_eq(system_name_ok("-x"), 0);
	ck_assert_int_eq(system_name_ok("a/b"), 0);
	ck_assert_int_eq(system_name_ok("a b"), 0);
	ck_assert_int_eq(system_name_ok("0123456789012345678901234567890123456789012345678901234567890123"), 1);
	ck_assert_int_eq(system_name_ok("01234567890123456789012345678901234567890123456789012345678901234"), 0);
	p = system_path_join("dir/sys.yaml", "p.dts");
	ck_assert_str_eq(p, "dir/p.dts");
	free(p);
	p = system_path_join("sys.yaml", "p.dts");
	ck_assert_str_eq(p, "p.dts");
	free(p);
	p = system_path_join("/a/b/sys.yaml", "/abs.dtb");
	ck_assert_str_eq(p, "/abs.dtb");
	free(p);
}
END_TEST

Suite *system_suite(void)
{
	Suite *s = tu_table_suite("system", test_system_rules, N(rule_cases));
	TCase *tc = tcase_create("outputs");

	tcase_add_test(tc, test_system_mark_host);
	tcase_add_test(tc, test_system_map_and_fragment);
	tcase_add_test(tc, test_system_names);
	tcase_add_test(tc, test_system_partial_hostile);
	suite_add_tcase(s, tc);
	return s;
}

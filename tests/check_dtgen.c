/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "dtgen.h"
#include "map_write.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * One host for every case: SMMUs with one and two ID cells, two disabled
 * SMMUs, and a device for each situation below /soc.
 */
static const char host_dts[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	smmu_a: iommu@4f000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x4f000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"	smmu_b: iommu@50000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x50000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"	smmu_500: iommu@51000000 { compatible = \"arm,mmu-500\";\n"
	"		reg = <0x0 0x51000000 0x0 0x10000>; #iommu-cells = <2>; };\n"
	"	smmu_off: iommu@53000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x53000000 0x0 0x20000>; #iommu-cells = <1>;\n"
	"		status = \"disabled\"; };\n"
	"	smmu_off2: iommu@54000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x54000000 0x0 0x20000>; #iommu-cells = <1>;\n"
	"		status = \"disabled\"; };\n"
	"	soc { compatible = \"simple-bus\"; ranges;\n"
	"		#address-cells = <2>; #size-cells = <2>;\n"
	"		test@10000000 { iommus = <&smmu_a 0x10>; };\n"
	"		a@1000 { iommus = <&smmu_a 0x5>; };\n"
	"		b@2000 { iommus = <&smmu_b 0x5>; };\n"
	"		ab@3000 { iommus = <&smmu_a 0x5 &smmu_b 0x5>; };\n"
	"		usb0@4000 { iommus = <&smmu_b 0x0>; };\n"
	"		usb1@5000 { iommus = <&smmu_b 0x0>; };\n"
	"		multi@6000 { iommus = <&smmu_a 0x20 &smmu_a 0x21 &smmu_a 0x22>; };\n"
	"		off1@7000 { iommus = <&smmu_off 0x1>; };\n"
	"		off2@8000 { iommus = <&smmu_off 0x2>; };\n"
	"		off3@9000 { iommus = <&smmu_off2 0x1>; };\n"
	"		dis@a000 { status = \"disabled\"; iommus = <&smmu_a 0x30>; };\n"
	"		noiommu@b000 { };\n"
	"		masked@c000 { iommus = <&smmu_500 0x40 0x7f00>; };\n"
	"		pcie@f000 { iommu-map = <0x0 &smmu_a 0x0 0x100>; };\n"
	"	};\n"
	"};\n";

/* A partial DT: the GIC placeholder, an alias, and @body in /passthrough. */
static const char partial_fmt[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	gic: gic { phandle = <0xfde8>; #interrupt-cells = <3>;\n"
	"		interrupt-controller; };\n"
	"	aliases { serial0 = \"/passthrough/a@1000\"; };\n"
	"	passthrough { compatible = \"simple-bus\"; ranges;\n"
	"		#address-cells = <2>; #size-cells = <2>;\n"
	"%s"
	"	};\n"
	"};\n";

/* A passthrough node for host node /soc/@name, with @extra properties. */
#define DEV(name, extra)                                               \
	"\t\t" name " { compatible = \"test\"; " extra                 \
	" xen,path = \"/soc/" name "\"; };\n"

static const char xen_devel_host[] =
	"/ {\n"
	"	#address-cells = <2>; #size-cells = <2>;\n"
	"	smmu: iommu@4f000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x4f000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"	soc { compatible = \"simple-bus\"; ranges;\n"
	"		#address-cells = <2>; #size-cells = <2>;\n"
	"		test@10000000 { reg = <0x0 0x10000000 0x0 0x1000>;\n"
	"			iommus = <&smmu 0x10>; };\n"
	"	};\n"
	"};\n";

static const char xen_devel_body[] =
	"\t\ttest@10000000 { compatible = \"viommu-dtgen,test-device\";\n"
	"\t\t\treg = <0x0 0x10000000 0x0 0x1000>;\n"
	"\t\t\tinterrupt-parent = <0xfde8>; interrupts = <0x0 112 0x4>;\n"
	"\t\t\txen,reg = <0x0 0x10000000 0x0 0x1000 0x0 0x10000000>;\n"
	"\t\t\txen,path = \"/soc/test@10000000\"; };\n";

static void *partial_dtb(const char *body, size_t *size)
{
	char dts[4096];

	ck_assert_int_lt(snprintf(dts, sizeof(dts), partial_fmt, body),
			 (int)sizeof(dts));
	return tu_dtb(dts, size);
}

/* dtgen_run on blobs; the caller frees @res and @d. */
static int run_blobs(const struct dtgen_opts *o, const void *host,
		     size_t hsize, const void *part, size_t psize,
		     struct dtgen_result *res, struct vdt_diag *d)
{
	struct dtgen_blob h = { host, hsize, "host.dtb" };
	struct dtgen_blob p = { part, psize, "partial.dtb" };

	vdt_diag_init(d);
	return dtgen_run(o, &h, &p, res, d);
}

/* dtgen_run on @host and a partial DT with @body; the inputs are freed. */
static int run_with(const char *host, const char *body,
		    const struct dtgen_opts *o, struct dtgen_result *res,
		    struct vdt_diag *d)
{
	size_t hsize, psize;
	void *h = tu_dtb(host, &hsize), *p = partial_dtb(body, &psize);
	int rc = run_blobs(o, h, hsize, p, psize, res, d);

	free(h);
	free(p);
	return rc;
}

static int run_default(const char *body, struct dtgen_result *res,
		       struct vdt_diag *d)
{
	struct dtgen_opts o;

	dtgen_opts_default(&o);
	return run_with(host_dts, body, &o, res, d);
}

static void assert_ok(int rc, const struct vdt_diag *d)
{
	ck_assert_msg(rc == 0, "dtgen_run returned %d: %s: %s: %s", rc,
		      d->error.node, d->error.prop, d->error.text);
}

/* The output's iommus of @path must be <0xfdea vid>... for @vids. */
static void assert_vids(const struct dtgen_result *res, const char *path,
			const uint32_t *vids, int n)
{
	int node = fdt_path_offset(res->fdt, path), len, i;
	const fdt32_t *p;

	ck_assert_msg(node >= 0, "no %s in the output", path);
	p = fdt_getprop(res->fdt, node, "iommus", &len);
	ck_assert_msg(p != NULL, "%s has no iommus", path);
	ck_assert_msg(len == 8 * n, "%s: iommus is %d bytes, want %d", path,
		      len, 8 * n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(fdt32_to_cpu(p[2 * i]), 0xfdea);
		ck_assert_msg(fdt32_to_cpu(p[2 * i + 1]) == vids[i],
			      "%s: vID %d is 0x%x, want 0x%x", path, i,
			      fdt32_to_cpu(p[2 * i + 1]), vids[i]);
	}
}

static void assert_map_xl(const struct dtgen_result *res, const char *want)
{
	struct vdt_diag d;
	struct vbuf out;

	vbuf_init(&out);
	vdt_diag_init(&d);
	ck_assert_int_eq(map_write(&res->map, MAP_FORMAT_XL, "m.cfg", &out, &d),
			 0);
	ck_assert_str_eq(out.data, want);
	vbuf_free(&out);
	vdt_diag_free(&d);
}

/* ---- the cases of the issue ---- */

START_TEST(test_xen_devel)
{
	static const uint32_t vid0[] = { 0 };
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	int pt, node, rc;

	dtgen_opts_default(&o);
	rc = run_with(xen_devel_host, xen_devel_body, &o, &res, &d);
	assert_ok(rc, &d);
	ck_assert_uint_eq(d.nwarnings, 0);
	ck_assert_int_eq(fdt_check_full(res.fdt, res.size), 0);
	ck_assert_uint_eq(res.size, fdt_totalsize(res.fdt));
	assert_vids(&res, "/passthrough/test@10000000", vid0, 1);
	pt = fdt_path_offset(res.fdt, "/passthrough");
	node = fdt_first_subnode(res.fdt, pt);
	ck_assert_str_eq(fdt_get_name(res.fdt, node, NULL), "iommu@4040000");
	ck_assert_int_eq(fdt_node_offset_by_phandle(res.fdt, 0xfdea), node);
	ck_assert_str_eq(fdt_getprop(res.fdt, fdt_path_offset(res.fdt, "/aliases"),
				     "serial0", NULL), "/passthrough/a@1000");

	ck_assert_int_eq(res.map.nentries, 1);
	ck_assert_uint_eq(res.map.entries[0].vid, 0);
	ck_assert_uint_eq(res.map.entries[0].pid, 0x10);
	ck_assert_uint_eq(res.map.entries[0].mask, 0);
	ck_assert_uint_eq(res.map.entries[0].count, 1);
	ck_assert_int_eq(res.map.niommus, 1);
	ck_assert_str_eq(res.map.iommus[0].path, "/iommu@4f000000");
	ck_assert_uint_eq(res.map.iommus[0].base, 0x4f000000);
	ck_assert_int_eq(res.map.ndevices, 1);
	ck_assert_str_eq(res.map.devices[0].node, "/passthrough/test@10000000");
	ck_assert_str_eq(res.map.devices[0].host, "/soc/test@10000000");
	ck_assert_int_eq(res.map.entries[0].ndevs, 1);
	ck_assert_int_eq(res.map.entries[0].devs[0], 0);
	assert_map_xl(&res, "iommu_devid_map = [ \"0x10@0x0,0x4f000000\" ]\n");
	dtgen_result_free(&res);
	ck_assert_ptr_null(res.fdt);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_same_pid_two_iommus)
{
	static const uint32_t v0[] = { 0 }, v1[] = { 1 }, v01[] = { 0, 1 };
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(DEV("a@1000", "") DEV("b@2000", "")
			 DEV("ab@3000", ""), &res, &d);
	assert_ok(rc, &d);
	assert_vids(&res, "/passthrough/a@1000", v0, 1);
	assert_vids(&res, "/passthrough/b@2000", v1, 1);
	assert_vids(&res, "/passthrough/ab@3000", v01, 2);
	ck_assert_int_eq(res.map.nentries, 2);
	ck_assert_int_eq(res.map.niommus, 2);
	ck_assert_uint_eq(res.map.entries[0].pid, 5);
	ck_assert_uint_eq(res.map.entries[1].pid, 5);
	ck_assert_int_ne(res.map.entries[0].iommu, res.map.entries[1].iommu);
	assert_map_xl(&res, "iommu_devid_map = [ \"0x5@0x0,0x4f000000\","
			    " \"0x5@0x1,0x50000000\" ]\n");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_shared_key)
{
	static const uint32_t v0[] = { 0 };
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(DEV("usb0@4000", "") DEV("usb1@5000", ""), &res, &d);
	assert_ok(rc, &d);
	assert_vids(&res, "/passthrough/usb0@4000", v0, 1);
	assert_vids(&res, "/passthrough/usb1@5000", v0, 1);
	ck_assert_int_eq(res.map.nentries, 1);
	ck_assert_int_eq(res.map.entries[0].ndevs, 2);
	ck_assert_str_eq(res.map.devices[res.map.entries[0].devs[0]].node,
			 "/passthrough/usb0@4000");
	ck_assert_str_eq(res.map.devices[res.map.entries[0].devs[1]].node,
			 "/passthrough/usb1@5000");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_multi_sid_and_mask)
{
	static const uint32_t v012[] = { 0, 1, 2 }, v3[] = { 3 };
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(DEV("multi@6000", "")
			 DEV("masked@c000", "iommus = <0x0 0x40 0x7f00>;"),
			 &res, &d);
	assert_ok(rc, &d);
	assert_vids(&res, "/passthrough/multi@6000", v012, 3);
	assert_vids(&res, "/passthrough/masked@c000", v3, 1);
	ck_assert_int_eq(res.map.nentries, 4);
	ck_assert_uint_eq(res.map.entries[3].pid, 0x40);
	ck_assert_uint_eq(res.map.entries[3].mask, 0x7f00);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Pins are honoured before allocation: the unpinned device gets what is left. */
START_TEST(test_pins_first)
{
	static const uint32_t v0[] = { 0 }, v1[] = { 1 };
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(DEV("a@1000", "")
			 DEV("b@2000", "iommus = <0xfdea 0x0>;"), &res, &d);
	assert_ok(rc, &d);
	assert_vids(&res, "/passthrough/a@1000", v1, 1);
	assert_vids(&res, "/passthrough/b@2000", v0, 1);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_identity)
{
	static const uint32_t v5[] = { 5 }, vm[] = { 0x20, 0x21, 0x22 };
	static const uint32_t v0[] = { 0 };
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	int rc;

	dtgen_opts_default(&o);
	o.policy = IDALLOC_IDENTITY;
	/* b's pID 5 is a's already: b gets the lowest free vID. */
	rc = run_with(host_dts, DEV("a@1000", "") DEV("b@2000", "")
		      DEV("multi@6000", ""), &o, &res, &d);
	assert_ok(rc, &d);
	assert_vids(&res, "/passthrough/a@1000", v5, 1);
	assert_vids(&res, "/passthrough/b@2000", v0, 1);
	assert_vids(&res, "/passthrough/multi@6000", vm, 3);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_force_assign)
{
	struct dtgen_result res;
	struct vdt_diag d;
	int rc, node;

	rc = run_default(DEV("noiommu@b000", "xen,force-assign-without-iommu;"),
			 &res, &d);
	assert_ok(rc, &d);
	node = fdt_path_offset(res.fdt, "/passthrough/noiommu@b000");
	ck_assert_int_ge(node, 0);
	ck_assert_ptr_null(fdt_getprop(res.fdt, node, "iommus", NULL));
	ck_assert_int_eq(res.map.nentries, 0);
	assert_map_xl(&res, "iommu_devid_map = [ ]\n");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* ---- determinism and idempotence ---- */

static const struct repeat_case {
	const char *name;
	const char *body;
	enum idalloc_policy policy;
	int no_viommu_node;
} repeat_cases[] = {
	{ "xen-devel", DEV("test@10000000", ""), IDALLOC_COMPACT, 0 },
	{ "many devices", DEV("multi@6000", "") DEV("a@1000", "")
	  DEV("b@2000", "iommus = <0xfdea 0x7>;") DEV("ab@3000", "")
	  DEV("usb0@4000", "iommus = <0x0 0x0>;") DEV("usb1@5000", "")
	  DEV("masked@c000", ""), IDALLOC_COMPACT, 0 },
	{ "identity", DEV("a@1000", "") DEV("b@2000", "")
	  DEV("multi@6000", ""), IDALLOC_IDENTITY, 0 },
	{ "earlier vIOMMU node", DEV("a@1000", "")
	  "\t\tiommu@4040000 { compatible = \"arm,smmu-v3\";"
	  " reg = <0x0 0x4040000 0x0 0x40000>; #iommu-cells = <1>;"
	  " phandle = <0xfdea>; interrupt-parent = <0xfde8>;"
	  " interrupts = <0x0 0x5 0xf04>; interrupt-names = \"combined\"; };\n"
	  DEV("b@2000", ""), IDALLOC_COMPACT, 0 },
	{ "no vIOMMU node", DEV("a@1000", "") DEV("b@2000", ""),
	  IDALLOC_COMPACT, 1 },
};

START_TEST(test_repeat)
{
	const struct repeat_case *c = &repeat_cases[_i];
	struct dtgen_result r1, r2, r3;
	struct vdt_diag d;
	struct dtgen_opts o;
	size_t hsize, psize;
	void *h = tu_dtb(host_dts, &hsize), *p = partial_dtb(c->body, &psize);

	dtgen_opts_default(&o);
	o.policy = c->policy;
	o.no_viommu_node = c->no_viommu_node;
	assert_ok(run_blobs(&o, h, hsize, p, psize, &r1, &d), &d);
	vdt_diag_free(&d);
	assert_ok(run_blobs(&o, h, hsize, p, psize, &r2, &d), &d);
	vdt_diag_free(&d);
	ck_assert_msg(r1.size == r2.size && memcmp(r1.fdt, r2.fdt, r1.size) == 0,
		      "%s: two runs differ", c->name);
	/* Again on its own output: the same bytes. */
	assert_ok(run_blobs(&o, h, hsize, r1.fdt, r1.size, &r3, &d), &d);
	vdt_diag_free(&d);
	ck_assert_msg(r1.size == r3.size && memcmp(r1.fdt, r3.fdt, r1.size) == 0,
		      "%s: a run on the output changes it", c->name);
	ck_assert_int_eq(r1.map.nentries, r3.map.nentries);
	ck_assert_msg(fdt_node_offset_by_phandle(r1.fdt, 0xfdea) >= 0 ||
		      c->no_viommu_node, "%s: no vIOMMU node", c->name);
	if (c->no_viommu_node)
		ck_assert_int_lt(fdt_node_offset_by_phandle(r1.fdt, 0xfdea), 0);
	dtgen_result_free(&r1);
	dtgen_result_free(&r2);
	dtgen_result_free(&r3);
	free(h);
	free(p);
}
END_TEST

/* An earlier run's node is updated where it stands, never duplicated. */
START_TEST(test_rerun_update)
{
	static const uint32_t v5[] = { 5 }, irq[] = { 0, 1, 0xf04 };
	struct dtgen_result res;
	struct vdt_diag d;
	const fdt32_t *p;
	int rc, node, len, i;

	rc = run_default(DEV("a@1000", "iommus = <0xfdea 0x5>;")
			 "\t\tiommu@4040000 { compatible = \"arm,smmu-v3\";"
			 " reg = <0x0 0x4040000 0x0 0x40000>;"
			 " #iommu-cells = <1>; phandle = <0xfdea>;"
			 " interrupt-parent = <0xfde8>;"
			 " interrupts = <0x0 0x5 0xf04>;"
			 " interrupt-names = \"combined\"; };\n", &res, &d);
	assert_ok(rc, &d);
	assert_vids(&res, "/passthrough/a@1000", v5, 1);
	node = fdt_first_subnode(res.fdt, fdt_path_offset(res.fdt, "/passthrough"));
	ck_assert_str_eq(fdt_get_name(res.fdt, node, NULL), "a@1000");
	node = fdt_next_subnode(res.fdt, node);
	ck_assert_str_eq(fdt_get_name(res.fdt, node, NULL), "iommu@4040000");
	ck_assert_int_eq(fdt_next_subnode(res.fdt, node), -FDT_ERR_NOTFOUND);
	p = fdt_getprop(res.fdt, node, "interrupts", &len);
	ck_assert_int_eq(len, 12);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(fdt32_to_cpu(p[i]), irq[i]);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* A new base renames the earlier run's node, which keeps its place. */
START_TEST(test_rerun_new_base)
{
	static const char *const want[] = { "a@1000", "iommu@5000000", "b@2000" };
	static const uint32_t reg[] = { 0, 0x5000000, 0, 0x40000 };
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	const fdt32_t *p;
	int node, i = 0, len;

	dtgen_opts_default(&o);
	o.viommu.base = 0x5000000;
	assert_ok(run_with(host_dts, DEV("a@1000", "")
			   "\t\tiommu@4040000 { compatible = \"arm,smmu-v3\";"
			   " reg = <0x0 0x4040000 0x0 0x40000>;"
			   " #iommu-cells = <1>; phandle = <0xfdea>; };\n"
			   DEV("b@2000", ""), &o, &res, &d), &d);
	fdt_for_each_subnode(node, res.fdt, fdt_path_offset(res.fdt, "/passthrough")) {
		ck_assert_int_lt(i, N(want));
		ck_assert_str_eq(fdt_get_name(res.fdt, node, NULL), want[i]);
		i++;
	}
	ck_assert_int_eq(i, N(want));
	node = fdt_path_offset(res.fdt, "/passthrough/iommu@5000000");
	p = fdt_getprop(res.fdt, node, "reg", &len);
	ck_assert_int_eq(len, 16);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(fdt32_to_cpu(p[i]), reg[i]);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* With no_viommu_node an earlier run's node is dropped, references stay. */
START_TEST(test_no_viommu_node_removes)
{
	static const uint32_t v0[] = { 0 };
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;

	dtgen_opts_default(&o);
	o.no_viommu_node = 1;
	assert_ok(run_with(host_dts, DEV("a@1000", "")
			   "\t\tiommu@4040000 { compatible = \"arm,smmu-v3\";"
			   " phandle = <0xfdea>; sub { }; };\n", &o, &res, &d), &d);
	assert_vids(&res, "/passthrough/a@1000", v0, 1);
	ck_assert_int_lt(fdt_path_offset(res.fdt, "/passthrough/iommu@4040000"), 0);
	ck_assert_int_lt(fdt_node_offset_by_phandle(res.fdt, 0xfdea), 0);
	ck_assert_int_eq(fdt_check_full(res.fdt, res.size), 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Property names of @path in the output, space-separated. */
static void prop_names(const struct dtgen_result *res, const char *path,
		       char *buf, size_t len)
{
	int node = fdt_path_offset(res->fdt, path), off;
	const char *name;
	size_t pos = 0;

	ck_assert_int_ge(node, 0);
	buf[0] = '\0';
	fdt_for_each_property_offset(off, res->fdt, node) {
		fdt_getprop_by_offset(res->fdt, off, &name, NULL);
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					pos ? " " : "", name);
		ck_assert_uint_lt(pos, len);
	}
}

/*
 * iommus replaces a copy where it stands and is added after the last
 * property otherwise (before any subnode); devices nest at any depth.
 */
START_TEST(test_iommus_placement)
{
	static const uint32_t v0[] = { 0 }, v1[] = { 1 }, v2[] = { 2 };
	struct dtgen_result res;
	struct vdt_diag d;
	char names[256];

	assert_ok(run_default(DEV("test@10000000", "iommus = <0x0 0x10>;")
			      "\t\tbus { ranges; #address-cells = <2>; #size-cells = <2>;\n"
			      "\t\t\ta@1000 { xen,path = \"/soc/a@1000\"; status = \"okay\";\n"
			      "\t\t\t\tport { label = \"x\"; }; };\n"
			      "\t\t};\n"
			      DEV("b@2000", ""), &res, &d), &d);
	ck_assert_int_eq(fdt_check_full(res.fdt, res.size), 0);
	assert_vids(&res, "/passthrough/test@10000000", v0, 1);
	assert_vids(&res, "/passthrough/bus/a@1000", v1, 1);
	assert_vids(&res, "/passthrough/b@2000", v2, 1);
	prop_names(&res, "/passthrough/test@10000000", names, sizeof(names));
	ck_assert_str_eq(names, "compatible iommus xen,path");
	prop_names(&res, "/passthrough/bus/a@1000", names, sizeof(names));
	ck_assert_str_eq(names, "xen,path status iommus");
	prop_names(&res, "/passthrough/bus/a@1000/port", names, sizeof(names));
	ck_assert_str_eq(names, "label");
	prop_names(&res, "/passthrough/b@2000", names, sizeof(names));
	ck_assert_str_eq(names, "compatible xen,path iommus");
	ck_assert_str_eq(res.map.devices[1].node, "/passthrough/bus/a@1000");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* The header's memory reservations and boot CPU pass through. */
START_TEST(test_header_passes_through)
{
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	size_t hsize, psize;
	void *h = tu_dtb(xen_devel_host, &hsize);
	void *p = partial_dtb(xen_devel_body, &psize);
	void *q = malloc(psize + 256);
	uint64_t addr, size;

	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(fdt_open_into(p, q, (int)psize + 256), 0);
	ck_assert_int_eq(fdt_add_mem_rsv(q, 0x80000000ull, 0x1000), 0);
	ck_assert_int_eq(fdt_add_mem_rsv(q, 0x880000000ull, 0x200000), 0);
	fdt_set_boot_cpuid_phys(q, 3);
	ck_assert_int_eq(fdt_pack(q), 0);
	dtgen_opts_default(&o);
	assert_ok(run_blobs(&o, h, hsize, q, fdt_totalsize(q), &res, &d), &d);
	ck_assert_int_eq(fdt_num_mem_rsv(res.fdt), 2);
	ck_assert_int_eq(fdt_get_mem_rsv(res.fdt, 0, &addr, &size), 0);
	ck_assert_uint_eq(addr, 0x80000000ull);
	ck_assert_uint_eq(size, 0x1000);
	ck_assert_int_eq(fdt_get_mem_rsv(res.fdt, 1, &addr, &size), 0);
	ck_assert_uint_eq(addr, 0x880000000ull);
	ck_assert_uint_eq(size, 0x200000);
	ck_assert_uint_eq(fdt_boot_cpuid_phys(res.fdt), 3);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
	free(h);
	free(p);
	free(q);
}
END_TEST

/* ---- warnings ---- */

START_TEST(test_disabled_iommu_warned_once)
{
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(DEV("off1@7000", "") DEV("off2@8000", "")
			 DEV("off3@9000", ""), &res, &d);
	assert_ok(rc, &d);
	ck_assert_int_eq(res.map.nentries, 3);
	/* Two devices on /iommu@53000000, one on /iommu@54000000. */
	ck_assert_uint_eq(d.nwarnings, 2);
	ck_assert_str_eq(d.warnings[0].file, "host.dtb");
	ck_assert_str_eq(d.warnings[0].node, "/iommu@53000000");
	ck_assert_str_eq(d.warnings[0].prop, "status");
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text, "IOMMU is disabled"));
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text,
				     "/passthrough/off1@7000"));
	ck_assert_str_eq(d.warnings[1].node, "/iommu@54000000");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_disabled_host_node)
{
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(DEV("dis@a000", ""), &res, &d);
	assert_ok(rc, &d);
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_str_eq(d.warnings[0].node, "/soc/dis@a000");
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text, "host node is disabled"));
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_exhausted)
{
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	int rc;

	dtgen_opts_default(&o);
	o.vid_bits = 1;
	rc = run_with(host_dts, DEV("a@1000", "") DEV("usb0@4000", "")
		      DEV("usb1@5000", "") DEV("multi@6000", "") DEV("b@2000", ""),
		      &o, &res, &d);
	ck_assert_int_eq(rc, -VDT_ERR_EXHAUSTED);
	ck_assert_str_eq(d.error.file, "partial.dtb");
	ck_assert_str_eq(d.error.node, "/passthrough/multi@6000");
	ck_assert_str_eq(d.error.prop, "iommus");
	ck_assert_ptr_nonnull(strstr(d.error.text, "no free vID"));
	ck_assert_ptr_nonnull(strstr(d.error.text, "pID 0x20"));
	ck_assert_ptr_null(res.fdt);
	ck_assert_int_eq(res.map.nentries, 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

static const struct opt_case {
	const char *name;
	unsigned int vid_bits;
	uint32_t vid_base, phandle, spi;
	uint64_t size;
	const char *msg;
} opt_cases[] = {
	{ "vid_bits 0", 0, 0, 0xfdea, 33, 0x40000, "--vid-bits" },
	{ "vid_bits 33", 33, 0, 0xfdea, 33, 0x40000, "--vid-bits" },
	{ "vid_base at 2^bits", 16, 0x10000, 0xfdea, 33, 0x40000, "--vid-base" },
	{ "vid_base beyond 2^bits", 4, 0x100, 0xfdea, 33, 0x40000, "--vid-base" },
	{ "spi 31", 16, 0, 0xfdea, 31, 0x40000, "--viommu-spi" },
	{ "spi 1020", 16, 0, 0xfdea, 1020, 0x40000, "--viommu-spi" },
	{ "phandle 0", 16, 0, 0, 33, 0x40000, "--viommu-phandle" },
	{ "phandle -1", 16, 0, 0xffffffffu, 33, 0x40000, "--viommu-phandle" },
	{ "size 0", 16, 0, 0xfdea, 33, 0, "--viommu-reg" },
};

START_TEST(test_bad_options)
{
	const struct opt_case *c = &opt_cases[_i];
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	int rc;

	dtgen_opts_default(&o);
	o.vid_bits = c->vid_bits;
	o.vid_base = c->vid_base;
	o.viommu.phandle = c->phandle;
	o.viommu.spi = c->spi;
	o.viommu.size = c->size;
	rc = run_with(xen_devel_host, xen_devel_body, &o, &res, &d);
	ck_assert_msg(rc == -VDT_ERR_USAGE, "%s: returned %d (%s)", c->name,
		      rc, d.error.text);
	ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
		      "%s: \"%s\" lacks \"%s\"", c->name, d.error.text, c->msg);
	ck_assert_ptr_null(res.fdt);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Options at the edges of their ranges are accepted. */
START_TEST(test_edge_options)
{
	static const uint32_t v[] = { 0xfffffffeu };
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;

	dtgen_opts_default(&o);
	o.vid_bits = 32;
	o.vid_base = 0xfffffffeu;
	o.viommu.spi = 1019;
	assert_ok(run_with(xen_devel_host, xen_devel_body, &o, &res, &d), &d);
	assert_vids(&res, "/passthrough/test@10000000", v, 1);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

static const struct err_case {
	const char *name;
	const char *body;
	int ret;
	const char *file, *node, *prop, *msg, *hint;
} err_cases[] = {
	{ "missing host node", DEV("nosuch@0", ""), -VDT_ERR_INPUT,
	  "partial.dtb", "/passthrough/nosuch@0", "xen,path", "not found in",
	  NULL },
	{ "no IOMMU", DEV("noiommu@b000", ""), -VDT_ERR_INPUT, "partial.dtb",
	  "/passthrough/noiommu@b000", "xen,path", "has no IOMMU",
	  "xen,force-assign-without-iommu" },
	{ "iommu-map", DEV("pcie@f000", ""), -VDT_ERR_UNSUPPORTED, "host.dtb",
	  "/soc/pcie@f000", "iommu-map", "not yet supported", NULL },
	{ "stale copy", DEV("test@10000000", "iommus = <0x0 0x11>;"),
	  -VDT_ERR_INPUT, "partial.dtb", "/passthrough/test@10000000",
	  "iommus", "stale copy: partial says 0x11, host says 0x10", NULL },
	{ "pin count", DEV("ab@3000", "iommus = <0xfdea 0x1>;"),
	  -VDT_ERR_INPUT, "partial.dtb", "/passthrough/ab@3000", "iommus",
	  "pinned vIDs", NULL },
	{ "pin conflict", DEV("a@1000", "iommus = <0xfdea 0x3>;")
	  DEV("b@2000", "iommus = <0xfdea 0x3>;"), -VDT_ERR_CONFLICT,
	  "partial.dtb", "/passthrough/b@2000", "iommus", "pinned to", NULL },
	{ "pinned twice", DEV("usb0@4000", "iommus = <0xfdea 0x1>;")
	  DEV("usb1@5000", "iommus = <0xfdea 0x2>;"), -VDT_ERR_CONFLICT,
	  "partial.dtb", "/passthrough/usb1@5000", "iommus", "pinned twice",
	  NULL },
	{ "pin outside the space", DEV("a@1000", "iommus = <0xfdea 0x10000>;"),
	  -VDT_ERR_INPUT, "partial.dtb", "/passthrough/a@1000", "iommus",
	  "outside the vID space", NULL },
	{ "vIOMMU phandle on a device", DEV("a@1000", "phandle = <0xfdea>;"),
	  -VDT_ERR_CONFLICT, "partial.dtb", "/passthrough/a@1000", "phandle",
	  "vIOMMU phandle", NULL },
	{ "reserved phandle", DEV("a@1000", "phandle = <0xfff0>;"),
	  -VDT_ERR_CONFLICT, "partial.dtb", "/passthrough/a@1000", "phandle",
	  "reserved", NULL },
};

START_TEST(test_errors)
{
	const struct err_case *c = &err_cases[_i];
	struct dtgen_result res;
	struct vdt_diag d;
	int rc;

	rc = run_default(c->body, &res, &d);
	ck_assert_msg(rc == c->ret, "%s: returned %d, want %d (%s)", c->name,
		      rc, c->ret, d.error.text);
	ck_assert_int_eq(d.code, c->ret);
	ck_assert_str_eq(d.error.file, c->file);
	ck_assert_str_eq(d.error.node, c->node);
	ck_assert_str_eq(d.error.prop, c->prop);
	ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
		      "%s: \"%s\" lacks \"%s\"", c->name, d.error.text, c->msg);
	if (c->hint)
		ck_assert_msg(strstr(d.hint, c->hint) != NULL,
			      "%s: hint \"%s\" lacks \"%s\"", c->name, d.hint,
			      c->hint);
	ck_assert_ptr_null(res.fdt);
	ck_assert_int_eq(res.map.ndevices, 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_truncated_partial)
{
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;
	size_t hsize, psize;
	void *h = tu_dtb(xen_devel_host, &hsize);
	void *p = partial_dtb(xen_devel_body, &psize);

	dtgen_opts_default(&o);
	ck_assert_int_eq(run_blobs(&o, h, hsize, p, psize - 9, &res, &d),
			 -VDT_ERR_BADDT);
	ck_assert_str_eq(d.error.file, "partial.dtb");
	ck_assert_ptr_nonnull(strstr(d.error.text, "not a valid device tree blob"));
	vdt_diag_free(&d);
	/* A truncated host is rejected the same way, under its own name. */
	ck_assert_int_eq(run_blobs(&o, h, hsize / 2, p, psize, &res, &d),
			 -VDT_ERR_BADDT);
	ck_assert_str_eq(d.error.file, "host.dtb");
	ck_assert_ptr_nonnull(strstr(d.error.text, "not a valid device tree blob"));
	vdt_diag_free(&d);
	free(h);
	free(p);
}
END_TEST

Suite *dtgen_suite(void)
{
	Suite *s = suite_create("dtgen");
	TCase *tc = tcase_create("core");

	/* Every test runs dtc and the whole pipeline: allow slow machines. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_xen_devel);
	tcase_add_test(tc, test_same_pid_two_iommus);
	tcase_add_test(tc, test_shared_key);
	tcase_add_test(tc, test_multi_sid_and_mask);
	tcase_add_test(tc, test_pins_first);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_force_assign);
	tcase_add_loop_test(tc, test_repeat, 0, N(repeat_cases));
	tcase_add_test(tc, test_rerun_update);
	tcase_add_test(tc, test_rerun_new_base);
	tcase_add_test(tc, test_no_viommu_node_removes);
	tcase_add_test(tc, test_iommus_placement);
	tcase_add_test(tc, test_header_passes_through);
	tcase_add_test(tc, test_disabled_iommu_warned_once);
	tcase_add_test(tc, test_disabled_host_node);
	tcase_add_test(tc, test_exhausted);
	tcase_add_loop_test(tc, test_bad_options, 0, N(opt_cases));
	tcase_add_test(tc, test_edge_options);
	tcase_add_loop_test(tc, test_errors, 0, N(err_cases));
	tcase_add_test(tc, test_truncated_partial);
	suite_add_tcase(s, tc);
	return s;
}

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
	"	smmu_p: iommu@55000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x55000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"	smmu_q: iommu@56000000 { compatible = \"arm,smmu-v3\";\n"
	"		reg = <0x0 0x56000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
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
	"		qemu@10000 { iommu-map = <0x0 &smmu_q 0x0 0x10000>; };\n"
	"		armada@20000 { iommu-map-mask = <0x31f>;\n"
	"			iommu-map = <0x0 &smmu_p 0x480 0x20 0x100 &smmu_p 0x4a0 0x20\n"
	"				     0x200 &smmu_p 0x4c0 0x20>; };\n"
	"		host1x@30000 { iommus = <&smmu_p 0x27>;\n"
	"			iommu-map = <0x0 &smmu_p 0x35 0x8 0x8 &smmu_b 0x35 0x8>; };\n"
	"		in-range@40000 { iommus = <&smmu_p 0x485>; };\n"
	"		ovl@50000 { iommu-map = <0x0 &smmu_p 0x490 0x20>; };\n"
	"		fslmc@60000 { iommu-map = <0x0 &smmu_p 0x0 0x0>; };\n"
	"		tegra-pcie@70000 { iommu-map = <0x0 &smmu_p 0x1000 0x1000>;\n"
	"			iommu-map-mask = <0x0>; };\n"
	"		tegra-pcie@71000 { iommu-map = <0x0 &smmu_p 0x1000 0x1000>;\n"
	"			iommu-map-mask = <0x0>; };\n"
	"		plat@80000 { iommus = <&smmu_p 0x7>; };\n"
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
	ck_assert_int_eq(map_write(&res->map, MAP_FORMAT_XL_RANGES, NULL, "m.cfg", &out, &d),
			 0);
	ck_assert_str_eq(out.data, want);
	vbuf_free(&out);
	vdt_diag_free(&d);
}

/* ---- the cases of the issue ---- */

/* Blobs at any address (libfdt wants them aligned): the same output. */
START_TEST(test_unaligned_blobs)
{
	size_t hsize, psize;
	void *h = tu_dtb(xen_devel_host, &hsize);
	void *p = partial_dtb(xen_devel_body, &psize);
	char *hbuf = malloc(hsize + 1), *pbuf = malloc(psize + 3);
	struct dtgen_result r1, r2;
	struct vdt_diag d;
	struct dtgen_opts o;

	ck_assert_ptr_nonnull(hbuf);
	ck_assert_ptr_nonnull(pbuf);
	memcpy(hbuf + 1, h, hsize);
	memcpy(pbuf + 3, p, psize);
	dtgen_opts_default(&o);
	assert_ok(run_blobs(&o, h, hsize, p, psize, &r1, &d), &d);
	vdt_diag_free(&d);
	assert_ok(run_blobs(&o, hbuf + 1, hsize, pbuf + 3, psize, &r2, &d), &d);
	vdt_diag_free(&d);
	ck_assert(r1.size == r2.size && memcmp(r1.fdt, r2.fdt, r1.size) == 0);
	dtgen_result_free(&r1);
	dtgen_result_free(&r2);
	free(hbuf);
	free(pbuf);
	free(h);
	free(p);
}
END_TEST

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
	o.policy = VDT_POLICY_IDENTITY;
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

/* ---- iommu-map (PCI host bridges and the like) ---- */

static void prop_names(const struct dtgen_result *res, const char *path,
		       char *buf, size_t len);

/* Property @prop of @path in the output is the cells @want (n < 0: absent). */
static void assert_cells(const struct dtgen_result *res, const char *path,
			 const char *prop, const uint32_t *want, int n)
{
	int node = fdt_path_offset(res->fdt, path), len, i;
	const fdt32_t *p;

	ck_assert_msg(node >= 0, "no %s in the output", path);
	p = fdt_getprop(res->fdt, node, prop, &len);
	if (n < 0) {
		ck_assert_msg(p == NULL, "%s has %s", path, prop);
		return;
	}
	ck_assert_msg(p != NULL, "%s has no %s", path, prop);
	ck_assert_msg(len == 4 * n, "%s: %s is %d bytes, want %d", path, prop,
		      len, 4 * n);
	for (i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i],
			      "%s: %s cell %d is 0x%x, want 0x%x", path, prop, i,
			      fdt32_to_cpu(p[i]), want[i]);
}

START_TEST(test_pci_qemu)
{
	static const uint32_t map[] = { 0x0, 0xfdea, 0x0, 0x10000 };
	struct dtgen_result res;
	struct vdt_diag d;

	assert_ok(run_default(DEV("qemu@10000", ""), &res, &d), &d);
	ck_assert_uint_eq(d.nwarnings, 0);
	assert_cells(&res, "/passthrough/qemu@10000", "iommu-map", map, 4);
	assert_cells(&res, "/passthrough/qemu@10000", "iommu-map-mask", NULL, -1);
	assert_cells(&res, "/passthrough/qemu@10000", "iommus", NULL, -1);
	ck_assert_int_eq(res.map.nentries, 1);
	ck_assert_uint_eq(res.map.entries[0].count, 0x10000);
	ck_assert_int_eq(res.map.entries[0].ndevs, 1);
	assert_map_xl(&res, "iommu_devid_map = [ \"0x0@0x0,0x56000000,0x10000\" ]\n");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Armada: the mask is copied, each entry is a run of its own. */
START_TEST(test_pci_armada)
{
	static const uint32_t map[] = { 0x0, 0xfdea, 0x1, 0x20,
					0x100, 0xfdea, 0x21, 0x20,
					0x200, 0xfdea, 0x41, 0x20 };
	static const uint32_t mask[] = { 0x31f }, v0[] = { 0 };
	struct dtgen_result res;
	struct vdt_diag d;
	int i;

	assert_ok(run_default(DEV("plat@80000", "") DEV("armada@20000", ""),
			      &res, &d), &d);
	assert_vids(&res, "/passthrough/plat@80000", v0, 1);
	assert_cells(&res, "/passthrough/armada@20000", "iommu-map", map, 12);
	assert_cells(&res, "/passthrough/armada@20000", "iommu-map-mask", mask, 1);
	ck_assert_int_eq(res.map.nentries, 4);
	for (i = 1; i < 4; i++) {
		ck_assert_uint_eq(res.map.entries[i].vid, 1 + 0x20 * (i - 1));
		ck_assert_uint_eq(res.map.entries[i].pid, 0x480 + 0x20 * (i - 1));
		ck_assert_uint_eq(res.map.entries[i].count, 0x20);
		ck_assert_uint_eq(res.map.entries[i].mask, 0);
	}
	assert_map_xl(&res, "iommu_devid_map = [ \"0x7@0x0,0x55000000\","
			    " \"0x480@0x1,0x55000000,0x20\","
			    " \"0x4a0@0x21,0x55000000,0x20\","
			    " \"0x4c0@0x41,0x55000000,0x20\" ]\n");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* host1x: iommus and an iommu-map over two IOMMUs, same pIDs on both. */
START_TEST(test_pci_host1x)
{
	static const uint32_t map[] = { 0x0, 0xfdea, 0x1, 0x8,
					0x8, 0xfdea, 0x9, 0x8 };
	static const uint32_t v0[] = { 0 };
	struct dtgen_result res;
	struct vdt_diag d;
	char names[256];

	assert_ok(run_default(DEV("host1x@30000", ""), &res, &d), &d);
	assert_vids(&res, "/passthrough/host1x@30000", v0, 1);
	assert_cells(&res, "/passthrough/host1x@30000", "iommu-map", map, 8);
	assert_cells(&res, "/passthrough/host1x@30000", "iommu-map-mask", NULL, -1);
	prop_names(&res, "/passthrough/host1x@30000", names, sizeof(names));
	ck_assert_str_eq(names, "compatible xen,path iommus iommu-map");
	ck_assert_int_eq(res.map.nentries, 3);
	ck_assert_int_eq(res.map.niommus, 2);
	assert_map_xl(&res, "iommu_devid_map = [ \"0x27@0x0,0x55000000\","
			    " \"0x35@0x1,0x55000000,0x8\","
			    " \"0x35@0x9,0x50000000,0x8\" ]\n");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/*
 * A single pID inside a range shares the range's key, and the range is
 * placed where its first ID appears (here, before the bridge itself).
 */
START_TEST(test_pci_single_in_range)
{
	static const uint32_t v0[] = { 0 }, v6[] = { 6 };
	static const uint32_t map[] = { 0x0, 0xfdea, 0x1, 0x20,
					0x100, 0xfdea, 0x21, 0x20,
					0x200, 0xfdea, 0x41, 0x20 };
	struct dtgen_result res;
	struct vdt_diag d;
	const struct vmap_entry *e;

	assert_ok(run_default(DEV("plat@80000", "") DEV("in-range@40000", "")
			      DEV("armada@20000", ""), &res, &d), &d);
	assert_vids(&res, "/passthrough/plat@80000", v0, 1);
	assert_vids(&res, "/passthrough/in-range@40000", v6, 1);
	assert_cells(&res, "/passthrough/armada@20000", "iommu-map", map, 12);
	ck_assert_int_eq(res.map.nentries, 4);
	e = &res.map.entries[1];
	ck_assert_uint_eq(e->vid, 1);
	ck_assert_uint_eq(e->count, 0x20);
	ck_assert_int_eq(e->ndevs, 2);
	ck_assert_str_eq(res.map.devices[e->devs[0]].node,
			 "/passthrough/in-range@40000");
	ck_assert_str_eq(res.map.devices[e->devs[1]].node,
			 "/passthrough/armada@20000");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Tegra's mask 0: one ID per bridge, and bridges on the same ID share it. */
START_TEST(test_pci_tegra_mask0)
{
	static const uint32_t map[] = { 0x0, 0xfdea, 0x0, 0x1 };
	static const uint32_t mask[] = { 0x0 };
	struct dtgen_result res;
	struct vdt_diag d;

	assert_ok(run_default(DEV("tegra-pcie@70000", "")
			      DEV("tegra-pcie@71000", ""), &res, &d), &d);
	ck_assert_uint_eq(d.nwarnings, 0);
	assert_cells(&res, "/passthrough/tegra-pcie@70000", "iommu-map", map, 4);
	assert_cells(&res, "/passthrough/tegra-pcie@71000", "iommu-map", map, 4);
	assert_cells(&res, "/passthrough/tegra-pcie@71000", "iommu-map-mask",
		     mask, 1);
	ck_assert_int_eq(res.map.nentries, 1);
	ck_assert_uint_eq(res.map.entries[0].count, 1);
	ck_assert_uint_eq(res.map.entries[0].pid, 0x1000);
	ck_assert_int_eq(res.map.entries[0].ndevs, 2);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* Two bridges whose ranges overlap without being equal: both named. */
START_TEST(test_pci_overlap)
{
	struct dtgen_result res;
	struct vdt_diag d;

	ck_assert_int_eq(run_default(DEV("armada@20000", "") DEV("plat@80000", "")
				     DEV("ovl@50000", ""), &res, &d),
			 -VDT_ERR_CONFLICT);
	ck_assert_str_eq(d.error.file, "host.dtb");
	ck_assert_str_eq(d.error.node, "/soc/ovl@50000");
	ck_assert_str_eq(d.error.prop, "iommu-map");
	ck_assert_msg(strstr(d.error.text, "pIDs 0x490-0x4af on /iommu@55000000 "
				  "overlap pIDs 0x480-0x49f of /soc/armada@20000") != NULL,
		      "%s", d.error.text);
	ck_assert_ptr_null(res.fdt);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* A zero-length entry is dropped with a warning; nothing is left. */
START_TEST(test_pci_zero_length)
{
	struct dtgen_result res;
	struct vdt_diag d;

	ck_assert_int_eq(run_default(DEV("fslmc@60000", ""), &res, &d),
			 -VDT_ERR_INPUT);
	ck_assert_str_eq(d.error.node, "/passthrough/fslmc@60000");
	ck_assert_str_eq(d.error.prop, "xen,path");
	ck_assert_ptr_nonnull(strstr(d.error.text,
				     "no iommu-map entry is reachable"));
	ck_assert_ptr_nonnull(strstr(d.hint, "xen,force-assign-without-iommu"));
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_str_eq(d.warnings[0].node, "/soc/fslmc@60000");
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text, "length 0"));
	vdt_diag_free(&d);

	assert_ok(run_default(DEV("fslmc@60000",
				  "xen,force-assign-without-iommu;"), &res, &d),
		  &d);
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text, "length 0"));
	assert_cells(&res, "/passthrough/fslmc@60000", "iommu-map", NULL, -1);
	assert_cells(&res, "/passthrough/fslmc@60000", "iommus", NULL, -1);
	ck_assert_int_eq(res.map.nentries, 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* A copy of the host's iommu-map is checked and rewritten in place. */
START_TEST(test_pci_copy)
{
	static const uint32_t map[] = { 0x0, 0xfdea, 0x0, 0x1 };
	struct dtgen_result res;
	struct vdt_diag d;
	char names[256];

	assert_ok(run_default(DEV("tegra-pcie@70000",
				  "iommu-map = <0x0 0x1 0x1000 0x1000>;"
				  " iommu-map-mask = <0x0>; status = \"okay\";"),
			      &res, &d), &d);
	assert_cells(&res, "/passthrough/tegra-pcie@70000", "iommu-map", map, 4);
	prop_names(&res, "/passthrough/tegra-pcie@70000", names, sizeof(names));
	ck_assert_str_eq(names, "compatible iommu-map iommu-map-mask status xen,path");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
	ck_assert_int_eq(run_default(DEV("tegra-pcie@70000",
					 "iommu-map = <0x0 0x1 0x1001 0x1000>;"),
				     &res, &d), -VDT_ERR_INPUT);
	ck_assert_str_eq(d.error.prop, "iommu-map");
	ck_assert_ptr_nonnull(strstr(d.error.text, "stale copy"));
	vdt_diag_free(&d);
}
END_TEST

/* Lopper's xen,smmu-stream-ids: checked, removed, iommus written. */
START_TEST(test_lopper)
{
	static const uint32_t v0[] = { 0 }, v12[] = { 1, 2 };
	struct dtgen_result res;
	struct vdt_diag d;
	char names[256];

	assert_ok(run_default(DEV("plat@80000", "xen,smmu-stream-ids = <0x7>;")
			      DEV("ab@3000", "xen,smmu-stream-ids = <0x5 0x5>;"),
			      &res, &d), &d);
	assert_vids(&res, "/passthrough/plat@80000", v0, 1);
	assert_vids(&res, "/passthrough/ab@3000", v12, 2);
	prop_names(&res, "/passthrough/plat@80000", names, sizeof(names));
	ck_assert_str_eq(names, "compatible xen,path iommus");
	dtgen_result_free(&res);
	vdt_diag_free(&d);
	ck_assert_int_eq(run_default(DEV("plat@80000",
					 "xen,smmu-stream-ids = <0x8>;"),
				     &res, &d), -VDT_ERR_INPUT);
	ck_assert_str_eq(d.error.node, "/passthrough/plat@80000");
	ck_assert_str_eq(d.error.prop, "xen,smmu-stream-ids");
	ck_assert_ptr_nonnull(strstr(d.error.text,
				     "stale copy: partial says 0x8, host says 0x7"));
	vdt_diag_free(&d);
}
END_TEST

/* ---- --lock: an earlier map, built by hand ---- */

static char lk_a[] = "/iommu@4f000000", lk_b[] = "/iommu@50000000";
static char lk_p[] = "/iommu@55000000";
static char lk_dev_a[] = "/passthrough/a@1000", lk_host_a[] = "/soc/a@1000";
static char lk_dev_g[] = "/passthrough/gone@0", lk_host_g[] = "/soc/gone@0";
static char lk_dev_r[] = "/passthrough/armada@20000";
static char lk_host_r[] = "/soc/armada@20000";
static int lk_devs[] = { 0, 1, 2 };

/*
 * The lock: smmu_a pID 0x99 (gone) at vID 0, a@1000's smmu_a pID 5 at
 * @vid_a, Armada's first range at @vid_r.
 */
struct lock {
	struct vmap m;
	struct vmap_iommu iommus[3];
	struct vmap_device devices[3];
	struct vmap_entry entries[3];
};

static const struct vmap *make_lock(struct lock *l, uint32_t vid_a,
				    uint32_t vid_r)
{
	memset(l, 0, sizeof(*l));
	l->iommus[0].path = lk_a;
	l->iommus[0].base = 0x4f000000;
	l->iommus[1].path = lk_b;
	l->iommus[1].base = 0x50000000;
	l->iommus[2].path = lk_p;
	l->iommus[2].base = 0x55000000;
	l->devices[0].node = lk_dev_a;
	l->devices[0].host = lk_host_a;
	l->devices[1].node = lk_dev_g;
	l->devices[1].host = lk_host_g;
	l->devices[2].node = lk_dev_r;
	l->devices[2].host = lk_host_r;
	l->entries[0] = (struct vmap_entry){ 0, 1, 0x99, 0, 0, &lk_devs[1], 1 };
	l->entries[1] = (struct vmap_entry){ vid_a, 1, 0x5, 0, 0, &lk_devs[0], 1 };
	l->entries[2] = (struct vmap_entry){ vid_r, 0x20, 0x480, 0, 2,
					     &lk_devs[2], 1 };
	l->m.iommus = l->iommus;
	l->m.niommus = 3;
	l->m.devices = l->devices;
	l->m.ndevices = 3;
	l->m.entries = l->entries;
	l->m.nentries = 3;
	l->m.vid_bits = 16;
	return &l->m;
}

static int run_locked(const struct vmap *lock, const char *body,
		      struct dtgen_result *res, struct vdt_diag *d)
{
	struct dtgen_opts o;

	dtgen_opts_default(&o);
	o.lock = lock;
	o.lock_name = "lock.yaml";
	return run_with(host_dts, body, &o, res, d);
}

/* The info notes of @d holding @text. */
static int infos_with(const struct vdt_diag *d, const char *text)
{
	size_t i;
	int n = 0;

	for (i = 0; i < d->nwarnings; i++)
		n += d->warnings[i].info && strstr(d->warnings[i].text, text);
	return n;
}

/* Kept vIDs stay; new keys go around them; a gone key is freed. */
START_TEST(test_lock_keeps)
{
	static const uint32_t v3[] = { 3 }, v0[] = { 0 };
	static const uint32_t map[] = { 0x0, 0xfdea, 0x100, 0x20,
					0x100, 0xfdea, 0x4, 0x20,
					0x200, 0xfdea, 0x24, 0x20 };
	struct dtgen_result res;
	struct vdt_diag d;
	struct lock l;

	assert_ok(run_locked(make_lock(&l, 3, 0x100), DEV("a@1000", "")
			     DEV("b@2000", "") DEV("armada@20000", ""), &res, &d),
		  &d);
	assert_vids(&res, "/passthrough/a@1000", v3, 1);
	assert_vids(&res, "/passthrough/b@2000", v0, 1);
	assert_cells(&res, "/passthrough/armada@20000", "iommu-map", map, 12);
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_int_eq(d.warnings[0].info, 1);
	ck_assert_str_eq(d.warnings[0].file, "lock.yaml");
	ck_assert_msg(strstr(d.warnings[0].text, "vID 0x0 (/iommu@4f000000 pID 0x99,"
			     " used by /passthrough/gone@0) is gone: freed") != NULL,
		      "%s", d.warnings[0].text);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* A pin in the partial DT wins over the lock for its own key. */
START_TEST(test_lock_pin_wins)
{
	static const uint32_t v7[] = { 7 }, v0[] = { 0 };
	struct dtgen_result res;
	struct vdt_diag d;
	struct lock l;

	assert_ok(run_locked(make_lock(&l, 3, 0x100),
			     DEV("a@1000", "iommus = <0xfdea 0x7>;")
			     DEV("b@2000", ""), &res, &d), &d);
	assert_vids(&res, "/passthrough/a@1000", v7, 1);
	assert_vids(&res, "/passthrough/b@2000", v0, 1);
	ck_assert_int_eq(infos_with(&d, "vID 0x3 of /iommu@4f000000 pID 0x5: "
				    "pinned to 0x7 by /passthrough/a@1000 instead"), 1);
	ck_assert_int_eq(infos_with(&d, "is gone"), 2);	/* 0x99 and Armada */
	dtgen_result_free(&res);
	vdt_diag_free(&d);
	/* A pin equal to the lock's vID: nothing to say about it. */
	assert_ok(run_locked(make_lock(&l, 3, 0x100),
			     DEV("a@1000", "iommus = <0xfdea 0x3>;"), &res, &d),
		  &d);
	ck_assert_int_eq(infos_with(&d, "instead"), 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* A pin takes a vID the lock gives another key: both devices named. */
START_TEST(test_lock_pin_conflict)
{
	struct dtgen_result res;
	struct vdt_diag d;
	struct lock l;

	ck_assert_int_eq(run_locked(make_lock(&l, 3, 0x100), DEV("a@1000", "")
				    DEV("b@2000", "iommus = <0xfdea 0x3>;"),
				    &res, &d), -VDT_ERR_CONFLICT);
	ck_assert_str_eq(d.error.file, "partial.dtb");
	ck_assert_str_eq(d.error.node, "/passthrough/b@2000");
	ck_assert_msg(strstr(d.error.text, "vID 0x3 is pinned here for /iommu@50000000 pID 0x5,"
			     " but lock.yaml gives it to /iommu@4f000000 pID 0x5,"
			     " used by /passthrough/a@1000") != NULL, "%s",
		      d.error.text);
	ck_assert_ptr_null(res.fdt);
	vdt_diag_free(&d);
	/* A pin inside a locked range. */
	ck_assert_int_eq(run_locked(make_lock(&l, 3, 0x100),
				    DEV("b@2000", "iommus = <0xfdea 0x11f>;")
				    DEV("armada@20000", ""), &res, &d),
			 -VDT_ERR_CONFLICT);
	ck_assert_str_eq(d.error.node, "/passthrough/b@2000");
	ck_assert_ptr_nonnull(strstr(d.error.text, "vID 0x11f is pinned here"));
	ck_assert_ptr_nonnull(strstr(d.error.text, "/passthrough/armada@20000"));
	vdt_diag_free(&d);
}
END_TEST

static const struct lock_err_case {
	const char *name;
	uint32_t vid_a, vid_r;
	int no_path;
	const char *msg;
} lock_err_cases[] = {
	{ "single outside the space", 0x10000, 0x100, 0,
	  "vID 0x10000 of /iommu@4f000000 pID 0x5 is outside the vID space [0x0, 0x10000)" },
	{ "range running out of the space", 3, 0xfff0, 0,
	  "vID 0xfff0 of /iommu@55000000 pID 0x480 is outside the vID space" },
	{ "no IOMMU path", 3, 0x100, 1,
	  "entry for vID 0x0 names no IOMMU path" },
};

START_TEST(test_lock_errors)
{
	const struct lock_err_case *c = &lock_err_cases[_i];
	struct dtgen_result res;
	struct vdt_diag d;
	struct lock l;

	make_lock(&l, c->vid_a, c->vid_r);
	if (c->no_path)
		l.iommus[0].path = NULL;
	ck_assert_int_eq(run_locked(&l.m, DEV("a@1000", "") DEV("armada@20000", ""),
				    &res, &d), -VDT_ERR_INPUT);
	ck_assert_str_eq(d.error.file, "lock.yaml");
	ck_assert_msg(strstr(d.error.text, c->msg) != NULL, "%s: \"%s\" lacks \"%s\"",
		      c->name, d.error.text, c->msg);
	ck_assert_ptr_null(res.fdt);
	vdt_diag_free(&d);
}
END_TEST

/* ---- --lock: a table of lock files against the rules ---- */

enum { LK_A, LK_B, LK_500, LK_P };	/* the lock's IOMMUs */

static char lt_iommu[][20] = { "/iommu@4f000000", "/iommu@50000000",
			       "/iommu@51000000", "/iommu@55000000" };
static const uint64_t lt_base[] = { 0x4f000000, 0x50000000, 0x51000000,
				    0x55000000 };
static char lt_node[][32] = { "/passthrough/a@1000", "/passthrough/b@2000",
			      "/passthrough/pcie@f000",
			      "/passthrough/test@10000000",
			      "/passthrough/masked@c000" };
static char lt_host[][24] = { "/soc/a@1000", "/soc/b@2000", "/soc/pcie@f000",
			      "/soc/test@10000000", "/soc/masked@c000" };
enum { D_A, D_B, D_PCIE, D_TEST, D_MASKED };
static int lt_devs[] = { D_A, D_B, D_PCIE, D_TEST, D_MASKED };

struct lt_entry {
	int iommu;
	uint32_t pid, count, mask, vid;
	int dev;
};

static const struct lock_case {
	const char *name;
	struct lt_entry e[4];
	int n;
	const char *body;
	int allow_moves;
	int rc;
	int dev1;		/* the output's vID of this device... */
	uint32_t vid1;		/* ...must be this (dev1 < 0: not checked) */
	int dev2;
	uint32_t vid2;
	const char *node;	/* the error's node ("": none) */
	const char *msg;	/* in the error, or in a loud warning when rc 0 */
	int loud;		/* loud warnings */
} lock_cases[] = {
	/* Finding (a): the bridge is gone, its single keeps the range's vID. */
	{ "single in a former range", { { LK_A, 0, 0x100, 0, 0x10, D_PCIE } }, 1,
	  DEV("a@1000", ""), 0, 0, D_A, 0x15, -1, 0, NULL, NULL, 0 },
	{ "single in a former range, new device", { { LK_A, 0, 0x100, 0, 0, D_PCIE } }, 1,
	  DEV("b@2000", "") DEV("a@1000", ""), 0, 0, D_A, 0x5, D_B, 0x0, NULL,
	  NULL, 0 },
	{ "two singles of a former range", { { LK_A, 0, 0x100, 0, 0x200, D_PCIE } }, 1,
	  DEV("test@10000000", "") DEV("a@1000", ""), 0, 0, D_A, 0x205, D_TEST,
	  0x210, NULL, NULL, 0 },
	{ "the range kept, with its single", { { LK_A, 0, 0x100, 0, 0x300, D_PCIE } }, 1,
	  DEV("pcie@f000", "") DEV("a@1000", ""), 0, 0, D_A, 0x305, -1, 0, NULL,
	  NULL, 0 },
	{ "a masked key kept", { { LK_500, 0x40, 1, 0x7f00, 7, D_MASKED } }, 1,
	  DEV("masked@c000", "") DEV("a@1000", ""), 0, 0, D_MASKED, 7, D_A, 0,
	  NULL, NULL, 0 },
	{ "a masked entry binds no unmasked key", { { LK_A, 0x5, 1, 0xf0, 7, D_A } }, 1,
	  DEV("a@1000", ""), 0, 0, D_A, 0, -1, 0, NULL, NULL, 0 },
	/* A new range placed around the singles it swallows. */
	{ "new range around locked singles",
	  { { LK_A, 0x5, 1, 0, 0x105, D_A }, { LK_A, 0x10, 1, 0, 0x110, D_TEST } }, 2,
	  DEV("pcie@f000", "") DEV("a@1000", "") DEV("test@10000000", "")
	  DEV("b@2000", ""), 0, 0, D_A, 0x105, D_TEST, 0x110, NULL, NULL, 0 },
	/* Finding (b): it cannot be placed so; an error naming both sides. */
	{ "new range would move locked singles",
	  { { LK_A, 0x5, 1, 0, 0x105, D_A }, { LK_A, 0x10, 1, 0, 0x110, D_TEST },
	    { LK_B, 0x5, 1, 0, 0x100, D_B } }, 3,
	  DEV("a@1000", "") DEV("test@10000000", "") DEV("b@2000", "")
	  DEV("pcie@f000", ""), 0, -VDT_ERR_CONFLICT, -1, 0, -1, 0,
	  "/passthrough/pcie@f000",
	  "/iommu@4f000000 pIDs 0x0-0xff cannot be placed without moving 2 vIDs lock.yaml locks:"
	  " vID 0x105 of pID 0x5 (used by /passthrough/a@1000),"
	  " vID 0x110 of pID 0x10 (used by /passthrough/test@10000000)", 0 },
	{ "new range over singles that disagree",
	  { { LK_A, 0x5, 1, 0, 0x1, D_A }, { LK_A, 0x10, 1, 0, 0x2, D_TEST } }, 2,
	  DEV("a@1000", "") DEV("test@10000000", "") DEV("pcie@f000", ""), 0,
	  -VDT_ERR_CONFLICT, -1, 0, -1, 0, "/passthrough/pcie@f000",
	  "cannot be placed without moving 2 vIDs lock.yaml locks: vID 0x1 of pID 0x5"
	  " (used by /passthrough/a@1000), vID 0x2 of pID 0x10", 0 },
	{ "moves allowed: every move listed",
	  { { LK_A, 0x5, 1, 0, 0x105, D_A }, { LK_A, 0x10, 1, 0, 0x110, D_TEST },
	    { LK_B, 0x5, 1, 0, 0x100, D_B } }, 3,
	  DEV("a@1000", "") DEV("test@10000000", "") DEV("b@2000", "")
	  DEV("pcie@f000", ""), 1, 0, D_A, 0x5, D_B, 0x100, "",
	  "vID 0x105 of /iommu@4f000000 pID 0x5 (used by /passthrough/a@1000) moves to 0x5:"
	  " /iommu@4f000000 pIDs 0x0-0xff of /passthrough/pcie@f000 could not be placed around it", 2 },
	{ "moves allowed: the first single's place kept",
	  { { LK_A, 0x5, 1, 0, 0x205, D_A }, { LK_A, 0x10, 1, 0, 0x2, D_TEST } }, 2,
	  DEV("a@1000", "") DEV("test@10000000", "") DEV("pcie@f000", ""), 1, 0,
	  D_A, 0x205, D_TEST, 0x210, "",
	  "vID 0x2 of /iommu@4f000000 pID 0x10 (used by /passthrough/test@10000000) moves to 0x210", 1 },
	/* Finding (c): a lock that contradicts itself is refused. */
	{ "one key at two vIDs",
	  { { LK_A, 0x5, 1, 0, 0x1, D_A }, { LK_A, 0x5, 1, 0, 0x2, D_A } }, 2,
	  DEV("b@2000", ""), 0, -VDT_ERR_INPUT, -1, 0, -1, 0, "",
	  "/iommu@4f000000 pID 0x5 is in two entries: at vID 0x1 (used by"
	  " /passthrough/a@1000) and at vID 0x2 (used by /passthrough/a@1000)", 0 },
	{ "one masked key at two vIDs",
	  { { LK_500, 0x40, 1, 0x7f00, 0x1, D_MASKED },
	    { LK_500, 0x40, 1, 0x7f00, 0x9, D_MASKED } }, 2,
	  DEV("b@2000", ""), 0, -VDT_ERR_INPUT, -1, 0, -1, 0, "",
	  "/iommu@51000000 pID 0x40 is in two entries", 0 },
	{ "a single also inside a range",
	  { { LK_A, 0, 0x100, 0, 0x0, D_PCIE }, { LK_A, 0x5, 1, 0, 0x200, D_A } }, 2,
	  DEV("b@2000", ""), 0, -VDT_ERR_INPUT, -1, 0, -1, 0, "",
	  "/iommu@4f000000 pID 0x5 is in two entries: at vID 0x5 (used by"
	  " /passthrough/pcie@f000) and at vID 0x200 (used by /passthrough/a@1000)", 0 },
	{ "two keys at one vID",
	  { { LK_A, 0x5, 1, 0, 0x3, D_A }, { LK_B, 0x5, 1, 0, 0x3, D_B } }, 2,
	  DEV("test@10000000", ""), 0, -VDT_ERR_INPUT, -1, 0, -1, 0, "",
	  "vID 0x3 is in two entries: for /iommu@4f000000 pID 0x5 (used by"
	  " /passthrough/a@1000) and for /iommu@50000000 pID 0x5 (used by"
	  " /passthrough/b@2000)", 0 },
	{ "a vID inside another entry's range",
	  { { LK_A, 0, 0x100, 0, 0x0, D_PCIE }, { LK_B, 0x5, 1, 0, 0x10, D_B } }, 2,
	  DEV("test@10000000", ""), 0, -VDT_ERR_INPUT, -1, 0, -1, 0, "",
	  "vID 0x10 is in two entries: for /iommu@4f000000 pID 0x10", 0 },
	/* Masks differ: two keys, no contradiction. */
	{ "one pID under two masks",
	  { { LK_500, 0x40, 1, 0x7f00, 0x1, D_MASKED },
	    { LK_500, 0x40, 1, 0x0f00, 0x9, D_MASKED } }, 2,
	  DEV("masked@c000", ""), 0, 0, D_MASKED, 0x1, -1, 0, NULL, NULL, 0 },
};

/* The loud warnings of @d, and whether one holds @text. */
static int louds_with(const struct vdt_diag *d, const char *text, int *found)
{
	size_t i;
	int n = 0;

	*found = text == NULL;
	for (i = 0; i < d->nwarnings; i++) {
		if (!d->warnings[i].loud)
			continue;
		n++;
		if (text && strstr(d->warnings[i].text, text))
			*found = 1;
	}
	return n;
}

START_TEST(test_lock_table)
{
	const struct lock_case *c = &lock_cases[_i];
	struct vmap_iommu iommus[4];
	struct vmap_device devices[5];
	struct vmap_entry entries[4];
	struct vmap m;
	struct dtgen_opts o;
	struct dtgen_result res;
	struct vdt_diag d;
	int i, rc, found;
	uint32_t v;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < 4; i++)
		iommus[i] = (struct vmap_iommu){ lt_iommu[i], lt_base[i] };
	for (i = 0; i < 5; i++)
		devices[i] = (struct vmap_device){ lt_node[i], lt_host[i] };
	for (i = 0; i < c->n; i++)
		entries[i] = (struct vmap_entry){ c->e[i].vid, c->e[i].count,
						  c->e[i].pid, c->e[i].mask,
						  c->e[i].iommu,
						  &lt_devs[c->e[i].dev], 1 };
	m.iommus = iommus;
	m.niommus = 4;
	m.devices = devices;
	m.ndevices = 5;
	m.entries = entries;
	m.nentries = c->n;
	m.vid_bits = 16;
	dtgen_opts_default(&o);
	o.lock = &m;
	o.lock_name = "lock.yaml";
	o.lock_allow_moves = c->allow_moves;
	rc = run_with(host_dts, c->body, &o, &res, &d);
	ck_assert_msg(rc == c->rc, "%s: returned %d, want %d (%s: %s)", c->name,
		      rc, c->rc, d.error.node, d.error.text);
	if (rc < 0) {
		ck_assert_ptr_null(res.fdt);
		ck_assert_str_eq(d.error.file, c->node[0] ? "partial.dtb" :
							    "lock.yaml");
		ck_assert_str_eq(d.error.node, c->node);
		ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->name, d.error.text,
			      c->msg);
		ck_assert_msg(d.hint[0] != '\0', "%s: no hint", c->name);
		vdt_diag_free(&d);
		return;
	}
	if (c->dev1 >= 0) {
		v = c->vid1;
		assert_vids(&res, lt_node[c->dev1], &v, 1);
	}
	if (c->dev2 >= 0) {
		v = c->vid2;
		assert_vids(&res, lt_node[c->dev2], &v, 1);
	}
	ck_assert_msg(louds_with(&d, c->msg, &found) == c->loud,
		      "%s: %d loud warnings, want %d", c->name,
		      louds_with(&d, c->msg, &found), c->loud);
	ck_assert_msg(found, "%s: no loud warning holds \"%s\"", c->name, c->msg);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* ---- determinism and idempotence ---- */

static const struct repeat_case {
	const char *name;
	const char *body;
	enum vdt_policy policy;
	int no_viommu_node;
} repeat_cases[] = {
	{ "xen-devel", DEV("test@10000000", ""), VDT_POLICY_COMPACT, 0 },
	{ "many devices", DEV("multi@6000", "") DEV("a@1000", "")
	  DEV("b@2000", "iommus = <0xfdea 0x7>;") DEV("ab@3000", "")
	  DEV("usb0@4000", "iommus = <0x0 0x0>;") DEV("usb1@5000", "")
	  DEV("masked@c000", ""), VDT_POLICY_COMPACT, 0 },
	{ "identity", DEV("a@1000", "") DEV("b@2000", "")
	  DEV("multi@6000", ""), VDT_POLICY_IDENTITY, 0 },
	{ "earlier vIOMMU node", DEV("a@1000", "")
	  "\t\tiommu@4040000 { compatible = \"arm,smmu-v3\";"
	  " reg = <0x0 0x4040000 0x0 0x40000>; #iommu-cells = <1>;"
	  " phandle = <0xfdea>; interrupt-parent = <0xfde8>;"
	  " interrupts = <0x0 0x5 0xf04>; interrupt-names = \"combined\"; };\n"
	  DEV("b@2000", ""), VDT_POLICY_COMPACT, 0 },
	{ "no vIOMMU node", DEV("a@1000", "") DEV("b@2000", ""),
	  VDT_POLICY_COMPACT, 1 },
	{ "PCI", DEV("plat@80000", "") DEV("in-range@40000", "")
	  DEV("armada@20000", "") DEV("host1x@30000", "")
	  DEV("tegra-pcie@70000", "") DEV("tegra-pcie@71000", "")
	  DEV("fslmc@60000", "xen,force-assign-without-iommu;"),
	  VDT_POLICY_COMPACT, 0 },
	{ "PCI identity", DEV("armada@20000", "") DEV("host1x@30000", "")
	  DEV("tegra-pcie@70000", "") DEV("in-range@40000", ""),
	  VDT_POLICY_IDENTITY, 0 },
	{ "PCI copy", DEV("tegra-pcie@70000", "iommu-map = <0x0 0x1 0x1000 0x1000>;")
	  DEV("armada@20000", "iommu-map = <0x0 0x1 0x480 0x20 0x100 0x1 0x4a0"
	      " 0x20 0x200 0x1 0x4c0 0x20>; iommu-map-mask = <0x31f>;"),
	  VDT_POLICY_IDENTITY, 1 },
	{ "QEMU bridge", DEV("qemu@10000", "iommu-map = <0x0 0x1 0x0 0x10000>;"),
	  VDT_POLICY_COMPACT, 0 },
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
			   " phandle = <0xfdea>; };\n", &o, &res, &d), &d);
	assert_vids(&res, "/passthrough/a@1000", v0, 1);
	ck_assert_int_lt(fdt_path_offset(res.fdt, "/passthrough/iommu@4040000"), 0);
	ck_assert_int_lt(fdt_node_offset_by_phandle(res.fdt, 0xfdea), 0);
	ck_assert_int_eq(fdt_check_full(res.fdt, res.size), 0);
	dtgen_result_free(&res);
	vdt_diag_free(&d);
}
END_TEST

/* A device hidden inside an earlier run's vIOMMU node would be mapped and
 * then dropped with the node: such a node is refused. */
START_TEST(test_viommu_node_with_child)
{
	struct dtgen_result res;
	struct dtgen_opts o;
	struct vdt_diag d;

	dtgen_opts_default(&o);
	ck_assert_int_eq(run_with(host_dts,
			 "\t\tiommu@4040000 { compatible = \"arm,smmu-v3\";"
			 " phandle = <0xfdea>;"
			 " a@1000 { xen,path = \"/soc/a@1000\"; }; };\n",
			 &o, &res, &d), -VDT_ERR_INPUT);
	ck_assert_str_eq(d.error.node, "/passthrough/iommu@4040000");
	ck_assert_ptr_nonnull(strstr(d.error.text, "without children"));
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
	tcase_add_test(tc, test_pci_qemu);
	tcase_add_test(tc, test_pci_armada);
	tcase_add_test(tc, test_pci_host1x);
	tcase_add_test(tc, test_pci_single_in_range);
	tcase_add_test(tc, test_pci_tegra_mask0);
	tcase_add_test(tc, test_pci_overlap);
	tcase_add_test(tc, test_pci_zero_length);
	tcase_add_test(tc, test_pci_copy);
	tcase_add_test(tc, test_lopper);
	tcase_add_test(tc, test_lock_keeps);
	tcase_add_test(tc, test_lock_pin_wins);
	tcase_add_test(tc, test_lock_pin_conflict);
	tcase_add_loop_test(tc, test_lock_errors, 0, N(lock_err_cases));
	tcase_add_loop_test(tc, test_lock_table, 0, N(lock_cases));
	tcase_add_loop_test(tc, test_repeat, 0, N(repeat_cases));
	tcase_add_test(tc, test_rerun_update);
	tcase_add_test(tc, test_rerun_new_base);
	tcase_add_test(tc, test_no_viommu_node_removes);
	tcase_add_test(tc, test_viommu_node_with_child);
	tcase_add_test(tc, test_unaligned_blobs);
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

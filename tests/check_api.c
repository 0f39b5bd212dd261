/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public API (include/viommu-dtgen.h, src/api.c): one host opened
 * once and many guests run against it, results and maps through the
 * accessors, maps rendered and parsed in memory, diagnostics as lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "../include/viommu-dtgen.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char host_dts[] =
	"/ { #address-cells = <2>; #size-cells = <2>;\n"
	"  smmu: iommu@4f000000 { compatible = \"arm,smmu-v3\";\n"
	"    reg = <0x0 0x4f000000 0x0 0x20000>; #iommu-cells = <1>; };\n"
	"  ipmmu: iommu@e6740000 { compatible = \"renesas,ipmmu-r8a7795\";\n"
	"    reg = <0x0 0xe6740000 0x0 0x1000>; #iommu-cells = <1>; };\n"
	"  soc { eth@1000 { iommus = <&smmu 0x10>; };\n"
	"    dma@2000 { iommus = <&ipmmu 0x0 &ipmmu 0x1>; };\n"
	"    off@3000 { status = \"disabled\"; iommus = <&smmu 0x11>; }; }; };";

/* A partial with the devices named by @paths (NULL-terminated). */
static void *partial(const char *const *paths, size_t *size)
{
	char dts[2048];
	size_t n;
	int i;

	n = (size_t)snprintf(dts, sizeof(dts),
			     "/ { passthrough { compatible = \"simple-bus\"; ranges;"
			     " #address-cells = <2>; #size-cells = <2>;\n");
	for (i = 0; paths[i]; i++)
		n += (size_t)snprintf(dts + n, sizeof(dts) - n,
				      "dev%d { xen,path = \"%s\"; };\n", i,
				      paths[i]);
	snprintf(dts + n, sizeof(dts) - n, "}; };");
	return tu_dtb(dts, size);
}

static struct vdt_host *open_host(struct vdt_diag *d)
{
	struct vdt_host *h;
	size_t size;
	void *blob = tu_dtb(host_dts, &size);

	ck_assert_int_eq(vdt_host_open(blob, size, "host.dtb", &h, d), 0);
	free(blob);	/* the handle holds its own copy */
	return h;
}

/* Many guests against one open host, each as dtgen would make it alone. */
START_TEST(test_many_guests)
{
	static const char *const g1[] = { "/soc/eth@1000", NULL };
	static const char *const g2[] = { "/soc/dma@2000", "/soc/eth@1000", NULL };
	const char *const *guests[] = { g1, g2, g1 };
	struct vdt_diag *d = vdt_diag_new();
	struct vdt_host *h = open_host(d);
	struct vdt_result *r;
	struct vdt_map_entry e;
	const void *dtb;
	size_t size, psize;
	void *p;
	int i, node;

	for (i = 0; i < N(guests); i++) {
		p = partial(guests[i], &psize);
		ck_assert_int_eq(vdt_run(h, NULL, p, psize, "p.dtb", &r, d), 0);
		dtb = vdt_result_dtb(r, &size);
		ck_assert_int_eq(fdt_check_full(dtb, size), 0);
		node = fdt_path_offset(dtb, "/passthrough/dev0");
		ck_assert_int_ge(node, 0);
		ck_assert_ptr_nonnull(fdt_getprop(dtb, node, "iommus", NULL));
		ck_assert_ptr_null(vdt_result_guest_view(r, &size));
		ck_assert_uint_eq(size, 0);
		ck_assert_int_eq(vdt_map_count(vdt_result_map(r)),
				 guests[i] == g1 ? 1 : 3);
		ck_assert_int_eq(vdt_map_entry(vdt_result_map(r), 0, &e), 0);
		ck_assert_uint_eq(e.vid, 0);
		ck_assert_str_eq(e.piommu_path, guests[i] == g1 ?
					"/iommu@4f000000" : "/iommu@e6740000");
		ck_assert_int_eq(vdt_map_entry(vdt_result_map(r), 3, &e),
				 -VDT_ERR_NOTFOUND);
		vdt_result_free(r);
		free(p);
	}
	vdt_host_close(h);
	vdt_diag_delete(d);
}
END_TEST

/* Options through setters; the series' prediction and the guest view. */
START_TEST(test_series_opts)
{
	static const char *const g[] = { "/soc/eth@1000", NULL };
	struct vdt_diag *d = vdt_diag_new();
	struct vdt_host *h = open_host(d);
	struct vdt_opts *o = vdt_opts_new();
	struct vdt_map_entry e;
	struct vdt_result *r;
	const fdt32_t *cells;
	const void *view;
	size_t size, psize;
	void *p = partial(g, &psize);

	ck_assert_int_eq(vdt_opts_set_xen_abi(o, VDT_ABI_VSMMUV3_V3), 0);
	ck_assert_int_eq(vdt_opts_set_builder(o, VDT_BUILDER_LIBXL), 0);
	ck_assert_int_eq(vdt_opts_set_flags(o, 0, 1, 1), 0);
	ck_assert_int_eq(vdt_run(h, o, p, psize, "p.dtb", &r, d), 0);
	ck_assert_int_eq(vdt_map_count(vdt_result_map(r)), 2);
	ck_assert_int_eq(vdt_map_entry(vdt_result_map(r), 0, &e), 0);
	ck_assert_int_eq(e.vpci, 1);
	ck_assert_ptr_null(e.piommu_path);
	ck_assert_int_eq(vdt_map_entry(vdt_result_map(r), 1, &e), 0);
	ck_assert_uint_eq(e.vid, 0x1000);
	ck_assert_uint_eq(e.pid, 0x10);
	view = vdt_result_guest_view(r, &size);
	ck_assert_ptr_nonnull(view);
	cells = fdt_getprop(view, fdt_path_offset(view, "/passthrough/dev0"),
			    "iommus", NULL);
	ck_assert_ptr_nonnull(cells);
	ck_assert_uint_eq(fdt32_to_cpu(cells[1]), 0x1000);
	vdt_result_free(r);
	/* X1: the IPMMU device is refused, naming the node. */
	free(p);
	{
		static const char *const g2[] = { "/soc/dma@2000", NULL };
		char line[512];
		enum vdt_diag_kind kind;

		p = partial(g2, &psize);
		ck_assert_int_eq(vdt_run(h, o, p, psize, "p.dtb", &r, d),
				 -VDT_ERR_UNSUPPORTED);
		ck_assert_ptr_null(r);
		ck_assert_int_eq(vdt_diag_code(d), -VDT_ERR_UNSUPPORTED);
		ck_assert_int_ge(vdt_diag_count(d), 1);
		ck_assert_int_gt(vdt_diag_get(d, 0, &kind, line, sizeof(line)), 0);
		ck_assert_int_eq(kind, VDT_DIAG_ERROR);
		ck_assert_ptr_nonnull(strstr(line, "p.dtb: /passthrough/dev0: xen,path: host IOMMU /iommu@e6740000 is not an SMMUv3"));
		ck_assert_int_eq(vdt_diag_get(d, vdt_diag_count(d), NULL, line,
					      sizeof(line)),
				 -VDT_ERR_NOTFOUND);
		vdt_diag_clear(d);
		ck_assert_int_eq(vdt_diag_code(d), 0);
		ck_assert_int_eq(vdt_diag_count(d), 0);
	}
	free(p);
	vdt_opts_delete(o);
	vdt_host_close(h);
	vdt_diag_delete(d);
}
END_TEST

/* Every form renders in memory; the parsed forms read back the same. */
START_TEST(test_render_parse)
{
	static const char *const g[] = { "/soc/dma@2000", "/soc/eth@1000", NULL };
	static const enum vdt_map_format fmts[] = {
		VDT_MAP_YAML, VDT_MAP_JSON, VDT_MAP_BIN, VDT_MAP_XL,
		VDT_MAP_XL_RANGES, VDT_MAP_C,
	};
	struct vdt_diag *d = vdt_diag_new();
	struct vdt_host *h = open_host(d);
	struct vdt_map_entry a, b;
	struct vdt_result *r;
	struct vdt_map *m;
	size_t psize, len;
	char *buf;
	void *p = partial(g, &psize);
	int i, k;

	ck_assert_int_eq(vdt_run(h, NULL, p, psize, "p.dtb", &r, d), 0);
	for (i = 0; i < N(fmts); i++) {
		ck_assert_int_eq(vdt_map_render(vdt_result_map(r), fmts[i],
						NULL, "m", &buf, &len, d), 0);
		ck_assert_uint_gt(len, 0);
		if (fmts[i] == VDT_MAP_YAML || fmts[i] == VDT_MAP_JSON ||
		    fmts[i] == VDT_MAP_BIN) {
			ck_assert_int_eq(vdt_map_parse(buf, len, "m", &m, d), 0);
			ck_assert_int_eq(vdt_map_count(m),
					 vdt_map_count(vdt_result_map(r)));
			for (k = 0; k < vdt_map_count(m); k++) {
				vdt_map_entry(m, k, &a);
				vdt_map_entry(vdt_result_map(r), k, &b);
				ck_assert_uint_eq(a.vid, b.vid);
				ck_assert_uint_eq(a.pid, b.pid);
				ck_assert_uint_eq(a.piommu_base, b.piommu_base);
			}
			vdt_map_free(m);
		}
		free(buf);
	}
	ck_assert_int_eq(vdt_map_render(vdt_result_map(r), (enum vdt_map_format)99,
					NULL, "m", &buf, &len, d),
			 -VDT_ERR_USAGE);
	ck_assert_ptr_null(buf);
	vdt_diag_clear(d);
	ck_assert_int_eq(vdt_map_parse("version: 9\n", 11, "bad.yaml", &m, d),
			 -VDT_ERR_BADDT);
	ck_assert_ptr_null(m);
	vdt_result_free(r);
	free(p);
	vdt_host_close(h);
	vdt_diag_delete(d);
}
END_TEST

/* Handles and setters refuse what is not theirs to take. */
START_TEST(test_refusals)
{
	struct vdt_diag *d = vdt_diag_new();
	struct vdt_opts *o = vdt_opts_new();
	static const char *const none[] = { NULL };
	static const char *const g[] = { "/soc/eth@1000", NULL };
	struct vdt_result *r;
	struct vdt_host *h;
	size_t psize;
	void *p;

	ck_assert_int_eq(vdt_opts_set_policy(o, (enum vdt_policy)7), -VDT_ERR_USAGE);
	ck_assert_int_eq(vdt_opts_set_xen_abi(o, (enum vdt_xen_abi)7), -VDT_ERR_USAGE);
	ck_assert_int_eq(vdt_opts_set_builder(o, (enum vdt_builder)7), -VDT_ERR_USAGE);
	ck_assert_int_eq(vdt_host_open("not a dtb", 9, "junk", &h, d),
			 -VDT_ERR_BADDT);
	ck_assert_ptr_null(h);
	vdt_diag_clear(d);
	/* An empty allow list allows nothing. */
	h = open_host(d);
	ck_assert_int_eq(vdt_opts_set_allow(o, none, 0), 0);
	p = partial(g, &psize);
	ck_assert_int_eq(vdt_run(h, o, p, psize, "p.dtb", &r, d), -VDT_ERR_INPUT);
	vdt_diag_clear(d);
	ck_assert_int_eq(vdt_opts_set_allow(o, g, 1), 0);
	ck_assert_int_eq(vdt_run(h, o, p, psize, "p.dtb", &r, d), 0);
	vdt_result_free(r);
	/* vPCI without the series is a usage error. */
	ck_assert_int_eq(vdt_opts_set_flags(o, 0, 1, 0), 0);
	ck_assert_int_eq(vdt_run(h, o, p, psize, "p.dtb", &r, d), -VDT_ERR_USAGE);
	ck_assert_str_eq(vdt_strerror(-VDT_ERR_USAGE), "bad option value");
	ck_assert_str_eq(vdt_version(), VDT_VERSION_STRING);
	free(p);
	vdt_host_close(h);
	vdt_opts_delete(o);
	vdt_diag_delete(d);
}
END_TEST

Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_many_guests);
	tcase_add_test(tc, test_series_opts);
	tcase_add_test(tc, test_render_parse);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}

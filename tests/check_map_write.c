/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "diag.h"
#include "map_write.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * A small map by hand: two entries on one IOMMU with a 64-bit base, two
 * devices, the first entry shared by both, a mask on the second.
 */
static struct vmap_iommu iommus[] = {
	{ "/soc/iommu@804f000000", 0x804f000000ull },
};
static struct vmap_device devices[] = {
	{ "/passthrough/a@1000", "/soc/a@1000" },
	{ "/passthrough/b@2000", "/soc/b@2000" },
};
static int devs0[] = { 0, 1 }, devs1[] = { 1 };
static struct vmap_entry entries[] = {
	{ 0x0, 1, 0x10, 0x0, 0, devs0, 2 },
	{ 0x1, 1, 0x20, 0x7f00, 0, devs1, 1 },
};

static void small_map(struct vmap *m)
{
	memset(m, 0, sizeof(*m));
	m->viommu.phandle = VIOMMU_DEFAULT_PHANDLE;
	m->viommu.base = VIOMMU_DEFAULT_BASE;
	m->viommu.size = VIOMMU_DEFAULT_SIZE;
	m->viommu.spi = VIOMMU_DEFAULT_SPI;
	m->policy = IDALLOC_COMPACT;
	m->vid_bits = 16;
	m->vid_base = 0;
	m->iommus = iommus;
	m->niommus = 1;
	m->devices = devices;
	m->ndevices = 2;
	m->entries = entries;
	m->nentries = 2;
}

static const char small_yaml[] =
	"version: 1\n"
	"viommu: {phandle: 0xfdea, compatible: 'arm,smmu-v3', base: 0x4040000, size: 0x40000}\n"
	"policy: compact\n"
	"vid-base: 0x0\n"
	"vid-bits: 16\n"
	"entries:\n"
	"- vid: 0x0\n"
	"  count: 1\n"
	"  pid: 0x10\n"
	"  mask: 0x0\n"
	"  piommu: {path: /soc/iommu@804f000000, base: 0x804f000000}\n"
	"  devices:\n"
	"  - {node: /passthrough/a@1000, host: /soc/a@1000}\n"
	"  - {node: /passthrough/b@2000, host: /soc/b@2000}\n"
	"- vid: 0x1\n"
	"  count: 1\n"
	"  pid: 0x20\n"
	"  mask: 0x7f00\n"
	"  piommu: {path: /soc/iommu@804f000000, base: 0x804f000000}\n"
	"  devices:\n"
	"  - {node: /passthrough/b@2000, host: /soc/b@2000}\n";

static const char small_xl[] =
	"iommu_devid_map = [ \"0x10@0x0,0x804f000000\","
	" \"0x20@0x1,0x804f000000\" ]\n";

/* Render @m in @fmt after @prefix; the text written is returned in @out. */
static void render(const struct vmap *m, enum map_format fmt,
		   const char *prefix, struct vbuf *out, struct vdt_diag *d)
{
	vbuf_init(out);
	vdt_diag_init(d);
	ck_assert_int_eq(vbuf_append(out, prefix, strlen(prefix)), 0);
	ck_assert_int_eq(map_write(m, fmt, "map.out", out, d), 0);
	ck_assert_int_eq(d->code, 0);
	ck_assert_uint_eq(strlen(out->data), out->len);
}

START_TEST(test_yaml)
{
	struct vdt_diag d;
	struct vbuf out;
	struct vmap m;

	small_map(&m);
	render(&m, MAP_FORMAT_YAML, "", &out, &d);
	ck_assert_str_eq(out.data, small_yaml);
	/* The mask is part of the YAML form: no warning. */
	ck_assert_uint_eq(d.nwarnings, 0);
	vbuf_free(&out);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_yaml_identity_header)
{
	struct vdt_diag d;
	struct vbuf out;
	struct vmap m;

	small_map(&m);
	m.policy = IDALLOC_IDENTITY;
	m.vid_bits = 20;
	m.vid_base = 0x100;
	m.viommu.phandle = 0x123;
	m.viommu.base = 0x100000000ull;
	m.viommu.size = 0x1000;
	m.nentries = 0;
	render(&m, MAP_FORMAT_YAML, "", &out, &d);
	ck_assert_str_eq(out.data,
			 "version: 1\n"
			 "viommu: {phandle: 0x123, compatible: 'arm,smmu-v3', base: 0x100000000, size: 0x1000}\n"
			 "policy: identity\n"
			 "vid-base: 0x100\n"
			 "vid-bits: 20\n"
			 "entries: []\n");
	vbuf_free(&out);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_xl)
{
	struct vdt_diag d;
	struct vbuf out;
	struct vmap m;

	small_map(&m);
	render(&m, MAP_FORMAT_XL, "", &out, &d);
	ck_assert_str_eq(out.data, small_xl);
	/* xl cannot carry the mask of the second entry: one warning. */
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_str_eq(d.warnings[0].file, "map.out");
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text, "mask 0x7f00"));
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text, "pID 0x20"));
	ck_assert_ptr_nonnull(strstr(d.warnings[0].text,
				     "/soc/iommu@804f000000"));
	vbuf_free(&out);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_empty)
{
	struct vdt_diag d;
	struct vbuf out;
	struct vmap m;

	small_map(&m);
	m.nentries = 0;
	render(&m, MAP_FORMAT_XL, "", &out, &d);
	ck_assert_str_eq(out.data, "iommu_devid_map = [ ]\n");
	vbuf_free(&out);
	vdt_diag_free(&d);
	render(&m, MAP_FORMAT_YAML, "", &out, &d);
	ck_assert_ptr_nonnull(strstr(out.data, "\nentries: []\n"));
	ck_assert_uint_eq(d.nwarnings, 0);
	vbuf_free(&out);
	vdt_diag_free(&d);
}
END_TEST

/* The writers append: what the buffer held stays in front. */
START_TEST(test_appends)
{
	struct vdt_diag d;
	struct vbuf out;
	struct vmap m;

	small_map(&m);
	render(&m, MAP_FORMAT_XL, "# head\n", &out, &d);
	ck_assert_str_eq(out.data + strlen("# head\n"), small_xl);
	ck_assert_mem_eq(out.data, "# head\n", 7);
	vbuf_free(&out);
	vdt_diag_free(&d);
	render(&m, MAP_FORMAT_YAML, "# head\n", &out, &d);
	ck_assert_str_eq(out.data + strlen("# head\n"), small_yaml);
	vbuf_free(&out);
	vdt_diag_free(&d);
}
END_TEST

static const struct name_case {
	const char *s;
	int want;
} name_cases[] = {
	{ "yaml", MAP_FORMAT_YAML }, { "xl", MAP_FORMAT_XL },
	{ "YAML", -VDT_ERR_NOTFOUND }, { "yml", -VDT_ERR_NOTFOUND },
	{ "cfg", -VDT_ERR_NOTFOUND }, { "", -VDT_ERR_NOTFOUND },
	{ "xl ", -VDT_ERR_NOTFOUND },
};

START_TEST(test_format_by_name)
{
	ck_assert_int_eq(map_format_by_name(name_cases[_i].s),
			 name_cases[_i].want);
}
END_TEST

static const struct name_case path_cases[] = {
	{ "map.yaml", MAP_FORMAT_YAML }, { "dir/map.yml", MAP_FORMAT_YAML },
	{ "guest.cfg", MAP_FORMAT_XL }, { "/a.b/c.cfg", MAP_FORMAT_XL },
	{ ".yaml", -VDT_ERR_NOTFOUND }, { ".cfg", -VDT_ERR_NOTFOUND },
	{ "map.json", -VDT_ERR_NOTFOUND }, { "map.yaml.bak", -VDT_ERR_NOTFOUND },
	{ "mapyaml", -VDT_ERR_NOTFOUND }, { "map.CFG", -VDT_ERR_NOTFOUND },
	{ "-", -VDT_ERR_NOTFOUND }, { "", -VDT_ERR_NOTFOUND },
};

START_TEST(test_format_by_path)
{
	ck_assert_msg(map_format_by_path(path_cases[_i].s) == path_cases[_i].want,
		      "%s", path_cases[_i].s);
}
END_TEST

Suite *map_write_suite(void)
{
	Suite *s = suite_create("map_write");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_yaml);
	tcase_add_test(tc, test_yaml_identity_header);
	tcase_add_test(tc, test_xl);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_appends);
	tcase_add_loop_test(tc, test_format_by_name, 0, N(name_cases));
	tcase_add_loop_test(tc, test_format_by_path, 0, N(path_cases));
	suite_add_tcase(s, tc);
	return s;
}

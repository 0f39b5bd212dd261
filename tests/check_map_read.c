/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "map_read.h"
#include "map_write.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * A full map with a masked entry, a range shared by two devices, the
 * largest values every field takes, and a path the emitter must quote.
 */
static const char full_yaml[] =
	"version: 1\n"
	"viommu: {phandle: 0x10, compatible: 'arm,smmu-v3', base: 0x100000000, size: 0x1000}\n"
	"policy: identity\n"
	"vid-base: 0x8\n"
	"vid-bits: 20\n"
	"entries:\n"
	"- vid: 0x8\n"
	"  count: 1\n"
	"  pid: 0x8\n"
	"  mask: 0x7f00\n"
	"  piommu: {path: /soc/smmu@2b400000, base: 0x2b400000}\n"
	"  devices:\n"
	"  - {node: /passthrough/eth@1, host: /soc/eth@1}\n"
	"- vid: 0x10\n"
	"  count: 16\n"
	"  pid: 0x10\n"
	"  mask: 0x0\n"
	"  piommu: {path: /soc/smmu@2b400000, base: 0x2b400000}\n"
	"  devices:\n"
	"  - {node: /passthrough/pcie@2, host: /soc/pcie@2}\n"
	"  - {node: /passthrough/eth@1, host: /soc/eth@1}\n"
	"- vid: 0xfffff\n"
	"  count: 1\n"
	"  pid: 0xffffffff\n"
	"  mask: 0xffffffff\n"
	"  piommu: {path: '/soc/odd: name@0', base: 0xffffffffffffffff}\n"
	"  devices:\n"
	"  - {node: /passthrough/z, host: /soc/z}\n";

/* The same map by hand in JSON: keys in another order, other spacing. */
static const char full_json_by_hand[] =
	"{\"entries\": [\n"
	" {\"devices\": [{\"host\": \"/soc/eth@1\", \"node\": \"/passthrough/eth@1\"}],\n"
	"  \"piommu\": {\"base\": 725614592, \"path\": \"/soc/smmu@2b400000\"},\n"
	"  \"mask\": 32512, \"pid\": 8, \"count\": 1, \"vid\": 8},\n"
	" {\"vid\": 16, \"count\": 16, \"pid\": 16, \"mask\": 0,\n"
	"  \"piommu\": {\"path\": \"/soc/smmu@2b400000\", \"base\": 725614592},\n"
	"  \"devices\": [{\"node\": \"/passthrough/pcie@2\", \"host\": \"/soc/pcie@2\"},\n"
	"              {\"node\": \"/passthrough/eth@1\", \"host\": \"/soc/eth@1\"}]},\n"
	" {\"vid\": 1048575, \"count\": 1, \"pid\": 4294967295, \"mask\": 4294967295,\n"
	"  \"piommu\": {\"path\": \"/soc/odd: name@0\", \"base\": 18446744073709551615},\n"
	"  \"devices\": [{\"node\": \"/passthrough/z\", \"host\": \"/soc/z\"}]}],\n"
	" \"vid-bits\": 20, \"vid-base\": 8, \"policy\": \"identity\",\n"
	" \"viommu\": {\"size\": 4096, \"base\": 4294967296, \"compatible\": \"arm,smmu-v3\", \"phandle\": 16},\n"
	" \"version\": 1}\n";

static const char bare_yaml[] =
	"version: 1\n"
	"entries:\n"
	"- vid: 0x8\n"
	"  count: 1\n"
	"  pid: 0x8\n"
	"  mask: 0x7f00\n"
	"  piommu: {base: 0x2b400000}\n"
	"- vid: 0x10\n"
	"  count: 16\n"
	"  pid: 0x10\n"
	"  mask: 0x0\n"
	"  piommu: {base: 0x2b400000}\n"
	"- vid: 0xfffff\n"
	"  count: 1\n"
	"  pid: 0xffffffff\n"
	"  mask: 0xffffffff\n"
	"  piommu: {base: 0xffffffffffffffff}\n";

static void read_ok(const char *data, size_t len, struct vmap *m)
{
	struct vdt_diag d;
	int rc;

	vdt_diag_init(&d);
	rc = map_read(data, len, "m", m, &d);
	ck_assert_msg(rc == 0, "map_read: %s", d.error.text);
	ck_assert_int_eq(d.code, 0);
	vdt_diag_free(&d);
}

static void write_ok(const struct vmap *m, enum map_format fmt,
		     struct vbuf *out)
{
	struct vdt_diag d;

	vbuf_init(out);
	vdt_diag_init(&d);
	ck_assert_int_eq(map_write(m, fmt, NULL, "m", out, &d), 0);
	vdt_diag_free(&d);
}

/* Bytes of @m in @fmt equal @want (@len bytes). */
static void assert_writes(const struct vmap *m, enum map_format fmt,
			  const char *want, size_t len)
{
	struct vbuf out;

	write_ok(m, fmt, &out);
	ck_assert_msg(out.len == len && memcmp(out.data, want, len) == 0,
		      "%s: got\n%.*s", map_format_name(fmt), (int)out.len,
		      out.data);
	vbuf_free(&out);
}

START_TEST(test_model)
{
	struct vmap m;

	read_ok(full_yaml, strlen(full_yaml), &m);
	ck_assert_int_eq(m.bare, 0);
	ck_assert_uint_eq(m.viommu.phandle, 0x10);
	ck_assert_uint_eq(m.viommu.base, 0x100000000ull);
	ck_assert_uint_eq(m.viommu.size, 0x1000);
	ck_assert_int_eq(m.policy, VDT_POLICY_IDENTITY);
	ck_assert_uint_eq(m.vid_base, 8);
	ck_assert_uint_eq(m.vid_bits, 20);
	ck_assert_int_eq(m.nentries, 3);
	ck_assert_int_eq(m.niommus, 2);
	ck_assert_int_eq(m.ndevices, 3);
	ck_assert_uint_eq(m.entries[1].vid, 0x10);
	ck_assert_uint_eq(m.entries[1].count, 16);
	ck_assert_int_eq(m.entries[1].ndevs, 2);
	ck_assert_str_eq(m.devices[m.entries[1].devs[1]].node,
			 "/passthrough/eth@1");
	ck_assert_int_eq(m.entries[0].iommu, m.entries[1].iommu);
	ck_assert_str_eq(m.iommus[m.entries[2].iommu].path, "/soc/odd: name@0");
	ck_assert_uint_eq(m.iommus[m.entries[2].iommu].base, UINT64_MAX);
	ck_assert_uint_eq(m.entries[2].mask, UINT32_MAX);
	vmap_free(&m);
}
END_TEST

/*
 * Round trips: read @in, write @fmt, read that, write @fmt again: the
 * same bytes; the YAML of what was read is @yaml.
 */
static const struct trip {
	const char *in;
	enum map_format fmt;
	const char *yaml;
} trips[] = {
	{ full_yaml, MAP_FORMAT_YAML, full_yaml },
	{ full_yaml, MAP_FORMAT_JSON, full_yaml },
	{ full_yaml, MAP_FORMAT_BIN, full_yaml },
	{ full_json_by_hand, MAP_FORMAT_JSON, full_yaml },
	{ full_json_by_hand, MAP_FORMAT_YAML, full_yaml },
	{ bare_yaml, MAP_FORMAT_YAML, bare_yaml },
	{ bare_yaml, MAP_FORMAT_JSON, bare_yaml },
	{ bare_yaml, MAP_FORMAT_BIN, bare_yaml },
	{ "version: 1\nentries: []\n", MAP_FORMAT_BIN, "version: 1\nentries: []\n" },
	{ "{\"version\": 1, \"entries\": []}", MAP_FORMAT_JSON, "version: 1\nentries: []\n" },
};

START_TEST(test_round_trip)
{
	const struct trip *t = &trips[_i];
	struct vbuf once, twice;
	struct vmap m, back;

	read_ok(t->in, strlen(t->in), &m);
	assert_writes(&m, MAP_FORMAT_YAML, t->yaml, strlen(t->yaml));
	write_ok(&m, t->fmt, &once);
	read_ok(once.data, once.len, &back);
	write_ok(&back, t->fmt, &twice);
	ck_assert_msg(once.len == twice.len &&
			      memcmp(once.data, twice.data, once.len) == 0,
		      "%s: changed on the round trip", map_format_name(t->fmt));
	/* The binary form keeps only the bare fields. */
	ck_assert_int_eq(back.bare, t->fmt == MAP_FORMAT_BIN || m.bare);
	if (back.bare && !m.bare)
		assert_writes(&back, MAP_FORMAT_YAML, bare_yaml,
			      strlen(bare_yaml));
	vbuf_free(&once);
	vbuf_free(&twice);
	vmap_free(&m);
	vmap_free(&back);
}
END_TEST

/* The header and entries a YAML case starts from: entries start on line 7. */
#define HDR                                                                   \
	"version: 1\n"                                                        \
	"viommu: {phandle: 0xfdea, compatible: 'arm,smmu-v3', base: 0x4040000, size: 0x40000}\n" \
	"policy: compact\n"                                                   \
	"vid-base: 0x0\n"                                                     \
	"vid-bits: 16\n"                                                      \
	"entries:\n"
#define PI "piommu: {path: /i, base: 0x1}"
#define DEV "devices: [{node: /p/a, host: /a}]"
#define ENT(vid, count) \
	"- {vid: " vid ", count: " count ", pid: 0x1, mask: 0x0, " PI ", " DEV "}\n"

static const struct bad {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *want;	/* in the message */
} bads[] = {
	/* types */
	{ HDR "- {vid: '0x0', count: 1, pid: 0x1, mask: 0x0, " PI ", " DEV "}\n", 0,
	  "line 7, column 9: entries[0].vid: expected an integer, found a quoted string" },
	{ HDR "- {vid: [0], count: 1, pid: 0x1, mask: 0x0, " PI ", " DEV "}\n", 0,
	  "entries[0].vid: expected an integer, found a list" },
	{ HDR ENT("010", "1"), 0, "entries[0].vid: '010' is not an integer" },
	{ HDR ENT("-1", "1"), 0, "entries[0].vid: '-1' is not an integer" },
	{ HDR ENT("1.0", "1"), 0, "entries[0].vid: '1.0' is not an integer" },
	{ HDR ENT("0x", "1"), 0, "entries[0].vid: '0x' is not an integer" },
	{ HDR ENT("0x1g", "1"), 0, "entries[0].vid: '0x1g' is not an integer" },
	{ HDR ENT("1_0", "1"), 0, "entries[0].vid: '1_0' is not an integer" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, piommu: [], " DEV "}\n", 0,
	  "entries[0].piommu: expected a mapping, found a list" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: {}}\n", 0,
	  "entries[0].devices: expected a list, found a mapping" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [5]}\n", 0,
	  "entries[0].devices[0]: expected a mapping, found a scalar" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [{node: [], host: /a}]}\n", 0,
	  "entries[0].devices[0].node: expected a string, found a list" },
	{ "version: 1\nentries: 5\n", 0, "line 2, column 10: entries: expected a list, found a scalar" },
	{ "version: 1\nentries: [5]\n", 0, "entries[0]: expected a mapping, found a scalar" },
	{ "- 1\n", 0, "line 1, column 1: expected a mapping, found a list" },
	{ "{[1]: 2}\n", 0, "expected a key, found a list" },
	{ "{\"version\": 1, \"entries\": [{\"vid\": \"0\", \"count\": 1}]}", 0,
	  "line 1, column 36: entries[0].vid: expected an integer, found a quoted string" },
	{ "{\"version\": 1, \"entries\": [{\"vid\": 1e3}]}", 0,
	  "entries[0].vid: '1e3' is not an integer" },
	/* ranges */
	{ HDR ENT("0x100000000", "1"), 0,
	  "entries[0].vid: 0x100000000 is out of range [0x0, 0xffffffff]" },
	{ HDR ENT("99999999999999999999999", "1"), 0,
	  "entries[0].vid: 99999999999999999999999 is out of range" },
	{ HDR ENT("0x0", "0"), 0,
	  "entries[0].count: 0 is out of range [0x1, 0xffffffff]" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, piommu: {path: /i, base: 0x10000000000000000}, " DEV "}\n", 0,
	  "entries[0].piommu.base: 0x10000000000000000 is out of range" },
	{ "version: 2\nentries: []\n", 0, "line 1, column 10: version: 2 is out of range [0x1, 0x1]" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0}\n"
	  "policy: compact\nvid-base: 0\nvid-bits: 33\nentries: []\n", 0,
	  "vid-bits: 33 is out of range [0x1, 0x20]" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0}\n"
	  "policy: compact\nvid-base: 0x10\nvid-bits: 4\nentries: []\n", 0,
	  "line 1, column 1: vid-base 0x10 lies outside the 4-bit vID space" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0}\n"
	  "policy: compact\nvid-base: 0\nvid-bits: 4\nentries:\n" ENT("0xf", "2"), 0,
	  "line 7, column 3: entries[0]: vids 0xf-0x10 lie outside the vID space [0x0, 2^4)" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0}\n"
	  "policy: compact\nvid-base: 2\nvid-bits: 4\nentries:\n" ENT("0x1", "1"), 0,
	  "entries[0]: vids 0x1-0x1 lie outside the vID space [0x2, 2^4)" },
	{ "version: 1\nentries:\n- {vid: 0xffffffff, count: 2, pid: 0, mask: 0, piommu: {base: 0}}\n", 0,
	  "entries[0]: 2 IDs from vid 0xffffffff or pid 0x0 run past 0xffffffff" },
	{ "version: 1\nentries:\n- {vid: 0, count: 2, pid: 0xffffffff, mask: 0, piommu: {base: 0}}\n", 0,
	  "run past 0xffffffff" },
	/* values */
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0}\n"
	  "policy: fast\nvid-base: 0\nvid-bits: 4\nentries: []\n", 0,
	  "line 3, column 9: policy: expected compact or identity" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu', base: 0, size: 0}\n"
	  "policy: compact\nvid-base: 0\nvid-bits: 4\nentries: []\n", 0,
	  "viommu.compatible: expected 'arm,smmu-v3', not 'arm,smmu'" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [{node: p/a, host: /a}]}\n", 0,
	  "entries[0].devices[0].node: 'p/a' is not an absolute path" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [{node: \"/p/\\0a\", host: /a}]}\n", 0,
	  "entries[0].devices[0].node: a NUL character in a string" },
	/* keys */
	{ HDR "- {vidd: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", " DEV "}\n", 0,
	  "line 7, column 4: entries[0]: unknown key 'vidd'" },
	{ HDR ENT("0x0", "1") "bogus: 1\n", 0, "line 8, column 1: unknown key 'bogus'" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0, spi: 33}\n"
	  "policy: compact\nvid-base: 0\nvid-bits: 4\nentries: []\n", 0,
	  "viommu: unknown key 'spi'" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, piommu: {path: /i, base: 0x1, size: 1}, " DEV "}\n", 0,
	  "entries[0].piommu: unknown key 'size'" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [{node: /a, host: /a, x: 1}]}\n", 0,
	  "entries[0].devices[0]: unknown key 'x'" },
	{ "version: 1\nversion: 1\nentries: []\n", 0, "line 2, column 1: duplicate key 'version'" },
	{ HDR "- {vid: 0, vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", " DEV "}\n", 0,
	  "entries[0]: duplicate key 'vid'" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, " PI ", " DEV "}\n", 0,
	  "line 7, column 3: entries[0]: missing key 'mask'" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0, piommu: {path: /i}, " DEV "}\n", 0,
	  "entries[0].piommu: missing key 'base'" },
	{ "version: 1\n", 0, "line 1, column 1: missing key 'entries'" },
	{ "entries: []\n", 0, "missing key 'version'" },
	{ "version: 1\nviommu: {phandle: 0x1, compatible: 'arm,smmu-v3', base: 0, size: 0}\n"
	  "vid-base: 0\nvid-bits: 4\nentries: []\n", 0,
	  "missing key 'policy' (viommu, policy, vid-base and vid-bits go together)" },
	{ "version: 1\nvid-bits: 4\nentries: []\n", 0, "missing key 'viommu'" },
	/* entries together */
	{ HDR ENT("0x0", "1") ENT("0x0", "1"), 0,
	  "line 8, column 3: entries[1]: vid 0x0 is also entry 0's" },
	{ HDR ENT("0x1", "1") ENT("0x0", "1"), 0,
	  "entries[1]: vid 0x0 follows 0x1: entries must be sorted by vid" },
	{ HDR ENT("0x0", "4") ENT("0x3", "2"), 0,
	  "entries[1]: vids 0x3-0x4 overlap entry 0's 0x0-0x3" },
	{ "version: 1\nentries:\n" ENT("0x0", "1"), 0,
	  "line 3, column 3: entries[0]: piommu.path without the viommu, policy, vid-base and vid-bits keys" },
	{ "version: 1\nentries:\n- {vid: 0, count: 1, pid: 0x1, mask: 0x0, piommu: {base: 1}, " DEV "}\n", 0,
	  "entries[0]: devices without the viommu" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI "}\n", 0,
	  "entries[0]: missing devices: a map with a viommu block names IOMMUs and devices" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, piommu: {base: 1}, " DEV "}\n", 0,
	  "entries[0]: missing piommu.path" },
	{ HDR ENT("0x0", "1") "- {vid: 1, count: 1, pid: 0x1, mask: 0x0, piommu: {path: /i, base: 0x2}, " DEV "}\n", 0,
	  "line 8, column 51: entries[1].piommu: /i has base 0x2 here and 0x1 before" },
	{ HDR ENT("0x0", "1") "- {vid: 1, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [{node: /p/a, host: /b}]}\n", 0,
	  "entries[1].devices[0]: /p/a has host /b here and /a before" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: [{node: /p/a, host: /a}, {node: /p/a, host: /a}]}\n", 0,
	  "entries[0].devices[1]: /p/a is listed twice" },
	{ HDR "- {vid: 0, count: 1, pid: 0x1, mask: 0x0, " PI ", devices: []}\n", 0,
	  "entries[0].devices: an empty list" },
	/* YAML itself */
	{ "version: &v 1\nentries: []\n", 0, "line 1, column 10: anchors and tags are not allowed" },
	{ "version: 1\nentries: *v\n", 0, "line 2, column 10: aliases are not allowed" },
	{ HDR "- {vid: !!int 0, count: 1, pid: 0x1, mask: 0x0, " PI ", " DEV "}\n", 0,
	  "anchors and tags are not allowed" },
	{ "version: 1\nentries: []\n---\nversion: 1\nentries: []\n", 0,
	  "line 3, column 1: a second document: a map file holds one" },
	{ "", 0, "empty: no map" },
	{ "# nothing\n", 0, "empty: no map" },
	{ "{", 0, "line 2, column 1: did not find expected node content" },
	{ "version: 1: 2\nentries: []\n", 0, "line 1, column 11: mapping values are not allowed" },
	{ "version: 1\nentries: []\n\xff", 0, "byte 23: invalid leading UTF-8 octet" },
	{ "version: 1\0\nentries: []\n", 22, "control characters are not allowed" },
	/* allocated-by and vpci: Xen's predicted vSIDs (--xen-abi vsmmuv3-v3) */
	{ "version: 1\nallocated-by: toolstack\nentries: []\n", 0,
	  "allocated-by: expected 'xen'" },
	{ "version: 1\npartial-sha256: abc\nentries: []\n", 0,
	  "partial-sha256: expected 64 lower-case hex digits" },
	{ "version: 1\npartial-sha256: 934bbd8d2b3e5c8b247ed20d399d47777e054252f94b760b6e5e8a8f2bdbb7d40\nentries: []\n",
	  0, "partial-sha256: expected 64 lower-case hex digits" },
	{ "version: 1\npartial-sha256: 934BBD8d2b3e5c8b247ed20d399d47777e054252f94b760b6e5e8a8f2bdbb7d4\nentries: []\n",
	  0, "partial-sha256: expected 64 lower-case hex digits" },
	{ "version: 1\nentries:\n- {vid: 0, count: 4096, pid: 0, mask: 0, vpci: true}\n",
	  0, "a vpci entry in a map without allocated-by: xen" },
	{ "version: 1\nallocated-by: xen\nentries:\n- {vid: 0, count: 1, pid: 0, mask: 0, vpci: false}\n",
	  0, "vpci: expected 'true'" },
	{ "version: 1\nallocated-by: xen\nentries:\n- {vid: 0, count: 1, pid: 0, mask: 0}\n",
	  0, "entries[0]: missing key 'piommu'" },
	{ "version: 1\nallocated-by: xen\nentries:\n- {vid: 0, count: 1, pid: 0, mask: 0, vpci: true, piommu: {base: 0}}\n",
	  0, "a vpci entry has no piommu and no devices" },
};

/* A binary map: header with @version and @count, then @n entries. */
struct bin_entry {
	uint32_t vid, pid, count, mask;
	uint64_t base;
};

static size_t put_bin(unsigned char *b, uint32_t version, uint32_t count,
		      const struct bin_entry *e, int n)
{
	size_t len = 16;
	int i, k;

	memcpy(b, "VIOMMAP", 8);
	for (k = 0; k < 4; k++) {
		b[8 + k] = (unsigned char)(version >> (8 * k));
		b[12 + k] = (unsigned char)(count >> (8 * k));
	}
	for (i = 0; i < n; i++, len += 24) {
		for (k = 0; k < 4; k++) {
			b[len + k] = (unsigned char)(e[i].vid >> (8 * k));
			b[len + 4 + k] = (unsigned char)(e[i].pid >> (8 * k));
			b[len + 8 + k] = (unsigned char)(e[i].count >> (8 * k));
			b[len + 12 + k] = (unsigned char)(e[i].mask >> (8 * k));
		}
		for (k = 0; k < 8; k++)
			b[len + 16 + k] = (unsigned char)(e[i].base >> (8 * k));
	}
	return len;
}

static const struct bin_case {
	uint32_t version, count;
	struct bin_entry e[2];
	int n;
	int cut;		/* bytes taken off (< 0: added) */
	const char *want;
} bin_cases[] = {
	{ 1, 1, { { 0, 0x10, 1, 0, 0x1000 } }, 1, 15, "truncated: 1 entries need 40 bytes, the file has 25" },
	{ 1, 0, { { 0 } }, 0, 6, "truncated: 10 bytes, the header alone is 16" },
	{ 1, 0, { { 0 } }, 0, 12, "truncated: 4 bytes, the header alone is 16" },
	{ 2, 0, { { 0 } }, 0, 0, "version 2: only version 1 is known" },
	{ 1, 2, { { 0, 0x10, 1, 0, 0x1000 } }, 1, 0,
	  "truncated: 2 entries need 64 bytes, the file has 40" },
	{ 1, 0xffffffffu, { { 0 } }, 0, 0,
	  "truncated: 4294967295 entries need 103079215096 bytes, the file has 16" },
	{ 1, 1, { { 0, 0x10, 1, 0, 0x1000 } }, 1, -3, "3 bytes after the last entry" },
	{ 1, 1, { { 0, 0x10, 0, 0, 0x1000 } }, 1, 0, "entry 0: count is 0" },
	{ 1, 2, { { 1, 0x10, 1, 0, 0x1000 }, { 0, 0x11, 1, 0, 0x1000 } }, 2, 0,
	  "entry 1: vid 0x0 follows 0x1: entries must be sorted by vid" },
	{ 1, 2, { { 1, 0x10, 1, 0, 0x1000 }, { 1, 0x11, 1, 0, 0x1000 } }, 2, 0,
	  "entry 1: vid 0x1 is also entry 0's" },
	{ 1, 2, { { 0, 0x10, 8, 0, 0x1000 }, { 7, 0x11, 1, 0, 0x1000 } }, 2, 0,
	  "entry 1: vids 0x7-0x7 overlap entry 0's 0x0-0x7" },
	{ 1, 1, { { 0xfffffff0u, 0x10, 0x11, 0, 0x1000 } }, 1, 0,
	  "entry 0: 17 IDs from vid 0xfffffff0 or pid 0x10 run past 0xffffffff" },
};

static void assert_bad(const void *in, size_t len, const char *want)
{
	struct vdt_diag d;
	struct vmap m;
	int rc;

	vdt_diag_init(&d);
	memset(&m, 0x5a, sizeof(m));
	rc = map_read(in, len, "m.map", &m, &d);
	ck_assert_msg(rc == -VDT_ERR_BADDT, "rc %d (%s), wanted '%s'", rc,
		      d.error.text, want);
	ck_assert_str_eq(d.error.file, "m.map");
	ck_assert_msg(strstr(d.error.text, want), "got '%s', wanted '%s'",
		      d.error.text, want);
	ck_assert_ptr_null(strchr(d.error.text, '\n'));
	/* Nothing is left to free. */
	ck_assert_ptr_null(m.entries);
	ck_assert_ptr_null(m.iommus);
	ck_assert_ptr_null(m.devices);
	ck_assert_int_eq(m.nentries, 0);
	vdt_diag_free(&d);
}

/* A map of Xen's predicted vSIDs reads back with its vPCI entry. */
START_TEST(test_series_map)
{
	static const char in[] =
		"version: 1\nallocated-by: xen\n"
		"viommu: {phandle: 0xfdea, compatible: 'arm,smmu-v3', base: 0x4040000, size: 0x40000}\n"
		"policy: compact\nvid-base: 0x0\nvid-bits: 16\nentries:\n"
		"- {vid: 0x0, count: 4096, pid: 0x0, mask: 0x0, vpci: true}\n"
		"- vid: 0x1000\n  count: 1\n  pid: 0x10\n  mask: 0x0\n"
		"  piommu: {path: /soc/iommu@4f000000, base: 0x4f000000}\n"
		"  devices:\n  - {node: /passthrough/a, host: /soc/a}\n";
	struct vdt_diag d;
	struct vmap m;

	vdt_diag_init(&d);
	ck_assert_int_eq(map_read(in, strlen(in), "m.yaml", &m, &d), 0);
	ck_assert_int_eq(m.xen_allocates, 1);
	ck_assert_int_eq(m.nentries, 2);
	ck_assert_int_eq(m.entries[0].iommu, VMAP_VPCI);
	ck_assert_int_eq(m.entries[0].ndevs, 0);
	ck_assert_uint_eq(m.entries[0].count, 0x1000);
	ck_assert_int_ge(m.entries[1].iommu, 0);
	vmap_free(&m);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_bad_yaml)
{
	const struct bad *b = &bads[_i];

	assert_bad(b->in, b->len ? b->len : strlen(b->in), b->want);
}
END_TEST

START_TEST(test_bad_bin)
{
	const struct bin_case *c = &bin_cases[_i];
	unsigned char b[16 + 2 * 24 + 8];
	size_t len = put_bin(b, c->version, c->count, c->e, c->n);

	memset(b + len, 0, sizeof(b) - len);
	assert_bad(b, len - (size_t)c->cut, c->want);
}
END_TEST

/* Binary recognition: the magic, even cut short, means the binary form. */
START_TEST(test_bin_magic)
{
	assert_bad("VIOM", 4, "truncated: 4 bytes");
	assert_bad("VIOMMAP", 7, "truncated: 7 bytes");
	/* Not the magic: read as YAML. */
	assert_bad("VIOMMAQ\0", 8, "byte 7: control characters are not allowed");
	assert_bad("VIO", 3, "line 1, column 1: expected a mapping, found a scalar");
}
END_TEST

/* map_sniff(): every form this tool writes, and what is not a map. */
START_TEST(test_sniff_written)
{
	const struct trip *t = &trips[_i];
	static const enum map_format fmts[] = {
		MAP_FORMAT_YAML, MAP_FORMAT_JSON, MAP_FORMAT_BIN,
	};
	struct vbuf out;
	struct vmap m;
	int k;

	read_ok(t->in, strlen(t->in), &m);
	for (k = 0; k < N(fmts); k++) {
		write_ok(&m, fmts[k], &out);
		ck_assert_msg(map_sniff(out.data, out.len) == 1, "%s not sniffed",
			      map_format_name(fmts[k]));
		vbuf_free(&out);
	}
	vmap_free(&m);
}
END_TEST

static const struct sniff_case {
	const char *in;
	int want;
} sniffs[] = {
	{ "version: 1\nentries: []\n", 1 },
	{ "version: 1\npartial-sha256: 00\n", 1 },
	{ "{\n  \"version\": 1,\n  \"entries\": []\n}\n", 1 },
	{ "VIOMMAP", 1 },
	{ "", 0 },
	{ "version: 1\n", 0 },
	{ "version: 2\nupdates:\n", 0 },		/* dependabot.yml */
	{ "# mine\nversion: 1\nentries: []\n", 0 },
	{ "version: '1'\nentries: []\n", 0 },
	{ "version: 1 entries: []\n", 0 },
	{ "versions: 1\nentries: []\n", 0 },
	{ "version: 1\nentries2: []\n", 0 },
	{ "{\"version\": 1, \"entries\": []}", 0 },
	{ "name = \"guest\"\n", 0 },
};

START_TEST(test_sniff)
{
	const struct sniff_case *c = &sniffs[_i];

	ck_assert_msg(map_sniff(c->in, strlen(c->in) + (c->in[0] == 'V')) ==
			      c->want,
		      "'%s': expected %d", c->in, c->want);
}
END_TEST

Suite *map_read_suite(void)
{
	Suite *s = suite_create("map_read");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_model);
	tcase_add_loop_test(tc, test_round_trip, 0, N(trips));
	tcase_add_loop_test(tc, test_bad_yaml, 0, N(bads));
	tcase_add_test(tc, test_series_map);
	tcase_add_loop_test(tc, test_bad_bin, 0, N(bin_cases));
	tcase_add_test(tc, test_bin_magic);
	tcase_add_loop_test(tc, test_sniff_written, 0, N(trips));
	tcase_add_loop_test(tc, test_sniff, 0, N(sniffs));
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The partial DT generated from host paths (src/extract.c; viommu-dtgen(1),
 * PARTIAL FROM HOST PATHS, E1-E10), over tests/fixtures/extract/host.dts:
 * a table of cases, each a list of host paths and what the output holds,
 * then the output through dtc and through the pipeline's dom0less rules.
 */
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include "dtgen.h"
#include "extract.h"
#include "testutil.h"

extern char **environ;

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define FIXTURE "tests/fixtures/extract/host.dts"

/* The fixture's text, read once per test (tests fork). */
static char *fixture_text(void)
{
	FILE *f = fopen(FIXTURE, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s (run from the source tree)",
		      FIXTURE);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 1);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct host {
	void *blob;
	size_t size;
	struct hostdt h;
};

static void host_open(struct host *hs)
{
	struct vdt_diag d;
	char *text = fixture_text();

	hs->blob = tu_dtb(text, &hs->size);
	free(text);
	vdt_diag_init(&d);
	ck_assert_int_eq(hostdt_open(&hs->h, hs->blob, hs->size, "host.dtb",
				     &d), 0);
	vdt_diag_free(&d);
}

static void host_close(struct host *hs)
{
	hostdt_close(&hs->h);
	free(hs->blob);
}

/* Whether a warning of @d, formatted, contains @text; how many do. */
static int warned(const struct vdt_diag *d, const char *text)
{
	char line[2048];
	size_t i;
	int n = 0;

	for (i = 0; i < d->nwarnings; i++) {
		vdt_note_format(&d->warnings[i], line, sizeof(line));
		n += strstr(line, text) != NULL;
	}
	return n;
}

static void dump_warnings(const struct vdt_diag *d)
{
	char line[2048];
	size_t i;

	for (i = 0; i < d->nwarnings; i++) {
		vdt_note_format(&d->warnings[i], line, sizeof(line));
		fprintf(stderr, "  warning: %s\n", line);
	}
}

/*
 * One expectation, "PATH|PROP|VALUE": VALUE is "c:" and hex cells, "s:"
 * and comma-separated strings, "<empty>", "<none>" (no such property);
 * "PATH||kids:A B" lists the node's children in order.
 */
static void expect(const void *fdt, const char *spec)
{
	char path[256], prop[64], want[512], got[512];
	const char *a = strchr(spec, '|'), *b = a ? strchr(a + 1, '|') : NULL;
	const char *val;
	const fdt32_t *cells;
	size_t at = 0;
	int node, len, i, child;

	ck_assert_msg(a && b, "bad expectation %s", spec);
	snprintf(path, sizeof(path), "%.*s", (int)(a - spec), spec);
	snprintf(prop, sizeof(prop), "%.*s", (int)(b - a - 1), a + 1);
	snprintf(want, sizeof(want), "%s", b + 1);
	node = fdt_path_offset(fdt, path);
	ck_assert_msg(node >= 0, "%s: no node %s", spec, path);
	got[0] = '\0';
	if (strncmp(want, "kids:", 5) == 0) {
		at = (size_t)snprintf(got, sizeof(got), "kids:");
		fdt_for_each_subnode(child, fdt, node)
			at += (size_t)snprintf(got + at, sizeof(got) - at,
					       "%s%s", at > 5 ? " " : "",
					       fdt_get_name(fdt, child, NULL));
		ck_assert_msg(strcmp(got, want) == 0, "%s: got %s", spec, got);
		return;
	}
	val = fdt_getprop(fdt, node, prop, &len);
	if (!val)
		snprintf(got, sizeof(got), "<none>");
	else if (len == 0)
		snprintf(got, sizeof(got), "<empty>");
	else if (want[0] == 's') {
		at = (size_t)snprintf(got, sizeof(got), "s:");
		for (i = 0; i < len && at < sizeof(got) - 1; i++)
			got[at++] = val[i] ? val[i] : ',';
		got[at - 1] = got[at - 1] == ',' ? '\0' : got[at - 1];
		got[at] = '\0';
	} else {
		cells = (const fdt32_t *)val;
		at = (size_t)snprintf(got, sizeof(got), "c:");
		for (i = 0; i < len / 4 && at < sizeof(got); i++)
			at += (size_t)snprintf(got + at, sizeof(got) - at,
					       "%s%x", i ? " " : "",
					       fdt32_to_cpu(cells[i]));
	}
	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s", spec, got);
}

#define ETH "/passthrough/eth@f00e0000"
#define PHY ETH "/ethernet-phy@c"
#define MULTI "/passthrough/multi@f0100000"
#define DMA "/passthrough/dma@f0400000"

struct ext_case {
	const char *name;
	const char *paths[6];
	enum vdt_xen_abi abi;
	int rc;			/* 0, or the negative error */
	const char *err;	/* part of the error's text */
	int nwarn;		/* warnings in all, or -1: not counted */
	const char *warn[4];	/* parts of formatted warnings */
	const char *expect[24];
};

static const struct ext_case cases[] = {
	/* E2, E3, E4, E5, E6, E7, E10: one device with a subnode. */
	{ "eth", { "/soc/eth@e0000" }, VDT_ABI_DEVID_MAP, 0, NULL, 2,
	  { "host.dtb: /soc/eth@e0000: resets: left out, they reference",
	    "/soc/eth@e0000/ethernet-phy@c: interrupts-extended: entry 0 (controller /soc/gpio@a0000) left out" },
	  { "/|#address-cells|c:2", "/|#size-cells|c:2",
	    "/||kids:gic passthrough",
	    "/gic|#interrupt-cells|c:3", "/gic|interrupt-controller|<empty>",
	    "/gic|phandle|c:1",
	    "/passthrough|compatible|s:simple-bus",
	    "/passthrough|ranges|<empty>", "/passthrough|#address-cells|c:2",
	    "/passthrough|#size-cells|c:2",
	    "/passthrough||kids:clk100 eth@f00e0000",
	    ETH "|reg|c:0 f00e0000 0 1000",
	    ETH "|xen,reg|c:0 f00e0000 0 1000 0 f00e0000",
	    ETH "|xen,path|s:/soc/eth@e0000", ETH "|status|s:okay",
	    ETH "|interrupt-parent|c:1", ETH "|interrupts|c:0 3f 4",
	    ETH "|clocks|c:2 2", ETH "|clock-names|s:pclk,hclk",
	    "/passthrough/clk100|phandle|c:2",
	    ETH "|resets|<none>", ETH "|iommus|<none>",
	    PHY "|reg|c:c", PHY "|phandle|c:3" } },
	{ "subnode", { "/soc/eth@e0000" }, VDT_ABI_DEVID_MAP, 0, NULL, -1,
	  { NULL },
	  { ETH "|phy-handle|c:3", PHY "|xen,reg|<none>",
	    PHY "|xen,path|<none>", PHY "|status|<none>",
	    PHY "|interrupts|<none>", PHY "|interrupts-extended|<none>",
	    PHY "|interrupt-parent|<none>", PHY "|ti,fifo-depth|c:1",
	    "/passthrough/clk100|compatible|s:fixed-clock",
	    "/passthrough/clk100|clock-frequency|c:5f5e100",
	    "/passthrough/clk100|xen,path|<none>" } },
	/* E4: two reg entries, pages, a page shared; E5, E6. */
	{ "multi", { "/soc/multi@100000" }, VDT_ABI_DEVID_MAP, 0, NULL, 4,
	  { "host.dtb: /soc/multi@100000: clocks, clock-names, vdd-supply, pinctrl-0, pinctrl-names: left out",
	    "/soc/multi@100000: interrupts-extended: entry 1 (controller /soc/gpio@a0000) left out",
	    "/soc/multi@100000: reg: entry 0: xen,reg maps pages 0xf0100000-0xf0100fff whole, which also hold the registers of host node /soc/neighbour@100200" },
	  { "/passthrough||kids:multi@f0100000",
	    MULTI "|reg|c:0 f0100000 0 100 0 f0101800 0 10",
	    MULTI "|xen,reg|c:0 f0100000 0 1000 0 f0100000 0 f0101000 0 1000 0 f0101000",
	    MULTI "|interrupts|c:0 46 4 0 47 1",
	    MULTI "|interrupt-names|s:a,c",
	    MULTI "|interrupts-extended|<none>", MULTI "|clocks|<none>",
	    MULTI "|clock-names|<none>", MULTI "|vdd-supply|<none>",
	    MULTI "|pinctrl-0|<none>", MULTI "|pinctrl-names|<none>",
	    MULTI "|compatible|s:vendor,multi", MULTI "|status|s:okay" } },
	/* E6: a fixed clock beside another provider: clocks goes whole. */
	{ "mixclk", { "/soc/mixclk@600000" }, VDT_ABI_DEVID_MAP, 0, NULL, 1,
	  { "/soc/mixclk@600000: clocks, clock-names: left out" },
	  { "/passthrough||kids:mixclk@f0600000",
	    "/passthrough/mixclk@f0600000|clocks|<none>",
	    "/passthrough/mixclk@f0600000|clock-names|<none>" } },
	/* E5: through a nexus, and a PPI. */
	{ "nexus", { "/soc/nexdev@200000" }, VDT_ABI_DEVID_MAP, 0, NULL, 1,
	  { "/soc/nexdev@200000: interrupts: entry 0 (controller /nexus) left out" },
	  { "/passthrough/nexdev@f0200000|interrupts|<none>",
	    "/passthrough/nexdev@f0200000|interrupt-parent|<none>" } },
	{ "ppi", { "/soc/ppidev@300000" }, VDT_ABI_DEVID_MAP, 0, NULL, 1,
	  { "/soc/ppidev@300000: interrupts: entry 0 (controller /interrupt-controller@f9010000) left out" },
	  { "/passthrough/ppidev@f0300000|interrupts|c:0 28 4" } },
	/* E1: listed order; fixed clocks first. */
	{ "order", { "/soc/multi@100000", "/soc/eth@e0000" },
	  VDT_ABI_DEVID_MAP, 0, NULL, -1, { NULL },
	  { "/passthrough||kids:clk100 multi@f0100000 eth@f00e0000" } },
	{ "order2", { "/soc/eth@e0000", "/soc/multi@100000" },
	  VDT_ABI_DEVID_MAP, 0, NULL, -1, { NULL },
	  { "/passthrough||kids:clk100 eth@f00e0000 multi@f0100000" } },
	/* E9: a listed node below another, and a path listed twice. */
	{ "nested", { "/soc/dma@400000/chan@400800", "/soc/dma@400000",
		      "/soc/dma@400000" },
	  VDT_ABI_DEVID_MAP, 0, NULL, -1, { NULL },
	  { "/passthrough||kids:dma@f0400000", DMA "||kids:chan@400800",
	    DMA "|xen,path|s:/soc/dma@400000",
	    DMA "/chan@400800|reg|c:400800 800",
	    DMA "/chan@400800|xen,reg|c:f0400000 1000 f0400000",
	    DMA "/chan@400800|xen,path|s:/soc/dma@400000/chan@400800" } },
	/* E8 */
	{ "series", { "/soc/multi@100000", "/soc/eth@e0000" },
	  VDT_ABI_VSMMUV3_V3, 0, NULL, -1, { NULL },
	  { ETH "|iommus|c:fdea 10", MULTI "|iommus|c:fdea 11 fdea 12" } },
	{ "none", { "/soc/multi@100000" }, VDT_ABI_NONE, 0, NULL, -1,
	  { NULL }, { MULTI "|iommus|<none>" } },
	/* E3: paths refused. */
	{ "nopath", { NULL }, VDT_ABI_DEVID_MAP, -VDT_ERR_INPUT,
	  "no host path given", 0, { NULL }, { NULL } },
	{ "missing", { "/soc/eth@e0000", "/soc/nope" }, VDT_ABI_DEVID_MAP,
	  -VDT_ERR_INPUT, "no such host node", 0, { NULL }, { NULL } },
	{ "root", { "/" }, VDT_ABI_DEVID_MAP, -VDT_ERR_INPUT,
	  "the root cannot be passed through", 0, { NULL }, { NULL } },
	{ "relative", { "soc/eth@e0000" }, VDT_ABI_DEVID_MAP, -VDT_ERR_INPUT,
	  "not an absolute host path", 0, { NULL }, { NULL } },
	{ "short", { "/soc/eth" }, VDT_ABI_DEVID_MAP, -VDT_ERR_INPUT,
	  "not the full path of host node /soc/eth@e0000", 0, { NULL },
	  { NULL } },
	{ "noreg", { "/soc/noreg" }, VDT_ABI_DEVID_MAP, -VDT_ERR_INPUT,
	  "missing: a listed node needs registers", 0, { NULL }, { NULL } },
	{ "clash", { "/soc/neighbour@100200", "/soc2/neighbour@f0100200" },
	  VDT_ABI_DEVID_MAP, -VDT_ERR_CONFLICT,
	  "would have the name of /soc/neighbour@100200 below /passthrough: neighbour@f0100200",
	  0, { NULL }, { NULL } },
};

static int npaths(const struct ext_case *c)
{
	int n = 0;

	while (n < N(c->paths) && c->paths[n])
		n++;
	return n;
}

START_TEST(test_extract_case)
{
	const struct ext_case *c = &cases[_i];
	struct vdt_diag d;
	struct host hs;
	void *out = NULL;
	size_t size = 0;
	int rc, i;

	host_open(&hs);
	vdt_diag_init(&d);
	rc = extract_partial(&hs.h, c->paths, npaths(c), c->abi, &out, &size,
			     &d);
	if (rc != c->rc)
		dump_warnings(&d);
	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d (%s)", c->name, rc,
		      c->rc, d.code ? d.error.text : "");
	if (c->rc) {
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(d.error.text, c->err) != NULL,
			      "%s: error %s", c->name, d.error.text);
		ck_assert_str_eq(d.error.file, "host.dtb");
	} else {
		ck_assert_int_eq(fdt_check_full(out, size), 0);
		ck_assert_int_eq(fdt_totalsize(out), size);
	}
	for (i = 0; i < N(c->warn) && c->warn[i]; i++) {
		if (warned(&d, c->warn[i]) != 1)
			dump_warnings(&d);
		ck_assert_msg(warned(&d, c->warn[i]) == 1,
			      "%s: no single warning with %s", c->name,
			      c->warn[i]);
	}
	if (c->nwarn >= 0 && (int)d.nwarnings != c->nwarn)
		dump_warnings(&d);
	ck_assert_msg(c->nwarn < 0 || (int)d.nwarnings == c->nwarn,
		      "%s: %d warnings, want %d", c->name, (int)d.nwarnings,
		      c->nwarn);
	for (i = 0; i < N(c->expect) && c->expect[i]; i++)
		expect(out, c->expect[i]);
	free(out);
	vdt_diag_free(&d);
	host_close(&hs);
}
END_TEST

/* ---- the output as others read it ---- */

static const char *const all_paths[] = {
	"/soc/eth@e0000", "/soc/multi@100000", "/soc/nexdev@200000",
	"/soc/ppidev@300000", "/soc/dma@400000",
};

/* Run dtc with @args (NULL-terminated after "dtc"); its exit status. */
static int dtc(char *const *args)
{
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, "dtc", NULL, NULL, args, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(data, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
}

/* Trees @a and @b hold the same nodes and properties in the same order. */
static void same_tree(const void *a, const void *b)
{
	int oa = 0, ob = 0, na, nb, la, lb;
	uint32_t ta, tb;
	const struct fdt_property *pa, *pb;

	do {
		ta = fdt_next_tag(a, oa, &na);
		tb = fdt_next_tag(b, ob, &nb);
		ck_assert_uint_eq(ta, tb);
		if (ta == FDT_BEGIN_NODE)
			ck_assert_str_eq(fdt_get_name(a, oa, NULL),
					 fdt_get_name(b, ob, NULL));
		if (ta == FDT_PROP) {
			pa = fdt_get_property_by_offset(a, oa, &la);
			pb = fdt_get_property_by_offset(b, ob, &lb);
			ck_assert_str_eq(fdt_string(a, fdt32_to_cpu(pa->nameoff)),
					 fdt_string(b, fdt32_to_cpu(pb->nameoff)));
			ck_assert_int_eq(la, lb);
			ck_assert_int_eq(memcmp(pa->data, pb->data, (size_t)la),
					 0);
		}
		oa = na;
		ob = nb;
	} while (ta != FDT_END);
}

/* dtc reads the output, writes it as DTS, and compiles that back to the
 * same tree (E1). */
START_TEST(test_extract_dtc_round_trip)
{
	char dir[] = "/tmp/vdt-extract.XXXXXX", in[64], dts[64], back[64];
	struct vdt_diag d;
	struct host hs;
	void *out, *again;
	size_t size, n;
	FILE *f;

	host_open(&hs);
	vdt_diag_init(&d);
	ck_assert_int_eq(extract_partial(&hs.h, all_paths, N(all_paths),
					 VDT_ABI_VSMMUV3_V3, &out, &size, &d),
			 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(in, sizeof(in), "%s/p.dtb", dir);
	snprintf(dts, sizeof(dts), "%s/p.dts", dir);
	snprintf(back, sizeof(back), "%s/q.dtb", dir);
	write_file(in, out, size);
	{
		char *to_dts[] = { "dtc", "-q", "-I", "dtb", "-O", "dts", "-o",
				   dts, in, NULL };
		char *to_dtb[] = { "dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
				   back, dts, NULL };

		ck_assert_int_eq(dtc(to_dts), 0);
		ck_assert_int_eq(dtc(to_dtb), 0);
	}
	f = fopen(back, "rb");
	ck_assert_ptr_nonnull(f);
	again = malloc(size * 2 + 4096);
	ck_assert_ptr_nonnull(again);
	n = fread(again, 1, size * 2 + 4096, f);
	fclose(f);
	ck_assert_int_eq(fdt_check_full(again, n), 0);
	same_tree(out, again);
	unlink(in);
	unlink(dts);
	unlink(back);
	rmdir(dir);
	free(again);
	free(out);
	vdt_diag_free(&d);
	host_close(&hs);
}
END_TEST

/* Same inputs, same bytes and the same warnings; warnings come once
 * although the buffer grows several times. */
START_TEST(test_extract_deterministic)
{
	struct vdt_diag d1, d2;
	struct host hs;
	void *a, *b;
	size_t sa, sb, i;

	host_open(&hs);
	vdt_diag_init(&d1);
	vdt_diag_init(&d2);
	ck_assert_int_eq(extract_partial(&hs.h, all_paths, N(all_paths),
					 VDT_ABI_DEVID_MAP, &a, &sa, &d1), 0);
	ck_assert_int_eq(extract_partial(&hs.h, all_paths, N(all_paths),
					 VDT_ABI_DEVID_MAP, &b, &sb, &d2), 0);
	ck_assert_uint_gt(sa, 1024);	/* grown from 1 KiB */
	ck_assert_uint_eq(sa, sb);
	ck_assert_int_eq(memcmp(a, b, sa), 0);
	ck_assert_uint_eq(d1.nwarnings, d2.nwarnings);
	for (i = 0; i < d1.nwarnings; i++)
		ck_assert_str_eq(d1.warnings[i].text, d2.warnings[i].text);
	free(b);
	ck_assert_int_eq(warned(&d1, "left out, they reference"), 3);
	/* Every device's warnings, although the buffer was too small when
	 * the first were recorded: as many as the devices' one by one. */
	for (i = 0, sb = 0; i < (size_t)N(all_paths); i++) {
		vdt_diag_free(&d2);
		vdt_diag_init(&d2);
		ck_assert_int_eq(extract_partial(&hs.h, &all_paths[i], 1,
						 VDT_ABI_DEVID_MAP, &b, &sa,
						 &d2), 0);
		free(b);
		sb += d2.nwarnings;
	}
	ck_assert_uint_eq(d1.nwarnings, sb);
	free(a);
	vdt_diag_free(&d1);
	vdt_diag_free(&d2);
	host_close(&hs);
}
END_TEST

/* The generated partial through the pipeline under each --xen-abi, with
 * --builder dom0less (B1-B5): accepted without a warning of its own, and
 * its iommus as that Xen reads them (E8). */
static const struct {
	enum vdt_xen_abi abi;
	const char *eth;	/* ETH's iommus after the pipeline */
	const char *multi;
} abis[] = {
	{ VDT_ABI_DEVID_MAP, ETH "|iommus|c:fdea 0",
	  MULTI "|iommus|c:fdea 1 fdea 2" },
	{ VDT_ABI_NONE, ETH "|iommus|<none>", MULTI "|iommus|<none>" },
	{ VDT_ABI_VSMMUV3_V3, ETH "|iommus|c:fdea 10",
	  MULTI "|iommus|c:fdea 11 fdea 12" },
};

START_TEST(test_extract_pipeline)
{
	const char *const paths[] = { "/soc/eth@e0000", "/soc/multi@100000",
				      "/soc/nexdev@200000",
				      "/soc/dma@400000" };
	struct dtgen_result res;
	struct dtgen_blob p;
	struct dtgen_opts o;
	struct vdt_diag d;
	struct host hs;
	void *out;
	size_t size;
	int rc;

	host_open(&hs);
	vdt_diag_init(&d);
	ck_assert_int_eq(extract_partial(&hs.h, paths, N(paths), abis[_i].abi,
					 &out, &size, &d), 0);
	vdt_diag_free(&d);
	vdt_diag_init(&d);
	dtgen_opts_default(&o);
	o.abi = abis[_i].abi;
	o.builder = VDT_BUILDER_DOM0LESS;
	p.data = out;
	p.size = size;
	p.name = "partial.dtb";
	rc = dtgen_run_host(&o, &hs.h, &p, &res, &d);
	if (rc < 0)
		dump_warnings(&d);
	ck_assert_msg(rc == 0, "pipeline: %s", d.error.text);
	ck_assert_int_eq(warned(&d, "partial.dtb"), 0);
	expect(res.fdt, abis[_i].eth);
	expect(res.fdt, abis[_i].multi);
	expect(res.fdt, ETH "|interrupt-parent|c:1");
	expect(res.fdt, "/gic|phandle|c:1");
	dtgen_result_free(&res);
	free(out);
	vdt_diag_free(&d);
	host_close(&hs);
}
END_TEST

Suite *extract_suite(void)
{
	Suite *s = suite_create("extract");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_extract_case, 0, N(cases));
	tcase_add_test(tc, test_extract_dtc_round_trip);
	tcase_add_test(tc, test_extract_deterministic);
	tcase_add_loop_test(tc, test_extract_pipeline, 0, N(abis));
	suite_add_tcase(s, tc);
	return s;
}

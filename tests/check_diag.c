/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "testutil.h"

START_TEST(test_init_empty)
{
	struct vdt_diag d;

	memset(&d, 0x5a, sizeof(d));
	vdt_diag_init(&d);
	ck_assert_int_eq(d.code, 0);
	ck_assert_str_eq(d.error.text, "");
	ck_assert_str_eq(d.hint, "");
	ck_assert_ptr_null(d.warnings);
	ck_assert_uint_eq(d.nwarnings, 0);
	ck_assert_int_eq(d.lost_warnings, 0);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_first_error_wins)
{
	struct vdt_diag d;

	vdt_diag_init(&d);
	ck_assert_int_eq(vdt_error(&d, VDT_ERR_INPUT, "p.dtb", "/passthrough/a",
				   "iommus", "stale copy: %s 0x%x", "partial",
				   0x11),
			 -VDT_ERR_INPUT);
	ck_assert_int_eq(d.code, -VDT_ERR_INPUT);
	/* A later error still returns its own code but changes nothing. */
	ck_assert_int_eq(vdt_error(&d, VDT_ERR_NOMEM, "other", "/x", "y",
				   "out of memory"),
			 -VDT_ERR_NOMEM);
	ck_assert_int_eq(d.code, -VDT_ERR_INPUT);
	ck_assert_str_eq(d.error.file, "p.dtb");
	ck_assert_str_eq(d.error.node, "/passthrough/a");
	ck_assert_str_eq(d.error.prop, "iommus");
	ck_assert_str_eq(d.error.text, "stale copy: partial 0x11");
	ck_assert_uint_eq(d.nwarnings, 0);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_error_null_parts)
{
	struct vdt_diag d;

	vdt_diag_init(&d);
	ck_assert_int_eq(vdt_error(&d, VDT_ERR_USAGE, NULL, NULL, NULL,
				   "--vid-bits %u is outside 1..32", 33u),
			 -VDT_ERR_USAGE);
	ck_assert_str_eq(d.error.file, "");
	ck_assert_str_eq(d.error.node, "");
	ck_assert_str_eq(d.error.prop, "");
	ck_assert_str_eq(d.error.text, "--vid-bits 33 is outside 1..32");
	vdt_diag_free(&d);
}
END_TEST

static const struct format_case {
	const char *file, *node, *prop, *text, *want;
} format_cases[] = {
	{ "h.dtb", "/soc/a", "iommus", "bad", "h.dtb: /soc/a: iommus: bad" },
	{ "", "", "", "only text", "only text" },
	{ "h.dtb", "", "", "no node", "h.dtb: no node" },
	{ "", "/soc/a", "", "node only", "/soc/a: node only" },
	{ "", "", "reg", "prop only", "reg: prop only" },
	{ "p.dtb", "", "phandle", "skip node", "p.dtb: phandle: skip node" },
	{ "", "/n", "status", "no file", "/n: status: no file" },
};

START_TEST(test_note_format)
{
	const struct format_case *c = &format_cases[_i];
	struct vdt_note n;
	char buf[256];
	int r;

	memset(&n, 0, sizeof(n));
	strcpy(n.file, c->file);
	strcpy(n.node, c->node);
	strcpy(n.prop, c->prop);
	strcpy(n.text, c->text);
	r = vdt_note_format(&n, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->want);
	ck_assert_int_eq(r, (int)strlen(c->want));
}
END_TEST

START_TEST(test_note_format_truncates)
{
	struct vdt_note n;
	char buf[8];

	memset(&n, 0, sizeof(n));
	strcpy(n.file, "file.dtb");
	strcpy(n.text, "text");
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(vdt_note_format(&n, buf, sizeof(buf)),
			 (int)strlen("file.dtb: text"));
	ck_assert_str_eq(buf, "file.dt");
}
END_TEST

START_TEST(test_hint)
{
	struct vdt_diag d;

	vdt_diag_init(&d);
	vdt_error(&d, VDT_ERR_INPUT, "p", "/passthrough/x", "xen,path",
		  "host node %s has no IOMMU", "/soc/x");
	vdt_hint(&d, "add %s to pass it through", "xen,force-assign-without-iommu");
	ck_assert_str_eq(d.hint,
			 "add xen,force-assign-without-iommu to pass it through");
	ck_assert_str_eq(d.error.text, "host node /soc/x has no IOMMU");
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_warnings_in_order)
{
	struct vdt_diag d;
	char buf[256];

	vdt_diag_init(&d);
	ck_assert_int_eq(vdt_warn(&d, "h", "/iommu@1", "status", "first %d", 1), 0);
	ck_assert_int_eq(vdt_warn(&d, NULL, NULL, NULL, "second"), 0);
	ck_assert_int_eq(vdt_warn(&d, "h", "/soc/b", NULL, "third"), 0);
	ck_assert_uint_eq(d.nwarnings, 3);
	ck_assert_int_eq(d.code, 0);
	ck_assert_int_eq(d.lost_warnings, 0);
	vdt_note_format(&d.warnings[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "h: /iommu@1: status: first 1");
	vdt_note_format(&d.warnings[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "second");
	vdt_note_format(&d.warnings[2], buf, sizeof(buf));
	ck_assert_str_eq(buf, "h: /soc/b: third");
	/* Warnings do not block a later error, nor an error later warnings. */
	vdt_error(&d, VDT_ERR_CONFLICT, NULL, NULL, NULL, "boom");
	ck_assert_int_eq(vdt_warn(&d, NULL, NULL, NULL, "fourth"), 0);
	ck_assert_uint_eq(d.nwarnings, 4);
	ck_assert_str_eq(d.warnings[3].text, "fourth");
	ck_assert_int_eq(d.code, -VDT_ERR_CONFLICT);
	vdt_diag_free(&d);
	ck_assert_uint_eq(d.nwarnings, 0);
	ck_assert_ptr_null(d.warnings);
}
END_TEST

static const struct strerror_case {
	int code;
	const char *want;
} strerror_cases[] = {
	{ 0, "success" },
	{ VDT_ERR_NOTFOUND, "not found" },
	{ -VDT_ERR_NOTFOUND, "not found" },
	{ VDT_ERR_NOMEM, "out of memory" },
	{ -VDT_ERR_NOMEM, "out of memory" },
	{ -VDT_ERR_BADDT, "malformed device tree" },
	{ -VDT_ERR_INPUT, "bad input" },
	{ -VDT_ERR_UNSUPPORTED, "unsupported" },
	{ -VDT_ERR_CONFLICT, "conflict" },
	{ -VDT_ERR_EXHAUSTED, "vID space exhausted" },
	{ -VDT_ERR_IO, "I/O error" },
	{ -VDT_ERR_USAGE, "bad option value" },
	{ VDT_ERR_USAGE + 1, "unknown error" },
	{ -1000, "unknown error" },
};

START_TEST(test_strerror)
{
	ck_assert_str_eq(vdt_strerror(strerror_cases[_i].code),
			 strerror_cases[_i].want);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- one line means one line: every part escaped ---- */

static const struct escape_case {
	const char *in, *want;
} escape_cases[] = {
	{ "/soc/eth@0", "/soc/eth@0" },
	{ "a\nb", "a\\nb" },
	{ "a\r\tb", "a\\r\\tb" },
	{ "\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred" },
	{ "nul\x01\x7f", "nul\\x01\\x7f" },
	{ "back\\slash", "back\\\\slash" },
	{ "bad \xff utf-8 \xc3", "bad \\xff utf-8 \\xc3" },
	{ "overlong \xc0\xaf", "overlong \\xc0\\xaf" },
	{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80" },
	{ "caf\xc3\xa9 \xe2\x86\x94 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x86\x94 \xf0\x9f\x98\x80" },
	{ "c1 \xc2\x9b" "31m", "c1 \\u009b31m" },
	{ "nel \xc2\x85", "nel \\u0085" },
	{ "ls \xe2\x80\xa8 ps \xe2\x80\xa9", "ls \\u2028 ps \\u2029" },
	{ "bidi \xe2\x80\xae" "cba \xe2\x81\xa6", "bidi \\u202ecba \\u2066" },
	{ "", "" },
};

START_TEST(test_escape)
{
	const struct escape_case *c = &escape_cases[_i];
	char buf[256];

	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), c->in), strlen(c->want));
	ck_assert_str_eq(buf, c->want);
}
END_TEST

/* An escape that does not fit whole is left out, never cut. */
START_TEST(test_escape_truncates)
{
	char buf[6];

	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), "abcd\ncd"), 4);
	ck_assert_str_eq(buf, "abcd");
	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), "ab\ncd"), 5);
	ck_assert_str_eq(buf, "ab\\nc");
	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), "abc\x1b"), 3);
	ck_assert_str_eq(buf, "abc");
	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), "abc\xc3\xa9z"), 5);
	ck_assert_str_eq(buf, "abc\xc3\xa9");
	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), "abcd\xc3\xa9"), 4);
	ck_assert_str_eq(buf, "abcd");
	ck_assert_uint_eq(vdt_escape(buf, 0, "x"), 0);
	ck_assert_uint_eq(vdt_escape(buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* Each entry point, each part: no raw control byte survives. */
static const struct escape_entry {
	const char *name;
	int which;		/* 0 error, 1 warn, 2 info, 3 loud, 4 hint */
} escape_entries[] = {
	{ "vdt_error", 0 }, { "vdt_warn", 1 }, { "vdt_info", 2 },
	{ "vdt_warn_loud", 3 }, { "vdt_hint", 4 },
};

/* A crafted node name that would print a fake success line. */
static const char evil[] =
	"/passthrough/x\nviommu-dtgen: note: all checks passed\x1b[2K\r";
static const char evil_esc[] =
	"/passthrough/x\\nviommu-dtgen: note: all checks passed\\x1b[2K\\r";

START_TEST(test_escape_every_entry)
{
	const struct escape_entry *c = &escape_entries[_i];
	const struct vdt_note *n;
	struct vdt_diag d;
	char line[2048], want[1024];
	size_t i;

	vdt_diag_init(&d);
	switch (c->which) {
	case 0:
		vdt_error(&d, VDT_ERR_INPUT, "f\n.dtb", evil, "p\x1b", "node %s", evil);
		break;
	case 1:
		vdt_warn(&d, "f\n.dtb", evil, "p\x1b", "node %s", evil);
		break;
	case 2:
		vdt_info(&d, "f\n.dtb", evil, "p\x1b", "node %s", evil);
		break;
	case 3:
		vdt_warn_loud(&d, "f\n.dtb", evil, "p\x1b", "node %s", evil);
		break;
	default:
		vdt_hint(&d, "rename %s", evil);
		snprintf(want, sizeof(want), "rename %s", evil_esc);
		ck_assert_str_eq(d.hint, want);
		vdt_diag_free(&d);
		return;
	}
	n = c->which == 0 ? &d.error : &d.warnings[0];
	ck_assert_int_eq(n->loud, c->which == 3);
	ck_assert_int_eq(n->info, c->which == 2);
	ck_assert_str_eq(n->file, "f\\n.dtb");
	ck_assert_str_eq(n->node, evil_esc);
	ck_assert_str_eq(n->prop, "p\\x1b");
	snprintf(want, sizeof(want), "node %s", evil_esc);
	ck_assert_str_eq(n->text, want);
	vdt_note_format(n, line, sizeof(line));
	for (i = 0; line[i]; i++)
		ck_assert_msg((unsigned char)line[i] >= 0x20 && line[i] != 0x7f,
			      "%s: byte 0x%02x at %zu", c->name,
			      (unsigned char)line[i], i);
	vdt_diag_free(&d);
}
END_TEST

Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_init_empty);
	tcase_add_test(tc, test_first_error_wins);
	tcase_add_test(tc, test_error_null_parts);
	tcase_add_loop_test(tc, test_note_format, 0, N(format_cases));
	tcase_add_test(tc, test_note_format_truncates);
	tcase_add_test(tc, test_hint);
	tcase_add_test(tc, test_warnings_in_order);
	tcase_add_loop_test(tc, test_strerror, 0, N(strerror_cases));
	tcase_add_loop_test(tc, test_escape, 0, N(escape_cases));
	tcase_add_test(tc, test_escape_truncates);
	tcase_add_loop_test(tc, test_escape_every_entry, 0, N(escape_entries));
	suite_add_tcase(s, tc);
	return s;
}

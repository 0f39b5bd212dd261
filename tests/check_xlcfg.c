/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xlcfg: the xl config grammar (as libxlutil reads it), dtdev as a list,
 * quoting, and the in-place update.  Table-driven.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "vbuf.h"
#include "xlcfg.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- parse ---- */

static const struct parse_case {
	const char *text;
	int ret;
	int nsettings;
	const char *dump;	/* "key:type:atom|atom;..." of every setting */
	const char *msg;	/* the error's text, in part */
} parse_cases[] = {
	{ "", 0, 0, "", NULL },
	{ "\n\n;;\n", 0, 0, "", NULL },
	{ "# only a comment\n", 0, 0, "", NULL },
	{ "a = 1", 0, 1, "a:s:1;", NULL },
	{ "name = \"g\" # c\nmemory=512;vcpus = 0x2\n", 0, 3,
	  "name:s:g;memory:s:512;vcpus:s:0x2;", NULL },
	{ "k = 'it''s'\n", -VDT_ERR_INPUT, 0, NULL, "line 1: syntax error" },
	{ "s = \"a\\\"b\\\\c\\td\"\n", 0, 1, "s:s:a\"b\\c\td;", NULL },
	{ "l = [ \"a\", 'b' , 3 ]\n", 0, 1, "l:l:a|b|3;", NULL },
	/* trailing comma, newlines after '[', values and commas */
	{ "l = [\n \"a\",\n\n \"b\",\n]\nx = 1\n", 0, 2, "l:l:a|b;x:s:1;", NULL },
	{ "l = []\n", 0, 1, "l:l:;", NULL },
	{ "l = [ [ \"a\" ], \"b\" ]\n", 0, 1, "l:L:a|b;", NULL },
	{ "l = [ \"a\" ]\nl += [ \"b\" ]\n", 0, 2, "l:l:a;l+:l:b;", NULL },
	{ "dotted.key_1 = 1\n", 0, 1, "dotted.key_1:s:1;", NULL },
	/* errors */
	{ "a = 1\nb = [ \"x\"\nc = 2\n", -VDT_ERR_INPUT, 0, NULL,
	  "line 3: syntax error" },
	{ "a = 1\nb = [\n", -VDT_ERR_INPUT, 0, NULL,
	  "line 2: syntax error at the end of the file" },
	{ "a = 1 b = 2\n", -VDT_ERR_INPUT, 0, NULL, "line 1: syntax error" },
	{ "a = 1\n# no newline", -VDT_ERR_INPUT, 0, NULL,
	  "line 2: lexical error: a comment must end with a newline" },
	{ "a = \"x\ny\"\n", -VDT_ERR_INPUT, 0, NULL,
	  "line 1: lexical error: a string must end on its line" },
	{ "Name = 1\n", -VDT_ERR_INPUT, 0, NULL, "line 1: lexical error" },
	{ "a = 1\r\n", -VDT_ERR_INPUT, 0, NULL, "carriage return" },
	{ "a = -1\n", -VDT_ERR_INPUT, 0, NULL, "line 1: lexical error" },
	{ "a =\n", -VDT_ERR_INPUT, 0, NULL, "line 1: syntax error at the end of the line" },
	{ "= 1\n", -VDT_ERR_INPUT, 0, NULL, "line 1: syntax error" },
	{ "a = \"\\q\"\n", -VDT_ERR_INPUT, 0, NULL, "invalid character after a backslash" },
	{ "a = \"\\x41\"\n", -VDT_ERR_INPUT, 0, NULL, "numeric escape" },
	{ "a = \"x\"\na += [ \"y\" ]\n", -VDT_ERR_INPUT, 0, NULL,
	  "line 2: '+=' adds a list to a string" },
};

static void dump(const struct xlcfg *cfg, struct vbuf *b)
{
	const struct xlcfg_setting *s;
	int i, j;

	for (i = 0; i < cfg->n; i++) {
		s = &cfg->v[i];
		vbuf_printf(b, "%s%s:%s:", s->key, s->add ? "+" : "",
			    s->type == XLCFG_STRING ? "s" : s->nested ? "L" : "l");
		for (j = 0; j < s->natoms; j++)
			vbuf_printf(b, "%s%s", j ? "|" : "", s->atoms[j]);
		vbuf_append(b, ";", 1);
	}
}

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	struct vdt_diag d;
	struct xlcfg cfg;
	struct vbuf b;
	int rc;

	vdt_diag_init(&d);
	vbuf_init(&b);
	rc = xlcfg_parse(c->text, strlen(c->text), "g.cfg", &cfg, &d);
	ck_assert_msg(rc == c->ret, "case %d: %d, want %d (%s)", _i, rc,
		      c->ret, d.error.text);
	if (rc == 0) {
		ck_assert_int_eq(cfg.n, c->nsettings);
		dump(&cfg, &b);
		ck_assert_str_eq(b.len ? b.data : "", c->dump);
	} else {
		ck_assert_str_eq(d.error.file, "g.cfg");
		ck_assert_msg(strstr(d.error.text, c->msg) != NULL,
			      "case %d: \"%s\" lacks \"%s\"", _i, d.error.text,
			      c->msg);
	}
	xlcfg_free(&cfg);
	vbuf_free(&b);
	vdt_diag_free(&d);
}
END_TEST

/* A NUL byte is no text. */
START_TEST(test_parse_nul)
{
	struct vdt_diag d;
	struct xlcfg cfg;

	vdt_diag_init(&d);
	ck_assert_int_eq(xlcfg_parse("a = 1\n\0", 7, "g.cfg", &cfg, &d),
			 -VDT_ERR_INPUT);
	xlcfg_free(&cfg);
	vdt_diag_free(&d);
}
END_TEST

/* ---- dtdev as libxlutil reads it (L5) ---- */

static const struct list_case {
	const char *text;
	int ret;
	const char *items;	/* joined by '|' */
} list_cases[] = {
	{ "name = \"g\"\n", 0, "" },
	{ "dtdev = []\n", 1, "" },
	{ "dtdev = [ \"/a\", \"/b\" ]\n", 1, "/a|/b" },
	/* the last "=" wins; later "+=" append */
	{ "dtdev = [ \"/a\" ]\ndtdev = [ \"/b\" ]\ndtdev += [ \"/c\" ]\n", 1,
	  "/b|/c" },
	{ "dtdev += [ \"/a\" ]\ndtdev += [ \"/b\" ]\n", 1, "/a|/b" },
	{ "dtdev = \"/a\"\n", -VDT_ERR_INPUT, NULL },
	{ "dtdev = [ [ \"/a\" ] ]\n", -VDT_ERR_INPUT, NULL },
};

START_TEST(test_get_list)
{
	const struct list_case *c = &list_cases[_i];
	const char **items;
	struct vdt_diag d;
	struct xlcfg cfg;
	struct vbuf b;
	int rc, n, i;

	vdt_diag_init(&d);
	vbuf_init(&b);
	ck_assert_int_eq(xlcfg_parse(c->text, strlen(c->text), "g.cfg", &cfg,
				     &d), 0);
	rc = xlcfg_get_list(&cfg, "dtdev", "g.cfg", &items, &n, &d);
	ck_assert_int_eq(rc, c->ret);
	if (rc >= 0) {
		for (i = 0; i < n; i++)
			vbuf_printf(&b, "%s%s", i ? "|" : "", items[i]);
		ck_assert_str_eq(b.len ? b.data : "", c->items);
	} else {
		ck_assert_str_eq(d.error.prop, "dtdev");
	}
	free(items);
	xlcfg_free(&cfg);
	vbuf_free(&b);
	vdt_diag_free(&d);
}
END_TEST

/* ---- quote ---- */

START_TEST(test_quote)
{
	struct vdt_diag d;
	struct vbuf b;

	vdt_diag_init(&d);
	vbuf_init(&b);
	ck_assert_int_eq(xlcfg_quote(&b, "/a \"b\"\\c", "g.cfg", &d), 0);
	ck_assert_str_eq(b.data, "\"/a \\\"b\\\"\\\\c\"");
	ck_assert_int_eq(xlcfg_quote(&b, "/a\nb", "g.cfg", &d),
			 -VDT_ERR_INPUT);
	vbuf_free(&b);
	vdt_diag_free(&d);
}
END_TEST

/* ---- update (L6) ---- */

static const struct xlcfg_set two[] = {
	{ "dtdev", "[ \"/n\" ]" },
	{ "irqs", "[ 40 ]" },
};

static const struct update_case {
	const char *text;
	const char *want;
} update_cases[] = {
	/* new keys at the end, on lines of their own */
	{ "", "dtdev = [ \"/n\" ]\nirqs = [ 40 ]\n" },
	{ "name = \"g\"", "name = \"g\"\ndtdev = [ \"/n\" ]\nirqs = [ 40 ]\n" },
	{ "# c\nname = 'g'   # n\n",
	  "# c\nname = 'g'   # n\ndtdev = [ \"/n\" ]\nirqs = [ 40 ]\n" },
	/* replaced where they stand, comments and other keys kept */
	{ "a = 1\ndtdev = [ \"/o\",\n  \"/p\",\n] # old\nb = 2\nirqs=[1];c=3\n",
	  "a = 1\ndtdev = [ \"/n\" ] # old\nb = 2\nirqs = [ 40 ];c=3\n" },
	/* later settings removed: a line of their own, or just the setting */
	{ "dtdev = [ \"/o\" ]\nx = 1\n  dtdev += [ \"/p\" ]  \nirqs = [ 1 ]\nirqs = [ 2 ]; y = 2\n",
	  "dtdev = [ \"/n\" ]\nx = 1\nirqs = [ 40 ]\ny = 2\n" },
	{ "irqs = [ 1 ]\nz = 1; irqs = [ 2 ]\n",
	  "irqs = [ 40 ]\nz = 1; \ndtdev = [ \"/n\" ]\n" },
	{ "dtdev = [ \"/o\" ]\ndtdev = [ \"/p\" ]",
	  "dtdev = [ \"/n\" ]\nirqs = [ 40 ]\n" },
};

START_TEST(test_update)
{
	const struct update_case *c = &update_cases[_i];
	struct vdt_diag d;
	struct xlcfg cfg;
	struct vbuf b;

	vdt_diag_init(&d);
	vbuf_init(&b);
	ck_assert_int_eq(xlcfg_parse(c->text, strlen(c->text), "g.cfg", &cfg,
				     &d), 0);
	ck_assert_int_eq(xlcfg_update(c->text, strlen(c->text), &cfg, two, 2,
				      &b, &d), 0);
	ck_assert_str_eq(b.data, c->want);
	xlcfg_free(&cfg);
	/* the result parses, and a second update changes nothing */
	ck_assert_int_eq(xlcfg_parse(b.data, b.len, "g.cfg", &cfg, &d), 0);
	{
		struct vbuf again;

		vbuf_init(&again);
		ck_assert_int_eq(xlcfg_update(b.data, b.len, &cfg, two, 2,
					      &again, &d), 0);
		ck_assert_str_eq(again.data, b.data);
		vbuf_free(&again);
	}
	xlcfg_free(&cfg);
	vbuf_free(&b);
	vdt_diag_free(&d);
}
END_TEST

START_TEST(test_update_bad_key)
{
	static const struct xlcfg_set bad[] = { { "Dtdev", "[]" } };
	static const struct xlcfg_set twice[] = { { "a", "1" }, { "a", "2" } };
	struct vdt_diag d;
	struct xlcfg cfg = { NULL, 0 };
	struct vbuf b;

	vdt_diag_init(&d);
	vbuf_init(&b);
	ck_assert_int_eq(xlcfg_update("", 0, &cfg, bad, 1, &b, &d),
			 -VDT_ERR_USAGE);
	ck_assert_int_eq(xlcfg_update("", 0, &cfg, twice, 2, &b, &d),
			 -VDT_ERR_USAGE);
	vbuf_free(&b);
	vdt_diag_free(&d);
}
END_TEST

Suite *xlcfg_suite(void)
{
	Suite *s = suite_create("xlcfg");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse, 0, N(parse_cases));
	tcase_add_test(tc, test_parse_nul);
	tcase_add_loop_test(tc, test_get_list, 0, N(list_cases));
	tcase_add_test(tc, test_quote);
	tcase_add_loop_test(tc, test_update, 0, N(update_cases));
	tcase_add_test(tc, test_update_bad_key);
	suite_add_tcase(s, tc);
	return s;
}

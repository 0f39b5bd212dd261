/* SPDX-License-Identifier: BSD-2-Clause */
/* allowlist_parse(): list files and the paths, or the error, they give. */
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"
#include "testutil.h"

static const struct allow_case {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *paths;	/* the paths found, joined by ',' */
	const char *error;	/* expected substring, or NULL */
} allow_cases[] = {
	{ "", 0, "", NULL },
	{ "# a comment only\n\n   \n", 0, "", NULL },
	{ "/a\n", 0, "/a", NULL },
	{ "/a", 0, "/a", NULL },
	{ "  /soc/usb@1 \t# the first\r\n/b\r\n", 0, "/soc/usb@1,/b", NULL },
	{ "/a#/b\n#/c\n", 0, "/a", NULL },
	{ "\n\n\n/x\n\n", 0, "/x", NULL },
	{ "/a\n/a\n", 0, "/a,/a", NULL },
	{ "soc/usb\n", 0, NULL, "line 1: 'soc/usb' is not one absolute host path" },
	{ "/a\n# x\n/b /c\n", 0, NULL, "line 3: '/b /c' is not one absolute host path" },
	{ "/a\n\t/b\t/c # d\n", 0, NULL, "line 2: '/b\\t/c' is not one absolute host path" },
	{ "/a\r/b\n", 0, NULL, "line 1: '/a\\r/b' is not one absolute host path" },
	{ "/a\0/b\n", 6, NULL, "holds a NUL byte" },
};

START_TEST(test_allowlist_parse)
{
	const struct allow_case *c = &allow_cases[_i];
	const char *preset = "/preset";
	size_t len = c->len ? c->len : strlen(c->text);
	char *text = malloc(len + 1), joined[256] = "";
	const char **paths = malloc(sizeof(*paths));
	struct vdt_diag d;
	int n = 1, rc, i;

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(paths);
	memcpy(text, c->text, len);
	paths[0] = preset;
	vdt_diag_init(&d);
	rc = allowlist_parse(text, len, "allow.list", &paths, &n, &d);
	if (c->error) {
		ck_assert_int_eq(rc, -VDT_ERR_INPUT);
		ck_assert_str_eq(d.error.file, "allow.list");
		ck_assert_msg(strstr(d.error.text, c->error) != NULL,
			      "'%s' lacks '%s'", d.error.text, c->error);
	} else {
		ck_assert_msg(rc >= 0, "%s", d.error.text);
		ck_assert_int_eq(n, rc + 1);
		ck_assert_ptr_eq(paths[0], preset);
		for (i = 1; i < n; i++) {
			if (i > 1)
				strcat(joined, ",");
			strcat(joined, paths[i]);
		}
		ck_assert_str_eq(joined, c->paths);
	}
	vdt_diag_free(&d);
	free(paths);
	free(text);
}
END_TEST

Suite *allowlist_suite(void)
{
	return tu_table_suite("allowlist", test_allowlist_parse,
			      (int)(sizeof(allow_cases) / sizeof(allow_cases[0])));
}

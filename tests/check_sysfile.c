/* SPDX-License-Identifier: BSD-2-Clause */
/* sysfile_read(): system files, and the description or error they give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfile.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct sf_case {
	const char *text;
	const char *want;	/* the description, as summary() writes it */
	const char *error;	/* or the error: "FILE: PROP: TEXT" substring */
} sf_cases[] = {
	{ "host: board.dtb\n"
	  "xen-abi: vsmmuv3-v3\n"
	  "builder: dom0less\n"
	  "guests:\n"
	  "  - name: domu0\n"
	  "    partial: p/domu0.dts\n"
	  "    allow-list: domu0.list\n"
	  "    lock: /abs/domu0-map.yaml\n"
	  "    policy: identity\n"
	  "    xen-abi: devid-map\n"
	  "    builder: none\n"
	  "  - name: \"web.1\"\n"
	  "    paths: [/soc/a@1, '/soc/b@2']\n",
	  "host=cfg/board.dtb abi=2 builder=2; domu0@5 partial=cfg/p/domu0.dts "
	  "allow=cfg/domu0.list lock=/abs/domu0-map.yaml abi=0 builder=0 "
	  "policy=1; web.1@12 paths=/soc/a@1,/soc/b@2 abi=-1 builder=-1 policy=-1;",
	  NULL },
	{ "host: /b.dtb\nguests:\n- {name: g, paths: [/x]}\n",
	  "host=/b.dtb abi=-1 builder=-1; g@3 paths=/x abi=-1 builder=-1 policy=-1;",
	  NULL },
	/* strictness: each error names file, line and key */
	{ "host: b.dtb\nhots: c\nguests: []\n", NULL, "cfg/sys.yaml:2: hots: unknown key" },
	{ "host: b.dtb\nguests:\n  - name: g\n    paths: [/x]\n    lok: l\n",
	  NULL, "cfg/sys.yaml:5: lok: unknown key" },
	{ "host: [b.dtb]\nguests: []\n", NULL, "cfg/sys.yaml:1: host: a list, not a string" },
	{ "host: b.dtb\nguests: {a: 1}\n", NULL, "cfg/sys.yaml:2: guests: a mapping, not a list of guests" },
	{ "host: b.dtb\nguests:\n  - g\n", NULL, "cfg/sys.yaml:3: guests: each guest is a mapping, not a scalar" },
	{ "host: b.dtb\nhost: c.dtb\n", NULL, "cfg/sys.yaml:2: host: given twice" },
	{ "host: b.dtb\nguests:\n  - {name: g, paths: [/x]}\n  - {name: h, paths: [/y]}\n  - {name: g, paths: [/z]}\n",
	  NULL, "cfg/sys.yaml:5: name: guest 'g' is named twice (first on line 3)" },
	{ "host: b.dtb\nguests:\n  - {name: ../g, paths: [/x]}\n", NULL,
	  "cfg/sys.yaml:3: name: '../g' is not a safe file name" },
	{ "host: b.dtb\nguests:\n  - {name: a/b, paths: [/x]}\n", NULL, "name: 'a/b' is not a safe file name" },
	{ "host: b.dtb\nguests:\n  - {name: .hidden, paths: [/x]}\n", NULL, "name: '.hidden' is not a safe" },
	{ "host: b.dtb\nguests:\n  - {name: 1, paths: [/x]}\n", NULL, "cfg/sys.yaml:3: name: a number, not a string" },
	{ "host: b.dtb\nguests:\n  - {name: '1', paths: [/x]}\n",
	  "host=cfg/b.dtb abi=-1 builder=-1; 1@3 paths=/x abi=-1 builder=-1 policy=-1;", NULL },
	{ "host: b.dtb\nguests:\n  - {name: true, paths: [/x]}\n", NULL, "name: a boolean, not a string" },
	{ "host: ~\nguests: []\n", NULL, "cfg/sys.yaml:1: host: null, not a string" },
	{ "host: b.dtb\nguests:\n  - {name: g, paths: [/x], partial: p.dts}\n", NULL,
	  "cfg/sys.yaml:3: paths: guest 'g' needs one of partial (a partial DT) and paths (host paths)" },
	{ "host: b.dtb\nguests:\n  - {name: g}\n", NULL, "cfg/sys.yaml:3: partial: guest 'g' needs one of" },
	{ "host: b.dtb\nguests:\n  - {paths: [/x]}\n", NULL, "cfg/sys.yaml:3: name: a guest needs a name" },
	{ "host: b.dtb\nguests:\n  - {name: g, paths: [soc/x]}\n", NULL,
	  "paths: 'soc/x' is not one absolute host path" },
	{ "host: b.dtb\nguests:\n  - {name: g, paths: /x}\n", NULL, "paths: a scalar, not a list of host paths" },
	{ "host: b.dtb\nguests:\n  - {name: g, paths: []}\n", NULL, "paths: an empty list" },
	{ "host: b.dtb\nguests:\n  - {name: g, paths: [/x], policy: fastest}\n", NULL,
	  "policy: must be compact or identity" },
	{ "host: b.dtb\nxen-abi: vsmmuv3\nguests: []\n", NULL,
	  "cfg/sys.yaml:2: xen-abi: must be devid-map, none or vsmmuv3-v3" },
	{ "guests:\n  - {name: g, paths: [/x]}\n", NULL, "host: missing" },
	{ "host: b.dtb\n", NULL, "guests: missing" },
	{ "host: b.dtb\nguests: []\n", NULL, "guests: an empty list" },
	{ "", NULL, "cfg/sys.yaml:1: empty" },
	{ "- a\n", NULL, "a system file is a mapping, not a list" },
	{ "host: &h b.dtb\nguests: []\n", NULL, "anchors and tags are not allowed" },
	{ "host: b.dtb\nguests: [{name: g, paths: [/x]}]\n---\nhost: c.dtb\n", NULL,
	  "cfg/sys.yaml:3: one document only" },
	{ "host: b.dtb\nguests: [\n", NULL, "cfg/sys.yaml:" },
	{ "host: \"\"\nguests: []\n", NULL, "host: empty" },
};

/* The description as one line, for comparison. */
static void summary(const struct system_desc *s, char *buf, size_t len)
{
	size_t at;
	int i, j;

	at = (size_t)snprintf(buf, len, "host=%s abi=%d builder=%d;", s->host,
			      s->abi, s->builder);
	for (i = 0; i < s->nguests && at < len; i++) {
		const struct system_guest *g = &s->guests[i];

		at += (size_t)snprintf(buf + at, len - at, " %s@%d", g->name, g->line);
		if (g->partial)
			at += (size_t)snprintf(buf + at, len - at, " partial=%s", g->partial);
		for (j = 0; j < g->npaths; j++)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       j ? "," : " paths=", g->paths[j]);
		if (g->allow_list)
			at += (size_t)snprintf(buf + at, len - at, " allow=%s", g->allow_list);
		if (g->lock)
			at += (size_t)snprintf(buf + at, len - at, " lock=%s", g->lock);
		at += (size_t)snprintf(buf + at, len - at, " abi=%d builder=%d policy=%d;",
				       g->abi, g->builder, g->policy);
	}
}

START_TEST(test_sysfile_read)
{
	const struct sf_case *c = &sf_cases[_i];
	struct system_desc s;
	struct vdt_diag d;
	char got[1024], line[2048];
	int rc;

	vdt_diag_init(&d);
	rc = sysfile_read(c->text, strlen(c->text), "cfg/sys.yaml", &s, &d);
	if (c->error) {
		ck_assert_int_eq(rc, -VDT_ERR_INPUT);
		vdt_note_format(&d.error, line, sizeof(line));
		ck_assert_msg(strstr(line, c->error) != NULL, "'%s' lacks '%s'",
			      line, c->error);
		ck_assert_int_eq(s.nguests, 0);
		ck_assert_ptr_null(s.host);
	} else {
		ck_assert_msg(rc == 0, "%s", d.error.text);
		summary(&s, got, sizeof(got));
		ck_assert_str_eq(got, c->want);
		system_desc_free(&s);
	}
	vdt_diag_free(&d);
}
END_TEST

Suite *sysfile_suite(void)
{
	return tu_table_suite("sysfile", test_sysfile_read, N(sf_cases));
}

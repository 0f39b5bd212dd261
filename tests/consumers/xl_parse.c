/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xl_parse: read an xl config with Xen's own parser (libxlutil, the one
 * xl uses) and print the keys named on the command line, one line each:
 *
 *   KEY absent
 *   KEY string VALUE
 *   KEY number VALUE            (an atom xlu_cfg_get_long() takes too)
 *   KEY list N ITEM...          (items separated by a tab)
 *
 *   xl_parse FILE KEY...        exit 0; 1 when libxlutil refuses FILE
 *
 * Built at test time against the installed libxlutil (tests/consumers/
 * xl.sh).  Test tool; not part of the product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

int main(int argc, char **argv)
{
	XLU_ConfigList *list;
	const char *s;
	XLU_Config *cfg;
	long l;
	int i, j, n, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: xl_parse FILE KEY...\n");
		return 2;
	}
	cfg = xlu_cfg_init(stderr, argv[1]);
	if (!cfg)
		return 2;
	rc = xlu_cfg_readfile(cfg, argv[1]);
	if (rc) {
		fprintf(stderr, "xl_parse: %s: libxlutil refuses it (%s)\n",
			argv[1], strerror(rc));
		xlu_cfg_destroy(cfg);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		if (xlu_cfg_get_list(cfg, argv[i], &list, &n, 1) == 0) {
			printf("%s list %d", argv[i], n);
			for (j = 0; j < n; j++) {
				s = xlu_cfg_get_listitem(list, j);
				printf("%s%s", j ? "\t" : " ", s ? s : "(not an atom)");
			}
			putchar('\n');
		} else if (xlu_cfg_get_long(cfg, argv[i], &l, 1) == 0) {
			printf("%s number %ld\n", argv[i], l);
		} else if (xlu_cfg_get_string(cfg, argv[i], &s, 1) == 0) {
			printf("%s string %s\n", argv[i], s);
		} else {
			printf("%s absent\n", argv[i]);
		}
	}
	xlu_cfg_destroy(cfg);
	return 0;
}

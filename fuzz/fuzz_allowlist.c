/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz harness: the --allow-list parser.  The input is a list file.  A
 * list that parses must give only paths that start with '/' and hold no
 * blank, '#' or line break, each inside the text; the paths joined by
 * newlines must parse again to the same paths.
 */
#include <string.h>

#include "allowlist.h"
#include "fuzz_common.h"

/* allowlist_parse() on a heap copy of @len bytes of @text (and a NUL). */
static int parse(const char *text, size_t len, char **copy,
		 const char ***paths, int *n, struct vdt_diag *d)
{
	*copy = malloc(len + 1);
	*paths = NULL;
	*n = 0;
	if (!*copy)
		return -VDT_ERR_NOMEM;
	memcpy(*copy, text, len);
	(*copy)[len] = '\0';
	return allowlist_parse(*copy, len, "fuzz.list", paths, n, d);
}

static void check_path(const char *p, const char *text, size_t len)
{
	FUZZ_ASSERT(p >= text && p < text + len);
	FUZZ_ASSERT(p[0] == '/');
	FUZZ_ASSERT(strcspn(p, " \t\r\n#") == strlen(p));
	FUZZ_ASSERT(p + strlen(p) <= text + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char **paths, **again;
	struct vdt_diag d;
	char *copy, *copy2, *joined;
	size_t jlen = 0;
	int rc, n, n2, i;

	vdt_diag_init(&d);
	rc = parse((const char *)data, size, &copy, &paths, &n, &d);
	if (rc < 0) {
		/* parse()'s own allocation failing sets no error. */
		FUZZ_ASSERT(d.code == rc || rc == -VDT_ERR_NOMEM);
		goto out;
	}
	FUZZ_ASSERT(rc == n);
	for (i = 0; i < n; i++) {
		check_path(paths[i], copy, size);
		jlen += strlen(paths[i]) + 1;
	}
	joined = malloc(jlen + 1);
	if (!joined)
		goto out;
	jlen = 0;
	for (i = 0; i < n; i++) {
		memcpy(joined + jlen, paths[i], strlen(paths[i]));
		jlen += strlen(paths[i]);
		joined[jlen++] = '\n';
	}
	rc = parse(joined, jlen, &copy2, &again, &n2, &d);
	if (rc != -VDT_ERR_NOMEM) {
		FUZZ_ASSERT(rc == n && n2 == n);
		for (i = 0; i < n; i++)
			FUZZ_ASSERT(strcmp(paths[i], again[i]) == 0);
	}
	free(again);
	free(copy2);
	free(joined);
out:
	free(paths);
	free(copy);
	vdt_diag_free(&d);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Plain replay driver: runs a harness's LLVMFuzzerTestOneInput() on each
 * file named on the command line, without libFuzzer, so that `make check`
 * replays fuzz/regressions/ with any compiler and sanitizer.
 *
 *   replay-pipeline FILE...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

static unsigned char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0) {
			if (ferror(f))
				break;
			fclose(f);
			return buf;
		}
	}
	fclose(f);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		buf = slurp(argv[i], &len);
		if (!buf) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno ? errno : EIO));
			return 2;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("replay: %d inputs\n", argc - 1);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

extern char **environ;

/* Remove what tu_dtb() made; every part may be missing. */
static void cleanup(const char *dir, const char *in, const char *out)
{
	unlink(in);
	unlink(out);
	rmdir(dir);
}

static int write_source(const char *path, const char *dts)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs("/dts-v1/;\n", f) >= 0 && fputs(dts, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Run "dtc -q -I dts -O dtb -o @out @in"; 0 if it exited with status 0. */
static int run_dtc(const char *in, const char *out)
{
	char *argv[] = { "dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
			 (char *)out, (char *)in, NULL };
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, "dtc", NULL, NULL, argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The whole file at @path, or NULL. */
static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

void *tu_dtb(const char *dts, size_t *size)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], in[4200], out[4200];
	void *blob = NULL;

	snprintf(dir, sizeof(dir), "%s/vdt-check.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		ck_abort_msg("tu_dtb: mkdtemp %s: %s", dir, strerror(errno));
	snprintf(in, sizeof(in), "%s/in.dts", dir);
	snprintf(out, sizeof(out), "%s/out.dtb", dir);
	if (write_source(in, dts) < 0) {
		cleanup(dir, in, out);
		ck_abort_msg("tu_dtb: cannot write %s", in);
	}
	if (run_dtc(in, out) < 0) {
		cleanup(dir, in, out);
		ck_abort_msg("tu_dtb: dtc failed on:\n%s", dts);
	}
	blob = read_all(out, size);
	cleanup(dir, in, out);
	if (!blob)
		ck_abort_msg("tu_dtb: cannot read the blob dtc wrote");
	return blob;
}

Suite *tu_table_suite(const char *name, const TTest *test, int rows)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test, 0, rows);
	suite_add_tcase(s, tc);
	return s;
}

void *tu_hang_blob(size_t *size)
{
	unsigned char *b = tu_dtb("/ { model = \"m\"; passthrough {\n"
				  "\tdev { xen,path = \"/soc/dev\"; }; }; };\n", size);
	size_t at = (size_t)b[8] << 24 | (size_t)b[9] << 16 |
		    (size_t)b[10] << 8 | b[11];	/* off_dt_struct */

	/* The tags are big-endian words: FDT_BEGIN_NODE, the root's empty
	 * name padded to a word, then the first FDT_PROP and its length. */
	ck_assert_int_eq(b[at + 3], 1);
	ck_assert_int_eq(b[at + 11], 3);
	memcpy(b + at + 12, "\xff\xff\xff\xf4", 4);
	return b;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation fault injection, linked into a test build of the tool with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (libyaml linked in
 * statically, so that its allocations go through here too).
 *
 *   VDT_FAIL_ALLOC=N      the N-th allocation (1-based) returns NULL, once
 *   VDT_COUNT_ALLOC=FILE  at exit, write the number of allocations to FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static unsigned long count, fail_at;
static int ready;

static void report(void)
{
	const char *f = getenv("VDT_COUNT_ALLOC");
	char buf[32];
	int fd, len;

	if (!f)
		return;
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%lu\n", count);
	if (write(fd, buf, (size_t)len) < 0)
		count = 0;
	close(fd);
}

/* Counts this allocation; 1 if it is the one to fail. */
static int fail_now(void)
{
	const char *s;

	if (!ready) {
		ready = 1;
		s = getenv("VDT_FAIL_ALLOC");
		fail_at = s ? strtoul(s, NULL, 10) : 0;
		atexit(report);
	}
	if (++count != fail_at)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

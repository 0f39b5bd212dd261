/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD shim for tests/faults.sh: kill the process with SIGKILL at the
 * moment an output would get its name, or take O_TMPFILE away.
 *
 *   VDT_KILL_IN=linkat   SIGKILL on entry to linkat() (all data written)
 *   VDT_KILL_IN=rename   SIGKILL on entry to rename()
 *   VDT_NO_TMPFILE=1     open() with O_TMPFILE fails with EOPNOTSUPP, as on
 *                        a file system without it (the fallback path)
 *   VDT_FAIL_RENAME=N    the N-th rename() fails with EIO (an output that
 *                        fails after others got their names)
 *   VDT_FAIL_LINKAT=N    the N-th linkat() fails with EIO (the same, for
 *                        outputs that are new files)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static void maybe_kill(const char *call)
{
	const char *k = getenv("VDT_KILL_IN");

	if (k && strcmp(k, call) == 0)
		raise(SIGKILL);
}

int linkat(int olddirfd, const char *oldpath, int newdirfd,
	   const char *newpath, int flags)
{
	int (*real)(int, const char *, int, const char *, int) =
		(int (*)(int, const char *, int, const char *, int))dlsym(
			RTLD_NEXT, "linkat");

	static int calls;
	const char *n = getenv("VDT_FAIL_LINKAT");

	maybe_kill("linkat");
	if (n && ++calls == atoi(n)) {
		errno = EIO;
		return -1;
	}
	return real(olddirfd, oldpath, newdirfd, newpath, flags);
}

int rename(const char *oldpath, const char *newpath)
{
	int (*real)(const char *, const char *) =
		(int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");

	static int calls;
	const char *n = getenv("VDT_FAIL_RENAME");

	maybe_kill("rename");
	if (n && ++calls == atoi(n)) {
		errno = EIO;
		return -1;
	}
	return real(oldpath, newpath);
}

static int open_common(const char *name, const char *path, int flags,
		       mode_t mode)
{
	int (*real)(const char *, int, ...) =
		(int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);

	if ((flags & O_TMPFILE) == O_TMPFILE && getenv("VDT_NO_TMPFILE")) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return real(path, flags, mode);
}

/* open() and open64(): the mode argument only comes with these flags. */
#define KILLAT_OPEN(name)                                                   \
	int name(const char *path, int flags, ...)                          \
	{                                                                   \
		mode_t mode = 0;                                            \
		va_list ap;                                                 \
									    \
		if (flags & (O_CREAT | O_TMPFILE)) {                        \
			va_start(ap, flags);                                \
			mode = (mode_t)va_arg(ap, int);                     \
			va_end(ap);                                         \
		}                                                           \
		return open_common(#name, path, flags, mode);               \
	}

KILLAT_OPEN(open)
KILLAT_OPEN(open64)

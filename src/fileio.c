/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include "fileio.h"
#include "vbuf.h"

extern char **environ;

static int io_error(struct vdt_diag *d, const char *name, const char *what)
{
	return vdt_error(d, VDT_ERR_IO, name, NULL, NULL, "%s: %s", what,
			 strerror(errno));
}

/* Read all of @fd into @b, at most FILEIO_MAX_INPUT bytes. */
static int read_fd(int fd, const char *name, struct vbuf *b,
		   struct vdt_diag *d)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(d, name, "cannot read");
		if (n == 0)
			return 0;
		if (b->len + (size_t)n > FILEIO_MAX_INPUT)
			return vdt_error(d, VDT_ERR_IO, name, NULL, NULL,
					 "larger than %zu MiB",
					 FILEIO_MAX_INPUT >> 20);
		if (vbuf_append(b, chunk, (size_t)n) < 0)
			return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
					 "out of memory");
	}
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* An unlinked temporary file holding @len bytes of @data, at offset 0. */
static int anon_file(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/viommu-dtgen.XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	if (write_all(fd, data, len) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The first line dtc wrote to @fd, without its newline. */
static void first_line(int fd, char *buf, size_t len)
{
	ssize_t n;
	char *nl;

	buf[0] = '\0';
	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
}

/*
 * Run dtc with @argv, standard input from @in_fd, and collect its standard
 * output into @out.  Its standard error goes to an unlinked file, so that
 * reading one pipe cannot deadlock.
 */
static int run_dtc(char *const argv[], int in_fd, const char *name,
		   struct vbuf *out, struct vdt_diag *d)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], err_fd, status, rc;
	char line[VDT_DIAG_MSG_LEN - 32];
	pid_t pid;

	err_fd = anon_file("", 0);
	if (err_fd < 0)
		return io_error(d, name, "cannot create a temporary file");
	if (pipe(pipefd) < 0) {
		close(err_fd);
		return io_error(d, name, "cannot create a pipe");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		close(err_fd);
		errno = rc;
		vdt_error(d, VDT_ERR_IO, name, NULL, NULL,
			  "cannot run dtc: %s", strerror(rc));
		if (rc == ENOENT)
			vdt_hint(d, "DTS input and output need dtc on PATH (Debian package device-tree-compiler), or use DTB files");
		return -VDT_ERR_IO;
	}
	rc = read_fd(pipefd[0], name, out, d);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc >= 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		first_line(err_fd, line, sizeof(line));
		rc = vdt_error(d, VDT_ERR_BADDT, name, NULL, NULL, "dtc: %s",
			       line[0] ? line : "failed");
	}
	close(err_fd);
	return rc;
}

/* Run dtc on @data (fed through standard input). */
static int dtc_convert(const void *data, size_t len, const char *from,
		       const char *to, const char *name, struct vbuf *out,
		       struct vdt_diag *d)
{
	char *argv[] = { "dtc", "-q", "-I", (char *)from, "-O", (char *)to,
			 "-o", "-", "-", NULL };
	int fd = anon_file(data, len), rc;

	if (fd < 0)
		return io_error(d, name, "cannot create a temporary file");
	rc = run_dtc(argv, fd, name, out, d);
	close(fd);
	return rc;
}

int fileio_load_dt(const char *path, const char *name, void **blob,
		   size_t *size, struct vdt_diag *d)
{
	char *argv[] = { "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-",
			 (char *)path, NULL };
	int stdin_in = strcmp(path, "-") == 0, fd, rc;
	struct vbuf raw, dtb;

	vbuf_init(&raw);
	vbuf_init(&dtb);
	fd = stdin_in ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_error(d, name, "cannot open");
	rc = read_fd(fd, name, &raw, d);
	if (!stdin_in)
		close(fd);
	if (rc < 0) {
		vbuf_free(&raw);
		return rc;
	}
	if (raw.len >= 4 && fdt_magic(raw.data) == FDT_MAGIC) {
		*blob = raw.data;
		*size = raw.len;
		return 0;
	}
	/* Source: dtc reads a named file itself, so its messages name it. */
	if (stdin_in) {
		rc = dtc_convert(raw.data, raw.len, "dts", "dtb", name, &dtb,
				 d);
	} else {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		rc = fd < 0 ? io_error(d, name, "cannot open /dev/null") :
			      run_dtc(argv, fd, name, &dtb, d);
		if (fd >= 0)
			close(fd);
	}
	vbuf_free(&raw);
	if (rc < 0) {
		vbuf_free(&dtb);
		return rc;
	}
	*blob = dtb.data;
	*size = dtb.len;
	return 0;
}

int fileio_dtb_to_dts(const void *blob, size_t size, const char *name,
		      void **out, size_t *len, struct vdt_diag *d)
{
	struct vbuf dts;
	int rc;

	vbuf_init(&dts);
	rc = dtc_convert(blob, size, "dtb", "dts", name, &dts, d);
	if (rc < 0) {
		vbuf_free(&dts);
		return rc;
	}
	*out = dts.data;
	*len = dts.len;
	return 0;
}

int fileio_in_place(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return 1;
	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* The mode a new file would get, or the existing file's. */
static mode_t target_mode(const char *path)
{
	struct stat st;
	mode_t mask;

	if (stat(path, &st) == 0)
		return st.st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Write @o to a temporary file next to its target. */
static int write_temp(struct fileio_out *o, struct vdt_diag *d)
{
	const char *slash = strrchr(o->path, '/');
	size_t dirlen = slash ? (size_t)(slash - o->path) + 1 : 0;
	const char *base = o->path + dirlen;
	int fd;

	o->tmp = malloc(dirlen + strlen(base) + 16);
	if (!o->tmp)
		return vdt_error(d, VDT_ERR_NOMEM, o->path, NULL, NULL,
				 "out of memory");
	sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)dirlen, o->path, base);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		return io_error(d, o->path, "cannot create a file beside it");
	}
	if (write_all(fd, o->data, o->len) < 0 ||
	    fchmod(fd, target_mode(o->path)) < 0 || fsync(fd) < 0) {
		close(fd);
		return io_error(d, o->path, "cannot write");
	}
	if (close(fd) < 0)
		return io_error(d, o->path, "cannot write");
	return 0;
}

static int write_in_place(const struct fileio_out *o, struct vdt_diag *d)
{
	int fd = strcmp(o->path, "-") == 0 ?
			 1 : open(o->path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return io_error(d, o->path, "cannot open");
	if (write_all(fd, o->data, o->len) < 0) {
		if (fd != 1)
			close(fd);
		return io_error(d, o->path, "cannot write");
	}
	if (fd != 1 && close(fd) < 0)
		return io_error(d, o->path, "cannot write");
	return 0;
}

int fileio_commit(struct fileio_out *outs, int n, struct vdt_diag *d)
{
	int i, rc = 0;

	for (i = 0; i < n; i++)
		outs[i].tmp = NULL;
	for (i = 0; i < n && rc >= 0; i++)
		if (!fileio_in_place(outs[i].path))
			rc = write_temp(&outs[i], d);
	for (i = 0; i < n && rc >= 0; i++)
		if (!outs[i].tmp)
			rc = write_in_place(&outs[i], d);
	for (i = 0; i < n && rc >= 0; i++)
		if (outs[i].tmp && rename(outs[i].tmp, outs[i].path) < 0)
			rc = io_error(d, outs[i].path, "cannot rename into place");
	for (i = 0; i < n; i++) {
		if (outs[i].tmp && rc < 0)
			unlink(outs[i].tmp);
		free(outs[i].tmp);
		outs[i].tmp = NULL;
	}
	return rc;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* O_TMPFILE, AT_EMPTY_PATH (Linux). */
#define _GNU_SOURCE
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

#include "blob.h"
#include "dts_write.h"
#include "fileio.h"
#include "vbuf.h"

extern char **environ;

static int io_error(struct vdt_diag *d, const char *name, const char *what)
{
	return vdt_error(d, VDT_ERR_IO, name, NULL, NULL, "%s: %s", what,
			 strerror(errno));
}

/* Read all of @fd into @b, at most @max bytes. */
static int read_fd(int fd, const char *name, size_t max, struct vbuf *b,
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
		if ((size_t)n > max - b->len) {
			vdt_error(d, VDT_ERR_IO, name, NULL, NULL,
				  "larger than the %zu bytes an input may have",
				  max);
			vdt_hint(d, "--max-input-size raises the limit");
			return -VDT_ERR_IO;
		}
		if (vbuf_append(b, chunk, (size_t)n) < 0)
			return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
					 "out of memory");
	}
}

int fileio_read(const char *path, const char *name, size_t max,
		struct vbuf *b, struct vdt_diag *d)
{
	int stdin_in = strcmp(path, "-") == 0;
	int fd = stdin_in ? 0 : open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return io_error(d, name, "cannot open");
	rc = read_fd(fd, name, max, b, d);
	if (!stdin_in)
		close(fd);
	return rc;
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

/* dtc's message @line with "<stdin>" replaced by the input's @name. */
static const char *stdin_named(const char *line, const char *name, char *buf,
			       size_t len)
{
	const char *at = strstr(line, "<stdin>");

	if (!at)
		return line;
	snprintf(buf, len, "%.*s%s%s", (int)(at - line), line, name,
		 at + strlen("<stdin>"));
	return buf;
}

/*
 * Run dtc with @argv, standard input from @in_fd, and collect its standard
 * output into @out.  Its standard error goes to an unlinked file, so that
 * reading one pipe cannot deadlock.
 */
static int run_dtc(char *const argv[], int in_fd, const char *name,
		   size_t max, struct vbuf *out, struct vdt_diag *d)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], err_fd, status, rc;
	char line[VDT_DIAG_MSG_LEN - 32], named[VDT_DIAG_MSG_LEN - 32];
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
	rc = read_fd(pipefd[0], name, max, out, d);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc >= 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		first_line(err_fd, line, sizeof(line));
		rc = vdt_error(d, VDT_ERR_BADDT, name, NULL, NULL, "dtc: %s",
			       line[0] ? stdin_named(line, name, named,
						     sizeof(named)) :
					 "failed");
	}
	close(err_fd);
	return rc;
}

/* Run dtc on @data (fed through standard input), at most @max bytes out. */
static int dtc_convert(const void *data, size_t len, const char *from,
		       const char *to, const char *name, size_t max,
		       struct vbuf *out, struct vdt_diag *d)
{
	char *argv[] = { "dtc", "-q", "-I", (char *)from, "-O", (char *)to,
			 "-o", "-", "-", NULL };
	int fd = anon_file(data, len), rc;

	if (fd < 0)
		return io_error(d, name, "cannot create a temporary file");
	rc = run_dtc(argv, fd, name, max, out, d);
	close(fd);
	return rc;
}

/*
 * A DTS input must not make dtc read other files: /include/ and /incbin/
 * would copy any file the tool can read into a guest's tree.
 */
static int check_source(const struct vbuf *src, const char *name,
			struct vdt_diag *d)
{
	static const char *const directives[] = { "/include/", "/incbin/" };
	size_t i;

	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		if (!src->len || !memmem(src->data, src->len, directives[i],
					 strlen(directives[i])))
			continue;
		vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
			  "DTS input may not use %s: it would read other files",
			  directives[i]);
		vdt_hint(d, "compile the tree to a DTB yourself and pass that");
		return -VDT_ERR_INPUT;
	}
	return 0;
}

void fileio_labels_free(struct fileio_labels *l)
{
	free(l->v);
	free(l->text);
	l->v = NULL;
	l->text = NULL;
	l->n = 0;
}

/* Whether the @len bytes at @v are one NUL-terminated string. */
static int one_string(const char *v, int len)
{
	return len > 0 && memchr(v, '\0', (size_t)len) == v + len - 1;
}

/* Whether /__symbols__ property @label = @v (@len bytes) is a label. */
static int symbol_ok(const char *label, const char *v, int len)
{
	return dts_label_valid(label) && one_string(v, len) && v[0] == '/';
}

/*
 * The labels of @fdt's /__symbols__ node, copied into @l: each property
 * whose name is a valid label and whose value an absolute path; others
 * are skipped.  A blob that fails blob_check() gives none: the pipeline
 * checks the input again and reports it.
 */
static int read_symbols(const void *fdt, size_t size, const char *name,
			struct fileio_labels *l, struct vdt_diag *d)
{
	struct vdt_diag scratch;
	const char *label, *v;
	size_t text = 0, at = 0, nl;
	int node, off, len, n = 0, bad;

	vdt_diag_init(&scratch);
	bad = blob_check(fdt, size, name, &scratch) < 0;
	vdt_diag_free(&scratch);
	node = bad ? -1 : fdt_subnode_offset(fdt, 0, "__symbols__");
	if (node < 0)
		return 0;
	fdt_for_each_property_offset(off, fdt, node) {
		v = fdt_getprop_by_offset(fdt, off, &label, &len);
		if (v && symbol_ok(label, v, len)) {
			n++;
			text += strlen(label) + 1 + (size_t)len;
		}
	}
	if (!n)
		return 0;
	l->v = calloc((size_t)n, sizeof(*l->v));
	l->text = malloc(text);
	if (!l->v || !l->text) {
		fileio_labels_free(l);
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	}
	fdt_for_each_property_offset(off, fdt, node) {
		v = fdt_getprop_by_offset(fdt, off, &label, &len);
		if (!v || !symbol_ok(label, v, len))
			continue;
		nl = strlen(label) + 1;
		memcpy(l->text + at, label, nl);
		memcpy(l->text + at + nl, v, (size_t)len);
		l->v[l->n].label = l->text + at;
		l->v[l->n++].path = l->text + at + nl;
		at += nl + (size_t)len;
	}
	return 0;
}

/*
 * The labels of DTS source @src: compiled again with "dtc -@", whose
 * /__symbols__ node names them.  That blob is not the input's tree (-@
 * also gives every labelled node a phandle), so only its labels are
 * kept.  Source without a ':' has no label and is not compiled again.
 */
static int source_labels(const struct vbuf *src, const char *name,
			 size_t max, struct fileio_labels *l,
			 struct vdt_diag *d)
{
	char *argv[] = { "dtc", "-q", "-@", "-I", "dts", "-O", "dtb",
			 "-o", "-", "-", NULL };
	struct vbuf dtb;
	int fd, rc;

	if (!src->len || !memchr(src->data, ':', src->len))
		return 0;
	fd = anon_file(src->data, src->len);
	if (fd < 0)
		return io_error(d, name, "cannot create a temporary file");
	vbuf_init(&dtb);
	rc = run_dtc(argv, fd, name, max, &dtb, d);
	close(fd);
	if (rc >= 0)
		rc = read_symbols(dtb.data, dtb.len, name, l, d);
	vbuf_free(&dtb);
	return rc;
}

int fileio_load_dt(const char *path, const char *name, size_t max,
		   void **blob, size_t *size, struct fileio_labels *labels,
		   struct vdt_diag *d)
{
	struct vbuf raw, dtb;
	int rc;

	if (labels) {
		labels->v = NULL;
		labels->text = NULL;
		labels->n = 0;
	}
	vbuf_init(&raw);
	vbuf_init(&dtb);
	rc = fileio_read(path, name, max, &raw, d);
	if (rc < 0) {
		vbuf_free(&raw);
		return rc;
	}
	if (raw.len >= 4 && fdt_magic(raw.data) == FDT_MAGIC) {
		rc = labels ? read_symbols(raw.data, raw.len, name, labels,
					   d) : 0;
		if (rc < 0) {
			vbuf_free(&raw);
			return rc;
		}
		*blob = raw.data;
		*size = raw.len;
		return 0;
	}
	/* Source: dtc compiles exactly the bytes checked here. */
	rc = check_source(&raw, name, d);
	if (rc >= 0)
		rc = dtc_convert(raw.data, raw.len, "dts", "dtb", name, max,
				 &dtb, d);
	if (rc >= 0 && labels)
		rc = source_labels(&raw, name, max, labels, d);
	vbuf_free(&raw);
	if (rc < 0) {
		if (labels)
			fileio_labels_free(labels);
		vbuf_free(&dtb);
		return rc;
	}
	*blob = dtb.data;
	*size = dtb.len;
	return 0;
}

/*
 * The standard stream (1 or 2) that @st is the file of, or -1: so that
 * "-o /dev/stdout > file" writes to standard output rather than replacing
 * the /dev/stdout link (or truncating a file opened for appending).
 */
static int std_stream(const struct stat *st)
{
	struct stat s;
	int fd;

	for (fd = 1; fd <= 2; fd++)
		if (fstat(fd, &s) == 0 && s.st_dev == st->st_dev &&
		    s.st_ino == st->st_ino)
			return fd;
	return -1;
}

int fileio_in_place(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return 1;
	if (stat(path, &st) < 0)
		return 0;
	return !S_ISREG(st.st_mode) || std_stream(&st) >= 0;
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

/*
 * Where @o is written: its path, or for a symbolic link the file it
 * points at (the link is kept, the file replaced).
 */
static const char *target(const struct fileio_out *o)
{
	return o->real ? o->real : o->path;
}

/* "DIR/.NAME.": the prefix of temporary names beside @path. */
static char *temp_prefix(const char *path, size_t extra)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	char *p = malloc(strlen(path) + 3 + extra);

	if (p)
		sprintf(p, "%.*s.%s.", (int)dirlen, path, path + dirlen);
	return p;
}

/* @path's directory ("." for a bare name), in newly allocated memory. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
	char *dir = malloc(n + 1);

	if (dir) {
		memcpy(dir, slash ? path : ".", n);
		dir[n] = '\0';
	}
	return dir;
}

static int nomem(struct vdt_diag *d, const char *path)
{
	return vdt_error(d, VDT_ERR_NOMEM, path, NULL, NULL, "out of memory");
}

/* Write all of @o's data to @fd, with its target's mode, and sync it. */
static int fill(int fd, const struct fileio_out *o, struct vdt_diag *d)
{
	if (write_all(fd, o->data, o->len) < 0 ||
	    fchmod(fd, target_mode(target(o))) < 0 || fsync(fd) < 0)
		return io_error(d, o->path, "cannot write");
	return 0;
}

/*
 * A named temporary file ".NAME.XXXXXX" beside the target, holding @o's
 * data: the fallback where O_TMPFILE or linkat() is not available.  A kill
 * before the rename leaves this file behind; the O_TMPFILE way does not.
 */
static int write_named(struct fileio_out *o, struct vdt_diag *d)
{
	int fd, rc;

	o->tmp = temp_prefix(target(o), 6);
	if (!o->tmp)
		return nomem(d, o->path);
	memcpy(o->tmp + strlen(o->tmp), "XXXXXX", 7);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		rc = io_error(d, o->path, "cannot create a file beside it");
		free(o->tmp);
		o->tmp = NULL;
		return rc;
	}
	rc = fill(fd, o, d);
	if (close(fd) < 0 && rc >= 0)
		rc = io_error(d, o->path, "cannot write");
	if (rc < 0) {
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	return rc;
}

/*
 * Write @o, in full and synced, to an unnamed file (O_TMPFILE) in its
 * target's directory; it gets a name only in commit_one().  Falls back to
 * write_named() where the file system cannot make unnamed files.
 */
static int write_temp(struct fileio_out *o, struct vdt_diag *d)
{
	struct stat st;
	char *dir;
	int rc;

	if (lstat(o->path, &st) == 0 && S_ISLNK(st.st_mode)) {
		o->real = realpath(o->path, NULL);
		if (!o->real && errno == ENOMEM)
			return nomem(d, o->path);
	}
	dir = dir_of(target(o));
	if (!dir)
		return nomem(d, o->path);
	o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dir);
	if (o->fd < 0) {
		/* Kernels and file systems without O_TMPFILE. */
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			return write_named(o, d);
		return io_error(d, o->path, "cannot create a file beside it");
	}
	rc = fill(o->fd, o, d);
	if (rc < 0) {
		close(o->fd);
		o->fd = -1;
	}
	return rc;
}

/*
 * Give the unnamed file @fd the name @path, which must not exist: through
 * /proc/self/fd (any user), else AT_EMPTY_PATH (CAP_DAC_READ_SEARCH).
 */
static int link_fd(int fd, const char *path)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT && errno != EACCES && errno != EPERM)
		return -1;
	return linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH);
}

/* Link @o->fd to a fresh name beside its target, kept in @o->tmp; 0 or -1. */
static int link_beside(struct fileio_out *o)
{
	unsigned int seed = (unsigned int)getpid() * 2654435761u;
	size_t n;
	int tries;

	o->tmp = temp_prefix(target(o), 8);
	if (!o->tmp) {
		errno = ENOMEM;
		return -1;
	}
	n = strlen(o->tmp);
	for (tries = 0; tries < 64; tries++) {
		seed = seed * 1103515245u + 12345u;
		sprintf(o->tmp + n, "%06x", (seed >> 8) & 0xffffff);
		if (link_fd(o->fd, o->tmp) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(o->tmp);
	o->tmp = NULL;
	return -1;
}

/*
 * Put @o's file in place: an unnamed file is linked straight to a new
 * target, or linked beside an existing one and renamed over it (a kill
 * between those two calls leaves the linked name behind); a named
 * temporary file is renamed.
 */
static int commit_one(struct fileio_out *o, struct vdt_diag *d)
{
	struct stat st;
	int rc;

	if (o->fd >= 0) {
		if (lstat(target(o), &st) < 0 && errno == ENOENT) {
			if (link_fd(o->fd, target(o)) == 0)
				return 0;
			if (errno != EEXIST)
				return io_error(d, o->path, "cannot create");
		}
		if (link_beside(o) < 0) {
			if (errno == ENOMEM)
				return nomem(d, o->path);
			/* No way to name it (no /proc, no privilege). */
			close(o->fd);
			o->fd = -1;
			rc = write_named(o, d);
			if (rc < 0)
				return rc;
		}
	}
	if (rename(o->tmp, target(o)) < 0)
		return io_error(d, o->path, "cannot rename into place");
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

/* Standard output, a device, a FIFO: opened and written as they are. */
static int write_in_place(const struct fileio_out *o, struct vdt_diag *d)
{
	struct stat st;
	int fd, std = -1;

	if (strcmp(o->path, "-") == 0)
		std = 1;
	else if (stat(o->path, &st) == 0)
		std = std_stream(&st);
	fd = std >= 0 ? std : open(o->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return io_error(d, o->path, "cannot open");
	if (write_all(fd, o->data, o->len) < 0) {
		if (fd != std)
			close(fd);
		return io_error(d, o->path, "cannot write");
	}
	if (fd != std && close(fd) < 0)
		return io_error(d, o->path, "cannot write");
	return 0;
}

int fileio_commit(struct fileio_out *outs, int n, struct vdt_diag *d)
{
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		outs[i].tmp = NULL;
		outs[i].real = NULL;
		outs[i].fd = -1;
		outs[i].in_place = fileio_in_place(outs[i].path);
	}
	for (i = 0; i < n && rc >= 0; i++)
		if (!outs[i].in_place)
			rc = write_temp(&outs[i], d);
	for (i = 0; i < n && rc >= 0; i++)
		if (outs[i].in_place)
			rc = write_in_place(&outs[i], d);
	for (i = 0; i < n && rc >= 0; i++)
		if (!outs[i].in_place)
			rc = commit_one(&outs[i], d);
	for (i = 0; i < n; i++) {
		if (outs[i].tmp)
			unlink(outs[i].tmp);
		if (outs[i].fd >= 0)
			close(outs[i].fd);
		free(outs[i].tmp);
		free(outs[i].real);
		outs[i].tmp = NULL;
		outs[i].real = NULL;
		outs[i].fd = -1;
	}
	return rc;
}

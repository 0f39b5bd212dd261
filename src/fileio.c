/* SPDX-License-Identifier: BSD-2-Clause */
/* O_TMPFILE, AT_EMPTY_PATH (Linux). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include "blob.h"
#include "dts_write.h"
#include "fileio.h"
#include "vbuf.h"

static int io_error(struct vdt_diag *d, const char *name, const char *what)
{
	return vdt_error(d, VDT_ERR_IO, name, NULL, NULL, "%s: %s", what,
			 strerror(errno));
}

/*
 * One read(2) of @fd appended to @b, which may hold at most @max bytes:
 * 1 when bytes came (or a signal interrupted), 0 at the end, or an error.
 */
static int read_chunk(int fd, const char *name, size_t max, struct vbuf *b,
		      struct vdt_diag *d)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && errno == EINTR)
		return 1;
	if (n < 0)
		return io_error(d, name, "cannot read");
	if (n == 0)
		return 0;
	if ((size_t)n > max - b->len) {
		vdt_error(d, VDT_ERR_IO, name, NULL, NULL,
			  "larger than the %zu bytes an input may have", max);
		vdt_hint(d, "--max-input-size raises the limit");
		return -VDT_ERR_IO;
	}
	if (vbuf_append(b, chunk, (size_t)n) < 0)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	return 1;
}

/* Read all of @fd into @b, at most @max bytes. */
static int read_fd(int fd, const char *name, size_t max, struct vbuf *b,
		   struct vdt_diag *d)
{
	int r;

	while ((r = read_chunk(fd, name, max, b, d)) > 0)
		;
	return r;
}

/*
 * A regular file of @fd read straight into @b, in one read(2) of the size
 * fstat() gives (more only where the kernel returns less): 1 when it is
 * not a regular file of a size below @max (read_fd() reads it), 0 once
 * that many bytes came or the file ended, or an error.
 */
static int read_sized(int fd, const char *name, size_t max, struct vbuf *b,
		      struct vdt_diag *d)
{
	struct stat st;
	size_t want;
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > max - b->len)
		return 1;
	want = b->len + (size_t)st.st_size;
	if (vbuf_reserve(b, (size_t)st.st_size) < 0)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	while (b->len < want) {
		n = read(fd, b->data + b->len, want - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(d, name, "cannot read");
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	return 0;
}

int fileio_read(const char *path, const char *name, size_t max,
		struct vbuf *b, struct vdt_diag *d)
{
	int stdin_in = strcmp(path, "-") == 0;
	int fd = stdin_in ? 0 : open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return io_error(d, name, "cannot open");
	rc = read_sized(fd, name, max, b, d);
	if (rc > 0)
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

/* Limits of every child (dtc, cpp): fileio_configure(). */
static struct fileio_config config = { .timeout = FILEIO_TIMEOUT };

void fileio_configure(const struct fileio_config *c)
{
	config = *c;
	if (!config.timeout)
		config.timeout = FILEIO_TIMEOUT;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * In the child, before exec: its own process group (so that a timeout
 * kills what it forked too, cpp's cc1), and limits on its memory, CPU
 * time and the size of any file it writes.
 */
static void child_limits(size_t max)
{
	struct rlimit r;

	setpgid(0, 0);
	r.rlim_cur = r.rlim_max = FILEIO_CHILD_MEM;
	setrlimit(RLIMIT_AS, &r);
	r.rlim_cur = r.rlim_max = config.timeout + 1;
	setrlimit(RLIMIT_CPU, &r);
	r.rlim_cur = r.rlim_max = max + ((rlim_t)1 << 20);
	setrlimit(RLIMIT_FSIZE, &r);
	signal(SIGPIPE, SIG_DFL);
}

/*
 * Spawn @argv[0] from PATH with standard input @in_fd, output @out_fd,
 * error @err_fd, under child_limits(); *@pid, or a positive errno when it
 * cannot run (exec's own, sent back through a close-on-exec pipe).
 */
static int spawn_limited(char *const argv[], int in_fd, int out_fd,
			 int err_fd, size_t max, pid_t *pid)
{
	int ep[2], e = 0;
	ssize_t n;

	if (pipe2(ep, O_CLOEXEC) < 0)
		return errno;
	*pid = fork();
	if (*pid < 0) {
		e = errno;
		close(ep[0]);
		close(ep[1]);
		return e;
	}
	if (*pid == 0) {
		if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
		    dup2(err_fd, 2) < 0)
			e = errno;
		if (!e) {
			child_limits(max);
			execvp(argv[0], argv);
			e = errno;
		}
		while (write(ep[1], &e, sizeof(e)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(ep[1]);
	do
		n = read(ep[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(e) && e) {
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		return e;
	}
	return 0;
}

/*
 * Read the child's output from @fd into @out (at most @max bytes) until
 * it closes it or @deadline passes: 0, 1 on timeout, or an error.
 */
static int read_until(int fd, double deadline, const char *name, size_t max,
		      struct vbuf *out, struct vdt_diag *d)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double left;
	int r;

	for (;;) {
		left = deadline - now();
		if (left <= 0)
			return 1;
		r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return io_error(d, name, "cannot read");
		if (r == 0)
			continue;
		r = read_chunk(fd, name, max, out, d);
		if (r <= 0)
			return r;
	}
}

/*
 * Run @argv (dtc or cpp: @argv[0]) with standard input from @in_fd, and
 * collect its standard output into @out.  Its standard error goes to an
 * unlinked file, so that reading one pipe cannot deadlock.  The child runs
 * under child_limits() and is killed (with its process group) when it
 * takes longer than config.timeout seconds.
 */
static int run_child(char *const argv[], int in_fd, const char *name,
		     size_t max, struct vbuf *out, struct vdt_diag *d)
{
	const char *prog = argv[0];
	int pipefd[2], err_fd, status = 0, rc, timed_out = 0;
	char line[VDT_DIAG_MSG_LEN - 32], named[VDT_DIAG_MSG_LEN - 32];
	pid_t pid = -1;

	err_fd = anon_file("", 0);
	if (err_fd < 0)
		return io_error(d, name, "cannot create a temporary file");
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		close(err_fd);
		return io_error(d, name, "cannot create a pipe");
	}
	rc = spawn_limited(argv, in_fd, pipefd[1], err_fd, max, &pid);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		close(err_fd);
		vdt_error(d, VDT_ERR_IO, name, NULL, NULL,
			  "cannot run %s: %s", prog, strerror(rc));
		if (rc == ENOENT && strcmp(prog, "dtc") == 0)
			vdt_hint(d, "DTS input and output need dtc on PATH (Debian package device-tree-compiler), or use DTB files");
		else if (rc == ENOENT)
			vdt_hint(d, "--cpp needs cpp on PATH (Debian package cpp)");
		return -VDT_ERR_IO;
	}
	rc = read_until(pipefd[0], now() + config.timeout, name, max, out,
			d);
	close(pipefd[0]);
	if (rc != 0) {
		/* Timed out, or too much output: the whole group goes. */
		timed_out = rc > 0;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		rc = vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
			       "%s did not finish within %u s and was killed",
			       prog, config.timeout);
		vdt_hint(d, "--timeout raises the limit; a hostile input can make dtc loop for ever");
	} else if (rc >= 0 && WIFSIGNALED(status)) {
		rc = vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
			       "%s killed by signal %d (%s): over its resource limits?",
			       prog, WTERMSIG(status),
			       strsignal(WTERMSIG(status)));
	} else if (rc >= 0 && !(WIFEXITED(status) &&
				WEXITSTATUS(status) == 0)) {
		first_line(err_fd, line, sizeof(line));
		rc = vdt_error(d, VDT_ERR_BADDT, name, NULL, NULL, "%s: %s",
			       prog, line[0] ? stdin_named(line, name, named,
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
	rc = run_child(argv, fd, name, max, out, d);
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

/* The most cells property #...-cells (@len bytes at @p) may give. */
static unsigned long cells_limit(const char *p, size_t len)
{
	static const char *const small[] = { "#address-cells", "#size-cells",
					     "#iommu-cells" };
	size_t i;

	for (i = 0; i < sizeof(small) / sizeof(small[0]); i++)
		if (len == strlen(small[i]) && memcmp(p, small[i], len) == 0)
			return FILEIO_MAX_ADDR_CELLS;
	return FILEIO_MAX_CELLS;
}

static int is_prop_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr(",._+?#-", c);
}

/*
 * Refuse a "#...-cells = <N>" whose N is larger than the tool takes:
 * dtc itself loops for ever on "#iommu-cells = <0xffffffff>" referenced
 * by an "iommus".  A plain scan of the text, skipping comments and
 * strings; cpp's line markers ("# 12 "file"") keep the file and line
 * right.  Values that are expressions are left to dtc (under its limits).
 */
static int check_cells(const struct vbuf *src, const char *name,
		       struct vdt_diag *d)
{
	const char *p = src->data, *end = p + src->len, *file = name, *q;
	char where[VDT_DIAG_FILE_LEN], prop[VDT_DIAG_PROP_LEN];
	unsigned long line = 1, v, limit;
	size_t flen = strlen(name);
	int bol = 1;
	char *e;

	while (p < end) {
		if (*p == '\n') {
			line++;
			bol = 1;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r') {
			p++;
			continue;
		}
		if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
			for (p += 2; p < end &&
			     !(end - p >= 2 && p[0] == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			p += 2;
			continue;
		}
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				line += *p == '\n';
			}
			p++;
			bol = 0;
			continue;
		}
		if (*p == '#' && bol && end - p > 2 && p[1] == ' ' &&
		    p[2] >= '0' && p[2] <= '9') {
			/* A line marker: # LINE "FILE" ... */
			v = strtoul(p + 2, &e, 10);
			q = memchr(e, '"', (size_t)(end - e));
			if (q && q < end - 1 && !memchr(e, '\n', (size_t)(q - e))) {
				file = q + 1;
				q = memchr(file, '"', (size_t)(end - file));
				flen = q ? (size_t)(q - file) : 0;
				if (flen == 7 && memcmp(file, "<stdin>", 7) == 0) {
					file = name;
					flen = strlen(name);
				}
			}
			while (p < end && *p != '\n')
				p++;
			line = v ? v - 1 : 0;
			continue;
		}
		bol = 0;
		if (*p != '#') {
			p++;
			continue;
		}
		for (q = p + 1; q < end && is_prop_char(*q); q++)
			;
		if (q - p < 7 || memcmp(q - 6, "-cells", 6) != 0) {
			p = q;
			continue;
		}
		limit = cells_limit(p, (size_t)(q - p));
		snprintf(prop, sizeof(prop), "%.*s", (int)(q - p), p);
		p = q;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != '=')
			continue;
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (p >= end || *p != '<')
			continue;
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		if (p >= end || *p < '0' || *p > '9')
			continue;
		errno = 0;
		v = strtoul(p, &e, 0);
		if (e > end)
			e = (char *)end;
		if (errno == 0 && v <= limit) {
			p = e;
			continue;
		}
		snprintf(where, sizeof(where), "%.*s:%lu", (int)flen, file,
			 line);
		vdt_error(d, VDT_ERR_INPUT, where, NULL, prop,
			  "%.*s cells: more than the %lu the tool accepts",
			  (int)(e - p), p, limit);
		vdt_hint(d, "#address-cells, #size-cells and #iommu-cells are at most 4, other #...-cells at most 16");
		return -VDT_ERR_INPUT;
	}
	return 0;
}

/*
 * Run the C preprocessor on @raw (from @path, "-" for standard input),
 * into @out: "cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I
 * DIR...", as Linux's and Zephyr's builds do; every file it read is
 * appended to config.deps.
 */
static int run_cpp(const char *path, const struct vbuf *raw,
		   const char *name, size_t max, struct vbuf *out,
		   struct vdt_diag *d)
{
	const char *dir = getenv("TMPDIR");
	char dep[4096], *argv[64 + 2 * FILEIO_MAX_INCDIRS];
	struct vbuf deps;
	int n = 0, i, fd, in_fd, rc;
	char *p, *q, *t;

	if (config.nincdirs > FILEIO_MAX_INCDIRS)
		return vdt_error(d, VDT_ERR_USAGE, name, NULL, NULL,
				 "more than %d -i directories",
				 FILEIO_MAX_INCDIRS);
	snprintf(dep, sizeof(dep), "%s/viommu-dtgen-dep.XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(dep);
	if (fd < 0)
		return io_error(d, name, "cannot create a temporary file");
	close(fd);
	argv[n++] = "cpp";
	argv[n++] = "-nostdinc";
	argv[n++] = "-undef";
	argv[n++] = "-D__DTS__";
	argv[n++] = "-x";
	argv[n++] = "assembler-with-cpp";
	for (i = 0; i < config.nincdirs; i++) {
		argv[n++] = "-I";
		argv[n++] = (char *)config.incdirs[i];
	}
	argv[n++] = "-MD";
	argv[n++] = "-MF";
	argv[n++] = dep;
	argv[n++] = "-MT";
	argv[n++] = "x";
	argv[n++] = "-o";
	argv[n++] = "-";
	argv[n++] = strcmp(path, "-") == 0 ? "-" : (char *)path;
	argv[n] = NULL;
	in_fd = anon_file(raw->data, raw->len);
	if (in_fd < 0) {
		unlink(dep);
		return io_error(d, name, "cannot create a temporary file");
	}
	rc = run_child(argv, in_fd, name, max, out, d);
	close(in_fd);
	vbuf_init(&deps);
	if (rc >= 0 && config.deps)
		rc = fileio_read(dep, name, max, &deps, d);
	unlink(dep);
	if (rc < 0 || !config.deps || !deps.len) {
		vbuf_free(&deps);
		return rc;
	}
	/* "x: a b \\\n c": the names, blanks escaped by '\'. */
	if (vbuf_append(&deps, "", 1) < 0)
		goto nomem;
	p = memchr(deps.data, ':', deps.len);
	for (p = p ? p + 1 : deps.data; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' ||
		       (*p == '\\' && p[1] == '\n'))
			p += *p == '\\' ? 2 : 1;
		if (!*p)
			break;
		for (q = t = p; *q && *q != ' ' && *q != '\t' && *q != '\n';
		     q++) {
			if (*q == '\\' && q[1] == '\n')
				break;
			if (*q == '\\' && (q[1] == ' ' || q[1] == '#'))
				q++;
			*t++ = *q;
		}
		if (t - p == 1 && *p == '-')
			t = p;
		if (t > p && (vbuf_append(config.deps, p, (size_t)(t - p)) < 0 ||
			      vbuf_append(config.deps, "", 1) < 0))
			goto nomem;
		p = q;
	}
	vbuf_free(&deps);
	return 0;
nomem:
	vbuf_free(&deps);
	return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL, "out of memory");
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
	rc = run_child(argv, fd, name, max, &dtb, d);
	close(fd);
	if (rc >= 0)
		rc = read_symbols(dtb.data, dtb.len, name, l, d);
	vbuf_free(&dtb);
	return rc;
}

/* Whether @src has a line starting "#include" (cpp's, not dtc's). */
static int has_include(const struct vbuf *src)
{
	const char *p = src->data, *end = p + src->len;

	while (p && p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 8 && memcmp(p, "#include", 8) == 0)
			return 1;
		p = memchr(p, '\n', (size_t)(end - p));
		if (p)
			p++;
	}
	return 0;
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
	if (raw.len == 0) {
		vbuf_free(&raw);
		return vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL, "empty");
	}
	if (config.cpp) {
		struct vbuf pp;

		vbuf_init(&pp);
		rc = run_cpp(path, &raw, name, max, &pp, d);
		vbuf_free(&raw);
		raw = pp;
		if (rc < 0) {
			vbuf_free(&raw);
			return rc;
		}
	}
	/* Source: dtc compiles exactly the bytes checked here. */
	rc = check_source(&raw, name, d);
	if (rc >= 0)
		rc = check_cells(&raw, name, d);
	if (rc >= 0)
		rc = dtc_convert(raw.data, raw.len, "dts", "dtb", name, max,
				 &dtb, d);
	if (rc == -VDT_ERR_BADDT && !config.cpp && has_include(&raw))
		vdt_hint(d, "the source uses #include: --cpp runs the C preprocessor first (-i DIR for its include path)");
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

/* The mode a new file would get, or the existing file's without its
 * set-user-ID and set-group-ID bits (they never survive a rewrite). */
static mode_t target_mode(const char *path)
{
	struct stat st;
	mode_t mask;

	if (stat(path, &st) == 0)
		return st.st_mode & 01777;
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

/*
 * An existing target keeps its owner and group: root's rewrite of a user's
 * file stays the user's (others cannot give files away; their chown()
 * failing is not an error).
 */
static int keep_owner(int fd, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	if (fchown(fd, st.st_uid, st.st_gid) == 0 || geteuid() != 0)
		return 0;
	return -1;
}

/* Write all of @o's data to @fd, with its target's owner and mode, and
 * sync it if asked. */
static int fill(int fd, const struct fileio_out *o, struct vdt_diag *d)
{
	if (write_all(fd, o->data, o->len) < 0 ||
	    keep_owner(fd, target(o)) < 0 ||
	    fchmod(fd, target_mode(target(o))) < 0 ||
	    (o->sync && fsync(fd) < 0))
		return io_error(d, o->path, "cannot write");
	return 0;
}

/* With @o->sync: sync the directory that holds @o's new name. */
static int sync_dir(const struct fileio_out *o, struct vdt_diag *d)
{
	char *dir;
	int fd, rc = 0;

	if (!o->sync)
		return 0;
	dir = dir_of(target(o));
	if (!dir)
		return nomem(d, o->path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0 || fsync(fd) < 0)
		rc = io_error(d, o->path, "cannot sync its directory");
	if (fd >= 0)
		close(fd);
	return rc;
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
 * Write @o, in full (synced if asked), to an unnamed file (O_TMPFILE) in its
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
	/* An existing target is replaced through a name beside it: its room
	 * now, so that no allocation can fail once outputs are renamed. */
	if (rc == 0 && lstat(target(o), &st) == 0) {
		o->beside = temp_prefix(target(o), 8);
		if (!o->beside)
			rc = nomem(d, o->path);
	}
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

	o->tmp = o->beside ? o->beside : temp_prefix(target(o), 8);
	o->beside = NULL;
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
				return sync_dir(o, d);
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
	return sync_dir(o, d);
}

/*
 * Open @path (a device, a FIFO) for writing without blocking: a FIFO
 * nobody reads is an error (ENXIO) once FILEIO_FIFO_WAIT seconds passed,
 * not a hang.  O_NONBLOCK is cleared once it is open.
 */
static int open_in_place(const char *path)
{
	double until = now() + FILEIO_FIFO_WAIT;
	int fd, fl;

	for (;;) {
		fd = open(path, O_WRONLY | O_TRUNC | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 || errno != ENXIO || now() >= until)
			break;
		poll(NULL, 0, 20);
	}
	if (fd < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
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
	fd = std >= 0 ? std : open_in_place(o->path);
	if (fd < 0 && errno == ENXIO)
		return vdt_error(d, VDT_ERR_IO, o->path, NULL, NULL,
				 "a FIFO without a reader");
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
		outs[i].beside = NULL;
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
		free(outs[i].beside);
		outs[i].tmp = NULL;
		outs[i].real = NULL;
		outs[i].beside = NULL;
		outs[i].fd = -1;
	}
	return rc;
}

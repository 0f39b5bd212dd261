/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench/inproc.c: the in-process cost of one guest against a host that is
 * opened once, as a toolstack (libxl) builds domain after domain.  Uses
 * only the public API, include/viommu-dtgen.h, and links the static
 * library:
 *
 *   cc -O2 -Iinclude bench/inproc.c BUILD/libviommu-dtgen.a -lfdt -lyaml
 *   inproc HOST.dtb PARTIAL.dtb [BATCHES [PER_BATCH]]
 *
 * Times 2 x BATCHES (default 21) batches of PER_BATCH guests each
 * (default: as many as take about 50 ms), after ten untimed ones, and
 * prints one line of key=value pairs, each the median over the batches of
 * the time per guest in microseconds, wall (clock_gettime()
 * CLOCK_MONOTONIC) and CPU (CLOCK_PROCESS_CPUTIME_ID; less sensitive to
 * the machine's other load):
 *   run_us, run_cpu_us         vdt_run() and vdt_result_free()
 *   render_us, render_cpu_us   the same plus the vID map rendered as YAML
 *   open_us                    vdt_host_open() and vdt_host_close()
 * Exit status 1 when a call fails (its messages on stderr), 2 for usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <viommu-dtgen.h>

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
	    fread(buf, 1, (size_t)len, f) == (size_t)len) {
		*size = (size_t)len;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_diags(const struct vdt_diag *d)
{
	char line[512];
	int i;

	for (i = 0; i < vdt_diag_count(d); i++)
		if (vdt_diag_get(d, i, NULL, line, sizeof(line)) >= 0)
			fprintf(stderr, "inproc: %s\n", line);
}

/* One guest; with @render, its map as YAML too.  returns: 0 or -1 */
static int guest(const struct vdt_host *host, const void *partial,
		 size_t size, int render, struct vdt_diag *d)
{
	struct vdt_result *res = NULL;
	char *yaml = NULL;
	size_t len;
	int rc;

	vdt_diag_clear(d);
	rc = vdt_run(host, NULL, partial, size, "partial.dtb", &res, d);
	if (rc >= 0 && render)
		rc = vdt_map_render(vdt_result_map(res), VDT_MAP_YAML, NULL,
				    "map.yaml", &yaml, &len, d);
	free(yaml);
	vdt_result_free(res);
	if (rc < 0) {
		print_diags(d);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vdt_host *host = NULL;
	struct vdt_diag *d = vdt_diag_new();
	void *hblob, *pblob;
	size_t hsize = 0, psize = 0;
	int batches = 21, per = 0, b, i, render;
	double *t[2], *c[2], *topen, start, cstart;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: inproc HOST.dtb PARTIAL.dtb [BATCHES [PER_BATCH]]\n");
		return 2;
	}
	if (argc > 3)
		batches = atoi(argv[3]);
	if (argc > 4)
		per = atoi(argv[4]);
	if (batches < 1 || per < 0) {
		fprintf(stderr, "inproc: BATCHES must be >= 1, PER_BATCH >= 0 (0: automatic)\n");
		return 2;
	}
	hblob = read_file(argv[1], &hsize);
	pblob = read_file(argv[2], &psize);
	t[0] = calloc((size_t)batches, sizeof(double));
	t[1] = calloc((size_t)batches, sizeof(double));
	c[0] = calloc((size_t)batches, sizeof(double));
	c[1] = calloc((size_t)batches, sizeof(double));
	topen = calloc((size_t)batches, sizeof(double));
	if (!hblob || !pblob || !d || !t[0] || !t[1] || !c[0] || !c[1] ||
	    !topen) {
		fprintf(stderr, "inproc: cannot read %s or %s\n", argv[1],
			argv[2]);
		return 1;
	}

	for (b = 0; b < batches; b++) {
		start = now_us();
		if (vdt_host_open(hblob, hsize, argv[1], &host, d) < 0) {
			print_diags(d);
			return 1;
		}
		vdt_host_close(host);
		topen[b] = now_us() - start;
	}
	if (vdt_host_open(hblob, hsize, argv[1], &host, d) < 0) {
		print_diags(d);
		return 1;
	}
	start = now_us();
	for (i = 0; i < 10; i++)
		if (guest(host, pblob, psize, 1, d) < 0)
			return 1;
	if (!per) {
		per = (int)(50000 / ((now_us() - start) / 10 + 1));
		per = per < 1 ? 1 : per > 2000 ? 2000 : per;
	}
	/* Batches of the two kinds alternate, so that drift hits both. */
	for (b = 0; b < batches; b++) {
		for (render = 0; render < 2; render++) {
			start = now_us();
			cstart = cpu_us();
			for (i = 0; i < per; i++)
				if (guest(host, pblob, psize, render, d) < 0)
					return 1;
			t[render][b] = (now_us() - start) / per;
			c[render][b] = (cpu_us() - cstart) / per;
		}
	}
	printf("run_us=%.2f run_cpu_us=%.2f render_us=%.2f render_cpu_us=%.2f open_us=%.1f guests=%d\n",
	       median(t[0], batches), median(c[0], batches),
	       median(t[1], batches), median(c[1], batches),
	       median(topen, batches), batches * per * 2);
	vdt_host_close(host);
	vdt_diag_delete(d);
	free(hblob);
	free(pblob);
	free(t[0]);
	free(t[1]);
	free(c[0]);
	free(c[1]);
	free(topen);
	return 0;
}

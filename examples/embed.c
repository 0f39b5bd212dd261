/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * examples/embed.c: libviommu-dtgen as a toolstack (libxl) uses it.
 *
 * The host device tree is opened once; then guests are built against it,
 * one vdt_run() each, the way a toolstack builds domain after domain:
 * each guest's rewritten partial tree is kept, its vID map printed as
 * YAML, and every diagnostic (warnings, notes, and the error of a run that
 * fails) printed as one line.  A last guest asks for a vID space too small
 * on purpose, to show an error.  It compiles as C and as C++.
 *
 *   dtc -O dtb -o board.dtb examples/board.dts
 *   dtc -O dtb -o guest.dtb examples/guest.dts
 *   cc -o embed examples/embed.c $(pkg-config --cflags --libs viommu-dtgen)
 *   ./embed board.dtb guest.dtb 3
 *
 * Exit status 0 when every guest was built and the last one failed as it
 * should, 1 otherwise, 2 for a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <viommu-dtgen.h>

/* read_file - the whole of @path in memory; NULL (and a message) on error */
static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nbuf;
	size_t cap = 0, len = 0, n;
	int bad = 0;

	if (!f) {
		fprintf(stderr, "embed: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			nbuf = (char *)realloc(buf, cap);
			if (!nbuf) {
				bad = 1;
				break;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (bad || ferror(f)) {
		fprintf(stderr, "embed: %s: %s\n", path,
			bad ? "out of memory" : "read error");
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

/* is_dtb - @blob starts with the flattened device tree magic, 0xd00dfeed */
static int is_dtb(const void *blob, size_t size)
{
	const unsigned char *b = (const unsigned char *)blob;

	return size >= 4 && b[0] == 0xd0 && b[1] == 0x0d && b[2] == 0xfe &&
	       b[3] == 0xed;
}

static const char *kind_name(enum vdt_diag_kind kind)
{
	switch (kind) {
	case VDT_DIAG_ERROR:
		return "error";
	case VDT_DIAG_HINT:
		return "hint";
	case VDT_DIAG_WARNING:
		return "warning";
	case VDT_DIAG_NOTE:
		return "note";
	}
	return "?";
}

/* print_diags - every message of @d, one line each, as a toolstack logs */
static void print_diags(const char *who, const struct vdt_diag *d)
{
	char line[256];
	int i, len, n = vdt_diag_count(d);

	for (i = 0; i < n; i++) {
		enum vdt_diag_kind kind;

		len = vdt_diag_get(d, i, &kind, line, sizeof(line));
		if (len < 0)
			break;
		printf("%s: %s: %s%s\n", who, kind_name(kind), line,
		       (size_t)len >= sizeof(line) ? " [...]" : "");
	}
}

/*
 * build_guest - one domain: options, the run, its outputs.  @vid_bits 0
 * keeps the default vID space.
 *
 * returns: vdt_run()'s value
 */
static int build_guest(const struct vdt_host *host, int id,
		       enum vdt_policy policy, unsigned int vid_bits,
		       const void *partial, size_t size, const char *name,
		       struct vdt_diag *d)
{
	struct vdt_opts *o = vdt_opts_new();
	struct vdt_result *res = NULL;
	const struct vdt_map *map;
	const void *dtb;
	size_t dtb_size, yaml_len;
	char *yaml = NULL, who[32];
	int rc;

	snprintf(who, sizeof(who), "guest %d", id);
	if (!o) {
		fprintf(stderr, "embed: out of memory\n");
		return -VDT_ERR_NOMEM;
	}
	vdt_diag_clear(d);
	vdt_opts_set_policy(o, policy);
	if (vid_bits)
		vdt_opts_set_vid_space(o, 0, vid_bits);
	rc = vdt_run(host, o, partial, size, name, &res, d);
	if (rc < 0) {
		printf("--- %s: %s\n", who, vdt_strerror(rc));
		print_diags(who, d);
		vdt_opts_delete(o);
		return rc;
	}
	/* A toolstack would hand this tree to the domain builder. */
	dtb = vdt_result_dtb(res, &dtb_size);
	map = vdt_result_map(res);
	printf("--- %s (%s): partial tree of %zu bytes%s, %d map entries\n",
	       who, policy == VDT_POLICY_IDENTITY ? "identity" : "compact",
	       dtb_size, is_dtb(dtb, dtb_size) ? "" : " (not a DTB!)",
	       vdt_map_count(map));
	print_diags(who, d);
	vdt_diag_clear(d);
	rc = vdt_map_render(map, VDT_MAP_YAML, NULL, "map.yaml", &yaml,
			    &yaml_len, d);
	if (rc < 0) {
		print_diags(who, d);
	} else {
		fwrite(yaml, 1, yaml_len, stdout);
		if (yaml_len && yaml[yaml_len - 1] != '\n')
			putchar('\n');
	}
	free(yaml);
	vdt_result_free(res);
	vdt_opts_delete(o);
	return rc;
}

int main(int argc, char **argv)
{
	struct vdt_host *host = NULL;
	struct vdt_diag *d;
	void *hblob, *pblob;
	size_t hsize, psize;
	int i, guests = 3, failed = 0, rc;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: embed HOST.dtb PARTIAL.dtb [GUESTS]\n");
		return 2;
	}
	if (argc == 4)
		guests = atoi(argv[3]);
	if (guests < 1 || guests > 1000) {
		fprintf(stderr, "embed: GUESTS must be 1..1000\n");
		return 2;
	}
	printf("libviommu-dtgen %s (header %s)\n", vdt_version(),
	       VDT_VERSION_STRING);

	hblob = read_file(argv[1], &hsize);
	pblob = read_file(argv[2], &psize);
	d = vdt_diag_new();
	if (!hblob || !pblob || !d) {
		free(hblob);
		free(pblob);
		vdt_diag_delete(d);
		return 1;
	}

	/* The host tree: checked and indexed once, for every guest. */
	rc = vdt_host_open(hblob, hsize, argv[1], &host, d);
	free(hblob);		/* copied by vdt_host_open() */
	if (rc < 0) {
		print_diags("host", d);
		free(pblob);
		vdt_diag_delete(d);
		return 1;
	}
	print_diags("host", d);

	for (i = 0; i < guests; i++)
		if (build_guest(host, i, i % 2 ? VDT_POLICY_IDENTITY :
				VDT_POLICY_COMPACT, 0, pblob, psize, argv[2],
				d) < 0)
			failed++;

	/* A vID space of two IDs cannot hold the example's devices. */
	if (build_guest(host, guests, VDT_POLICY_COMPACT, 1, pblob, psize,
			argv[2], d) >= 0) {
		printf("embed: guest %d was built in a 1-bit vID space\n",
		       guests);
		failed++;
	}

	vdt_host_close(host);
	vdt_diag_delete(d);
	free(pblob);
	printf("%d guests built, %d failed\n", guests, failed);
	return failed ? 1 : 0;
}

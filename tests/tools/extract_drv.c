/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only driver of extract_partial() (not installed; the command-line
 * front is viommu-dtgen's system mode):
 *
 *   extract_drv [--xen-abi none|devid-map|vsmmuv3-v3] HOST.dtb OUT.dtb PATH...
 *
 * writes the partial generated from the host PATHs; warnings and the error
 * go to standard error as "warning: ..." / "error: ..." lines.  Exit 0, or
 * 1 on an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtgen.h"
#include "extract.h"

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n;

	*size = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*size == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		n = fread(buf + *size, 1, cap - *size, f);
		*size += n;
		if (n == 0)
			break;
	}
	fclose(f);
	return buf;
}

static void print_diag(const struct vdt_diag *d)
{
	char line[2048];
	size_t i;

	for (i = 0; i < d->nwarnings; i++) {
		vdt_note_format(&d->warnings[i], line, sizeof(line));
		fprintf(stderr, "warning: %s\n", line);
	}
	if (d->code < 0) {
		vdt_note_format(&d->error, line, sizeof(line));
		fprintf(stderr, "error: %s\n", line);
	}
}

int main(int argc, char **argv)
{
	enum vdt_xen_abi abi = VDT_ABI_DEVID_MAP;
	struct dtgen_blob host;
	struct vdt_diag d;
	struct hostdt h;
	void *hcopy = NULL, *out = NULL, *raw;
	size_t size = 0;
	FILE *f;
	int a = 1, rc;

	if (argc > 2 && strcmp(argv[1], "--xen-abi") == 0) {
		abi = strcmp(argv[2], "none") == 0 ? VDT_ABI_NONE :
		      strcmp(argv[2], "vsmmuv3-v3") == 0 ? VDT_ABI_VSMMUV3_V3 :
							   VDT_ABI_DEVID_MAP;
		a = 3;
	}
	if (argc - a < 3) {
		fprintf(stderr, "usage: extract_drv [--xen-abi ABI] HOST.dtb OUT.dtb PATH...\n");
		return 2;
	}
	raw = slurp(argv[a], &host.size);
	if (!raw) {
		fprintf(stderr, "error: cannot read %s\n", argv[a]);
		return 1;
	}
	host.data = raw;
	host.name = argv[a];
	vdt_diag_init(&d);
	rc = dtgen_host_open(&h, &host, &hcopy, &d);
	if (rc >= 0) {
		rc = extract_partial(&h, (const char *const *)argv + a + 2,
				     argc - a - 2, abi, &out, &size, &d);
		hostdt_close(&h);
	}
	print_diag(&d);
	vdt_diag_free(&d);
	free(hcopy);
	free(raw);
	if (rc >= 0) {
		f = fopen(argv[a + 1], "wb");
		if (!f || fwrite(out, 1, size, f) != size || fclose(f) != 0) {
			fprintf(stderr, "error: cannot write %s\n", argv[a + 1]);
			rc = -1;
		}
	}
	free(out);
	return rc < 0 ? 1 : 0;
}

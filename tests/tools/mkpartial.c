/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mkpartial: build a guest partial device tree (as DTS, on stdout) that
 * passes through every enabled node of a host DTB that is an IOMMU master.
 *
 *   mkpartial HOST.dtb > partial.dts
 *
 * A host node is passed through when it is enabled (its status and that of
 * every ancestor is absent, "okay" or "ok": a node under a disabled bus is
 * not enabled either), it has an `iommus` property, it is not an IOMMU
 * itself (no #iommu-cells) and it has no `iommu-map` (PCI host bridges are
 * not handled yet).  Each one becomes
 *   /passthrough/devN@ADDR { reg = <...>; xen,path = "<host path>"; }
 * in the host's document order (the reg only keeps dtc quiet; ADDR is a
 * made-up guest address).  The GIC placeholder (phandle 0xfde8) is added at
 * the root.  Test tool for the corpus test; not part of the product.
 */

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DTB_SIZE (64u * 1024u * 1024u)
#define MAX_DEPTH 256
#define DEV_BASE 0x10000000u
#define DEV_SIZE 0x1000u

static void *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *buf = NULL;
	size_t cap = 0, used = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		if (used == cap) {
			char *nbuf;

			if (cap >= MAX_DTB_SIZE) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto fail;
			buf = nbuf;
		}
		n = fread(buf + used, 1, cap - used, f);
		used += n;
		if (n == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	*len = used;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static int node_enabled(const void *fdt, int node)
{
	int len;
	const char *st = fdt_getprop(fdt, node, "status", &len);

	if (!st)
		return 1;
	if (len < 1 || st[len - 1] != '\0')
		return 0;
	return strcmp(st, "okay") == 0 || strcmp(st, "ok") == 0;
}

static void print_dts_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	size_t len;
	void *fdt;
	char path[4096];
	unsigned char enabled[MAX_DEPTH + 1];
	int node, depth = 0, ndev = 0, err;

	if (argc != 2) {
		fprintf(stderr, "usage: mkpartial HOST.dtb > partial.dts\n");
		return 2;
	}
	fdt = read_file(argv[1], &len);
	if (!fdt) {
		fprintf(stderr, "mkpartial: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (len < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
	    fdt_totalsize(fdt) > len) {
		fprintf(stderr, "mkpartial: %s: not a valid device tree blob\n",
			argv[1]);
		free(fdt);
		return 1;
	}

	printf("/dts-v1/;\n\n/ {\n");
	printf("\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n");
	printf("\tgic: gic {\n\t\t#address-cells = <0>;\n"
	       "\t\t#interrupt-cells = <3>;\n"
	       "\t\tinterrupt-controller;\n\t\tphandle = <0xfde8>;\n\t};\n\n");
	printf("\tpassthrough {\n\t\tcompatible = \"simple-bus\";\n"
	       "\t\tranges;\n\t\t#address-cells = <2>;\n"
	       "\t\t#size-cells = <2>;\n");

	enabled[0] = 1;
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth < 0 || depth > MAX_DEPTH) {
			fprintf(stderr, "mkpartial: %s: tree too deep\n",
				argv[1]);
			free(fdt);
			return 1;
		}
		enabled[depth] = node_enabled(fdt, node) &&
				 (depth == 0 || enabled[depth - 1]);
		if (!enabled[depth] ||
		    !fdt_getprop(fdt, node, "iommus", NULL) ||
		    fdt_getprop(fdt, node, "#iommu-cells", NULL) ||
		    fdt_getprop(fdt, node, "iommu-map", NULL))
			continue;
		if (ndev >= (int)((0xffffffffu - DEV_BASE) / DEV_SIZE)) {
			fprintf(stderr, "mkpartial: %s: too many devices\n",
				argv[1]);
			free(fdt);
			return 1;
		}
		err = fdt_get_path(fdt, node, path, sizeof(path));
		if (err) {
			fprintf(stderr, "mkpartial: %s: node at offset %d: %s\n",
				argv[1], node, fdt_strerror(err));
			free(fdt);
			return 1;
		}
		printf("\n\t\tdev%d@%x {\n", ndev,
		       DEV_BASE + (unsigned int)ndev * DEV_SIZE);
		printf("\t\t\treg = <0x0 0x%x 0x0 0x%x>;\n",
		       DEV_BASE + (unsigned int)ndev * DEV_SIZE, DEV_SIZE);
		printf("\t\t\txen,path = ");
		print_dts_string(path);
		printf(";\n\t\t};\n");
		ndev++;
	}
	if (node != -FDT_ERR_NOTFOUND) {
		fprintf(stderr, "mkpartial: %s: %s\n", argv[1],
			fdt_strerror(node));
		free(fdt);
		return 1;
	}
	printf("\t};\n};\n");
	free(fdt);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mkpartial: write error\n");
		return 1;
	}
	return 0;
}

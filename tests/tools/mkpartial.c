/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mkpartial: build a guest partial device tree (as DTS, on stdout) that
 * passes through every enabled node of a host DTB that is an IOMMU master
 * or an iommu-map user.
 *
 *   mkpartial HOST.dtb > partial.dts
 *
 * A host node is enabled when its status and that of every ancestor is
 * absent, "okay" or "ok" (a node under a disabled bus is not enabled
 * either).  An enabled node that is not an IOMMU itself (no #iommu-cells)
 * is passed through when it has "iommus" or "iommu-map", except an
 * iommu-map user that
 *   - holds an IOMMU in its subtree (QEMU's virtio-iommu sits below its own
 *     PCI bridge): a guest must never own the translation hardware;
 *   - has a malformed iommu-map (length, dangling phandle, past 0xffffffff)
 *     or two entries whose effective RID ranges overlap;
 *   - has an effective pID range that overlaps, without being equal to,
 *     another of its own or a range of a node already selected on the same
 *     IOMMU (the tool refuses that).  The selection is greedy in document order: the
 *     earlier node stays.
 * Each node left out that way gets a line "mkpartial: note: ..." on
 * stderr.  A node with no "iommus" and no reachable iommu-map entry (NXP's
 * fsl-mc placeholder <0 &smmu 0 0>) gets xen,force-assign-without-iommu,
 * with a note too.
 *
 * Each selected node becomes
 *   /passthrough/devN@ADDR { reg = <...>; xen,path = "<host path>"; }
 * in the host's document order (the reg only keeps dtc quiet; ADDR is a
 * made-up guest address).  The GIC placeholder (phandle 0xfde8) is added at
 * the root.  Test tool for the corpus test; not part of the product.
 */

#include <libfdt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtutil.h"

#define MAX_DEPTH 256
#define DEV_BASE 0x10000000u
#define DEV_SIZE 0x1000u

/* An effective pID range of a selected iommu-map user. */
struct range {
	int iommu;
	uint32_t pid, count;
	int node;		/* the user, for notes */
};

struct sel {
	const void *fdt;
	struct range *ranges;
	size_t nranges, cap;
};

static void note(const struct sel *s, int node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(const struct sel *s, int node, const char *fmt, ...)
{
	char pbuf[DTU_PATH_BUF];
	va_list ap;

	fprintf(stderr, "mkpartial: note: %s: ",
		dtu_path(s->fdt, node, pbuf));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The first IOMMU (a node with #iommu-cells) strictly below @node, or -1. */
static int iommu_below(const void *fdt, int node)
{
	int n, depth = 0;

	for (n = fdt_next_node(fdt, node, &depth); n >= 0 && depth > 0;
	     n = fdt_next_node(fdt, n, &depth))
		if (fdt_getprop(fdt, n, "#iommu-cells", NULL))
			return n;
	return -1;
}

/*
 * Whether iommu-map user @node may be passed through with the nodes
 * selected so far; if so its ranges join them.  Sets *@reachable to the
 * number of entries a RID can reach.
 * returns: 1 (take it), 0 (leave it out; a note says why), -1 (no memory)
 */
static int select_map_user(struct sel *s, int node, int *reachable)
{
	char why[DTU_PATH_BUF + 128], pbuf[DTU_PATH_BUF], obuf[DTU_PATH_BUF];
	struct dtu_map_entry *e;
	uint32_t mask;
	int n, i, k, a, b, has_mask, holder;
	size_t j;

	*reachable = 0;
	holder = iommu_below(s->fdt, node);
	if (holder >= 0) {
		note(s, node, "left out: it holds the IOMMU %s (a guest must never own the translation hardware)",
		     dtu_path(s->fdt, holder, pbuf));
		return 0;
	}
	n = dtu_read_iommu_map(s->fdt, node, &e, &mask, &has_mask, why,
			       sizeof(why));
	if (n < 0) {
		note(s, node, "left out: %s", why);
		free(e);	/* NULL: keeps the analyzer sure of it */
		return 0;
	}
	if (dtu_map_rid_overlap(e, n, &a, &b)) {
		note(s, node, "left out: iommu-map entries %d and %d overlap in RID space",
		     a, b);
		free(e);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!e[i].eff)
			continue;
		for (k = 0; k < i; k++) {
			if (!e[k].eff || e[k].iommu != e[i].iommu ||
			    !dtu_runs_clash(e[k].pid_base, e[k].eff,
					    e[i].pid_base, e[i].eff))
				continue;
			note(s, node, "left out: iommu-map entries %d and %d map onto pIDs 0x%x-0x%x and 0x%x-0x%x of %s, which overlap without being equal (the tool refuses that)",
			     k, i, e[k].pid_base, e[k].pid_base + (e[k].eff - 1),
			     e[i].pid_base, e[i].pid_base + (e[i].eff - 1),
			     dtu_path(s->fdt, e[i].iommu, pbuf));
			free(e);
			return 0;
		}
		for (j = 0; j < s->nranges; j++) {
			const struct range *r = &s->ranges[j];

			if (r->iommu != e[i].iommu ||
			    !dtu_runs_clash(r->pid, r->count, e[i].pid_base,
					    e[i].eff))
				continue;
			note(s, node, "left out: pIDs 0x%x-0x%x on %s overlap pIDs 0x%x-0x%x of %s without being equal (the tool refuses the pair; the earlier node stays)",
			     e[i].pid_base, e[i].pid_base + (e[i].eff - 1),
			     dtu_path(s->fdt, r->iommu, pbuf), r->pid,
			     r->pid + (r->count - 1),
			     dtu_path(s->fdt, r->node, obuf));
			free(e);
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		if (!e[i].eff)
			continue;
		if (s->nranges == s->cap) {
			size_t ncap = s->cap ? s->cap * 2 : 64;
			struct range *nr = realloc(s->ranges,
						   ncap * sizeof(*nr));

			if (!nr) {
				free(e);
				return -1;
			}
			s->ranges = nr;
			s->cap = ncap;
		}
		s->ranges[s->nranges].iommu = e[i].iommu;
		s->ranges[s->nranges].pid = e[i].pid_base;
		s->ranges[s->nranges].count = e[i].eff;
		s->ranges[s->nranges].node = node;
		s->nranges++;
		(*reachable)++;
	}
	free(e);
	return 1;
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
	struct sel s;
	void *fdt;
	char path[DTU_PATH_BUF];
	unsigned char enabled[MAX_DEPTH + 1];
	int node, depth = 0, ndev = 0, err, rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: mkpartial HOST.dtb > partial.dts\n");
		return 2;
	}
	fdt = dtu_read_dtb("mkpartial", argv[1]);
	if (!fdt)
		return 1;
	memset(&s, 0, sizeof(s));
	s.fdt = fdt;

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
		int has_iommus, has_map, reachable = 0, take;

		if (depth < 0 || depth > MAX_DEPTH) {
			fprintf(stderr, "mkpartial: %s: tree too deep\n",
				argv[1]);
			goto out;
		}
		enabled[depth] = dtu_status_ok(fdt, node) &&
				 (depth == 0 || enabled[depth - 1]);
		has_iommus = fdt_getprop(fdt, node, "iommus", NULL) != NULL;
		has_map = fdt_getprop(fdt, node, "iommu-map", NULL) != NULL;
		if (!enabled[depth] || (!has_iommus && !has_map) ||
		    fdt_getprop(fdt, node, "#iommu-cells", NULL))
			continue;
		if (has_map) {
			take = select_map_user(&s, node, &reachable);
			if (take < 0) {
				fprintf(stderr, "mkpartial: out of memory\n");
				goto out;
			}
			if (!take)
				continue;
		}
		if (ndev >= (int)((0xffffffffu - DEV_BASE) / DEV_SIZE)) {
			fprintf(stderr, "mkpartial: %s: too many devices\n",
				argv[1]);
			goto out;
		}
		err = fdt_get_path(fdt, node, path, sizeof(path));
		if (err) {
			fprintf(stderr, "mkpartial: %s: node at offset %d: %s\n",
				argv[1], node, fdt_strerror(err));
			goto out;
		}
		printf("\n\t\tdev%d@%x {\n", ndev,
		       DEV_BASE + (unsigned int)ndev * DEV_SIZE);
		printf("\t\t\treg = <0x0 0x%x 0x0 0x%x>;\n",
		       DEV_BASE + (unsigned int)ndev * DEV_SIZE, DEV_SIZE);
		printf("\t\t\txen,path = ");
		print_dts_string(path);
		printf(";\n");
		if (!has_iommus && !reachable) {
			note(&s, node, "no iommus and no reachable iommu-map entry: passed through with xen,force-assign-without-iommu");
			printf("\t\t\txen,force-assign-without-iommu;\n");
		}
		printf("\t\t};\n");
		ndev++;
	}
	if (node != -FDT_ERR_NOTFOUND) {
		fprintf(stderr, "mkpartial: %s: %s\n", argv[1],
			fdt_strerror(node));
		goto out;
	}
	printf("\t};\n};\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mkpartial: write error\n");
		goto out;
	}
	rc = 0;
out:
	free(s.ranges);
	free(fdt);
	return rc;
}

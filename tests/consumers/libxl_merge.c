/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxl_merge: what the Xen toolstack does with a partial device tree, and a
 * check of the guest device tree that results.  Test tool; not part of the
 * product.
 *
 *   libxl_merge merge BASE.dtb PARTIAL.dtb OUT.dtb [PHANDLE BASE,SIZE,SPI]
 *
 * Copies /passthrough and /aliases of PARTIAL (every property and subnode,
 * in order, except xen,path, xen,reg and xen,force-assign-without-iommu,
 * which Xen's dom0less builder strips) into BASE, the guest tree the
 * toolstack built (its GIC has phandle 65000), as libxl's copy_partial_fdt()
 * and dom0less do.  A partial whose /gic placeholder has a phandle of its
 * own (a dtc label, as dom0less partials write it) gets it for the guest's
 * GIC, as Xen's dom0less builder does (kinfo->phandle_gic).  With PHANDLE,
 * also adds the vIOMMU node that libxl
 * (viommu = "smmuv3") and dom0less make themselves, at the root:
 *   iommu@BASE { compatible = "arm,smmu-v3"; reg = <0 BASE 0 SIZE>;
 *     phandle = <PHANDLE>; #iommu-cells = <1>; interrupt-names = "combined";
 *     interrupt-parent = <GIC>; interrupts = <0 SPI-32 0xf04>; }
 *
 *   libxl_merge check MERGED.dtb PARTIAL.dtb PHANDLE
 *
 * Checks the merged guest tree: every phandle reference resolves
 * (interrupt-parent, interrupts-extended, interrupt-map, iommus, iommu-map,
 * msi-map, msi-parent and the common <&provider args> lists, each walked
 * with its provider's #...-cells), no two nodes share a phandle, exactly
 * one node has the vIOMMU PHANDLE and it is an arm,smmu-v3 with
 * #iommu-cells = <1>, no xen,* passthrough property is left, and each
 * device of PARTIAL's /passthrough that has xen,path (and no
 * xen,force-assign-without-iommu) reaches the vIOMMU, and only it, through
 * iommus or iommu-map.  Prints one line per problem and exits 1 if any.
 */

#include <errno.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/dtutil.h"

#define GIC_PHANDLE 0xfde8u
#define MAX_PATH 4096

static const char *me = "libxl_merge";

/* Read and check a DTB, or say why not on stderr (NULL). */
static void *load(const char *name)
{
	return dtu_read_dtb(me, name);
}

/* ------------------------------------------------------------------ merge */

static int stripped(const char *prop)
{
	return strcmp(prop, "xen,path") == 0 || strcmp(prop, "xen,reg") == 0 ||
	       strcmp(prop, "xen,force-assign-without-iommu") == 0;
}

/* Offsets of the properties (props != 0) or subnodes of `node`, in order;
 * *n gets their number.  NULL when out of memory. */
static int *members(const void *s, int node, int props, int *n)
{
	int off, i = 0, *v;

	*n = 0;
	if (props)
		fdt_for_each_property_offset(off, s, node)
			(*n)++;
	else
		fdt_for_each_subnode(off, s, node)
			(*n)++;
	v = calloc((size_t)*n + 1, sizeof(*v));
	if (!v)
		return NULL;
	if (props)
		fdt_for_each_property_offset(off, s, node)
			v[i++] = off;
	else
		fdt_for_each_subnode(off, s, node)
			v[i++] = off;
	return v;
}

/* Copy the properties and (recursively) the subnodes of node `src` of `s`
 * into node `dst` of `d`, in their order.  libfdt puts a new property or
 * subnode before the existing ones: add them last first. */
static int copy_node(void *d, int dst, const void *s, int src)
{
	int n, i, err = 0;
	int *v = members(s, src, 1, &n);

	if (!v)
		return -FDT_ERR_NOSPACE;
	for (i = n - 1; i >= 0 && !err; i--) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(s, v[i], &name, &len);

		if (!val)
			err = len;
		else if (!stripped(name))
			err = fdt_setprop(d, dst, name, val, len);
	}
	free(v);
	v = err ? NULL : members(s, src, 0, &n);
	if (!v)
		return err ? err : -FDT_ERR_NOSPACE;
	for (i = n - 1; i >= 0 && !err; i--) {
		int sub = fdt_add_subnode(d, dst, fdt_get_name(s, v[i], NULL));

		err = sub < 0 ? sub : copy_node(d, sub, s, v[i]);
	}
	free(v);
	return err;
}

/* The guest's GIC takes the phandle of the partial's /gic placeholder. */
static int renumber_gic(void *d, const void *part, uint32_t *gic)
{
	int pg = fdt_path_offset(part, "/gic"), node, err;
	uint32_t ph = pg >= 0 ? fdt_get_phandle(part, pg) : 0;

	*gic = GIC_PHANDLE;
	if (ph == 0 || ph == GIC_PHANDLE)
		return 0;
	node = fdt_node_offset_by_phandle(d, GIC_PHANDLE);
	if (node < 0)
		return node;
	err = fdt_setprop_u32(d, node, "phandle", ph);
	if (!err)
		err = fdt_setprop_u32(d, 0, "interrupt-parent", ph);
	*gic = ph;
	return err;
}

static int add_viommu(void *d, uint32_t phandle, uint64_t base,
		      uint64_t size, uint32_t spi, uint32_t gic)
{
	char name[64];
	fdt32_t reg[4] = { cpu_to_fdt32((uint32_t)(base >> 32)),
			   cpu_to_fdt32((uint32_t)base),
			   cpu_to_fdt32((uint32_t)(size >> 32)),
			   cpu_to_fdt32((uint32_t)size) };
	fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(spi - 32),
			   cpu_to_fdt32(0xf04) };
	int node, err;

	snprintf(name, sizeof(name), "iommu@%llx", (unsigned long long)base);
	node = fdt_add_subnode(d, 0, name);
	if (node < 0)
		return node;
	/* Last first: libfdt puts a new property before the others. */
	err = fdt_setprop(d, node, "interrupts", irq, sizeof(irq));
	if (!err)
		err = fdt_setprop_u32(d, node, "interrupt-parent", gic);
	if (!err)
		err = fdt_setprop_string(d, node, "interrupt-names", "combined");
	if (!err)
		err = fdt_setprop_u32(d, node, "#iommu-cells", 1);
	if (!err)
		err = fdt_setprop_u32(d, node, "phandle", phandle);
	if (!err)
		err = fdt_setprop(d, node, "reg", reg, sizeof(reg));
	if (!err)
		err = fdt_setprop_string(d, node, "compatible", "arm,smmu-v3");
	return err;
}

static int cmd_merge(int argc, char **argv)
{
	static const char *const copied[] = { "/passthrough", "/aliases" };
	void *base, *part, *d = NULL;
	long long vbase = 0, vsize = 0;
	unsigned long ph = 0;
	uint32_t gic = GIC_PHANDLE;
	long spi = 0;
	size_t cap;
	FILE *f;
	int rc = 1, err = 0;

	if (argc == 6) {
		char *end;

		ph = strtoul(argv[4], &end, 0);
		if (*end || sscanf(argv[5], "%lli,%lli,%li", &vbase, &vsize,
				   &spi) != 3 ||
		    vbase < 0 || vsize < 0 || spi < 32 || spi > 1019) {
			fprintf(stderr, "%s: bad vIOMMU '%s %s'\n", me, argv[4],
				argv[5]);
			return 2;
		}
	} else if (argc != 4) {
		fprintf(stderr, "usage: %s merge BASE PARTIAL OUT "
				"[PHANDLE BASE,SIZE,SPI]\n", me);
		return 2;
	}
	base = load(argv[1]);
	part = load(argv[2]);
	if (!base || !part)
		goto out;
	cap = fdt_totalsize(base) + 2 * fdt_totalsize(part) + 4096;
	d = malloc(cap);
	if (!d)
		goto out;
	err = fdt_open_into(base, d, (int)cap);
	if (!err)
		err = renumber_gic(d, part, &gic);
	for (size_t i = 0; !err && i < sizeof(copied) / sizeof(copied[0]); i++) {
		int src = fdt_path_offset(part, copied[i]), dst;

		if (src == -FDT_ERR_NOTFOUND)
			continue;
		if (src < 0) {
			err = src;
			break;
		}
		dst = fdt_path_offset(d, copied[i]);
		if (dst == -FDT_ERR_NOTFOUND)
			dst = fdt_add_subnode(d, 0, copied[i] + 1);
		err = dst < 0 ? dst : copy_node(d, dst, part, src);
	}
	if (!err && argc == 6)
		err = add_viommu(d, (uint32_t)ph, (uint64_t)vbase,
				 (uint64_t)vsize, (uint32_t)spi, gic);
	if (!err)
		err = fdt_pack(d);
	if (err) {
		fprintf(stderr, "%s: merge: %s\n", me, fdt_strerror(err));
		goto out;
	}
	f = fopen(argv[3], "wb");
	if (!f || fwrite(d, 1, fdt_totalsize(d), f) != fdt_totalsize(d) ||
	    fclose(f) != 0) {
		fprintf(stderr, "%s: %s: %s\n", me, argv[3], strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(base);
	free(part);
	free(d);
	return rc;
}

/* ------------------------------------------------------------------ check */

static const char *file;
static int problems;

static void problem(const void *fdt, int node, const char *prop,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(const void *fdt, int node, const char *prop,
		    const char *fmt, ...)
{
	char path[MAX_PATH] = "/";
	va_list ap;

	if (node >= 0)
		fdt_get_path(fdt, node, path, sizeof(path));
	printf("%s: %s: %s%s", file, path, prop ? prop : "", prop ? ": " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	problems++;
}

static int cells_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	if (!v)
		return dflt;
	return len == 4 ? (int)fdt32_to_cpu(*v) : -1;
}

/* Resolve a phandle or report it; returns the node or -1. */
static int resolve(const void *fdt, int node, const char *prop, uint32_t ph)
{
	int target = fdt_node_offset_by_phandle(fdt, ph);

	if (target < 0)
		problem(fdt, node, prop, "dangling phandle 0x%x", ph);
	return target < 0 ? -1 : target;
}

/* <&provider args...>... lists whose args count is the provider's CELLS. */
static const struct {
	const char *prop, *cells;
	int dflt;
} lists[] = {
	{ "iommus", "#iommu-cells", -1 },
	{ "interrupts-extended", "#interrupt-cells", -1 },
	{ "msi-parent", "#msi-cells", 0 },
	{ "clocks", "#clock-cells", -1 },
	{ "resets", "#reset-cells", -1 },
	{ "dmas", "#dma-cells", -1 },
	{ "phys", "#phy-cells", -1 },
	{ "power-domains", "#power-domain-cells", -1 },
	{ "mboxes", "#mbox-cells", -1 },
	{ "pwms", "#pwm-cells", -1 },
};

static void check_list(const void *fdt, int node, const char *prop,
		       const char *cells, int dflt)
{
	int len, n, i = 0;
	const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);

	if (!v)
		return;
	n = len / 4;
	if (len % 4)
		problem(fdt, node, prop, "length %d is not whole cells", len);
	while (i < n) {
		int t = resolve(fdt, node, prop, fdt32_to_cpu(v[i]));
		int c;

		if (t < 0)
			return;
		c = cells_of(fdt, t, cells, dflt);
		if (c < 0) {
			problem(fdt, node, prop, "provider has no valid %s",
				cells);
			return;
		}
		i += 1 + c;
	}
	if (i != n)
		problem(fdt, node, prop, "last specifier is cut short");
}

/* iommu-map / msi-map: <id-base &target target-base length>... */
static void check_map(const void *fdt, int node, const char *prop)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);

	if (!v)
		return;
	if (len % 16) {
		problem(fdt, node, prop, "length %d is not a multiple of 4 cells",
			len);
		return;
	}
	for (int i = 0; i < len / 4; i += 4)
		resolve(fdt, node, prop, fdt32_to_cpu(v[i + 1]));
}

static void check_interrupt_map(const void *fdt, int node)
{
	int len, n, i = 0;
	const fdt32_t *v = fdt_getprop(fdt, node, "interrupt-map", &len);
	int ca = cells_of(fdt, node, "#address-cells", 2);
	int ci = cells_of(fdt, node, "#interrupt-cells", 1);

	if (!v)
		return;
	n = len / 4;
	while (i < n) {
		int t, pa, pi;

		i += ca + ci;
		if (i >= n)
			break;
		t = resolve(fdt, node, "interrupt-map", fdt32_to_cpu(v[i]));
		if (t < 0)
			return;
		pa = cells_of(fdt, t, "#address-cells", 0);
		pi = cells_of(fdt, t, "#interrupt-cells", -1);
		if (pa < 0 || pi < 0) {
			problem(fdt, node, "interrupt-map",
				"parent has no valid #interrupt-cells");
			return;
		}
		i += 1 + pa + pi;
	}
	if (i != n || len % 4)
		problem(fdt, node, "interrupt-map", "last entry is cut short");
}

/* Does every IOMMU reference of `node` go to `viommu`?  Returns the number
 * of references (0: the node has none). */
static int iommu_refs(const void *fdt, int node, uint32_t viommu)
{
	int len, refs = 0;
	const fdt32_t *v = fdt_getprop(fdt, node, "iommus", &len);

	/* #iommu-cells of the vIOMMU is 1 (checked by the caller). */
	for (int i = 0; v && i + 1 < len / 4; i += 2, refs++)
		if (fdt32_to_cpu(v[i]) != viommu)
			problem(fdt, node, "iommus",
				"specifier %d references 0x%x, not the vIOMMU",
				i / 2, fdt32_to_cpu(v[i]));
	v = fdt_getprop(fdt, node, "iommu-map", &len);
	for (int i = 0; v && i + 3 < len / 4; i += 4, refs++)
		if (fdt32_to_cpu(v[i + 1]) != viommu)
			problem(fdt, node, "iommu-map",
				"entry %d references 0x%x, not the vIOMMU",
				i / 4, fdt32_to_cpu(v[i + 1]));
	return refs;
}

static int cmd_check(int argc, char **argv)
{
	void *m, *part;
	unsigned long viommu;
	int node, depth = 0, nviommu = 0, vnode = -1, masters = 0;
	char *end;

	if (argc != 4) {
		fprintf(stderr, "usage: %s check MERGED PARTIAL PHANDLE\n", me);
		return 2;
	}
	file = argv[1];
	viommu = strtoul(argv[3], &end, 0);
	if (*end || viommu == 0 || viommu >= 0xffffffffUL) {
		fprintf(stderr, "%s: bad phandle '%s'\n", me, argv[3]);
		return 2;
	}
	m = load(argv[1]);
	part = load(argv[2]);
	if (!m || !part) {
		free(m);
		free(part);
		return 1;
	}

	for (node = fdt_next_node(m, -1, &depth); node >= 0;
	     node = fdt_next_node(m, node, &depth)) {
		uint32_t ph = fdt_get_phandle(m, node);
		int other;

		if (ph == viommu) {
			nviommu++;
			vnode = node;
		}
		/* libfdt finds the first node with a phandle. */
		other = ph ? fdt_node_offset_by_phandle(m, ph) : node;
		if (other != node && ph != viommu)
			problem(m, node, "phandle", "0x%x is also on another node",
				ph);
		for (const char *const *p = (const char *const[]){
			     "xen,path", "xen,reg",
			     "xen,force-assign-without-iommu", NULL };
		     *p; p++)
			if (fdt_getprop(m, node, *p, NULL))
				problem(m, node, *p, "left in the guest tree");
		if (fdt_getprop(m, node, "interrupt-parent", NULL)) {
			int len;
			const fdt32_t *v = fdt_getprop(m, node,
						       "interrupt-parent", &len);
			if (len != 4)
				problem(m, node, "interrupt-parent",
					"not one cell");
			else
				resolve(m, node, "interrupt-parent",
					fdt32_to_cpu(*v));
		}
		for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			check_list(m, node, lists[i].prop, lists[i].cells,
				   lists[i].dflt);
		check_map(m, node, "iommu-map");
		check_map(m, node, "msi-map");
		check_interrupt_map(m, node);
	}
	if (nviommu != 1) {
		problem(m, -1, NULL, "%d nodes have the vIOMMU phandle 0x%lx",
			nviommu, viommu);
	} else {
		const char *c = fdt_getprop(m, vnode, "compatible", NULL);

		if (!c || strcmp(c, "arm,smmu-v3") != 0)
			problem(m, vnode, "compatible", "not arm,smmu-v3");
		if (cells_of(m, vnode, "#iommu-cells", -1) != 1)
			problem(m, vnode, "#iommu-cells", "not <1>");
	}

	/* The passthrough devices of the partial tree, at their path. */
	depth = 0;
	for (node = fdt_next_node(part, -1, &depth); node >= 0;
	     node = fdt_next_node(part, node, &depth)) {
		char path[MAX_PATH];
		int mn;

		if (!fdt_getprop(part, node, "xen,path", NULL) ||
		    fdt_get_path(part, node, path, sizeof(path)) != 0 ||
		    strncmp(path, "/passthrough/", 13) != 0)
			continue;
		mn = fdt_path_offset(m, path);
		if (mn < 0) {
			problem(m, -1, NULL, "%s: not in the guest tree", path);
			continue;
		}
		if (iommu_refs(m, mn, (uint32_t)viommu) > 0)
			masters++;
		else if (!fdt_getprop(part, node,
				      "xen,force-assign-without-iommu", NULL))
			problem(m, mn, NULL, "no iommus or iommu-map");
	}
	if (problems == 0)
		printf("%s: %d masters reach the vIOMMU 0x%lx\n", file, masters,
		       viommu);
	free(m);
	free(part);
	return problems ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s merge BASE PARTIAL OUT [PHANDLE BASE,SIZE,SPI]\n"
			"       %s check MERGED PARTIAL PHANDLE\n", me, me);
	return 2;
}

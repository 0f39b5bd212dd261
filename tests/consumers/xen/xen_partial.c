/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xen_partial: runs Xen's own partial-device-tree code (extracted from
 * Debian's Xen 4.17.5 source at test time, see tests/consumers/xen.sh) on a
 * partial DTB, the way libxl or Xen's dom0less builder does, then checks
 * the guest tree that results.
 *
 *   xen_partial [--viommu] libxl HOST.dtb PARTIAL.dtb [MERGED.dtb]
 *   xen_partial [--viommu] dom0less HOST.dtb PARTIAL.dtb [GUEST.dtb]
 *
 * libxl: a guest tree skeleton written as libxl__arch_domain_build's
 * sequential write does (root with #address-cells/#size-cells 2 and
 * interrupt-parent = <GUEST_PHANDLE_GIC>, a GICv3 node with phandle
 * 65000), libxl's check_partial_fdt and copy_partial_fdt.
 * dom0less: prepare_dtb_domU's start (root, phandle_gic = 65000), Xen's
 * check_partial_fdt and domain_handle_dtb_bootmodule (which copies /aliases
 * and /passthrough, assigns each device through the IOMMU shims, and takes
 * the GIC phandle from the partial's /gic), then the GIC node with that
 * phandle; and the rule of Xen master that 4.17 lacks (the oracle below).
 * --viommu: the toolstack also makes the vIOMMU node of the vSMMUv3 series
 * (iommu@4040000, "arm,smmu-v3", #iommu-cells 1, phandle 65002).
 *
 * Then, on the finished guest tree: every interrupt-parent, every iommus
 * specifier (its length from the target's #iommu-cells) and every
 * iommu-map entry's phandle resolves; no two nodes share a phandle; no
 * phandle is 0 or 0xffffffff.
 *
 * Exit 0 when Xen's code reported no error and the checks pass, 1 on any
 * failure (Xen's messages are on stderr), 2 on usage errors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "shim_domain.h"
#include "shim_log.h"
#include "xen_units.h"

/* xen/include/public/arch-arm.h */
#define GUEST_PHANDLE_GIC 65000u
#define GUEST_PHANDLE_VSMMUV3 65002u	/* the vSMMUv3 series */
#define GUEST_ROOT_ADDRESS_CELLS 2
#define GUEST_ROOT_SIZE_CELLS 2
#define GUEST_GICV3_GICD_BASE 0x03001000ull
#define GUEST_GICV3_GICD_SIZE 0x00010000ull
#define GUEST_GICV3_GICR0_BASE 0x03020000ull
#define GUEST_GICV3_GICR0_SIZE 0x01000000ull
#define GUEST_VSMMUV3_BASE 0x04040000ull
#define GUEST_VSMMUV3_SIZE 0x00040000ull
/* libxl_arm.c: the largest guest tree libxl grows its buffer to. */
#define FDT_MAX_SIZE (1u << 20)

static const char *prog = "xen_partial";
static const char *mode;
static int with_viommu;

static void *read_file(const char *name, size_t *size)
{
	FILE *f = fopen(name, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, name, strerror(errno));
		return NULL;
	}
	do {
		if (len == cap) {
			char *b;

			cap = cap ? cap * 2 : 65536;
			b = realloc(buf, cap);
			if (b == NULL) {
				free(buf);
				fclose(f);
				fprintf(stderr, "%s: out of memory\n", prog);
				return NULL;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	*size = len;
	return buf;
}

static int write_file(const char *name, const void *fdt)
{
	FILE *f = fopen(name, "wb");
	int ok;

	if (f == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, name, strerror(errno));
		return -1;
	}
	ok = fwrite(fdt, 1, fdt_totalsize(fdt), f) == fdt_totalsize(fdt);
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		fprintf(stderr, "%s: %s: write failed\n", prog, name);
	return ok ? 0 : -1;
}

/* fdt_property_regs (libxl_arm.c), for one or two (base, size) pairs. */
static int prop_regs(void *fdt, int n, const uint64_t *v)
{
	fdt32_t c[8];
	int i;

	for (i = 0; i < 2 * n; i++) {
		c[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		c[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	return fdt_property(fdt, "reg", c, (int)(sizeof(c[0]) * 4 * (size_t)n));
}

/* make_gicv3_node (libxl) / make_gicv3_domU_node (dom0less). */
static int make_gic(void *fdt, uint32_t phandle)
{
	const uint64_t regs[] = { GUEST_GICV3_GICD_BASE, GUEST_GICV3_GICD_SIZE,
				  GUEST_GICV3_GICR0_BASE, GUEST_GICV3_GICR0_SIZE };
	int r;

	if ((r = fdt_begin_node(fdt, "interrupt-controller@3001000")) ||
	    (r = fdt_property_string(fdt, "compatible", "arm,gic-v3")) ||
	    (r = fdt_property_cell(fdt, "#interrupt-cells", 3)) ||
	    (r = fdt_property_cell(fdt, "#address-cells", 0)) ||
	    (r = fdt_property(fdt, "interrupt-controller", NULL, 0)) ||
	    (r = prop_regs(fdt, 2, regs)) ||
	    (r = fdt_property_cell(fdt, "linux,phandle", phandle)) ||
	    (r = fdt_property_cell(fdt, "phandle", phandle)))
		return r;
	return fdt_end_node(fdt);
}

/* The vIOMMU node libxl / dom0less of the vSMMUv3 series (v3) write. */
static int make_viommu(void *fdt)
{
	const uint64_t regs[] = { GUEST_VSMMUV3_BASE, GUEST_VSMMUV3_SIZE };
	const fdt32_t irq[] = { cpu_to_fdt32(0), cpu_to_fdt32(1),
				cpu_to_fdt32(0xf04) };
	int r;

	if ((r = fdt_begin_node(fdt, "iommu@4040000")) ||
	    (r = fdt_property_string(fdt, "compatible", "arm,smmu-v3")) ||
	    (r = prop_regs(fdt, 1, regs)) ||
	    (r = fdt_property_cell(fdt, "phandle", GUEST_PHANDLE_VSMMUV3)) ||
	    (r = fdt_property_cell(fdt, "#iommu-cells", 1)) ||
	    (r = fdt_property_string(fdt, "interrupt-names", "combined")) ||
	    (r = fdt_property(fdt, "interrupts", irq, sizeof(irq))))
		return r;
	return fdt_end_node(fdt);
}

/* libxl__arch_domain_build's tree, the parts that matter here. */
static int build_libxl(void *fdt, int size, void *pfdt)
{
	int r;

	if ((r = fdt_create(fdt, size)) || (r = fdt_finish_reservemap(fdt)) ||
	    (r = fdt_begin_node(fdt, "")))
		return r;
	/* make_root_properties */
	if ((r = fdt_property(fdt, "compatible", "xen,xenvm-4.17\0xen,xenvm",
			      sizeof("xen,xenvm-4.17\0xen,xenvm"))) ||
	    (r = fdt_property_cell(fdt, "interrupt-parent", GUEST_PHANDLE_GIC)) ||
	    (r = fdt_property_cell(fdt, "#address-cells", GUEST_ROOT_ADDRESS_CELLS)) ||
	    (r = fdt_property_cell(fdt, "#size-cells", GUEST_ROOT_SIZE_CELLS)))
		return r;
	if ((r = make_gic(fdt, GUEST_PHANDLE_GIC)))
		return r;
	if (with_viommu && (r = make_viommu(fdt)))
		return r;
	if ((r = xen_libxl_copy_partial_fdt(fdt, pfdt)))
		return r;
	if ((r = fdt_end_node(fdt)))
		return r;
	return fdt_finish(fdt);
}

/* libxl: check, then the build with libxl's FDT() grow-and-retry. */
static void *run_libxl(void *pfdt, size_t psize)
{
	int size = 4096, r;
	void *fdt = NULL;

	if (xen_libxl_check_partial_fdt(pfdt, psize))
		return NULL;
	for (;;) {
		void *b = realloc(fdt, (size_t)size);

		if (b == NULL) {
			free(fdt);
			fprintf(stderr, "%s: out of memory\n", prog);
			return NULL;
		}
		fdt = b;
		/* A NOSPACE attempt also logs libxl's errors; they are retried. */
		xen_shim_errors = 0;
		r = build_libxl(fdt, size, pfdt);
		if (r == -FDT_ERR_NOSPACE && (unsigned int)size < FDT_MAX_SIZE) {
			size <<= 1;
			continue;
		}
		break;
	}
	if (r < 0) {
		fprintf(stderr, "%s: libxl: FDT build failed: %d = %s\n", prog, r,
			fdt_strerror(r));
		free(fdt);
		return NULL;
	}
	return fdt;
}

/* The highest phandle (or linux,phandle) of any node of FDT, 0 if none. */
static uint32_t max_phandle(const void *fdt)
{
	uint32_t max = 0;
	int off;

	for (off = 0; off >= 0; off = fdt_next_node(fdt, off, NULL)) {
		static const char *const names[] = { "phandle", "linux,phandle" };
		size_t i;

		for (i = 0; i < 2; i++) {
			int len;
			const fdt32_t *p = fdt_getprop(fdt, off, names[i], &len);

			if (p != NULL && len == 4 && fdt32_to_cpu(*p) > max)
				max = fdt32_to_cpu(*p);
		}
	}
	return max;
}

/*
 * dom0less: prepare_dtb_domU up to the GIC node.  Its buffer is
 * DOMU_DTB_SIZE (4 KiB) in 4.17; here it is larger, so that a partial
 * that 4.17 could not fit is still checked (the size is reported).
 */
static void *run_dom0less(void *pfdt, size_t psize)
{
	static struct domain dom = { .domain_id = 1 };
	struct bootmodule mod = { (uint64_t)(uintptr_t)pfdt, psize };
	struct kernel_info kinfo = { &dom, NULL, GUEST_PHANDLE_GIC, &mod };
	int size = 65536 + (int)psize * 2, r;
	uint32_t maxph;

	kinfo.fdt = malloc((size_t)size);
	if (kinfo.fdt == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return NULL;
	}
	if ((r = fdt_create(kinfo.fdt, size)) ||
	    (r = fdt_finish_reservemap(kinfo.fdt)) ||
	    (r = fdt_begin_node(kinfo.fdt, "")) ||
	    (r = fdt_property_cell(kinfo.fdt, "#address-cells", GUEST_ROOT_ADDRESS_CELLS)) ||
	    (r = fdt_property_cell(kinfo.fdt, "#size-cells", GUEST_ROOT_SIZE_CELLS)))
		goto fdt_err;
	r = xen_dom0less_handle_dtb_bootmodule(&dom, &kinfo);
	if (r) {
		/* What construct_domU prints when prepare_dtb_domU fails. */
		fprintf(stderr, "(XEN) [ERR] domain_handle_dtb_bootmodule: %d\n", r);
		xen_shim_errors++;
		free(kinfo.fdt);
		return NULL;
	}
	/*
	 * ORACLE, not Xen 4.17 code: Xen master's rule from commit a010efd323
	 * ("xen/dom0less: introduce next_phandle", 2026-04-27), implemented
	 * from its description: next_phandle = the highest phandle of the
	 * partial DT + 1, and it must stay below GUEST_PHANDLE_GIC (65000).
	 */
	maxph = max_phandle(pfdt);
	if (maxph + 1 >= GUEST_PHANDLE_GIC) {
		fprintf(stderr, "(XEN) [ERR] [oracle: master a010efd323] "
			"Phandle allocation overlaps Xen reserved range "
			"(highest phandle in the partial 0x%x)\n", maxph);
		xen_shim_errors++;
	}
	if ((r = make_gic(kinfo.fdt, kinfo.phandle_gic)))
		goto fdt_err;
	if (with_viommu && (r = make_viommu(kinfo.fdt)))
		goto fdt_err;
	if ((r = fdt_end_node(kinfo.fdt)) || (r = fdt_finish(kinfo.fdt)))
		goto fdt_err;
	if (fdt_totalsize(kinfo.fdt) > 4096)
		fprintf(stderr, "%s: note: the guest tree is %u bytes; Xen 4.17's "
			"DOMU_DTB_SIZE is 4096 (its own nodes not counted)\n",
			prog, fdt_totalsize(kinfo.fdt));
	return kinfo.fdt;
fdt_err:
	fprintf(stderr, "(XEN) Device tree generation failed (%d).\n", r);
	xen_shim_errors++;
	free(kinfo.fdt);
	return NULL;
}

static int check_fail(const void *fdt, int off, const char *prop,
		      const char *what, uint32_t ph)
{
	char path[512];

	if (fdt_get_path(fdt, off, path, sizeof(path)) < 0)
		strcpy(path, "?");
	fprintf(stderr, "%s: %s: %s: %s: %s 0x%x\n", prog, mode, path, prop,
		what, ph);
	return 1;
}

/* The node with phandle PH, or -1 (none) or -2 (several). */
static int node_of(const void *fdt, uint32_t ph)
{
	int off, found = -1;

	for (off = 0; off >= 0; off = fdt_next_node(fdt, off, NULL))
		if (fdt_get_phandle(fdt, off) == ph) {
			if (found >= 0)
				return -2;
			found = off;
		}
	return found;
}

/* The phandle checks on the finished guest tree; the number of failures. */
static int check_tree(const void *fdt)
{
	int off, bad = 0;

	for (off = 0; off >= 0; off = fdt_next_node(fdt, off, NULL)) {
		const fdt32_t *c;
		int len, i, n;
		uint32_t ph = fdt_get_phandle(fdt, off);

		if (fdt_getprop(fdt, off, "phandle", NULL) != NULL ||
		    fdt_getprop(fdt, off, "linux,phandle", NULL) != NULL) {
			if (ph == 0 || ph == 0xffffffffu)
				bad += check_fail(fdt, off, "phandle",
						  "invalid phandle", ph);
			else if (node_of(fdt, ph) == -2)
				bad += check_fail(fdt, off, "phandle",
						  "two nodes have phandle", ph);
		}
		c = fdt_getprop(fdt, off, "interrupt-parent", &len);
		if (c != NULL) {
			if (len != 4)
				bad += check_fail(fdt, off, "interrupt-parent",
						  "length is not one cell", (uint32_t)len);
			else if (node_of(fdt, fdt32_to_cpu(c[0])) == -1)
				bad += check_fail(fdt, off, "interrupt-parent",
						  "dangling phandle",
						  fdt32_to_cpu(c[0]));
		}
		c = fdt_getprop(fdt, off, "iommus", &len);
		n = c != NULL ? len / 4 : 0;
		for (i = 0; i < n;) {
			uint32_t t = fdt32_to_cpu(c[i]);
			int to = node_of(fdt, t), clen;
			const fdt32_t *cells;

			if (to == -1) {
				bad += check_fail(fdt, off, "iommus",
						  "dangling phandle", t);
				break;
			}
			cells = to >= 0 ? fdt_getprop(fdt, to, "#iommu-cells", &clen)
					: NULL;
			if (cells == NULL || clen != 4) {
				bad += check_fail(fdt, off, "iommus",
						  "target lacks #iommu-cells", t);
				break;
			}
			i += 1 + (int)fdt32_to_cpu(cells[0]);
			if (i > n) {
				bad += check_fail(fdt, off, "iommus",
						  "specifier cut short, cells",
						  (uint32_t)n);
				break;
			}
		}
		c = fdt_getprop(fdt, off, "iommu-map", &len);
		n = c != NULL ? len / 4 : 0;
		if (c != NULL && len % 16 != 0)
			bad += check_fail(fdt, off, "iommu-map",
					  "length is not 4-cell entries, bytes",
					  (uint32_t)len);
		for (i = 0; i + 3 < n; i += 4)
			if (node_of(fdt, fdt32_to_cpu(c[i + 1])) == -1)
				bad += check_fail(fdt, off, "iommu-map",
						  "dangling phandle",
						  fdt32_to_cpu(c[i + 1]));
	}
	return bad;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s [--viommu] libxl|dom0less HOST.dtb "
		"PARTIAL.dtb [OUT.dtb]\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	const char *pos[4];
	int npos = 0, i, bad;
	void *host, *pfdt, *fdt;
	size_t hsize, psize;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--viommu") == 0)
			with_viommu = 1;
		else if (argv[i][0] == '-' || npos == 4)
			return usage();
		else
			pos[npos++] = argv[i];
	}
	if (npos < 3)
		return usage();
	mode = pos[0];
	if (strcmp(mode, "libxl") != 0 && strcmp(mode, "dom0less") != 0)
		return usage();
	host = read_file(pos[1], &hsize);
	pfdt = host ? read_file(pos[2], &psize) : NULL;
	if (pfdt == NULL) {
		free(host);
		return 1;
	}
	if (fdt_check_header(host) != 0 || fdt_totalsize(host) > hsize) {
		fprintf(stderr, "%s: %s: not a valid DTB\n", prog, pos[1]);
		free(host);
		free(pfdt);
		return 1;
	}
	xen_shim_host_fdt = host;
	fdt = strcmp(mode, "libxl") == 0 ? run_libxl(pfdt, psize)
					 : run_dom0less(pfdt, psize);
	bad = fdt == NULL;
	if (fdt != NULL) {
		bad = check_tree(fdt) != 0;
		if (npos == 4 && write_file(pos[3], fdt) != 0)
			bad = 1;
	}
	if (xen_shim_errors != 0) {
		fprintf(stderr, "%s: %s: Xen reported %u error(s)\n", prog, mode,
			xen_shim_errors);
		bad = 1;
	}
	xen_shim_host_reset();
	free(fdt);
	free(pfdt);
	free(host);
	return bad ? 1 : 0;
}

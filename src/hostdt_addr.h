/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_HOSTDT_ADDR_H
#define VIOMMU_DTGEN_HOSTDT_ADDR_H

/*
 * Addresses in the host device tree: a node's "reg" translated to CPU
 * physical addresses through the "ranges" of every ancestor bus, and an
 * index of the 4 KiB pages every host device's registers occupy, to tell
 * who else a guest would see when a region is mapped whole pages at a time.
 */

#include <stddef.h>
#include <stdint.h>

#include <libfdt.h>

#include "diag.h"
#include "hostdt_query.h"

/* One "reg" entry, as a CPU physical address. */
struct hostdt_region {
	uint64_t addr;
	uint64_t size;
};

/**
 * hostdt_read_cells - the number held in @cells (at most 2) big-endian
 * cells at @p: an address or size of a "reg" or "ranges" entry
 *
 * returns: the number
 */
uint64_t hostdt_read_cells(const fdt32_t *p, int cells);

/**
 * hostdt_reg - every entry of @node's "reg", translated to CPU physical
 * addresses
 * @regs: on success with a count > 0, an array the caller frees; else NULL
 *
 * The address is translated through the "ranges" of every ancestor bus
 * (an empty "ranges" is the identity); addresses and sizes of up to two
 * cells are handled.
 *
 * returns:
 *	the number of entries (0 if @node has no "reg")
 *	-VDT_ERR_BADDT, for the root node, a malformed "reg" or "ranges", a
 *		bus without "ranges", or an address outside every "ranges"
 *		entry of a bus
 *	-VDT_ERR_UNSUPPORTED, for addresses of more than two cells
 *	-VDT_ERR_NOMEM
 */
int hostdt_reg(const struct hostdt *h, int node, struct hostdt_region **regs,
	       struct vdt_diag *d);

/**
 * hostdt_reg_base - @node's first "reg" address as a CPU physical address
 * @base: receives it
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, for a missing "reg", or as hostdt_reg()
 *	-VDT_ERR_UNSUPPORTED, as hostdt_reg()
 */
int hostdt_reg_base(const struct hostdt *h, int node, uint64_t *base,
		    struct vdt_diag *d);

/**
 * hostdt_iommu_base - the CPU physical address that identifies IOMMU @iommu
 * @base: receives it
 *
 * An IOMMU with a "reg" of its own is identified by it (hostdt_reg_base()).
 * One without (Qualcomm's qcom,msm-iommu-v1, whose registers are in its
 * iommu-ctx children) by the address it decodes: the parent-bus address of
 * its first "ranges" entry, translated like a "reg", or else the "reg" of
 * its first child that has one, translated through the IOMMU's "ranges".
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, for none of the three, or as hostdt_reg_base()
 *	-VDT_ERR_UNSUPPORTED, as hostdt_reg_base()
 */
int hostdt_iommu_base(const struct hostdt *h, int iommu, uint64_t *base,
		      struct vdt_diag *d);

/* The page size Xen maps guest memory in (xl's iomem, xen,reg). */
#define HOSTDT_PAGE_SHIFT 12
#define HOSTDT_PAGE_SIZE ((uint64_t)1 << HOSTDT_PAGE_SHIFT)

/**
 * hostdt_page_span - @r rounded out to whole pages
 * @first: receives the first page's number (address >> HOSTDT_PAGE_SHIFT)
 * @count: receives the number of pages (at least 1, even for size 0)
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, if the region runs past the end of the address space
 */
int hostdt_page_span(const struct hostdt_region *r, uint64_t *first,
		     uint64_t *count);

/* Every page range of every host node whose "reg" translates. */
struct hostdt_pages {
	struct hostdt_page_run *runs;	/* sorted by first page */
	uint64_t *max_end;		/* by run: highest end page so far */
	size_t n;
};

/**
 * hostdt_pages_build - index the pages of every node of @h with a "reg"
 * that translates to CPU addresses (nodes whose "reg" is not a CPU address,
 * such as an I2C device's or a PHY's, are left out without an error)
 * @p: filled on success; release with hostdt_pages_free()
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM
 */
int hostdt_pages_build(const struct hostdt *h, struct hostdt_pages *p);

/** hostdt_pages_free - release what hostdt_pages_build() allocated */
void hostdt_pages_free(struct hostdt_pages *p);

/**
 * hostdt_pages_users - the nodes with a register on a page of
 * [@first, @first + @count)
 * @out, @max: receives up to @max node offsets, in the order of their
 *	pages and then of the tree
 *
 * A node appears once for each of its regions on those pages.
 *
 * returns: how many entries there are (which may exceed @max)
 */
size_t hostdt_pages_users(const struct hostdt_pages *p, uint64_t first,
			  uint64_t count, int *out, size_t max);

#endif /* VIOMMU_DTGEN_HOSTDT_ADDR_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_XLKEYS_H
#define VIOMMU_DTGEN_XLKEYS_H

/*
 * What a guest's xl configuration must say for the devices of its partial
 * device tree (viommu-dtgen(1), XL CONFIGURATION, rules L1-L4): dtdev
 * (which host devices are assigned), iomem (their MMIO pages, and where
 * the guest sees them) and irqs (their interrupts).  Computed from the
 * host tree only, but for the guest addresses of the partial's xen,reg.
 */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hostdt_query.h"
#include "vbuf.h"

/* One iomem entry: @nr pages from host page @mfn, at guest page @gfn. */
struct xlkeys_iomem {
	uint64_t mfn, nr, gfn;
};

struct xlkeys {
	char **dtdev;			/* host paths, in document order */
	int ndtdev;
	struct xlkeys_iomem *iomem;	/* sorted by mfn, merged */
	int niomem;
	uint32_t *irqs;			/* interrupt IDs, ascending, once each */
	int nirqs;
	int ndevices;			/* passthrough devices (xen,path) */
};

/**
 * xlkeys_compute - the dtdev, iomem and irqs of the guest whose partial
 * tree is @partial
 * @h: the open host tree
 * @partial, @psize: the partial tree's blob
 * @pname: its name, for messages
 * @k: receives the keys (xlkeys_free() them, after an error too)
 * @d: receives the error, and a warning for every device not behind an
 *	IOMMU, page shared with a host device not passed through (L3) and
 *	interrupt that is not a GIC SPI (L4)
 *
 * Every node below the partial's /passthrough with a xen,path is a
 * device.  xen,reg is read with the cell sizes Xen's dom0less builder
 * uses: the parent's #address-cells and #size-cells, 2 and 1 where it
 * has none (/passthrough's own parent counts as having none).
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, for a malformed partial blob, xen,path or xen,reg,
 *		or a host reg or interrupt property that cannot be read
 *	-VDT_ERR_INPUT, for a xen,path naming no host node, a xen,reg that
 *		covers a host region only in part or moves it by less than a
 *		page, or two regions given one guest page (L2)
 *	-VDT_ERR_UNSUPPORTED, for cells Xen does not read (over two)
 *	-VDT_ERR_NOMEM
 */
int xlkeys_compute(const struct hostdt *h, const void *partial, size_t psize,
		   const char *pname, struct xlkeys *k, struct vdt_diag *d);

/** xlkeys_free - release what xlkeys_compute() allocated; @k is left empty */
void xlkeys_free(struct xlkeys *k);

/**
 * xlkeys_render - the values of dtdev, iomem and irqs in xl syntax
 * ("[ \"/a\", \"/b\" ]", "[ \"0xMFN,0xNR@0xGFN\" ]", "[ 64, 65 ]"),
 * appended to @dtdev, @iomem and @irqs, each NUL-terminated
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a host path xl cannot hold (xlcfg_quote())
 *	-VDT_ERR_NOMEM
 */
int xlkeys_render(const struct xlkeys *k, struct vbuf *dtdev,
		  struct vbuf *iomem, struct vbuf *irqs, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_XLKEYS_H */

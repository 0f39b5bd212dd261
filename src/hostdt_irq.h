/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_HOSTDT_IRQ_H
#define VIOMMU_DTGEN_HOSTDT_IRQ_H

/*
 * Interrupts of host device tree nodes, as the device tree specification
 * (v0.4, 2.4) reads them: "interrupts-extended" if present, else
 * "interrupts" against the interrupt parent found on the node or its
 * nearest ancestor.  Only what Xen can route to a guest matters here: the
 * shared peripheral interrupts of the GIC at the root of the interrupt
 * tree.
 */

#include <stdint.h>

#include "diag.h"
#include "hostdt_query.h"

/* One interrupt specifier. */
struct hostdt_irq {
	int ctrl;		/* offset of its controller (or nexus) node */
	int index;		/* position in the node's property */
	const uint32_t *cells;	/* big-endian cells, in the host blob */
	int ncells;		/* the controller's #interrupt-cells */
	int gic;		/* 1: the controller is a GIC Xen drives */
};

/**
 * hostdt_irqs - @node's interrupt specifiers
 * @irqs: on success with a count > 0, an array the caller frees; else NULL
 * @prop: receives the name of the property read ("interrupts-extended",
 *	"interrupts"), or NULL when there is none
 *
 * returns:
 *	the number of specifiers (0 if @node has no interrupts)
 *	-VDT_ERR_BADDT, for a property whose length does not match the
 *		controllers' #interrupt-cells, an interrupt parent that names
 *		no node or has no usable #interrupt-cells, or "interrupts"
 *		without any interrupt parent
 *	-VDT_ERR_NOMEM
 */
int hostdt_irqs(const struct hostdt *h, int node, struct hostdt_irq **irqs,
		const char **prop, struct vdt_diag *d);

/**
 * hostdt_irq_spi - the interrupt ID Xen and xl number @irq by (the GIC's
 * SPI number + 32), for a shared peripheral interrupt of a GIC
 *
 * returns:
 *	the interrupt ID (>= 32)
 *	-VDT_ERR_NOTFOUND, if @irq is not a SPI of a GIC (another
 *		controller, a nexus, a PPI, an extended-range interrupt)
 */
int hostdt_irq_spi(const struct hostdt_irq *irq);

#endif /* VIOMMU_DTGEN_HOSTDT_IRQ_H */

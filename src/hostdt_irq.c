/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "hostdt_irq.h"
#include "xen_abi.h"

/*
 * The GICs Xen's interrupt controller drivers match (xen/arch/arm/
 * gic-v2.c and gic-v3.c): only their SPIs can be routed to a guest.
 */
static const char *const xen_gics[] = {
	"arm,cortex-a15-gic",
	"arm,cortex-a7-gic",
	"arm,gic-400",
	"arm,gic-v3",
};

static int is_xen_gic(const struct hostdt *h, int node)
{
	size_t i;

	if (!fdt_getprop(h->fdt, node, "interrupt-controller", NULL))
		return 0;
	for (i = 0; i < sizeof(xen_gics) / sizeof(xen_gics[0]); i++)
		if (fdt_node_check_compatible(h->fdt, node, xen_gics[i]) == 0)
			return 1;
	return 0;
}

/* @node's #interrupt-cells, or -1 without a usable one. */
static int interrupt_cells(const struct hostdt *h, int node)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(h->fdt, node, "#interrupt-cells", &len);
	if (!p || len != 4 || fdt32_to_cpu(*p) < 1 || fdt32_to_cpu(*p) > 16)
		return -1;
	return (int)fdt32_to_cpu(*p);
}

/*
 * The interrupt parent of @node, as Linux's of_irq_find_parent() finds it:
 * follow "interrupt-parent", else go to the tree parent, until a node with
 * "#interrupt-cells" is reached.
 */
static int interrupt_parent(const struct hostdt *h, int node,
			    const char *npath, struct vdt_diag *d)
{
	char cpath[VDT_DIAG_NODE_LEN];
	const fdt32_t *p;
	int cur = node, next, len, steps;

	for (steps = 0; steps < VDT_MAX_DEPTH; steps++) {
		p = fdt_getprop(h->fdt, cur, "interrupt-parent", &len);
		if (p) {
			/* A bad property is named where it is: on @node
			 * or on the ancestor it was inherited from. */
			if (cur != node)
				hostdt_msg_path(h, cur, cpath, sizeof(cpath));
			if (len != 4)
				return vdt_error(d, VDT_ERR_BADDT, h->file,
						 cur != node ? cpath : npath,
						 "interrupt-parent",
						 "is %d bytes long, not 4", len);
			next = hostdt_node_by_phandle(h, fdt32_to_cpu(*p));
			if (next < 0)
				return vdt_error(d, VDT_ERR_BADDT, h->file,
						 cur != node ? cpath : npath,
						 "interrupt-parent",
						 "phandle 0x%x refers to no node",
						 fdt32_to_cpu(*p));
		} else {
			next = hostdt_parent(h, cur);
			if (next < 0)
				return vdt_error(d, VDT_ERR_BADDT, h->file,
						 npath, "interrupts",
						 "no interrupt parent: neither the node nor an ancestor names one");
		}
		if (fdt_getprop(h->fdt, next, "#interrupt-cells", NULL))
			return next;
		if (next == cur)
			break;
		cur = next;
	}
	return vdt_error(d, VDT_ERR_BADDT, h->file, npath, "interrupt-parent",
			 "the chain of interrupt parents reaches no interrupt controller");
}

/* Record entry @n, whose controller is @ctrl; returns its cell count. */
static int add_spec(const struct hostdt *h, struct hostdt_irq *out, int n,
		    int ctrl, const fdt32_t *cells, const char *npath,
		    const char *prop, struct vdt_diag *d)
{
	char cpath[VDT_DIAG_NODE_LEN];
	int nc = interrupt_cells(h, ctrl);

	if (nc < 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath, prop,
				 "interrupt controller %s has no usable #interrupt-cells",
				 hostdt_msg_path(h, ctrl, cpath, sizeof(cpath)));
	out[n].ctrl = ctrl;
	out[n].index = n;
	out[n].cells = (const uint32_t *)cells;
	out[n].ncells = nc;
	out[n].gic = is_xen_gic(h, ctrl);
	return nc;
}

int hostdt_irqs(const struct hostdt *h, int node, struct hostdt_irq **irqs,
		const char **prop, struct vdt_diag *d)
{
	char npath[VDT_DIAG_NODE_LEN];
	struct hostdt_irq *out;
	const fdt32_t *p;
	int len, ncell, i = 0, n = 0, ctrl = -1, nc, ext;

	*irqs = NULL;
	*prop = NULL;
	ext = fdt_getprop(h->fdt, node, "interrupts-extended", &len) != NULL;
	p = fdt_getprop(h->fdt, node,
			ext ? "interrupts-extended" : "interrupts", &len);
	if (!p)
		return 0;
	*prop = ext ? "interrupts-extended" : "interrupts";
	hostdt_msg_path(h, node, npath, sizeof(npath));
	if (len % 4 != 0)
		return vdt_error(d, VDT_ERR_BADDT, h->file, npath, *prop,
				 "length %d is not a multiple of 4", len);
	ncell = len / 4;
	if (ncell == 0)
		return 0;
	if (!ext) {
		ctrl = interrupt_parent(h, node, npath, d);
		if (ctrl < 0)
			return ctrl;
	}
	out = calloc((size_t)ncell, sizeof(*out));
	if (!out)
		return vdt_error(d, VDT_ERR_NOMEM, NULL, NULL, NULL,
				 "out of memory");
	while (i < ncell) {
		if (ext) {
			ctrl = hostdt_node_by_phandle(h, fdt32_to_cpu(p[i]));
			if (ctrl < 0) {
				free(out);
				return vdt_error(d, VDT_ERR_BADDT, h->file,
						 npath, *prop,
						 "phandle 0x%x of entry %d refers to no node",
						 fdt32_to_cpu(p[i]), n);
			}
			i++;
		}
		nc = add_spec(h, out, n, ctrl, p + i, npath, *prop, d);
		if (nc >= 0 && ncell - i < nc)
			nc = vdt_error(d, VDT_ERR_BADDT, h->file, npath, *prop,
				       "entry %d is cut short: %d of %d cells",
				       n, ncell - i, nc);
		if (nc < 0) {
			free(out);
			return nc;
		}
		i += nc;
		n++;
	}
	*irqs = out;
	return n;
}

int hostdt_irq_spi(const struct hostdt_irq *irq)
{
	uint32_t type, num;

	if (!irq->gic || irq->ncells < 3)
		return -VDT_ERR_NOTFOUND;
	type = fdt32_to_cpu(irq->cells[0]);
	num = fdt32_to_cpu(irq->cells[1]);
	/* SPIs are interrupt IDs 32-1019 (GICv3 spec, 2.2). */
	if (type != GIC_IRQ_TYPE_SPI || num > 1019u - GIC_SPI_BASE)
		return -VDT_ERR_NOTFOUND;
	return (int)(num + GIC_SPI_BASE);
}

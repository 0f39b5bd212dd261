/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A partial device tree generated from host paths (viommu-dtgen(1),
 * PARTIAL FROM HOST PATHS, rules E1-E10).  Each emitted node has its own
 * function, as libxl's make_*_node() do; every libfdt call is checked on
 * its own line.
 *
 * Two passes over the same walk: the first (analyse) reads every host node
 * the partial holds, refuses what cannot be read, decides which phandle
 * references stay, and numbers the output's phandles; the second writes
 * the blob with the sequential-write API, again from the start whenever
 * the buffer was too small.  Warnings are recorded by the writes, those
 * of a write cut short taken back, so they come once, in document order.
 *
 * Output order (E1): the root's properties, /gic, /passthrough; below it
 * the copied fixed clocks in the order the walk first meets a reference to
 * them, then the listed nodes in the order they were listed (the user's
 * order decides, as it decides the vSMMUv3 series' vSIDs), each with its
 * subtree in host order.  Within a node the host's property order is
 * kept, a rewritten property in the place of the host's; status,
 * xen,reg, xen,path, iommus and phandle come last when added.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "extract.h"
#include "hostdt_addr.h"
#include "hostdt_irq.h"
#include "u64map.h"
#include "xen_abi.h"

/* The generated partial may not grow past this many bytes. */
#define EXTRACT_MAX_BLOB (1u << 30)
/* Output phandle of the GIC placeholder: the lowest (E7). */
#define EXTRACT_GIC_PHANDLE 1u
/* /passthrough's and the root's cells (E2). */
#define EXTRACT_CELLS 2
/* The guest's GIC interrupt specifier: type, number, flags (E5). */
#define EXTRACT_IRQ_CELLS 3
/* Host devices named in one shared-page warning pass, at most. */
#define EXTRACT_MAX_SHARERS 64

/*
 * E6: properties that hold phandles of other host nodes, with the
 * "#...-cells" property of the target that gives each specifier's length
 * (NULL: a list of bare phandles) and the "-names" (or other companion)
 * property that loses its meaning with them.  Facts from the bindings in
 * Linux's Documentation/devicetree/bindings (clock, reset, power-domain,
 * phy, dma, mailbox, interconnect, iio, pwm, nvmem, hwlock, sound, gpio,
 * regulator, pinctrl, net (phy-handle, pcs-handle), reserved-memory,
 * opp, graph, usb (an EHCI's companion), sram) and the device tree
 * specification (iommus, msi-parent); vendor properties named
 * "...-phandle" by convention.  A vendor property holding a phandle under
 * another name is not known, and is copied.
 */
enum ref_match { REF_EXACT, REF_SUFFIX, REF_PINCTRL };

struct ref_prop {
	const char *name;	/* the name, or its suffix, or "pinctrl-" */
	enum ref_match match;
	const char *cells;	/* the target's #...-cells, or NULL */
	const char *names;	/* dropped with it, or NULL */
};

static const struct ref_prop ref_props[] = {
	{ "clocks", REF_EXACT, "#clock-cells", "clock-names" },
	{ "assigned-clocks", REF_EXACT, "#clock-cells", "assigned-clock-rates" },
	{ "assigned-clock-parents", REF_EXACT, "#clock-cells", NULL },
	{ "resets", REF_EXACT, "#reset-cells", "reset-names" },
	{ "power-domains", REF_EXACT, "#power-domain-cells",
	  "power-domain-names" },
	{ "phys", REF_EXACT, "#phy-cells", "phy-names" },
	{ "dmas", REF_EXACT, "#dma-cells", "dma-names" },
	{ "mboxes", REF_EXACT, "#mbox-cells", "mbox-names" },
	{ "interconnects", REF_EXACT, "#interconnect-cells",
	  "interconnect-names" },
	{ "io-channels", REF_EXACT, "#io-channel-cells", "io-channel-names" },
	{ "pwms", REF_EXACT, "#pwm-cells", "pwm-names" },
	{ "nvmem-cells", REF_EXACT, NULL, "nvmem-cell-names" },
	{ "hwlocks", REF_EXACT, "#hwlock-cells", "hwlock-names" },
	{ "sound-dai", REF_EXACT, "#sound-dai-cells", NULL },
	{ "gpios", REF_EXACT, "#gpio-cells", NULL },
	{ "-gpios", REF_SUFFIX, "#gpio-cells", NULL },
	{ "-gpio", REF_SUFFIX, "#gpio-cells", NULL },
	{ "-supply", REF_SUFFIX, NULL, NULL },
	{ "pinctrl-", REF_PINCTRL, NULL, "pinctrl-names" },
	{ "-handle", REF_SUFFIX, NULL, NULL },
	{ "-phandle", REF_SUFFIX, NULL, NULL },
	{ "companion", REF_EXACT, NULL, NULL },
	{ "sram", REF_EXACT, NULL, NULL },
	{ "memory-region", REF_EXACT, NULL, "memory-region-names" },
	{ "operating-points-v2", REF_EXACT, NULL, NULL },
	{ "remote-endpoint", REF_EXACT, NULL, NULL },
	{ "msi-parent", REF_EXACT, "#msi-cells", NULL },
	{ "iommus", REF_EXACT, "#iommu-cells", NULL },
	{ "iommu-map", REF_EXACT, "", "iommu-map-mask" },
};

#define NREF ((int)(sizeof(ref_props) / sizeof(ref_props[0])))
/* struct node_info keeps one bit per row. */
_Static_assert(sizeof(ref_props) / sizeof(ref_props[0]) <= 64,
	       "ref_props has more rows than node_info.dropped has bits");

/* The run's state. */
struct ex {
	const struct hostdt *h;
	struct vdt_diag *d;
	enum vdt_xen_abi abi;
	int *tops;		/* listed nodes copied below /passthrough */
	uint64_t *top_addr;	/* their first reg address, their unit address */
	int ntops;
	struct u64map top;	/* host offset -> 1, for the tops */
	struct u64map listed;	/* host offset -> 1, every listed node */
	struct u64map ph;	/* host offset -> output phandle */
	int *clocks;		/* fixed clocks copied, in first-reference order */
	int nclocks, cap_clocks;
	uint32_t next_ph;	/* the next output phandle to give */
	struct hostdt_pages pages;
	int warn;		/* record warnings: writing, not analysing */
	int fdt_err;		/* the libfdt error that stopped a write */
};

/* What one host node becomes; filled by node_info(). */
struct node_info {
	int node;
	int dev;			/* a listed node (E3) */
	int top;			/* a child of /passthrough (E3) */
	int ac, sc;			/* the cells xen,reg is read in (E4) */
	char path[VDT_DIAG_NODE_LEN];
	struct hostdt_region *regs;
	int nregs;
	struct hostdt_irq *irqs;
	int nirqs;
	const char *irq_prop;		/* "interrupts(-extended)" or NULL */
	int nkept;			/* interrupts kept (GIC SPIs) */
	uint64_t dropped;		/* bit i: a ref_props[i] property goes */
};

static int nomem(struct ex *x)
{
	return vdt_error(x->d, VDT_ERR_NOMEM, NULL, NULL, NULL,
			 "out of memory");
}

/* A libfdt error while writing: remembered, and the write stops. */
static int fdt_fail(struct ex *x, int rc)
{
	x->fdt_err = rc;
	return -VDT_ERR_BADDT;
}

/* The table row @name belongs to, or -1. */
static int ref_index(const char *name)
{
	size_t nl = strlen(name), sl;
	const char *p;
	int i;

	if (name[0] == '#')
		return -1;
	for (i = 0; i < NREF; i++) {
		sl = strlen(ref_props[i].name);
		switch (ref_props[i].match) {
		case REF_EXACT:
			if (strcmp(name, ref_props[i].name) == 0)
				return i;
			break;
		case REF_SUFFIX:
			if (nl > sl &&
			    strcmp(name + nl - sl, ref_props[i].name) == 0)
				return i;
			break;
		case REF_PINCTRL:
			if (nl <= sl || strncmp(name, ref_props[i].name, sl) != 0)
				break;
			for (p = name + sl; *p >= '0' && *p <= '9'; p++)
				;
			if (*p == '\0')
				return i;
			break;
		}
	}
	return -1;
}

/* The table row whose companion is @name, or -1. */
static int companion_index(const char *name)
{
	int i;

	for (i = 0; i < NREF; i++)
		if (ref_props[i].names && strcmp(name, ref_props[i].names) == 0)
			return i;
	return -1;
}

/* Whether host node @node is in the subtree of a listed top node. */
static int in_copy(const struct ex *x, int node)
{
	int n;

	for (n = node; n >= 0; n = hostdt_parent(x->h, n))
		if (u64map_get(&x->top, (uint64_t)(unsigned)n) >= 0)
			return 1;
	return 0;
}

static int is_fixed_clock(const struct ex *x, int node)
{
	return fdt_node_check_compatible(x->h->fdt, node, "fixed-clock") == 0;
}

/* Give host node @node an output phandle (and queue it as a fixed clock
 * to copy when it is outside the copy). */
static int give_phandle(struct ex *x, int node, int clock)
{
	int *grown;

	if (u64map_get(&x->ph, (uint64_t)(unsigned)node) >= 0)
		return 0;
	if (x->next_ph > XEN_DOM0LESS_PHANDLE_MAX)
		return vdt_error(x->d, VDT_ERR_UNSUPPORTED, x->h->file, NULL,
				 NULL,
				 "the partial needs more than %u phandles (Xen's dom0less builder takes phandles below %u)",
				 XEN_DOM0LESS_PHANDLE_MAX, XEN_PHANDLE_MIN - 1);
	if (u64map_put(&x->ph, (uint64_t)(unsigned)node, (int)x->next_ph) < 0)
		return nomem(x);
	x->next_ph++;
	if (!clock)
		return 0;
	if (x->nclocks == x->cap_clocks) {
		x->cap_clocks = x->cap_clocks ? x->cap_clocks * 2 : 4;
		grown = realloc(x->clocks,
				(size_t)x->cap_clocks * sizeof(*grown));
		if (!grown)
			return nomem(x);
		x->clocks = grown;
	}
	x->clocks[x->nclocks++] = node;
	return 0;
}

/*
 * One specifier of reference property row @t at cell @i of the @n cells
 * at @v: its target's offset in *@target and its length in cells, or -1
 * when it cannot be parsed (a phandle naming no node, a target without
 * the #...-cells, a value cut short).
 */
static int ref_spec(const struct ex *x, const struct ref_prop *t,
		    const fdt32_t *v, int i, int n, int *target)
{
	const fdt32_t *c;
	uint32_t cells = 0;
	int len;

	*target = hostdt_node_by_phandle(x->h, fdt32_to_cpu(v[i]));
	if (*target < 0 || (t->cells && !t->cells[0]))
		return -1;
	if (t->cells) {
		c = fdt_getprop(x->h->fdt, *target, t->cells, &len);
		if (!c || len != 4 || fdt32_to_cpu(*c) > 16)
			return -1;
		cells = fdt32_to_cpu(*c);
	}
	if ((uint32_t)(n - i) < 1 + cells)
		return -1;
	return 1 + (int)cells;
}

/*
 * E6: whether reference property row @t, value @v of @len bytes, stays:
 * every phandle names a node of the copy, or (clocks) a fixed clock,
 * which is then copied too.  With @assign the targets get their output
 * phandles.  Returns 1 (stays), 0 (goes) or a negative VDT_ERR_*.
 */
static int ref_keep(struct ex *x, int row, const void *val, int len,
		    int assign)
{
	const struct ref_prop *t = &ref_props[row];
	const fdt32_t *v = val;
	int n = len / 4, i, step, target, clock, rc;

	if (len <= 0 || len % 4 != 0)
		return 0;
	for (i = 0; i < n; i += step) {
		step = ref_spec(x, t, v, i, n, &target);
		if (step < 0)
			return 0;
		clock = !in_copy(x, target);
		if (clock && (strcmp(t->name, "clocks") != 0 ||
			      !is_fixed_clock(x, target)))
			return 0;
	}
	for (i = 0; assign && i < n; i += step) {
		step = ref_spec(x, t, v, i, n, &target);
		rc = give_phandle(x, target, !in_copy(x, target));
		if (rc < 0)
			return rc;
	}
	return 1;
}

/* The output phandle of host node @node, or 0. */
static uint32_t out_phandle(const struct ex *x, int node)
{
	int ph = u64map_get(&x->ph, (uint64_t)(unsigned)node);

	return ph > 0 ? (uint32_t)ph : 0;
}

static void node_info_free(struct node_info *ni)
{
	free(ni->regs);
	free(ni->irqs);
	ni->regs = NULL;
	ni->irqs = NULL;
}

/* Whether interrupt @irq stays (E5): a SPI of a GIC Xen drives. */
static int irq_kept(const struct hostdt_irq *irq)
{
	return hostdt_irq_spi(irq) >= 0;
}

/*
 * E4: the cells Xen's dom0less builder reads a node's xen,reg in, its
 * parent's in the partial: /passthrough's 2 and 2 for a child of it; for
 * a listed node below another, those of its copied parent, which keeps
 * the host's #address-cells and #size-cells.
 */
static int xen_reg_cells(struct ex *x, struct node_info *ni)
{
	int parent;

	ni->ac = ni->sc = EXTRACT_CELLS;
	if (ni->top)
		return 0;
	parent = hostdt_parent(x->h, ni->node);
	ni->ac = fdt_address_cells(x->h->fdt, parent);
	ni->sc = fdt_size_cells(x->h->fdt, parent);
	if (ni->ac < 1 || ni->ac > 2 || ni->sc < 1 || ni->sc > 2)
		return vdt_error(x->d, VDT_ERR_UNSUPPORTED, x->h->file,
				 ni->path, "reg",
				 "a listed node below another, whose parent has #address-cells %d and #size-cells %d: xen,reg is written in 1 or 2 cells",
				 ni->ac, ni->sc);
	return 0;
}

/*
 * What host node @node becomes: its regions (a listed node), its
 * interrupts, and which reference properties stay (with @assign, their
 * targets get phandles).
 */
static int node_info(struct ex *x, int node, struct node_info *ni, int assign)
{
	uint64_t first, count;
	const char *name;
	const void *val;
	int off, len, row, i, rc;

	memset(ni, 0, sizeof(*ni));
	ni->node = node;
	ni->dev = u64map_get(&x->listed, (uint64_t)(unsigned)node) >= 0;
	hostdt_msg_path(x->h, node, ni->path, sizeof(ni->path));
	ni->top = u64map_get(&x->top, (uint64_t)(unsigned)node) >= 0;
	if (ni->dev) {
		rc = xen_reg_cells(x, ni);
		if (rc < 0)
			return rc;
		ni->nregs = hostdt_reg(x->h, node, &ni->regs, x->d);
		if (ni->nregs < 0)
			return ni->nregs;
		if (ni->nregs == 0)
			return vdt_error(x->d, VDT_ERR_INPUT, x->h->file,
					 ni->path, "reg",
					 "missing: a listed node needs registers to map (xen,reg)");
		for (i = 0; i < ni->nregs; i++) {
			if (hostdt_page_span(&ni->regs[i], &first, &count) < 0)
				return vdt_error(x->d, VDT_ERR_BADDT,
						 x->h->file, ni->path, "reg",
						 "entry %d runs past the end of the address space",
						 i);
			if ((ni->ac < 2 && first >> (32 - HOSTDT_PAGE_SHIFT)) ||
			    (ni->sc < 2 && count >> (32 - HOSTDT_PAGE_SHIFT)))
				return vdt_error(x->d, VDT_ERR_UNSUPPORTED,
						 x->h->file, ni->path, "reg",
						 "entry %d: its pages do not fit xen,reg in the %d address and %d size cells of the parent",
						 i, ni->ac, ni->sc);
		}
	}
	ni->nirqs = hostdt_irqs(x->h, node, &ni->irqs, &ni->irq_prop, x->d);
	if (ni->nirqs < 0)
		return ni->nirqs;
	for (i = 0; i < ni->nirqs; i++)
		ni->nkept += irq_kept(&ni->irqs[i]);
	fdt_for_each_property_offset(off, x->h->fdt, node) {
		val = fdt_getprop_by_offset(x->h->fdt, off, &name, &len);
		row = val ? ref_index(name) : -1;
		if (row < 0)
			continue;
		/* A listed node's IOMMU properties are the pipeline's (E8). */
		if (ni->dev && (strcmp(name, "iommus") == 0 ||
				strcmp(name, "iommu-map") == 0))
			continue;
		rc = ref_keep(x, row, val, len, assign);
		if (rc < 0)
			return rc;
		if (rc == 0)
			ni->dropped |= (uint64_t)1 << row;
	}
	return 0;
}

/* ---- analysis ------------------------------------------------------------ */

/* E3, E9: the listed paths, each a full host path other than the root;
 * one below another listed path is copied within it. */
static int resolve_paths(struct ex *x, const char *const *paths, int npaths)
{
	char full[VDT_DIAG_NODE_LEN] = "";
	int i, node, n;

	if (npaths <= 0)
		return vdt_error(x->d, VDT_ERR_INPUT, x->h->file, NULL, NULL,
				 "no host path given");
	x->tops = calloc((size_t)npaths, sizeof(*x->tops));
	x->top_addr = calloc((size_t)npaths, sizeof(*x->top_addr));
	if (!x->tops || !x->top_addr)
		return nomem(x);
	for (i = 0; i < npaths; i++) {
		if (!paths[i] || paths[i][0] != '/')
			return vdt_error(x->d, VDT_ERR_INPUT, x->h->file,
					 paths[i] ? paths[i] : "(null)", NULL,
					 "not an absolute host path");
		node = hostdt_node_by_path(x->h, paths[i]);
		if (node < 0)
			return vdt_error(x->d, VDT_ERR_INPUT, x->h->file,
					 paths[i], NULL, "no such host node");
		if (node == 0)
			return vdt_error(x->d, VDT_ERR_INPUT, x->h->file, "/",
					 NULL,
					 "the root cannot be passed through");
		/* libfdt also finds /soc/eth for /soc/eth@1. */
		if (hostdt_get_path(x->h, node, full, sizeof(full)) < 0 ||
		    strcmp(full, paths[i]) != 0)
			return vdt_error(x->d, VDT_ERR_INPUT, x->h->file,
					 paths[i], NULL,
					 "not the full path of host node %s",
					 full);
		if (u64map_put(&x->listed, (uint64_t)(unsigned)node, 1) < 0)
			return nomem(x);
	}
	/* The tops, in listed order, each once. */
	for (i = 0; i < npaths; i++) {
		node = hostdt_node_by_path(x->h, paths[i]);
		for (n = hostdt_parent(x->h, node); n >= 0;
		     n = hostdt_parent(x->h, n))
			if (u64map_get(&x->listed, (uint64_t)(unsigned)n) >= 0)
				break;
		if (n >= 0 || u64map_get(&x->top, (uint64_t)(unsigned)node) >= 0)
			continue;
		if (u64map_put(&x->top, (uint64_t)(unsigned)node, 1) < 0)
			return nomem(x);
		x->tops[x->ntops++] = node;
	}
	return 0;
}

/* Read every node of @top's subtree: errors, and phandles (E6, E7);
 * *@addr receives @top's first reg address, if it has one. */
static int analyse_subtree(struct ex *x, int top, uint64_t *addr)
{
	struct node_info ni;
	int node, depth = 0, rc = 0;

	for (node = top; node >= 0 && depth >= 0 && rc >= 0;
	     node = fdt_next_node(x->h->fdt, node, &depth)) {
		if (node != top && depth <= 0)
			break;
		rc = node_info(x, node, &ni, 1);
		if (rc >= 0 && node == top && ni.nregs > 0)
			*addr = ni.regs[0].addr;
		node_info_free(&ni);
	}
	return rc;
}

/*
 * E3: the name of copied node @i (fixed clocks first, then the tops): a
 * top's unit address becomes its first reg address in the guest, the
 * CPU's (its host one is on its host bus); a fixed clock keeps its name.
 */
static void out_name(const struct ex *x, int i, char *buf, size_t len)
{
	int node = i < x->nclocks ? x->clocks[i] : x->tops[i - x->nclocks];
	const char *name = fdt_get_name(x->h->fdt, node, NULL);
	const char *at = strchr(name, '@');

	if (i < x->nclocks)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%.*s@%llx",
			 (int)(at ? (size_t)(at - name) : strlen(name)), name,
			 (unsigned long long)x->top_addr[i - x->nclocks]);
}

/* Two nodes below /passthrough of one name: refused (E1). */
static int check_names(struct ex *x)
{
	char na[VDT_DIAG_NODE_LEN], nb[VDT_DIAG_NODE_LEN];
	char pa[VDT_DIAG_NODE_LEN], pb[VDT_DIAG_NODE_LEN];
	int n = x->ntops + x->nclocks, i, j, a, b;

	for (i = 0; i < n; i++) {
		out_name(x, i, na, sizeof(na));
		for (j = i + 1; j < n; j++) {
			out_name(x, j, nb, sizeof(nb));
			if (strcmp(na, nb) != 0)
				continue;
			a = i < x->nclocks ? x->clocks[i] :
					     x->tops[i - x->nclocks];
			b = j < x->nclocks ? x->clocks[j] :
					     x->tops[j - x->nclocks];
			hostdt_msg_path(x->h, a, pa, sizeof(pa));
			return vdt_error(x->d, VDT_ERR_CONFLICT, x->h->file,
					 hostdt_msg_path(x->h, b, pb,
							 sizeof(pb)),
					 NULL,
					 "would have the name of %s below /passthrough: %s",
					 pa, na);
		}
	}
	return 0;
}

static int analyse(struct ex *x)
{
	uint64_t unused;
	int i, rc = 0;

	x->next_ph = EXTRACT_GIC_PHANDLE + 1;
	for (i = 0; i < x->ntops && rc >= 0; i++)
		rc = analyse_subtree(x, x->tops[i], &x->top_addr[i]);
	/* Fixed clocks are queued as met, and read in their turn. */
	for (i = 0; i < x->nclocks && rc >= 0; i++)
		rc = analyse_subtree(x, x->clocks[i], &unused);
	if (rc >= 0)
		rc = check_names(x);
	if (rc >= 0 && hostdt_pages_build(x->h, &x->pages) < 0)
		rc = nomem(x);
	return rc;
}

/* ---- writing ------------------------------------------------------------- */

static int prop_u32(struct ex *x, void *out, const char *name, uint32_t v)
{
	int rc = fdt_property_u32(out, name, v);

	return rc < 0 ? fdt_fail(x, rc) : 0;
}

static int prop_string(struct ex *x, void *out, const char *name,
		       const char *s)
{
	int rc = fdt_property_string(out, name, s);

	return rc < 0 ? fdt_fail(x, rc) : 0;
}

/* Room for @len bytes of property @name, at *@p. */
static int prop_room(struct ex *x, void *out, const char *name, int len,
		     fdt32_t **p)
{
	void *v;
	int rc = fdt_property_placeholder(out, name, len, &v);

	if (rc < 0)
		return fdt_fail(x, rc);
	*p = v;
	return 0;
}

static void put64(fdt32_t *p, uint64_t v)
{
	p[0] = cpu_to_fdt32((uint32_t)(v >> 32));
	p[1] = cpu_to_fdt32((uint32_t)v);
}

/* @v in @cells (1 or 2) cells. */
static void put_cells(fdt32_t *p, uint64_t v, int cells)
{
	if (cells == 2)
		put64(p, v);
	else
		p[0] = cpu_to_fdt32((uint32_t)v);
}

/*
 * The root: #address-cells and #size-cells of 2, so that any CPU address
 * fits (E2; Xen's docs/misc/arm/passthrough.txt writes them for dtc).
 */
static int make_root_props(struct ex *x, void *out)
{
	int rc;

	rc = prop_u32(x, out, "#address-cells", EXTRACT_CELLS);
	if (rc < 0)
		return rc;
	return prop_u32(x, out, "#size-cells", EXTRACT_CELLS);
}

/*
 * E7: the /gic placeholder the dom0less builder replaces with the guest's
 * GIC, keeping references to it: #interrupt-cells = <3> and
 * interrupt-controller (what dtc wants of an interrupt parent), and the
 * lowest phandle, which the devices' interrupt-parent names (a dtc label
 * in DTS: B1 refuses Xen's 0xfde8 under dom0less, B5 wants /gic).
 */
static int make_gic_node(struct ex *x, void *out)
{
	int rc;

	rc = fdt_begin_node(out, EXTRACT_GIC_NAME);
	if (rc < 0)
		return fdt_fail(x, rc);
	rc = prop_u32(x, out, "#interrupt-cells", EXTRACT_IRQ_CELLS);
	if (rc < 0)
		return rc;
	rc = fdt_property(out, "interrupt-controller", NULL, 0);
	if (rc < 0)
		return fdt_fail(x, rc);
	rc = prop_u32(x, out, "phandle", EXTRACT_GIC_PHANDLE);
	if (rc < 0)
		return rc;
	rc = fdt_end_node(out);
	return rc < 0 ? fdt_fail(x, rc) : 0;
}

/* /passthrough's own properties (E2): a simple-bus whose empty ranges
 * maps guest addresses 1:1, with 2 address and 2 size cells. */
static int make_passthrough_props(struct ex *x, void *out)
{
	int rc;

	rc = prop_string(x, out, "compatible", "simple-bus");
	if (rc < 0)
		return rc;
	rc = fdt_property(out, "ranges", NULL, 0);
	if (rc < 0)
		return fdt_fail(x, rc);
	rc = prop_u32(x, out, "#address-cells", EXTRACT_CELLS);
	if (rc < 0)
		return rc;
	return prop_u32(x, out, "#size-cells", EXTRACT_CELLS);
}

/* E4: "reg" in /passthrough's cells, the CPU addresses of the host's. */
static int make_reg(struct ex *x, void *out, const struct node_info *ni)
{
	fdt32_t *p;
	int i, rc;

	rc = prop_room(x, out, "reg", ni->nregs * 16, &p);
	for (i = 0; rc >= 0 && i < ni->nregs; i++) {
		put64(p + 4 * i, ni->regs[i].addr);
		put64(p + 4 * i + 2, ni->regs[i].size);
	}
	return rc;
}

/* E4: a page of region @i is shared with host devices outside the copy. */
static int warn_shared(struct ex *x, const struct node_info *ni, int i,
		       uint64_t first, uint64_t count, struct u64map *warned)
{
	char other[VDT_DIAG_NODE_LEN];
	int users[EXTRACT_MAX_SHARERS];
	uint64_t start = first << HOSTDT_PAGE_SHIFT;
	size_t n, k;

	n = hostdt_pages_users(&x->pages, first, count, users,
			       EXTRACT_MAX_SHARERS);
	for (k = 0; k < n && k < EXTRACT_MAX_SHARERS; k++) {
		if (in_copy(x, users[k]) ||
		    u64map_get(warned, (uint64_t)(unsigned)users[k]) >= 0)
			continue;
		if (u64map_put(warned, (uint64_t)(unsigned)users[k], 1) < 0)
			return nomem(x);
		vdt_warn(x->d, x->h->file, ni->path, "reg",
			 "entry %d: xen,reg maps pages 0x%llx-0x%llx whole, which also hold the registers of host node %s: the guest can reach them too",
			 i, (unsigned long long)start,
			 (unsigned long long)(start + (count << HOSTDT_PAGE_SHIFT) - 1),
			 hostdt_msg_path(x->h, users[k], other,
					 sizeof(other)));
	}
	return 0;
}

/*
 * E4: "xen,reg" = <physical size guest> per reg entry, rounded out to
 * whole 4 KiB pages (Xen maps guest memory a page at a time and refuses
 * regions that are not page aligned), guest address = physical address
 * (docs/misc/arm/passthrough.txt does so).
 */
static int make_xen_reg(struct ex *x, void *out, const struct node_info *ni)
{
	uint64_t first, count;
	struct u64map warned;
	int i, rc, step = 2 * ni->ac + ni->sc;
	fdt32_t *p;

	rc = prop_room(x, out, "xen,reg", ni->nregs * step * 4, &p);
	u64map_init(&warned);
	for (i = 0; rc >= 0 && i < ni->nregs; i++) {
		/* Checked, and checked to fit, by node_info(). */
		hostdt_page_span(&ni->regs[i], &first, &count);
		put_cells(p + step * i, first << HOSTDT_PAGE_SHIFT, ni->ac);
		put_cells(p + step * i + ni->ac, count << HOSTDT_PAGE_SHIFT,
			  ni->sc);
		put_cells(p + step * i + ni->ac + ni->sc,
			  first << HOSTDT_PAGE_SHIFT, ni->ac);
		if (x->warn)
			rc = warn_shared(x, ni, i, first, count, &warned);
	}
	u64map_free(&warned);
	return rc;
}

/*
 * E5: the interrupts Xen can give a guest, the SPIs of the GIC it drives,
 * as "interrupts" on the /gic placeholder (an "interrupts-extended" is
 * converted); any other one (another controller, a nexus, a PPI) is left
 * out with a warning.
 */
static int make_interrupts(struct ex *x, void *out,
			   const struct node_info *ni)
{
	char cpath[VDT_DIAG_NODE_LEN];
	fdt32_t *p;
	int i, k = 0, c, rc = 0;

	for (i = 0; x->warn && i < ni->nirqs; i++)
		if (!irq_kept(&ni->irqs[i]))
			vdt_warn(x->d, x->h->file, ni->path, ni->irq_prop,
				 "entry %d (controller %s) left out: Xen gives a guest only shared peripheral interrupts of the GIC it drives",
				 i, hostdt_msg_path(x->h, ni->irqs[i].ctrl,
						    cpath, sizeof(cpath)));
	if (ni->nkept == 0)
		return 0;
	rc = prop_u32(x, out, "interrupt-parent", EXTRACT_GIC_PHANDLE);
	if (rc >= 0)
		rc = prop_room(x, out, "interrupts",
			       ni->nkept * EXTRACT_IRQ_CELLS * 4, &p);
	for (i = 0; rc >= 0 && i < ni->nirqs; i++) {
		if (!irq_kept(&ni->irqs[i]))
			continue;
		for (c = 0; c < EXTRACT_IRQ_CELLS; c++)
			p[k++] = ni->irqs[i].cells[c];
	}
	return rc;
}

/* "interrupt-names", the names of the interrupts kept (E5). */
static int make_interrupt_names(struct ex *x, void *out,
				const struct node_info *ni, const char *val,
				int len)
{
	int i, at = 0, n = 0, keep = 0, start;
	void *room;
	char *p;

	if (ni->nkept == 0 || len <= 0 || val[len - 1] != '\0')
		return 0;
	for (i = 0; at < len; i++) {
		start = at;
		at += (int)strlen(val + at) + 1;
		if (i < ni->nirqs && irq_kept(&ni->irqs[i]))
			keep += at - start;
	}
	if (keep == 0)
		return 0;
	i = fdt_property_placeholder(out, "interrupt-names", keep, &room);
	if (i < 0)
		return fdt_fail(x, i);
	p = room;
	for (i = 0, at = 0; at < len; i++) {
		start = at;
		at += (int)strlen(val + at) + 1;
		if (i < ni->nirqs && irq_kept(&ni->irqs[i])) {
			memcpy(p + n, val + start, (size_t)(at - start));
			n += at - start;
		}
	}
	return 0;
}

/* A reference property that stays, its phandles renumbered (E6). */
static int make_ref(struct ex *x, void *out, int row, const char *name,
		    const void *val, int len)
{
	const fdt32_t *v = val;
	int n = len / 4, i, c, step, target, rc;
	fdt32_t *p;

	rc = prop_room(x, out, name, len, &p);
	for (i = 0; rc >= 0 && i < n; i += step) {
		step = ref_spec(x, &ref_props[row], v, i, n, &target);
		p[i] = cpu_to_fdt32(out_phandle(x, target));
		for (c = 1; c < step; c++)
			p[i + c] = v[i + c];
	}
	return rc;
}

/* Whether property @name of a node is written by make_node_props()'s own
 * code rather than copied. */
static int replaced(const struct node_info *ni, const char *name)
{
	if (strcmp(name, "phandle") == 0 ||
	    strcmp(name, "linux,phandle") == 0 ||
	    strcmp(name, "interrupt-parent") == 0)
		return 1;
	return ni->dev && (strcmp(name, "xen,reg") == 0 ||
			   strcmp(name, "xen,path") == 0 ||
			   strcmp(name, "iommus") == 0 ||
			   strcmp(name, "iommu-map") == 0 ||
			   strcmp(name, "iommu-map-mask") == 0);
}

/* E6: one warning naming every reference property of the node left out. */
static void warn_dropped(struct ex *x, const struct node_info *ni)
{
	char list[VDT_DIAG_MSG_LEN];
	const char *name;
	const void *val;
	size_t at = 0;
	int off, row, comp, len;

	list[0] = '\0';
	fdt_for_each_property_offset(off, x->h->fdt, ni->node) {
		val = fdt_getprop_by_offset(x->h->fdt, off, &name, &len);
		if (!val)
			continue;
		row = replaced(ni, name) ? -1 : ref_index(name);
		comp = companion_index(name);
		if (!((row >= 0 && ref_keep(x, row, val, len, 0) == 0) ||
		      (comp >= 0 && (ni->dropped >> comp & 1))))
			continue;
		if (at + strlen(name) + 3 >= sizeof(list) - 64)
			break;
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s",
				       at ? ", " : "", name);
	}
	if (at)
		vdt_warn(x->d, x->h->file, ni->path, NULL,
			 "%s: left out, they reference host nodes the partial does not hold",
			 list);
}

/*
 * E8: "iommus" under --xen-abi vsmmuv3-v3, the host's IDs behind Xen's
 * vSMMUv3 phandle (what the series reads, and what the pipeline keeps);
 * under devid-map none (the pipeline allocates and writes the vIDs), and
 * none under none.
 */
static int make_iommus(struct ex *x, void *out, const struct node_info *ni)
{
	struct hostdt_spec *specs;
	fdt32_t *p;
	int n, i, rc = 0;

	if (x->abi != VDT_ABI_VSMMUV3_V3)
		return 0;
	n = hostdt_iommus(x->h, ni->node, &specs, x->d);
	if (n <= 0)
		return n;
	rc = prop_room(x, out, "iommus", n * 8, &p);
	for (i = 0; rc >= 0 && i < n; i++) {
		p[2 * i] = cpu_to_fdt32(XEN_PHANDLE_VSMMUV3);
		p[2 * i + 1] = cpu_to_fdt32(specs[i].pid);
	}
	free(specs);
	return rc;
}

/* The properties added at the end of a node. */
static int make_tail(struct ex *x, void *out, const struct node_info *ni,
		     int status_done)
{
	char path[VDT_DIAG_NODE_LEN];
	uint32_t ph;
	int rc = 0;

	if (ni->dev && !status_done)
		rc = prop_string(x, out, "status", "okay");
	if (rc >= 0 && ni->dev)
		rc = make_xen_reg(x, out, ni);
	if (rc >= 0 && ni->dev) {
		/* The full path, checked to fit when it was listed (E3). */
		hostdt_get_path(x->h, ni->node, path, sizeof(path));
		rc = prop_string(x, out, "xen,path", path);
	}
	if (rc >= 0 && ni->dev)
		rc = make_iommus(x, out, ni);
	ph = out_phandle(x, ni->node);
	if (rc >= 0 && ph)
		rc = prop_u32(x, out, "phandle", ph);
	return rc;
}

/* One property of a copied node, as E3-E6 and E10 say. */
static int make_prop(struct ex *x, void *out, const struct node_info *ni,
		     const char *name, const void *val, int len, int *irq_done)
{
	int row, comp, rc;

	if (replaced(ni, name))
		return 0;
	if (ni->top && strcmp(name, "reg") == 0)
		return make_reg(x, out, ni);
	if (ni->dev && strcmp(name, "status") == 0)
		return prop_string(x, out, "status", "okay");
	if (ni->irq_prop && (strcmp(name, "interrupts") == 0 ||
			     strcmp(name, "interrupts-extended") == 0)) {
		if (*irq_done)
			return 0;
		*irq_done = 1;
		return make_interrupts(x, out, ni);
	}
	if (strcmp(name, "interrupt-names") == 0 && ni->irq_prop)
		return make_interrupt_names(x, out, ni, val, len);
	row = ref_index(name);
	if (row >= 0)
		return ref_keep(x, row, val, len, 0) == 1 ?
			       make_ref(x, out, row, name, val, len) : 0;
	comp = companion_index(name);
	if (comp >= 0 && (ni->dropped >> comp & 1))
		return 0;
	rc = fdt_property(out, name, val, len);
	return rc < 0 ? fdt_fail(x, rc) : 0;
}

/* Host node @node's properties, rewritten (E3-E6, E10). */
static int make_node_props(struct ex *x, void *out, int node)
{
	struct node_info ni;
	const char *name;
	const void *val;
	int off, len, rc, status_done = 0, irq_done = 0;

	rc = node_info(x, node, &ni, 0);
	if (rc >= 0 && x->warn && ni.dropped)
		warn_dropped(x, &ni);
	fdt_for_each_property_offset(off, x->h->fdt, node) {
		if (rc < 0)
			break;
		val = fdt_getprop_by_offset(x->h->fdt, off, &name, &len);
		if (!val)
			continue;
		status_done |= strcmp(name, "status") == 0;
		rc = make_prop(x, out, &ni, name, val, len, &irq_done);
	}
	if (rc >= 0)
		rc = make_tail(x, out, &ni, status_done);
	node_info_free(&ni);
	return rc;
}

/* Copied node @i (out_name()) and its subtree, below /passthrough (E3,
 * E9). */
static int make_copied_node(struct ex *x, void *out, int i)
{
	char name[VDT_DIAG_NODE_LEN];
	int top = i < x->nclocks ? x->clocks[i] : x->tops[i - x->nclocks];
	int node = top, next, depth = 0, nd, close, rc;

	out_name(x, i, name, sizeof(name));
	for (;;) {
		rc = fdt_begin_node(out, node == top ? name :
				    fdt_get_name(x->h->fdt, node, NULL));
		if (rc < 0)
			return fdt_fail(x, rc);
		rc = make_node_props(x, out, node);
		if (rc < 0)
			return rc;
		nd = depth;
		next = fdt_next_node(x->h->fdt, node, &nd);
		close = next < 0 || nd <= 0 ? depth + 1 : depth - nd + 1;
		for (; close > 0; close--) {
			rc = fdt_end_node(out);
			if (rc < 0)
				return fdt_fail(x, rc);
		}
		if (next < 0 || nd <= 0)
			return 0;
		node = next;
		depth = nd;
	}
}

static int make_passthrough_node(struct ex *x, void *out)
{
	int i, rc;

	rc = fdt_begin_node(out, "passthrough");
	if (rc < 0)
		return fdt_fail(x, rc);
	rc = make_passthrough_props(x, out);
	/* E6: the fixed clocks the devices name, as in Xen's example. */
	for (i = 0; rc >= 0 && i < x->nclocks + x->ntops; i++)
		rc = make_copied_node(x, out, i);
	if (rc < 0)
		return rc;
	rc = fdt_end_node(out);
	return rc < 0 ? fdt_fail(x, rc) : 0;
}

/* The whole partial into @out of @size bytes. */
static int make_tree(struct ex *x, void *out, size_t size)
{
	int rc;

	x->fdt_err = 0;
	rc = fdt_create(out, (int)size);
	if (rc >= 0)
		rc = fdt_finish_reservemap(out);
	if (rc >= 0)
		rc = fdt_begin_node(out, "");
	if (rc < 0)
		return fdt_fail(x, rc);
	rc = make_root_props(x, out);
	if (rc >= 0)
		rc = make_gic_node(x, out);
	if (rc >= 0)
		rc = make_passthrough_node(x, out);
	if (rc < 0)
		return rc;
	rc = fdt_end_node(out);
	if (rc >= 0)
		rc = fdt_finish(out);
	return rc < 0 ? fdt_fail(x, rc) : 0;
}

/* make_tree() into a buffer grown on -FDT_ERR_NOSPACE. */
static int write_blob(struct ex *x, void **out, size_t *size)
{
	size_t cap = 1024;
	void *buf, *shrunk;
	int rc;

	size_t nwarn = x->d->nwarnings;

	x->warn = 1;
	for (;;) {
		buf = malloc(cap);
		if (!buf)
			return nomem(x);
		rc = make_tree(x, buf, cap);
		if (rc >= 0 || x->fdt_err != -FDT_ERR_NOSPACE ||
		    cap >= EXTRACT_MAX_BLOB)
			break;
		free(buf);
		cap *= 2;
		/* The warnings of a try cut short are recorded again. */
		x->d->nwarnings = nwarn;
	}
	if (rc < 0) {
		free(buf);
		if (!x->fdt_err)
			return rc;
		return vdt_error(x->d, VDT_ERR_BADDT, x->h->file, NULL, NULL,
				 "cannot write the partial device tree: %s",
				 fdt_strerror(x->fdt_err));
	}
	*size = fdt_totalsize(buf);
	shrunk = realloc(buf, *size);
	*out = shrunk ? shrunk : buf;
	return 0;
}

int extract_partial(const struct hostdt *h, const char *const *paths,
		    int npaths, enum vdt_xen_abi abi, void **out, size_t *size,
		    struct vdt_diag *d)
{
	struct ex x;
	int rc;

	*out = NULL;
	*size = 0;
	memset(&x, 0, sizeof(x));
	x.h = h;
	x.d = d;
	x.abi = abi;
	u64map_init(&x.top);
	u64map_init(&x.listed);
	u64map_init(&x.ph);
	rc = resolve_paths(&x, paths, npaths);
	if (rc >= 0)
		rc = analyse(&x);
	if (rc >= 0)
		rc = write_blob(&x, out, size);
	hostdt_pages_free(&x.pages);
	u64map_free(&x.top);
	u64map_free(&x.listed);
	u64map_free(&x.ph);
	free(x.tops);
	free(x.top_addr);
	free(x.clocks);
	return rc < 0 ? rc : 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * corpus_verify: check viommu-dtgen's output against the host device tree,
 * recomputing everything from the host DT itself (nothing is taken from the
 * tool's own code).
 *
 *   corpus_verify HOST.dtb OUT.dtb MAP.cfg POLICY VID_BASE [VID_BITS]
 *
 * POLICY is compact or identity; the vID space is [VID_BASE, 2^VID_BITS)
 * (VID_BITS, default 16, the tool's --vid-bits; 16 is its default) (the
 * tool's default --vid-bits).  A key is a run of physical IDs on one host
 * IOMMU: (IOMMU, first pID, count, mask).  Each effective range of a
 * passthrough node's host iommu-map is a key (equal ranges of two nodes
 * are one); a pID from a host "iommus" is a key of count 1, unless it is
 * unmasked (mask 0) and lies inside a range on the same IOMMU, where it
 * belongs to that range's key.  Checks:
 *   rule 3  every passthrough node (a node under /passthrough with xen,path)
 *           has iommus = <VIOMMU vid> once per host specifier, host order;
 *   map-dt  a node whose host node has iommu-map gets one output entry
 *           <rid-base VIOMMU vid-base eff-length> per host entry a masked
 *           RID can reach, in host order, and the host's iommu-map-mask;
 *           a node whose host node has none gets none;
 *   RIDs    for a sample of RIDs per host entry (both ends of its range and
 *           of its effective range, RIDs in between, RIDs next to it, RIDs
 *           with bits outside the mask, and the first RIDs one by one), the
 *           host's iommu-map read as Linux's of_map_id() does (mask first,
 *           first match wins) and the output's iommu-map followed by the xl
 *           map table give the same (IOMMU base, pID), or both no match;
 *   ranges  two ranges on one IOMMU never overlap without being equal;
 *   rule 6  a key always gets the same vIDs, and no two keys' vID runs
 *           overlap;
 *   rule 7  the vIDs are those the policy gives, re-derived here: keys in
 *           order of first appearance (document order; in a node its
 *           iommus before its iommu-map), compact the lowest free run,
 *           identity vID = pID runs where free, then compact;
 *   map     the xl map has one entry "PID@VID,BASE[,COUNT]" per key (COUNT,
 *           decimal or 0x-hex, only when above 1), sorted by vID, with no
 *           two runs overlapping, the key's pID and count, and the IOMMU's
 *           base (first reg translated through ranges; for an IOMMU
 *           without a reg, the parent-bus address of its first ranges
 *           entry, else its first child's reg);
 *   node    exactly one node carries the vIOMMU phandle, and it is an
 *           "arm,smmu-v3" with #iommu-cells = <1>.
 * Each violation is one line on stdout; exit 1 if there is any, 0 (with a
 * one-line summary) if there is none, 2 on a usage or input error.
 */

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtutil.h"

#define VIOMMU_PHANDLE 0xfdeau
/* 2^VID_BITS: the end of the vID space (2^16: the tool's default). */
static uint64_t vid_limit = 0x10000u;
#define SWEEP 0x400u	/* RIDs checked one by one from each entry's start */
#define MAX_RID_REPORTS 4 /* RID disagreements reported per node */

struct key {
	int iommu;		/* node offset of the IOMMU in the host DT */
	uint32_t pid;		/* first pID */
	uint32_t count;		/* pIDs in the run, >= 1 */
	uint32_t mask;
	uint32_t vid;		/* first vID, as found in OUT at first use */
	char *first_node;	/* OUT path of the node that first used it */
};

/* An effective range of a passthrough node's host iommu-map. */
struct range {
	int iommu;
	uint32_t pid, count;
	char *node;		/* OUT path of the first node with it */
};

/* One entry of the xl map. */
struct map_entry {
	uint64_t pid, vid, base, count;
	int radix;		/* of COUNT: 0 (absent), 10 or 16 */
};

struct ctx {
	const void *host;
	const void *out;
	struct key *keys;
	size_t nkeys, kcap;
	struct range *ranges;
	size_t nranges, rcap;
	struct map_entry *map;	/* NULL if the map could not be parsed */
	size_t nmap, mcap;
	unsigned long violations;
	unsigned long devices;
	unsigned long specifiers;
	unsigned long map_users;
	unsigned long rids;
	int nomem;
};

static void violation(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->violations++;
	fputs("corpus_verify: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Room for one more element in *@v (@n used of *@cap); 0, or -1. */
static int grow(struct ctx *c, void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	nv = realloc(*v, ncap * size);
	if (!nv) {
		c->nomem = 1;
		return -1;
	}
	*v = nv;
	*cap = ncap;
	return 0;
}

static char *dup_str(struct ctx *c, const char *s)
{
	char *d = malloc(strlen(s) + 1);

	if (!d)
		c->nomem = 1;
	else
		memcpy(d, s, strlen(s) + 1);
	return d;
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* Whether [@p, @p + @n) and [@q, @q + @m) meet, in 64 bits. */
static int runs_meet(uint64_t p, uint64_t n, uint64_t q, uint64_t m)
{
	return (p >= q && p - q < m) || (q >= p && q - p < n);
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * Translate *@addr, an address in the space of bus @cur's children, through
 * @cur's ranges and every ancestor's up to the root: a CPU physical
 * address.  Returns 0, or -1 with a reason in `why`.
 */
static int to_cpu(const void *fdt, int cur, uint64_t *addr, char *why,
		  size_t whylen)
{
	char pbuf[DTU_PATH_BUF];
	int len;

	while (cur > 0) {	/* offset 0 is the root: nothing above it */
		int pp = fdt_parent_offset(fdt, cur);
		const fdt32_t *r;
		int cac, pac, csc, step, i, found = 0;

		if (pp < 0) {
			snprintf(why, whylen, "%s: no parent",
				 dtu_path(fdt, cur, pbuf));
			return -1;
		}
		r = fdt_getprop(fdt, cur, "ranges", &len);
		if (!r) {
			snprintf(why, whylen,
				 "%s has no ranges: address not translatable",
				 dtu_path(fdt, cur, pbuf));
			return -1;
		}
		if (len == 0) {		/* identity */
			cur = pp;
			continue;
		}
		cac = fdt_address_cells(fdt, cur);
		pac = fdt_address_cells(fdt, pp);
		csc = fdt_size_cells(fdt, cur);
		if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 0 ||
		    csc > 2) {
			snprintf(why, whylen,
				 "%s: ranges with #address-cells %d/%d, #size-cells %d not handled",
				 dtu_path(fdt, cur, pbuf), cac, pac, csc);
			return -1;
		}
		step = cac + pac + csc;
		if (len % (step * 4) != 0) {
			snprintf(why, whylen, "%s: malformed ranges",
				 dtu_path(fdt, cur, pbuf));
			return -1;
		}
		for (i = 0; i < len / 4; i += step) {
			uint64_t cb = read_cells(r + i, cac);
			uint64_t pb = read_cells(r + i + cac, pac);
			uint64_t sz = read_cells(r + i + cac + pac, csc);

			if (*addr >= cb && *addr - cb < sz) {
				*addr = *addr - cb + pb;
				found = 1;
				break;
			}
		}
		if (!found) {
			snprintf(why, whylen,
				 "0x%" PRIx64 " is outside the ranges of %s",
				 *addr, dtu_path(fdt, cur, pbuf));
			return -1;
		}
		cur = pp;
	}
	return 0;
}

/*
 * The CPU physical address of the first reg entry of `node`, translated
 * through every ancestor's ranges.  Returns 0, or -1 with a reason in `why`.
 */
static int reg_base(const void *fdt, int node, uint64_t *addr, char *why,
		    size_t whylen)
{
	int cur = fdt_parent_offset(fdt, node);
	int ac, len;
	const fdt32_t *reg;

	if (cur < 0) {
		snprintf(why, whylen, "has no parent");
		return -1;
	}
	ac = fdt_address_cells(fdt, cur);
	if (ac < 1 || ac > 2) {
		snprintf(why, whylen, "parent #address-cells %d not handled",
			 ac);
		return -1;
	}
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < ac * 4) {
		snprintf(why, whylen, "has no usable reg");
		return -1;
	}
	*addr = read_cells(reg, ac);
	return to_cpu(fdt, cur, addr, why, whylen);
}

/*
 * The address that identifies IOMMU `node` in the xl map: its own first
 * reg; without a reg (Qualcomm's qcom,msm-iommu-v1, whose registers are in
 * its iommu-ctx children) the parent-bus address of its first ranges
 * entry, translated on up; without a non-empty ranges the first reg of its
 * first child that has one.  Returns 0, or -1 with a reason in `why`.
 */
static int iommu_base(const void *fdt, int node, uint64_t *addr, char *why,
		      size_t whylen)
{
	const fdt32_t *r;
	int len, child, parent, cac, pac, csc;

	if (fdt_getprop(fdt, node, "reg", NULL))
		return reg_base(fdt, node, addr, why, whylen);
	parent = fdt_parent_offset(fdt, node);
	r = fdt_getprop(fdt, node, "ranges", &len);
	if (r && len > 0 && parent >= 0) {
		cac = fdt_address_cells(fdt, node);
		pac = fdt_address_cells(fdt, parent);
		csc = fdt_size_cells(fdt, node);
		if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 0 ||
		    csc > 2 || len < (cac + pac + csc) * 4) {
			snprintf(why, whylen, "no reg, and ranges not handled");
			return -1;
		}
		*addr = read_cells(r + cac, pac);
		return to_cpu(fdt, parent, addr, why, whylen);
	}
	fdt_for_each_subnode(child, fdt, node)
		if (fdt_getprop(fdt, child, "reg", NULL))
			return reg_base(fdt, child, addr, why, whylen);
	snprintf(why, whylen, "has no reg, no ranges and no child with a reg");
	return -1;
}

static int parse_hex(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int n = 0;

	if (p[0] != '0' || p[1] != 'x')
		return -1;
	for (p += 2; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		     (*p >= 'A' && *p <= 'F'); p++, n++) {
		int d = *p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10;

		if (n >= 16)
			return -1;
		x = (x << 4) | (uint64_t)d;
	}
	if (n == 0)
		return -1;
	*v = x;
	*s = p;
	return 0;
}

static void skip_spaces(const char **s)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
}

static const char *key_str(const struct ctx *c, const struct key *k,
			   char *buf, size_t len)
{
	char pbuf[DTU_PATH_BUF];

	if (k->count > 1)
		snprintf(buf, len, "(%s, pids 0x%" PRIx32 "-0x%" PRIx32
			 ", mask 0x%" PRIx32 ")",
			 dtu_path(c->host, k->iommu, pbuf), k->pid,
			 k->pid + (k->count - 1), k->mask);
	else
		snprintf(buf, len, "(%s, pid 0x%" PRIx32 ", mask 0x%" PRIx32 ")",
			 dtu_path(c->host, k->iommu, pbuf), k->pid, k->mask);
	return buf;
}

/* The range on @iommu holding @pid, or NULL. */
static const struct range *range_of(const struct ctx *c, int iommu,
				    uint32_t pid)
{
	size_t i;

	for (i = 0; i < c->nranges; i++)
		if (c->ranges[i].iommu == iommu && pid >= c->ranges[i].pid &&
		    pid - c->ranges[i].pid < c->ranges[i].count)
			return &c->ranges[i];
	return NULL;
}

/*
 * The key of a use of (@iommu, @pid, @count, @mask) by OUT node @node that
 * gives it vID @vid (for the pID @pid): found, or added in order of first
 * appearance.  An unmasked single pID inside a range is that range's key.
 * Rule 6: the vID must agree with the key's.
 * returns: 0, or -1 (no memory)
 */
static int use_key(struct ctx *c, const char *node, const char *what,
		   int iommu, uint32_t pid, uint32_t count, uint32_t mask,
		   uint32_t vid)
{
	char kbuf[DTU_PATH_BUF + 64];
	const struct range *r = NULL;
	uint32_t off = 0;
	struct key *k;
	size_t i;

	if (count == 1 && mask == 0)
		r = range_of(c, iommu, pid);
	if (r) {
		off = pid - r->pid;
		pid = r->pid;
		count = r->count;
	}
	for (i = 0; i < c->nkeys; i++) {
		k = &c->keys[i];
		if (k->iommu != iommu || k->pid != pid || k->count != count ||
		    k->mask != mask)
			continue;
		if ((uint64_t)k->vid + off != vid)
			violation(c, "rule 6: %s: %s: key %s has vID 0x%" PRIx32
				  " here but 0x%" PRIx64 " at %s", node, what,
				  key_str(c, k, kbuf, sizeof(kbuf)), vid,
				  (uint64_t)k->vid + off, k->first_node);
		return 0;
	}
	if (vid < off) {
		violation(c, "rule 6: %s: %s: vID 0x%" PRIx32 " for pID 0x%"
			  PRIx32 " of the range from 0x%" PRIx32
			  " would put the range below vID 0", node, what, vid,
			  pid + off, pid);
		return 0;
	}
	if (grow(c, (void **)&c->keys, c->nkeys, &c->kcap, sizeof(*k)))
		return -1;
	k = &c->keys[c->nkeys];
	k->first_node = dup_str(c, node);
	if (!k->first_node)
		return -1;
	k->iommu = iommu;
	k->pid = pid;
	k->count = count;
	k->mask = mask;
	k->vid = vid - off;
	c->nkeys++;
	return 0;
}

/*
 * Read the host iommu-map of passthrough node @opath's host node @hnode;
 * a malformed one (which the tool must refuse) is a violation.
 * returns: the number of entries (0 without the property), -1 on a
 *	violation
 */
static int host_map(struct ctx *c, const char *opath, const char *xpath,
		    int hnode, struct dtu_map_entry **e, uint32_t *mask,
		    int *has_mask)
{
	char why[DTU_PATH_BUF + 128];
	int n = dtu_read_iommu_map(c->host, hnode, e, mask, has_mask, why,
				   sizeof(why));
	int a, b;

	if (n < 0) {
		violation(c, "map-dt: %s: host %s: %s (the tool must refuse it)",
			  opath, xpath, why);
		return -1;
	}
	if (dtu_map_rid_overlap(*e, n, &a, &b)) {
		violation(c, "map-dt: %s: host %s: iommu-map entries %d and %d overlap in RID space (the tool must refuse it)",
			  opath, xpath, a, b);
		free(*e);
		*e = NULL;
		return -1;
	}
	return n;
}

/*
 * Calls @fn for every passthrough node of OUT (a node below /passthrough
 * with xen,path), in document order, with its path and host node (< 0 if
 * xen,path names none).
 * returns: 0, or -1 if @fn did
 */
static int for_each_device(struct ctx *c,
			   int (*fn)(struct ctx *, int, const char *, int,
				     const char *))
{
	char opath[DTU_PATH_BUF];
	int pt = fdt_path_offset(c->out, "/passthrough");
	int node, depth = 0, xlen;
	const char *xpath;

	if (pt < 0) {
		violation(c, "output has no /passthrough");
		return 0;
	}
	for (node = fdt_next_node(c->out, pt, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(c->out, node, &depth)) {
		xpath = fdt_getprop(c->out, node, "xen,path", &xlen);
		if (!xpath)
			continue;
		dtu_path(c->out, node, opath);
		if (xlen < 1 || xpath[xlen - 1] != '\0') {
			violation(c, "%s: xen,path is not a string", opath);
			continue;
		}
		if (fn(c, node, opath, fdt_path_offset(c->host, xpath),
		       xpath) != 0)
			return -1;
	}
	return 0;
}

/*
 * First pass: the effective ranges of every passthrough node's host
 * iommu-map; two on one IOMMU that overlap without being equal are a
 * violation (the tool must refuse them).  A malformed host iommu-map is
 * reported by check_map_dt().
 */
static int collect_ranges(struct ctx *c, int onode, const char *opath,
			  int hnode, const char *xpath)
{
	char pbuf[DTU_PATH_BUF], why[DTU_PATH_BUF + 128];
	struct dtu_map_entry *e;
	uint32_t mask;
	int n, i, has_mask, ret = 0;
	size_t j;

	(void)onode;
	if (hnode < 0)
		return 0;
	n = dtu_read_iommu_map(c->host, hnode, &e, &mask, &has_mask, why,
			       sizeof(why));
	for (i = 0; i < n; i++) {
		int dup = 0;

		if (!e[i].eff)
			continue;
		for (j = 0; j < c->nranges; j++) {
			struct range *r = &c->ranges[j];

			if (r->iommu != e[i].iommu)
				continue;
			dup |= r->pid == e[i].pid_base && r->count == e[i].eff;
			if (dtu_runs_clash(r->pid, r->count, e[i].pid_base,
					   e[i].eff))
				violation(c, "ranges: %s: host %s: pIDs 0x%" PRIx32 "-0x%" PRIx32
					  " on %s overlap pIDs 0x%" PRIx32 "-0x%" PRIx32
					  " of %s without being equal (the tool must refuse it)",
					  opath, xpath, e[i].pid_base,
					  e[i].pid_base + (e[i].eff - 1),
					  dtu_path(c->host, r->iommu, pbuf),
					  r->pid, r->pid + (r->count - 1),
					  r->node);
		}
		if (dup)
			continue;
		if (grow(c, (void **)&c->ranges, c->nranges, &c->rcap,
			 sizeof(*c->ranges))) {
			ret = -1;
			break;
		}
		c->ranges[c->nranges].node = dup_str(c, opath);
		if (!c->ranges[c->nranges].node) {
			ret = -1;
			break;
		}
		c->ranges[c->nranges].iommu = e[i].iommu;
		c->ranges[c->nranges].pid = e[i].pid_base;
		c->ranges[c->nranges].count = e[i].eff;
		c->nranges++;
	}
	free(e);
	return ret;
}

/* Rules 3 and 6 for the iommus of passthrough node @opath. */
static int check_iommus(struct ctx *c, int onode, const char *opath,
			int hnode, const char *xpath)
{
	char hpath_buf[DTU_PATH_BUF], what[64];
	const fdt32_t *hp, *op;
	int hlen, olen, pos, nspec, ncells, i;

	/* First pass over the host property: count specifiers. */
	hp = fdt_getprop(c->host, hnode, "iommus", &hlen);
	if (!hp)
		hlen = 0;
	if (hlen % 4) {
		violation(c, "%s: host %s: iommus length %d is not whole cells",
			  opath, xpath, hlen);
		return 0;
	}
	ncells = hlen / 4;
	nspec = 0;
	for (pos = 0; pos < ncells; nspec++) {
		uint32_t ph = fdt32_to_cpu(hp[pos]);
		int iommu = fdt_node_offset_by_phandle(c->host, ph);
		const fdt32_t *ic;
		int iclen;
		uint32_t cells;

		if (iommu < 0) {
			violation(c, "%s: host %s: iommus phandle 0x%" PRIx32
				  " does not refer to any node", opath, xpath,
				  ph);
			return 0;
		}
		ic = fdt_getprop(c->host, iommu, "#iommu-cells", &iclen);
		if (!ic || iclen != 4) {
			violation(c, "%s: host %s: %s has no #iommu-cells",
				  opath, xpath,
				  dtu_path(c->host, iommu, hpath_buf));
			return 0;
		}
		cells = fdt32_to_cpu(*ic);
		if (cells > 2) {
			violation(c, "%s: host %s: #iommu-cells %" PRIu32
				  " not supported", opath, xpath, cells);
			return 0;
		}
		if ((uint32_t)(ncells - pos) < 1 + cells) {
			violation(c, "%s: host %s: iommus truncated", opath,
				  xpath);
			return 0;
		}
		pos += 1 + (int)cells;
	}

	op = fdt_getprop(c->out, onode, "iommus", &olen);
	if (nspec == 0) {
		if (op)
			violation(c, "rule 3: %s: host %s has no iommus but the output has",
				  opath, xpath);
		return 0;
	}
	if (!op) {
		violation(c, "rule 3: %s: no iommus (host %s has %d specifiers)",
			  opath, xpath, nspec);
		return 0;
	}
	if (olen != nspec * 8) {
		violation(c, "rule 3: %s: iommus has %d cells, expected %d (%d host specifiers of %s)",
			  opath, olen / 4, nspec * 2, nspec, xpath);
		return 0;
	}
	c->specifiers += (unsigned long)nspec;

	/* Second pass: one <VIOMMU vid> pair per host specifier, in order. */
	for (pos = 0, i = 0; i < nspec; i++) {
		uint32_t ph = fdt32_to_cpu(hp[pos]);
		int iommu = fdt_node_offset_by_phandle(c->host, ph);
		uint32_t cells = fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(
			c->host, iommu, "#iommu-cells", NULL));
		uint32_t pid = cells >= 1 ? fdt32_to_cpu(hp[pos + 1]) : 0;
		uint32_t mask = cells == 2 ? fdt32_to_cpu(hp[pos + 2]) : 0;
		uint32_t oph = fdt32_to_cpu(op[2 * i]);
		uint32_t vid = fdt32_to_cpu(op[2 * i + 1]);

		pos += 1 + (int)cells;
		if (oph != VIOMMU_PHANDLE) {
			violation(c, "rule 3: %s: iommus entry %d has phandle 0x%" PRIx32
				  ", expected 0x%x", opath, i, oph,
				  VIOMMU_PHANDLE);
			continue;
		}
		snprintf(what, sizeof(what), "iommus entry %d", i);
		if (use_key(c, opath, what, iommu, pid, 1, mask, vid) != 0)
			return -1;
	}
	return 0;
}

/* The xl map entry holding @vid, or NULL. */
static const struct map_entry *map_lookup(const struct ctx *c, uint64_t vid)
{
	size_t i;

	for (i = 0; i < c->nmap; i++)
		if (vid >= c->map[i].vid && vid - c->map[i].vid < c->map[i].count)
			return &c->map[i];
	return NULL;
}

/* The output side of one RID. */
struct xlat {
	int match;		/* 0: no entry matches */
	uint64_t base, pid;
	char why[96];		/* set when a matching entry leads nowhere */
};

/* @rid through OUT's iommu-map (@op, @n entries, @mask), then the xl map. */
static void xlat_out(const struct ctx *c, const fdt32_t *op, int n,
		     uint32_t mask, uint32_t rid, struct xlat *x)
{
	uint32_t m = rid & mask;
	const struct map_entry *e;
	uint64_t vid;
	int i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < n; i++) {
		uint32_t rb = fdt32_to_cpu(op[4 * i]);
		uint32_t ph = fdt32_to_cpu(op[4 * i + 1]);
		uint32_t vb = fdt32_to_cpu(op[4 * i + 2]);
		uint32_t len = fdt32_to_cpu(op[4 * i + 3]);

		if (m < rb || m - rb >= len)
			continue;
		x->match = 1;
		if (ph != VIOMMU_PHANDLE) {
			snprintf(x->why, sizeof(x->why),
				 "output entry %d has phandle 0x%" PRIx32, i,
				 ph);
			return;
		}
		vid = (uint64_t)vb + (m - rb);
		e = map_lookup(c, vid);
		if (!e) {
			snprintf(x->why, sizeof(x->why),
				 "vID 0x%" PRIx64 " (output entry %d) is in no xl map entry",
				 vid, i);
			return;
		}
		x->base = e->base;
		x->pid = e->pid + (vid - e->vid);
		return;
	}
}

/* @rid through the host's iommu-map (@e, @n entries, @mask, the targets'
 * bases in @base, -1 where unknown). */
static void xlat_host(const struct dtu_map_entry *e, const int64_t *base,
		      int n, uint32_t mask, uint32_t rid, struct xlat *x)
{
	uint32_t m = rid & mask;
	int i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < n; i++) {
		if (m < e[i].rid_base || m - e[i].rid_base >= e[i].length)
			continue;
		x->match = 1;
		if (base[i] < 0) {
			snprintf(x->why, sizeof(x->why),
				 "host entry %d: the IOMMU's base is unknown",
				 i);
			return;
		}
		x->base = (uint64_t)base[i];
		x->pid = (uint64_t)e[i].pid_base + (m - e[i].rid_base);
		return;
	}
}

static void xlat_str(const struct xlat *x, char *buf, size_t len)
{
	if (!x->match)
		snprintf(buf, len, "no match");
	else if (x->why[0])
		snprintf(buf, len, "%s", x->why);
	else
		snprintf(buf, len, "(IOMMU 0x%" PRIx64 ", pID 0x%" PRIx64 ")",
			 x->base, x->pid);
}

/* Per-node state of the RID check. */
struct rid_check {
	const struct dtu_map_entry *he;
	const int64_t *hbase;
	int hn;
	uint32_t hmask;
	const fdt32_t *op;
	int on;
	uint32_t omask;
	const char *opath;
	unsigned long bad;
};

static void check_rid(struct ctx *c, struct rid_check *rc, uint64_t rid)
{
	char hs[160], os[160];
	struct xlat h, o;

	if (rid > UINT32_MAX)
		return;
	c->rids++;
	xlat_host(rc->he, rc->hbase, rc->hn, rc->hmask, (uint32_t)rid, &h);
	xlat_out(c, rc->op, rc->on, rc->omask, (uint32_t)rid, &o);
	if (h.match == o.match && !h.why[0] && !o.why[0] &&
	    (!h.match || (h.base == o.base && h.pid == o.pid)))
		return;
	if (rc->bad++ >= MAX_RID_REPORTS)
		return;
	xlat_str(&h, hs, sizeof(hs));
	xlat_str(&o, os, sizeof(os));
	violation(c, "RIDs: %s: RID 0x%" PRIx64 ": host iommu-map gives %s, output iommu-map + xl map give %s",
		  rc->opath, rid, hs, os);
}

/*
 * The sample of RIDs for host entry @e: the ends of its range and of its
 * effective range, RIDs in between and next to it, each also with the bits
 * outside @mask set or flipped (RIDs the mask folds onto others), and the
 * first SWEEP RIDs one by one.
 */
static void check_entry_rids(struct ctx *c, struct rid_check *rc,
			     const struct dtu_map_entry *e, uint32_t mask)
{
	uint64_t a = e->rid_base, len = e->length, eff = e->eff;
	uint64_t s[12], x;
	uint32_t out = ~mask, low = out & (0u - out);
	size_t n = 0, i;

	s[n++] = a;
	s[n++] = a + len - 1;	/* with len 0: a - 1, the RID before */
	s[n++] = a + len;
	s[n++] = a - 1;		/* wraps to > UINT32_MAX for a = 0: skipped */
	s[n++] = a + len / 2;
	s[n++] = a + len / 3;
	if (eff) {
		s[n++] = a + eff - 1;
		s[n++] = a + eff;
		s[n++] = a + eff / 2;
		s[n++] = a + eff - 2;
	}
	for (i = 0; i < n; i++) {
		check_rid(c, rc, s[i]);
		if (s[i] > UINT32_MAX || !out)
			continue;
		check_rid(c, rc, s[i] | out);
		check_rid(c, rc, s[i] ^ low);
	}
	for (x = a; x < a + len && x - a < SWEEP; x++)
		check_rid(c, rc, x);
}

/*
 * The output's iommu-map of passthrough node @opath against its host
 * node's: the entries (map-dt, rule 6) and the translation of RIDs.
 */
static int check_map_dt(struct ctx *c, int onode, const char *opath,
			int hnode, const char *xpath)
{
	struct dtu_map_entry *he = NULL;
	int64_t *hbase = NULL;
	struct rid_check rc;
	const fdt32_t *op, *om;
	uint32_t hmask;
	int hn, on = 0, olen, omlen, has_hmask, reach = 0, i, j, ret = 0;
	char what[64], why[DTU_PATH_BUF + 128];

	op = fdt_getprop(c->out, onode, "iommu-map", &olen);
	om = fdt_getprop(c->out, onode, "iommu-map-mask", &omlen);
	hn = host_map(c, opath, xpath, hnode, &he, &hmask, &has_hmask);
	if (hn < 0)
		return 0;
	if (!fdt_getprop(c->host, hnode, "iommu-map", NULL)) {
		if (op)
			violation(c, "map-dt: %s: host %s has no iommu-map but the output has",
				  opath, xpath);
		if (om)
			violation(c, "map-dt: %s: host %s has no iommu-map but the output has iommu-map-mask",
				  opath, xpath);
		return 0;
	}
	c->map_users++;
	for (i = 0; i < hn; i++)
		reach += he[i].eff != 0;

	if (op && olen % 16 != 0) {
		violation(c, "map-dt: %s: iommu-map is %d bytes, not whole 4-cell entries",
			  opath, olen);
		op = NULL;
	}
	on = op ? olen / 16 : 0;
	if (reach == 0 && op)
		violation(c, "map-dt: %s: host %s has no reachable iommu-map entry but the output has %d",
			  opath, xpath, on);
	if (reach > 0 && !op)
		violation(c, "map-dt: %s: no iommu-map (host %s has %d reachable entries)",
			  opath, xpath, reach);
	else if (reach > 0 && on != reach)
		violation(c, "map-dt: %s: iommu-map has %d entries, expected %d (reachable entries of host %s)",
			  opath, on, reach, xpath);
	if (reach > 0 && has_hmask != (om != NULL))
		violation(c, "map-dt: %s: iommu-map-mask %s, but host %s %s",
			  opath, om ? "present" : "missing", xpath,
			  has_hmask ? "has one" : "has none");
	else if (reach > 0 && om &&
		 (omlen != 4 || fdt32_to_cpu(*om) != hmask))
		violation(c, "map-dt: %s: iommu-map-mask is not <0x%" PRIx32
			  "> as in host %s", opath, hmask, xpath);

	/* The entries, in host order: rid-base, phandle, length, the key. */
	for (i = 0, j = 0; op && reach > 0 && on == reach && i < hn; i++) {
		uint32_t rb, ph, vb, len;

		if (!he[i].eff)
			continue;
		rb = fdt32_to_cpu(op[4 * j]);
		ph = fdt32_to_cpu(op[4 * j + 1]);
		vb = fdt32_to_cpu(op[4 * j + 2]);
		len = fdt32_to_cpu(op[4 * j + 3]);
		if (rb != he[i].rid_base || ph != VIOMMU_PHANDLE ||
		    len != he[i].eff) {
			violation(c, "map-dt: %s: iommu-map entry %d is <0x%" PRIx32
				  " 0x%" PRIx32 " 0x%" PRIx32 " 0x%" PRIx32
				  ">, expected <0x%" PRIx32 " 0x%x VID 0x%" PRIx32
				  "> for host entry %d", opath, j, rb, ph, vb,
				  len, he[i].rid_base, VIOMMU_PHANDLE,
				  he[i].eff, i);
		} else {
			snprintf(what, sizeof(what), "iommu-map entry %d", j);
			if (use_key(c, opath, what, he[i].iommu,
				    he[i].pid_base, he[i].eff, 0, vb) != 0) {
				ret = -1;
				goto out;
			}
		}
		j++;
	}

	/* Every sampled RID: host == output + xl map. */
	if (!c->map)
		goto out;
	hbase = malloc((size_t)(hn ? hn : 1) * sizeof(*hbase));
	if (!hbase) {
		c->nomem = 1;
		ret = -1;
		goto out;
	}
	for (i = 0; i < hn; i++) {
		uint64_t b;

		hbase[i] = -1;
		if (iommu_base(c->host, he[i].iommu, &b, why, sizeof(why)))
			violation(c, "RIDs: %s: host %s: iommu-map entry %d: cannot compute the IOMMU's base: %s",
				  opath, xpath, i, why);
		else
			hbase[i] = (int64_t)b;
	}
	memset(&rc, 0, sizeof(rc));
	rc.he = he;
	rc.hbase = hbase;
	rc.hn = hn;
	rc.hmask = hmask;
	rc.op = op;
	rc.on = on;
	rc.omask = om && omlen == 4 ? fdt32_to_cpu(*om) : 0xffffffffu;
	rc.opath = opath;
	check_rid(c, &rc, 0);
	check_rid(c, &rc, UINT32_MAX);
	for (i = 0; i < hn; i++)
		check_entry_rids(c, &rc, &he[i], hmask);
	if (rc.bad > MAX_RID_REPORTS)
		violation(c, "RIDs: %s: and %lu more RIDs that disagree",
			  opath, rc.bad - MAX_RID_REPORTS);
out:
	free(hbase);
	free(he);
	return ret;
}

/* Second pass: one passthrough node. */
static int check_device(struct ctx *c, int onode, const char *opath,
			int hnode, const char *xpath)
{
	c->devices++;
	if (hnode < 0) {
		violation(c, "%s: xen,path %s not found in the host DT", opath,
			  xpath);
		return 0;
	}
	if (check_iommus(c, onode, opath, hnode, xpath) != 0)
		return -1;
	return check_map_dt(c, onode, opath, hnode, xpath);
}

/* A run of vIDs handed out while re-deriving the policy. */
struct run {
	uint64_t vid, count;
};

/* Whether [@vid, @vid + @n) meets one of the @nt runs in @t. */
static int run_taken(const struct run *t, size_t nt, uint64_t vid, uint64_t n)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (runs_meet(vid, n, t[i].vid, t[i].count))
			return 1;
	return 0;
}

/* The lowest free run of @n vIDs in [@base, vid_limit), or UINT64_MAX. */
static uint64_t lowest_free(const struct run *t, size_t nt, uint64_t base,
			    uint64_t n)
{
	uint64_t s = base;
	size_t i;
	int moved = 1;

	while (moved) {
		moved = 0;
		for (i = 0; i < nt; i++) {
			if (runs_meet(s, n, t[i].vid, t[i].count)) {
				s = t[i].vid + t[i].count;
				moved = 1;
			}
		}
	}
	return s + n <= vid_limit ? s : UINT64_MAX;
}

/* Rule 6 (no two keys' runs meet) and rule 7 (the policy). */
static int check_allocation(struct ctx *c, int identity, uint32_t vid_base)
{
	char kbuf[DTU_PATH_BUF + 64], kbuf2[DTU_PATH_BUF + 64];
	struct run *t;
	uint64_t *exp;
	size_t nk = c->nkeys, i, j, nt = 0;

	for (i = 0; i < nk; i++)
		for (j = 0; j < i; j++)
			if (runs_meet(c->keys[i].vid, c->keys[i].count,
				      c->keys[j].vid, c->keys[j].count))
				violation(c, "rule 6: vIDs 0x%" PRIx32 "-0x%" PRIx64 " of key %s (first at %s) meet vIDs 0x%" PRIx32 "-0x%" PRIx64 " of key %s (first at %s)",
					  c->keys[j].vid,
					  (uint64_t)c->keys[j].vid + c->keys[j].count - 1,
					  key_str(c, &c->keys[j], kbuf, sizeof(kbuf)),
					  c->keys[j].first_node,
					  c->keys[i].vid,
					  (uint64_t)c->keys[i].vid + c->keys[i].count - 1,
					  key_str(c, &c->keys[i], kbuf2, sizeof(kbuf2)),
					  c->keys[i].first_node);

	exp = malloc((nk ? nk : 1) * sizeof(*exp));
	t = malloc((nk ? nk : 1) * sizeof(*t));
	if (!exp || !t) {
		free(exp);
		free(t);
		c->nomem = 1;
		return -1;
	}
	for (i = 0; i < nk; i++)
		exp[i] = UINT64_MAX;
	/* identity: vID = pID for each key whose run is in the space and
	 * free, in key order ... */
	for (i = 0; identity && i < nk; i++) {
		uint64_t pid = c->keys[i].pid, n = c->keys[i].count;

		if (pid < vid_base || pid + n > vid_limit ||
		    run_taken(t, nt, pid, n))
			continue;
		exp[i] = pid;
		t[nt].vid = pid;
		t[nt++].count = n;
	}
	/* ... then (and for compact, only) the lowest free run. */
	for (i = 0; i < nk; i++) {
		if (exp[i] != UINT64_MAX)
			continue;
		exp[i] = lowest_free(t, nt, vid_base, c->keys[i].count);
		if (exp[i] == UINT64_MAX) {
			violation(c, "rule 7: key %s (first at %s) fits nowhere in [0x%" PRIx32 ", 0x%llx), yet the tool gave it vID 0x%" PRIx32,
				  key_str(c, &c->keys[i], kbuf, sizeof(kbuf)),
				  c->keys[i].first_node, vid_base,
				  (unsigned long long)vid_limit,
				  c->keys[i].vid);
			continue;
		}
		t[nt].vid = exp[i];
		t[nt++].count = c->keys[i].count;
	}

	for (i = 0; i < nk; i++) {
		const struct key *k = &c->keys[i];

		if (k->vid < vid_base ||
		    (uint64_t)k->vid + k->count > vid_limit)
			violation(c, "rule 7: key %s (first at %s) has vIDs 0x%" PRIx32 "-0x%" PRIx64
				  " outside [0x%" PRIx32 ", 0x%llx)",
				  key_str(c, k, kbuf, sizeof(kbuf)),
				  k->first_node, k->vid,
				  (uint64_t)k->vid + k->count - 1, vid_base,
				  (unsigned long long)vid_limit);
		if (exp[i] != UINT64_MAX && k->vid != exp[i])
			violation(c, "rule 7 (%s): key #%zu %s (first at %s) has vID 0x%" PRIx32
				  ", expected 0x%" PRIx64,
				  identity ? "identity" : "compact", i,
				  key_str(c, k, kbuf, sizeof(kbuf)),
				  k->first_node, k->vid, exp[i]);
	}
	free(t);
	free(exp);
	return 0;
}

/* COUNT: 0x-hex or decimal; sets *@radix. */
static int parse_count(const char **s, uint64_t *v, int *radix)
{
	const char *p = *s;
	uint64_t x = 0;
	int n = 0;

	if (p[0] == '0' && p[1] == 'x') {
		*radix = 16;
		return parse_hex(s, v);
	}
	for (; *p >= '0' && *p <= '9'; p++, n++) {
		if (n >= 19)
			return -1;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (n == 0)
		return -1;
	*radix = 10;
	*v = x;
	*s = p;
	return 0;
}

static const char map_prefix[] = "iommu_devid_map = [";

/*
 * The syntax of the xl map: one line `iommu_devid_map = [ "PID@VID,BASE",
 * "PID@VID,BASE,COUNT", ... ]`.  Fills c->map (NULL on a syntax error).
 */
static int parse_map(struct ctx *c, const char *name, const char *text,
		     size_t len)
{
	const char *p;
	struct map_entry m;

	if (len == 0 || text[len - 1] != '\n' || strlen(text) != len ||
	    strchr(text, '\n') != text + len - 1)
		violation(c, "map: %s: not exactly one line ending in a newline",
			  name);
	if (strncmp(text, map_prefix, sizeof(map_prefix) - 1) != 0) {
		violation(c, "map: %s: does not start with '%s'", name,
			  map_prefix);
		goto bad;
	}
	c->map = malloc(sizeof(*c->map));
	c->mcap = 1;
	if (!c->map) {
		c->nomem = 1;
		return -1;
	}
	p = text + sizeof(map_prefix) - 1;
	for (;;) {
		skip_spaces(&p);
		if (*p == ']' && c->nmap == 0)
			break;
		m.count = 1;
		m.radix = 0;
		if (*p != '"' ||
		    (p++, parse_hex(&p, &m.pid)) || *p++ != '@' ||
		    parse_hex(&p, &m.vid) || *p++ != ',' ||
		    parse_hex(&p, &m.base) ||
		    (*p == ',' && (p++, parse_count(&p, &m.count, &m.radix))) ||
		    *p++ != '"') {
			violation(c, "map: %s: malformed entry %zu near '%.20s'",
				  name, c->nmap, p > text + len ? text + len : p);
			goto bad;
		}
		if (grow(c, (void **)&c->map, c->nmap, &c->mcap,
			 sizeof(*c->map)))
			return -1;
		c->map[c->nmap++] = m;
		skip_spaces(&p);
		if (*p == ']')
			break;
		if (*p++ != ',') {
			violation(c, "map: %s: expected ',' or ']' after entry %zu",
				  name, c->nmap - 1);
			goto bad;
		}
	}
	p++;
	if (strcmp(p, "\n") != 0)
		violation(c, "map: %s: trailing text after ']'", name);
	return 0;
bad:
	free(c->map);
	c->map = NULL;
	c->nmap = 0;
	return 0;
}

static size_t canonical_entry(char *buf, size_t len,
			      const struct map_entry *e)
{
	int n = snprintf(buf, len, "\"0x%" PRIx64 "@0x%" PRIx64 ",0x%" PRIx64,
			 e->pid, e->vid, e->base);

	if (n >= 0 && e->radix && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n,
			      e->radix == 16 ? ",0x%" PRIx64 : ",%" PRIu64,
			      e->count);
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "\"");
	return n < 0 ? 0 : (size_t)n;
}

/* The xl map's entries against the keys, and its exact text. */
static int check_map(struct ctx *c, const char *name, const char *text)
{
	char kbuf[DTU_PATH_BUF + 64], why[DTU_PATH_BUF + 128];
	const struct map_entry *e = c->map;
	size_t ne = c->nmap, i, j, clen, ccap;
	char *canon;
	int radix = 0;

	if (!e)
		return 0;
	if (ne != c->nkeys)
		violation(c, "map: %s: %zu entries for %zu keys", name, ne,
			  c->nkeys);
	for (i = 0; i < ne; i++) {
		if (e[i].radix && e[i].count < 2)
			violation(c, "map: %s: entry %zu writes COUNT %" PRIu64
				  " (only a count above 1 is written)", name, i,
				  e[i].count);
		if (e[i].radix && radix && e[i].radix != radix)
			violation(c, "map: %s: entry %zu writes COUNT in another radix than the entries before it",
				  name, i);
		if (e[i].radix)
			radix = e[i].radix;
	}
	for (i = 1; i < ne; i++)
		if (e[i].vid < e[i - 1].vid + e[i - 1].count)
			violation(c, "map: %s: entry %zu (vID 0x%" PRIx64
				  ") does not start after entry %zu (vIDs 0x%" PRIx64 "-0x%" PRIx64
				  "): not sorted by vID, or overlapping",
				  name, i, e[i].vid, i - 1, e[i - 1].vid,
				  e[i - 1].vid + e[i - 1].count - 1);
	for (i = 0; i < ne; i++) {
		const struct key *k = NULL;
		uint64_t base;

		for (j = 0; j < c->nkeys && !k; j++)
			if (c->keys[j].vid == e[i].vid)
				k = &c->keys[j];
		if (!k) {
			violation(c, "map: %s: entry %zu: vID 0x%" PRIx64
				  " starts no key's run", name, i, e[i].vid);
			continue;
		}
		if (e[i].pid != k->pid || e[i].count != k->count)
			violation(c, "map: %s: entry %zu: vID 0x%" PRIx64
				  " has pID 0x%" PRIx64 " count %" PRIu64
				  ", but it stands for %s (count %" PRIu32 ")",
				  name, i, e[i].vid, e[i].pid, e[i].count,
				  key_str(c, k, kbuf, sizeof(kbuf)), k->count);
		if (iommu_base(c->host, k->iommu, &base, why, sizeof(why)))
			violation(c, "map: %s: entry %zu: cannot compute the base of %s: %s",
				  name, i, key_str(c, k, kbuf, sizeof(kbuf)),
				  why);
		else if (base != e[i].base)
			violation(c, "map: %s: entry %zu: vID 0x%" PRIx64
				  " has base 0x%" PRIx64 ", expected 0x%" PRIx64
				  " for %s", name, i, e[i].vid, e[i].base, base,
				  key_str(c, k, kbuf, sizeof(kbuf)));
	}
	for (j = 0; j < c->nkeys; j++) {
		int found = 0;

		for (i = 0; i < ne && !found; i++)
			found = e[i].vid == c->keys[j].vid;
		if (!found)
			violation(c, "map: %s: no entry for vID 0x%" PRIx32
				  " of key %s", name, c->keys[j].vid,
				  key_str(c, &c->keys[j], kbuf, sizeof(kbuf)));
	}

	/* The exact text: lowercase hex, no leading zeros, ", " between. */
	if (c->violations != 0)
		return 0;
	ccap = sizeof(map_prefix) + 8 + ne * 96;
	canon = malloc(ccap);
	if (!canon) {
		c->nomem = 1;
		return -1;
	}
	clen = (size_t)snprintf(canon, ccap, "%s ", map_prefix);
	for (i = 0; i < ne; i++) {
		clen += canonical_entry(canon + clen, ccap - clen, &e[i]);
		if (i + 1 < ne)
			clen += (size_t)snprintf(canon + clen, ccap - clen,
						 ", ");
	}
	snprintf(canon + clen, ccap - clen, "%s]\n", ne ? " " : "");
	if (strcmp(canon, text) != 0) {
		canon[strlen(canon) - 1] = '\0';	/* one line */
		violation(c, "map: %s: not in canonical form; expected: %s",
			  name, canon);
	}
	free(canon);
	return 0;
}

static void check_viommu_node(struct ctx *c)
{
	char pbuf[DTU_PATH_BUF];
	int node, depth = 0, found = 0;

	for (node = fdt_next_node(c->out, -1, &depth); node >= 0;
	     node = fdt_next_node(c->out, node, &depth)) {
		const fdt32_t *ic;
		int len;

		if (fdt_get_phandle(c->out, node) != VIOMMU_PHANDLE)
			continue;
		found++;
		dtu_path(c->out, node, pbuf);
		if (fdt_node_check_compatible(c->out, node, "arm,smmu-v3") != 0)
			violation(c, "vIOMMU: %s has phandle 0x%x but is not compatible with arm,smmu-v3",
				  pbuf, VIOMMU_PHANDLE);
		ic = fdt_getprop(c->out, node, "#iommu-cells", &len);
		if (!ic || len != 4 || fdt32_to_cpu(*ic) != 1)
			violation(c, "vIOMMU: %s: #iommu-cells is not <1>",
				  pbuf);
		if (fdt_getprop(c->out, node, "xen,path", NULL))
			violation(c, "vIOMMU: %s has xen,path", pbuf);
	}
	if (found != 1)
		violation(c, "vIOMMU: %d nodes carry phandle 0x%x, expected exactly 1",
			  found, VIOMMU_PHANDLE);
}

int main(int argc, char **argv)
{
	struct ctx c;
	void *host = NULL, *out = NULL;
	char *text = NULL;
	size_t i, tlen;
	uint64_t ids = 0;
	uint32_t vid_base, vid_bits = 16;
	int identity, rc = 2;

	memset(&c, 0, sizeof(c));
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: corpus_verify HOST.dtb OUT.dtb MAP.cfg compact|identity VID_BASE [VID_BITS]\n");
		return 2;
	}
	if (strcmp(argv[4], "compact") == 0) {
		identity = 0;
	} else if (strcmp(argv[4], "identity") == 0) {
		identity = 1;
	} else {
		fprintf(stderr, "corpus_verify: unknown policy '%s'\n", argv[4]);
		return 2;
	}
	if (parse_u32(argv[5], &vid_base) != 0) {
		fprintf(stderr, "corpus_verify: bad VID_BASE '%s'\n", argv[5]);
		return 2;
	}
	if (argc == 7 && (parse_u32(argv[6], &vid_bits) != 0 || vid_bits < 1 ||
			  vid_bits > 32)) {
		fprintf(stderr, "corpus_verify: bad VID_BITS '%s'\n", argv[6]);
		return 2;
	}
	vid_limit = (uint64_t)1 << vid_bits;
	host = dtu_read_dtb("corpus_verify", argv[1]);
	if (!host)
		goto out;
	out = dtu_read_dtb("corpus_verify", argv[2]);
	if (!out)
		goto out;
	c.host = host;
	c.out = out;

	text = dtu_read_file(argv[3], &tlen);
	if (!text)
		violation(&c, "map: %s: %s", argv[3], strerror(errno));
	if ((text && parse_map(&c, argv[3], text, tlen) != 0) ||
	    for_each_device(&c, collect_ranges) != 0 ||
	    for_each_device(&c, check_device) != 0 ||
	    check_allocation(&c, identity, vid_base) != 0 ||
	    (text && check_map(&c, argv[3], text) != 0) || c.nomem) {
		fprintf(stderr, "corpus_verify: out of memory\n");
		goto out;
	}
	check_viommu_node(&c);

	for (i = 0; i < c.nkeys; i++)
		ids += c.keys[i].count;
	if (c.violations) {
		printf("corpus_verify: %lu violation(s)\n", c.violations);
		rc = 1;
	} else {
		printf("corpus_verify: ok: %lu devices, %lu iommu-map users, %zu keys, %" PRIu64 " ids, %lu specifiers, %lu RIDs, policy %s, vid-base 0x%" PRIx32 ", vid-bits %" PRIu32 "\n",
		       c.devices, c.map_users, c.nkeys, ids, c.specifiers,
		       c.rids, argv[4], vid_base, vid_bits);
		rc = 0;
	}
out:
	for (i = 0; i < c.nkeys; i++)
		free(c.keys[i].first_node);
	for (i = 0; i < c.nranges; i++)
		free(c.ranges[i].node);
	free(c.keys);
	free(c.ranges);
	free(c.map);
	free(text);
	free(host);
	free(out);
	return rc;
}

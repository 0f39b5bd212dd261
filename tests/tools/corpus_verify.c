/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * corpus_verify: check viommu-dtgen's output against the host device tree,
 * recomputing everything from the host DT itself (nothing is taken from the
 * tool's own code).
 *
 *   corpus_verify HOST.dtb OUT.dtb MAP.cfg POLICY VID_BASE
 *
 * POLICY is compact or identity; the vID space is [VID_BASE, 2^16) (the
 * tool's default --vid-bits).  Checks:
 *   rule 3  every passthrough node (a node under /passthrough with xen,path)
 *           has iommus = <VIOMMU vid> once per host specifier, host order;
 *   rule 6  a key (host IOMMU node, pID, mask) always gets the same vID, and
 *           two keys never share one;
 *   rule 7  the vIDs are those the policy gives, re-derived here;
 *   map     the xl map has one entry per key, sorted by vID, with the right
 *           pID and the IOMMU's base (first reg translated through ranges);
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

#define VIOMMU_PHANDLE 0xfdeau
#define VID_LIMIT 0x10000u /* 2^16: the tool's default --vid-bits */
#define MAX_FILE_SIZE (64u * 1024u * 1024u)
#define PATH_BUF 4096

struct key {
	int iommu;		/* node offset of the IOMMU in the host DT */
	uint32_t pid;
	uint32_t mask;
	uint32_t vid;		/* as found in OUT at the key's first use */
	char *first_node;	/* OUT path of the node that first used it */
};

struct map_entry {
	uint64_t pid, vid, base;
};

struct ctx {
	const void *host;
	const void *out;
	struct key *keys;
	size_t nkeys, cap;
	unsigned long violations;
	unsigned long devices;
	unsigned long specifiers;
};

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

static void *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *buf = NULL;
	size_t cap = 0, used = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		if (used + 1 >= cap) {
			char *nbuf;

			if (cap >= MAX_FILE_SIZE) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto fail;
			buf = nbuf;
		}
		n = fread(buf + used, 1, cap - used - 1, f);
		used += n;
		if (n == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	buf[used] = '\0';	/* lets the map parser treat it as a string */
	*len = used;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static void *read_dtb(const char *name)
{
	size_t len;
	void *fdt = read_file(name, &len);

	if (!fdt) {
		fprintf(stderr, "corpus_verify: %s: %s\n", name,
			strerror(errno));
		return NULL;
	}
	if (len < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
	    fdt_totalsize(fdt) > len) {
		fprintf(stderr, "corpus_verify: %s: not a valid device tree blob\n",
			name);
		free(fdt);
		return NULL;
	}
	return fdt;
}

static const char *node_path(const void *fdt, int node, char *buf)
{
	if (fdt_get_path(fdt, node, buf, PATH_BUF) != 0)
		snprintf(buf, PATH_BUF, "<offset %d>", node);
	return buf;
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

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * The CPU physical address of the first reg entry of `node`, translated
 * through every ancestor's ranges.  Returns 0, or -1 with a reason in `why`.
 */
static int iommu_base(const void *fdt, int node, uint64_t *addr, char *why,
		      size_t whylen)
{
	char pbuf[PATH_BUF];
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

	while (cur > 0) {	/* offset 0 is the root: nothing above it */
		int pp = fdt_parent_offset(fdt, cur);
		const fdt32_t *r;
		int cac, pac, csc, step, i, found = 0;

		if (pp < 0) {
			snprintf(why, whylen, "%s: no parent",
				 node_path(fdt, cur, pbuf));
			return -1;
		}
		r = fdt_getprop(fdt, cur, "ranges", &len);
		if (!r) {
			snprintf(why, whylen,
				 "%s has no ranges: address not translatable",
				 node_path(fdt, cur, pbuf));
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
				 node_path(fdt, cur, pbuf), cac, pac, csc);
			return -1;
		}
		step = cac + pac + csc;
		if (len % (step * 4) != 0) {
			snprintf(why, whylen, "%s: malformed ranges",
				 node_path(fdt, cur, pbuf));
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
				 *addr, node_path(fdt, cur, pbuf));
			return -1;
		}
		cur = pp;
	}
	return 0;
}

static struct key *find_key(struct ctx *c, int iommu, uint32_t pid,
			    uint32_t mask)
{
	size_t i;

	for (i = 0; i < c->nkeys; i++)
		if (c->keys[i].iommu == iommu && c->keys[i].pid == pid &&
		    c->keys[i].mask == mask)
			return &c->keys[i];
	return NULL;
}

static int add_key(struct ctx *c, int iommu, uint32_t pid, uint32_t mask,
		   uint32_t vid, const char *node)
{
	struct key *k;

	if (c->nkeys == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct key *n = realloc(c->keys, ncap * sizeof(*n));

		if (!n)
			return -1;
		c->keys = n;
		c->cap = ncap;
	}
	k = &c->keys[c->nkeys];
	k->first_node = malloc(strlen(node) + 1);
	if (!k->first_node)
		return -1;
	memcpy(k->first_node, node, strlen(node) + 1);
	k->iommu = iommu;
	k->pid = pid;
	k->mask = mask;
	k->vid = vid;
	c->nkeys++;
	return 0;
}

static const char *key_str(const struct ctx *c, const struct key *k,
			   char *buf, size_t len)
{
	char pbuf[PATH_BUF];

	snprintf(buf, len, "(%s, pid 0x%" PRIx32 ", mask 0x%" PRIx32 ")",
		 node_path(c->host, k->iommu, pbuf), k->pid, k->mask);
	return buf;
}

/* Rules 3 and 6 for one passthrough node of OUT. */
static int check_device(struct ctx *c, int onode)
{
	char opath[PATH_BUF], hpath_buf[PATH_BUF], kbuf[PATH_BUF + 64];
	const char *xpath;
	const fdt32_t *hp, *op;
	int xlen, hlen, olen, hnode, pos, nspec, ncells, i;

	node_path(c->out, onode, opath);
	xpath = fdt_getprop(c->out, onode, "xen,path", &xlen);
	if (xlen < 1 || xpath[xlen - 1] != '\0') {
		violation(c, "%s: xen,path is not a string", opath);
		return 0;
	}
	c->devices++;
	hnode = fdt_path_offset(c->host, xpath);
	if (hnode < 0) {
		violation(c, "%s: xen,path %s not found in the host DT", opath,
			  xpath);
		return 0;
	}

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
				  node_path(c->host, iommu, hpath_buf));
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
		struct key *k;

		pos += 1 + (int)cells;
		if (oph != VIOMMU_PHANDLE) {
			violation(c, "rule 3: %s: iommus entry %d has phandle 0x%" PRIx32
				  ", expected 0x%x", opath, i, oph,
				  VIOMMU_PHANDLE);
			continue;
		}
		k = find_key(c, iommu, pid, mask);
		if (k) {
			if (k->vid != vid)
				violation(c, "rule 6: %s: iommus entry %d: key %s has vID 0x%" PRIx32
					  " here but 0x%" PRIx32 " at %s",
					  opath, i,
					  key_str(c, k, kbuf, sizeof(kbuf)),
					  vid, k->vid, k->first_node);
			continue;
		}
		if (add_key(c, iommu, pid, mask, vid, opath) != 0) {
			fprintf(stderr, "corpus_verify: out of memory\n");
			return -1;
		}
	}
	return 0;
}

static int vid_taken(const uint64_t *v, size_t n, uint64_t vid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == vid)
			return 1;
	return 0;
}

/* Rule 6 (distinct keys, distinct vIDs) and rule 7 (the policy). */
static int check_allocation(struct ctx *c, int identity, uint32_t vid_base)
{
	char kbuf[PATH_BUF + 64], kbuf2[PATH_BUF + 64];
	uint64_t *exp;
	size_t i, j, nexp = 0;
	uint64_t next = vid_base;

	for (i = 0; i < c->nkeys; i++)
		for (j = 0; j < i; j++)
			if (c->keys[i].vid == c->keys[j].vid)
				violation(c, "rule 6: vID 0x%" PRIx32 " shared by keys %s (first at %s) and %s (first at %s)",
					  c->keys[i].vid,
					  key_str(c, &c->keys[j], kbuf, sizeof(kbuf)),
					  c->keys[j].first_node,
					  key_str(c, &c->keys[i], kbuf2, sizeof(kbuf2)),
					  c->keys[i].first_node);

	exp = malloc((c->nkeys ? c->nkeys : 1) * sizeof(*exp));
	if (!exp)
		return -1;
	for (i = 0; i < c->nkeys; i++)
		exp[i] = UINT64_MAX;
	if (identity) {
		/* `nexp` counts the vIDs handed out so far; scan them all. */
		uint64_t *given = malloc((c->nkeys ? c->nkeys : 1) *
					 sizeof(*given));

		if (!given) {
			free(exp);
			return -1;
		}
		for (i = 0; i < c->nkeys; i++) {
			uint32_t pid = c->keys[i].pid;

			if (pid >= vid_base && pid < VID_LIMIT &&
			    !vid_taken(given, nexp, pid)) {
				exp[i] = pid;
				given[nexp++] = pid;
			}
		}
		for (i = 0; i < c->nkeys; i++) {
			if (exp[i] != UINT64_MAX)
				continue;
			while (vid_taken(given, nexp, next))
				next++;
			exp[i] = next;
			given[nexp++] = next;
		}
		free(given);
	} else {
		for (i = 0; i < c->nkeys; i++)
			exp[i] = (uint64_t)vid_base + i;
	}

	for (i = 0; i < c->nkeys; i++) {
		if (c->keys[i].vid < vid_base || c->keys[i].vid >= VID_LIMIT)
			violation(c, "rule 7: key %s (first at %s) has vID 0x%" PRIx32
				  " outside [0x%" PRIx32 ", 0x%x)",
				  key_str(c, &c->keys[i], kbuf, sizeof(kbuf)),
				  c->keys[i].first_node, c->keys[i].vid,
				  vid_base, VID_LIMIT);
		if (c->keys[i].vid != exp[i])
			violation(c, "rule 7 (%s): key #%zu %s (first at %s) has vID 0x%" PRIx32
				  ", expected 0x%" PRIx64,
				  identity ? "identity" : "compact", i,
				  key_str(c, &c->keys[i], kbuf, sizeof(kbuf)),
				  c->keys[i].first_node, c->keys[i].vid,
				  exp[i]);
	}
	free(exp);
	return 0;
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

static size_t canonical_entry(char *buf, size_t len, uint64_t pid,
			      uint64_t vid, uint64_t base)
{
	int n = snprintf(buf, len, "\"0x%" PRIx64 "@0x%" PRIx64 ",0x%" PRIx64
			 "\"", pid, vid, base);

	return n < 0 ? 0 : (size_t)n;
}

static int check_map(struct ctx *c, const char *name)
{
	static const char prefix[] = "iommu_devid_map = [";
	char kbuf[PATH_BUF + 64], why[PATH_BUF + 128];
	struct map_entry *e = NULL;
	size_t ne = 0, cap = 0, i, j, len;
	char *text = read_file(name, &len);
	const char *p;
	char *canon = NULL;
	size_t clen = 0, ccap = 0;
	int ret = 0;

	if (!text) {
		violation(c, "map: %s: %s", name, strerror(errno));
		return 0;
	}
	if (len == 0 || text[len - 1] != '\n' || strlen(text) != len ||
	    strchr(text, '\n') != text + len - 1)
		violation(c, "map: %s: not exactly one line ending in a newline",
			  name);
	if (strncmp(text, prefix, sizeof(prefix) - 1) != 0) {
		violation(c, "map: %s: does not start with '%s'", name, prefix);
		goto out;
	}
	p = text + sizeof(prefix) - 1;
	for (;;) {
		struct map_entry m;

		skip_spaces(&p);
		if (*p == ']' && ne == 0)
			break;
		if (*p != '"' ||
		    (p++, parse_hex(&p, &m.pid)) || *p++ != '@' ||
		    parse_hex(&p, &m.vid) || *p++ != ',' ||
		    parse_hex(&p, &m.base) || *p++ != '"') {
			violation(c, "map: %s: malformed entry %zu near '%.20s'",
				  name, ne, p > text + len ? text + len : p);
			goto out;
		}
		if (ne == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct map_entry *n = realloc(e, ncap * sizeof(*n));

			if (!n) {
				ret = -1;
				goto out;
			}
			e = n;
			cap = ncap;
		}
		e[ne++] = m;
		skip_spaces(&p);
		if (*p == ']')
			break;
		if (*p++ != ',') {
			violation(c, "map: %s: expected ',' or ']' after entry %zu",
				  name, ne - 1);
			goto out;
		}
	}
	p++;
	if (strcmp(p, "\n") != 0)
		violation(c, "map: %s: trailing text after ']'", name);

	if (ne != c->nkeys)
		violation(c, "map: %s: %zu entries for %zu keys", name, ne,
			  c->nkeys);
	for (i = 1; i < ne; i++)
		if (e[i].vid <= e[i - 1].vid)
			violation(c, "map: %s: entry %zu (vID 0x%" PRIx64
				  ") is not after entry %zu (vID 0x%" PRIx64
				  "): not sorted by vID or duplicated",
				  name, i, e[i].vid, i - 1, e[i - 1].vid);
	for (i = 0; i < ne; i++) {
		const struct key *k = NULL;
		uint64_t base;

		for (j = 0; j < c->nkeys && !k; j++)
			if (c->keys[j].vid == e[i].vid)
				k = &c->keys[j];
		if (!k) {
			violation(c, "map: %s: entry %zu: vID 0x%" PRIx64
				  " is used by no device", name, i, e[i].vid);
			continue;
		}
		if (e[i].pid != k->pid)
			violation(c, "map: %s: entry %zu: vID 0x%" PRIx64
				  " has pID 0x%" PRIx64 ", but it stands for %s",
				  name, i, e[i].vid, e[i].pid,
				  key_str(c, k, kbuf, sizeof(kbuf)));
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
	if (c->violations == 0) {
		ccap = sizeof(prefix) + 8 + ne * 64;
		canon = malloc(ccap);
		if (!canon) {
			ret = -1;
			goto out;
		}
		clen = (size_t)snprintf(canon, ccap, "%s ", prefix);
		for (i = 0; i < ne; i++) {
			clen += canonical_entry(canon + clen, ccap - clen,
						e[i].pid, e[i].vid, e[i].base);
			if (i + 1 < ne)
				clen += (size_t)snprintf(canon + clen,
							 ccap - clen, ", ");
		}
		snprintf(canon + clen, ccap - clen, "%s]\n", ne ? " " : "");
		if (strcmp(canon, text) != 0) {
			canon[strlen(canon) - 1] = '\0';	/* one line */
			violation(c, "map: %s: not in canonical form; expected: %s",
				  name, canon);
		}
	}
out:
	free(canon);
	free(e);
	free(text);
	return ret;
}

static void check_viommu_node(struct ctx *c)
{
	char pbuf[PATH_BUF];
	int node, depth = 0, found = 0;

	for (node = fdt_next_node(c->out, -1, &depth); node >= 0;
	     node = fdt_next_node(c->out, node, &depth)) {
		const fdt32_t *ic;
		int len;

		if (fdt_get_phandle(c->out, node) != VIOMMU_PHANDLE)
			continue;
		found++;
		node_path(c->out, node, pbuf);
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

static int check_devices(struct ctx *c)
{
	int pt = fdt_path_offset(c->out, "/passthrough");
	int node, depth = 0;

	if (pt < 0) {
		violation(c, "output has no /passthrough");
		return 0;
	}
	/* Depth-first over /passthrough's subtree, in document order. */
	for (node = fdt_next_node(c->out, pt, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(c->out, node, &depth)) {
		if (!fdt_getprop(c->out, node, "xen,path", NULL))
			continue;
		if (check_device(c, node) != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c;
	void *host = NULL, *out = NULL;
	uint32_t vid_base;
	int identity, rc = 2;
	size_t i;

	memset(&c, 0, sizeof(c));
	if (argc != 6) {
		fprintf(stderr, "usage: corpus_verify HOST.dtb OUT.dtb MAP.cfg compact|identity VID_BASE\n");
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
	host = read_dtb(argv[1]);
	if (!host)
		goto out;
	out = read_dtb(argv[2]);
	if (!out)
		goto out;
	c.host = host;
	c.out = out;

	if (check_devices(&c) != 0 ||
	    check_allocation(&c, identity, vid_base) != 0 ||
	    check_map(&c, argv[3]) != 0) {
		fprintf(stderr, "corpus_verify: out of memory\n");
		goto out;
	}
	check_viommu_node(&c);

	if (c.violations) {
		printf("corpus_verify: %lu violation(s)\n", c.violations);
		rc = 1;
	} else {
		printf("corpus_verify: ok: %lu devices, %zu keys, %lu specifiers, policy %s, vid-base 0x%" PRIx32 "\n",
		       c.devices, c.nkeys, c.specifiers, argv[4], vid_base);
		rc = 0;
	}
out:
	for (i = 0; i < c.nkeys; i++)
		free(c.keys[i].first_node);
	free(c.keys);
	free(host);
	free(out);
	return rc;
}

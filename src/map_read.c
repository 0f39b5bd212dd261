/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Map readers.  The YAML and JSON forms go through libyaml's event parser,
 * read against the fixed structure of viommu-map(5): no generic tree is
 * built, so nesting the structure does not expect fails at once.  Every
 * rule that spans entries (order, overlap, vID space, full or bare) is
 * checked afterwards by one function shared with the binary reader.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "map_read.h"
#include "u64map.h"

#define MAX_SHOWN 40		/* characters of a bad value quoted in a message */

struct rd_link {
	int next;		/* next with the same hash, or -1 */
	int mark;		/* device: the last entry that listed it */
};

struct rd {
	yaml_parser_t p;
	yaml_event_t ev;
	int have;		/* ev holds an event */
	const char *file;
	struct vdt_diag *d;
	struct vmap *m;
	yaml_mark_t *marks;	/* per entry: where it starts (YAML only) */
	struct rd_link *dev_links, *iommu_links;
	int cap_entries, cap_marks, cap_iommus, cap_devices;
	int cap_dev_links, cap_iommu_links;
	struct u64map dev_by_path, iommu_by_path, iommu_by_base;
};

static int nomem(struct rd *r)
{
	vdt_error(r->d, VDT_ERR_NOMEM, r->file, NULL, NULL, "out of memory");
	return -VDT_ERR_NOMEM;
}

/* An error "line L, column C: MESSAGE" at @mark. */
static int err_at(struct rd *r, const yaml_mark_t *mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int err_at(struct rd *r, const yaml_mark_t *mark, const char *fmt, ...)
{
	char msg[VDT_DIAG_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!mark)
		vdt_error(r->d, VDT_ERR_BADDT, r->file, NULL, NULL, "%s", msg);
	else
		vdt_error(r->d, VDT_ERR_BADDT, r->file, NULL, NULL,
			  "line %zu, column %zu: %s", mark->line + 1,
			  mark->column + 1, msg);
	return -VDT_ERR_BADDT;
}

/* Error at the current event. */
#define ERR(r, ...) err_at((r), &(r)->ev.start_mark, __VA_ARGS__)

/* A scalar's value made fit for a one-line message. */
static const char *shown(const yaml_event_t *ev, char *buf, size_t len)
{
	size_t i, n = ev->data.scalar.length;
	const unsigned char *s = ev->data.scalar.value;

	if (n > MAX_SHOWN)
		n = MAX_SHOWN;
	if (n >= len)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	buf[n] = '\0';
	if (n < ev->data.scalar.length && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	return buf;
}

static int next(struct rd *r)
{
	if (r->have)
		yaml_event_delete(&r->ev);
	r->have = 0;
	if (!yaml_parser_parse(&r->p, &r->ev)) {
		if (r->p.error == YAML_MEMORY_ERROR)
			return nomem(r);
		if (r->p.error == YAML_READER_ERROR)
			return err_at(r, NULL, "byte %zu: %s",
				      r->p.problem_offset,
				      r->p.problem ? r->p.problem : "unreadable");
		return err_at(r, &r->p.problem_mark, "%s",
			      r->p.problem ? r->p.problem : "not YAML");
	}
	r->have = 1;
	switch (r->ev.type) {
	case YAML_ALIAS_EVENT:
		return ERR(r, "aliases are not allowed in a map");
	case YAML_SCALAR_EVENT:
		if (r->ev.data.scalar.anchor || r->ev.data.scalar.tag)
			return ERR(r, "anchors and tags are not allowed in a map");
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		if (r->ev.data.sequence_start.anchor ||
		    r->ev.data.sequence_start.tag)
			return ERR(r, "anchors and tags are not allowed in a map");
		return 0;
	case YAML_MAPPING_START_EVENT:
		if (r->ev.data.mapping_start.anchor ||
		    r->ev.data.mapping_start.tag)
			return ERR(r, "anchors and tags are not allowed in a map");
		return 0;
	default:
		return 0;
	}
}

static const char *event_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ?
			       "a scalar" : "a quoted string";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* The next value: an integer in decimal or 0x hex, in [@min, @max]. */
static int read_uint(struct rd *r, const char *where, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	const char *s;
	char buf[MAX_SHOWN + 1];
	uint64_t v = 0, base = 10, dig;
	size_t i = 0, n;
	int rc = next(r), over = 0;

	if (rc < 0)
		return rc;
	if (r->ev.type != YAML_SCALAR_EVENT ||
	    r->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return ERR(r, "%s: expected an integer, found %s", where,
			   event_kind(&r->ev));
	s = (const char *)r->ev.data.scalar.value;
	n = r->ev.data.scalar.length;
	if (n > 2 && s[0] == '0' && s[1] == 'x') {
		base = 16;
		i = 2;
	} else if (n > 1 && s[0] == '0') {
		n = 0;		/* leading zeros: octal in YAML 1.1 */
	}
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			dig = (uint64_t)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			dig = (uint64_t)(s[i] - 'a') + 10;
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			dig = (uint64_t)(s[i] - 'A') + 10;
		else
			break;
		if (v > (UINT64_MAX - dig) / base)
			over = 1;
		else
			v = v * base + dig;
	}
	if (n == 0 || i < n)
		return ERR(r, "%s: '%s' is not an integer (decimal, or hex with 0x)",
			   where, shown(&r->ev, buf, sizeof(buf)));
	if (over || v < min || v > max)
		return ERR(r, "%s: %s is out of range [0x%llx, 0x%llx]", where,
			   shown(&r->ev, buf, sizeof(buf)),
			   (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

static int read_u32(struct rd *r, const char *where, uint32_t min,
		    uint32_t *out)
{
	uint64_t v = 0;
	int rc = read_uint(r, where, min, UINT32_MAX, &v);

	if (rc == 0)
		*out = (uint32_t)v;
	return rc;
}

/* The next value: a string (any scalar) without NUL; @out is malloc'ed. */
static int read_str(struct rd *r, const char *where, char **out)
{
	size_t n;
	int rc = next(r);

	if (rc < 0)
		return rc;
	if (r->ev.type != YAML_SCALAR_EVENT)
		return ERR(r, "%s: expected a string, found %s", where,
			   event_kind(&r->ev));
	n = r->ev.data.scalar.length;
	if (memchr(r->ev.data.scalar.value, '\0', n))
		return ERR(r, "%s: a NUL character in a string", where);
	*out = malloc(n + 1);
	if (!*out)
		return nomem(r);
	memcpy(*out, r->ev.data.scalar.value, n);
	(*out)[n] = '\0';
	return 0;
}

/* A host or partial DT path: a string starting with '/'. */
static int read_path(struct rd *r, const char *where, char **out)
{
	char buf[MAX_SHOWN + 1];
	int rc = read_str(r, where, out);

	if (rc == 0 && *out && (*out)[0] != '/') {
		free(*out);
		*out = NULL;
		return ERR(r, "%s: '%s' is not an absolute path", where,
			   shown(&r->ev, buf, sizeof(buf)));
	}
	return rc;
}

/* The next value: the scalar @want. */
static int read_const(struct rd *r, const char *where, const char *want)
{
	char buf[MAX_SHOWN + 1];
	int rc = next(r);

	if (rc < 0)
		return rc;
	if (r->ev.type != YAML_SCALAR_EVENT)
		return ERR(r, "%s: expected '%s', found %s", where, want,
			   event_kind(&r->ev));
	if (r->ev.data.scalar.length != strlen(want) ||
	    memcmp(r->ev.data.scalar.value, want, strlen(want)) != 0)
		return ERR(r, "%s: expected '%s', not '%s'", where, want,
			   shown(&r->ev, buf, sizeof(buf)));
	return 0;
}

/* The next value must start a collection of @type. */
static int expect(struct rd *r, const char *where, yaml_event_type_t type)
{
	int rc = next(r);

	if (rc < 0)
		return rc;
	if (r->ev.type != type)
		return ERR(r, "%s: expected %s, found %s", where,
			   type == YAML_MAPPING_START_EVENT ? "a mapping" :
							      "a list",
			   event_kind(&r->ev));
	return 0;
}

typedef int (*field_fn)(struct rd *r, int key, const char *where, void *ctx);

/*
 * The keys of the mapping just started: each one of @keys at most once,
 * its value read by @field; those in @required must all be there.
 * @seen receives the keys found, one bit each.
 */
static int read_mapping(struct rd *r, const char *where,
			const char *const *keys, int nkeys, unsigned int required,
			unsigned int *seen, field_fn field, void *ctx)
{
	yaml_mark_t start = r->ev.start_mark;
	char buf[MAX_SHOWN + 1], sub[96];
	size_t len;
	int k, rc;

	*seen = 0;
	for (;;) {
		rc = next(r);
		if (rc < 0)
			return rc;
		if (r->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (r->ev.type != YAML_SCALAR_EVENT)
			return ERR(r, "%s: expected a key, found %s", where,
				   event_kind(&r->ev));
		len = r->ev.data.scalar.length;
		for (k = 0; k < nkeys; k++)
			if (strlen(keys[k]) == len &&
			    memcmp(keys[k], r->ev.data.scalar.value, len) == 0)
				break;
		if (k == nkeys)
			return ERR(r, "%s%sunknown key '%s'", where,
				   *where ? ": " : "",
				   shown(&r->ev, buf, sizeof(buf)));
		if (*seen & (1u << k))
			return ERR(r, "%s%sduplicate key '%s'", where,
				   *where ? ": " : "", keys[k]);
		*seen |= 1u << k;
		snprintf(sub, sizeof(sub), "%s%s%s", where, *where ? "." : "",
			 keys[k]);
		rc = field(r, k, sub, ctx);
		if (rc < 0)
			return rc;
	}
	for (k = 0; k < nkeys; k++)
		if ((required & (1u << k)) && !(*seen & (1u << k)))
			return err_at(r, &start, "%s%smissing key '%s'", where,
				      *where ? ": " : "", keys[k]);
	return 0;
}

/*
 * @p (@*cap elements of @size) with room for element @n: the block, maybe
 * moved, or NULL (out of memory recorded; @p is still valid).
 */
static void *grow(struct rd *r, void *p, int *cap, int n, size_t size)
{
	void *q;
	int c;

	if (n < *cap)
		return p;
	if (*cap >= INT32_MAX / 4) {
		nomem(r);
		return NULL;
	}
	c = *cap ? *cap * 2 : 16;
	q = realloc(p, (size_t)c * size);
	if (!q) {
		nomem(r);
		return NULL;
	}
	*cap = c;
	return q;
}

/*
 * The map's index for the IOMMU (@path, @base), added if new; @path (NULL
 * for a bare map's) is taken over.  One path has one base.
 */
static int add_iommu(struct rd *r, char *path, uint64_t base,
		     const char *where, const yaml_mark_t *mark)
{
	struct vmap *m = r->m;
	uint64_t h = path ? u64map_str_key(path, strlen(path)) : base;
	struct u64map *idx = path ? &r->iommu_by_path : &r->iommu_by_base;
	void *q;
	int i = u64map_get(idx, h), first = i, rc;

	for (; i >= 0 && path; i = r->iommu_links[i].next)
		if (strcmp(m->iommus[i].path, path) == 0)
			break;
	if (i >= 0) {
		rc = i;
		if (m->iommus[i].base != base)
			rc = err_at(r, mark, "%s: %s has base 0x%llx here and 0x%llx before",
				    where, path, (unsigned long long)base,
				 (unsigned long long)m->iommus[i].base);
		free(path);
		return rc;
	}
	i = m->niommus;
	if ((q = grow(r, m->iommus, &r->cap_iommus, i, sizeof(*m->iommus))))
		m->iommus = q;
	if (q && (q = grow(r, r->iommu_links, &r->cap_iommu_links, i,
			   sizeof(*r->iommu_links))))
		r->iommu_links = q;
	if (!q) {
		free(path);
		return -VDT_ERR_NOMEM;
	}
	m->iommus[i].path = path;
	m->iommus[i].base = base;
	m->niommus++;
	r->iommu_links[i].next = first < 0 ? -1 : first;
	if (u64map_put(idx, h, i) < 0)
		return nomem(r);
	return i;
}

/* The map's index for the device (@node, @host); the strings are taken. */
static int add_device(struct rd *r, char *node, char *host, const char *where,
		      const yaml_mark_t *mark)
{
	struct vmap *m = r->m;
	uint64_t h = u64map_str_key(node, strlen(node));
	void *q;
	int i = u64map_get(&r->dev_by_path, h), first = i, rc;

	for (; i >= 0; i = r->dev_links[i].next)
		if (strcmp(m->devices[i].node, node) == 0)
			break;
	if (i >= 0) {
		rc = i;
		if (strcmp(m->devices[i].host, host) != 0)
			rc = err_at(r, mark, "%s: %s has host %s here and %s before",
				    where, node, host, m->devices[i].host);
		free(node);
		free(host);
		return rc;
	}
	i = m->ndevices;
	if ((q = grow(r, m->devices, &r->cap_devices, i, sizeof(*m->devices))))
		m->devices = q;
	if (q && (q = grow(r, r->dev_links, &r->cap_dev_links, i,
			   sizeof(*r->dev_links))))
		r->dev_links = q;
	if (!q) {
		free(node);
		free(host);
		return -VDT_ERR_NOMEM;
	}
	m->devices[i].node = node;
	m->devices[i].host = host;
	m->ndevices++;
	r->dev_links[i].next = first < 0 ? -1 : first;
	r->dev_links[i].mark = -1;
	if (u64map_put(&r->dev_by_path, h, i) < 0)
		return nomem(r);
	return i;
}

/* What the fields of one piommu or device mapping give. */
struct pair {
	char *a, *b;		/* path / node, host */
	uint64_t base;
};

static const char *const piommu_keys[] = { "path", "base" };

static int piommu_field(struct rd *r, int key, const char *where, void *ctx)
{
	struct pair *p = ctx;

	if (key == 0)
		return read_path(r, where, &p->a);
	return read_uint(r, where, 0, UINT64_MAX, &p->base);
}

static const char *const device_keys[] = { "node", "host" };

static int device_field(struct rd *r, int key, const char *where, void *ctx)
{
	struct pair *p = ctx;

	return read_path(r, where, key == 0 ? &p->a : &p->b);
}

static int read_piommu(struct rd *r, struct vmap_entry *e, const char *where)
{
	struct pair p = { NULL, NULL, 0 };
	yaml_mark_t start;
	unsigned int seen;
	int rc = expect(r, where, YAML_MAPPING_START_EVENT);

	start = r->ev.start_mark;
	if (rc == 0)
		rc = read_mapping(r, where, piommu_keys, 2, 2u, &seen,
				  piommu_field, &p);
	if (rc < 0) {
		free(p.a);
		return rc;
	}
	rc = add_iommu(r, p.a, p.base, where, &start);
	if (rc >= 0)
		e->iommu = rc;
	return rc < 0 ? rc : 0;
}

static int read_devices(struct rd *r, struct vmap_entry *e, int ei,
			const char *where)
{
	char sub[112];
	yaml_mark_t start;
	struct pair p;
	unsigned int seen;
	void *q;
	int cap = 0, rc = expect(r, where, YAML_SEQUENCE_START_EVENT);

	while (rc == 0) {
		rc = next(r);
		if (rc < 0 || r->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		snprintf(sub, sizeof(sub), "%s[%d]", where, e->ndevs);
		if (r->ev.type != YAML_MAPPING_START_EVENT)
			return ERR(r, "%s: expected a mapping, found %s", sub,
				   event_kind(&r->ev));
		memset(&p, 0, sizeof(p));
		start = r->ev.start_mark;
		rc = read_mapping(r, sub, device_keys, 2, 3u, &seen,
				  device_field, &p);
		if (rc < 0) {
			free(p.a);
			free(p.b);
			return rc;
		}
		rc = add_device(r, p.a, p.b, sub, &start);
		if (rc < 0)
			return rc;
		if (r->dev_links[rc].mark == ei)
			return err_at(r, &start, "%s: %s is listed twice", sub,
				      r->m->devices[rc].node);
		r->dev_links[rc].mark = ei;
		q = grow(r, e->devs, &cap, e->ndevs, sizeof(*e->devs));
		if (!q)
			return -VDT_ERR_NOMEM;
		e->devs = q;
		e->devs[e->ndevs++] = rc;
		rc = 0;
	}
	if (rc == 0 && e->ndevs == 0)
		return ERR(r, "%s: an empty list", where);
	return rc;
}

static const char *const entry_keys[] = {
	"vid", "count", "pid", "mask", "piommu", "devices", "vpci",
};

#define ENTRY_PIOMMU 0x10u
#define ENTRY_VPCI 0x40u

static int entry_field(struct rd *r, int key, const char *where, void *ctx)
{
	int ei = *(int *)ctx;
	struct vmap_entry *e = &r->m->entries[ei];

	switch (key) {
	case 0:
		return read_u32(r, where, 0, &e->vid);
	case 1:
		return read_u32(r, where, 1, &e->count);
	case 2:
		return read_u32(r, where, 0, &e->pid);
	case 3:
		return read_u32(r, where, 0, &e->mask);
	case 4:
		return read_piommu(r, e, where);
	case 5:
		return read_devices(r, e, ei, where);
	default:	/* vpci: the entry stays VMAP_VPCI */
		return read_const(r, where, "true");
	}
}

static int read_entries(struct rd *r, const char *where)
{
	struct vmap *m = r->m;
	char sub[64];
	unsigned int seen;
	void *q;
	int i, rc = expect(r, where, YAML_SEQUENCE_START_EVENT);

	while (rc == 0) {
		rc = next(r);
		if (rc < 0 || r->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		i = m->nentries;
		snprintf(sub, sizeof(sub), "%s[%d]", where, i);
		if (r->ev.type != YAML_MAPPING_START_EVENT)
			return ERR(r, "%s: expected a mapping, found %s", sub,
				   event_kind(&r->ev));
		if ((q = grow(r, m->entries, &r->cap_entries, i,
			      sizeof(*m->entries))))
			m->entries = q;
		if (q && (q = grow(r, r->marks, &r->cap_marks, i,
				   sizeof(*r->marks))))
			r->marks = q;
		if (!q)
			return -VDT_ERR_NOMEM;
		memset(&m->entries[i], 0, sizeof(m->entries[i]));
		m->entries[i].iommu = -1;
		r->marks[i] = r->ev.start_mark;
		m->nentries++;
		rc = read_mapping(r, sub, entry_keys, 7, 0x0fu, &seen,
				  entry_field, &i);
		if (rc == 0 && !(seen & (ENTRY_PIOMMU | ENTRY_VPCI)))
			rc = ERR(r, "%s: missing key 'piommu'", sub);
		if (rc == 0 && (seen & ENTRY_VPCI) &&
		    (seen & (ENTRY_PIOMMU | 0x20u)))
			rc = ERR(r, "%s: a vpci entry has no piommu and no devices",
				 sub);
	}
	return rc;
}

static const char *const viommu_keys[] = {
	"phandle", "compatible", "base", "size",
};

static int viommu_field(struct rd *r, int key, const char *where, void *ctx)
{
	struct viommu_params *v = ctx;

	switch (key) {
	case 0:
		return read_u32(r, where, 0, &v->phandle);
	case 1:
		return read_const(r, where, "arm,smmu-v3");
	case 2:
		return read_uint(r, where, 0, UINT64_MAX, &v->base);
	default:
		return read_uint(r, where, 0, UINT64_MAX, &v->size);
	}
}

static const char *const top_keys[] = {
	"version", "viommu", "policy", "vid-base", "vid-bits", "entries",
	"allocated-by", "partial-sha256",
};

#define TOP_HEADER 0x1eu	/* viommu, policy, vid-base, vid-bits */
#define TOP_REQUIRED 0x21u	/* version, entries */

/* A lower-case hex digit's value, or -1. */
static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* partial-sha256: 64 lower-case hex digits. */
static int read_sha256(struct rd *r, const char *where, struct vmap *m)
{
	char *s = NULL;
	size_t i;
	int rc = read_str(r, where, &s), hi, lo;

	if (rc < 0 || !s)	/* read_str() sets s when it succeeds */
		return rc < 0 ? rc : nomem(r);
	for (i = 0; i < sizeof(m->partial_sha256) && rc == 0; i++) {
		hi = hexval(s[2 * i]);
		lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (lo < 0)
			rc = ERR(r, "%s: expected 64 lower-case hex digits", where);
		else
			m->partial_sha256[i] = (unsigned char)(hi << 4 | lo);
	}
	if (rc == 0 && s[2 * sizeof(m->partial_sha256)] != '\0')
		rc = ERR(r, "%s: expected 64 lower-case hex digits", where);
	m->has_partial_sha256 = rc == 0;
	free(s);
	return rc;
}

static int top_field(struct rd *r, int key, const char *where, void *ctx)
{
	struct vmap *m = r->m;
	unsigned int seen;
	uint64_t v;
	char *s = NULL;
	int rc;

	(void)ctx;
	switch (key) {
	case 0:
		return read_uint(r, where, VMAP_VERSION, VMAP_VERSION, &v);
	case 1:
		rc = expect(r, where, YAML_MAPPING_START_EVENT);
		return rc < 0 ? rc : read_mapping(r, where, viommu_keys, 4, 0xfu,
						  &seen, viommu_field,
						  &m->viommu);
	case 2:
		rc = read_str(r, where, &s);
		if (rc < 0 || !s)	/* read_str() sets s when it succeeds */
			return rc < 0 ? rc : nomem(r);
		if (strcmp(s, "compact") == 0)
			m->policy = VDT_POLICY_COMPACT;
		else if (strcmp(s, "identity") == 0)
			m->policy = VDT_POLICY_IDENTITY;
		else
			rc = ERR(r, "%s: expected compact or identity", where);
		free(s);
		return rc;
	case 3:
		return read_u32(r, where, 0, &m->vid_base);
	case 4:
		rc = read_uint(r, where, 1, 32, &v);
		m->vid_bits = (unsigned int)v;
		return rc;
	case 5:
		return read_entries(r, where);
	case 6:
		m->xen_allocates = 1;
		return read_const(r, where, "xen");
	default:
		return read_sha256(r, where, m);
	}
}

static int read_yaml(struct rd *r, const void *data, size_t len)
{
	yaml_mark_t start;
	unsigned int seen = 0;
	int rc, k;

	if (!yaml_parser_initialize(&r->p))
		return nomem(r);
	yaml_parser_set_input_string(&r->p, data, len);
	rc = next(r);			/* stream start */
	if (rc == 0)
		rc = next(r);
	if (rc == 0 && r->ev.type != YAML_DOCUMENT_START_EVENT)
		rc = err_at(r, NULL, "empty: no map");
	if (rc == 0)
		rc = next(r);
	if (rc == 0 && r->ev.type != YAML_MAPPING_START_EVENT)
		rc = ERR(r, "expected a mapping, found %s", event_kind(&r->ev));
	start = r->ev.start_mark;
	if (rc == 0)
		rc = read_mapping(r, "", top_keys, 8, TOP_REQUIRED, &seen,
				  top_field, NULL);
	for (k = 1; rc == 0 && (seen & TOP_HEADER) &&
		    (seen & TOP_HEADER) != TOP_HEADER; k++)
		if (!(seen & (1u << k)))
			rc = err_at(r, &start,
				    "missing key '%s' (viommu, policy, vid-base and vid-bits go together)",
				    top_keys[k]);
	if (rc == 0) {
		r->m->bare = !(seen & TOP_HEADER);
		if (!r->m->bare && r->m->vid_bits < 32 &&
		    r->m->vid_base >> r->m->vid_bits)
			rc = err_at(r, &start,
				    "vid-base 0x%x lies outside the %u-bit vID space",
				    r->m->vid_base, r->m->vid_bits);
	}
	if (rc == 0)
		rc = next(r);		/* document end */
	if (rc == 0)
		rc = next(r);
	if (rc == 0 && r->ev.type != YAML_STREAM_END_EVENT)
		rc = ERR(r, "a second document: a map file holds one");
	if (r->have)
		yaml_event_delete(&r->ev);
	r->have = 0;
	yaml_parser_delete(&r->p);
	return rc;
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

static int read_bin(struct rd *r, const unsigned char *b, size_t len)
{
	struct vmap *m = r->m;
	struct vmap_entry *e;
	uint64_t n, need, i;
	int rc;

	m->bare = 1;
	if (len < VMAP_BIN_HEADER_LEN)
		return err_at(r, NULL, "truncated: %zu bytes, the header alone is %d",
			      len, VMAP_BIN_HEADER_LEN);
	if (get_le(b + 8, 4) != VMAP_VERSION)
		return err_at(r, NULL, "version %u: only version %u is known",
			      (unsigned int)get_le(b + 8, 4), VMAP_VERSION);
	n = get_le(b + 12, 4);
	need = VMAP_BIN_HEADER_LEN + n * VMAP_BIN_ENTRY_LEN;
	if (len < need)
		return err_at(r, NULL, "truncated: %llu entries need %llu bytes, the file has %zu",
			      (unsigned long long)n, (unsigned long long)need,
			      len);
	if (len > need)
		return err_at(r, NULL, "%llu bytes after the last entry",
			      (unsigned long long)(len - need));
	m->entries = calloc(n ? n : 1, sizeof(*m->entries));
	if (!m->entries)
		return nomem(r);
	for (i = 0; i < n; i++) {
		b += i ? VMAP_BIN_ENTRY_LEN : VMAP_BIN_HEADER_LEN;
		e = &m->entries[i];
		e->vid = (uint32_t)get_le(b, 4);
		e->pid = (uint32_t)get_le(b + 4, 4);
		e->count = (uint32_t)get_le(b + 8, 4);
		e->mask = (uint32_t)get_le(b + 12, 4);
		m->nentries++;
		rc = add_iommu(r, NULL, get_le(b + 16, 8), NULL, NULL);
		if (rc < 0)
			return rc;
		e->iommu = rc;
	}
	return 0;
}

/* An error about entry @i: "entries[I]" in a text form, "entry I" in binary. */
static int entry_err(struct rd *r, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int entry_err(struct rd *r, int i, const char *fmt, ...)
{
	char msg[VDT_DIAG_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->marks)
		return err_at(r, &r->marks[i], "entries[%d]: %s", i, msg);
	return err_at(r, NULL, "entry %d: %s", i, msg);
}

/* The rules across entries, for every form. */
static int check_entries(struct rd *r)
{
	const struct vmap *m = r->m;
	const struct vmap_entry *e, *p;
	uint64_t last, plast;
	int i, named;

	for (i = 0; i < m->nentries; i++) {
		e = &m->entries[i];
		if (e->count == 0)
			return entry_err(r, i, "count is 0");
		last = (uint64_t)e->vid + e->count - 1;
		if (last > UINT32_MAX || (uint64_t)e->pid + e->count - 1 > UINT32_MAX)
			return entry_err(r, i, "%u IDs from vid 0x%x or pid 0x%x run past 0xffffffff",
					 e->count, e->vid, e->pid);
		p = i ? &m->entries[i - 1] : NULL;
		plast = p ? (uint64_t)p->vid + p->count - 1 : 0;
		if (p && e->vid == p->vid)
			return entry_err(r, i, "vid 0x%x is also entry %d's",
					 e->vid, i - 1);
		if (p && e->vid < p->vid)
			return entry_err(r, i, "vid 0x%x follows 0x%x: entries must be sorted by vid",
					 e->vid, p->vid);
		if (p && e->vid <= plast)
			return entry_err(r, i, "vids 0x%x-0x%llx overlap entry %d's 0x%x-0x%llx",
					 e->vid, (unsigned long long)last,
					 i - 1, p->vid, (unsigned long long)plast);
		if (!m->bare && (e->vid < m->vid_base ||
				 (m->vid_bits < 32 && last >> m->vid_bits)))
			return entry_err(r, i, "vids 0x%x-0x%llx lie outside the vID space [0x%x, 2^%u)",
					 e->vid, (unsigned long long)last,
					 m->vid_base, m->vid_bits);
		if (e->iommu == VMAP_VPCI) {
			if (!m->xen_allocates)
				return entry_err(r, i, "a vpci entry in a map without allocated-by: xen");
			continue;
		}
		named = m->iommus[e->iommu].path != NULL;
		if (!m->bare && (!named || e->ndevs == 0))
			return entry_err(r, i, "missing %s: a map with a viommu block names IOMMUs and devices",
					 named ? "devices" : "piommu.path");
		if (m->bare && (named || e->ndevs))
			return entry_err(r, i, "%s without the viommu, policy, vid-base and vid-bits keys",
					 named ? "piommu.path" : "devices");
	}
	return 0;
}

static int is_bin(const void *data, size_t len)
{
	size_t n = len < VMAP_BIN_MAGIC_LEN ? len : VMAP_BIN_MAGIC_LEN;

	return len >= 4 && memcmp(data, VMAP_BIN_MAGIC, n) == 0;
}

/*
 * Past @key at *@p (< @end), quoted or not, and the colon after it: 1 and
 * *@p moved on, or 0.
 */
static int skip_key(const char **p, const char *end, const char *key)
{
	const char *q = *p;
	size_t n = strlen(key);
	int quoted = q < end && *q == '"';

	q += quoted;
	if ((size_t)(end - q) < n + 1 + (size_t)quoted || memcmp(q, key, n) != 0)
		return 0;
	q += n;
	if (quoted && *q++ != '"')
		return 0;
	if (q >= end || *q != ':')
		return 0;
	*p = q + 1;
	return 1;
}

int map_sniff(const void *data, size_t len)
{
	const char *p = data, *end = p + len;
	size_t i;

	if (is_bin(data, len))
		return 1;
	if (p < end && *p == '{')
		p++;
	while (p < end && (*p == ' ' || *p == '\n'))
		p++;
	if (!skip_key(&p, end, top_keys[0]))
		return 0;
	while (p < end && *p == ' ')
		p++;
	if (p == end || *p < '0' || *p > '9')
		return 0;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p < end && *p == ',')
		p++;
	if (p == end || *p != '\n')
		return 0;
	while (p < end && (*p == ' ' || *p == '\n'))
		p++;
	for (i = 1; i < sizeof(top_keys) / sizeof(top_keys[0]); i++)
		if (skip_key(&p, end, top_keys[i]))
			return 1;
	return 0;
}

int map_read(const void *data, size_t len, const char *file, struct vmap *m,
	     struct vdt_diag *d)
{
	struct rd r;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(m, 0, sizeof(*m));
	r.file = file;
	r.d = d;
	r.m = m;
	u64map_init(&r.dev_by_path);
	u64map_init(&r.iommu_by_path);
	u64map_init(&r.iommu_by_base);
	rc = is_bin(data, len) ? read_bin(&r, data, len) :
				 read_yaml(&r, data, len);
	if (rc >= 0)
		rc = check_entries(&r);
	free(r.marks);
	free(r.dev_links);
	free(r.iommu_links);
	u64map_free(&r.dev_by_path);
	u64map_free(&r.iommu_by_path);
	u64map_free(&r.iommu_by_base);
	if (rc < 0) {
		vmap_free(m);
		return rc;
	}
	return 0;
}

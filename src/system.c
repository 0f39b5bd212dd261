/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A whole system: the rules across guests (viommu-dtgen(1), SYSTEM MODE,
 * S1-S4), the marked host tree, the system map and the ImageBuilder
 * fragment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "map_write.h"
#include "system.h"
#include "u64map.h"

static int nomem(struct vdt_diag *d, const char *file)
{
	return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL, "out of memory");
}

void system_desc_free(struct system_desc *s)
{
	int i, j;

	for (i = 0; i < s->nguests; i++) {
		struct system_guest *g = &s->guests[i];

		free(g->name);
		free(g->partial);
		for (j = 0; j < g->npaths; j++)
			free(g->paths[j]);
		free(g->paths);
		free(g->allow_list);
		free(g->lock);
	}
	free(s->guests);
	free(s->host);
	memset(s, 0, sizeof(*s));
	s->abi = s->builder = -1;
}

int system_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > SYSTEM_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

char *system_path_join(const char *base, const char *name)
{
	const char *slash = strrchr(base, '/');
	size_t dir = slash ? (size_t)(slash - base) + 1 : 0;
	size_t n = strlen(name);
	char *s;

	if (name[0] == '/')
		dir = 0;
	s = malloc(dir + n + 1);
	if (!s)
		return NULL;
	memcpy(s, base, dir);
	memcpy(s + dir, name, n + 1);
	return s;
}

int system_partial_paths(const void *fdt, size_t size, const char *file,
			 const char ***paths, int *n, struct vdt_diag *d)
{
	const char **grown;
	const char *val;
	int pt, node, depth = 0, len, added = 0, err;

	/* An untrusted blob: libfdt's own check can hang on some. */
	err = blob_check(fdt, size, file, d);
	if (err < 0)
		return err;
	pt = fdt_path_offset(fdt, "/passthrough");
	if (pt < 0)
		return 0;
	for (node = fdt_next_node(fdt, pt, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		val = fdt_getprop(fdt, node, "xen,path", &len);
		if (!val)
			continue;
		if (len < 2 || val[len - 1] != '\0' ||
		    memchr(val, '\0', (size_t)len - 1)) {
			char p[VDT_DIAG_NODE_LEN];

			if (fdt_get_path(fdt, node, p, sizeof(p)) < 0)
				strcpy(p, "?");
			return vdt_error(d, VDT_ERR_BADDT, file, p, "xen,path",
					 "not one string");
		}
		grown = realloc(*paths, (size_t)(*n + 1) * sizeof(**paths));
		if (!grown)
			return nomem(d, file);
		*paths = grown;
		(*paths)[(*n)++] = val;
		added++;
	}
	return added;
}

/*
 * A stream a node reaches: pIDs @lo..@hi of an iommu-map entry (@range),
 * or pID @lo under SMR mask @mask, on the IOMMU at @iommu.
 */
struct stream {
	int iommu;
	int range;
	uint32_t lo, hi, mask;
	int use;		/* index into the uses, or -1 for a dom0 node */
	int node;
};

struct streams {
	struct stream *v;
	int n, cap;
};

static int stream_add(struct streams *s, const struct stream *x)
{
	struct stream *grown;

	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 16;

		grown = realloc(s->v, (size_t)cap * sizeof(*grown));
		if (!grown)
			return -1;
		s->v = grown;
		s->cap = cap;
	}
	s->v[s->n++] = *x;
	return 0;
}

/* The streams of @node ("iommus" and "iommu-map"); warnings dropped. */
static int node_streams(const struct hostdt *h, int node, int use,
			struct streams *s, struct vdt_diag *d)
{
	struct hostdt_map_entry *map = NULL;
	struct hostdt_spec *specs = NULL;
	struct stream x = { .use = use, .node = node };
	struct vdt_diag tmp;
	uint32_t mask;
	int i, n, m, rc = 0;

	vdt_diag_init(&tmp);
	n = hostdt_iommus(h, node, &specs, &tmp);
	m = n < 0 ? 0 : hostdt_iommu_map(h, node, &map, &mask, &tmp);
	if (n < 0 || m < 0) {
		rc = n < 0 ? n : m;
		if (d->code == 0) {
			d->code = tmp.code;
			d->error = tmp.error;
		}
	}
	for (i = 0; rc == 0 && i < n; i++) {
		x.iommu = specs[i].iommu;
		x.range = 0;
		x.lo = x.hi = specs[i].pid;
		x.mask = specs[i].mask;
		if (stream_add(s, &x) < 0)
			rc = nomem(d, h->file);
	}
	for (i = 0; rc == 0 && i < m; i++) {
		if (!map[i].eff_length)
			continue;
		x.iommu = map[i].iommu;
		x.range = 1;
		x.lo = map[i].pid_base;
		x.hi = (uint32_t)(map[i].pid_base + (map[i].eff_length - 1));
		x.mask = 0;
		if (stream_add(s, &x) < 0)
			rc = nomem(d, h->file);
	}
	free(specs);
	free(map);
	vdt_diag_free(&tmp);
	return rc;
}

/*
 * Whether some ID in [@lo, @hi] matches @pid under SMR mask @mask (its
 * bits are "don't care"): the least matching ID at or above @lo is
 * found bit by bit, as the smallest number above @lo that agrees with
 * @lo above some bit, has a 1 where @lo has a 0 at that bit, and is least
 * below it.
 */
static int masked_in_range(uint32_t pid, uint32_t mask, uint32_t lo,
			   uint32_t hi)
{
	uint64_t fixed = (uint64_t)~mask & 0xffffffffu;
	uint64_t v = pid & fixed, a = lo, x, high;
	int i;

	if ((a & fixed) == v)
		return 1;
	for (i = 0; i < 32; i++) {
		high = ~(((uint64_t)2 << i) - 1) & 0xffffffffu;
		if (a & ((uint64_t)1 << i))
			continue;
		if (((a ^ v) & fixed & high) != 0)
			continue;
		if ((fixed & ((uint64_t)1 << i)) && !(v & ((uint64_t)1 << i)))
			continue;
		x = (a & high) | ((uint64_t)1 << i) |
		    (v & (((uint64_t)1 << i) - 1));
		return x <= hi;
	}
	return 0;
}

/* Whether two streams share an ID on one IOMMU. */
static int streams_meet(const struct stream *a, const struct stream *b)
{
	if (a->iommu != b->iommu)
		return 0;
	if (a->range && b->range)
		return a->lo <= b->hi && b->lo <= a->hi;
	if (a->range)
		return masked_in_range(b->lo, b->mask, a->lo, a->hi);
	if (b->range)
		return masked_in_range(a->lo, a->mask, b->lo, b->hi);
	return ((a->lo ^ b->lo) & ~(a->mask | b->mask)) == 0;
}

/* A stream as a message shows it. */
static void stream_text(const struct hostdt *h, const struct stream *s,
			char *buf, size_t len)
{
	char iommu[VDT_DIAG_NODE_LEN];

	hostdt_msg_path(h, s->iommu, iommu, sizeof(iommu));
	if (s->range)
		snprintf(buf, len, "IDs 0x%x-0x%x of %.200s (iommu-map)", s->lo,
			 s->hi, iommu);
	else if (s->mask)
		snprintf(buf, len, "ID 0x%x mask 0x%x of %.200s", s->lo, s->mask,
			 iommu);
	else
		snprintf(buf, len, "ID 0x%x of %.200s", s->lo, iommu);
}

struct sys {
	const struct hostdt *h;
	const char *file;
	const struct system_use *uses;
	int n;
	int *node;		/* by use: its host node */
	struct streams s;	/* the guests' streams */
	struct vdt_diag *d;
};

/*
 * S1: a host node belongs to one guest at most, and no guest's node lies
 * inside another guest's.
 */
static int rule_s1_node_once(struct sys *y)
{
	struct u64map seen;
	int i, j, p, rc = 0;

	u64map_init(&seen);
	for (i = 0; i < y->n && rc == 0; i++) {
		j = u64map_get(&seen, (uint64_t)y->node[i]);
		if (j >= 0 && strcmp(y->uses[j].guest, y->uses[i].guest) != 0)
			rc = vdt_error(y->d, VDT_ERR_CONFLICT, y->file,
				       y->uses[i].path, NULL,
				       "given to guest '%s' and to guest '%s' (rule S1)",
				       y->uses[j].guest, y->uses[i].guest);
		else if (j < 0 && u64map_put(&seen, (uint64_t)y->node[i], i) < 0)
			rc = nomem(y->d, y->file);
	}
	for (i = 0; i < y->n && rc == 0; i++) {
		for (p = hostdt_parent(y->h, y->node[i]); p >= 0 && rc == 0;
		     p = hostdt_parent(y->h, p)) {
			j = u64map_get(&seen, (uint64_t)p);
			if (j < 0 ||
			    strcmp(y->uses[j].guest, y->uses[i].guest) == 0)
				continue;
			rc = vdt_error(y->d, VDT_ERR_CONFLICT, y->file,
				       y->uses[i].path, NULL,
				       "guest '%s' is given this node, inside %s of guest '%s' (rule S1)",
				       y->uses[i].guest, y->uses[j].path,
				       y->uses[j].guest);
		}
	}
	u64map_free(&seen);
	return rc;
}

/* S2: no physical stream is reachable from two guests. */
static int rule_s2_stream_once(struct sys *y)
{
	const struct stream *a, *b;
	char ta[VDT_DIAG_MSG_LEN / 2], tb[VDT_DIAG_MSG_LEN / 2];
	int i, j;

	for (i = 0; i < y->s.n; i++) {
		a = &y->s.v[i];
		for (j = 0; j < i; j++) {
			b = &y->s.v[j];
			if (strcmp(y->uses[a->use].guest,
				   y->uses[b->use].guest) == 0 ||
			    !streams_meet(a, b))
				continue;
			stream_text(y->h, b, tb, sizeof(tb));
			stream_text(y->h, a, ta, sizeof(ta));
			return vdt_error(y->d, VDT_ERR_CONFLICT, y->file,
					 y->uses[a->use].path, NULL,
					 "guest '%s' reaches %s, which %s of guest '%s' reaches too (%s) (rule S2)",
					 y->uses[a->use].guest, ta,
					 y->uses[b->use].path,
					 y->uses[b->use].guest, tb);
		}
	}
	return 0;
}

/*
 * S3 (a warning): a guest's stream that an enabled host node left to
 * dom0 reaches too.
 */
static int rule_s3_dom0_shared(struct sys *y)
{
	const void *fdt = y->h->fdt;
	struct streams dom0 = { 0 };
	struct u64map given;
	char dom0path[VDT_DIAG_NODE_LEN], text[VDT_DIAG_MSG_LEN / 2];
	int node, depth = 0, i, j, k, rc = 0;

	u64map_init(&given);
	for (i = 0; i < y->n && rc == 0; i++)
		if (u64map_put(&given, (uint64_t)y->node[i], i) < 0)
			rc = nomem(y->d, y->file);
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0 && rc == 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (u64map_get(&given, (uint64_t)node) >= 0 ||
		    !hostdt_is_enabled(y->h, node))
			continue;
		dom0.n = 0;
		rc = node_streams(y->h, node, -1, &dom0, y->d);
		for (j = 0; j < dom0.n && rc == 0; j++) {
			for (i = 0; i < y->s.n && rc == 0; i++) {
				const struct stream *g = &y->s.v[i];

				if (!streams_meet(g, &dom0.v[j]))
					continue;
				/* Once per guest node and dom0 node. */
				for (k = 0; k < i; k++)
					if (y->s.v[k].use == g->use &&
					    streams_meet(&y->s.v[k], &dom0.v[j]))
						break;
				if (k < i)
					continue;
				stream_text(y->h, g, text, sizeof(text));
				hostdt_msg_path(y->h, node, dom0path,
						sizeof(dom0path));
				/* A warning lost to memory is counted. */
				vdt_warn(y->d, y->file, y->uses[g->use].path,
					 NULL,
					 "guest '%s' reaches %s, which %s reaches too and stays with dom0 (rule S3)",
					 y->uses[g->use].guest, text, dom0path);
			}
		}
	}
	free(dom0.v);
	u64map_free(&given);
	return rc;
}

/* S4: no guest is given an IOMMU or a node that holds one (as P2). */
static int rule_s4_no_iommu(struct sys *y)
{
	int i;

	for (i = 0; i < y->n; i++)
		if (hostdt_holds_iommu(y->h, y->node[i]))
			return vdt_error(y->d, VDT_ERR_CONFLICT, y->file,
					 y->uses[i].path, NULL,
					 "guest '%s' would be given an IOMMU, or a node that holds one (rule S4)",
					 y->uses[i].guest);
	return 0;
}

int system_check(const struct hostdt *h, const char *file,
		 const struct system_use *uses, int n, struct vdt_diag *d)
{
	struct sys y = { .h = h, .file = file, .uses = uses, .n = n, .d = d };
	int i, rc = 0;

	y.node = calloc((size_t)n + 1, sizeof(*y.node));
	if (!y.node)
		return nomem(d, file);
	for (i = 0; i < n && rc == 0; i++) {
		y.node[i] = hostdt_node_by_path(h, uses[i].path);
		if (y.node[i] < 0)
			rc = vdt_error(d, VDT_ERR_INPUT, file, uses[i].path,
				       NULL, "guest '%s': no such node in the host tree %s",
				       uses[i].guest, h->file);
	}
	if (rc == 0)
		rc = rule_s1_node_once(&y);
	if (rc == 0)
		rc = rule_s4_no_iommu(&y);
	for (i = 0; i < n && rc == 0; i++)
		rc = node_streams(h, y.node[i], i, &y.s, d);
	if (rc == 0)
		rc = rule_s2_stream_once(&y);
	if (rc == 0)
		rc = rule_s3_dom0_shared(&y);
	free(y.s.v);
	free(y.node);
	return rc;
}

/* The most times the marked tree's buffer grows. */
#define MARK_TRIES 16

int system_mark_host(const void *fdt, size_t size, const char *file,
		     const char *const *paths, int n, void **out,
		     size_t *out_size, struct vdt_diag *d)
{
	size_t cap = size + 64;
	void *buf = NULL, *grown;
	int i, tries, off, err = -FDT_ERR_NOSPACE;

	*out = NULL;
	*out_size = 0;
	for (tries = 0; tries < MARK_TRIES; tries++, cap *= 2) {
		if (cap > INT32_MAX)
			break;
		grown = realloc(buf, cap);
		if (!grown) {
			free(buf);
			return nomem(d, file);
		}
		buf = grown;
		err = fdt_open_into(fdt, buf, (int)cap);
		for (i = 0; i < n && err == 0; i++) {
			off = fdt_path_offset(buf, paths[i]);
			if (off < 0) {
				free(buf);
				return vdt_error(d, VDT_ERR_INPUT, file,
						 paths[i], NULL,
						 "no such node to mark xen,passthrough");
			}
			if (!fdt_getprop(buf, off, "xen,passthrough", NULL))
				err = fdt_setprop_empty(buf, off,
							"xen,passthrough");
		}
		if (err != -FDT_ERR_NOSPACE)
			break;
	}
	if (err == 0)
		err = fdt_pack(buf);
	if (err < 0) {
		free(buf);
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "cannot mark the host tree: %s",
				 fdt_strerror(err));
	}
	*out = buf;
	*out_size = fdt_totalsize(buf);
	return 0;
}

int system_map_write(const char *const *names, const struct vmap *const *maps,
		     int n, const char *file, struct vbuf *out,
		     struct vdt_diag *d)
{
	static const char head[] = SYSTEM_MAP_HEADER "version: 1\nguests:";
	struct vbuf one;
	size_t at, end;
	int i, rc;

	rc = vbuf_append(out, head, sizeof(head) - 1);
	if (rc >= 0 && n == 0)
		rc = vbuf_append(out, " {}", 3);
	if (rc >= 0)
		rc = vbuf_append(out, "\n", 1);
	for (i = 0; i < n && rc >= 0; i++) {
		vbuf_init(&one);
		rc = map_write(maps[i], MAP_FORMAT_YAML, NULL, file, &one, d);
		if (rc < 0) {
			vbuf_free(&one);
			return rc;
		}
		/* Guest names are safe (system_name_ok()), quoted all the
		 * same: "1" or "null" are no strings unquoted. */
		rc = vbuf_append(out, "  \"", 3);
		if (rc >= 0)
			rc = vbuf_append(out, names[i], strlen(names[i]));
		if (rc >= 0)
			rc = vbuf_append(out, "\":\n", 3);
		for (at = 0; at < one.len && rc >= 0; at = end) {
			end = at;
			while (end < one.len && one.data[end] != '\n')
				end++;
			if (end < one.len)
				end++;
			rc = vbuf_append(out, "    ", 4);
			if (rc >= 0)
				rc = vbuf_append(out, one.data + at, end - at);
		}
		vbuf_free(&one);
	}
	return rc < 0 ? nomem(d, file) : 0;
}

/* @s single-quoted for the shell, appended to @out. */
static int shell_quote(struct vbuf *out, const char *s)
{
	int rc = vbuf_append(out, "'", 1);

	for (; *s && rc >= 0; s++)
		rc = *s == '\'' ? vbuf_append(out, "'\\''", 4) :
				  vbuf_append(out, s, 1);
	return rc >= 0 ? vbuf_append(out, "'", 1) : rc;
}

int system_ib_fragment(const char *source, const char *host, const int *idx,
		       const char *const *dtbs, int n, struct vbuf *out,
		       struct vdt_diag *d)
{
	char line[96];
	int i, rc;

	if (strchr(host, '\n'))
		return vdt_error(d, VDT_ERR_INPUT, host, NULL, NULL,
				 "a file name with a newline cannot be written to an ImageBuilder config");
	for (i = 0; i < n; i++)
		if (strchr(dtbs[i], '\n'))
			return vdt_error(d, VDT_ERR_INPUT, dtbs[i], NULL, NULL,
					 "a file name with a newline cannot be written to an ImageBuilder config");
	rc = vbuf_append(out, SYSTEM_IB_HEADER " from ",
			 sizeof(SYSTEM_IB_HEADER " from ") - 1);
	if (rc >= 0)
		rc = strchr(source, '\n') ? vbuf_append(out, "?", 1) :
					    vbuf_append(out, source, strlen(source));
	if (rc >= 0) {
		static const char t[] =
			": append to the ImageBuilder config\n"
			"# (the host tree marked xen,passthrough and the guests' partial trees;\n"
			"# ImageBuilder must neither mark nor generate them again)\n"
			"DEVICE_TREE=";

		rc = vbuf_append(out, t, sizeof(t) - 1);
	}
	if (rc >= 0)
		rc = shell_quote(out, host);
	if (rc >= 0)
		rc = vbuf_append(out, "\n", 1);
	for (i = 0; i < n && rc >= 0; i++) {
		snprintf(line, sizeof(line), "DOMU_PASSTHROUGH_DTB[%d]=", idx[i]);
		rc = vbuf_append(out, line, strlen(line));
		if (rc >= 0)
			rc = shell_quote(out, dtbs[i]);
		snprintf(line, sizeof(line), "\nDOMU_PASSTHROUGH_PATHS[%d]=''\n",
			 idx[i]);
		if (rc >= 0)
			rc = vbuf_append(out, line, strlen(line));
	}
	return rc < 0 ? nomem(d, source) : 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_TESTS_DTUTIL_H
#define VIOMMU_DTGEN_TESTS_DTUTIL_H

/*
 * Helpers shared by the corpus test tools (mkpartial, corpus_verify).
 * They are deliberately independent of src/: the corpus test checks the
 * tool against a second reading of the host DT, so nothing here may come
 * from the code under test.  All functions are static inline, so a tool
 * that does not use one does not warn about it.
 */

#include <errno.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DTU_MAX_FILE_SIZE (64u * 1024u * 1024u)
#define DTU_PATH_BUF 4096

/*
 * dtu_read_file - the whole of @name, with a NUL after its @len bytes
 * returns: the buffer (the caller frees it), or NULL with errno set
 */
static inline void *dtu_read_file(const char *name, size_t *len)
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

			if (cap >= DTU_MAX_FILE_SIZE) {
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
	buf[used] = '\0';
	*len = used;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/*
 * dtu_read_dtb - read and check the DTB @name; on failure print
 * "PROG: NAME: reason" on stderr
 * returns: the blob (the caller frees it), or NULL
 */
static inline void *dtu_read_dtb(const char *prog, const char *name)
{
	size_t len;
	void *fdt = dtu_read_file(name, &len);

	if (!fdt) {
		fprintf(stderr, "%s: %s: %s\n", prog, name, strerror(errno));
		return NULL;
	}
	if (len < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
	    fdt_totalsize(fdt) > len) {
		fprintf(stderr, "%s: %s: not a valid device tree blob\n", prog,
			name);
		free(fdt);
		return NULL;
	}
	return fdt;
}

/* dtu_path - @node's path in @buf (DTU_PATH_BUF bytes), or "<offset N>" */
static inline const char *dtu_path(const void *fdt, int node, char *buf)
{
	if (fdt_get_path(fdt, node, buf, DTU_PATH_BUF) != 0)
		snprintf(buf, DTU_PATH_BUF, "<offset %d>", node);
	return buf;
}

/* dtu_status_ok - whether @node's own status is absent, "okay" or "ok" */
static inline int dtu_status_ok(const void *fdt, int node)
{
	int len;
	const char *st = fdt_getprop(fdt, node, "status", &len);

	if (!st)
		return 1;
	if (len < 1 || st[len - 1] != '\0')
		return 0;
	return strcmp(st, "okay") == 0 || strcmp(st, "ok") == 0;
}

/*
 * dtu_max_submask - the highest x <= @hi with (x & ~@mask) == 0, i.e. the
 * highest value (rid & @mask) can take that is not above @hi
 *
 * If @hi itself has no bit outside @mask it is the answer.  Otherwise let
 * p be the highest such bit: x must clear it, may keep every bit of @hi
 * above p (they are all inside @mask) and may set every bit of @mask
 * below p.
 */
static inline uint32_t dtu_max_submask(uint32_t mask, uint32_t hi)
{
	uint32_t bad = hi & ~mask;
	uint64_t below;
	int p = 31;

	if (!bad)
		return hi;
	while (!(bad & (1u << p)))
		p--;
	below = ((uint64_t)1 << p) - 1;
	return (uint32_t)((hi & ~((below << 1) | 1)) | (mask & below));
}

/* One entry of an "iommu-map", with its effective length. */
struct dtu_map_entry {
	uint32_t rid_base;
	uint32_t phandle;
	int iommu;		/* node offset of the target, >= 0 */
	uint32_t pid_base;
	uint32_t length;	/* as written */
	uint32_t eff;		/* effective length under the mask; 0: dropped */
};

/*
 * dtu_read_iommu_map - read @node's "iommu-map" and "iommu-map-mask" the
 * way Linux's of_map_id() does: 4 cells per entry whatever the target's
 * #iommu-cells, the mask (all ones without the property) ANDed with the RID
 * first.  An entry's effective length runs from rid_base to the highest
 * masked RID inside [rid_base, rid_base + length) (0 if there is none).
 * @entries: receives a malloc'd array (NULL when there are none)
 * @has_mask: receives whether "iommu-map-mask" is present
 * @why: receives the reason on -1
 * returns: the number of entries (0 without "iommu-map"), or -1 for a
 *	malformed property, a phandle that refers to no node, an entry that
 *	runs past ID 0xffffffff, or no memory
 */
static inline int dtu_read_iommu_map(const void *fdt, int node,
				     struct dtu_map_entry **entries,
				     uint32_t *mask, int *has_mask, char *why,
				     size_t whylen)
{
	const fdt32_t *p, *m;
	struct dtu_map_entry *e;
	int len, mlen, n, i;

	*entries = NULL;
	*mask = 0xffffffffu;
	*has_mask = 0;
	m = fdt_getprop(fdt, node, "iommu-map-mask", &mlen);
	if (m) {
		if (mlen != 4) {
			snprintf(why, whylen, "iommu-map-mask is %d bytes, not one cell",
				 mlen);
			return -1;
		}
		*mask = fdt32_to_cpu(*m);
		*has_mask = 1;
	}
	p = fdt_getprop(fdt, node, "iommu-map", &len);
	if (!p)
		return 0;
	if (len % 16 != 0) {
		snprintf(why, whylen, "iommu-map is %d bytes, not a multiple of 4 cells",
			 len);
		return -1;
	}
	n = len / 16;
	if (n == 0)
		return 0;
	e = calloc((size_t)n, sizeof(*e));
	if (!e) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t hi;

		e[i].rid_base = fdt32_to_cpu(p[4 * i]);
		e[i].phandle = fdt32_to_cpu(p[4 * i + 1]);
		e[i].pid_base = fdt32_to_cpu(p[4 * i + 2]);
		e[i].length = fdt32_to_cpu(p[4 * i + 3]);
		e[i].iommu = fdt_node_offset_by_phandle(fdt, e[i].phandle);
		if (e[i].iommu < 0) {
			snprintf(why, whylen, "iommu-map entry %d: phandle 0x%x refers to no node",
				 i, e[i].phandle);
			free(e);
			return -1;
		}
		if ((uint64_t)e[i].rid_base + e[i].length > 0x100000000ull ||
		    (uint64_t)e[i].pid_base + e[i].length > 0x100000000ull) {
			snprintf(why, whylen, "iommu-map entry %d runs past ID 0xffffffff",
				 i);
			free(e);
			return -1;
		}
		if (e[i].length == 0)
			continue;
		hi = dtu_max_submask(*mask,
				     e[i].rid_base + (e[i].length - 1));
		if (hi >= e[i].rid_base)
			e[i].eff = (uint32_t)(hi - e[i].rid_base + 1);
	}
	*entries = e;
	return n;
}

/* dtu_runs_overlap - whether [@p, @p + @n) and [@q, @q + @m) meet */
static inline int dtu_runs_overlap(uint32_t p, uint32_t n, uint32_t q,
				   uint32_t m)
{
	return (p >= q && p - q < m) || (q >= p && q - p < n);
}

/*
 * dtu_runs_clash - whether pID runs [@p, @p + @n) and [@q, @q + @m) overlap
 * without being the same run
 */
static inline int dtu_runs_clash(uint32_t p, uint32_t n, uint32_t q,
				 uint32_t m)
{
	return !(p == q && n == m) && dtu_runs_overlap(p, n, q, m);
}

/*
 * dtu_map_rid_overlap - two reachable entries of one map whose effective
 * RID ranges overlap (with first-match semantics the later could never be
 * reached where they meet)
 * returns: 1 with their indices in @a < @b, or 0
 */
static inline int dtu_map_rid_overlap(const struct dtu_map_entry *e, int n,
				      int *a, int *b)
{
	int i, j;

	for (j = 0; j < n; j++)
		for (i = 0; i < j; i++)
			if (e[i].eff && e[j].eff &&
			    dtu_runs_overlap(e[i].rid_base, e[i].eff,
					     e[j].rid_base, e[j].eff)) {
				*a = i;
				*b = j;
				return 1;
			}
	return 0;
}

#endif /* VIOMMU_DTGEN_TESTS_DTUTIL_H */

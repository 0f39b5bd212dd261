/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "diag.h"
#include "idalloc.h"
#include "span.h"

int idalloc_init(struct idalloc *a, uint32_t base, unsigned int bits)
{
	a->keys = NULL;
	a->nkeys = 0;
	a->cap = 0;
	a->ranges = NULL;
	a->nranges = 0;
	a->rcap = 0;
	a->ids = 0;
	u64map_init(&a->by_pid);
	u64map_init(&a->by_vid);
	if (bits < 1 || bits > 32)
		return -VDT_ERR_USAGE;
	a->base = base;
	a->limit = (uint64_t)1 << bits;
	a->cursor = base;
	return base < a->limit ? 0 : -VDT_ERR_USAGE;
}

void idalloc_free(struct idalloc *a)
{
	free(a->keys);
	free(a->ranges);
	a->keys = NULL;
	a->ranges = NULL;
	a->nkeys = 0;
	a->nranges = 0;
	a->cap = 0;
	a->rcap = 0;
	u64map_free(&a->by_pid);
	u64map_free(&a->by_vid);
}

static uint64_t pid_key(int iommu, uint32_t pid)
{
	return ((uint64_t)(uint32_t)iommu << 32) | pid;
}

int idalloc_range(struct idalloc *a, int iommu, uint32_t pid, uint32_t count,
		  int tag)
{
	struct idalloc_range *r;

	if (a->nranges == a->rcap) {
		int cap = a->rcap ? a->rcap * 2 : 16;

		r = realloc(a->ranges, (size_t)cap * sizeof(*r));
		if (!r)
			return -VDT_ERR_NOMEM;
		a->ranges = r;
		a->rcap = cap;
	}
	r = &a->ranges[a->nranges++];
	r->iommu = iommu;
	r->pid = pid;
	r->count = count;
	r->tag = tag;
	r->key = -1;
	return 0;
}

int idalloc_seal(struct idalloc *a, int *tag_a, int *tag_b)
{
	struct span *s;
	int i, k, found;

	if (a->nranges == 0)
		return 0;
	s = malloc((size_t)a->nranges * sizeof(*s));
	if (!s)
		return -VDT_ERR_NOMEM;
	for (i = 0; i < a->nranges; i++) {
		s[i].group = (uint32_t)a->ranges[i].iommu;
		s[i].base = a->ranges[i].pid;
		s[i].len = a->ranges[i].count;
		s[i].tag = i;
	}
	found = span_overlap(s, a->nranges, 1, tag_a, tag_b);
	if (found) {
		int x = a->ranges[*tag_a].tag, y = a->ranges[*tag_b].tag;

		*tag_a = x < y ? x : y;
		*tag_b = x < y ? y : x;
		free(s);
		return -VDT_ERR_CONFLICT;
	}
	/* Keep the ranges sorted by (iommu, pid), equal ones once. */
	for (i = 0, k = 0; i < a->nranges; i++) {
		if (k > 0 && s[i].group == s[k - 1].group &&
		    s[i].base == s[k - 1].base)
			continue;
		s[k++] = s[i];
	}
	for (i = 0; i < k; i++)
		s[i].tag = a->ranges[s[i].tag].tag;
	for (i = 0; i < k; i++) {
		a->ranges[i].iommu = (int)s[i].group;
		a->ranges[i].pid = s[i].base;
		a->ranges[i].count = s[i].len;
		a->ranges[i].tag = s[i].tag;
		a->ranges[i].key = -1;
	}
	a->nranges = k;
	free(s);
	return 0;
}

/* The declared range of @iommu holding @pid, or NULL. */
static struct idalloc_range *range_of(const struct idalloc *a, int iommu,
				      uint32_t pid)
{
	int lo = 0, hi = a->nranges - 1, mid;
	struct idalloc_range *r;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		r = &a->ranges[mid];
		if (r->iommu < iommu || (r->iommu == iommu && r->pid <= pid))
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	if (hi < 0)
		return NULL;
	r = &a->ranges[hi];
	return r->iommu == iommu && pid - r->pid < r->count ? r : NULL;
}

int idalloc_find(const struct idalloc *a, int iommu, uint32_t pid,
		 uint32_t count, uint32_t mask)
{
	int i;

	for (i = u64map_get(&a->by_pid, pid_key(iommu, pid)); i >= 0;
	     i = a->keys[i].next)
		if (a->keys[i].mask == mask && a->keys[i].count == count)
			return i;
	return -VDT_ERR_NOTFOUND;
}

static int add_key(struct idalloc *a, int iommu, uint32_t pid, uint32_t count,
		   uint32_t mask, int tag)
{
	struct idalloc_key *k;
	int first, r;

	if (count > IDALLOC_MAX_IDS - a->ids)
		return -VDT_ERR_UNSUPPORTED;
	if (a->nkeys == a->cap) {
		int cap = a->cap ? a->cap * 2 : 64;

		k = realloc(a->keys, (size_t)cap * sizeof(*k));
		if (!k)
			return -VDT_ERR_NOMEM;
		a->keys = k;
		a->cap = cap;
	}
	/* The new key heads its (iommu, pid) chain. */
	first = u64map_get(&a->by_pid, pid_key(iommu, pid));
	r = u64map_put(&a->by_pid, pid_key(iommu, pid), a->nkeys);
	if (r < 0)
		return r;
	a->ids += count;
	k = &a->keys[a->nkeys];
	k->iommu = iommu;
	k->pid = pid;
	k->count = count;
	k->mask = mask;
	k->vid = 0;
	k->state = IDALLOC_FREE;
	k->tag = tag;
	k->pin_tag = -1;
	k->next = first >= 0 ? first : -1;
	return a->nkeys++;
}

/* The declared range a reference belongs to, or NULL (see idalloc_key()). */
static struct idalloc_range *range_for(const struct idalloc *a, int iommu,
				       uint32_t pid, uint32_t count,
				       uint32_t mask)
{
	struct idalloc_range *r = mask ? NULL : range_of(a, iommu, pid);

	return r && (count == 1 || (r->pid == pid && r->count == count)) ?
		       r : NULL;
}

int idalloc_lookup(const struct idalloc *a, int iommu, uint32_t pid,
		   uint32_t count, uint32_t mask, uint32_t *offset)
{
	const struct idalloc_range *r = range_for(a, iommu, pid, count, mask);

	*offset = r ? pid - r->pid : 0;
	if (r)
		return r->key >= 0 ? r->key : -VDT_ERR_NOTFOUND;
	return idalloc_find(a, iommu, pid, count, mask);
}

int idalloc_key(struct idalloc *a, int iommu, uint32_t pid, uint32_t count,
		uint32_t mask, int tag, uint32_t *offset)
{
	struct idalloc_range *r = range_for(a, iommu, pid, count, mask);
	int k;

	*offset = 0;
	if (r) {
		if (r->key < 0) {
			k = add_key(a, iommu, r->pid, r->count, 0, tag);
			if (k < 0)
				return k;
			r->key = k;
		}
		*offset = pid - r->pid;
		return r->key;
	}
	k = idalloc_find(a, iommu, pid, count, mask);
	return k >= 0 ? k : add_key(a, iommu, pid, count, mask, tag);
}

int idalloc_owner(const struct idalloc *a, uint32_t vid)
{
	return u64map_get(&a->by_vid, vid);
}

/* Whether the run [@vid, @vid + @n) fits the space; the first vID in it
 * held by a key other than @key, or -1. */
static int64_t first_taken(const struct idalloc *a, uint64_t vid, uint32_t n,
			   int key)
{
	uint64_t v;
	int owner;

	for (v = vid; v < vid + n; v++) {
		owner = idalloc_owner(a, (uint32_t)v);
		if (owner >= 0 && owner != key)
			return (int64_t)v;
	}
	return -1;
}

/* Give @key the run from @vid; the caller checked that it is free. */
static int take(struct idalloc *a, int key, uint32_t vid,
		enum idalloc_state how)
{
	uint32_t i;
	int r;

	for (i = 0; i < a->keys[key].count; i++) {
		r = u64map_put(&a->by_vid, (uint64_t)vid + i, key);
		if (r < 0)
			return r;
	}
	a->keys[key].vid = vid;
	a->keys[key].state = how;
	return 0;
}

static int fits(const struct idalloc *a, uint64_t vid, uint32_t n)
{
	return vid >= a->base && vid + n <= a->limit;
}

int idalloc_pin(struct idalloc *a, int key, uint32_t vid, int tag)
{
	struct idalloc_key *k = &a->keys[key];
	int r;

	if (!fits(a, vid, k->count))
		return -VDT_ERR_INPUT;
	if (k->state != IDALLOC_FREE)
		return k->vid == vid ? 0 : -VDT_ERR_CONFLICT;
	if (first_taken(a, vid, k->count, key) >= 0)
		return -VDT_ERR_CONFLICT;
	r = take(a, key, vid, IDALLOC_PINNED);
	if (r < 0)
		return r;
	k->pin_tag = tag;
	return 0;
}

/* The lowest free run of @n vIDs, or -VDT_ERR_EXHAUSTED.  No vID is looked
 * at twice: a run that meets a taken vID starts again after it. */
static int64_t lowest_free(struct idalloc *a, uint32_t n)
{
	uint64_t s;
	int64_t taken;

	while (a->cursor < a->limit &&
	       idalloc_owner(a, (uint32_t)a->cursor) >= 0)
		a->cursor++;
	for (s = a->cursor; s + n <= a->limit; s = (uint64_t)taken + 1) {
		taken = first_taken(a, s, n, -1);
		if (taken < 0)
			return (int64_t)s;
	}
	return -VDT_ERR_EXHAUSTED;
}

int idalloc_place(struct idalloc *a, int key)
{
	int64_t vid = lowest_free(a, a->keys[key].count);

	if (vid < 0)
		return (int)vid;
	return take(a, key, (uint32_t)vid, IDALLOC_ALLOCATED);
}

int idalloc_assign(struct idalloc *a, enum vdt_policy policy, int *failed)
{
	struct idalloc_key *k;
	int64_t vid;
	int i, r;

	/* Every ID gets a vID, or the run fails: room for them at once. */
	if (u64map_reserve(&a->by_vid, (size_t)a->ids) < 0)
		return -VDT_ERR_NOMEM;
	for (i = 0; policy == VDT_POLICY_IDENTITY && i < a->nkeys; i++) {
		k = &a->keys[i];
		if (k->state != IDALLOC_FREE || !fits(a, k->pid, k->count) ||
		    first_taken(a, k->pid, k->count, -1) >= 0)
			continue;
		r = take(a, i, k->pid, IDALLOC_ALLOCATED);
		if (r < 0)
			return r;
	}
	for (i = 0; i < a->nkeys; i++) {
		if (a->keys[i].state != IDALLOC_FREE)
			continue;
		vid = lowest_free(a, a->keys[i].count);
		if (vid < 0) {
			*failed = i;
			return (int)vid;
		}
		r = take(a, i, (uint32_t)vid, IDALLOC_ALLOCATED);
		if (r < 0)
			return r;
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "diag.h"
#include "idalloc.h"

int idalloc_init(struct idalloc *a, uint32_t base, unsigned int bits)
{
	a->keys = NULL;
	a->nkeys = 0;
	a->cap = 0;
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
	a->keys = NULL;
	a->nkeys = 0;
	a->cap = 0;
	u64map_free(&a->by_pid);
	u64map_free(&a->by_vid);
}

static uint64_t pid_key(int iommu, uint32_t pid)
{
	return ((uint64_t)(uint32_t)iommu << 32) | pid;
}

int idalloc_key(struct idalloc *a, int iommu, uint32_t pid, uint32_t mask,
		int tag)
{
	struct idalloc_key *k;
	int i, first, r;

	first = u64map_get(&a->by_pid, pid_key(iommu, pid));
	for (i = first; i >= 0; i = a->keys[i].next)
		if (a->keys[i].mask == mask)
			return i;
	if (a->nkeys == a->cap) {
		int cap = a->cap ? a->cap * 2 : 64;

		k = realloc(a->keys, (size_t)cap * sizeof(*k));
		if (!k)
			return -VDT_ERR_NOMEM;
		a->keys = k;
		a->cap = cap;
	}
	/* The new key heads its (iommu, pid) chain. */
	r = u64map_put(&a->by_pid, pid_key(iommu, pid), a->nkeys);
	if (r < 0)
		return r;
	k = &a->keys[a->nkeys];
	k->iommu = iommu;
	k->pid = pid;
	k->mask = mask;
	k->vid = 0;
	k->assigned = 0;
	k->tag = tag;
	k->pin_tag = -1;
	k->next = first >= 0 ? first : -1;
	return a->nkeys++;
}

int idalloc_owner(const struct idalloc *a, uint32_t vid)
{
	return u64map_get(&a->by_vid, vid);
}

/* Give @vid to key @key; the caller checked that it is free. */
static int take(struct idalloc *a, int key, uint32_t vid, int how)
{
	int r = u64map_put(&a->by_vid, vid, key);

	if (r < 0)
		return r;
	a->keys[key].vid = vid;
	a->keys[key].assigned = how;
	return 0;
}

int idalloc_pin(struct idalloc *a, int key, uint32_t vid, int tag)
{
	struct idalloc_key *k = &a->keys[key];
	int owner, r;

	if (vid < a->base || vid >= a->limit)
		return -VDT_ERR_INPUT;
	if (k->assigned)
		return k->vid == vid ? 0 : -VDT_ERR_CONFLICT;
	owner = idalloc_owner(a, vid);
	if (owner >= 0)
		return -VDT_ERR_CONFLICT;
	r = take(a, key, vid, 1);
	if (r < 0)
		return r;
	k->pin_tag = tag;
	return 0;
}

/* The lowest free vID, or -VDT_ERR_EXHAUSTED. */
static int64_t lowest_free(struct idalloc *a)
{
	while (a->cursor < a->limit &&
	       idalloc_owner(a, (uint32_t)a->cursor) >= 0)
		a->cursor++;
	return a->cursor < a->limit ? (int64_t)a->cursor : -VDT_ERR_EXHAUSTED;
}

int idalloc_assign(struct idalloc *a, enum idalloc_policy policy, int *failed)
{
	struct idalloc_key *k;
	int64_t vid;
	int i, r;

	if (policy == IDALLOC_IDENTITY) {
		for (i = 0; i < a->nkeys; i++) {
			k = &a->keys[i];
			if (k->assigned || k->pid < a->base ||
			    k->pid >= a->limit || idalloc_owner(a, k->pid) >= 0)
				continue;
			r = take(a, i, k->pid, 2);
			if (r < 0)
				return r;
		}
	}
	for (i = 0; i < a->nkeys; i++) {
		if (a->keys[i].assigned)
			continue;
		vid = lowest_free(a);
		if (vid < 0) {
			*failed = i;
			return (int)vid;
		}
		r = take(a, i, (uint32_t)vid, 2);
		if (r < 0)
			return r;
	}
	return 0;
}

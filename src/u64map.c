/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "diag.h"
#include "u64map.h"

void u64map_init(struct u64map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->n = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	u64map_init(m);
}

/* splitmix64's finaliser: phandles, offsets and IDs are small and dense. */
static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return (size_t)key & (cap - 1);
}

static size_t find_slot(const struct u64map_slot *slots, size_t cap,
			uint64_t key)
{
	size_t i = slot_of(key, cap);

	while (slots[i].val >= 0 && slots[i].key != key)
		i = (i + 1) & (cap - 1);
	return i;
}

int u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return -VDT_ERR_NOTFOUND;
	i = find_slot(m->slots, m->cap, key);
	return m->slots[i].val >= 0 ? m->slots[i].val : -VDT_ERR_NOTFOUND;
}

/* Rehash into a table of @cap slots (a power of two above 2 * n). */
static int rehash(struct u64map *m, size_t cap)
{
	struct u64map_slot *slots;
	size_t i, j;

	if (cap < 64 || cap <= m->cap ||
	    cap > (size_t)-1 / sizeof(*slots))
		return -VDT_ERR_NOMEM;
	slots = malloc(cap * sizeof(*slots));
	if (!slots)
		return -VDT_ERR_NOMEM;
	for (i = 0; i < cap; i++)
		slots[i].val = -1;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].val < 0)
			continue;
		j = find_slot(slots, cap, m->slots[i].key);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int u64map_reserve(struct u64map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;

	/* The load factor stays at or below one half. */
	if (n > ((size_t)-1 / sizeof(struct u64map_slot)) / 4)
		return -VDT_ERR_NOMEM;
	while (n * 2 > cap)
		cap *= 2;
	return cap == m->cap ? 0 : rehash(m, cap);
}

int u64map_put(struct u64map *m, uint64_t key, int val)
{
	size_t i;
	int r;

	/* Keep the load factor at or below one half. */
	if ((m->n + 1) * 2 > m->cap) {
		r = rehash(m, m->cap ? m->cap * 2 : 64);
		if (r < 0)
			return r;
	}
	i = find_slot(m->slots, m->cap, key);
	if (m->slots[i].val < 0)
		m->n++;
	m->slots[i].key = key;
	m->slots[i].val = val;
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "diag.h"
#include "u64map.h"

void u64map_init(struct u64map *m)
{
	m->keys = NULL;
	m->vals = NULL;
	m->cap = 0;
	m->n = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
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

static size_t find_slot(const uint64_t *keys, const int *vals, size_t cap,
			uint64_t key)
{
	size_t i = slot_of(key, cap);

	while (vals[i] >= 0 && keys[i] != key)
		i = (i + 1) & (cap - 1);
	return i;
}

int u64map_get(const struct u64map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return -VDT_ERR_NOTFOUND;
	i = find_slot(m->keys, m->vals, m->cap, key);
	return m->vals[i] >= 0 ? m->vals[i] : -VDT_ERR_NOTFOUND;
}

static int grow(struct u64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, j;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	int *vals = malloc(cap * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -VDT_ERR_NOMEM;
	}
	for (i = 0; i < cap; i++)
		vals[i] = -1;
	for (i = 0; i < m->cap; i++) {
		if (m->vals[i] < 0)
			continue;
		j = find_slot(keys, vals, cap, m->keys[i]);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int u64map_put(struct u64map *m, uint64_t key, int val)
{
	size_t i;
	int r;

	/* Keep the load factor at or below one half. */
	if ((m->n + 1) * 2 > m->cap) {
		r = grow(m);
		if (r < 0)
			return r;
	}
	i = find_slot(m->keys, m->vals, m->cap, key);
	if (m->vals[i] < 0)
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
	return 0;
}

uint64_t u64map_str_key(const char *s, size_t len)
{
	uint64_t x = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		x = (x ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	return x;
}

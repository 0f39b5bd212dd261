/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_U64MAP_H
#define VIOMMU_DTGEN_U64MAP_H

/*
 * A hash map from 64-bit keys to non-negative ints (open addressing, linear
 * probing).  Used for every index the tool keeps: phandle -> node, node
 * offset -> node index, vID -> key, (IOMMU, pID) -> key.
 */

#include <stddef.h>
#include <stdint.h>

/* One slot: a key and its value, side by side (one cache line read). */
struct u64map_slot {
	uint64_t key;
	int val;		/* -1 marks an empty slot */
};

struct u64map {
	struct u64map_slot *slots;
	size_t cap;		/* a power of two, or 0 before the first put */
	size_t n;
};

/**
 * u64map_init - an empty map (allocates nothing)
 */
void u64map_init(struct u64map *m);

/**
 * u64map_free - release the map's storage; the map is empty afterwards
 */
void u64map_free(struct u64map *m);

/**
 * u64map_get - look a key up
 *
 * returns:
 *	the value (>= 0), if @key is present
 *	-VDT_ERR_NOTFOUND, otherwise
 */
int u64map_get(const struct u64map *m, uint64_t key);

/**
 * u64map_put - insert @key or replace its value
 * @val: must be >= 0
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM, if the table could not grow (the map is unchanged)
 */
int u64map_put(struct u64map *m, uint64_t key, int val);

/**
 * u64map_reserve - make room for @n keys in all, so that no put of up to
 * @n keys grows the table
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM, if the table could not grow (the map is unchanged)
 */
int u64map_reserve(struct u64map *m, size_t n);

/* FNV-1a's offset basis (the key of the empty string) and prime. */
#define U64MAP_FNV_BASIS 0xcbf29ce484222325ULL
#define U64MAP_FNV_PRIME 0x100000001b3ULL

/**
 * u64map_str_key_add - the key of a string continued: the key of @s
 * followed by the @len bytes at @more is u64map_str_key_add(key of @s,
 * @more, @len)
 */
static inline uint64_t u64map_str_key_add(uint64_t key, const char *more,
					  size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		key = (key ^ (uint8_t)more[i]) * U64MAP_FNV_PRIME;
	return key;
}

/**
 * u64map_str_key - a 64-bit key for the @len bytes at @s (FNV-1a), for
 * maps indexed by string; equal keys do not prove equal strings
 */
static inline uint64_t u64map_str_key(const char *s, size_t len)
{
	return u64map_str_key_add(U64MAP_FNV_BASIS, s, len);
}

#endif /* VIOMMU_DTGEN_U64MAP_H */

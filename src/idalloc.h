/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_IDALLOC_H
#define VIOMMU_DTGEN_IDALLOC_H

/*
 * The vID allocator.
 *
 * A key is a run of physical master IDs on one physical IOMMU: (IOMMU,
 * first pID, count, mask); a single ID from "iommus" has count 1, an
 * "iommu-map" entry is a range.  Each key gets one run of count consecutive
 * vIDs and no two keys share a vID, so equal pIDs on two IOMMUs get
 * distinct vIDs while two devices sharing one stream ID share its vID.
 *
 * Use, in this order:
 * 1. idalloc_init();
 * 2. idalloc_range() for every range (iommu-map entry), then idalloc_seal(),
 *    which refuses ranges of one IOMMU that overlap without being equal;
 * 3. idalloc_key() for every ID or range in document order: a single
 *    unmasked pID inside a declared range belongs to that range's key, so
 *    a range takes its place in the order where any of its IDs first
 *    appears; idalloc_pin() for pinned vIDs;
 * 4. idalloc_assign().
 */

#include <stdint.h>

#include "diag.h"

#include "u64map.h"

/* The most IDs all keys may cover together. */
#define IDALLOC_MAX_IDS (1u << 20)

enum idalloc_state {
	IDALLOC_FREE,		/* no vID yet */
	IDALLOC_PINNED,		/* given by idalloc_pin() */
	IDALLOC_ALLOCATED,	/* given by idalloc_assign() */
};

struct idalloc_key {
	int iommu;		/* physical IOMMU (a host node offset) */
	uint32_t pid;		/* first pID */
	uint32_t count;		/* pIDs (and vIDs) in the run, >= 1 */
	uint32_t mask;
	uint32_t vid;		/* first vID, valid once assigned */
	enum idalloc_state state;
	int tag;		/* caller's tag given when the key was added */
	int pin_tag;		/* caller's tag given with the pin */
	int next;		/* next key with the same (iommu, pid), or -1 */
};

/* A declared range (step 2). */
struct idalloc_range {
	int iommu;
	uint32_t pid;
	uint32_t count;
	int tag;
	int key;		/* its key once used, or -1 */
};

struct idalloc {
	uint32_t base;		/* vID space is [base, limit) */
	uint64_t limit;
	uint64_t cursor;	/* every vID in [base, cursor) is taken */
	uint64_t ids;		/* IDs covered by all keys */
	struct idalloc_key *keys;
	int nkeys;
	int cap;
	struct idalloc_range *ranges;	/* sorted by (iommu, pid) once sealed */
	int nranges;
	int rcap;
	struct u64map by_pid;	/* (iommu, pid) -> first key */
	struct u64map by_vid;	/* vID -> key holding it */
};

/**
 * idalloc_init - an empty allocator over [@base, 2^@bits)
 * @bits: 1..32
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_USAGE, if @bits is out of range or @base >= 2^@bits
 */
int idalloc_init(struct idalloc *a, uint32_t base, unsigned int bits);

/** idalloc_free - release the allocator's storage */
void idalloc_free(struct idalloc *a);

/**
 * idalloc_range - declare the range of @count pIDs from @pid on @iommu
 * @tag: the caller's name for it, reported by idalloc_seal()
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM
 */
int idalloc_range(struct idalloc *a, int iommu, uint32_t pid, uint32_t count,
		  int tag);

/**
 * idalloc_seal - check the declared ranges; equal ranges become one
 * @tag_a, @tag_b: on conflict, the tags of two ranges of one IOMMU that
 *	overlap without being equal (@tag_a < @tag_b)
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_CONFLICT, for overlapping ranges
 */
int idalloc_seal(struct idalloc *a, int *tag_a, int *tag_b);

/**
 * idalloc_key - the key of (@iommu, @pid, @count, @mask), added if new
 * @tag: remembered in a new key (the caller's device number, for messages)
 * @offset: receives the position of @pid within the key's run
 *
 * returns:
 *	the key's index (>= 0)
 *	-VDT_ERR_UNSUPPORTED, if the keys would cover more than
 *		IDALLOC_MAX_IDS IDs
 *	-VDT_ERR_NOMEM
 */
int idalloc_key(struct idalloc *a, int iommu, uint32_t pid, uint32_t count,
		uint32_t mask, int tag, uint32_t *offset);

/**
 * idalloc_lookup - the existing key that idalloc_key() would give
 * (@iommu, @pid, @count, @mask): a single unmasked pID inside a declared
 * range gives the range's key
 * @offset: receives the position of @pid within the key's run
 *
 * returns:
 *	the key's index (>= 0)
 *	-VDT_ERR_NOTFOUND, if no such key was made
 */
int idalloc_lookup(const struct idalloc *a, int iommu, uint32_t pid,
		   uint32_t count, uint32_t mask, uint32_t *offset);

/**
 * idalloc_find - the existing key (@iommu, @pid, @count, @mask)
 *
 * returns:
 *	its index (>= 0)
 *	-VDT_ERR_NOTFOUND
 */
int idalloc_find(const struct idalloc *a, int iommu, uint32_t pid,
		 uint32_t count, uint32_t mask);

/**
 * idalloc_owner - the key holding @vid
 *
 * returns:
 *	its index (>= 0)
 *	-VDT_ERR_NOTFOUND, if @vid is free
 */
int idalloc_owner(const struct idalloc *a, uint32_t vid);

/**
 * idalloc_pin - give key @key the run of vIDs starting at @vid, before any
 * allocation
 * @tag: remembered in the key as pin_tag
 *
 * Pinning a key again to the same vID is a no-op.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, if the run leaves the vID space
 *	-VDT_ERR_CONFLICT, if a vID of the run belongs to another key (see
 *		idalloc_owner()) or @key is pinned to another vID
 *	-VDT_ERR_NOMEM
 */
int idalloc_pin(struct idalloc *a, int key, uint32_t vid, int tag);

/**
 * idalloc_place - give key @key, which has no vID yet, the lowest free run
 * now, as idalloc_assign() would under the compact policy
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_EXHAUSTED, if no run is free
 *	-VDT_ERR_NOMEM
 */
int idalloc_place(struct idalloc *a, int key);

/**
 * idalloc_assign - give every key that has no vID one, by @policy
 * @failed: on -VDT_ERR_EXHAUSTED, the index of the first key left without
 *
 * compact: each key, in key order, gets the lowest free run.
 * identity: first, in key order, each key whose run of pIDs lies in the
 * space and is still free gets vID = pID; then the rest as compact.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_EXHAUSTED, if the space ran out
 *	-VDT_ERR_NOMEM
 */
int idalloc_assign(struct idalloc *a, enum vdt_policy policy, int *failed);

#endif /* VIOMMU_DTGEN_IDALLOC_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_IDALLOC_H
#define VIOMMU_DTGEN_IDALLOC_H

/*
 * The vID allocator.
 *
 * A key is one physical master ID: (physical IOMMU, pID, mask).  Each key
 * gets exactly one vID and no two keys share a vID, so equal pIDs on two
 * IOMMUs get distinct vIDs while two devices sharing one stream ID share
 * its vID.  Keys are numbered in the order they are first added, which is
 * the order the allocation policies follow.
 *
 * Use: idalloc_init(), idalloc_key() for every specifier in document
 * order (with idalloc_pin() for user-pinned vIDs), then idalloc_assign().
 */

#include <stdint.h>

#include "u64map.h"

enum idalloc_policy {
	IDALLOC_COMPACT,	/* lowest free vID, in key order */
	IDALLOC_IDENTITY,	/* vID = pID where possible, then compact */
};

struct idalloc_key {
	int iommu;		/* physical IOMMU (a host node offset) */
	uint32_t pid;
	uint32_t mask;
	uint32_t vid;		/* valid once assigned */
	int assigned;		/* 0 no, 1 pinned, 2 allocated */
	int tag;		/* caller's tag given when the key was added */
	int pin_tag;		/* caller's tag given with the pin */
	int next;		/* next key with the same (iommu, pid), or -1 */
};

struct idalloc {
	uint32_t base;		/* vID space is [base, limit) */
	uint64_t limit;
	uint64_t cursor;	/* every vID in [base, cursor) is taken */
	struct idalloc_key *keys;
	int nkeys;
	int cap;
	struct u64map by_pid;	/* (iommu, pid) -> first key */
	struct u64map by_vid;	/* vID -> key */
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
 * idalloc_key - find or add the key (@iommu, @pid, @mask)
 * @tag: remembered in a new key (the caller's device number, for messages)
 *
 * returns:
 *	the key's index (>= 0)
 *	-VDT_ERR_NOMEM
 */
int idalloc_key(struct idalloc *a, int iommu, uint32_t pid, uint32_t mask,
		int tag);

/**
 * idalloc_owner - the key holding @vid
 *
 * returns:
 *	its index (>= 0)
 *	-VDT_ERR_NOTFOUND, if @vid is free
 */
int idalloc_owner(const struct idalloc *a, uint32_t vid);

/**
 * idalloc_pin - give key @key the vID @vid before any allocation
 * @tag: remembered in the key as pin_tag
 *
 * Pinning a key again to the same vID is a no-op.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, if @vid is outside the vID space
 *	-VDT_ERR_CONFLICT, if @vid belongs to another key (see idalloc_owner())
 *		or @key is pinned to another vID (see its vid field)
 *	-VDT_ERR_NOMEM
 */
int idalloc_pin(struct idalloc *a, int key, uint32_t vid, int tag);

/**
 * idalloc_assign - give every key that has no vID one, by @policy
 * @failed: on -VDT_ERR_EXHAUSTED, the index of the first key left without
 *
 * compact: each key, in key order, gets the lowest free vID.
 * identity: first, in key order, each key whose pID lies in the space and
 * is still free gets vID = pID; then the rest as compact.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_EXHAUSTED, if the space ran out
 *	-VDT_ERR_NOMEM
 */
int idalloc_assign(struct idalloc *a, enum idalloc_policy policy, int *failed);

#endif /* VIOMMU_DTGEN_IDALLOC_H */

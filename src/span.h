/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_SPAN_H
#define VIOMMU_DTGEN_SPAN_H

/*
 * Overlap detection among ID ranges, in O(n log n): used for the RID ranges
 * of one iommu-map and for the physical ID ranges of one IOMMU.
 */

#include <stdint.h>

struct span {
	uint64_t group;		/* spans only meet within a group */
	uint32_t base;
	uint32_t len;		/* > 0 */
	int tag;		/* the caller's name for the span */
};

/**
 * span_overlap - find two spans of one group that overlap
 * @s, @n: the spans; sorted in place by (group, base, len, tag)
 * @allow_equal: if set, spans with the same group, base and length do not
 *	count as overlapping
 * @a, @b: receive the tags of an overlapping pair, @a < @b
 *
 * returns:
 *	1, if a pair was found
 *	0, otherwise
 */
int span_overlap(struct span *s, int n, int allow_equal, int *a, int *b);

#endif /* VIOMMU_DTGEN_SPAN_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>

#include "span.h"

static int cmp_span(const void *pa, const void *pb)
{
	const struct span *x = pa, *y = pb;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (x->tag > y->tag) - (x->tag < y->tag);
}

static uint64_t end_of(const struct span *s)
{
	return (uint64_t)s->base + s->len;
}

int span_overlap(struct span *s, int n, int allow_equal, int *a, int *b)
{
	const struct span *reach = NULL;	/* ends furthest in the group */
	int i;

	qsort(s, (size_t)n, sizeof(*s), cmp_span);
	for (i = 0; i < n; i++) {
		if (i > 0 && s[i].group != s[i - 1].group)
			reach = NULL;
		if (reach && s[i].base < end_of(reach) &&
		    !(allow_equal && s[i].base == reach->base &&
		      s[i].len == reach->len)) {
			*a = reach->tag < s[i].tag ? reach->tag : s[i].tag;
			*b = reach->tag < s[i].tag ? s[i].tag : reach->tag;
			return 1;
		}
		if (!reach || end_of(&s[i]) > end_of(reach))
			reach = &s[i];
	}
	return 0;
}

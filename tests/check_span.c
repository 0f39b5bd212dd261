/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>

#include "span.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXS 5

static const struct overlap_case {
	const char *name;
	int n;
	struct span s[MAXS];
	int allow_equal;
	int found;
	int a, b;		/* the tags reported, when found */
} overlap_cases[] = {
	{ "none", 0, { { 0, 0, 1, 0 } }, 0, 0, 0, 0 },
	{ "one", 1, { { 0, 0, 10, 1 } }, 0, 0, 0, 0 },
	{ "disjoint", 2, { { 0, 0, 10, 1 }, { 0, 20, 5, 2 } }, 0, 0, 0, 0 },
	{ "adjacent", 3,
	  { { 0, 10, 5, 2 }, { 0, 0, 10, 1 }, { 0, 15, 1, 3 } }, 0, 0, 0, 0 },
	{ "one ID of overlap", 2, { { 0, 0, 10, 1 }, { 0, 9, 5, 2 } }, 0, 1,
	  1, 2 },
	{ "nested", 2, { { 0, 0, 100, 7 }, { 0, 10, 5, 3 } }, 0, 1, 3, 7 },
	{ "nested, allow_equal", 2, { { 0, 0, 100, 7 }, { 0, 10, 5, 3 } }, 1,
	  1, 3, 7 },
	{ "same base, other length", 2, { { 0, 0, 10, 1 }, { 0, 0, 11, 2 } },
	  1, 1, 1, 2 },
	{ "equal", 2, { { 0, 4, 10, 1 }, { 0, 4, 10, 2 } }, 0, 1, 1, 2 },
	{ "equal, allow_equal", 3,
	  { { 0, 4, 10, 1 }, { 0, 4, 10, 2 }, { 0, 4, 10, 3 } }, 1, 0, 0, 0 },
	{ "equal pair, then a third overlapping both", 3,
	  { { 0, 4, 10, 1 }, { 0, 4, 10, 2 }, { 0, 8, 10, 3 } }, 1, 1, 1, 3 },
	{ "groups never meet", 3,
	  { { 1, 0, 10, 1 }, { 2, 0, 10, 2 }, { 0xffffffff00000000ull, 5, 10,
						3 } }, 0, 0, 0, 0 },
	{ "the group's end does not reach into the next group", 2,
	  { { 1, 0, 100, 1 }, { 2, 50, 10, 2 } }, 0, 0, 0, 0 },
	{ "groups whose low 32 bits agree", 2,
	  { { 0x100000001ull, 0, 10, 1 }, { 1, 5, 10, 2 } }, 0, 0, 0, 0 },
	{ "tags reported low first", 2, { { 0, 5, 10, 9 }, { 0, 0, 10, 4 } },
	  0, 1, 4, 9 },
	{ "tags reported low first, later base has the lower tag", 2,
	  { { 0, 0, 10, 9 }, { 0, 5, 10, 4 } }, 0, 1, 4, 9 },
	/* Input order is not sorted order: the long span comes first. */
	{ "long span meets a later non-adjacent one", 5,
	  { { 0, 0, 100, 1 }, { 0, 200, 10, 2 }, { 0, 300, 10, 3 },
	    { 1, 50, 10, 4 }, { 0, 50, 10, 5 } }, 0, 1, 1, 5 },
	/* With equal spans allowed, the first of them is the one reported. */
	{ "equal spans: the first is reported", 3,
	  { { 0, 0, 100, 1 }, { 0, 0, 100, 2 }, { 0, 90, 20, 3 } }, 1, 1, 1,
	  3 },
	{ "top of the ID space", 2,
	  { { 0, 0xffffff00u, 0x100, 1 }, { 0, 0xfffffff0u, 1, 2 } }, 0, 1, 1,
	  2 },
	{ "top of the ID space, adjacent", 2,
	  { { 0, 0xffffff00u, 0x100, 1 }, { 0, 0xfffffe00u, 0x100, 2 } }, 0, 0,
	  0, 0 },
};

static int span_le(const struct span *x, const struct span *y)
{
	if (x->group != y->group)
		return x->group < y->group;
	if (x->base != y->base)
		return x->base < y->base;
	if (x->len != y->len)
		return x->len < y->len;
	return x->tag <= y->tag;
}

START_TEST(test_overlap)
{
	const struct overlap_case *c = &overlap_cases[_i];
	struct span s[MAXS];
	int a = -100, b = -100, i, found;

	for (i = 0; i < c->n; i++)
		s[i] = c->s[i];
	found = span_overlap(s, c->n, c->allow_equal, &a, &b);
	ck_assert_msg(found == c->found, "%s: found %d, want %d (%d, %d)",
		      c->name, found, c->found, a, b);
	if (c->found) {
		ck_assert_msg(a == c->a && b == c->b,
			      "%s: tags %d, %d, want %d, %d", c->name, a, b,
			      c->a, c->b);
	} else {
		ck_assert_int_eq(a, -100);
		ck_assert_int_eq(b, -100);
	}
	/* Sorted in place when nothing was found (every span was seen). */
	for (i = 1; !found && i < c->n; i++)
		ck_assert_msg(span_le(&s[i - 1], &s[i]), "%s: not sorted at %d",
			      c->name, i);
}
END_TEST

/* Many disjoint spans in reverse order, then one that meets the first. */
START_TEST(test_overlap_many)
{
	struct span s[1001];
	int i, a, b;

	for (i = 0; i < 1000; i++) {
		s[i].group = 7;
		s[i].base = (uint32_t)(999 - i) * 16;
		s[i].len = 16;
		s[i].tag = 999 - i;
	}
	ck_assert_int_eq(span_overlap(s, 1000, 0, &a, &b), 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(s[i].tag, i);
	s[1000].group = 7;
	s[1000].base = 15;
	s[1000].len = 1;
	s[1000].tag = 5000;
	ck_assert_int_eq(span_overlap(s, 1001, 0, &a, &b), 1);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(b, 5000);
}
END_TEST

Suite *span_suite(void)
{
	Suite *s = suite_create("span");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_overlap, 0, N(overlap_cases));
	tcase_add_test(tc, test_overlap_many);
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>

#include "diag.h"
#include "idalloc.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXK 8

/* ---- init ---- */

static const struct init_case {
	uint32_t base;
	unsigned int bits;
	int ret;
	uint64_t limit;
} init_cases[] = {
	{ 0, 0, -VDT_ERR_USAGE, 0 },
	{ 0, 33, -VDT_ERR_USAGE, 0 },
	{ 0, 1, 0, 2 },
	{ 0, 16, 0, 0x10000 },
	{ 0xffff, 16, 0, 0x10000 },
	{ 0x10000, 16, -VDT_ERR_USAGE, 0 },
	{ 2, 1, -VDT_ERR_USAGE, 0 },
	{ 0, 32, 0, (uint64_t)1 << 32 },
	{ 0xffffffffu, 32, 0, (uint64_t)1 << 32 },
};

START_TEST(test_init)
{
	const struct init_case *c = &init_cases[_i];
	struct idalloc a;

	ck_assert_int_eq(idalloc_init(&a, c->base, c->bits), c->ret);
	if (c->ret == 0) {
		ck_assert_uint_eq(a.limit, c->limit);
		ck_assert_uint_eq(a.base, c->base);
		ck_assert_int_eq(a.nkeys, 0);
	}
	idalloc_free(&a);	/* safe after a failed init too */
}
END_TEST

/* ---- keys ---- */

START_TEST(test_key_dedupe)
{
	struct idalloc a;
	int k0, k1, k2, k3;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	k0 = idalloc_key(&a, 100, 0x10, 0, 0);
	ck_assert_int_eq(k0, 0);
	ck_assert_int_eq(idalloc_key(&a, 100, 0x10, 0, 5), k0);
	/* Another mask: another key. */
	k1 = idalloc_key(&a, 100, 0x10, 0x7f00, 1);
	ck_assert_int_eq(k1, 1);
	/* The same pID on another IOMMU: another key. */
	k2 = idalloc_key(&a, 200, 0x10, 0, 2);
	ck_assert_int_eq(k2, 2);
	/* Another pID with the first IOMMU's pID in its high bits. */
	k3 = idalloc_key(&a, 100, 0x11, 0, 3);
	ck_assert_int_eq(k3, 3);
	/* Each is found again, whatever the order of the chain. */
	ck_assert_int_eq(idalloc_key(&a, 100, 0x10, 0x7f00, 9), k1);
	ck_assert_int_eq(idalloc_key(&a, 100, 0x10, 0, 9), k0);
	ck_assert_int_eq(idalloc_key(&a, 200, 0x10, 0, 9), k2);
	ck_assert_int_eq(idalloc_key(&a, 100, 0x11, 0, 9), k3);
	ck_assert_int_eq(a.nkeys, 4);
	/* The tag is the first adder's. */
	ck_assert_int_eq(a.keys[k0].tag, 0);
	ck_assert_int_eq(a.keys[k1].tag, 1);
	ck_assert_int_eq(a.keys[k1].mask, 0x7f00);
	ck_assert_int_eq(a.keys[k2].iommu, 200);
	idalloc_free(&a);
}
END_TEST

/* Three masks of one (IOMMU, pID), then many keys to make the arrays grow. */
START_TEST(test_key_many)
{
	struct idalloc a;
	int i;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(idalloc_key(&a, 1, 5, (uint32_t)i, 0), i);
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(idalloc_key(&a, 2 + i % 7, (uint32_t)i, 0, i),
				 3 + i);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(idalloc_key(&a, 1, 5, (uint32_t)i, 0), i);
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(idalloc_key(&a, 2 + i % 7, (uint32_t)i, 0, i),
				 3 + i);
	ck_assert_int_eq(a.nkeys, 503);
	ck_assert_int_eq(idalloc_assign(&a, IDALLOC_COMPACT, &i), 0);
	for (i = 0; i < 503; i++)
		ck_assert_uint_eq(a.keys[i].vid, (uint32_t)i);
	idalloc_free(&a);
}
END_TEST

/* ---- allocation, table driven ---- */

struct pin {
	int key;
	uint32_t vid;
};

static const struct alloc_case {
	const char *name;
	enum idalloc_policy policy;
	uint32_t base;
	unsigned int bits;
	int nkeys;
	int iommu[MAXK];
	uint32_t pid[MAXK];
	int npins;
	struct pin pins[4];
	uint32_t want[MAXK];
} alloc_cases[] = {
	{ "compact in key order", IDALLOC_COMPACT, 0, 16, 3,
	  { 1, 1, 1 }, { 0x30, 0x10, 0x20 }, 0, { { 0, 0 } }, { 0, 1, 2 } },
	{ "compact pins first (pins 0 and 2)", IDALLOC_COMPACT, 0, 16, 5,
	  { 1, 1, 1, 1, 1 }, { 10, 11, 12, 13, 14 }, 2,
	  { { 3, 0 }, { 1, 2 } }, { 1, 2, 3, 0, 4 } },
	{ "compact from vid_base", IDALLOC_COMPACT, 8, 16, 3,
	  { 1, 2, 1 }, { 0, 0, 1 }, 0, { { 0, 0 } }, { 8, 9, 10 } },
	{ "compact with a pin at vid_base", IDALLOC_COMPACT, 8, 16, 3,
	  { 1, 1, 1 }, { 0, 1, 2 }, 1, { { 2, 8 } }, { 9, 10, 8 } },
	{ "identity when free", IDALLOC_IDENTITY, 0, 16, 3,
	  { 1, 1, 1 }, { 5, 3, 9 }, 0, { { 0, 0 } }, { 5, 3, 9 } },
	/* The identity pass runs over all keys before any compact one. */
	{ "identity pass before compact pass", IDALLOC_IDENTITY, 0, 16, 3,
	  { 1, 2, 1 }, { 7, 7, 0 }, 0, { { 0, 0 } }, { 7, 1, 0 } },
	{ "identity pid above the space", IDALLOC_IDENTITY, 0, 4, 2,
	  { 1, 1 }, { 0x20, 3 }, 0, { { 0, 0 } }, { 0, 3 } },
	{ "identity pid at the limit", IDALLOC_IDENTITY, 0, 4, 2,
	  { 1, 1 }, { 16, 0 }, 0, { { 0, 0 } }, { 1, 0 } },
	{ "identity pid below vid_base", IDALLOC_IDENTITY, 4, 4, 2,
	  { 1, 1 }, { 2, 5 }, 0, { { 0, 0 } }, { 4, 5 } },
	{ "identity pid taken by a pin", IDALLOC_IDENTITY, 0, 16, 3,
	  { 1, 1, 1 }, { 5, 9, 2 }, 1, { { 1, 5 } }, { 0, 5, 2 } },
	{ "bits 32 at the top", IDALLOC_COMPACT, 0xfffffffeu, 32, 2,
	  { 1, 1 }, { 0, 1 }, 0, { { 0, 0 } }, { 0xfffffffeu, 0xffffffffu } },
	{ "bits 32 identity", IDALLOC_IDENTITY, 0, 32, 2,
	  { 1, 1 }, { 0xffffffffu, 0x80000000u }, 0, { { 0, 0 } },
	  { 0xffffffffu, 0x80000000u } },
};

START_TEST(test_assign)
{
	const struct alloc_case *c = &alloc_cases[_i];
	struct idalloc a;
	int i, failed = -1;

	ck_assert_int_eq(idalloc_init(&a, c->base, c->bits), 0);
	for (i = 0; i < c->nkeys; i++)
		ck_assert_int_eq(idalloc_key(&a, c->iommu[i], c->pid[i], 0, i),
				 i);
	for (i = 0; i < c->npins; i++)
		ck_assert_int_eq(idalloc_pin(&a, c->pins[i].key,
					     c->pins[i].vid, 100 + i), 0);
	ck_assert_msg(idalloc_assign(&a, c->policy, &failed) == 0, "%s",
		      c->name);
	ck_assert_int_eq(failed, -1);
	for (i = 0; i < c->nkeys; i++) {
		ck_assert_msg(a.keys[i].vid == c->want[i],
			      "%s: key %d got vID 0x%x, want 0x%x", c->name, i,
			      a.keys[i].vid, c->want[i]);
		ck_assert_int_eq(idalloc_owner(&a, c->want[i]), i);
		ck_assert_int_ne(a.keys[i].assigned, 0);
	}
	for (i = 0; i < c->npins; i++) {
		ck_assert_int_eq(a.keys[c->pins[i].key].assigned, 1);
		ck_assert_int_eq(a.keys[c->pins[i].key].pin_tag, 100 + i);
	}
	idalloc_free(&a);
}
END_TEST

/* ---- exhaustion ---- */

static const struct exhaust_case {
	const char *name;
	enum idalloc_policy policy;
	uint32_t base;
	unsigned int bits;
	int nkeys;
	int npins;
	struct pin pins[2];
	int failed;
} exhaust_cases[] = {
	{ "compact 5 keys in 4", IDALLOC_COMPACT, 0, 2, 5, 0, { { 0, 0 } }, 4 },
	{ "a pin uses a slot", IDALLOC_COMPACT, 0, 2, 5, 1, { { 4, 0 } }, 3 },
	{ "vid_base shrinks the space", IDALLOC_COMPACT, 6, 3, 3, 0,
	  { { 0, 0 } }, 2 },
	{ "identity 3 keys in 2", IDALLOC_IDENTITY, 0, 1, 3, 0, { { 0, 0 } },
	  2 },
	{ "bits 32 does not wrap to 0", IDALLOC_COMPACT, 0xffffffffu, 32, 2, 0,
	  { { 0, 0 } }, 1 },
};

START_TEST(test_exhausted)
{
	const struct exhaust_case *c = &exhaust_cases[_i];
	struct idalloc a;
	int i, failed = -1;

	ck_assert_int_eq(idalloc_init(&a, c->base, c->bits), 0);
	for (i = 0; i < c->nkeys; i++)
		ck_assert_int_eq(idalloc_key(&a, 1, (uint32_t)i, 0, i), i);
	for (i = 0; i < c->npins; i++)
		ck_assert_int_eq(idalloc_pin(&a, c->pins[i].key,
					     c->pins[i].vid, i), 0);
	ck_assert_msg(idalloc_assign(&a, c->policy, &failed) ==
		      -VDT_ERR_EXHAUSTED, "%s", c->name);
	ck_assert_msg(failed == c->failed, "%s: failed %d, want %d", c->name,
		      failed, c->failed);
	for (i = 0; i < c->failed; i++) {
		ck_assert_int_ne(a.keys[i].assigned, 0);
		ck_assert_uint_ge(a.keys[i].vid, c->base);
		ck_assert_uint_lt(a.keys[i].vid, a.limit);
	}
	ck_assert_int_eq(a.keys[c->failed].assigned, 0);
	idalloc_free(&a);
}
END_TEST

/* ---- pins ---- */

START_TEST(test_pin_range)
{
	struct idalloc a;
	int k;

	ck_assert_int_eq(idalloc_init(&a, 4, 4), 0);	/* [4, 16) */
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(idalloc_key(&a, 1, (uint32_t)k, 0, k), k);
	ck_assert_int_eq(idalloc_pin(&a, 0, 3, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(idalloc_pin(&a, 0, 16, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(idalloc_pin(&a, 0, 0xffffffffu, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(a.keys[0].assigned, 0);
	ck_assert_int_eq(idalloc_pin(&a, 0, 4, 0), 0);
	ck_assert_int_eq(idalloc_pin(&a, 1, 15, 1), 0);
	ck_assert_int_eq(idalloc_owner(&a, 4), 0);
	ck_assert_int_eq(idalloc_owner(&a, 15), 1);
	idalloc_free(&a);
}
END_TEST

START_TEST(test_pin_conflict)
{
	struct idalloc a;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	ck_assert_int_eq(idalloc_key(&a, 1, 0x10, 0, 0), 0);
	ck_assert_int_eq(idalloc_key(&a, 2, 0x10, 0, 1), 1);
	ck_assert_int_eq(idalloc_owner(&a, 5), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_pin(&a, 0, 5, 7), 0);
	ck_assert_int_eq(idalloc_pin(&a, 1, 5, 8), -VDT_ERR_CONFLICT);
	ck_assert_int_eq(idalloc_owner(&a, 5), 0);
	ck_assert_int_eq(a.keys[1].assigned, 0);
	ck_assert_int_eq(a.keys[0].pin_tag, 7);
	ck_assert_int_eq(a.keys[1].pin_tag, -1);
	idalloc_free(&a);
}
END_TEST

START_TEST(test_repin)
{
	struct idalloc a;
	int failed = -1;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	ck_assert_int_eq(idalloc_key(&a, 1, 0x10, 0, 0), 0);
	ck_assert_int_eq(idalloc_key(&a, 1, 0x11, 0, 1), 1);
	ck_assert_int_eq(idalloc_pin(&a, 0, 3, 0), 0);
	/* The same vID again (a second device sharing the key): fine. */
	ck_assert_int_eq(idalloc_pin(&a, 0, 3, 1), 0);
	/* Another vID for a pinned key: conflict; the first pin stays. */
	ck_assert_int_eq(idalloc_pin(&a, 0, 4, 2), -VDT_ERR_CONFLICT);
	ck_assert_uint_eq(a.keys[0].vid, 3);
	ck_assert_int_eq(a.keys[0].assigned, 1);
	ck_assert_int_eq(a.keys[0].pin_tag, 0);
	ck_assert_int_eq(idalloc_owner(&a, 4), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_assign(&a, IDALLOC_COMPACT, &failed), 0);
	ck_assert_uint_eq(a.keys[0].vid, 3);
	ck_assert_uint_eq(a.keys[1].vid, 0);
	ck_assert_int_eq(a.keys[1].assigned, 2);
	idalloc_free(&a);
}
END_TEST

Suite *idalloc_suite(void)
{
	Suite *s = suite_create("idalloc");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_init, 0, N(init_cases));
	tcase_add_test(tc, test_key_dedupe);
	tcase_add_test(tc, test_key_many);
	tcase_add_loop_test(tc, test_assign, 0, N(alloc_cases));
	tcase_add_loop_test(tc, test_exhausted, 0, N(exhaust_cases));
	tcase_add_test(tc, test_pin_range);
	tcase_add_test(tc, test_pin_conflict);
	tcase_add_test(tc, test_repin);
	suite_add_tcase(s, tc);
	return s;
}

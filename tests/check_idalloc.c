/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>

#include "diag.h"
#include "idalloc.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXK 8

/* A single-ID key (count 1), as the pipeline makes for an iommus entry. */
static int key1(struct idalloc *a, int iommu, uint32_t pid, uint32_t mask,
		int tag)
{
	uint32_t off;

	return idalloc_key(a, iommu, pid, 1, mask, tag, &off);
}

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
	k0 = key1(&a, 100, 0x10, 0, 0);
	ck_assert_int_eq(k0, 0);
	ck_assert_int_eq(key1(&a, 100, 0x10, 0, 5), k0);
	/* Another mask: another key. */
	k1 = key1(&a, 100, 0x10, 0x7f00, 1);
	ck_assert_int_eq(k1, 1);
	/* The same pID on another IOMMU: another key. */
	k2 = key1(&a, 200, 0x10, 0, 2);
	ck_assert_int_eq(k2, 2);
	/* Another pID with the first IOMMU's pID in its high bits. */
	k3 = key1(&a, 100, 0x11, 0, 3);
	ck_assert_int_eq(k3, 3);
	/* Each is found again, whatever the order of the chain. */
	ck_assert_int_eq(key1(&a, 100, 0x10, 0x7f00, 9), k1);
	ck_assert_int_eq(key1(&a, 100, 0x10, 0, 9), k0);
	ck_assert_int_eq(key1(&a, 200, 0x10, 0, 9), k2);
	ck_assert_int_eq(key1(&a, 100, 0x11, 0, 9), k3);
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
		ck_assert_int_eq(key1(&a, 1, 5, (uint32_t)i, 0), i);
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(key1(&a, 2 + i % 7, (uint32_t)i, 0, i),
				 3 + i);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(key1(&a, 1, 5, (uint32_t)i, 0), i);
	for (i = 0; i < 500; i++)
		ck_assert_int_eq(key1(&a, 2 + i % 7, (uint32_t)i, 0, i),
				 3 + i);
	ck_assert_int_eq(a.nkeys, 503);
	ck_assert_int_eq(idalloc_assign(&a, VDT_POLICY_COMPACT, &i), 0);
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
	enum vdt_policy policy;
	uint32_t base;
	unsigned int bits;
	int nkeys;
	int iommu[MAXK];
	uint32_t pid[MAXK];
	int npins;
	struct pin pins[4];
	uint32_t want[MAXK];
} alloc_cases[] = {
	{ "compact in key order", VDT_POLICY_COMPACT, 0, 16, 3,
	  { 1, 1, 1 }, { 0x30, 0x10, 0x20 }, 0, { { 0, 0 } }, { 0, 1, 2 } },
	{ "compact pins first (pins 0 and 2)", VDT_POLICY_COMPACT, 0, 16, 5,
	  { 1, 1, 1, 1, 1 }, { 10, 11, 12, 13, 14 }, 2,
	  { { 3, 0 }, { 1, 2 } }, { 1, 2, 3, 0, 4 } },
	{ "compact from vid_base", VDT_POLICY_COMPACT, 8, 16, 3,
	  { 1, 2, 1 }, { 0, 0, 1 }, 0, { { 0, 0 } }, { 8, 9, 10 } },
	{ "compact with a pin at vid_base", VDT_POLICY_COMPACT, 8, 16, 3,
	  { 1, 1, 1 }, { 0, 1, 2 }, 1, { { 2, 8 } }, { 9, 10, 8 } },
	{ "identity when free", VDT_POLICY_IDENTITY, 0, 16, 3,
	  { 1, 1, 1 }, { 5, 3, 9 }, 0, { { 0, 0 } }, { 5, 3, 9 } },
	/* The identity pass runs over all keys before any compact one. */
	{ "identity pass before compact pass", VDT_POLICY_IDENTITY, 0, 16, 3,
	  { 1, 2, 1 }, { 7, 7, 0 }, 0, { { 0, 0 } }, { 7, 1, 0 } },
	{ "identity pid above the space", VDT_POLICY_IDENTITY, 0, 4, 2,
	  { 1, 1 }, { 0x20, 3 }, 0, { { 0, 0 } }, { 0, 3 } },
	{ "identity pid at the limit", VDT_POLICY_IDENTITY, 0, 4, 2,
	  { 1, 1 }, { 16, 0 }, 0, { { 0, 0 } }, { 1, 0 } },
	{ "identity pid below vid_base", VDT_POLICY_IDENTITY, 4, 4, 2,
	  { 1, 1 }, { 2, 5 }, 0, { { 0, 0 } }, { 4, 5 } },
	{ "identity pid taken by a pin", VDT_POLICY_IDENTITY, 0, 16, 3,
	  { 1, 1, 1 }, { 5, 9, 2 }, 1, { { 1, 5 } }, { 0, 5, 2 } },
	{ "bits 32 at the top", VDT_POLICY_COMPACT, 0xfffffffeu, 32, 2,
	  { 1, 1 }, { 0, 1 }, 0, { { 0, 0 } }, { 0xfffffffeu, 0xffffffffu } },
	{ "bits 32 identity", VDT_POLICY_IDENTITY, 0, 32, 2,
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
		ck_assert_int_eq(key1(&a, c->iommu[i], c->pid[i], 0, i),
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
		ck_assert_int_ne(a.keys[i].state, IDALLOC_FREE);
	}
	for (i = 0; i < c->npins; i++) {
		ck_assert_int_eq(a.keys[c->pins[i].key].state, IDALLOC_PINNED);
		ck_assert_int_eq(a.keys[c->pins[i].key].pin_tag, 100 + i);
	}
	idalloc_free(&a);
}
END_TEST

/* ---- exhaustion ---- */

static const struct exhaust_case {
	const char *name;
	enum vdt_policy policy;
	uint32_t base;
	unsigned int bits;
	int nkeys;
	int npins;
	struct pin pins[2];
	int failed;
} exhaust_cases[] = {
	{ "compact 5 keys in 4", VDT_POLICY_COMPACT, 0, 2, 5, 0, { { 0, 0 } }, 4 },
	{ "a pin uses a slot", VDT_POLICY_COMPACT, 0, 2, 5, 1, { { 4, 0 } }, 3 },
	{ "vid_base shrinks the space", VDT_POLICY_COMPACT, 6, 3, 3, 0,
	  { { 0, 0 } }, 2 },
	{ "identity 3 keys in 2", VDT_POLICY_IDENTITY, 0, 1, 3, 0, { { 0, 0 } },
	  2 },
	{ "bits 32 does not wrap to 0", VDT_POLICY_COMPACT, 0xffffffffu, 32, 2, 0,
	  { { 0, 0 } }, 1 },
};

START_TEST(test_exhausted)
{
	const struct exhaust_case *c = &exhaust_cases[_i];
	struct idalloc a;
	int i, failed = -1;

	ck_assert_int_eq(idalloc_init(&a, c->base, c->bits), 0);
	for (i = 0; i < c->nkeys; i++)
		ck_assert_int_eq(key1(&a, 1, (uint32_t)i, 0, i), i);
	for (i = 0; i < c->npins; i++)
		ck_assert_int_eq(idalloc_pin(&a, c->pins[i].key,
					     c->pins[i].vid, i), 0);
	ck_assert_msg(idalloc_assign(&a, c->policy, &failed) ==
		      -VDT_ERR_EXHAUSTED, "%s", c->name);
	ck_assert_msg(failed == c->failed, "%s: failed %d, want %d", c->name,
		      failed, c->failed);
	for (i = 0; i < c->failed; i++) {
		ck_assert_int_ne(a.keys[i].state, IDALLOC_FREE);
		ck_assert_uint_ge(a.keys[i].vid, c->base);
		ck_assert_uint_lt(a.keys[i].vid, a.limit);
	}
	ck_assert_int_eq(a.keys[c->failed].state, IDALLOC_FREE);
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
		ck_assert_int_eq(key1(&a, 1, (uint32_t)k, 0, k), k);
	ck_assert_int_eq(idalloc_pin(&a, 0, 3, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(idalloc_pin(&a, 0, 16, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(idalloc_pin(&a, 0, 0xffffffffu, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(a.keys[0].state, IDALLOC_FREE);
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
	ck_assert_int_eq(key1(&a, 1, 0x10, 0, 0), 0);
	ck_assert_int_eq(key1(&a, 2, 0x10, 0, 1), 1);
	ck_assert_int_eq(idalloc_owner(&a, 5), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_pin(&a, 0, 5, 7), 0);
	ck_assert_int_eq(idalloc_pin(&a, 1, 5, 8), -VDT_ERR_CONFLICT);
	ck_assert_int_eq(idalloc_owner(&a, 5), 0);
	ck_assert_int_eq(a.keys[1].state, IDALLOC_FREE);
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
	ck_assert_int_eq(key1(&a, 1, 0x10, 0, 0), 0);
	ck_assert_int_eq(key1(&a, 1, 0x11, 0, 1), 1);
	ck_assert_int_eq(idalloc_pin(&a, 0, 3, 0), 0);
	/* The same vID again (a second device sharing the key): fine. */
	ck_assert_int_eq(idalloc_pin(&a, 0, 3, 1), 0);
	/* Another vID for a pinned key: conflict; the first pin stays. */
	ck_assert_int_eq(idalloc_pin(&a, 0, 4, 2), -VDT_ERR_CONFLICT);
	ck_assert_uint_eq(a.keys[0].vid, 3);
	ck_assert_int_eq(a.keys[0].state, IDALLOC_PINNED);
	ck_assert_int_eq(a.keys[0].pin_tag, 0);
	ck_assert_int_eq(idalloc_owner(&a, 4), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_assign(&a, VDT_POLICY_COMPACT, &failed), 0);
	ck_assert_uint_eq(a.keys[0].vid, 3);
	ck_assert_uint_eq(a.keys[1].vid, 0);
	ck_assert_int_eq(a.keys[1].state, IDALLOC_ALLOCATED);
	idalloc_free(&a);
}
END_TEST

/* ---- ranges (iommu-map entries) ---- */

/* Declare, then seal: equal ranges become one, sorted by (IOMMU, pID). */
START_TEST(test_range_seal)
{
	struct idalloc a;
	int ta = -1, tb = -1;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	ck_assert_int_eq(idalloc_seal(&a, &ta, &tb), 0);	/* none */
	ck_assert_int_eq(idalloc_range(&a, 2, 0x100, 0x100, 10), 0);
	ck_assert_int_eq(idalloc_range(&a, 1, 0x200, 0x10, 11), 0);
	ck_assert_int_eq(idalloc_range(&a, 1, 0x100, 0x100, 12), 0);
	ck_assert_int_eq(idalloc_range(&a, 1, 0x200, 0x10, 13), 0);
	/* Adjacent to the one before: not an overlap. */
	ck_assert_int_eq(idalloc_range(&a, 1, 0x210, 0x1, 14), 0);
	/* The same pIDs on another IOMMU do not meet. */
	ck_assert_int_eq(idalloc_range(&a, 2, 0x200, 0x10, 15), 0);
	ck_assert_int_eq(idalloc_seal(&a, &ta, &tb), 0);
	ck_assert_int_eq(ta, -1);
	ck_assert_int_eq(a.nranges, 5);
	ck_assert_int_eq(a.ranges[0].iommu, 1);
	ck_assert_uint_eq(a.ranges[0].pid, 0x100);
	ck_assert_int_eq(a.ranges[1].iommu, 1);
	ck_assert_uint_eq(a.ranges[1].pid, 0x200);
	ck_assert_uint_eq(a.ranges[1].count, 0x10);
	ck_assert_int_eq(a.ranges[1].tag, 11);	/* the first declared */
	ck_assert_uint_eq(a.ranges[2].pid, 0x210);
	ck_assert_int_eq(a.ranges[3].iommu, 2);
	ck_assert_uint_eq(a.ranges[3].pid, 0x100);
	ck_assert_uint_eq(a.ranges[4].pid, 0x200);
	ck_assert_int_eq(a.ranges[4].key, -1);
	idalloc_free(&a);
}
END_TEST

static const struct seal_conflict_case {
	const char *name;
	int n;
	struct { int iommu; uint32_t pid, count; int tag; } r[4];
	int ta, tb;
} seal_conflict_cases[] = {
	{ "partial overlap", 2, { { 1, 0, 0x100, 3 }, { 1, 0x80, 0x100, 5 } },
	  3, 5 },
	{ "nested", 2, { { 1, 0x10, 0x4, 1 }, { 1, 0, 0x100, 2 } }, 1, 2 },
	{ "same base, other length", 2, { { 1, 0, 0x10, 0 }, { 1, 0, 0x11, 1 } },
	  0, 1 },
	{ "among equal and disjoint ones", 4,
	  { { 1, 0, 0x10, 0 }, { 2, 0x8, 0x10, 1 }, { 1, 0, 0x10, 2 },
	    { 1, 0xf, 0x2, 3 } }, 0, 3 },
	/* The tags come back low first, whatever the order of declaration. */
	{ "tags low first", 2, { { 1, 0, 0x100, 9 }, { 1, 0x80, 0x100, 4 } },
	  4, 9 },
};

START_TEST(test_range_conflict)
{
	const struct seal_conflict_case *c = &seal_conflict_cases[_i];
	struct idalloc a;
	int i, ta = -1, tb = -1, r;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	for (i = 0; i < c->n; i++)
		ck_assert_int_eq(idalloc_range(&a, c->r[i].iommu, c->r[i].pid,
					       c->r[i].count, c->r[i].tag), 0);
	r = idalloc_seal(&a, &ta, &tb);
	idalloc_free(&a);
	ck_assert_msg(r == -VDT_ERR_CONFLICT, "%s: returned %d", c->name, r);
	ck_assert_msg(ta == c->ta && tb == c->tb, "%s: tags %d, %d, want %d, %d",
		      c->name, ta, tb, c->ta, c->tb);
}
END_TEST

/* Declare ranges @r (n of them) and seal; fails the test otherwise. */
struct decl {
	int iommu;
	uint32_t pid, count;
};

static void declare(struct idalloc *a, const struct decl *r, int n)
{
	int i, ta, tb;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(idalloc_range(a, r[i].iommu, r[i].pid,
					       r[i].count, 100 + i), 0);
	ck_assert_int_eq(idalloc_seal(a, &ta, &tb), 0);
}

/* A single pID inside a range belongs to the range's key. */
START_TEST(test_range_single_inside)
{
	static const struct decl r[] = { { 1, 0x100, 0x10 }, { 2, 0x0, 0x4 } };
	struct idalloc a;
	uint32_t off = 99;
	int k, k2;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	declare(&a, r, 2);
	k = idalloc_key(&a, 1, 0x105, 1, 0, 7, &off);
	ck_assert_int_ge(k, 0);
	ck_assert_uint_eq(off, 5);
	ck_assert_uint_eq(a.keys[k].pid, 0x100);
	ck_assert_uint_eq(a.keys[k].count, 0x10);
	ck_assert_uint_eq(a.keys[k].mask, 0);
	ck_assert_int_eq(a.keys[k].tag, 7);	/* who used it first */
	/* Both ends, and the range itself, give the same key. */
	ck_assert_int_eq(idalloc_key(&a, 1, 0x100, 1, 0, 8, &off), k);
	ck_assert_uint_eq(off, 0);
	ck_assert_int_eq(idalloc_key(&a, 1, 0x10f, 1, 0, 8, &off), k);
	ck_assert_uint_eq(off, 0xf);
	ck_assert_int_eq(idalloc_key(&a, 1, 0x100, 0x10, 0, 8, &off), k);
	ck_assert_uint_eq(off, 0);
	ck_assert_int_eq(a.keys[k].tag, 7);
	ck_assert_int_eq(a.nkeys, 1);
	/* Just outside, or on another IOMMU: keys of their own. */
	k2 = idalloc_key(&a, 1, 0x110, 1, 0, 9, &off);
	ck_assert_int_eq(k2, 1);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(a.keys[k2].count, 1);
	ck_assert_int_eq(idalloc_key(&a, 1, 0xff, 1, 0, 9, &off), 2);
	ck_assert_int_eq(idalloc_key(&a, 3, 0x105, 1, 0, 9, &off), 3);
	/* The second range, first seen through its last ID. */
	ck_assert_int_eq(idalloc_key(&a, 2, 0x3, 1, 0, 9, &off), 4);
	ck_assert_uint_eq(off, 3);
	ck_assert_uint_eq(a.keys[4].count, 4);
	ck_assert_int_eq(idalloc_assign(&a, VDT_POLICY_COMPACT, &k), 0);
	ck_assert_uint_eq(a.keys[0].vid, 0);
	ck_assert_uint_eq(a.keys[1].vid, 0x10);
	ck_assert_uint_eq(a.keys[4].vid, 0x13);
	ck_assert_int_eq(idalloc_owner(&a, 0xf), 0);
	ck_assert_int_eq(idalloc_owner(&a, 0x16), 4);
	ck_assert_int_eq(idalloc_owner(&a, 0x17), -VDT_ERR_NOTFOUND);
	idalloc_free(&a);
}
END_TEST

/* A masked single is matched under its mask: it never joins a range. */
START_TEST(test_range_masked_single)
{
	static const struct decl r[] = { { 1, 0x100, 0x10 } };
	struct idalloc a;
	uint32_t off = 99;
	int k;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	declare(&a, r, 1);
	k = idalloc_key(&a, 1, 0x105, 1, 0x7f00, 0, &off);
	ck_assert_int_eq(k, 0);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(a.keys[k].pid, 0x105);
	ck_assert_uint_eq(a.keys[k].count, 1);
	ck_assert_uint_eq(a.keys[k].mask, 0x7f00);
	ck_assert_int_eq(a.ranges[0].key, -1);
	idalloc_free(&a);
}
END_TEST

/* A range takes its place where any of its IDs first appears. */
START_TEST(test_range_first_appearance)
{
	static const struct decl r[] = { { 1, 0x100, 0x10 } };
	struct idalloc a;
	uint32_t off;
	int failed;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	declare(&a, r, 1);
	ck_assert_int_eq(key1(&a, 1, 0x5, 0, 0), 0);
	ck_assert_int_eq(key1(&a, 1, 0x10e, 0, 1), 1);	/* the range */
	ck_assert_int_eq(key1(&a, 1, 0x6, 0, 2), 2);
	ck_assert_int_eq(idalloc_key(&a, 1, 0x100, 0x10, 0, 3, &off), 1);
	ck_assert_int_eq(idalloc_assign(&a, VDT_POLICY_COMPACT, &failed), 0);
	ck_assert_uint_eq(a.keys[0].vid, 0);
	ck_assert_uint_eq(a.keys[1].vid, 1);
	ck_assert_uint_eq(a.keys[2].vid, 0x11);
	idalloc_free(&a);
}
END_TEST

/* ---- allocation with ranges, table driven ---- */

struct rkey {
	int iommu;
	uint32_t pid, count;
};

static const struct range_alloc_case {
	const char *name;
	enum vdt_policy policy;
	unsigned int bits;
	int nkeys;
	struct rkey k[MAXK];
	int npins;
	struct pin pins[3];
	uint32_t want[MAXK];
} range_alloc_cases[] = {
	{ "compact ranges back to back", VDT_POLICY_COMPACT, 16, 3,
	  { { 1, 0x500, 0x20 }, { 1, 0x7, 1 }, { 2, 0x500, 0x20 } }, 0,
	  { { 0, 0 } }, { 0, 0x20, 0x21 } },
	/* Free: 0, 2-3 and 5-: the run of 3 skips the gaps too small. */
	{ "compact skips gaps too small", VDT_POLICY_COMPACT, 16, 4,
	  { { 1, 0x50, 1 }, { 1, 0x51, 1 }, { 1, 0x100, 3 }, { 1, 0x60, 1 } },
	  2, { { 0, 1 }, { 1, 4 } }, { 1, 4, 5, 0 } },
	{ "compact uses a gap just big enough", VDT_POLICY_COMPACT, 16, 4,
	  { { 1, 0x50, 1 }, { 1, 0x51, 1 }, { 1, 0x100, 3 }, { 1, 0x60, 1 } },
	  2, { { 0, 0 }, { 1, 4 } }, { 0, 4, 1, 5 } },
	{ "compact past a pinned range", VDT_POLICY_COMPACT, 16, 3,
	  { { 1, 0x100, 0x10 }, { 1, 0x200, 0x4 }, { 1, 0x7, 1 } }, 1,
	  { { 0, 2 } }, { 2, 0x12, 0 } },
	{ "identity run when free", VDT_POLICY_IDENTITY, 16, 2,
	  { { 1, 0x20, 4 }, { 1, 0x100, 0x100 } }, 0, { { 0, 0 } },
	  { 0x20, 0x100 } },
	{ "identity run taken: compact", VDT_POLICY_IDENTITY, 16, 2,
	  { { 1, 0x20, 4 }, { 2, 0x20, 4 } }, 0, { { 0, 0 } }, { 0x20, 0 } },
	/* One vID of the run is pinned by another key. */
	{ "identity run partly pinned: compact", VDT_POLICY_IDENTITY, 16, 2,
	  { { 1, 0x20, 4 }, { 2, 0x5, 1 } }, 1, { { 1, 0x23 } }, { 0, 0x23 } },
	{ "identity run leaves the space: compact", VDT_POLICY_IDENTITY, 8, 2,
	  { { 1, 0xfe, 4 }, { 1, 0x5, 1 } }, 0, { { 0, 0 } }, { 0, 5 } },
	{ "identity run ends at the limit", VDT_POLICY_IDENTITY, 8, 1,
	  { { 1, 0xfc, 4 } }, 0, { { 0, 0 } }, { 0xfc } },
	{ "identity compact pass after every identity", VDT_POLICY_IDENTITY, 16,
	  3, { { 2, 0x0, 4 }, { 1, 0x0, 2 }, { 1, 0x10, 2 } }, 0, { { 0, 0 } },
	  { 0, 4, 0x10 } },
};

START_TEST(test_range_assign)
{
	const struct range_alloc_case *c = &range_alloc_cases[_i];
	struct idalloc a;
	uint32_t off, v;
	int i, failed = -1, ta, tb;

	ck_assert_int_eq(idalloc_init(&a, 0, c->bits), 0);
	for (i = 0; i < c->nkeys; i++)
		if (c->k[i].count > 1)
			ck_assert_int_eq(idalloc_range(&a, c->k[i].iommu,
						       c->k[i].pid,
						       c->k[i].count, i), 0);
	ck_assert_int_eq(idalloc_seal(&a, &ta, &tb), 0);
	for (i = 0; i < c->nkeys; i++)
		ck_assert_int_eq(idalloc_key(&a, c->k[i].iommu, c->k[i].pid,
					     c->k[i].count, 0, i, &off), i);
	for (i = 0; i < c->npins; i++)
		ck_assert_int_eq(idalloc_pin(&a, c->pins[i].key,
					     c->pins[i].vid, i), 0);
	ck_assert_msg(idalloc_assign(&a, c->policy, &failed) == 0, "%s",
		      c->name);
	for (i = 0; i < c->nkeys; i++) {
		ck_assert_msg(a.keys[i].vid == c->want[i],
			      "%s: key %d got vID 0x%x, want 0x%x", c->name, i,
			      a.keys[i].vid, c->want[i]);
		for (v = 0; v < c->k[i].count; v++)
			ck_assert_int_eq(idalloc_owner(&a, c->want[i] + v), i);
	}
	idalloc_free(&a);
}
END_TEST

/* A range is pinned whole: every vID free and inside the space. */
START_TEST(test_range_pin)
{
	static const struct decl r[] = { { 1, 0x100, 4 } };
	struct idalloc a;
	uint32_t off;
	int k, s;

	ck_assert_int_eq(idalloc_init(&a, 0x10, 16), 0);
	declare(&a, r, 1);
	k = idalloc_key(&a, 1, 0x100, 4, 0, 0, &off);
	s = key1(&a, 2, 0x7, 0, 1);
	ck_assert_int_eq(idalloc_pin(&a, s, 0x12, 1), 0);
	ck_assert_int_eq(idalloc_pin(&a, k, 0xfffd, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(idalloc_pin(&a, k, 0xe, 0), -VDT_ERR_INPUT);
	ck_assert_int_eq(idalloc_pin(&a, k, 0x10, 0), -VDT_ERR_CONFLICT);
	ck_assert_int_eq(idalloc_pin(&a, k, 0x12, 0), -VDT_ERR_CONFLICT);
	ck_assert_int_eq(a.keys[k].state, IDALLOC_FREE);
	ck_assert_int_eq(idalloc_owner(&a, 0x10), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_pin(&a, k, 0x13, 5), 0);
	ck_assert_int_eq(idalloc_owner(&a, 0x13), k);
	ck_assert_int_eq(idalloc_owner(&a, 0x16), k);
	ck_assert_int_eq(idalloc_owner(&a, 0x17), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(a.keys[k].pin_tag, 5);
	ck_assert_int_eq(idalloc_pin(&a, k, 0x13, 6), 0);
	ck_assert_int_eq(idalloc_pin(&a, k, 0x14, 6), -VDT_ERR_CONFLICT);
	/* The last run of the space is in it. */
	ck_assert_int_eq(idalloc_pin(&a, key1(&a, 3, 0, 0, 2), 0xffff, 2), 0);
	idalloc_free(&a);
}
END_TEST

/* The keys may cover IDALLOC_MAX_IDS IDs, not one more. */
START_TEST(test_range_max_ids)
{
	static const struct decl r[] = { { 1, 0, IDALLOC_MAX_IDS - 1 },
					 { 2, 0, IDALLOC_MAX_IDS + 1 } };
	struct idalloc a;
	uint32_t off;

	ck_assert_int_eq(idalloc_init(&a, 0, 32), 0);
	declare(&a, r, 2);
	ck_assert_int_eq(idalloc_key(&a, 2, 0, IDALLOC_MAX_IDS + 1, 0, 0, &off),
			 -VDT_ERR_UNSUPPORTED);
	ck_assert_int_eq(a.nkeys, 0);
	ck_assert_int_eq(idalloc_key(&a, 1, 0, IDALLOC_MAX_IDS - 1, 0, 0, &off),
			 0);
	ck_assert_int_eq(key1(&a, 3, 0, 0, 1), 1);
	ck_assert_uint_eq(a.ids, IDALLOC_MAX_IDS);
	ck_assert_int_eq(key1(&a, 3, 1, 0, 2), -VDT_ERR_UNSUPPORTED);
	/* An existing key is found again at the limit. */
	ck_assert_int_eq(key1(&a, 3, 0, 0, 2), 1);
	ck_assert_int_eq(idalloc_key(&a, 1, 5, 1, 0, 0, &off), 0);
	ck_assert_int_eq(a.nkeys, 2);
	idalloc_free(&a);
}
END_TEST

static const struct range_exhaust_case {
	const char *name;
	unsigned int bits;
	int nkeys;
	struct rkey k[3];
	int npins;
	struct pin pins[1];
	int failed;
} range_exhaust_cases[] = {
	{ "two runs of 10 in 16", 4, 2, { { 1, 0, 10 }, { 1, 0x100, 10 } }, 0,
	  { { 0, 0 } }, 1 },
	{ "a pin splits the space", 4, 2, { { 1, 0, 1 }, { 1, 0x100, 9 } }, 1,
	  { { 0, 8 } }, 1 },
	{ "a run longer than the space", 4, 2, { { 1, 0, 1 }, { 1, 0x100, 17 } },
	  0, { { 0, 0 } }, 1 },
	{ "exactly full, then one more", 4, 3,
	  { { 1, 0, 8 }, { 1, 0x100, 8 }, { 1, 0x200, 1 } }, 0, { { 0, 0 } }, 2 },
};

START_TEST(test_range_exhausted)
{
	const struct range_exhaust_case *c = &range_exhaust_cases[_i];
	struct idalloc a;
	uint32_t off;
	int i, failed = -1;

	ck_assert_int_eq(idalloc_init(&a, 0, c->bits), 0);
	for (i = 0; i < c->nkeys; i++)
		ck_assert_int_eq(idalloc_key(&a, c->k[i].iommu, c->k[i].pid,
					     c->k[i].count, 0, i, &off), i);
	for (i = 0; i < c->npins; i++)
		ck_assert_int_eq(idalloc_pin(&a, c->pins[i].key,
					     c->pins[i].vid, i), 0);
	ck_assert_msg(idalloc_assign(&a, VDT_POLICY_COMPACT, &failed) ==
		      -VDT_ERR_EXHAUSTED, "%s", c->name);
	ck_assert_msg(failed == c->failed, "%s: failed %d, want %d", c->name,
		      failed, c->failed);
	ck_assert_int_eq(a.keys[c->failed].state, IDALLOC_FREE);
	idalloc_free(&a);
}
END_TEST

START_TEST(test_find)
{
	static const struct decl r[] = { { 1, 0x100, 0x10 } };
	struct idalloc a;
	uint32_t off;
	int k;

	ck_assert_int_eq(idalloc_init(&a, 0, 16), 0);
	declare(&a, r, 1);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x100, 0x10, 0),
			 -VDT_ERR_NOTFOUND);	/* declared, not yet a key */
	k = idalloc_key(&a, 1, 0x104, 1, 0, 0, &off);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x100, 0x10, 0), k);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x100, 0x8, 0), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x100, 0x10, 0xff),
			 -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(idalloc_find(&a, 2, 0x100, 0x10, 0), -VDT_ERR_NOTFOUND);
	/* A pID inside the range is not a key of its own. */
	ck_assert_int_eq(idalloc_find(&a, 1, 0x104, 1, 0), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(key1(&a, 1, 0x7, 0x7f00, 1), 1);
	ck_assert_int_eq(key1(&a, 1, 0x7, 0, 2), 2);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x7, 1, 0x7f00), 1);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x7, 1, 0), 2);
	ck_assert_int_eq(idalloc_find(&a, 1, 0x7, 1, 0xff), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(a.nkeys, 3);
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

	tc = tcase_create("ranges");
	tcase_add_test(tc, test_range_seal);
	tcase_add_loop_test(tc, test_range_conflict, 0,
			    N(seal_conflict_cases));
	tcase_add_test(tc, test_range_single_inside);
	tcase_add_test(tc, test_range_masked_single);
	tcase_add_test(tc, test_range_first_appearance);
	tcase_add_loop_test(tc, test_range_assign, 0, N(range_alloc_cases));
	tcase_add_test(tc, test_range_pin);
	tcase_add_test(tc, test_range_max_ids);
	tcase_add_loop_test(tc, test_range_exhausted, 0,
			    N(range_exhaust_cases));
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "testutil.h"
#include "u64map.h"

START_TEST(test_get_empty)
{
	struct u64map m;

	u64map_init(&m);
	ck_assert_int_eq(u64map_get(&m, 0), -VDT_ERR_NOTFOUND);
	ck_assert_int_eq(u64map_get(&m, 42), -VDT_ERR_NOTFOUND);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_uint_eq(m.cap, 0);
	u64map_free(&m);
}
END_TEST

START_TEST(test_put_get)
{
	struct u64map m;

	u64map_init(&m);
	ck_assert_int_eq(u64map_put(&m, 7, 0), 0);
	ck_assert_int_eq(u64map_put(&m, 0, 11), 0);
	ck_assert_int_eq(u64map_put(&m, UINT64_MAX, 12), 0);
	ck_assert_int_eq(u64map_get(&m, 7), 0);
	ck_assert_int_eq(u64map_get(&m, 0), 11);
	ck_assert_int_eq(u64map_get(&m, UINT64_MAX), 12);
	ck_assert_int_eq(u64map_get(&m, 8), -VDT_ERR_NOTFOUND);
	ck_assert_uint_eq(m.n, 3);
	u64map_free(&m);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(u64map_get(&m, 7), -VDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_overwrite)
{
	struct u64map m;

	u64map_init(&m);
	ck_assert_int_eq(u64map_put(&m, 0xfdea, 1), 0);
	ck_assert_int_eq(u64map_put(&m, 0xfdea, 2), 0);
	ck_assert_int_eq(u64map_get(&m, 0xfdea), 2);
	ck_assert_uint_eq(m.n, 1);
	u64map_free(&m);
}
END_TEST

/* Many keys: the table grows and keeps every one (load factor <= 1/2). */
START_TEST(test_growth)
{
	const int n = 20000;
	struct u64map m;
	int i;

	u64map_init(&m);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(u64map_put(&m, (uint64_t)i * 3, i), 0);
	ck_assert_uint_eq(m.n, (size_t)n);
	ck_assert_uint_ge(m.cap, 2 * (size_t)n);
	ck_assert_uint_eq(m.cap & (m.cap - 1), 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(u64map_get(&m, (uint64_t)i * 3), i);
		ck_assert_int_eq(u64map_get(&m, (uint64_t)i * 3 + 1),
				 -VDT_ERR_NOTFOUND);
	}
	u64map_free(&m);
}
END_TEST

/*
 * Keys equal in their low 32 bits (as (IOMMU, pID) keys with one pID on
 * many IOMMUs are) and keys equal in their high bits stay distinct.
 */
START_TEST(test_low_bit_collisions)
{
	struct u64map m;
	uint64_t i;

	u64map_init(&m);
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(u64map_put(&m, i << 32 | 0x10, (int)i), 0);
		ck_assert_int_eq(u64map_put(&m, i << 48, (int)(1000 + i)), 0);
	}
	/* (0 << 32 | 0x10) and (0 << 48) are 0x10 and 0: 2000 keys in all. */
	ck_assert_uint_eq(m.n, 2000);
	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(u64map_get(&m, i << 32 | 0x10), (int)i);
		ck_assert_int_eq(u64map_get(&m, i << 48), (int)(1000 + i));
		ck_assert_int_eq(u64map_get(&m, i << 32 | 0x11),
				 -VDT_ERR_NOTFOUND);
	}
	u64map_free(&m);
}
END_TEST

/* After u64map_reserve(n), n puts never grow the table. */
START_TEST(test_reserve)
{
	const int n = 5000;
	struct u64map m;
	size_t cap;
	int i;

	u64map_init(&m);
	ck_assert_int_eq(u64map_put(&m, 1, 1), 0);
	ck_assert_int_eq(u64map_reserve(&m, (size_t)n), 0);
	cap = m.cap;
	ck_assert_uint_ge(cap, 2 * (size_t)n);
	ck_assert_int_eq(u64map_get(&m, 1), 1);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(u64map_put(&m, (uint64_t)i + 100, i), 0);
	ck_assert_uint_eq(m.cap, cap);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(u64map_get(&m, (uint64_t)i + 100), i);
	/* Reserving less than the table holds changes nothing. */
	ck_assert_int_eq(u64map_reserve(&m, 10), 0);
	ck_assert_uint_eq(m.cap, cap);
	ck_assert_int_eq(u64map_reserve(&m, (size_t)-1), -VDT_ERR_NOMEM);
	ck_assert_uint_eq(m.cap, cap);
	u64map_free(&m);
}
END_TEST

/* A string's key, continued piece by piece, is the key of the whole. */
START_TEST(test_str_key_add)
{
	const char *s = "/soc/bus@0/dev@1000";
	uint64_t k = u64map_str_key("", 0);
	size_t i;

	for (i = 0; s[i]; i++)
		k = u64map_str_key_add(k, s + i, 1);
	ck_assert_uint_eq(k, u64map_str_key(s, strlen(s)));
	ck_assert_uint_eq(u64map_str_key_add(u64map_str_key(s, 4), s + 4,
					     strlen(s) - 4),
			  u64map_str_key(s, strlen(s)));
	ck_assert_uint_ne(u64map_str_key(s, 4), u64map_str_key(s, 5));
}
END_TEST

Suite *u64map_suite(void)
{
	Suite *s = suite_create("u64map");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_get_empty);
	tcase_add_test(tc, test_put_get);
	tcase_add_test(tc, test_overwrite);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_reserve);
	tcase_add_test(tc, test_str_key_add);
	tcase_add_test(tc, test_low_bit_collisions);
	suite_add_tcase(s, tc);
	return s;
}

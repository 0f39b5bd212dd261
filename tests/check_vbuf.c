/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "diag.h"
#include "testutil.h"
#include "vbuf.h"

START_TEST(test_empty)
{
	struct vbuf b;

	vbuf_init(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	vbuf_free(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_append)
{
	struct vbuf b;

	vbuf_init(&b);
	ck_assert_int_eq(vbuf_append(&b, "abc", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_str_eq(b.data, "abc");
	ck_assert_int_eq(vbuf_append(&b, "defXYZ", 3), 0);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_str_eq(b.data, "abcdef");
	/* Bytes are bytes: an embedded NUL is kept and counted. */
	ck_assert_int_eq(vbuf_append(&b, "g\0h", 3), 0);
	ck_assert_uint_eq(b.len, 9);
	ck_assert_mem_eq(b.data, "abcdefg\0h", 10);
	vbuf_free(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(b.data);
}
END_TEST

/* Appends well past the first allocation keep every byte, in order. */
START_TEST(test_append_growth)
{
	struct vbuf b;
	char chunk[100];
	size_t i, j;

	vbuf_init(&b);
	for (i = 0; i < 100; i++) {
		memset(chunk, (int)('a' + i % 26), sizeof(chunk));
		ck_assert_int_eq(vbuf_append(&b, chunk, sizeof(chunk)), 0);
	}
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_uint_gt(b.cap, b.len);
	for (i = 0; i < 100; i++)
		for (j = 0; j < 100; j++)
			ck_assert_int_eq(b.data[i * 100 + j],
					 (int)('a' + i % 26));
	ck_assert_int_eq(b.data[b.len], '\0');
	vbuf_free(&b);
}
END_TEST

START_TEST(test_printf_growth)
{
	char big[1001];
	struct vbuf b;
	int i;

	memset(big, 'x', 1000);
	big[1000] = '\0';
	vbuf_init(&b);
	ck_assert_int_eq(vbuf_printf(&b, "[%d]", 1), 0);
	ck_assert_str_eq(b.data, "[1]");
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(vbuf_printf(&b, "%s%d", big, i), 0);
	ck_assert_uint_eq(b.len, 3 + 5 * 1001);
	ck_assert_uint_eq(strlen(b.data), b.len);
	ck_assert_mem_eq(b.data, "[1]xxx", 6);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(b.data[3 + i * 1001 + 1000], '0' + i);
	ck_assert_uint_gt(b.cap, b.len);
	vbuf_free(&b);
}
END_TEST

/* Every operation leaves a NUL after the last byte. */
START_TEST(test_nul_termination)
{
	struct vbuf b;

	vbuf_init(&b);
	ck_assert_int_eq(vbuf_printf(&b, "%s", "hello"), 0);
	ck_assert_int_eq(b.data[b.len], '\0');
	/* Garbage after the end must not show through the next write. */
	memset(b.data + b.len, '#', b.cap - b.len);
	ck_assert_int_eq(vbuf_append(&b, " you", 4), 0);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert_str_eq(b.data, "hello you");
	memset(b.data + b.len, '#', b.cap - b.len);
	ck_assert_int_eq(vbuf_printf(&b, "%c", '!'), 0);
	ck_assert_str_eq(b.data, "hello you!");
	ck_assert_int_eq(vbuf_printf(&b, "%s", ""), 0);
	ck_assert_str_eq(b.data, "hello you!");
	ck_assert_uint_eq(b.len, 10);
	vbuf_free(&b);
}
END_TEST

Suite *vbuf_suite(void)
{
	Suite *s = suite_create("vbuf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_append);
	tcase_add_test(tc, test_append_growth);
	tcase_add_test(tc, test_printf_growth);
	tcase_add_test(tc, test_nul_termination);
	suite_add_tcase(s, tc);
	return s;
}

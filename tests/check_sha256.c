/* SPDX-License-Identifier: BSD-2-Clause */
/* SHA-256 against the test vectors of FIPS 180-4's examples and NIST's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct sha_case {
	const char *in;
	size_t repeat;		/* @in this many times */
	const char *hex;
} cases[] = {
	{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	/* 55, 56 and 64 bytes: the padding's edges. */
	{ "a", 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ "a", 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ "a", 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

START_TEST(test_vectors)
{
	const struct sha_case *c = &cases[_i];
	size_t n = strlen(c->in), i;
	unsigned char md[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	char *buf = malloc(n * c->repeat + 1);

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < c->repeat; i++)
		memcpy(buf + i * n, c->in, n);
	sha256(buf, n * c->repeat, md);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(hex, c->hex);
	sha256_soft(buf, n * c->repeat, md);
	for (i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(hex, c->hex);
	free(buf);
}
END_TEST

/*
 * The CPU's instructions (where sha256_hw() says they are used) against
 * the C code, at every length up to five blocks and a long one, at an odd
 * address.
 */
START_TEST(test_hw_as_soft)
{
	enum { LONG = 100003 };
	unsigned char *buf = malloc(LONG + 1), a[SHA256_LEN], b[SHA256_LEN];
	uint32_t x = 1;
	size_t n;

	ck_assert_ptr_nonnull(buf);
	for (n = 0; n <= LONG; n++) {
		x = x * 1664525u + 1013904223u;
		buf[n] = (unsigned char)(x >> 24);
	}
	for (n = 0; n <= LONG; n = n < 320 ? n + 1 : LONG + 1) {
		size_t len = n <= 320 ? n : LONG;

		sha256(buf + 1, len, a);
		sha256_soft(buf + 1, len, b);
		ck_assert_msg(memcmp(a, b, sizeof(a)) == 0, "length %zu", len);
	}
	if (!sha256_hw())
		fprintf(stderr, "check_sha256: no SHA-256 instructions here: only the C code was tested\n");
	free(buf);
}
END_TEST

Suite *sha256_suite(void)
{
	Suite *s = tu_table_suite("sha256", test_vectors, N(cases));
	TCase *tc = tcase_create("hw");

	tcase_add_test(tc, test_hw_as_soft);
	suite_add_tcase(s, tc);
	return s;
}

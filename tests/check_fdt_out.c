/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdt_out: the same calls through libfdt's sequential-write API and
 * through fdt_out give the same bytes, names shared and all.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "fdt_out.h"
#include "testutil.h"

/* One call: a node begins ("+name"), ends ("-"), a property ("=name"
 * with a 4-byte value, "$name" with a string), or a reservation ("!"). */
struct step {
	char op;
	const char *name;
};

#define END_STEPS { 0, NULL }

static const struct step steps_tails[] = {
	{ '!', NULL }, { '!', NULL },
	{ '+', "" }, { '=', "#address-cells" }, { '$', "compatible" },
	{ '+', "a@1" }, { '=', "phandle" }, { '=', "linux,phandle" },
	/* Now "phandle" is the tail of the newer "linux,phandle". */
	{ '=', "phandle" }, { '=', "cells" }, { '=', "" }, { '-', NULL },
	{ '+', "passthrough" }, { '=', "#address-cells" }, { '=', "ranges" },
	{ '+', "dev" }, { '$', "xen,path" }, { '=', "iommus" },
	{ '=', "s" }, { '=', "xen,reg" }, { '=', "reg" }, { '-', NULL },
	{ '-', NULL }, { '-', NULL }, END_STEPS,
};

static const struct step steps_plain[] = {
	{ '+', "" }, { '-', NULL }, END_STEPS,
};

static const struct step *const scripts[] = { steps_tails, steps_plain };

/* The script through libfdt. */
static void *with_libfdt(const struct step *s, size_t *size)
{
	int room = 4096, i = 0;
	void *fdt = malloc((size_t)room);

	ck_assert_ptr_nonnull(fdt);
	ck_assert_int_eq(fdt_create(fdt, room), 0);
	for (; s->op == '!'; s++)
		ck_assert_int_eq(fdt_add_reservemap_entry(fdt, 0x1000u * ++i,
							  0x100), 0);
	ck_assert_int_eq(fdt_finish_reservemap(fdt), 0);
	for (; s->op; s++, i++) {
		switch (s->op) {
		case '+':
			ck_assert_int_eq(fdt_begin_node(fdt, s->name), 0);
			break;
		case '-':
			ck_assert_int_eq(fdt_end_node(fdt), 0);
			break;
		case '=':
			ck_assert_int_eq(fdt_property_u32(fdt, s->name,
							  (uint32_t)i), 0);
			break;
		default:
			ck_assert_int_eq(fdt_property_string(fdt, s->name,
							     "value"), 0);
		}
	}
	ck_assert_int_eq(fdt_finish(fdt), 0);
	fdt_set_boot_cpuid_phys(fdt, 3);
	*size = fdt_totalsize(fdt);
	return fdt;
}

/* The script through fdt_out, from a buffer of @hint bytes. */
static void *with_fdt_out(const struct step *s, size_t hint, size_t *size)
{
	struct fdt_out o;
	void *fdt;
	int i = 0;

	ck_assert_int_eq(fdt_out_init(&o, hint), 0);
	for (; s->op == '!'; s++)
		ck_assert_int_eq(fdt_out_add_rsv(&o, 0x1000u * ++i, 0x100), 0);
	ck_assert_int_eq(fdt_out_finish_rsv(&o), 0);
	for (; s->op; s++, i++) {
		switch (s->op) {
		case '+':
			ck_assert_int_eq(fdt_out_begin_node(&o, s->name), 0);
			break;
		case '-':
			ck_assert_int_eq(fdt_out_end_node(&o), 0);
			break;
		case '=':
			ck_assert_int_eq(fdt_out_property_u32(&o, s->name,
							      (uint32_t)i), 0);
			break;
		default:
			ck_assert_int_eq(fdt_out_property_string(&o, s->name,
								 "value"), 0);
		}
	}
	ck_assert_int_eq(fdt_out_finish(&o, 3, &fdt, size), 0);
	return fdt;
}

START_TEST(test_same_bytes)
{
	const struct step *s = scripts[_i / 2];
	size_t want_size, got_size;
	void *want = with_libfdt(s, &want_size);
	/* A buffer that fits, and one that must grow many times. */
	void *got = with_fdt_out(s, _i % 2 ? 0 : 4096, &got_size);

	ck_assert_uint_eq(got_size, want_size);
	ck_assert_int_eq(memcmp(got, want, want_size), 0);
	free(want);
	free(got);
}
END_TEST

/* A blob of @room bytes begun by libfdt (returned) and @o begun the same
 * way: no reservations, the root node open. */
static void *begin_same(int room, struct fdt_out *o)
{
	void *want = malloc((size_t)room);

	ck_assert_ptr_nonnull(want);
	ck_assert_int_eq(fdt_create(want, room), 0);
	ck_assert_int_eq(fdt_finish_reservemap(want), 0);
	ck_assert_int_eq(fdt_begin_node(want, ""), 0);
	ck_assert_int_eq(fdt_out_init(o, 0), 0);
	ck_assert_int_eq(fdt_out_finish_rsv(o), 0);
	ck_assert_int_eq(fdt_out_begin_node(o, ""), 0);
	return want;
}

/* End the root node in @want (libfdt) and @o, finish both: the same bytes.
 * Frees @want. */
static void end_same(void *want, struct fdt_out *o)
{
	size_t want_size, got_size;
	void *got;

	ck_assert_int_eq(fdt_end_node(want), 0);
	ck_assert_int_eq(fdt_finish(want), 0);
	ck_assert_int_eq(fdt_out_end_node(o), 0);
	ck_assert_int_eq(fdt_out_finish(o, 0, &got, &got_size), 0);
	want_size = fdt_totalsize(want);
	ck_assert_uint_eq(got_size, want_size);
	ck_assert_int_eq(memcmp(got, want, want_size), 0);
	free(want);
	free(got);
}

/* Many names, each new: each is stored once, where libfdt stores it. */
START_TEST(test_many_names)
{
	struct fdt_out o;
	char name[32];
	void *want = begin_same(64 * 1024, &o);
	int i, n = 600;

	for (i = 0; i < 2 * n; i++) {
		/* Names, then tails of them, then the names again. */
		snprintf(name, sizeof(name), "%sserial%d",
			 i < n ? "x" : "", i % n);
		ck_assert_int_eq(fdt_property_string(want, name, "v"), 0);
		ck_assert_int_eq(fdt_out_property_string(&o, name, "v"), 0);
	}
	end_same(want, &o);
}
END_TEST

/*
 * Random names of a few letters, so that many are tails of others, with
 * none, every other and all of them expected (_i): the bytes libfdt makes.
 */
START_TEST(test_random_tails)
{
	enum { N = 3000, ROOM = 256 * 1024 };
	static char names[N][8];
	size_t elen = 0;
	struct fdt_out o;
	unsigned seed = 12345;
	char *expect = malloc(N * 8);
	void *want = begin_same(ROOM, &o);
	int i, k, len;

	ck_assert_ptr_nonnull(expect);
	for (i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		len = (int)((seed >> 16) % 7);
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			names[i][k] = (char)('a' + (seed >> 16) % 3);
		}
		names[i][len] = '\0';
		if (_i == 2 || (_i == 1 && i % 2)) {
			memcpy(expect + elen, names[i], (size_t)len + 1);
			elen += (size_t)len + 1;
		}
	}
	ck_assert_int_eq(fdt_out_expect_names(&o, expect, elen), 0);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(fdt_property_u32(want, names[i], 1), 0);
		ck_assert_int_eq(fdt_out_property_u32(&o, names[i], 1), 0);
	}
	end_same(want, &o);
	free(expect);
}
END_TEST

/* Expected names take room by the distinct ones: a strings block of a
 * million empty names is one key, in the smallest table. */
START_TEST(test_expect_distinct)
{
	enum { LEN = 1 << 20 };
	char *names = calloc(LEN, 1);
	struct fdt_out o;

	ck_assert_ptr_nonnull(names);
	ck_assert_int_eq(fdt_out_init(&o, 0), 0);
	ck_assert_int_eq(fdt_out_expect_names(&o, names, LEN), 0);
	ck_assert_uint_eq(o.tails.n, 1);
	ck_assert_uint_le(o.tails.cap, 64);
	fdt_out_free(&o);
	free(names);
}
END_TEST

/* A placeholder's value is written where the property is. */
START_TEST(test_placeholder)
{
	struct fdt_out o;
	const fdt32_t *p;
	size_t size;
	void *fdt, *val;
	int len;

	ck_assert_int_eq(fdt_out_init(&o, 0), 0);
	ck_assert_int_eq(fdt_out_finish_rsv(&o), 0);
	ck_assert_int_eq(fdt_out_begin_node(&o, ""), 0);
	ck_assert_int_eq(fdt_out_placeholder(&o, "iommus", 8, &val), 0);
	memcpy(val, "\0\0\0\1\0\0\0\2", 8);
	ck_assert_int_eq(fdt_out_expect_names(&o, "x", 2),
			 -VDT_ERR_UNSUPPORTED);
	ck_assert_int_eq(fdt_out_end_node(&o), 0);
	ck_assert_int_eq(fdt_out_finish(&o, 0, &fdt, &size), 0);
	ck_assert_int_eq(fdt_check_full(fdt, size), 0);
	p = fdt_getprop(fdt, 0, "iommus", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(p[1]), 2);
	ck_assert_int_eq(fdt_out_placeholder(&o, "x", -1, &val),
			 -VDT_ERR_UNSUPPORTED);
	fdt_out_free(&o);
	free(fdt);
}
END_TEST

Suite *fdt_out_suite(void)
{
	Suite *s = suite_create("fdt_out");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_same_bytes, 0,
			    2 * (int)(sizeof(scripts) / sizeof(scripts[0])));
	tcase_add_test(tc, test_many_names);
	tcase_add_loop_test(tc, test_random_tails, 0, 3);
	tcase_add_test(tc, test_expect_distinct);
	tcase_add_test(tc, test_placeholder);
	suite_add_tcase(s, tc);
	return s;
}

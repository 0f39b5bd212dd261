/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blob_check(): a good blob, then one header or structure field changed at
 * a time; each change must be refused with the message of the check that
 * catches it (and none may crash libfdt), or be accepted where the format
 * allows it.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "testutil.h"

/* The blob offset of the first property's length field. */
#define FIRST_PROP_LEN (-1)

static const struct blob_case {
	const char *name;
	int field;		/* byte offset of a 32-bit field to set, or -2 */
	uint32_t value;
	int field2;		/* a second one, or -2 */
	uint32_t value2;
	long size_delta;	/* added to the size blob_check() is told */
	const char *error;	/* expected substring, NULL for success */
} blob_cases[] = {
	{ "good", -2, 0, -2, 0, 0, NULL },
	{ "trailing bytes", -2, 0, -2, 0, 8, NULL },
	{ "version 16 (no structure size)", 20, 16, 36, 0, 0, NULL },
	{ "version 16, last compatible 16", 20, 16, 24, 16, 0, NULL },
	{ "shorter than a header", -2, 0, -2, 0, -1000000, "shorter than a header" },
	{ "bad magic", 0, 0x12345678, -2, 0, 0, "bad magic number 0x12345678" },
	{ "totalsize too big", 4, 0x10000, -2, 0, 0, "its header says 65536 bytes" },
	{ "structure unaligned", 8, 0x3a, -2, 0, 0, "unaligned offset" },
	{ "reserve map unaligned", 16, 0x2c, -2, 0, 0, "unaligned offset" },
	{ "version 15", 20, 15, -2, 0, 0, "format version 15, older than 16" },
	{ "version 5", 20, 5, 24, 0, 0, "format version 5, older than 16" },
	{ "version 1", 20, 1, -2, 0, 0, "format version 1, older than 16" },
	{ "last compatible too new", 24, 18, -2, 0, 0, "FDT_ERR_BADVERSION" },
	{ "structure too big", 36, 0x10000, -2, 0, 0, "FDT_ERR_TRUNCATED" },
	/* The first property is empty: a length of -1 wraps around to the
	 * same next tag, which libfdt 1.6.1's checker lets past. */
	{ "property length wraps", FIRST_PROP_LEN, 0xffffffff, -2, 0, 0,
	  "the property at structure offset 8 is -1 bytes long" },
	{ "property longer than the blob", FIRST_PROP_LEN, 0x7ffffff0, -2, 0, 0,
	  "FDT_ERR_BADSTRUCTURE" },
};

static void put32(void *blob, int offset, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy((char *)blob + offset, &be, sizeof(be));
}

/* FIRST_PROP_LEN: where the first property's length field is. */
static int first_prop_len(const void *fdt)
{
	int offset = 0, next;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		if (tag == FDT_PROP)
			return (int)fdt_off_dt_struct(fdt) + offset + 4;
		offset = next;
	} while (tag != FDT_END);
	ck_abort_msg("no property");
	return -1;
}

static void set_field(void *blob, int field, uint32_t value)
{
	if (field == FIRST_PROP_LEN)
		field = first_prop_len(blob);
	if (field >= 0)
		put32(blob, field, value);
}

START_TEST(test_blob_check)
{
	const struct blob_case *c = &blob_cases[_i];
	size_t size, room;
	struct vdt_diag d;
	char *blob;
	long told;
	int rc;

	blob = tu_dtb("/ { e; compatible = \"x\"; a { reg = <1>; }; };", &size);
	room = size + 64;
	blob = realloc(blob, room);
	ck_assert_ptr_nonnull(blob);
	memset(blob + size, 0, room - size);
	set_field(blob, c->field, c->value);
	set_field(blob, c->field2, c->value2);
	told = (long)size + c->size_delta;
	if (told < 0)
		told = 20;
	vdt_diag_init(&d);
	rc = blob_check(blob, (size_t)told, "t.dtb", &d);
	if (!c->error) {
		ck_assert_msg(rc == 0, "%s: %s", c->name, d.error.text);
	} else {
		ck_assert_msg(rc == -VDT_ERR_BADDT, "%s: accepted", c->name);
		ck_assert_str_eq(d.error.file, "t.dtb");
		ck_assert_msg(strstr(d.error.text, c->error) != NULL,
			      "%s: '%s' lacks '%s'", c->name, d.error.text,
			      c->error);
	}
	vdt_diag_free(&d);
	free(blob);
}
END_TEST

Suite *blob_suite(void)
{
	return tu_table_suite("blob", test_blob_check,
			      (int)(sizeof(blob_cases) / sizeof(blob_cases[0])));
}

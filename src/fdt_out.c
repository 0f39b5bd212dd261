/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "fdt_out.h"

/* libfdt's header: 40 bytes, the reservations from 48 (16-aligned). */
#define HDR_SIZE 48
#define TAG_SIZE 4
#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

static void put32(char *p, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy(p, &be, sizeof(be));
}

static void put64(char *p, uint64_t v)
{
	fdt64_t be = cpu_to_fdt64(v);

	memcpy(p, &be, sizeof(be));
}

/* Make room for @more bytes more in the array at *@p of *@cap bytes. */
static int grow(void *p, size_t *cap, size_t len, size_t more)
{
	size_t want = *cap ? *cap : 256;
	char *n;

	if (more > FDT_OUT_MAX || len + more > FDT_OUT_MAX)
		return -VDT_ERR_UNSUPPORTED;
	if (len + more <= *cap)
		return 0;
	while (want < len + more)
		want *= 2;
	n = realloc(*(char **)p, want);
	if (!n)
		return -VDT_ERR_NOMEM;
	*(char **)p = n;
	*cap = want;
	return 0;
}

/* @n zeroed bytes more in the blob; *@at receives where they start. */
static int grab(struct fdt_out *o, size_t n, size_t *at)
{
	int r;

	if (o->len + n + o->slen > FDT_OUT_MAX)
		return -VDT_ERR_UNSUPPORTED;
	r = grow(&o->buf, &o->cap, o->len, n);
	if (r < 0)
		return r;
	memset(o->buf + o->len, 0, n);
	*at = o->len;
	o->len += n;
	return 0;
}

int fdt_out_init(struct fdt_out *o, size_t hint)
{
	size_t at;

	memset(o, 0, sizeof(*o));
	u64map_init(&o->tails);
	if (hint > FDT_OUT_MAX)
		hint = FDT_OUT_MAX;
	if (grow(&o->buf, &o->cap, 0, HDR_SIZE + hint) < 0)
		return -VDT_ERR_NOMEM;
	return grab(o, HDR_SIZE, &at);
}

void fdt_out_free(struct fdt_out *o)
{
	free(o->buf);
	free(o->str);
	free(o->sends);
	free(o->fix);
	u64map_free(&o->tails);
	memset(o, 0, sizeof(*o));
	u64map_init(&o->tails);
}

int fdt_out_add_rsv(struct fdt_out *o, uint64_t addr, uint64_t size)
{
	size_t at;
	int r = grab(o, 16, &at);

	if (r < 0)
		return r;
	put64(o->buf + at, addr);
	put64(o->buf + at + 8, size);
	return 0;
}

int fdt_out_finish_rsv(struct fdt_out *o)
{
	int r = fdt_out_add_rsv(o, 0, 0);

	if (r >= 0)
		o->rsv_done = o->len;
	return r;
}

int fdt_out_begin_node(struct fdt_out *o, const char *name)
{
	size_t n = strlen(name) + 1, at;
	int r = grab(o, TAG_SIZE + ALIGN4(n), &at);

	if (r < 0)
		return r;
	put32(o->buf + at, FDT_BEGIN_NODE);
	memcpy(o->buf + at + TAG_SIZE, name, n);
	return 0;
}

int fdt_out_end_node(struct fdt_out *o)
{
	size_t at;
	int r = grab(o, TAG_SIZE, &at);

	if (r < 0)
		return r;
	put32(o->buf + at, FDT_END_NODE);
	return 0;
}

/* Whether name @i ends with the @m bytes at @s. */
static int name_ends_with(const struct fdt_out *o, size_t i, const char *s,
			  size_t m)
{
	size_t end = o->sends[i] - 1;	/* at its NUL */
	size_t start = i ? o->sends[i - 1] : 0;

	return end - start >= m && memcmp(o->str + end - m, s, m) == 0;
}

/*
 * Tails are keyed by their bytes read from the end (FNV-1a over the
 * reversed tail), so that one pass from a name's end keys every tail of
 * it.  Only the tails that are names looked up (or named by
 * fdt_out_expect_names()) are in o->tails: each with its newest holder,
 * or NO_NAME while no stored name ends with it.
 */
#define NO_NAME INT32_MAX

static uint64_t tail_key(const char *s, size_t m)
{
	uint64_t key = U64MAP_FNV_BASIS;

	while (m--)
		key = u64map_str_key_add(key, s + m, 1);
	return key;
}

/* The newest name that ends with @s (@m bytes), by looking at them all. */
static int scan_names(const struct fdt_out *o, const char *s, size_t m)
{
	size_t k;

	for (k = o->nnames; k-- > 0;)
		if (name_ends_with(o, k, s, m))
			return (int)k;
	return NO_NAME;
}

/*
 * The name to take @s (@m bytes) from, as libfdt's search finds it: the
 * newest name that ends with @s; -VDT_ERR_NOTFOUND if none does.  A name
 * not looked up before, and not expected, costs a scan of the names once;
 * from then on its holder is kept up to date by add_name().
 */
static int find_name(struct fdt_out *o, const char *s, size_t m)
{
	uint64_t key = tail_key(s, m);
	int i = u64map_get(&o->tails, key), r;

	if (i < 0) {
		i = scan_names(o, s, m);
		r = u64map_put(&o->tails, key, i);
		if (r < 0)
			return r;
	} else if (i != NO_NAME && !name_ends_with(o, (size_t)i, s, m)) {
		/* Two tails of one key (a 64-bit hash collision). */
		i = scan_names(o, s, m);
	}
	return i == NO_NAME ? -VDT_ERR_NOTFOUND : i;
}

/* Store @s (@m bytes) as a new name, the newest; its index in *@i. */
static int add_name(struct fdt_out *o, const char *s, size_t m, int *i)
{
	uint64_t key = U64MAP_FNV_BASIS;
	size_t cap, k;
	int r;

	r = grow(&o->str, &o->scap, o->slen, m + 1);
	if (r >= 0 && o->nnames == o->names_cap) {
		cap = o->names_cap * sizeof(*o->sends);
		r = grow(&o->sends, &cap, o->nnames * sizeof(*o->sends),
			 sizeof(*o->sends));
		o->names_cap = cap / sizeof(*o->sends);
	}
	if (r >= 0 && o->nnames > INT32_MAX - 2)
		r = -VDT_ERR_UNSUPPORTED;
	if (r < 0)
		return r;
	memcpy(o->str + o->slen, s, m);
	o->str[o->slen + m] = '\0';
	o->slen += m + 1;
	o->sends[o->nnames] = (uint32_t)o->slen;
	*i = (int)o->nnames++;
	/* Every tail of it that is a name looked up, the empty one and the
	 * whole name too, is now found here first. */
	for (k = m + 1; k-- > 0;) {
		if (u64map_get(&o->tails, key) >= 0) {
			r = u64map_put(&o->tails, key, *i);
			if (r < 0)
				return r;
		}
		if (k)
			key = u64map_str_key_add(key, s + k - 1, 1);
	}
	return 0;
}

int fdt_out_expect_names(struct fdt_out *o, const char *names, size_t len)
{
	const char *p = names, *end = names + len, *nul;
	int r = 0;

	if (o->nnames)
		return -VDT_ERR_UNSUPPORTED;
	/* The table grows with the distinct names only: no room is made
	 * ahead for a block of a million empty or equal ones. */
	for (; r >= 0 && p < end && (nul = memchr(p, '\0', (size_t)(end - p)));
	     p = nul + 1)
		r = u64map_put(&o->tails, tail_key(p, (size_t)(nul - p)),
			       NO_NAME);
	return r < 0 ? r : 0;
}

int fdt_out_placeholder(struct fdt_out *o, const char *name, int len,
			void **valp)
{
	size_t m = strlen(name), at, cap;
	int i, r;

	if (len < 0)
		return -VDT_ERR_UNSUPPORTED;
	i = find_name(o, name, m);
	r = i >= 0 ? 0 : add_name(o, name, m, &i);
	if (r >= 0 && o->nfix == o->fix_cap) {
		cap = o->fix_cap * sizeof(*o->fix);
		r = grow(&o->fix, &cap, o->nfix * sizeof(*o->fix),
			 sizeof(*o->fix));
		o->fix_cap = cap / sizeof(*o->fix);
	}
	if (r >= 0)
		r = grab(o, 3 * TAG_SIZE + ALIGN4((size_t)len), &at);
	if (r < 0)
		return r;
	put32(o->buf + at, FDT_PROP);
	put32(o->buf + at + 4, (uint32_t)len);
	/* For now the name's start in str and the tail's length: the
	 * names are stored the other way round in the blob, where the tail
	 * starts slen - (that sum) into the strings block. */
	put32(o->buf + at + 8, (uint32_t)((i ? o->sends[i - 1] : 0) + m + 1));
	o->fix[o->nfix++] = (uint32_t)(at + 8);
	*valp = o->buf + at + 3 * TAG_SIZE;
	return 0;
}

int fdt_out_property(struct fdt_out *o, const char *name, const void *val,
		     int len)
{
	void *p;
	int r = fdt_out_placeholder(o, name, len, &p);

	if (r >= 0 && len > 0)
		memcpy(p, val, (size_t)len);
	return r;
}

int fdt_out_property_u32(struct fdt_out *o, const char *name, uint32_t val)
{
	fdt32_t be = cpu_to_fdt32(val);

	return fdt_out_property(o, name, &be, sizeof(be));
}

int fdt_out_property_string(struct fdt_out *o, const char *name,
			    const char *s)
{
	return fdt_out_property(o, name, s, (int)strlen(s) + 1);
}

int fdt_out_finish(struct fdt_out *o, uint32_t boot_cpuid, void **fdt,
		   size_t *size)
{
	size_t at, i, start, end, off_struct, off_strings;
	uint32_t where;
	char *p;
	int r;

	*fdt = NULL;
	*size = 0;
	if (!o->rsv_done)
		return -VDT_ERR_UNSUPPORTED;
	r = grab(o, TAG_SIZE, &at);
	if (r >= 0)
		r = grow(&o->buf, &o->cap, o->len, o->slen);
	if (r < 0)
		return r;
	put32(o->buf + at, FDT_END);
	off_struct = o->rsv_done;
	off_strings = o->len;
	/* The names, the newest first. */
	p = o->buf + off_strings;
	for (i = o->nnames; i-- > 0;) {
		start = i ? o->sends[i - 1] : 0;
		end = o->sends[i];
		memcpy(p, o->str + start, end - start);
		p += end - start;
	}
	/* Each name offset, counted from the start of the strings block. */
	for (i = 0; i < o->nfix; i++) {
		fdt32_t be;

		memcpy(&be, o->buf + o->fix[i], sizeof(be));
		where = fdt32_to_cpu(be);
		put32(o->buf + o->fix[i], (uint32_t)(o->slen - where));
	}
	p = o->buf;
	put32(p + 0, FDT_MAGIC);
	put32(p + 4, (uint32_t)(off_strings + o->slen));
	put32(p + 8, (uint32_t)off_struct);
	put32(p + 12, (uint32_t)off_strings);
	put32(p + 16, HDR_SIZE);
	put32(p + 20, 17);
	put32(p + 24, 16);
	put32(p + 28, boot_cpuid);
	put32(p + 32, (uint32_t)o->slen);
	put32(p + 36, (uint32_t)(off_strings - off_struct));
	*fdt = o->buf;
	*size = off_strings + o->slen;
	o->buf = NULL;
	fdt_out_free(o);
	return 0;
}

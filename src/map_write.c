/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "map_write.h"

struct wctx {
	const char *prefix;
	const char *file;
	struct vdt_diag *d;
};

static int write_yaml(const struct vmap *m, const struct wctx *c,
		      struct vbuf *out);
static int write_xl(const struct vmap *m, const struct wctx *c,
		    struct vbuf *out);
static int write_xl_ranges(const struct vmap *m, const struct wctx *c,
			   struct vbuf *out);
static int write_json(const struct vmap *m, const struct wctx *c,
		      struct vbuf *out);
static int write_c(const struct vmap *m, const struct wctx *c,
		   struct vbuf *out);
static int write_bin(const struct vmap *m, const struct wctx *c,
		     struct vbuf *out);

/* The formats: name, file name extensions, writer.  Indexed by enum. */
static const struct map_format_desc {
	const char *name;
	const char *exts[3];
	int (*write)(const struct vmap *m, const struct wctx *c,
		     struct vbuf *out);
} formats[] = {
	[MAP_FORMAT_YAML] = { "yaml", { ".yaml", ".yml" }, write_yaml },
	[MAP_FORMAT_XL] = { "xl", { ".cfg" }, write_xl },
	[MAP_FORMAT_JSON] = { "json", { ".json" }, write_json },
	[MAP_FORMAT_C] = { "c", { ".h" }, write_c },
	[MAP_FORMAT_BIN] = { "bin", { ".bin" }, write_bin },
	[MAP_FORMAT_XL_RANGES] = { "xl-ranges", { NULL }, write_xl_ranges },
};

#define NFORMATS ((int)(sizeof(formats) / sizeof(formats[0])))

int map_format_by_name(const char *name)
{
	int i;

	for (i = 0; i < NFORMATS; i++)
		if (strcmp(name, formats[i].name) == 0)
			return i;
	return -VDT_ERR_NOTFOUND;
}

int map_format_by_path(const char *path)
{
	size_t n = strlen(path), e, j;
	const char *ext;
	int i;

	for (i = 0; i < NFORMATS; i++) {
		for (j = 0; j < 3 && (ext = formats[i].exts[j]); j++) {
			e = strlen(ext);
			if (n > e && strcmp(path + n - e, ext) == 0)
				return i;
		}
	}
	return -VDT_ERR_NOTFOUND;
}

const char *map_format_name(int fmt)
{
	return fmt >= 0 && fmt < NFORMATS ? formats[fmt].name : NULL;
}

int map_prefix_ok(const char *prefix)
{
	static const char *const keywords[] = {
		"auto", "break", "case", "char", "const", "continue",
		"default", "do", "double", "else", "enum", "extern", "float",
		"for", "goto", "if", "inline", "int", "long", "register",
		"restrict", "return", "short", "signed", "sizeof", "static",
		"struct", "switch", "typedef", "union", "unsigned", "void",
		"volatile", "while", "_Alignas", "_Alignof", "_Atomic",
		"_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
		"_Static_assert", "_Thread_local",
	};
	/* The header includes <stdint.h>, and a C library's <stdint.h> may
	 * bring <stddef.h>: their macros outside the patterns below, and the
	 * system macros of GNU C modes (gcc -std=gnu11 defines linux, unix). */
	static const char *const macros[] = {
		"NULL", "offsetof", "unreachable",
		"PTRDIFF_MIN", "PTRDIFF_MAX", "PTRDIFF_WIDTH",
		"SIG_ATOMIC_MIN", "SIG_ATOMIC_MAX", "SIG_ATOMIC_WIDTH",
		"SIZE_MAX", "SIZE_WIDTH",
		"WCHAR_MIN", "WCHAR_MAX", "WCHAR_WIDTH",
		"WINT_MIN", "WINT_MAX", "WINT_WIDTH",
		"linux", "unix",
	};
	static const char *const int_ends[] = { "_MAX", "_MIN", "_WIDTH", "_C" };
	size_t i, n = strlen(prefix);
	char ch;

	if (n == 0 || n > MAP_PREFIX_MAX || (prefix[0] >= '0' && prefix[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++) {
		ch = prefix[i];
		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && ch != '_')
			return 0;
	}
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(prefix, keywords[i]) == 0)
			return 0;
	/* Reserved names: _X... and __... (C), ..._t (POSIX; the header
	 * includes <stdint.h>, whose uint32_t and the like would clash). */
	if ((prefix[0] == '_' && (prefix[1] == '_' ||
				  (prefix[1] >= 'A' && prefix[1] <= 'Z'))) ||
	    (n >= 2 && strcmp(prefix + n - 2, "_t") == 0))
		return 0;
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strcmp(prefix, macros[i]) == 0)
			return 0;
	/* <stdint.h>'s own macros and those C reserves for it (C11 7.31.10):
	 * INT... or UINT... ending in _MAX, _MIN, _WIDTH or _C. */
	if (strncmp(prefix, "INT", 3) == 0 || strncmp(prefix, "UINT", 4) == 0)
		for (i = 0; i < sizeof(int_ends) / sizeof(int_ends[0]); i++)
			if (n > strlen(int_ends[i]) + 2 &&
			    strcmp(prefix + n - strlen(int_ends[i]),
				   int_ends[i]) == 0)
				return 0;
	return 1;
}

/* The partial tree's SHA-256 in lower-case hex, into @hex (65 bytes). */
static const char *sha_hex(const struct vmap *m, char *hex)
{
	size_t i;

	for (i = 0; i < sizeof(m->partial_sha256); i++)
		snprintf(hex + 2 * i, 3, "%02x", m->partial_sha256[i]);
	return hex;
}

/* An entry's physical IOMMU base; 0 for the vPCI entry, which has none. */
static uint64_t entry_base(const struct vmap *m, const struct vmap_entry *e)
{
	return e->iommu == VMAP_VPCI ? 0 : m->iommus[e->iommu].base;
}

/*
 * YAML, written directly: the bytes libyaml 0.2.5's emitter writes for the
 * same document (no line width limit, Unicode allowed), as this writer
 * once had it emit them: block mappings and sequences, a flow mapping for
 * the viommu, each piommu and each device, an implicit document with no
 * end marker.  Every value but a name is a plain scalar there; a name
 * takes the style libyaml chooses for it (y_style()).  Writing is sticky on
 * failure: after the first error every call is a no-op, and the writer
 * checks once at the end.
 */
struct yout {
	struct vbuf *out;
	int r;
};

/* The indentation libyaml gives the lines after a break in a name: that of
 * a flow mapping's value (4 + 2) in a block mapping at 2. */
#define Y_NAME_INDENT "      "

static void y_put(struct yout *y, const void *s, size_t n)
{
	if (y->r == 0)
		y->r = vbuf_append(y->out, s, n);
}

static void y_lit(struct yout *y, const char *s)
{
	y_put(y, s, strlen(s));
}

/* @v in base @base (10 or 16, lower case) after @prefix, as printf's
 * PRIu64 and "0x%" PRIx64 write it, without parsing a format per value. */
static void y_num(struct yout *y, const char *prefix, uint64_t v,
		  unsigned base)
{
	char s[24], *p = s + sizeof(s);
	size_t n = strlen(prefix);

	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	p -= n;
	memcpy(p, prefix, n);
	y_put(y, p, (size_t)(s + sizeof(s) - p));
}

static void y_hex(struct yout *y, uint64_t v)
{
	y_num(y, "0x", v, 16);
}

static void y_dec(struct yout *y, uint64_t v)
{
	y_num(y, "", v, 10);
}

/* The code point at *@p, well-formed UTF-8 (utf8_ok()); *@p moves past it. */
static uint32_t u8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	int n = s[0] < 0x80 ? 0 : s[0] < 0xe0 ? 1 : s[0] < 0xf0 ? 2 : 3, i;
	uint32_t c = n ? s[0] & (0x3fu >> n) : s[0];

	for (i = 1; i <= n; i++)
		c = c << 6 | (s[i] & 0x3fu);
	*p = s + n + 1;
	return c;
}

/* What libyaml writes unescaped: LF, printable ASCII, U+00A0..U+D7FF and
 * U+E000..U+FFFD but U+FEFF.  No other control, no character above U+FFFF. */
static int y_printable(uint32_t c)
{
	return c == '\n' || (c >= 0x20 && c <= 0x7e) ||
	       (c >= 0xa0 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd && c != 0xfeff);
}

/* A YAML 1.1 line break: CR, LF, NEL, LS or PS. */
static int y_break(uint32_t c)
{
	return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 ||
	       c == 0x2029;
}

/* A space, a tab, a line break, or the string's end (0). */
static int y_blankz(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0 || y_break(c);
}

/*
 * Whether @c, after @prev and before @next (0: none), keeps a scalar in a
 * flow mapping from being plain: a line break, a space first or last, an
 * indicator first ('-' only before a blank), a flow indicator or ':'
 * anywhere else, '#' after a blank.
 */
static int y_not_plain(uint32_t prev, uint32_t c, uint32_t next)
{
	if (y_break(c) || (c == ' ' && (!prev || !next)))
		return 1;
	if (c >= 0x80)
		return 0;
	if (!prev)
		return strchr("#,[]{}&*!|>'\"%@`?:", (int)c) ||
		       (c == '-' && y_blankz(next));
	return strchr(",?[]{}:", (int)c) || (c == '#' && y_blankz(prev));
}

enum y_style { Y_PLAIN, Y_SINGLE, Y_DOUBLE };

/*
 * The style libyaml 0.2.5 chooses for @s as a value in a flow mapping:
 * double-quoted if @s holds a character it escapes (!y_printable()) or a
 * space next to a line break; else single-quoted if @s is empty, starts
 * with "---" or "..." or an indicator ("- " only with the blank), starts
 * or ends with a space, or holds a line break, a flow indicator, ':' or
 * " #"; else plain.  A plain scalar that reads as another type ("null",
 * "0x10") stays plain.
 */
static enum y_style y_style(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int plain = strncmp(s, "---", 3) != 0 && strncmp(s, "...", 3) != 0;
	uint32_t prev = 0, c, next;

	if (!*p)
		return Y_SINGLE;
	for (c = u8_next(&p); c; prev = c, c = next) {
		next = *p ? u8_next(&p) : 0;
		if (!y_printable(c) ||
		    (c == ' ' && (y_break(prev) || y_break(next))))
			return Y_DOUBLE;
		if (y_not_plain(prev, c, next))
			plain = 0;
	}
	return plain ? Y_PLAIN : Y_SINGLE;
}

/*
 * @s single-quoted, as libyaml writes it: a quote doubled, a line break
 * kept (an LF doubled where it starts a run of breaks, as an LF alone
 * would fold into a space) and the next line indented, also before the
 * closing quote.  y_style() has left no space next to a break, no CR and
 * no NEL.
 */
static void y_single(struct yout *y, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *q, *run = p;
	int brk = 0;
	uint32_t c;

	y_put(y, "'", 1);
	while (*p) {
		q = p;
		c = u8_next(&p);
		if (y_break(c)) {
			y_put(y, run, (size_t)(q - run));
			if (c == '\n' && !brk)
				y_put(y, "\n", 1);
			y_put(y, q, (size_t)(p - q));
			run = p;
			brk = 1;
			continue;
		}
		if (brk)
			y_lit(y, Y_NAME_INDENT);
		brk = 0;
		if (c == '\'') {
			y_put(y, run, (size_t)(p - run));
			run = q;	/* the quote again */
		}
	}
	y_put(y, run, (size_t)(p - run));
	if (brk)
		y_lit(y, Y_NAME_INDENT);
	y_put(y, "'", 1);
}

/* libyaml's short escapes; any other character it escapes is \xXX,
 * \uXXXX or \UXXXXXXXX, in upper-case hex. */
static const struct {
	uint32_t c;
	char e;
} y_escapes[] = {
	{ '\a', 'a' }, { '\b', 'b' }, { '\t', 't' }, { '\n', 'n' },
	{ '\v', 'v' }, { '\f', 'f' }, { '\r', 'r' }, { 0x1b, 'e' },
	{ '"', '"' }, { '\\', '\\' }, { 0x85, 'N' }, { 0x2028, 'L' },
	{ 0x2029, 'P' },
};

/* @s double-quoted: what is not y_printable(), the breaks, '"' and '\\'
 * escaped, all on one line. */
static void y_double(struct yout *y, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *q, *run = p;
	char esc[10] = "\\";
	size_t i, n;
	uint32_t c;

	y_put(y, "\"", 1);
	while (*p) {
		q = p;
		c = u8_next(&p);
		if (y_printable(c) && !y_break(c) && c != '"' && c != '\\')
			continue;
		y_put(y, run, (size_t)(q - run));
		run = p;
		for (i = 0; i < sizeof(y_escapes) / sizeof(y_escapes[0]) &&
			    y_escapes[i].c != c; i++)
			;
		if (i < sizeof(y_escapes) / sizeof(y_escapes[0])) {
			esc[1] = y_escapes[i].e;
			n = 2;
		} else {
			n = c <= 0xff ? 2 : c <= 0xffff ? 4 : 8;
			esc[1] = n == 2 ? 'x' : n == 4 ? 'u' : 'U';
			for (i = 0; i < n; i++)
				esc[2 + i] = "0123456789ABCDEF"
					[c >> 4 * (n - 1 - i) & 0xf];
			n += 2;
		}
		y_put(y, esc, n);
	}
	y_put(y, run, (size_t)(p - run));
	y_put(y, "\"", 1);
}

/* A character of the usual DT path: [A-Za-z0-9/._+@#-]. */
static int y_path_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '/' || ch == '.' ||
	       ch == '_' || ch == '+' || ch == '@' || ch == '#' || ch == '-';
}

/* A name (a DT path) as a value in a flow mapping. */
static void y_name(struct yout *y, const char *s)
{
	size_t n = 0;

	/* The usual path is plain: '/', then none of what y_style() seeks
	 * ('#' follows no blank here). */
	while (y_path_char(s[n]))
		n++;
	if (s[0] == '/' && !s[n]) {
		y_put(y, s, n);
		return;
	}
	switch (y_style(s)) {
	case Y_PLAIN:
		y_lit(y, s);
		break;
	case Y_SINGLE:
		y_single(y, s);
		break;
	case Y_DOUBLE:
		y_double(y, s);
		break;
	}
}

static void yaml_entry(struct yout *y, const struct vmap *m,
		       const struct vmap_entry *e)
{
	int i;

	y_lit(y, "- vid: ");
	y_hex(y, e->vid);
	y_lit(y, "\n  count: ");
	y_dec(y, e->count);
	y_lit(y, "\n  pid: ");
	y_hex(y, e->pid);
	y_lit(y, "\n  mask: ");
	y_hex(y, e->mask);
	if (e->iommu == VMAP_VPCI) {
		y_lit(y, "\n  vpci: true\n");
		return;
	}
	y_lit(y, "\n  piommu: {");
	if (!m->bare) {
		y_lit(y, "path: ");
		y_name(y, m->iommus[e->iommu].path);
		y_lit(y, ", ");
	}
	y_lit(y, "base: ");
	y_hex(y, m->iommus[e->iommu].base);
	y_lit(y, "}\n");
	if (m->bare)
		return;
	/* An empty block sequence is written as a flow one. */
	y_lit(y, e->ndevs ? "  devices:\n" : "  devices: []\n");
	for (i = 0; i < e->ndevs; i++) {
		y_lit(y, "  - {node: ");
		y_name(y, m->devices[e->devs[i]].node);
		y_lit(y, ", host: ");
		y_name(y, m->devices[e->devs[i]].host);
		y_lit(y, "}\n");
	}
}

static int write_yaml(const struct vmap *m, const struct wctx *c,
		      struct vbuf *out)
{
	struct yout y = { out, 0 };
	char hex[2 * sizeof(m->partial_sha256) + 1];
	int i;

	(void)c;
	/* The usual size of an entry: the buffer grows once at most. */
	y.r = vbuf_reserve(out, 256 + (size_t)m->nentries * 192);
	y_lit(&y, "version: ");
	y_dec(&y, VMAP_VERSION);
	y_lit(&y, "\n");
	if (m->xen_allocates)
		y_lit(&y, "allocated-by: xen\n");
	if (m->has_partial_sha256) {
		y_lit(&y, "partial-sha256: ");
		y_lit(&y, sha_hex(m, hex));
		y_lit(&y, "\n");
	}
	if (!m->bare) {
		/* ',' is a flow indicator: libyaml quotes the compatible. */
		y_lit(&y, "viommu: {phandle: ");
		y_hex(&y, m->viommu.phandle);
		y_lit(&y, ", compatible: 'arm,smmu-v3', base: ");
		y_hex(&y, m->viommu.base);
		y_lit(&y, ", size: ");
		y_hex(&y, m->viommu.size);
		/* Both policy names are plain scalars. */
		y_lit(&y, "}\npolicy: ");
		y_lit(&y, vmap_policy_name(m->policy));
		y_lit(&y, "\nvid-base: ");
		y_hex(&y, m->vid_base);
		y_lit(&y, "\nvid-bits: ");
		y_dec(&y, m->vid_bits);
		y_lit(&y, "\n");
	}
	y_lit(&y, m->nentries ? "entries:\n" : "entries: []\n");
	for (i = 0; i < m->nentries; i++)
		yaml_entry(&y, m, &m->entries[i]);
	return y.r;
}

/* Whether @s is well-formed UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int n, i;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		    (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		cp = *p & (0x3fu >> n);
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3fu);
		}
		if (cp < (n == 1 ? 0x80u : n == 2 ? 0x800u : 0x10000u) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* The text forms carry names as UTF-8: the first name that is not, or NULL. */
static const char *bad_name(const struct vmap *m)
{
	int i;

	for (i = 0; i < m->niommus && !m->bare; i++)
		if (!utf8_ok(m->iommus[i].path))
			return m->iommus[i].path;
	for (i = 0; i < m->ndevices && !m->bare; i++) {
		if (!utf8_ok(m->devices[i].node))
			return m->devices[i].node;
		if (!utf8_ok(m->devices[i].host))
			return m->devices[i].host;
	}
	return NULL;
}

/*
 * xl.cfg: iommu_devid_map = [ "PMASTER_ID@VMASTER_ID,IOMMU_BASE_ADDRESS", ... ]
 * as proposed on xen-devel (2022), one line, by vID.  In the proposal's
 * own grammar (@ranges 0) a range is one element per ID and an SMR mask
 * cannot be written; with @ranges, a range is one element with a fourth
 * field, "PBASE@VBASE,IOMMU_BASE,COUNT" (this tool's extension), and a
 * mask is left out with a warning.  Xen's vSMMUv3 series reads no such
 * line: a map whose vIDs Xen allocates has no xl form.
 */
static int xl_form(const struct vmap *m, const struct wctx *c,
		   struct vbuf *out, int ranges)
{
	const struct vmap_entry *e;
	const char *ipath;
	uint32_t k, n;
	int i, r, first = 1;

	if (m->xen_allocates)
		return vdt_error(c->d, VDT_ERR_USAGE, c->file, NULL, NULL,
				 "Xen allocates these vIDs: it takes no ID map from xl.cfg");
	for (i = 0; i < m->nentries; i++) {
		e = &m->entries[i];
		ipath = m->iommus[e->iommu].path ? m->iommus[e->iommu].path :
						   "the IOMMU";
		if (e->mask && !ranges)
			return vdt_error(c->d, VDT_ERR_INPUT, c->file, NULL, NULL,
					 "iommu_devid_map cannot carry SMR mask 0x%x of pID 0x%x on %s",
					 e->mask, e->pid, ipath);
		if (e->mask)
			vdt_warn(c->d, c->file, NULL, NULL,
				 "the xl form has no SMR mask: mask 0x%x of pID 0x%x on %s left out",
				 e->mask, e->pid, ipath);
	}
	r = vbuf_printf(out, "iommu_devid_map = [");
	for (i = 0; i < m->nentries && r == 0; i++) {
		e = &m->entries[i];
		n = ranges ? 1 : e->count;
		for (k = 0; k < n && r == 0; k++, first = 0) {
			r = vbuf_printf(out, "%s \"0x%" PRIx32 "@0x%" PRIx32 ",0x%" PRIx64,
					first ? "" : ",", e->pid + k, e->vid + k,
					m->iommus[e->iommu].base);
			if (r == 0 && ranges && e->count > 1)
				r = vbuf_printf(out, ",0x%" PRIx32, e->count);
			if (r == 0)
				r = vbuf_append(out, "\"", 1);
		}
	}
	if (r == 0)
		r = vbuf_printf(out, " ]\n");
	return r;
}

static int write_xl(const struct vmap *m, const struct wctx *c,
		    struct vbuf *out)
{
	return xl_form(m, c, out, 0);
}

static int write_xl_ranges(const struct vmap *m, const struct wctx *c,
			   struct vbuf *out)
{
	return xl_form(m, c, out, 1);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static int json_str(struct vbuf *out, const char *s)
{
	const char *run = s;
	int r = vbuf_append(out, "\"", 1);

	for (; *s && r == 0; s++) {
		if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20 &&
		    *s != 0x7f)
			continue;
		r = vbuf_append(out, run, (size_t)(s - run));
		if (r == 0)
			r = *s == '"' || *s == '\\' ?
				    vbuf_printf(out, "\\%c", *s) :
				    vbuf_printf(out, "\\u%04x", (unsigned char)*s);
		run = s + 1;
	}
	if (r == 0)
		r = vbuf_append(out, run, (size_t)(s - run));
	return r ? r : vbuf_append(out, "\"", 1);
}

/* "KEY": "S" (with a leading @sep) */
static int json_key_str(struct vbuf *out, const char *sep, const char *key,
			const char *s)
{
	int r = vbuf_printf(out, "%s\"%s\": ", sep, key);

	return r ? r : json_str(out, s);
}

static int json_entry(struct vbuf *out, const struct vmap *m,
		      const struct vmap_entry *e, int last)
{
	const struct vmap_iommu *io;
	int i, r;

	r = vbuf_printf(out,
			"    {\n"
			"      \"vid\": %" PRIu32 ",\n"
			"      \"count\": %" PRIu32 ",\n"
			"      \"pid\": %" PRIu32 ",\n"
			"      \"mask\": %" PRIu32 ",\n",
			e->vid, e->count, e->pid, e->mask);
	if (e->iommu == VMAP_VPCI)
		return r ? r : vbuf_printf(out, "      \"vpci\": true\n    }%s\n",
					   last ? "" : ",");
	io = &m->iommus[e->iommu];
	if (r == 0)
		r = vbuf_printf(out, "      \"piommu\": {");
	if (r == 0 && !m->bare)
		r = json_key_str(out, "", "path", io->path);
	if (r == 0)
		r = vbuf_printf(out, "%s\"base\": %" PRIu64 "}%s\n",
				m->bare ? "" : ", ", io->base,
				m->bare ? "" : ",");
	if (r == 0 && !m->bare)
		r = vbuf_printf(out, "      \"devices\": [\n");
	for (i = 0; i < e->ndevs && !m->bare && r == 0; i++) {
		r = json_key_str(out, "        {", "node",
				 m->devices[e->devs[i]].node);
		if (r == 0)
			r = json_key_str(out, ", ", "host",
					 m->devices[e->devs[i]].host);
		if (r == 0)
			r = vbuf_printf(out, "}%s\n",
					i + 1 < e->ndevs ? "," : "");
	}
	if (r == 0 && !m->bare)
		r = vbuf_printf(out, "      ]\n");
	if (r == 0)
		r = vbuf_printf(out, "    }%s\n", last ? "" : ",");
	return r;
}

/* The YAML form's structure and key order; numbers in decimal. */
static int write_json(const struct vmap *m, const struct wctx *c,
		      struct vbuf *out)
{
	char hex[2 * sizeof(m->partial_sha256) + 1];
	int i, r;

	(void)c;
	r = vbuf_printf(out, "{\n  \"version\": %u,\n", VMAP_VERSION);
	if (r == 0 && m->xen_allocates)
		r = vbuf_printf(out, "  \"allocated-by\": \"xen\",\n");
	if (r == 0 && m->has_partial_sha256)
		r = vbuf_printf(out, "  \"partial-sha256\": \"%s\",\n",
				sha_hex(m, hex));
	if (r == 0 && !m->bare)
		r = vbuf_printf(out,
				"  \"viommu\": {\"phandle\": %" PRIu32
				", \"compatible\": \"arm,smmu-v3\", \"base\": %"
				PRIu64 ", \"size\": %" PRIu64 "},\n"
				"  \"policy\": \"%s\",\n"
				"  \"vid-base\": %" PRIu32 ",\n"
				"  \"vid-bits\": %u,\n",
				m->viommu.phandle, m->viommu.base,
				m->viommu.size, vmap_policy_name(m->policy),
				m->vid_base, m->vid_bits);
	if (r == 0)
		r = vbuf_printf(out, "  \"entries\": [%s",
				m->nentries ? "\n" : "");
	for (i = 0; i < m->nentries && r == 0; i++)
		r = json_entry(out, m, &m->entries[i], i + 1 == m->nentries);
	if (r == 0)
		r = vbuf_printf(out, "%s]\n}\n", m->nentries ? "  " : "");
	return r;
}

/* @s with every character outside [A-Za-z0-9,._+@/-] made '_': safe in a C comment. */
static int c_comment_text(struct vbuf *out, const char *s)
{
	const char *ok = ",._+@/-";
	char ch;
	int r = 0;

	for (; *s && r == 0; s++) {
		ch = *s;
		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && !strchr(ok, ch))
			ch = '_';
		r = vbuf_append(out, &ch, 1);
	}
	return r;
}

static int c_entry(struct vbuf *out, const struct vmap *m,
		   const struct vmap_entry *e)
{
	int i, r;

	r = vbuf_printf(out,
			"\t{ 0x%" PRIx32 ", 0x%" PRIx32 ", %" PRIu32 ", 0x%" PRIx32
			", UINT64_C(0x%" PRIx64 ") },",
			e->vid, e->pid, e->count, e->mask, entry_base(m, e));
	if (r == 0 && e->iommu == VMAP_VPCI)
		r = vbuf_printf(out, "\t/* vPCI: Xen's virtual host bridge, no physical IOMMU */");
	else if (r == 0 && !m->bare) {
		r = vbuf_printf(out, "\t/* ");
		if (r == 0)
			r = c_comment_text(out, m->iommus[e->iommu].path);
		for (i = 0; i < e->ndevs && r == 0; i++) {
			r = vbuf_printf(out, i ? ", " : ": ");
			if (r == 0)
				r = c_comment_text(out,
						   m->devices[e->devs[i]].node);
		}
		if (r == 0)
			r = vbuf_printf(out, " */");
	}
	return r ? r : vbuf_append(out, "\n", 1);
}

/*
 * A C header: include guard and length macro from the upper-cased prefix,
 * struct PREFIX_entry, and static const PREFIX[].  An empty table keeps one
 * all-zero placeholder (C has no empty arrays); its length is still 0.
 */
static int write_c(const struct vmap *m, const struct wctx *c,
		   struct vbuf *out)
{
	char hex[2 * sizeof(m->partial_sha256) + 1];
	char up[MAP_PREFIX_MAX + 1];
	const char *p = c->prefix;
	size_t i;
	int r, k;

	for (i = 0; p[i]; i++)
		up[i] = p[i] >= 'a' && p[i] <= 'z' ? (char)(p[i] - 'a' + 'A') :
						     p[i];
	up[i] = '\0';
	r = vbuf_printf(out,
			"/* Generated by viommu-dtgen: the vID map table, see viommu-map(5). */\n"
			"#ifndef %s_H\n"
			"#define %s_H\n"
			"\n"
			"#include <stdint.h>\n"
			"\n"
			"struct %s_entry {\n"
			"\tuint32_t vid;\t\t/* first virtual ID */\n"
			"\tuint32_t pid;\t\t/* first physical ID */\n"
			"\tuint32_t count;\t\t/* consecutive IDs */\n"
			"\tuint32_t mask;\t\t/* SMR mask, 0 if none */\n"
			"\tuint64_t piommu_base;\t/* physical IOMMU's base address */\n"
			"};\n"
			"\n"
			"#define %s_LEN %d\n",
			up, up, p, up, m->nentries);
	if (r == 0 && m->has_partial_sha256)
		r = vbuf_printf(out, "/* SHA-256 of the partial device tree blob it describes */\n"
				"#define %s_PARTIAL_SHA256 \"%s\"\n", up,
				sha_hex(m, hex));
	if (r == 0)
		r = vbuf_printf(out, "\nstatic const struct %s_entry %s[%s] = {\n",
				p, p, m->nentries ? "" : "1");
	if (r == 0 && m->nentries == 0)
		r = vbuf_printf(out, "\t{ 0, 0, 0, 0, 0 },\t/* placeholder: the table is empty */\n");
	for (k = 0; k < m->nentries && r == 0; k++)
		r = c_entry(out, m, &m->entries[k]);
	if (r == 0)
		r = vbuf_printf(out, "};\n\n#endif /* %s_H */\n", up);
	return r;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* The binary form: header, then one 24-byte entry per entry, by vID. */
static int write_bin(const struct vmap *m, const struct wctx *c,
		     struct vbuf *out)
{
	unsigned char b[VMAP_BIN_HEADER_LEN + VMAP_BIN_ENTRY_LEN];
	const struct vmap_entry *e;
	int i, r;

	(void)c;
	memcpy(b, VMAP_BIN_MAGIC, VMAP_BIN_MAGIC_LEN);
	put_le(b + 8, VMAP_VERSION, 4);
	put_le(b + 12, (uint32_t)m->nentries, 4);
	r = vbuf_append(out, b, VMAP_BIN_HEADER_LEN);
	for (i = 0; i < m->nentries && r == 0; i++) {
		e = &m->entries[i];
		put_le(b, e->vid, 4);
		put_le(b + 4, e->pid, 4);
		put_le(b + 8, e->count, 4);
		put_le(b + 12, e->mask, 4);
		put_le(b + 16, entry_base(m, e), 8);
		r = vbuf_append(out, b, VMAP_BIN_ENTRY_LEN);
	}
	return r;
}

int map_write(const struct vmap *m, enum map_format fmt, const char *prefix,
	      const char *file, struct vbuf *out, struct vdt_diag *d)
{
	struct wctx c = { prefix ? prefix : MAP_PREFIX_DEFAULT, file, d };
	const char *bad;
	int r, n;

	if ((int)fmt < 0 || (int)fmt >= NFORMATS)
		return vdt_error(d, VDT_ERR_USAGE, file, NULL, NULL,
				 "no map format %d", (int)fmt);
	if (!map_prefix_ok(c.prefix))
		return vdt_error(d, VDT_ERR_USAGE, file, NULL, NULL,
				 "'%s' is not a C identifier of at most %d characters",
				 c.prefix, MAP_PREFIX_MAX);
	bad = fmt == MAP_FORMAT_YAML || fmt == MAP_FORMAT_JSON ? bad_name(m) :
								  NULL;
	for (n = 0; bad && n < 200 && bad[n] >= 0x20 && bad[n] < 0x7f; n++)
		;
	if (bad)
		return vdt_error(d, VDT_ERR_INPUT, file, NULL, NULL,
				 "cannot write %s: a name is not UTF-8: '%.*s...'",
				 formats[fmt].name, n, bad);
	r = formats[fmt].write(m, &c, out);
	if (r == -VDT_ERR_NOMEM)
		return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				 "out of memory");
	return r < 0 ? r : 0;
}

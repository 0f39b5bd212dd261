/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "export.h"

void vdt_diag_init(struct vdt_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void vdt_diag_free(struct vdt_diag *d)
{
	free(d->warnings);
	d->warnings = NULL;
	d->nwarnings = 0;
}

/* The length of the well-formed UTF-8 sequence at @p (2-4), with its code
 * point in *@cp, or 0 (no overlong forms, surrogates or > U+10FFFF). */
static int utf8_seq(const unsigned char *p, unsigned long *cp)
{
	int n, i;

	n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
	    (*p & 0xf8) == 0xf0 ? 4 : 0;
	if (!n)
		return 0;
	*cp = *p & (0x7fu >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3fu);
	}
	if (*cp < (n == 2 ? 0x80u : n == 3 ? 0x800u : 0x10000u) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* Unicode characters that end, fake or reorder a line on a terminal. */
static int unicode_control(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t vdt_escape(char *dst, size_t len, const char *src)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	char esc[16];
	const char *unit;
	size_t pos = 0, ulen;
	unsigned long cp;
	int n;

	if (len == 0)
		return 0;
	while (*p) {
		unit = (const char *)p;
		n = 1;
		if (*p == '\\')
			unit = "\\\\";
		else if (*p == '\n')
			unit = "\\n";
		else if (*p == '\r')
			unit = "\\r";
		else if (*p == '\t')
			unit = "\\t";
		else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			unit = esc;
		} else if (*p >= 0x80) {
			n = utf8_seq(p, &cp);
			if (n == 0) {
				n = 1;
				snprintf(esc, sizeof(esc), "\\x%02x", *p);
				unit = esc;
			} else if (unicode_control(cp)) {
				snprintf(esc, sizeof(esc), "\\u%04lx", cp);
				unit = esc;
			}
		}
		ulen = unit == (const char *)p ? (size_t)n : strlen(unit);
		if (pos + ulen >= len)
			break;
		memcpy(dst + pos, unit, ulen);
		pos += ulen;
		p += n;
	}
	dst[pos] = '\0';
	return pos;
}

/* The formatted text, escaped: arguments are often the inputs' names. */
static void vformat_escaped(char *dst, size_t len, const char *fmt,
			    va_list ap)
{
	char raw[4 * VDT_DIAG_MSG_LEN];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	vdt_escape(dst, len, raw);
}

static void fill_note(struct vdt_note *n, const char *file, const char *node,
		      const char *prop, const char *fmt, va_list ap)
{
	n->loud = 0;
	vdt_escape(n->file, sizeof(n->file), file);
	vdt_escape(n->node, sizeof(n->node), node);
	vdt_escape(n->prop, sizeof(n->prop), prop);
	vformat_escaped(n->text, sizeof(n->text), fmt, ap);
}

int vdt_error(struct vdt_diag *d, int code, const char *file, const char *node,
	      const char *prop, const char *fmt, ...)
{
	va_list ap;

	if (d->code == 0) {
		d->code = -code;
		va_start(ap, fmt);
		fill_note(&d->error, file, node, prop, fmt, ap);
		va_end(ap);
	}
	return -code;
}

int vdt_verror_line(struct vdt_diag *d, int code, const char *file,
		    unsigned long line, const char *prop, const char *fmt,
		    va_list ap)
{
	char where[VDT_DIAG_FILE_LEN];

	if (d->code == 0) {
		d->code = -code;
		snprintf(where, sizeof(where), "%s:%lu", file, line);
		fill_note(&d->error, where, NULL, prop, fmt, ap);
	}
	return -code;
}

void vdt_hint(struct vdt_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat_escaped(d->hint, sizeof(d->hint), fmt, ap);
	va_end(ap);
}

static int add_note(struct vdt_diag *d, int info, int loud, const char *file,
		    const char *node, const char *prop, const char *fmt,
		    va_list ap)
{
	struct vdt_note *w;

	w = realloc(d->warnings, (d->nwarnings + 1) * sizeof(*w));
	if (!w) {
		d->lost_warnings++;
		return -VDT_ERR_NOMEM;
	}
	d->warnings = w;
	w[d->nwarnings].info = info;
	fill_note(&w[d->nwarnings], file, node, prop, fmt, ap);
	w[d->nwarnings].loud = loud;
	d->nwarnings++;
	return 0;
}

int vdt_warn(struct vdt_diag *d, const char *file, const char *node,
	     const char *prop, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_note(d, 0, 0, file, node, prop, fmt, ap);
	va_end(ap);
	return r;
}

int vdt_warn_loud(struct vdt_diag *d, const char *file, const char *node,
		  const char *prop, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_note(d, 0, 1, file, node, prop, fmt, ap);
	va_end(ap);
	return r;
}

int vdt_info(struct vdt_diag *d, const char *file, const char *node,
	     const char *prop, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_note(d, 1, 0, file, node, prop, fmt, ap);
	va_end(ap);
	return r;
}

int vdt_note_format(const struct vdt_note *n, char *buf, size_t len)
{
	return snprintf(buf, len, "%s%s%s%s%s%s%s",
			n->file, n->file[0] ? ": " : "",
			n->node, n->node[0] ? ": " : "",
			n->prop, n->prop[0] ? ": " : "", n->text);
}

VDT_EXPORT const char *vdt_strerror(int code)
{
	static const char *const names[] = {
		[VDT_ERR_NOTFOUND] = "not found",
		[VDT_ERR_NOMEM] = "out of memory",
		[VDT_ERR_BADDT] = "malformed device tree",
		[VDT_ERR_INPUT] = "bad input",
		[VDT_ERR_UNSUPPORTED] = "unsupported",
		[VDT_ERR_CONFLICT] = "conflict",
		[VDT_ERR_EXHAUSTED] = "vID space exhausted",
		[VDT_ERR_IO] = "I/O error",
		[VDT_ERR_USAGE] = "bad option value",
	};

	if (code < 0)
		code = -code;
	if (code == 0)
		return "success";
	if ((size_t)code >= sizeof(names) / sizeof(names[0]) || !names[code])
		return "unknown error";
	return names[code];
}

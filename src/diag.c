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

static void copy_part(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static void fill_note(struct vdt_note *n, const char *file, const char *node,
		      const char *prop, const char *fmt, va_list ap)
{
	copy_part(n->file, sizeof(n->file), file);
	copy_part(n->node, sizeof(n->node), node);
	copy_part(n->prop, sizeof(n->prop), prop);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
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

void vdt_hint(struct vdt_diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->hint, sizeof(d->hint), fmt, ap);
	va_end(ap);
}

static int add_note(struct vdt_diag *d, int info, const char *file,
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
	d->nwarnings++;
	return 0;
}

int vdt_warn(struct vdt_diag *d, const char *file, const char *node,
	     const char *prop, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_note(d, 0, file, node, prop, fmt, ap);
	va_end(ap);
	return r;
}

int vdt_info(struct vdt_diag *d, const char *file, const char *node,
	     const char *prop, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = add_note(d, 1, file, node, prop, fmt, ap);
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

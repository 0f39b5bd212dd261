/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "vbuf.h"

void vbuf_init(struct vbuf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void vbuf_free(struct vbuf *b)
{
	free(b->data);
	vbuf_init(b);
}

static int reserve(struct vbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (more >= (size_t)-1 / 2 - b->len)
		return -VDT_ERR_NOMEM;
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p)
		return -VDT_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int vbuf_reserve(struct vbuf *b, size_t more)
{
	return reserve(b, more);
}

int vbuf_append(struct vbuf *b, const void *data, size_t len)
{
	int r = reserve(b, len);

	if (r < 0)
		return r;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int vbuf_printf(struct vbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -VDT_ERR_NOMEM;
	r = reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

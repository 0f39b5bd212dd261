/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_VBUF_H
#define VIOMMU_DTGEN_VBUF_H

/* A growable byte buffer: what the map writers render into. */

#include <stddef.h>

struct vbuf {
	char *data;		/* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
};

/** vbuf_init - an empty buffer (allocates nothing) */
void vbuf_init(struct vbuf *b);

/** vbuf_free - release the buffer; it is empty afterwards */
void vbuf_free(struct vbuf *b);

/**
 * vbuf_append - append @len bytes
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM, on allocation failure (the buffer is unchanged)
 */
int vbuf_append(struct vbuf *b, const void *data, size_t len);

/**
 * vbuf_reserve - make room for @more bytes beyond @b->len (and the NUL
 * after them), so that appending up to @more bytes allocates nothing
 *
 * returns: as vbuf_append()
 */
int vbuf_reserve(struct vbuf *b, size_t more);

/**
 * vbuf_printf - append formatted text
 *
 * returns: as vbuf_append()
 */
int vbuf_printf(struct vbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VIOMMU_DTGEN_VBUF_H */

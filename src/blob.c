/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "blob.h"

/* The first words of an FDT_PROP tag's body: its length and name offset. */
#define PROP_BODY 8

static int bad_blob(struct vdt_diag *d, const char *file, int offset,
		    const char *what)
{
	return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
			 "not a valid device tree blob: %s at structure offset %d",
			 what, offset);
}

static int libfdt_refused(struct vdt_diag *d, const char *file, int err)
{
	return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
			 "not a valid device tree blob: %s", fdt_strerror(err));
}

/*
 * The structure block's size: in the header from version 17 on, before
 * that all the blob holds after the block's offset (which
 * fdt_check_header() has checked is inside the blob).
 */
static uint32_t struct_size(const void *fdt)
{
	if (fdt_version(fdt) >= 17)
		return fdt_size_dt_struct(fdt);
	return fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
}

/* A property's name must be a string inside the strings block (for
 * version 16, libfdt 1.6.1 looks no further than the blob's end). */
static int name_in_strings(const void *fdt, uint32_t nameoff)
{
	const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
	uint32_t size = fdt_size_dt_strings(fdt);

	return nameoff < size && memchr(strings + nameoff, '\0', size - nameoff);
}

/*
 * An FDT_PROP tag at @offset, before fdt_next_tag() reads it: libfdt 1.6.1
 * adds the length to the offset unchecked (near 2^32 the walk wraps
 * around; at -12 it stays put and fdt_check_full() never returns), and
 * does not check the name offset of a version 16 blob.  The property must
 * fit in the structure block and name a string in the strings block.
 */
static int check_prop(const void *fdt, const char *file, int offset,
		      struct vdt_diag *d)
{
	const fdt32_t *body = fdt_offset_ptr(fdt, offset + FDT_TAGSIZE,
					     PROP_BODY);

	if (!body)
		return bad_blob(d, file, offset, "a property cut short");
	if ((uint64_t)offset + FDT_TAGSIZE + PROP_BODY + fdt32_to_cpu(body[0]) >
	    struct_size(fdt))
		return bad_blob(d, file, offset,
				"a property that runs past the structure block");
	if (!name_in_strings(fdt, fdt32_to_cpu(body[1])))
		return bad_blob(d, file, offset,
				"a property name outside the strings block");
	return 0;
}

/*
 * What fdt_check_full() of libfdt 1.6.1 does not check, or checks too
 * late: walked before it, over a blob whose header alone was checked.
 * Every property is checked before libfdt steps over it (check_prop()),
 * so each tag moves the walk forward.  The structure block must begin
 * with the root node (libfdt looks for it at offset 0), and every other
 * node must have a name, without '/'.  Stops quietly at what
 * fdt_check_full() reports (a tag libfdt cannot read); *@end receives
 * where the structure ends, if it does.
 */
static int check_structure(const void *fdt, const char *file,
			   uint32_t *end, struct vdt_diag *d)
{
	const fdt32_t *tagp;
	const char *name;
	int offset = 0, next, depth = 0, r;
	uint32_t tag;

	*end = 0;
	for (;; offset = next) {
		tagp = fdt_offset_ptr(fdt, offset, FDT_TAGSIZE);
		if (tagp && fdt32_to_cpu(*tagp) == FDT_PROP) {
			r = check_prop(fdt, file, offset, d);
			if (r < 0)
				return r;
		}
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0)
			return 0;
		if (offset == 0 && tag != FDT_BEGIN_NODE)
			return bad_blob(d, file, offset,
					"a structure block that does not begin with the root node");
		switch (tag) {
		case FDT_BEGIN_NODE:
			name = fdt_offset_ptr(fdt, offset + FDT_TAGSIZE, 1);
			if (depth++ > 0 && (!*name || strchr(name, '/')))
				return bad_blob(d, file, offset,
						*name ? "a node name with '/'" :
							"a node without a name");
			break;
		case FDT_END_NODE:
			depth--;
			break;
		case FDT_END:
			*end = (uint32_t)next;
			return 0;
		default:
			break;
		}
	}
}

/* [a, a + an) and [b, b + bn) share a byte. */
static int overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}

/* Whether two of the three blocks share bytes (@n reservations). */
static int blocks_overlap(const void *fdt, int n, uint32_t struct_end)
{
	uint32_t rsv = fdt_off_mem_rsvmap(fdt), st = fdt_off_dt_struct(fdt);
	uint32_t str = fdt_off_dt_strings(fdt), strn = fdt_size_dt_strings(fdt);
	uint32_t rsvn;

	rsvn = ((uint32_t)n + 1) * (uint32_t)sizeof(struct fdt_reserve_entry);
	return overlap(rsv, rsvn, st, struct_end) ||
	       overlap(rsv, rsvn, str, strn) ||
	       overlap(st, struct_end, str, strn);
}

/* The three blocks must not share bytes: where they do, libfdt reads one
 * block's bytes as another's (a made-up reservation, a name taken from
 * the structure). */
static int check_blocks(const void *fdt, const char *file, uint32_t struct_end,
			struct vdt_diag *d)
{
	int n = fdt_num_mem_rsv(fdt);

	if (n < 0)	/* fdt_check_full() has refused it already */
		return libfdt_refused(d, file, n);
	if (blocks_overlap(fdt, n, struct_end))
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: its blocks overlap");
	return 0;
}

/* The header: every check of blob_check() that looks at it alone. */
static int check_header(const void *fdt, size_t size, const char *file,
			struct vdt_diag *d)
{
	int r;

	if (size < FDT_V1_SIZE)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: %zu bytes, shorter than a header",
				 size);
	/* Only a finished blob: libfdt would also take one being built
	 * with its sequential-write API, which its checker does not check. */
	if (fdt_magic(fdt) != FDT_MAGIC)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: bad magic number 0x%x",
				 fdt_magic(fdt));
	if (fdt_totalsize(fdt) > size)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: its header says %u bytes, the file holds %zu",
				 fdt_totalsize(fdt), size);
	/* The format puts each block at an aligned offset; libfdt 1.6.1
	 * does not check it, and reads cells through aligned pointers. */
	if (fdt_off_dt_struct(fdt) % 4 || fdt_off_mem_rsvmap(fdt) % 8)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: a block starts at an unaligned offset");
	/* Before version 16 a node was named by its full path, and libfdt
	 * 1.6.1's fdt_check_full() reads through a NULL name when one is
	 * not: only the formats dtc and libfdt write (16, 17) are read. */
	if (fdt_version(fdt) < 16)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: format version %u, older than 16, is not supported",
				 fdt_version(fdt));
	r = fdt_check_header(fdt);
	if (r < 0)
		return libfdt_refused(d, file, r);
	return 0;
}

/* The structure, the way libfdt checks it, with messages: slow (libfdt
 * scans node names byte by byte), used to say why walk() refused. */
static int check_slowly(const void *fdt, size_t size, const char *file,
			struct vdt_diag *d)
{
	uint32_t end;
	int r;

	r = check_structure(fdt, file, &end, d);
	if (r < 0)
		return r;
	r = fdt_check_full(fdt, size);
	if (r < 0)
		return libfdt_refused(d, file, r);
	return check_blocks(fdt, file, end, d);
}

/* @x rounded up to a tag boundary; 1 past the block it cannot reach. */
static int tag_align(uint64_t x, uint32_t limit, uint32_t *off)
{
	x = (x + FDT_TAGSIZE - 1) & ~(uint64_t)(FDT_TAGSIZE - 1);
	if (x > limit)
		return 1;
	*off = (uint32_t)x;
	return 0;
}

static uint32_t load32(const char *p)
{
	fdt32_t v;

	memcpy(&v, p, sizeof(v));
	return fdt32_to_cpu(v);
}

/* Where the walk stands: the visitor and what libfdt would let it see. */
struct walk {
	const struct blob_visitor *v;
	void *ctx;
	const char *base;	/* the structure block */
	const char *strings;
	uint32_t limit;		/* the structure block's size */
	uint32_t nstrings;	/* the strings block's size */
	int strings_end_nul;	/* it ends with a NUL: every name in it does */
	int depth;
	int props;		/* properties here belong to the last node */
};

/* An FDT_BEGIN_NODE at @off: 1 refused, else as the visitor. */
static int walk_node(struct walk *w, uint32_t *off)
{
	const char *name = w->base + *off + FDT_TAGSIZE;
	const char *nul = memchr(name, '\0', w->limit - *off - FDT_TAGSIZE);
	uint32_t len;
	int r;

	if (!nul)
		return 1;
	len = (uint32_t)(nul - name);
	/* The root's name is empty (fdt_check_full()); no other is, and
	 * none holds a '/' (check_structure()). */
	if (w->depth == 0 ? len != 0 : len == 0 || memchr(name, '/', len))
		return 1;
	if (w->v && w->v->node) {
		r = w->v->node(w->ctx, (int)*off, name, (int)len, w->depth);
		if (r < 0)
			return r;
	}
	w->depth++;
	w->props = 1;
	return tag_align((uint64_t)*off + FDT_TAGSIZE + len + 1, w->limit, off);
}

/* An FDT_PROP at @off: check_prop()'s checks (the value must end in the
 * block: tag_align()), and fdt_check_full()'s (which fdt_get_string()
 * makes on the name). */
static int walk_prop(struct walk *w, uint32_t *off)
{
	uint32_t len, nameoff, at = *off;
	const char *name;

	if (w->limit - at < FDT_TAGSIZE + PROP_BODY)
		return 1;
	len = load32(w->base + at + FDT_TAGSIZE);
	nameoff = load32(w->base + at + FDT_TAGSIZE + 4);
	if (nameoff >= w->nstrings || nameoff > INT32_MAX ||
	    (!w->strings_end_nul &&
	     !memchr(w->strings + nameoff, '\0', w->nstrings - nameoff)))
		return 1;
	name = w->strings + nameoff;
	if (tag_align((uint64_t)at + FDT_TAGSIZE + PROP_BODY + len, w->limit,
		      off))
		return 1;
	if (w->props && w->v && w->v->prop)
		return w->v->prop(w->ctx, name,
				  w->base + at + FDT_TAGSIZE + PROP_BODY,
				  (int)len);
	return 0;
}

/*
 * Every check of check_structure() and fdt_check_full() in one pass,
 * reading the block directly; *@end receives where the structure ends.
 * Returns 0 for a blob both accept, 1 for one either refuses (without a
 * message), or a negative code from the visitor.
 */
static int walk(struct walk *w, uint32_t *end)
{
	uint32_t off = 0, tag;
	int expect_end = 0, r;

	for (;;) {
		if (off > w->limit || w->limit - off < FDT_TAGSIZE)
			return 1;
		tag = load32(w->base + off);
		if ((off == 0 && tag != FDT_BEGIN_NODE) ||
		    (expect_end && tag != FDT_END))
			return 1;
		switch (tag) {
		case FDT_BEGIN_NODE:
			r = walk_node(w, &off);
			break;
		case FDT_PROP:
			r = walk_prop(w, &off);
			break;
		case FDT_NOP:
			off += FDT_TAGSIZE;
			r = 0;
			break;
		case FDT_END_NODE:
			if (w->depth == 0)
				return 1;
			expect_end = --w->depth == 0;
			w->props = 0;
			off += FDT_TAGSIZE;
			r = w->v && w->v->end ? w->v->end(w->ctx) : 0;
			break;
		case FDT_END:
			if (w->depth != 0)
				return 1;
			*end = off + FDT_TAGSIZE;
			return 0;
		default:
			return 1;
		}
		if (r != 0)
			return r;
	}
}

int blob_walk(const void *fdt, size_t size, const char *file,
	      const struct blob_visitor *v, void *ctx, struct vdt_diag *d)
{
	struct walk w;
	uint32_t end = 0;
	int r, n;

	r = check_header(fdt, size, file, d);
	if (r < 0)
		return r;
	memset(&w, 0, sizeof(w));
	w.v = v;
	w.ctx = ctx;
	w.base = (const char *)fdt + fdt_off_dt_struct(fdt);
	w.strings = (const char *)fdt + fdt_off_dt_strings(fdt);
	w.limit = struct_size(fdt);
	w.nstrings = fdt_size_dt_strings(fdt);
	w.strings_end_nul = w.nstrings > 0 && w.strings[w.nstrings - 1] == '\0';
	r = walk(&w, &end);
	if (r < 0)
		return r;
	n = fdt_num_mem_rsv(fdt);
	if (r == 0 && n >= 0 && !blocks_overlap(fdt, n, end))
		return 0;
	/* Refused: the slow checks say why. */
	r = check_slowly(fdt, size, file, d);
	if (r < 0)
		return r;
	return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
			 "not a valid device tree blob: a malformed structure block");
}

int blob_check(const void *fdt, size_t size, const char *file,
	       struct vdt_diag *d)
{
	return blob_walk(fdt, size, file, NULL, NULL, d);
}

/* Whether @node is a node's offset in @fdt (not for libfdt to refuse). */
static int is_node(const void *fdt, int node)
{
	uint32_t limit = struct_size(fdt);

	return node >= 0 && node % FDT_TAGSIZE == 0 &&
	       limit >= 2 * FDT_TAGSIZE &&
	       (uint32_t)node <= limit - 2 * FDT_TAGSIZE &&
	       load32((const char *)fdt + fdt_off_dt_struct(fdt) + node) ==
		       FDT_BEGIN_NODE;
}

/* The offset after the tag at @off of a checked blob's structure @base. */
static uint32_t next_tag(const char *base, uint32_t off)
{
	switch (load32(base + off)) {
	case FDT_BEGIN_NODE:
		off += FDT_TAGSIZE + (uint32_t)strlen(base + off + FDT_TAGSIZE) + 1;
		break;
	case FDT_PROP:
		off += FDT_TAGSIZE + PROP_BODY +
		       load32(base + off + FDT_TAGSIZE);
		break;
	default:
		off += FDT_TAGSIZE;
	}
	return (off + FDT_TAGSIZE - 1) & ~(uint32_t)(FDT_TAGSIZE - 1);
}

const void *blob_getprop(const void *fdt, int node, const char *name,
			 int *lenp)
{
	const char *base = (const char *)fdt + fdt_off_dt_struct(fdt);
	const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
	uint32_t off, len;

	if (!is_node(fdt, node))
		return fdt_getprop(fdt, node, name, lenp);
	off = next_tag(base, (uint32_t)node);
	/* Its properties: up to the first tag that is none (or a NOP). */
	for (;;) {
		switch (load32(base + off)) {
		case FDT_NOP:
			off += FDT_TAGSIZE;
			continue;
		case FDT_PROP:
			len = load32(base + off + FDT_TAGSIZE);
			if (strcmp(strings +
				   load32(base + off + FDT_TAGSIZE + 4),
				   name) == 0) {
				if (lenp)
					*lenp = (int)len;
				return base + off + FDT_TAGSIZE + PROP_BODY;
			}
			off = (off + FDT_TAGSIZE + PROP_BODY + len +
			       FDT_TAGSIZE - 1) & ~(uint32_t)(FDT_TAGSIZE - 1);
			continue;
		default:
			if (lenp)
				*lenp = -FDT_ERR_NOTFOUND;
			return NULL;
		}
	}
}

int blob_next_node(const void *fdt, int offset, int *depth)
{
	const char *base = (const char *)fdt + fdt_off_dt_struct(fdt);
	uint32_t off = 0, next;

	if (offset >= 0) {
		if (!is_node(fdt, offset))
			return fdt_next_node(fdt, offset, depth);
		off = next_tag(base, (uint32_t)offset);
	}
	for (;; off = next) {
		next = next_tag(base, off);
		switch (load32(base + off)) {
		case FDT_BEGIN_NODE:
			if (depth)
				(*depth)++;
			return (int)off;
		case FDT_END_NODE:
			if (depth && --*depth < 0)
				return (int)next;
			break;
		case FDT_END:
			return -FDT_ERR_NOTFOUND;
		default:
			break;
		}
	}
}

uint32_t blob_next_tag(const void *fdt, int offset, int *next)
{
	const char *base = (const char *)fdt + fdt_off_dt_struct(fdt);

	*next = (int)next_tag(base, (uint32_t)offset);
	return load32(base + offset);
}

const char *blob_node_name(const void *fdt, int offset)
{
	return (const char *)fdt + fdt_off_dt_struct(fdt) + offset +
	       FDT_TAGSIZE;
}

const void *blob_prop(const void *fdt, int offset, const char **name,
		      int *len)
{
	const char *p = (const char *)fdt + fdt_off_dt_struct(fdt) + offset;

	*len = (int)load32(p + FDT_TAGSIZE);
	*name = (const char *)fdt + fdt_off_dt_strings(fdt) +
		load32(p + FDT_TAGSIZE + 4);
	return p + FDT_TAGSIZE + PROP_BODY;
}

uint32_t blob_get_phandle(const void *fdt, int node)
{
	const void *p;
	fdt32_t v;
	int len;

	p = blob_getprop(fdt, node, "phandle", &len);
	if (!p || len != (int)sizeof(v)) {
		p = blob_getprop(fdt, node, "linux,phandle", &len);
		if (!p || len != (int)sizeof(v))
			return 0;
	}
	memcpy(&v, p, sizeof(v));
	return fdt32_to_cpu(v);
}

/* libfdt 1.6.1's fdt_cells(). */
static int cells(const void *fdt, int node, const char *name)
{
	const void *p;
	uint32_t val;
	int len;

	p = blob_getprop(fdt, node, name, &len);
	if (!p)
		return len;
	if (len != 4)
		return -FDT_ERR_BADNCELLS;
	val = load32(p);
	if (val > FDT_MAX_NCELLS)
		return -FDT_ERR_BADNCELLS;
	return (int)val;
}

int blob_address_cells(const void *fdt, int node)
{
	int val = cells(fdt, node, "#address-cells");

	if (val == 0)
		return -FDT_ERR_BADNCELLS;
	return val == -FDT_ERR_NOTFOUND ? 2 : val;
}

int blob_size_cells(const void *fdt, int node)
{
	int val = cells(fdt, node, "#size-cells");

	return val == -FDT_ERR_NOTFOUND ? 1 : val;
}

const char *blob_path(const void *fdt, int node, char *buf, size_t len)
{
	if (fdt_get_path(fdt, node, buf, (int)len) < 0)
		snprintf(buf, len, "<node at offset %d>", node);
	return buf;
}

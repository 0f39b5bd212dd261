/* SPDX-License-Identifier: BSD-2-Clause */
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

/* The three blocks must not share bytes: where they do, libfdt reads one
 * block's bytes as another's (a made-up reservation, a name taken from
 * the structure). */
static int check_blocks(const void *fdt, const char *file, uint32_t struct_end,
			struct vdt_diag *d)
{
	uint32_t rsv = fdt_off_mem_rsvmap(fdt), st = fdt_off_dt_struct(fdt);
	uint32_t str = fdt_off_dt_strings(fdt), strn = fdt_size_dt_strings(fdt);
	int n = fdt_num_mem_rsv(fdt);
	uint32_t rsvn;

	if (n < 0)	/* fdt_check_full() has refused it already */
		return libfdt_refused(d, file, n);
	rsvn = ((uint32_t)n + 1) * (uint32_t)sizeof(struct fdt_reserve_entry);
	if (overlap(rsv, rsvn, st, struct_end) || overlap(rsv, rsvn, str, strn) ||
	    overlap(st, struct_end, str, strn))
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: its blocks overlap");
	return 0;
}

int blob_check(const void *fdt, size_t size, const char *file,
	       struct vdt_diag *d)
{
	uint32_t end;
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
	r = check_structure(fdt, file, &end, d);
	if (r < 0)
		return r;
	r = fdt_check_full(fdt, size);
	if (r < 0)
		return libfdt_refused(d, file, r);
	return check_blocks(fdt, file, end, d);
}

const char *blob_path(const void *fdt, int node, char *buf, size_t len)
{
	if (fdt_get_path(fdt, node, buf, (int)len) < 0)
		snprintf(buf, len, "<node at offset %d>", node);
	return buf;
}

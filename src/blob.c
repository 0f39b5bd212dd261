/* SPDX-License-Identifier: BSD-2-Clause */
#include <libfdt.h>

#include "blob.h"

/*
 * The structure block's size: in the header from version 17 on, before
 * that all the blob holds after the block's offset (which
 * fdt_check_full() has checked is inside the blob).
 */
static uint32_t struct_size(const void *fdt)
{
	if (fdt_version(fdt) >= 17)
		return fdt_size_dt_struct(fdt);
	return fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
}

/*
 * libfdt 1.6.1's fdt_next_tag() lets a property length near 2^32 wrap
 * around, so fdt_check_full() can pass a property that fdt_getprop() then
 * returns with a negative length: refuse any such property.
 */
static int check_prop_lengths(const void *fdt, const char *file,
			      struct vdt_diag *d)
{
	const struct fdt_property *prop;
	int offset = 0, next, len;
	uint32_t tag;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		if (tag == FDT_PROP) {
			prop = fdt_get_property_by_offset(fdt, offset, &len);
			if (!prop || len < 0 ||
			    (uint32_t)len > struct_size(fdt))
				return vdt_error(d, VDT_ERR_BADDT, file, NULL,
						 NULL,
						 "not a valid device tree blob: the property at structure offset %d is %d bytes long",
						 offset, len);
		}
		offset = next;
	} while (tag != FDT_END && next >= 0);
	return 0;
}

int blob_check(const void *fdt, size_t size, const char *file,
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
	r = fdt_check_full(fdt, size);
	if (r < 0)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: %s",
				 fdt_strerror(r));
	return check_prop_lengths(fdt, file, d);
}

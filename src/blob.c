/* SPDX-License-Identifier: BSD-2-Clause */
#include <libfdt.h>

#include "blob.h"

int blob_check(const void *fdt, size_t size, const char *file,
	       struct vdt_diag *d)
{
	int r;

	if (size < FDT_V1_SIZE)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: %zu bytes, shorter than a header",
				 size);
	if (fdt_magic(fdt) == FDT_MAGIC && fdt_totalsize(fdt) > size)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: its header says %u bytes, the file holds %zu",
				 fdt_totalsize(fdt), size);
	r = fdt_check_full(fdt, size);
	if (r < 0)
		return vdt_error(d, VDT_ERR_BADDT, file, NULL, NULL,
				 "not a valid device tree blob: %s",
				 fdt_strerror(r));
	return 0;
}

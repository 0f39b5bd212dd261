/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_FDT_OUT_H
#define VIOMMU_DTGEN_FDT_OUT_H

/*
 * A device tree blob written in one pass, front to back, into a buffer
 * that grows: the blob libfdt 1.6.1's sequential-write API (fdt_create()
 * ... fdt_finish()) makes of the same calls, byte for byte, without its
 * costs.  libfdt looks each property name up by scanning its whole
 * strings block (a partial DT with many names costs the square of their
 * number) and fails with -FDT_ERR_NOSPACE when its fixed buffer is full
 * (the blob is then built again in a larger one).
 *
 * libfdt's layout, kept here: the header (40 bytes, padded to 48), the
 * reservations and their terminator, the structure block, then the
 * strings block, which holds each name at its first use, the newest
 * first; a name is stored once, and a name that ends another stored name
 * (the name "phandle" after "linux,phandle") is that name's tail: the
 * newest stored name that ends with it.
 */

#include <stddef.h>
#include <stdint.h>

#include "u64map.h"

/* A blob may not grow past this many bytes. */
#define FDT_OUT_MAX ((size_t)1 << 30)

struct fdt_out {
	char *buf;		/* header, reservations, structure */
	size_t len, cap;
	char *str;		/* names, the oldest first */
	size_t slen, scap;
	uint32_t *sends;	/* by name, in order: where it ends in str */
	size_t nnames, names_cap;
	uint32_t *fix;		/* where each property's name offset is */
	size_t nfix, fix_cap;
	struct u64map tails;	/* key of a tail looked up or expected ->
				 * newest name ending so, or INT32_MAX */
	size_t rsv_done;	/* where the structure starts, once the
				 * reservations are finished; else 0 */
};

/**
 * fdt_out_init - start a blob (fdt_create())
 * @hint: the bytes the blob is expected to take (structure and names);
 *	it grows past them as needed
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM
 */
int fdt_out_init(struct fdt_out *o, size_t hint);

/**
 * fdt_out_expect_names - the names the properties will mostly have
 * @names: NUL-terminated names, one after the other (a strings block;
 *	bytes after the last NUL are ignored)
 * @len: bytes at @names
 *
 * Optional, before the first property: the first use of a name neither
 * expected nor used before costs a look at every stored name; that of an
 * expected one does not.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM
 *	-VDT_ERR_UNSUPPORTED, after the first property
 */
int fdt_out_expect_names(struct fdt_out *o, const char *names, size_t len);

/** fdt_out_free - release what @o holds (a finished blob is the caller's) */
void fdt_out_free(struct fdt_out *o);

/**
 * fdt_out_add_rsv - a memory reservation (fdt_add_reservemap_entry()),
 * before fdt_out_finish_rsv()
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM
 *	-VDT_ERR_UNSUPPORTED, past FDT_OUT_MAX bytes
 */
int fdt_out_add_rsv(struct fdt_out *o, uint64_t addr, uint64_t size);

/**
 * fdt_out_finish_rsv - end the reservations (fdt_finish_reservemap());
 * nodes follow
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_finish_rsv(struct fdt_out *o);

/**
 * fdt_out_begin_node - begin a node named @name (fdt_begin_node())
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_begin_node(struct fdt_out *o, const char *name);

/**
 * fdt_out_end_node - end the node begun last (fdt_end_node())
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_end_node(struct fdt_out *o);

/**
 * fdt_out_placeholder - a property @name of @len bytes whose value the
 * caller writes at *@valp (fdt_property_placeholder()); *@valp is valid
 * until the next call on @o
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_placeholder(struct fdt_out *o, const char *name, int len,
			void **valp);

/**
 * fdt_out_property - a property @name of @len bytes at @val
 * (fdt_property())
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_property(struct fdt_out *o, const char *name, const void *val,
		     int len);

/**
 * fdt_out_property_u32 - a property of one cell (fdt_property_u32())
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_property_u32(struct fdt_out *o, const char *name, uint32_t val);

/**
 * fdt_out_property_string - a string property (fdt_property_string())
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_property_string(struct fdt_out *o, const char *name,
			    const char *s);

/**
 * fdt_out_finish - end the blob (fdt_finish()) and hand it over
 * @fdt, @size: receive the blob, which the caller frees, and its size;
 *	@o is left empty
 * @boot_cpuid: the header's boot_cpuid_phys
 *
 * returns: as fdt_out_add_rsv()
 */
int fdt_out_finish(struct fdt_out *o, uint32_t boot_cpuid, void **fdt,
		   size_t *size);

#endif /* VIOMMU_DTGEN_FDT_OUT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_H
#define VIOMMU_DTGEN_H

/*
 * libviommu-dtgen: virtual IOMMU IDs for Xen on Arm passthrough devices.
 *
 * Open a host device tree once with vdt_host_open(), then run any number
 * of guests' partial device trees against it with vdt_run(): each run
 * gives the rewritten partial tree, optionally the guest's view, and the
 * vID map, read through accessors and rendered with vdt_map_render().
 * See viommu-dtgen(3).
 *
 * Every function that can fail returns a value >= 0 on success or a
 * negative VDT_ERR_* code, and then says why in the struct vdt_diag it was
 * given (file, node, property, message).  The library never prints, exits
 * or touches a file.  Handles are not shared between threads without a
 * lock, except a vdt_host, which runs only read once it is open.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; vdt_version() gives the library's. */
#define VDT_VERSION_STRING "0.2.0"

/* Error codes, returned negated.  NOTFOUND ends a search, not a run. */
enum vdt_err {
	VDT_ERR_NOTFOUND = 1,	/* a search found nothing; not a failure */
	VDT_ERR_NOMEM,		/* memory allocation failed */
	VDT_ERR_BADDT,		/* a blob or a property is malformed */
	VDT_ERR_INPUT,		/* the inputs contradict each other or the rules */
	VDT_ERR_UNSUPPORTED,	/* valid input this version cannot handle */
	VDT_ERR_CONFLICT,	/* two requests (pins, phandles) cannot both hold */
	VDT_ERR_EXHAUSTED,	/* the vID space is full */
	VDT_ERR_IO,		/* reading, writing or running a program failed */
	VDT_ERR_USAGE,		/* an option value is out of range */
};

/* vID allocation policies (viommu-dtgen(1), ALLOCATION). */
enum vdt_policy {
	VDT_POLICY_COMPACT,	/* lowest free vIDs, in document order */
	VDT_POLICY_IDENTITY,	/* vID = pID where it can */
};

/* Who allocates the vIDs (viommu-dtgen(1), WHICH XEN?). */
enum vdt_xen_abi {
	VDT_ABI_DEVID_MAP,	/* the 2022 proposal: this library, map to Xen */
	VDT_ABI_NONE,		/* released Xen: guests get no IOMMU */
	VDT_ABI_VSMMUV3_V3,	/* the vSMMUv3 series v3: Xen, from pSIDs */
};

/* Who merges the partial tree into the guest's. */
enum vdt_builder {
	VDT_BUILDER_NONE,	/* nobody: the output is the guest's tree */
	VDT_BUILDER_LIBXL,	/* xl's device_tree= */
	VDT_BUILDER_DOM0LESS,	/* Xen's dom0less builder */
};

/* Map table forms (viommu-map(5)). */
enum vdt_map_format {
	VDT_MAP_YAML,
	VDT_MAP_XL,		/* the 2022 proposal's iommu_devid_map */
	VDT_MAP_JSON,
	VDT_MAP_C,		/* a C header */
	VDT_MAP_BIN,		/* little-endian table for firmware */
	VDT_MAP_XL_RANGES,	/* VDT_MAP_XL, a range as one element */
};

/* What a diagnostic message is. */
enum vdt_diag_kind {
	VDT_DIAG_ERROR,
	VDT_DIAG_HINT,		/* follows the error */
	VDT_DIAG_WARNING,
	VDT_DIAG_NOTE,		/* information, such as a freed lock entry */
};

struct vdt_diag;
struct vdt_opts;
struct vdt_host;
struct vdt_result;
struct vdt_map;

/* One entry of a map: vIDs vid..vid+count-1 stand for pIDs pid.. */
struct vdt_map_entry {
	uint32_t vid;
	uint32_t count;
	uint32_t pid;
	uint32_t mask;		/* SMR mask of a 2-cell specifier, or 0 */
	uint64_t piommu_base;	/* the physical IOMMU's base; 0 for vPCI */
	const char *piommu_path; /* its host path; NULL for vPCI or a bare map */
	int vpci;		/* Xen's vPCI block (vdt_opts_set_vpci()) */
};

/**
 * vdt_version - the library's version, e.g. "0.2.0"
 *
 * returns: a static string
 */
const char *vdt_version(void);

/**
 * vdt_strerror - a short name for a VDT_ERR_* code, negated or not
 *
 * returns: a static string ("unknown error" for other values)
 */
const char *vdt_strerror(int code);

/* ---- diagnostics ---- */

/**
 * vdt_diag_new - an empty diagnostics record, for any number of calls
 *
 * returns: the record, or NULL when out of memory
 */
struct vdt_diag *vdt_diag_new(void);

/** vdt_diag_delete - free @d (NULL is allowed) */
void vdt_diag_delete(struct vdt_diag *d);

/** vdt_diag_clear - forget every message of @d, to reuse it */
void vdt_diag_clear(struct vdt_diag *d);

/**
 * vdt_diag_code - the error @d holds
 *
 * returns: 0, or the negative VDT_ERR_* code of the error
 */
int vdt_diag_code(const struct vdt_diag *d);

/**
 * vdt_diag_count - how many messages @d holds: the error and its hint
 * first, then warnings and notes in the order they were made
 *
 * returns: the number, >= 0
 */
int vdt_diag_count(const struct vdt_diag *d);

/**
 * vdt_diag_get - message @i of @d as one line, "FILE: NODE: PROP: TEXT"
 * @kind: receives what the message is (may be NULL)
 * @buf, @len: destination, NUL-terminated (truncated if too small)
 *
 * returns:
 *	the length of the whole line, >= 0 (>= @len: it was truncated)
 *	-VDT_ERR_NOTFOUND, for @i outside [0, vdt_diag_count())
 */
int vdt_diag_get(const struct vdt_diag *d, int i, enum vdt_diag_kind *kind,
		 char *buf, size_t len);

/* ---- options ---- */

/**
 * vdt_opts_new - options with Xen's defaults: compact, vIDs [0, 2^16),
 * the vIOMMU at 0x04040000 size 0x40000, phandle 0xfdea, SPI 33,
 * VDT_ABI_DEVID_MAP, VDT_BUILDER_NONE, no guest view
 *
 * returns: the options, or NULL when out of memory
 */
struct vdt_opts *vdt_opts_new(void);

/** vdt_opts_delete - free @o (NULL is allowed) */
void vdt_opts_delete(struct vdt_opts *o);

/*
 * Setters.  Each returns 0, or -VDT_ERR_USAGE for a value that is no
 * member of its enum; combinations are checked by vdt_run().
 */
int vdt_opts_set_policy(struct vdt_opts *o, enum vdt_policy policy);
int vdt_opts_set_xen_abi(struct vdt_opts *o, enum vdt_xen_abi abi);
int vdt_opts_set_builder(struct vdt_opts *o, enum vdt_builder builder);

/**
 * vdt_opts_set_vid_space - vIDs are allocated in [@base, 2^@bits)
 *
 * returns: 0 (checked by vdt_run())
 */
int vdt_opts_set_vid_space(struct vdt_opts *o, uint32_t base,
			   unsigned int bits);

/**
 * vdt_opts_set_viommu - the vIOMMU node's phandle, registers and SPI
 *
 * returns: 0 (checked by vdt_run())
 */
int vdt_opts_set_viommu(struct vdt_opts *o, uint32_t phandle, uint64_t base,
			uint64_t size, uint32_t spi);

/**
 * vdt_opts_set_flags - booleans: @no_viommu_node (rewrite references
 * only), @vpci (the series' libxl takes 0x1000 vSIDs first), @guest_view
 * (also write the guest's view)
 *
 * returns: 0
 */
int vdt_opts_set_flags(struct vdt_opts *o, int no_viommu_node, int vpci,
		       int guest_view);

/**
 * vdt_opts_set_allow - the host paths a guest may be given
 * @paths, @n: the paths, copied; @paths NULL: any path (the default)
 *
 * returns: 0, or -VDT_ERR_NOMEM
 */
int vdt_opts_set_allow(struct vdt_opts *o, const char *const *paths, int n);

/**
 * vdt_opts_set_lock - keep the vIDs of an earlier map
 * @lock: the map (from vdt_map_parse()); it must outlive every run of @o;
 *	NULL: no lock
 * @name: its name, for messages
 *
 * returns: 0
 */
int vdt_opts_set_lock(struct vdt_opts *o, const struct vdt_map *lock,
		      const char *name);

/* ---- the host tree ---- */

/**
 * vdt_host_open - check and index a host device tree once
 * @blob, @size: the DTB (copied: it may be freed after the call)
 * @name: its name in messages
 * @host: receives the handle
 * @d: receives the error
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, for a blob that is not a well-formed device tree
 *	-VDT_ERR_NOMEM
 */
int vdt_host_open(const void *blob, size_t size, const char *name,
		  struct vdt_host **host, struct vdt_diag *d);

/** vdt_host_close - free @h (NULL is allowed) */
void vdt_host_close(struct vdt_host *h);

/* ---- a guest ---- */

/**
 * vdt_run - resolve a guest's partial tree against @host, allocate and
 * rewrite
 * @host: an open host; it is only read
 * @o: options (NULL: the defaults)
 * @partial, @size, @name: the partial DTB and its name in messages
 * @res: receives the result (free with vdt_result_free()); NULL on error
 * @d: receives the error, and any warnings and notes
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_USAGE, for option values out of range or combinations
 *	that do not go together
 *	-VDT_ERR_BADDT, -VDT_ERR_INPUT, -VDT_ERR_UNSUPPORTED,
 *	-VDT_ERR_CONFLICT, -VDT_ERR_EXHAUSTED, for bad or unsatisfiable input
 *	-VDT_ERR_NOMEM
 */
int vdt_run(const struct vdt_host *host, const struct vdt_opts *o,
	    const void *partial, size_t size, const char *name,
	    struct vdt_result **res, struct vdt_diag *d);

/** vdt_result_free - free @r (NULL is allowed) */
void vdt_result_free(struct vdt_result *r);

/**
 * vdt_result_dtb - the rewritten partial tree, a packed DTB
 * @size: receives its size
 *
 * returns: the blob, owned by @r
 */
const void *vdt_result_dtb(const struct vdt_result *r, size_t *size);

/**
 * vdt_result_guest_view - the guest's view, a packed DTB
 * @size: receives its size (0 without one)
 *
 * returns: the blob, owned by @r, or NULL unless the guest view was asked
 */
const void *vdt_result_guest_view(const struct vdt_result *r, size_t *size);

/**
 * vdt_result_map - the vID map of the run
 *
 * returns: the map, owned by @r
 */
const struct vdt_map *vdt_result_map(const struct vdt_result *r);

/* ---- maps ---- */

/**
 * vdt_map_count - the number of entries of @m, sorted by vID
 *
 * returns: the number, >= 0
 */
int vdt_map_count(const struct vdt_map *m);

/**
 * vdt_map_entry - entry @i of @m
 * @e: receives it; its strings are owned by @m
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOTFOUND, for @i outside [0, vdt_map_count())
 */
int vdt_map_entry(const struct vdt_map *m, int i, struct vdt_map_entry *e);

/**
 * vdt_map_render - @m in form @fmt, in memory
 * @prefix: the C form's name prefix (NULL: "viommu_map")
 * @name: the output's name, for messages
 * @buf, @len: receive the bytes (free(*@buf)); NUL-terminated beyond @len
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_USAGE, for a bad @fmt or @prefix, or an xl form of a map
 *	whose vIDs Xen allocates
 *	-VDT_ERR_INPUT, for a name that is not UTF-8 (YAML, JSON) or an SMR
 *	mask in the xl form
 *	-VDT_ERR_NOMEM
 */
int vdt_map_render(const struct vdt_map *m, enum vdt_map_format fmt,
		   const char *prefix, const char *name, char **buf,
		   size_t *len, struct vdt_diag *d);

/**
 * vdt_map_parse - read a YAML, JSON or binary map from memory (the form is
 * recognised by its contents)
 * @name: its name in messages
 * @m: receives the map (free with vdt_map_free()); NULL on error
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_BADDT, for a malformed map, naming line and column
 *	-VDT_ERR_NOMEM
 */
int vdt_map_parse(const void *buf, size_t len, const char *name,
		  struct vdt_map **m, struct vdt_diag *d);

/** vdt_map_free - free a map from vdt_map_parse() (NULL is allowed) */
void vdt_map_free(struct vdt_map *m);

#ifdef __cplusplus
}
#endif

#endif /* VIOMMU_DTGEN_H */

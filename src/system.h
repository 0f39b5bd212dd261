/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_SYSTEM_H
#define VIOMMU_DTGEN_SYSTEM_H

/*
 * A whole dom0less system: one host tree, many guests (viommu-dtgen(1),
 * SYSTEM MODE).  The description a system file (sysfile.h) or an
 * ImageBuilder config (ibconfig.h) gives, the rules that hold across
 * guests (S1-S4), the host tree marked with "xen,passthrough", and the
 * system's own outputs: the system map and the ImageBuilder fragment.
 * Nothing here prints, exits or touches a file.
 */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hostdt_query.h"
#include "vbuf.h"
#include "vmap.h"

/* The longest guest name: a file name component with room for suffixes. */
#define SYSTEM_NAME_MAX 64
/* The most guests, and host paths of one guest. */
#define SYSTEM_MAX_GUESTS 256
#define SYSTEM_MAX_PATHS 4096

/* One guest.  Enumerations hold -1 where the description says nothing. */
struct system_guest {
	char *name;		/* a safe file name component */
	int line;		/* where it is described (1-based), or 0 */
	int index;		/* ImageBuilder's n of DOMU_*[n]: its position */
	char *partial;		/* a partial DT file, or NULL */
	char **paths;		/* host paths (their guest's devices), or NULL */
	int npaths;
	char *allow_list;	/* a --allow-list file, or NULL */
	char *lock;		/* a --lock map, or NULL */
	int abi;		/* enum vdt_xen_abi, or -1 */
	int builder;		/* enum vdt_builder, or -1 */
	int policy;		/* enum vdt_policy, or -1 */
	int noboot;		/* ImageBuilder's DOMU_NOBOOT[n] */
};

struct system_desc {
	char *host;		/* the host tree's file */
	int abi;		/* defaults of every guest, or -1 */
	int builder;
	struct system_guest *guests;
	int nguests;
};

/** system_desc_free - release everything @s owns; it is left empty */
void system_desc_free(struct system_desc *s);

/**
 * system_name_ok - whether @name may name a guest: 1 to SYSTEM_NAME_MAX
 * characters of [A-Za-z0-9._-], not starting with '.' or '-'
 *
 * returns: 1 or 0
 */
int system_name_ok(const char *name);

/**
 * system_path_join - @name relative to the directory of @base (the file
 * that names it); an absolute @name is copied
 *
 * returns: a malloc'ed string, or NULL when out of memory
 */
char *system_path_join(const char *base, const char *name);

/* One host node given to a guest. */
struct system_use {
	const char *guest;	/* the guest's name */
	const char *path;	/* the host node's path */
};

/**
 * system_partial_paths - the host paths a partial DT passes through: the
 * "xen,path" of every node below /passthrough, in document order
 * @fdt, @size: the partial tree, untrusted (checked with blob_check())
 * @file: its name, for messages
 * @paths, @n: an array of *@n paths, grown with realloc(); they point
 *	into @fdt; the caller frees *@paths, after an error too
 *
 * returns:
 *	the number of paths added (>= 0)
 *	-VDT_ERR_BADDT, for a blob blob_check() refuses or a "xen,path" that is
 *		no string
 *	-VDT_ERR_NOMEM
 */
int system_partial_paths(const void *fdt, size_t size, const char *file,
			 const char ***paths, int *n, struct vdt_diag *d);

/**
 * system_check - the rules across guests (viommu-dtgen(1), SYSTEM MODE,
 * S1-S4) on the host nodes @uses gives guests
 * @h: the open host tree
 * @file: the system description's name, for messages
 * @uses, @n: every host node of every guest
 * @d: receives the error, and a warning for each S3 hazard
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a path that names no host node
 *	-VDT_ERR_CONFLICT, for a node given to two guests (S1), a stream
 *		two guests reach (S2), or a node that is or holds an IOMMU (S4)
 *	-VDT_ERR_BADDT, -VDT_ERR_UNSUPPORTED, for an "iommus" or
 *		"iommu-map" that cannot be read
 *	-VDT_ERR_NOMEM
 */
int system_check(const struct hostdt *h, const char *file,
		 const struct system_use *uses, int n, struct vdt_diag *d);

/**
 * system_mark_host - the host tree with an empty "xen,passthrough" added
 * to every node of @paths, and nothing else changed
 * @fdt, @size: the host tree
 * @out, @out_size: on success a malloc'ed packed blob the caller frees
 *
 * A node that already has "xen,passthrough" keeps it as it is.  The
 * buffer grows on -FDT_ERR_NOSPACE and the edit is retried.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a path that names no node
 *	-VDT_ERR_BADDT, for a blob libfdt cannot open
 *	-VDT_ERR_NOMEM
 */
int system_mark_host(const void *fdt, size_t size, const char *file,
		     const char *const *paths, int n, void **out,
		     size_t *out_size, struct vdt_diag *d);

/**
 * system_map_write - the system map (viommu-map(5), System map): every
 * guest's YAML map under its name, appended to @out
 * @names, @maps, @n: the guests with a map, in the description's order
 * @file: the output's name, for messages
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, -VDT_ERR_USAGE, as map_write() for one guest's map
 *	-VDT_ERR_NOMEM
 */
int system_map_write(const char *const *names, const struct vmap *const *maps,
		     int n, const char *file, struct vbuf *out,
		     struct vdt_diag *d);

/**
 * system_ib_fragment - the lines to append to an ImageBuilder config:
 * DEVICE_TREE for @host, and for each guest with a partial DT its
 * DOMU_PASSTHROUGH_DTB[n] (and an empty DOMU_PASSTHROUGH_PATHS[n], so
 * that ImageBuilder neither marks nor generates again)
 * @source: the description's name, for the first comment line
 * @host: the marked host tree's file name
 * @idx, @dtbs, @n: each guest's n and its partial DT's file name
 *
 * File names are written as given, single-quoted for the shell.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a name with a newline or a NUL-less mess
 *	-VDT_ERR_NOMEM
 */
int system_ib_fragment(const char *source, const char *host, const int *idx,
		       const char *const *dtbs, int n, struct vbuf *out,
		       struct vdt_diag *d);

/* First line of every system map and ImageBuilder fragment. */
#define SYSTEM_MAP_HEADER "# viommu-dtgen system map\n"
#define SYSTEM_IB_HEADER "# Generated by viommu-dtgen"

#endif /* VIOMMU_DTGEN_SYSTEM_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include <libfdt.h>

#include "blob.h"
#include "hostdt_dom0.h"

#define DOM0_HINT "this is dom0's view of the host (Xen's rewrite of it); pass the board DTB that Xen boots with"

/* What one walk of the host tree gathers (blob_walk()'s visitor). */
struct dom0_walk {
	int cur;		/* the node whose properties come now */
	int cur_hypervisor;	/* it is /hypervisor */
	int cur_passthrough;	/* it has xen,passthrough */
	int cur_iommus;		/* it has iommus */
	int xen;		/* /hypervisor is compatible "xen,xen" */
	int iommu;		/* some node has #iommu-cells */
	int bare;		/* the first xen,passthrough node without
				 * iommus, or -1 */
};

/* The node whose properties were just shown is complete. */
static void node_done(struct dom0_walk *w)
{
	if (w->bare < 0 && w->cur_passthrough && !w->cur_iommus)
		w->bare = w->cur;
}

static int visit_node(void *ctx, int offset, const char *name, int namelen,
		      int depth)
{
	struct dom0_walk *w = ctx;

	node_done(w);
	w->cur = offset;
	w->cur_hypervisor = depth == 1 && namelen == 10 &&
			    memcmp(name, "hypervisor", 10) == 0;
	w->cur_passthrough = 0;
	w->cur_iommus = 0;
	return 0;
}

/* Whether the string list @val of @len bytes holds @s. */
static int has_string(const char *val, int len, const char *s)
{
	size_t n = strlen(s) + 1;
	int i = 0;

	while (i < len) {
		const char *e = memchr(val + i, '\0', (size_t)(len - i));

		if (!e)
			return 0;
		if ((size_t)(e - (val + i)) + 1 == n && memcmp(val + i, s, n) == 0)
			return 1;
		i = (int)(e - val) + 1;
	}
	return 0;
}

static int visit_prop(void *ctx, const char *name, const void *val, int len)
{
	struct dom0_walk *w = ctx;

	/* By the first letter: most names are none of the four. */
	switch (name[0]) {
	case '#':
		w->iommu |= strcmp(name, "#iommu-cells") == 0;
		break;
	case 'x':
		w->cur_passthrough |= strcmp(name, "xen,passthrough") == 0;
		break;
	case 'i':
		w->cur_iommus |= strcmp(name, "iommus") == 0;
		break;
	case 'c':
		w->xen |= w->cur_hypervisor && strcmp(name, "compatible") == 0 &&
			  has_string(val, len, "xen,xen");
		break;
	default:
		break;
	}
	return 0;
}

int hostdt_dom0_check(const void *fdt, size_t size, const char *name,
		      int need_iommu, struct vdt_diag *d)
{
	static const struct blob_visitor v = { visit_node, visit_prop, NULL };
	struct dom0_walk w = { .cur = -1, .bare = -1 };
	char path[VDT_DIAG_NODE_LEN];
	struct vdt_diag quiet;
	int r;

	/* One pass; a blob the walk refuses is the pipeline's to report. */
	vdt_diag_init(&quiet);
	r = blob_walk(fdt, size, name, &v, &w, &quiet);
	vdt_diag_free(&quiet);
	if (r < 0)
		return 0;
	node_done(&w);
	if (w.xen) {
		vdt_error(d, VDT_ERR_INPUT, name, "/hypervisor", "compatible",
			  "\"xen,xen\": the host tree is dom0's view, not the board's");
		vdt_hint(d, DOM0_HINT);
		return -VDT_ERR_INPUT;
	}
	if (!need_iommu || w.iommu || w.bare < 0)
		return 0;
	if (fdt_get_path(fdt, w.bare, path, sizeof(path)) != 0)
		strcpy(path, "?");
	vdt_error(d, VDT_ERR_INPUT, name, path, "xen,passthrough",
		  "a passthrough device without iommus in a tree without any IOMMU: the host tree is dom0's view, not the board's");
	vdt_hint(d, DOM0_HINT);
	return -VDT_ERR_INPUT;
}

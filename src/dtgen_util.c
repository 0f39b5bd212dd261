/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every part of the pipeline reports with: out of memory, a key and
 * its pinner described for messages.  Below dtgen.c, dtgen_lock.c,
 * dtgen_write.c and dtgen_xen.c, which all call it, so that the pipeline's
 * files depend on each other one way only.
 */
#include <stdio.h>
#include <string.h>

#include "dtgen_int.h"

int dtgen_nomem(struct run *r)
{
	return vdt_error(r->d, VDT_ERR_NOMEM, NULL, NULL, NULL,
			 "out of memory");
}

void dtgen_key_desc(const struct run *r, int key, char *buf, size_t len)
{
	const struct idalloc_key *k = &r->ids.keys[key];
	char ipath[VDT_DIAG_NODE_LEN];

	if (hostdt_get_path(r->host, k->iommu, ipath, sizeof(ipath)) < 0)
		strcpy(ipath, "?");
	if (k->count > 1)
		snprintf(buf, len, "%s pIDs 0x%x-0x%x", ipath, k->pid,
			 k->pid + (k->count - 1));
	else if (k->mask)
		snprintf(buf, len, "%s pID 0x%x mask 0x%x", ipath, k->pid,
			 k->mask);
	else
		snprintf(buf, len, "%s pID 0x%x", ipath, k->pid);
}

const char *dtgen_pinner(const struct run *r, int key)
{
	int tag = r->ids.keys[key].pin_tag;

	return tag >= 0 ? r->map->devices[tag].node : "the lock file";
}


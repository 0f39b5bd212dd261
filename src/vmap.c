/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "vmap.h"

void vmap_free(struct vmap *m)
{
	int i;

	for (i = 0; m->iommus && i < m->niommus; i++)
		free(m->iommus[i].path);
	for (i = 0; m->devices && i < m->ndevices; i++) {
		free(m->devices[i].node);
		free(m->devices[i].host);
	}
	for (i = 0; m->entries && i < m->nentries; i++)
		free(m->entries[i].devs);
	free(m->iommus);
	free(m->devices);
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

const char *vmap_policy_name(enum vdt_policy p)
{
	return p == VDT_POLICY_IDENTITY ? "identity" : "compact";
}

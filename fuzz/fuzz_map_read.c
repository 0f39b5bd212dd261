/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz harness: the map reader.  The input is a map table in any form
 * map_read() accepts (YAML, its JSON subset, the binary form).  A table
 * that reads must be well formed (indexes in range), and writing it as
 * YAML and reading that back must give the same entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "map_read.h"
#include "map_write.h"
#include "vbuf.h"

static void check_map(const struct vmap *m)
{
	int i, j;

	FUZZ_ASSERT(m->nentries >= 0 && m->ndevices >= 0 && m->niommus >= 0);
	for (i = 0; i < m->nentries; i++) {
		FUZZ_ASSERT(m->entries[i].ndevs >= 0);
		FUZZ_ASSERT(m->entries[i].iommu >= 0 &&
			    m->entries[i].iommu < m->niommus);
		for (j = 0; j < m->entries[i].ndevs; j++)
			FUZZ_ASSERT(m->entries[i].devs[j] >= 0 &&
				    m->entries[i].devs[j] < m->ndevices);
	}
}

static void same_entries(const struct vmap *a, const struct vmap *b)
{
	int i;

	FUZZ_ASSERT(a->nentries == b->nentries);
	for (i = 0; i < a->nentries; i++) {
		FUZZ_ASSERT(a->entries[i].vid == b->entries[i].vid);
		FUZZ_ASSERT(a->entries[i].pid == b->entries[i].pid);
		FUZZ_ASSERT(a->entries[i].mask == b->entries[i].mask);
		FUZZ_ASSERT(a->entries[i].count == b->entries[i].count);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmap m, back;
	struct vdt_diag d;
	struct vbuf out;
	char *copy;
	int rc;

	/* An exact-size heap copy: ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&m, 0, sizeof(m));
	memset(&back, 0, sizeof(back));
	vdt_diag_init(&d);
	rc = map_read(copy, size, "fuzz.yaml", &m, &d);
	if (rc < 0) {
		FUZZ_ASSERT(d.code == rc);
		FUZZ_ASSERT(m.nentries == 0);
		goto out;
	}
	FUZZ_ASSERT(d.code == 0);
	check_map(&m);
	vbuf_init(&out);
	vdt_diag_free(&d);
	vdt_diag_init(&d);
	if (map_write(&m, MAP_FORMAT_YAML, NULL, "fuzz.yaml", &out, &d) >= 0) {
		vdt_diag_free(&d);
		vdt_diag_init(&d);
		rc = map_read(out.data, out.len, "again.yaml", &back, &d);
		if (rc != -VDT_ERR_NOMEM) {
			if (rc < 0)
				fprintf(stderr, "fuzz_map_read: rereading: %s: %s\n",
					d.error.node, d.error.text);
			FUZZ_ASSERT(rc >= 0);
			same_entries(&m, &back);
		}
	}
	vbuf_free(&out);
out:
	vmap_free(&back);
	vmap_free(&m);
	vdt_diag_free(&d);
	free(copy);
	return 0;
}

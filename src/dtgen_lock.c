/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --lock: keep the vIDs an earlier map gave to keys that are still
 * present, so that a guest image built from it keeps working when devices
 * are added or removed.
 */
#include <stdio.h>

#include "dtgen_int.h"

/* The first device the lock entry @e lists, for messages. */
static const char *lock_user(const struct vmap *lk, const struct vmap_entry *e)
{
	return e->ndevs > 0 ? lk->devices[e->devs[0]].node : "no device";
}

/*
 * The key of the current inputs that lock entry @e stands for, or < 0;
 * @offset: where the entry's first pID lies in it (a single pID may since
 * have become part of a range).
 */
static int lock_key(const struct run *r, const struct vmap_entry *e,
		    uint32_t *offset)
{
	int iommu = hostdt_node_by_path(r->host,
					r->o->lock->iommus[e->iommu].path);

	*offset = 0;
	if (iommu < 0)
		return -VDT_ERR_NOTFOUND;
	return idalloc_lookup(&r->ids, iommu, e->pid, e->count, e->mask,
			      offset);
}

/* A single pID of the lock now lies inside a range: keep its vID if the
 * range can be placed around it, else say that it moves. */
static int keep_in_range(struct run *r, const struct vmap_entry *e, int key,
			 uint32_t offset)
{
	const struct idalloc_key *k = &r->ids.keys[key];
	char what[VDT_DIAG_NODE_LEN];
	int rc = -VDT_ERR_CONFLICT;

	if (k->state == IDALLOC_FREE && e->vid >= offset)
		rc = idalloc_pin(&r->ids, key, e->vid - offset, -1);
	if (rc == -VDT_ERR_NOMEM)
		return dtgen_nomem(r);
	if (rc == 0 || (k->state != IDALLOC_FREE && k->vid + offset == e->vid))
		return 0;
	dtgen_key_desc(r, key, what, sizeof(what));
	vdt_warn(r->d, r->o->lock_name, NULL, NULL,
		 "vID 0x%x of pID 0x%x (used by %s) cannot be kept: the ID now belongs to %s, placed elsewhere",
		 e->vid, e->pid, lock_user(r->o->lock, e), what);
	return 0;
}

/* A lock vID is pinned in the partial DT for another key. */
static int lock_conflict(struct run *r, const struct vmap_entry *e, int key)
{
	char here[VDT_DIAG_NODE_LEN], there[VDT_DIAG_NODE_LEN];
	const struct vmap *lk = r->o->lock;
	uint32_t i;
	int owner = -1;

	for (i = 0; i < e->count && (owner < 0 || owner == key); i++)
		owner = idalloc_owner(&r->ids, e->vid + i);
	if (owner < 0 || owner == key)
		return vdt_error(r->d, VDT_ERR_CONFLICT, r->o->lock_name, NULL,
				 NULL, "vID 0x%x cannot be kept", e->vid);
	dtgen_key_desc(r, key, here, sizeof(here));
	dtgen_key_desc(r, owner, there, sizeof(there));
	/* Taken by a range the lock itself placed (see keep_in_range()). */
	if (r->ids.keys[owner].pin_tag < 0) {
		vdt_warn(r->d, r->o->lock_name, NULL, NULL,
			 "vID 0x%x of %s (used by %s) cannot be kept: %s took it",
			 e->vid, here, lock_user(lk, e), there);
		return 0;
	}
	vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, dtgen_pinner(r, owner), NULL,
		  "vID 0x%x is pinned here for %s, but %s gives it to %s, used by %s",
		  e->vid + i - 1, there, r->o->lock_name, here,
		  lock_user(lk, e));
	vdt_hint(r->d, "move the pin, or drop the entry from the lock file, to say which device keeps the vID");
	return -VDT_ERR_CONFLICT;
}

int dtgen_apply_lock(struct run *r)
{
	const struct vmap *lk = r->o->lock;
	const struct vmap_entry *e;
	const char *path;
	uint32_t offset;
	int i, key, rc;

	if (lk->xen_allocates)
		return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name, NULL,
				 NULL,
				 "its vIDs are Xen's (allocated-by: xen): it cannot be a lock file");
	for (i = 0; i < lk->nentries; i++) {
		e = &lk->entries[i];
		path = lk->iommus[e->iommu].path;
		if (!path)
			return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name,
					 NULL, NULL,
					 "entry for vID 0x%x names no IOMMU path (a binary map cannot be a lock file)",
					 e->vid);
		key = lock_key(r, e, &offset);
		if (key >= 0 && r->ids.keys[key].count != e->count) {
			rc = keep_in_range(r, e, key, offset);
			if (rc < 0)
				return rc;
			continue;
		}
		if (key < 0) {
			vdt_info(r->d, r->o->lock_name, NULL, NULL,
				 "vID 0x%x (%s pID 0x%x, used by %s) is gone: freed",
				 e->vid, path, e->pid, lock_user(lk, e));
			continue;
		}
		/* A pin in the partial DT wins for its own key. */
		if (r->ids.keys[key].state != IDALLOC_FREE) {
			if (r->ids.keys[key].vid != e->vid)
				vdt_info(r->d, r->o->lock_name, NULL, NULL,
					 "vID 0x%x of %s pID 0x%x: pinned to 0x%x by %s instead",
					 e->vid, path, e->pid,
					 r->ids.keys[key].vid,
					 dtgen_pinner(r, key));
			continue;
		}
		rc = idalloc_pin(&r->ids, key, e->vid, -1);
		if (rc == -VDT_ERR_NOMEM)
			return dtgen_nomem(r);
		if (rc == -VDT_ERR_INPUT)
			return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name,
					 NULL, NULL,
					 "vID 0x%x of %s pID 0x%x is outside the vID space [0x%x, 0x%llx)",
					 e->vid, path, e->pid, r->ids.base,
					 (unsigned long long)r->ids.limit);
		if (rc < 0)
			return lock_conflict(r, e, key);
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --lock: keep the vIDs an earlier map gave to keys that are still
 * present, so that a guest image built from it keeps working when devices
 * are added or removed.
 *
 * The lock is read as a function from physical IDs to vIDs: an entry of
 * mask 0 gives pID entry.pid + i the vID entry.vid + i, an entry with an
 * SMR mask gives its one (pID, mask) its vID.  A current key is bound by
 * every entry it shares a pID with (a masked key only by the entry of its
 * very (pID, mask)):
 * - a key that lies inside one entry (the same key, or a single ID that
 *   sat inside a range of the lock) keeps the vIDs that entry gives it;
 * - a key that reaches beyond its entries (a new or grown PCI range over
 *   locked pIDs) is placed where its locked pIDs keep their vIDs, if they
 *   agree and the run is free; otherwise it is an error naming the range's
 *   node and every locked vID it would move, unless lock_allow_moves says
 *   to move them, each move then a loud warning.
 * Keys of the first kind are pinned before those of the second, so an
 * unchanged device never yields to a new range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtgen_int.h"

/* A lock entry of mask 0 whose IOMMU is still in the host. */
struct lent {
	int host;		/* the IOMMU's host node offset */
	uint32_t pid;
	uint32_t count;
	int idx;		/* index in lock->entries */
};

struct lock_state {
	struct run *r;
	const struct vmap *lk;
	int *host;		/* per lock IOMMU: host offset, or < 0 (gone) */
	struct lent *ranges;	/* mask-0 entries, sorted by (host, pid) */
	int nranges;
	int *masked;		/* per key: its masked lock entry + 1, or 0 */
	unsigned char *used;	/* per lock entry: a current key uses it */
};

/* The first device the lock entry @e lists, for messages. */
static const char *lock_user(const struct vmap *lk, const struct vmap_entry *e)
{
	return e->ndevs > 0 ? lk->devices[e->devs[0]].node : "no device";
}

static const char *lock_path(const struct vmap *lk, const struct vmap_entry *e)
{
	return lk->iommus[e->iommu].path;
}

/* ---- the lock file's own consistency ---- */

static const struct vmap *sort_lock;	/* for the qsort() comparators */

static int cmp_by_key(const void *pa, const void *pb)
{
	const struct vmap_entry *a = &sort_lock->entries[*(const int *)pa];
	const struct vmap_entry *b = &sort_lock->entries[*(const int *)pb];

	if (a->iommu != b->iommu)
		return a->iommu < b->iommu ? -1 : 1;
	if (a->mask != b->mask)
		return a->mask < b->mask ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return *(const int *)pa - *(const int *)pb;
}

static int cmp_by_vid(const void *pa, const void *pb)
{
	const struct vmap_entry *a = &sort_lock->entries[*(const int *)pa];
	const struct vmap_entry *b = &sort_lock->entries[*(const int *)pb];

	if (a->vid != b->vid)
		return a->vid < b->vid ? -1 : 1;
	return *(const int *)pa - *(const int *)pb;
}

static int lock_dup_hint(struct run *r)
{
	vdt_hint(r->d, "a lock file gives each key one vID and each vID one key: use the map an earlier run wrote");
	return -VDT_ERR_INPUT;
}

/* Refuse a lock that gives one pID two vIDs or one vID two keys. */
static int check_lock(struct run *r, int *order)
{
	const struct vmap *lk = r->o->lock;
	const struct vmap_entry *a, *b;
	uint64_t end;
	int i;

	for (i = 0; i < lk->nentries; i++) {
		a = &lk->entries[i];
		if (a->iommu < 0 || a->iommu >= lk->niommus ||
		    !lk->iommus[a->iommu].path)
			return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name,
					 NULL, NULL,
					 "entry for vID 0x%x names no IOMMU path (a binary map cannot be a lock file)",
					 a->vid);
		if (a->count == 0)
			return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name,
					 NULL, NULL,
					 "entry for vID 0x%x covers no ID",
					 a->vid);
		order[i] = i;
	}
	sort_lock = lk;
	qsort(order, (size_t)lk->nentries, sizeof(*order), cmp_by_key);
	for (i = 1; i < lk->nentries; i++) {
		a = &lk->entries[order[i - 1]];
		b = &lk->entries[order[i]];
		if (a->iommu != b->iommu || a->mask != b->mask)
			continue;
		if (a->mask ? a->pid != b->pid || a->count != b->count :
			      (uint64_t)a->pid + a->count <= b->pid)
			continue;
		vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name, NULL, NULL,
			  "%s pID 0x%x is in two entries: at vID 0x%x (used by %s) and at vID 0x%x (used by %s)",
			  lock_path(lk, b), b->pid,
			  a->vid + (b->pid - a->pid), lock_user(lk, a),
			  b->vid, lock_user(lk, b));
		return lock_dup_hint(r);
	}
	qsort(order, (size_t)lk->nentries, sizeof(*order), cmp_by_vid);
	for (i = 1; i < lk->nentries; i++) {
		a = &lk->entries[order[i - 1]];
		b = &lk->entries[order[i]];
		end = (uint64_t)a->vid + a->count;
		if (end <= b->vid)
			continue;
		vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name, NULL, NULL,
			  "vID 0x%x is in two entries: for %s pID 0x%x (used by %s) and for %s pID 0x%x (used by %s)",
			  b->vid, lock_path(lk, a), a->pid + (b->vid - a->vid),
			  lock_user(lk, a), lock_path(lk, b), b->pid,
			  lock_user(lk, b));
		return lock_dup_hint(r);
	}
	return 0;
}

/* ---- indexing the lock against the current keys ---- */

static int cmp_lent(const void *pa, const void *pb)
{
	const struct lent *a = pa, *b = pb;

	if (a->host != b->host)
		return a->host < b->host ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int index_lock(struct lock_state *s)
{
	const struct vmap *lk = s->lk;
	const struct vmap_entry *e;
	int i, key;

	s->host = malloc(((size_t)lk->niommus + 1) * sizeof(*s->host));
	s->ranges = malloc(((size_t)lk->nentries + 1) * sizeof(*s->ranges));
	s->masked = calloc((size_t)s->r->ids.nkeys + 1, sizeof(*s->masked));
	s->used = calloc((size_t)lk->nentries + 1, 1);
	if (!s->host || !s->ranges || !s->masked || !s->used)
		return dtgen_nomem(s->r);
	for (i = 0; i < lk->niommus; i++)
		s->host[i] = hostdt_node_by_path(s->r->host, lk->iommus[i].path);
	for (i = 0; i < lk->nentries; i++) {
		e = &lk->entries[i];
		if (s->host[e->iommu] < 0)
			continue;
		if (e->mask == 0) {
			s->ranges[s->nranges++] = (struct lent){
				s->host[e->iommu], e->pid, e->count, i };
			continue;
		}
		key = idalloc_find(&s->r->ids, s->host[e->iommu], e->pid,
				   e->count, e->mask);
		if (key >= 0)
			s->masked[key] = i + 1;
	}
	qsort(s->ranges, (size_t)s->nranges, sizeof(*s->ranges), cmp_lent);
	return 0;
}

/*
 * The mask-0 lock entries sharing a pID with key @k: s->ranges[*first ..
 * *first + n), n returned (they do not overlap each other).
 */
static int overlapping(const struct lock_state *s, const struct idalloc_key *k,
		       int *first)
{
	int lo = 0, hi = s->nranges - 1, mid, i, n = 0;
	const struct lent *l;
	uint64_t end = (uint64_t)k->pid + k->count;

	/* The last entry starting at or before k->pid, else the first after. */
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		l = &s->ranges[mid];
		if (l->host < k->iommu || (l->host == k->iommu && l->pid <= k->pid))
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	i = hi >= 0 && s->ranges[hi].host == k->iommu &&
	    (uint64_t)s->ranges[hi].pid + s->ranges[hi].count > k->pid ?
		    hi : hi + 1;
	*first = i;
	for (; i < s->nranges; i++, n++) {
		l = &s->ranges[i];
		if (l->host != k->iommu || l->pid >= end)
			break;
	}
	return n;
}

/* The vID lock entry @e would give key @k's first pID, as int64 (it may
 * lie below 0). */
static int64_t want_vid(const struct vmap_entry *e, const struct idalloc_key *k)
{
	return (int64_t)e->vid + ((int64_t)k->pid - (int64_t)e->pid);
}

/* The first pID key @k and lock entry @e share. */
static uint32_t shared_pid(const struct vmap_entry *e,
			   const struct idalloc_key *k)
{
	return e->pid > k->pid ? e->pid : k->pid;
}

/* ---- keeping the vIDs ---- */

/* A lock vID (run @vid of key @key, from entry @e) is held by another key. */
static int lock_conflict(struct run *r, const struct vmap_entry *e, int key,
			 uint32_t vid)
{
	char here[VDT_DIAG_NODE_LEN], there[VDT_DIAG_NODE_LEN];
	const struct vmap *lk = r->o->lock;
	uint32_t i, count = r->ids.keys[key].count;
	int owner = -1;

	for (i = 0; i < count && (owner < 0 || owner == key); i++)
		owner = idalloc_owner(&r->ids, vid + i);
	if (owner < 0 || owner == key || r->ids.keys[owner].pin_tag < 0)
		return vdt_error(r->d, VDT_ERR_CONFLICT, r->o->lock_name, NULL,
				 NULL, "vID 0x%x cannot be kept", vid);
	dtgen_key_desc(r, key, here, sizeof(here));
	dtgen_key_desc(r, owner, there, sizeof(there));
	vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, dtgen_pinner(r, owner), NULL,
		  "vID 0x%x is pinned here for %s, but %s gives it to %s, used by %s",
		  vid + i - 1, there, r->o->lock_name, here, lock_user(lk, e));
	vdt_hint(r->d, "move the pin, or drop the entry from the lock file, to say which device keeps the vID");
	return -VDT_ERR_CONFLICT;
}

/* A pin of the partial DT wins over the lock for its own key: say so when
 * entry @e wanted otherwise. */
static void pin_wins(struct run *r, const struct vmap_entry *e, int key)
{
	const struct idalloc_key *k = &r->ids.keys[key];
	uint32_t p = shared_pid(e, k);
	uint32_t old = e->vid + (p - e->pid), now = k->vid + (p - k->pid);

	if (old != now)
		vdt_info(r->d, r->o->lock_name, NULL, NULL,
			 "vID 0x%x of %s pID 0x%x: pinned to 0x%x by %s instead",
			 old, lock_path(r->o->lock, e), p, now,
			 dtgen_pinner(r, key));
}

/* Key @key lies inside lock entry @e: it keeps the vIDs @e gives it. */
static int keep_inside(struct run *r, const struct vmap_entry *e, int key)
{
	const struct idalloc_key *k = &r->ids.keys[key];
	uint32_t vid = (uint32_t)want_vid(e, k);
	int rc;

	if (k->state != IDALLOC_FREE) {
		pin_wins(r, e, key);
		return 0;
	}
	rc = idalloc_pin(&r->ids, key, vid, -1);
	if (rc == -VDT_ERR_NOMEM)
		return dtgen_nomem(r);
	if (rc == -VDT_ERR_INPUT)
		return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name, NULL,
				 NULL,
				 "vID 0x%x of %s pID 0x%x is outside the vID space [0x%x, 0x%llx)",
				 vid, lock_path(r->o->lock, e), k->pid,
				 r->ids.base, (unsigned long long)r->ids.limit);
	if (rc < 0)
		return lock_conflict(r, e, key, vid);
	return 0;
}

/* The node whose iommu-map holds the range key @key (its first user if
 * none: a key is made by the first ID that meets it). */
static const char *range_node(const struct run *r, int key)
{
	const struct device *dev;
	int di, i;

	for (di = 0; di < r->ndevs; di++) {
		dev = &r->devs[di];
		for (i = 0; dev->rewrite && i < dev->nmap; i++)
			if (dev->map_keys[i] == key)
				return r->map->devices[di].node;
	}
	return r->map->devices[r->ids.keys[key].tag].node;
}

/* Append to @buf the entries of s->ranges[first .. first + n) that key @k
 * placed at its vID moves; returns how many. */
static int list_moved(const struct lock_state *s, const struct idalloc_key *k,
		      int64_t at, int first, int n, char *buf, size_t len)
{
	const struct vmap_entry *e;
	size_t pos = strlen(buf);
	int i, moved = 0, w;
	uint32_t p;

	for (i = first; i < first + n; i++) {
		e = &s->lk->entries[s->ranges[i].idx];
		if (want_vid(e, k) == at)
			continue;
		p = shared_pid(e, k);
		w = snprintf(buf + pos, len - pos, "%svID 0x%x of pID 0x%x (used by %s)",
			     moved ? ", " : "", e->vid + (p - e->pid), p,
			     lock_user(s->lk, e));
		moved++;
		if (w < 0 || (size_t)w >= len - pos) {
			buf[pos] = '\0';
			if (pos + 5 < len)
				strcpy(buf + pos, ", ...");
			pos = len - 1;
			continue;
		}
		pos += (size_t)w;
	}
	return moved;
}

/*
 * Key @key reaches beyond the lock entries s->ranges[first .. first + n)
 * it overlaps: place it where they keep their vIDs, or move them.
 */
static int place_over(struct lock_state *s, int key, int first, int n)
{
	struct run *r = s->r;
	const struct idalloc_key *k = &r->ids.keys[key];
	const struct vmap_entry *e;
	char what[VDT_DIAG_NODE_LEN], moved[VDT_DIAG_MSG_LEN];
	const char *node = range_node(r, key);
	int64_t at = INT64_MIN, v;
	uint32_t p;
	int i, rc, nmoved;

	if (k->state != IDALLOC_FREE) {
		for (i = first; i < first + n; i++)
			pin_wins(r, &s->lk->entries[s->ranges[i].idx], key);
		return 0;
	}
	/* The first entry's placement that is free, else the lowest run. */
	for (i = first; i < first + n && at == INT64_MIN; i++) {
		v = want_vid(&s->lk->entries[s->ranges[i].idx], k);
		if (v < 0 || v > UINT32_MAX)
			continue;
		rc = idalloc_pin(&r->ids, key, (uint32_t)v, -1);
		if (rc == -VDT_ERR_NOMEM)
			return dtgen_nomem(r);
		if (rc == 0)
			at = v;
	}
	moved[0] = '\0';
	nmoved = list_moved(s, k, at, first, n, moved, sizeof(moved));
	if (nmoved == 0)
		return 0;
	dtgen_key_desc(r, key, what, sizeof(what));
	if (!r->o->lock_allow_moves) {
		vdt_error(r->d, VDT_ERR_CONFLICT, r->pfile, node, "iommu-map",
			  "%s cannot be placed without moving %d vID%s %s locks: %s",
			  what, nmoved, nmoved > 1 ? "s" : "", r->o->lock_name,
			  moved);
		vdt_hint(r->d, "pin the range's vIDs (iommu-map) where it fits, drop the moved entries from the lock file, or allow the moves (--lock-allow-moves)");
		return -VDT_ERR_CONFLICT;
	}
	if (at == INT64_MIN) {
		rc = idalloc_place(&r->ids, key);
		if (rc == -VDT_ERR_NOMEM)
			return dtgen_nomem(r);
		if (rc < 0)
			return vdt_error(r->d, VDT_ERR_EXHAUSTED, r->pfile, node,
					 "iommu-map",
					 "no free vID left in [0x%x, 0x%llx) for %s",
					 r->ids.base,
					 (unsigned long long)r->ids.limit, what);
	}
	for (i = first; i < first + n; i++) {
		e = &s->lk->entries[s->ranges[i].idx];
		if (want_vid(e, k) == (int64_t)k->vid)
			continue;
		p = shared_pid(e, k);
		vdt_warn_loud(r->d, r->o->lock_name, NULL, NULL,
			      "vID 0x%x of %s pID 0x%x (used by %s) moves to 0x%x: %s of %s could not be placed around it",
			      e->vid + (p - e->pid),
			      lock_path(s->lk, e), p, lock_user(s->lk, e),
			      k->vid + (p - k->pid), what, node);
	}
	return 0;
}

/* Pass 1 (@pass 0): keys inside one lock entry; pass 2: keys beyond. */
static int apply_pass(struct lock_state *s, int pass)
{
	struct run *r = s->r;
	const struct idalloc_key *k;
	const struct lent *l;
	int key, first, n, i, rc = 0;

	for (key = 0; key < r->ids.nkeys && rc >= 0; key++) {
		k = &r->ids.keys[key];
		if (k->mask) {
			if (pass == 0 && s->masked[key] > 0) {
				s->used[s->masked[key] - 1] = 1;
				rc = keep_inside(r,
						 &s->lk->entries[s->masked[key] - 1],
						 key);
			}
			continue;
		}
		n = overlapping(s, k, &first);
		if (n == 0)
			continue;
		for (i = first; i < first + n; i++)
			s->used[s->ranges[i].idx] = 1;
		l = &s->ranges[first];
		if (n == 1 && l->pid <= k->pid &&
		    (uint64_t)k->pid + k->count <= (uint64_t)l->pid + l->count) {
			if (pass == 0)
				rc = keep_inside(r, &s->lk->entries[l->idx], key);
		} else if (pass == 1) {
			rc = place_over(s, key, first, n);
		}
	}
	return rc;
}

int dtgen_apply_lock(struct run *r)
{
	struct lock_state s = { r, r->o->lock, NULL, NULL, 0, NULL, NULL };
	const struct vmap *lk = r->o->lock;
	const struct vmap_entry *e;
	int *order, i, rc;

	if (lk->xen_allocates)
		return vdt_error(r->d, VDT_ERR_INPUT, r->o->lock_name, NULL,
				 NULL,
				 "its vIDs are Xen's (allocated-by: xen): it cannot be a lock file");
	order = malloc(((size_t)lk->nentries + 1) * sizeof(*order));
	if (!order)
		return dtgen_nomem(r);
	rc = check_lock(r, order);
	free(order);
	if (rc >= 0)
		rc = index_lock(&s);
	if (rc >= 0)
		rc = apply_pass(&s, 0);
	if (rc >= 0)
		rc = apply_pass(&s, 1);
	for (i = 0; rc >= 0 && i < lk->nentries; i++) {
		e = &lk->entries[i];
		if (!s.used[i])
			vdt_info(r->d, r->o->lock_name, NULL, NULL,
				 "vID 0x%x (%s pID 0x%x, used by %s) is gone: freed",
				 e->vid, lock_path(lk, e), e->pid,
				 lock_user(lk, e));
	}
	free(s.host);
	free(s.ranges);
	free(s.masked);
	free(s.used);
	return rc;
}

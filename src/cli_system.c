/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tool's system mode: one host, many guests, one directory of
 * outputs (viommu-dtgen(1), SYSTEM MODE).  The rules and formats are the
 * library's (system.h, sysfile.h, ibconfig.h, extract.h); this file reads
 * and writes files.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allowlist.h"
#include "cli_system.h"
#include "dts_write.h"
#include "extract.h"
#include "fileio.h"
#include "hostdt_dom0.h"
#include "ibconfig.h"
#include "map_read.h"
#include "map_write.h"
#include "sysfile.h"
#include "system.h"
#include "vbuf.h"

/* Per guest: the outputs NAME.dtb, NAME.dts, NAME-map.yaml, NAME-guest.*. */
#define GUEST_OUTS 4
/* And for the system: host.dtb, system-map.yaml, imagebuilder.cfg. */
#define SYSTEM_OUTS 3

struct guest_run {
	const struct system_guest *g;
	struct dtgen_opts opts;
	struct dtgen_blob partial;	/* owned data */
	char pname[VDT_DIAG_FILE_LEN];	/* its name in messages */
	struct fileio_labels labels;
	const char **paths;		/* host paths: into the blob or g */
	int npaths;
	const char **allow;
	struct vbuf allow_text;
	struct vmap lock;
	struct dtgen_result res;
};

struct run {
	const struct cli_system *a;
	const char *sysname;
	struct system_desc s;
	struct dtgen_blob host;
	void *host_copy;
	struct hostdt h;
	int h_open;
	struct guest_run *gr;
	struct vdt_diag *d;
};

static int nomem(struct vdt_diag *d)
{
	return vdt_error(d, VDT_ERR_NOMEM, NULL, NULL, NULL, "out of memory");
}

static int pick(int guest, int sys, int cli)
{
	return guest >= 0 ? guest : sys >= 0 ? sys : cli;
}

/* The description: a system file or an ImageBuilder config. */
static int load_desc(struct run *r)
{
	struct vbuf b;
	int rc;

	vbuf_init(&b);
	rc = fileio_read(r->sysname, r->sysname, r->a->max_input, &b, r->d);
	if (rc >= 0 && r->a->system)
		rc = sysfile_read(b.data ? b.data : "", b.len, r->sysname,
				  &r->s, r->d);
	else if (rc >= 0)
		rc = ibconfig_read(b.data ? b.data : "", b.len, r->sysname,
				   &r->s, r->d);
	vbuf_free(&b);
	return rc;
}

static int load_host(struct run *r)
{
	void *data;
	size_t size;
	int rc;

	rc = fileio_load_dt(r->s.host, r->s.host, r->a->max_input, &data,
			    &size, NULL, r->d);
	if (rc < 0)
		return rc;
	r->host.data = data;
	r->host.size = size;
	r->host.name = r->s.host;
	rc = hostdt_dom0_check(data, size, r->s.host, 1, r->d);
	if (rc < 0)
		return rc;
	rc = dtgen_host_open(&r->h, &r->host, &r->host_copy, r->d);
	if (rc < 0)
		return rc;
	r->h_open = 1;
	return 0;
}

/* The options of guest @g: its own, the file's, the command line's. */
static int guest_opts(struct run *r, struct guest_run *x)
{
	const struct system_guest *g = x->g;
	const struct cli_system *a = r->a;
	int builder = a->builder_given ? (int)a->opts.builder :
		      g->noboot ? VDT_BUILDER_LIBXL : VDT_BUILDER_DOM0LESS;

	x->opts = a->opts;
	x->opts.abi = (enum vdt_xen_abi)pick(g->abi, r->s.abi, (int)a->opts.abi);
	x->opts.builder = (enum vdt_builder)pick(g->builder, r->s.builder,
						 builder);
	x->opts.policy = (enum vdt_policy)pick(g->policy, -1,
					       (int)a->opts.policy);
	x->opts.guest_view = a->guest_view != 0;
	if (x->opts.abi == VDT_ABI_VSMMUV3_V3 &&
	    x->opts.builder == VDT_BUILDER_NONE)
		return vdt_error(r->d, VDT_ERR_USAGE, r->sysname, NULL, NULL,
				 "guest '%s': under xen-abi vsmmuv3-v3 Xen builds the guest tree, so builder is libxl or dom0less",
				 g->name);
	if (x->opts.abi == VDT_ABI_VSMMUV3_V3 && (g->lock || g->policy >= 0))
		return vdt_error(r->d, VDT_ERR_USAGE, r->sysname, NULL,
				 g->lock ? "lock" : "policy",
				 "guest '%s': under xen-abi vsmmuv3-v3 Xen picks every vSID",
				 g->name);
	return 0;
}

static int load_allow(struct run *r, struct guest_run *x)
{
	int n = 0, rc;

	if (!x->g->allow_list)
		return 0;
	rc = fileio_read(x->g->allow_list, x->g->allow_list, r->a->max_input,
			 &x->allow_text, r->d);
	if (rc < 0)
		return rc;
	x->allow = calloc(1, sizeof(*x->allow));
	if (!x->allow)
		return nomem(r->d);
	rc = allowlist_parse(x->allow_text.data ? x->allow_text.data : "",
			     x->allow_text.len, x->g->allow_list, &x->allow, &n,
			     r->d);
	x->opts.allow = x->allow;
	x->opts.nallow = n;
	return rc < 0 ? rc : 0;
}

static int load_lock(struct run *r, struct guest_run *x)
{
	struct vbuf b;
	struct stat st;
	int rc;

	if (!x->g->lock)
		return 0;
	if (lstat(x->g->lock, &st) < 0 && errno == ENOENT) {
		vdt_info(r->d, x->g->lock, NULL, NULL,
			 "not found: an empty lock (a first build)");
		return 0;
	}
	vbuf_init(&b);
	rc = fileio_read(x->g->lock, x->g->lock, r->a->max_input, &b, r->d);
	if (rc >= 0)
		rc = map_read(b.data ? b.data : "", b.len, x->g->lock, &x->lock,
			      r->d);
	vbuf_free(&b);
	if (rc < 0)
		return rc;
	x->opts.lock = &x->lock;
	x->opts.lock_name = x->g->lock;
	return 0;
}

/* The guest's partial tree: its file, or generated from host paths. */
static int load_partial(struct run *r, struct guest_run *x)
{
	const struct system_guest *g = x->g;
	void *data = NULL;
	size_t size = 0;
	int rc, i;

	if (g->partial) {
		snprintf(x->pname, sizeof(x->pname), "%s", g->partial);
		rc = fileio_load_dt(g->partial, g->partial, r->a->max_input,
				    &data, &size, &x->labels, r->d);
	} else {
		snprintf(x->pname, sizeof(x->pname), "%s: guest %s", r->sysname,
			 g->name);
		rc = extract_partial(&r->h, (const char *const *)g->paths,
				     g->npaths, x->opts.abi, &data, &size,
				     r->d);
	}
	if (rc < 0)
		return rc;
	x->partial.data = data;
	x->partial.size = size;
	x->partial.name = x->pname;
	rc = system_partial_paths(data, size, x->pname, &x->paths, &x->npaths,
				  r->d);
	if (rc < 0)
		return rc;
	/* ImageBuilder's paths of a guest with a partial DT are marked too. */
	for (i = 0; g->partial && i < g->npaths; i++) {
		const char **grown = realloc(x->paths, (size_t)(x->npaths + 1) *
							       sizeof(*grown));

		if (!grown)
			return nomem(r->d);
		x->paths = grown;
		x->paths[x->npaths++] = g->paths[i];
	}
	return 0;
}

/* Every guest's host nodes, through the rules across guests. */
static int check_system(struct run *r)
{
	struct system_use *uses = NULL, *grown;
	int i, j, n = 0, rc;

	for (i = 0; i < r->s.nguests; i++) {
		grown = realloc(uses, (size_t)(n + r->gr[i].npaths + 1) *
					      sizeof(*uses));
		if (!grown) {
			free(uses);
			return nomem(r->d);
		}
		uses = grown;
		for (j = 0; j < r->gr[i].npaths; j++) {
			uses[n].guest = r->s.guests[i].name;
			uses[n++].path = r->gr[i].paths[j];
		}
	}
	rc = system_check(&r->h, r->sysname, uses, n, r->d);
	free(uses);
	return rc;
}

static char *out_path(const char *dir, const char *name, const char *suffix)
{
	size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s%s", dir, name, suffix);
	return p;
}

struct outs {
	struct fileio_out v[SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS];
	struct vbuf buf[SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS];
	char *path[SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS];
	void *owned;		/* the marked host tree */
	int n;
};

/* A new output DIR/NAME SUFFIX of @len bytes at @data (NULL: its buf). */
static int add_out(struct run *r, struct outs *o, const char *name,
		   const char *suffix, const void *data, size_t len)
{
	int k = o->n;

	o->path[k] = out_path(r->a->out_dir, name, suffix);
	if (!o->path[k])
		return nomem(r->d);
	o->v[k].path = o->path[k];
	o->v[k].sync = r->a->fsync;
	o->v[k].data = data ? data : o->buf[k].data;
	o->v[k].len = data ? len : o->buf[k].len;
	o->n++;
	return 0;
}

static int render_guest(struct run *r, struct guest_run *x, struct outs *o)
{
	/* A generated partial names its GIC placeholder with this label. */
	static const struct dts_label gic = { EXTRACT_GIC_LABEL,
					      EXTRACT_GIC_PATH };
	const char *name = x->g->name;
	const struct dts_label *labels = x->g->partial ? x->labels.v : &gic;
	int nlabels = x->g->partial ? x->labels.n : 1;
	struct vbuf *b;
	int rc;

	rc = add_out(r, o, name, ".dtb", x->res.fdt, x->res.size);
	if (rc == 0 && r->a->dts) {
		b = &o->buf[o->n];
		rc = dts_write(x->res.fdt, x->res.size, labels, nlabels,
			       name, b, r->d);
		if (rc >= 0)
			rc = add_out(r, o, name, ".dts", NULL, 0);
	}
	if (rc == 0 && x->opts.abi != VDT_ABI_NONE) {
		b = &o->buf[o->n];
		rc = map_write(&x->res.map, MAP_FORMAT_YAML, NULL, name, b, r->d);
		if (rc >= 0)
			rc = add_out(r, o, name, "-map.yaml", NULL, 0);
	}
	if (rc == 0 && r->a->guest_view == 2)
		rc = add_out(r, o, name, "-guest.dtb", x->res.guest,
			     x->res.guest_size);
	if (rc == 0 && r->a->guest_view == 1) {
		b = &o->buf[o->n];
		rc = dts_write(x->res.guest, x->res.guest_size, labels,
			       nlabels, name, b, r->d);
		if (rc >= 0)
			rc = add_out(r, o, name, "-guest.dts", NULL, 0);
	}
	return rc < 0 ? rc : 0;
}

static int render(struct run *r, struct outs *o)
{
	const char **names = NULL, **dtbs = NULL, **paths = NULL;
	const struct vmap **maps = NULL;
	size_t size;
	int *idx = NULL, i, j, n = 0, nd = 0, nmaps = 0, npaths = 0, rc;

	for (i = 0; i < r->s.nguests; i++)
		npaths += r->gr[i].npaths;
	names = calloc((size_t)r->s.nguests + 1, sizeof(const char *));
	dtbs = calloc((size_t)r->s.nguests + 1, sizeof(const char *));
	maps = calloc((size_t)r->s.nguests + 1, sizeof(const struct vmap *));
	idx = calloc((size_t)r->s.nguests + 1, sizeof(int));
	paths = calloc((size_t)npaths + 1, sizeof(const char *));
	if (!names || !dtbs || !maps || !idx || !paths) {
		rc = nomem(r->d);
		goto out;
	}
	rc = 0;
	for (i = 0, npaths = 0; i < r->s.nguests; i++)
		for (j = 0; j < r->gr[i].npaths; j++)
			paths[npaths++] = r->gr[i].paths[j];
	if (rc == 0)
		rc = system_mark_host(r->host.data, r->host.size, r->s.host,
				      paths, npaths, &o->owned, &size, r->d);
	if (rc == 0)
		rc = add_out(r, o, "host", ".dtb", o->owned, size);
	for (i = 0; i < r->s.nguests && rc == 0; i++) {
		struct guest_run *x = &r->gr[i];

		rc = render_guest(r, x, o);
		/* The fragment names what the dom0less builder takes. */
		if (x->opts.builder == VDT_BUILDER_DOM0LESS) {
			dtbs[n] = x->g->name;
			idx[n++] = x->g->index;
		}
		if (x->opts.abi != VDT_ABI_NONE) {
			names[nmaps] = x->g->name;
			maps[nmaps++] = &x->res.map;
		}
	}
	/* The fragment names the files beside it: DIR is where
	 * ImageBuilder's -d directory takes them from. */
	for (nd = 0; nd < n && rc == 0; nd++) {
		size_t len = strlen(dtbs[nd]) + 5;
		char *f = malloc(len);

		if (!f) {
			rc = nomem(r->d);
			break;
		}
		snprintf(f, len, "%s.dtb", dtbs[nd]);
		dtbs[nd] = f;
	}
	if (rc == 0)
		rc = system_map_write(names, maps, nmaps, "system-map.yaml",
				      &o->buf[o->n], r->d);
	if (rc == 0)
		rc = add_out(r, o, "system-map", ".yaml", NULL, 0);
	if (rc == 0)
		rc = system_ib_fragment(r->sysname, "host.dtb", idx,
					(const char *const *)dtbs, n,
					&o->buf[o->n], r->d);
	if (rc == 0)
		rc = add_out(r, o, "imagebuilder", ".cfg", NULL, 0);
	for (j = 0; j < nd; j++)
		free((void *)dtbs[j]);
out:
	free(names);
	free(dtbs);
	free(maps);
	free(idx);
	free(paths);
	return rc;
}

/* Whether the existing output @path is ours to replace without --force. */
static int ours(const char *path, size_t max)
{
	struct vdt_diag d;
	struct vbuf b;
	int ok = 0;

	vbuf_init(&b);
	vdt_diag_init(&d);
	if (fileio_read(path, path, max, &b, &d) >= 0) {
		const char *p = b.data ? b.data : "";

		ok = (b.data && b.len >= 4 &&
		      memcmp(b.data, "\xd0\x0d\xfe\xed", 4) == 0) ||
		     strstr(p, "/dts-v1/;") != NULL ||
		     strncmp(p, SYSTEM_MAP_HEADER, strlen(SYSTEM_MAP_HEADER)) == 0 ||
		     strncmp(p, SYSTEM_IB_HEADER, strlen(SYSTEM_IB_HEADER)) == 0;
		ok = ok || map_sniff(p, b.len);
	}
	vbuf_free(&b);
	vdt_diag_free(&d);
	return ok;
}

static int check_targets(struct run *r, const struct outs *o)
{
	struct stat st;
	int i, j;

	/* A guest named "host" or "system", or "a" beside "a-guest". */
	for (i = 0; i < o->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(o->v[i].path, o->v[j].path) == 0)
				return vdt_error(r->d, VDT_ERR_INPUT, r->sysname,
						 NULL, NULL,
						 "%s would be written twice: a guest's name clashes with another output's",
						 o->v[i].path);
	for (i = 0; i < o->n; i++) {
		if (lstat(o->v[i].path, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode))
			return vdt_error(r->d, VDT_ERR_USAGE, o->v[i].path, NULL,
					 NULL, "a symbolic link: system mode writes only files of its directory");
		if (!S_ISREG(st.st_mode))
			return vdt_error(r->d, VDT_ERR_USAGE, o->v[i].path, NULL,
					 NULL, "exists and is no regular file");
		if (!r->a->force && st.st_size > 0 &&
		    !ours(o->v[i].path, r->a->max_input))
			return vdt_error(r->d, VDT_ERR_USAGE, o->v[i].path, NULL,
					 NULL, "exists and is no map or device tree this tool writes; --force replaces it");
	}
	return 0;
}

/* DIR/.NAME.viommu-dtgen-old: an existing output's old contents. */
static char *backup_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 24;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%.*s.%s.viommu-dtgen-old", (int)dir, path,
			 path + dir);
	return p;
}

/*
 * Every output at once: fileio_commit() gives each file its name in
 * turn, so a failure half-way would leave new files beside old ones.
 * Each existing output is first linked to a backup name; on failure the
 * backups are put back and the new files removed, so the directory is
 * as it was.  A kill between the renames can leave the backups.
 */
static int commit(struct run *r, struct outs *o)
{
	/* By output: 0 a new file, 1 an old one kept in bak[], 2 an old one
	 * not (yet) kept. */
	char *bak[SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS] = { 0 };
	int state[SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS] = { 0 };
	struct stat st;
	int i, n = o->n, made_dir = 0, tried = 0, rc = 0;

	if (mkdir(r->a->out_dir, 0777) == 0)
		made_dir = 1;
	else if (errno != EEXIST)
		return vdt_error(r->d, VDT_ERR_IO, r->a->out_dir, NULL, NULL,
				 "cannot make the directory: %s", strerror(errno));
	for (i = 0; i < n; i++)
		state[i] = lstat(o->v[i].path, &st) == 0 ? 2 : 0;
	for (i = 0; i < n && rc == 0; i++) {
		if (state[i] != 2)
			continue;
		bak[i] = backup_name(o->v[i].path);
		if (!bak[i]) {
			rc = nomem(r->d);
			break;
		}
		unlink(bak[i]);
		if (link(o->v[i].path, bak[i]) < 0)
			rc = vdt_error(r->d, VDT_ERR_IO, o->v[i].path, NULL, NULL,
				       "cannot keep the old file while writing: %s",
				       strerror(errno));
		else
			state[i] = 1;
	}
	if (rc == 0) {
		tried = 1;
		rc = fileio_commit(o->v, n, r->d);
	}
	for (i = 0; i < n; i++) {
		if (rc < 0 && tried && state[i] == 1)
			rename(bak[i], o->v[i].path);
		else if (rc < 0 && tried && state[i] == 0)
			unlink(o->v[i].path);
		if (state[i] == 1)
			unlink(bak[i]);
		free(bak[i]);
	}
	if (rc < 0 && made_dir)
		rmdir(r->a->out_dir);
	return rc;
}

static void run_free(struct run *r)
{
	int i;

	for (i = 0; r->gr && i < r->s.nguests; i++) {
		struct guest_run *x = &r->gr[i];

		free((void *)x->partial.data);
		fileio_labels_free(&x->labels);
		free(x->paths);
		free(x->allow);
		vbuf_free(&x->allow_text);
		vmap_free(&x->lock);
		dtgen_result_free(&x->res);
	}
	free(r->gr);
	if (r->h_open)
		hostdt_close(&r->h);
	free(r->host_copy);
	free((void *)r->host.data);
	system_desc_free(&r->s);
}

int cli_system_run(const struct cli_system *a, struct vdt_diag *d)
{
	struct run r = { .a = a, .d = d };
	struct outs *o;
	int i, rc;

	r.sysname = a->system ? a->system : a->imagebuilder;
	o = calloc(1, sizeof(*o));
	if (!o)
		return nomem(d);
	for (i = 0; i < SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS; i++)
		vbuf_init(&o->buf[i]);
	rc = load_desc(&r);
	if (rc >= 0)
		rc = load_host(&r);
	if (rc >= 0) {
		r.gr = calloc((size_t)r.s.nguests + 1, sizeof(*r.gr));
		if (!r.gr)
			rc = nomem(d);
	}
	for (i = 0; rc >= 0 && i < r.s.nguests; i++) {
		struct guest_run *x = &r.gr[i];

		x->g = &r.s.guests[i];
		vbuf_init(&x->allow_text);
		rc = guest_opts(&r, x);
		if (rc >= 0)
			rc = load_allow(&r, x);
		if (rc >= 0)
			rc = load_lock(&r, x);
		if (rc >= 0)
			rc = load_partial(&r, x);
	}
	if (rc >= 0)
		rc = check_system(&r);
	/* Each guest its own vID space, against the one host. */
	for (i = 0; rc >= 0 && i < r.s.nguests; i++) {
		rc = dtgen_run_host(&r.gr[i].opts, &r.h, &r.gr[i].partial,
				    &r.gr[i].res, d);
		if (rc >= 0)
			vdt_info(d, r.sysname, NULL, NULL,
				 "guest %s: %d passthrough devices, %d map entries",
				 r.s.guests[i].name, r.gr[i].res.map.ndevices,
				 r.gr[i].res.map.nentries);
	}
	if (rc >= 0)
		rc = render(&r, o);
	if (rc >= 0)
		rc = check_targets(&r, o);
	if (rc >= 0 && !a->check)
		rc = commit(&r, o);
	for (i = 0; i < o->n; i++)
		free(o->path[i]);
	for (i = 0; i < SYSTEM_OUTS + GUEST_OUTS * SYSTEM_MAX_GUESTS; i++)
		vbuf_free(&o->buf[i]);
	free(o->owned);
	free(o);
	run_free(&r);
	return rc < 0 ? rc : 0;
}

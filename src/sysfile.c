/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system file, read against its fixed structure with libyaml's event
 * parser (as map_read.c reads maps): no generic tree is built, and every
 * error names the file, the line and the key.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sysfile.h"

struct sf {
	yaml_parser_t p;
	yaml_event_t ev;
	int have;
	const char *file;
	struct system_desc *s;
	struct vdt_diag *d;
};

static int err_line(struct sf *f, size_t line, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int err_line(struct sf *f, size_t line, const char *key,
		    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vdt_verror_line(f->d, VDT_ERR_INPUT, f->file,
			     (unsigned long)line, key, fmt, ap);
	va_end(ap);
	return rc;
}

/* An error at the current event. */
#define ERR(f, key, ...) err_line((f), (f)->ev.start_mark.line + 1, (key), __VA_ARGS__)

static int nomem(struct sf *f)
{
	return vdt_error(f->d, VDT_ERR_NOMEM, f->file, NULL, NULL,
			 "out of memory");
}

static int next(struct sf *f)
{
	if (f->have)
		yaml_event_delete(&f->ev);
	f->have = 0;
	if (!yaml_parser_parse(&f->p, &f->ev)) {
		if (f->p.error == YAML_MEMORY_ERROR)
			return nomem(f);
		return err_line(f, f->p.problem_mark.line + 1, NULL, "%s",
				f->p.problem ? f->p.problem : "not YAML");
	}
	f->have = 1;
	if ((f->ev.type == YAML_SCALAR_EVENT &&
	     (f->ev.data.scalar.anchor || f->ev.data.scalar.tag)) ||
	    (f->ev.type == YAML_SEQUENCE_START_EVENT &&
	     (f->ev.data.sequence_start.anchor ||
	      f->ev.data.sequence_start.tag)) ||
	    (f->ev.type == YAML_MAPPING_START_EVENT &&
	     (f->ev.data.mapping_start.anchor ||
	      f->ev.data.mapping_start.tag)))
		return ERR(f, NULL, "anchors and tags are not allowed in a system file");
	if (f->ev.type == YAML_ALIAS_EVENT)
		return ERR(f, NULL, "aliases are not allowed in a system file");
	return 0;
}

static const char *type_name(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	default:
		return "a scalar";
	}
}

/* Whether a plain scalar is YAML's null, a boolean or a number. */
static const char *plain_type(const char *v)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const bools[] = { "true", "True", "TRUE", "false",
					     "False", "FALSE" };
	const char *p = v;
	size_t i;

	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(v, nulls[i]) == 0)
			return "null";
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (strcmp(v, bools[i]) == 0)
			return "a boolean";
	if (*p == '-' || *p == '+')
		p++;
	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0 ||
	    strcmp(v, ".nan") == 0 || strcmp(v, ".NaN") == 0)
		return "a number";
	if ((p[0] == '0' && (p[1] == 'x' || p[1] == 'o') && p[2]) ||
	    (p[0] >= '0' && p[0] <= '9') || (p[0] == '.' && p[1] >= '0' && p[1] <= '9')) {
		char *end;

		(void)strtod(p[0] == '0' && p[1] == 'o' ? p + 2 : p, &end);
		if (*end == '\0')
			return "a number";
	}
	return NULL;
}

/* The current event as a string value of @key: a copy in *@out. */
static int string_value(struct sf *f, const char *key, char **out)
{
	const char *v, *t;

	if (f->ev.type != YAML_SCALAR_EVENT)
		return ERR(f, key, "%s, not a string", type_name(&f->ev));
	v = (const char *)f->ev.data.scalar.value;
	if (strlen(v) != f->ev.data.scalar.length)
		return ERR(f, key, "holds a NUL character");
	t = f->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_type(v) :
								   NULL;
	if (t)
		return ERR(f, key, "%s, not a string", t);
	if (!*v)
		return ERR(f, key, "empty");
	*out = strdup(v);
	return *out ? 0 : nomem(f);
}

/* A file name: relative to the system file's directory. */
static int file_value(struct sf *f, const char *key, char **out)
{
	char *v = NULL;
	int rc = string_value(f, key, &v);

	if (rc < 0 || !v)
		return rc < 0 ? rc : nomem(f);
	*out = system_path_join(f->file, v);
	free(v);
	return *out ? 0 : nomem(f);
}

static const char *const abi_names[] = { "devid-map", "none", "vsmmuv3-v3" };
static const char *const builder_names[] = { "none", "libxl", "dom0less" };
static const char *const policy_names[] = { "compact", "identity" };

/* One of @n names, as its index in *@out. */
static int enum_value(struct sf *f, const char *key, const char *const *names,
		      int n, int *out)
{
	char *v = NULL;
	int i, rc = string_value(f, key, &v);

	if (rc < 0 || !v)
		return rc < 0 ? rc : nomem(f);
	for (i = 0; i < n; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			free(v);
			return 0;
		}
	free(v);
	return ERR(f, key, "must be %s%s%s%s%s", names[0], n > 2 ? ", " : " or ",
		   names[1], n > 2 ? " or " : "", n > 2 ? names[2] : "");
}

/* A mapping's key, into @buf; 0 at its end, 1 for a key. */
static int next_key(struct sf *f, char *buf, size_t len)
{
	int rc = next(f);

	if (rc < 0)
		return rc;
	if (f->ev.type == YAML_MAPPING_END_EVENT)
		return 0;
	if (f->ev.type != YAML_SCALAR_EVENT)
		return ERR(f, NULL, "a key must be a string, not %s",
			   type_name(&f->ev));
	snprintf(buf, len, "%s", (const char *)f->ev.data.scalar.value);
	return 1;
}

/* Whether @key was seen already; records it in @seen (a bit per key). */
static int repeated(struct sf *f, const char *key, const char *const *keys,
		    unsigned *seen)
{
	int i;

	for (i = 0; keys[i]; i++)
		if (strcmp(key, keys[i]) == 0) {
			if (*seen & (1u << i))
				return ERR(f, key, "given twice");
			*seen |= 1u << i;
			return 0;
		}
	return ERR(f, key, "unknown key");
}

static int read_paths(struct sf *f, struct system_guest *g)
{
	char **grown, *v;
	int rc;

	if (f->ev.type != YAML_SEQUENCE_START_EVENT)
		return ERR(f, "paths", "%s, not a list of host paths",
			   type_name(&f->ev));
	for (;;) {
		rc = next(f);
		if (rc < 0)
			return rc;
		if (f->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		v = NULL;
		rc = string_value(f, "paths", &v);
		if (rc < 0)
			return rc;
		if (v[0] != '/' || strpbrk(v, " \t\n")) {
			rc = ERR(f, "paths", "'%s' is not one absolute host path", v);
			free(v);
			return rc;
		}
		if (g->npaths == SYSTEM_MAX_PATHS) {
			free(v);
			return ERR(f, "paths", "more than %d host paths",
				   SYSTEM_MAX_PATHS);
		}
		grown = realloc(g->paths, (size_t)(g->npaths + 1) * sizeof(*grown));
		if (!grown) {
			free(v);
			return nomem(f);
		}
		g->paths = grown;
		g->paths[g->npaths++] = v;
	}
	if (g->npaths == 0)
		return ERR(f, "paths", "an empty list: a guest without devices needs no entry");
	return 0;
}

static int read_guest(struct sf *f, struct system_guest *g)
{
	static const char *const keys[] = { "name", "partial", "paths",
					    "allow-list", "lock", "xen-abi",
					    "builder", "policy", NULL };
	char key[64];
	unsigned seen = 0;
	int rc;

	g->line = (int)f->ev.start_mark.line + 1;
	g->abi = g->builder = g->policy = -1;
	if (f->ev.type != YAML_MAPPING_START_EVENT)
		return ERR(f, "guests", "each guest is a mapping, not %s",
			   type_name(&f->ev));
	while ((rc = next_key(f, key, sizeof(key))) == 1) {
		rc = repeated(f, key, keys, &seen);
		if (rc == 0)
			rc = next(f);
		if (rc < 0)
			return rc;
		if (strcmp(key, "name") == 0) {
			rc = string_value(f, key, &g->name);
			if (rc == 0 && !system_name_ok(g->name))
				rc = ERR(f, key,
					 "'%.64s' is not a safe file name: 1 to %d of A-Z a-z 0-9 . _ -, not first . or -",
					 g->name, SYSTEM_NAME_MAX);
		} else if (strcmp(key, "partial") == 0) {
			rc = file_value(f, key, &g->partial);
		} else if (strcmp(key, "paths") == 0) {
			rc = read_paths(f, g);
		} else if (strcmp(key, "allow-list") == 0) {
			rc = file_value(f, key, &g->allow_list);
		} else if (strcmp(key, "lock") == 0) {
			rc = file_value(f, key, &g->lock);
		} else if (strcmp(key, "xen-abi") == 0) {
			rc = enum_value(f, key, abi_names, 3, &g->abi);
		} else if (strcmp(key, "builder") == 0) {
			rc = enum_value(f, key, builder_names, 3, &g->builder);
		} else {
			rc = enum_value(f, key, policy_names, 2, &g->policy);
		}
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!g->name)
		return err_line(f, (size_t)g->line, "name", "a guest needs a name");
	if (!g->partial == !g->paths)
		return err_line(f, (size_t)g->line, g->partial ? "paths" : "partial",
				"guest '%s' needs one of partial (a partial DT) and paths (host paths)",
				g->name);
	return 0;
}

static int read_guests(struct sf *f)
{
	struct system_desc *s = f->s;
	struct system_guest *grown, *g;
	int rc, i;

	if (f->ev.type != YAML_SEQUENCE_START_EVENT)
		return ERR(f, "guests", "%s, not a list of guests",
			   type_name(&f->ev));
	for (;;) {
		rc = next(f);
		if (rc < 0)
			return rc;
		if (f->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (s->nguests == SYSTEM_MAX_GUESTS)
			return ERR(f, "guests", "more than %d guests",
				   SYSTEM_MAX_GUESTS);
		grown = realloc(s->guests, (size_t)(s->nguests + 1) * sizeof(*grown));
		if (!grown)
			return nomem(f);
		s->guests = grown;
		g = &s->guests[s->nguests++];
		memset(g, 0, sizeof(*g));
		g->index = s->nguests - 1;
		rc = read_guest(f, g);
		if (rc < 0)
			return rc;
		for (i = 0; i < s->nguests - 1; i++)
			if (strcmp(s->guests[i].name, g->name) == 0)
				return err_line(f, (size_t)g->line, "name",
						"guest '%s' is named twice (first on line %d)",
						g->name, s->guests[i].line);
	}
	if (s->nguests == 0)
		return ERR(f, "guests", "an empty list");
	return 0;
}

static int read_top(struct sf *f)
{
	static const char *const keys[] = { "host", "xen-abi", "builder",
					    "guests", NULL };
	char key[64];
	unsigned seen = 0;
	int rc;

	rc = next(f);		/* stream start */
	if (rc == 0)
		rc = next(f);	/* document start, or stream end */
	if (rc < 0)
		return rc;
	if (f->ev.type != YAML_DOCUMENT_START_EVENT)
		return err_line(f, 1, NULL, "empty");
	rc = next(f);
	if (rc < 0)
		return rc;
	if (f->ev.type != YAML_MAPPING_START_EVENT)
		return ERR(f, NULL, "a system file is a mapping, not %s",
			   type_name(&f->ev));
	while ((rc = next_key(f, key, sizeof(key))) == 1) {
		rc = repeated(f, key, keys, &seen);
		if (rc == 0)
			rc = next(f);
		if (rc < 0)
			return rc;
		if (strcmp(key, "host") == 0)
			rc = file_value(f, key, &f->s->host);
		else if (strcmp(key, "xen-abi") == 0)
			rc = enum_value(f, key, abi_names, 3, &f->s->abi);
		else if (strcmp(key, "builder") == 0)
			rc = enum_value(f, key, builder_names, 3, &f->s->builder);
		else
			rc = read_guests(f);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (!f->s->host)
		return ERR(f, "host", "missing: the host tree");
	if (!f->s->guests)
		return ERR(f, "guests", "missing: the list of guests");
	rc = next(f);		/* document end */
	if (rc == 0)
		rc = next(f);
	if (rc == 0 && f->ev.type != YAML_STREAM_END_EVENT)
		return ERR(f, NULL, "one document only");
	return rc;
}

int sysfile_read(const char *text, size_t len, const char *file,
		 struct system_desc *s, struct vdt_diag *d)
{
	struct sf f = { .file = file, .s = s, .d = d };
	int rc;

	memset(s, 0, sizeof(*s));
	s->abi = s->builder = -1;
	if (memchr(text, '\0', len))
		return vdt_error(d, VDT_ERR_INPUT, file, NULL, NULL,
				 "holds a NUL byte");
	if (!yaml_parser_initialize(&f.p))
		return nomem(&f);
	yaml_parser_set_input_string(&f.p, (const unsigned char *)text, len);
	rc = read_top(&f);
	if (f.have)
		yaml_event_delete(&f.ev);
	yaml_parser_delete(&f.p);
	if (rc < 0)
		system_desc_free(s);
	return rc < 0 ? rc : 0;
}

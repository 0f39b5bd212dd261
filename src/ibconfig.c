/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An ImageBuilder config as shell assignments: a small scanner of the
 * shell's word syntax (quotes, escapes, comments), no expansion.  A value
 * that would need expansion is kept as "dynamic", an error only for the
 * variables read here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ibconfig.h"
#include "vbuf.h"

enum ib_var { IB_DEVICE_TREE, IB_NUM_DOMUS, IB_DTB, IB_PATHS, IB_NOBOOT,
	      IB_OTHER };

/* The value each variable read here last got. */
struct ib_val {
	char *v;		/* NULL: never set */
	int line;
};

struct ib {
	const char *t, *end;
	int line;
	const char *file;
	struct vdt_diag *d;
	struct ib_val dt, num;
	struct ib_val dtb[SYSTEM_MAX_GUESTS], paths[SYSTEM_MAX_GUESTS],
		noboot[SYSTEM_MAX_GUESTS];
};

static int err_line(struct ib *b, int line, const char *var,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int err_line(struct ib *b, int line, const char *var,
		    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vdt_verror_line(b->d, VDT_ERR_INPUT, b->file,
			     (unsigned long)line, var, fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(struct ib *b)
{
	return vdt_error(b->d, VDT_ERR_NOMEM, b->file, NULL, NULL,
			 "out of memory");
}

static int is_name_char(char c, int first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Skip blanks and backslash-newlines. */
static void skip_blanks(struct ib *b)
{
	while (b->t < b->end) {
		if (blank(*b->t)) {
			b->t++;
		} else if (*b->t == '\\' && b->t + 1 < b->end &&
			   b->t[1] == '\n') {
			b->t += 2;
			b->line++;
		} else {
			break;
		}
	}
}

/*
 * One shell word's value from b->t, into @out: quotes removed, escapes
 * taken.  *@dynamic is set for what a shell would expand or run.
 */
static int read_word(struct ib *b, struct vbuf *out, int *dynamic)
{
	int start = b->line, rc = 0;
	char c;

	/* A leading ~ is the shell's tilde expansion, in assignments too. */
	if (b->t < b->end && *b->t == '~')
		*dynamic = 1;
	while (b->t < b->end && rc >= 0) {
		c = *b->t;
		if (blank(c) || c == '\n' || c == ';')
			break;
		if (c == '\'') {
			const char *q = memchr(b->t + 1, '\'',
					       (size_t)(b->end - b->t - 1));

			if (!q)
				return err_line(b, start, NULL,
						"a quote (') that is never closed");
			for (const char *p = b->t + 1; p < q; p++)
				b->line += *p == '\n';
			rc = vbuf_append(out, b->t + 1, (size_t)(q - b->t - 1));
			b->t = q + 1;
		} else if (c == '"') {
			b->t++;
			while (b->t < b->end && *b->t != '"' && rc >= 0) {
				c = *b->t;
				if (c == '\\' && b->t + 1 < b->end &&
				    strchr("$`\"\\\n", b->t[1])) {
					if (b->t[1] == '\n')
						b->line++;
					else
						rc = vbuf_append(out, b->t + 1, 1);
					b->t += 2;
					continue;
				}
				if (c == '$' || c == '`')
					*dynamic = 1;
				b->line += c == '\n';
				rc = vbuf_append(out, b->t++, 1);
			}
			if (b->t >= b->end)
				return err_line(b, start, NULL,
						"a quote (\") that is never closed");
			b->t++;
		} else if (c == '\\') {
			if (b->t + 1 >= b->end) {
				b->t++;
				break;
			}
			if (b->t[1] == '\n')
				b->line++;
			else
				rc = vbuf_append(out, b->t + 1, 1);
			b->t += 2;
		} else {
			if (c == '$' || c == '`' || strchr("|&<>()", c))
				*dynamic = 1;
			rc = vbuf_append(out, b->t++, 1);
		}
	}
	if (rc < 0)
		return nomem(b);
	return vbuf_append(out, "", 1) < 0 ? nomem(b) : 0;
}

/* Which variable @name[@idx] is (@idx -1: none given). */
static enum ib_var which(const char *name, size_t len)
{
	static const char *const names[] = { "DEVICE_TREE", "NUM_DOMUS",
					     "DOMU_PASSTHROUGH_DTB",
					     "DOMU_PASSTHROUGH_PATHS",
					     "DOMU_NOBOOT" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(name, names[i], len) == 0)
			return (enum ib_var)i;
	return IB_OTHER;
}

static int set(struct ib_val *v, char *value, int line)
{
	free(v->v);
	v->v = value;
	v->line = line;
	return 0;
}

/*
 * One assignment at b->t (a name starts there): NAME[IDX]=WORD.  Returns
 * 1 when b->t holds no assignment (a command).
 */
static int assignment(struct ib *b)
{
	const char *name = b->t, *idx = NULL, *p = b->t;
	char vname[64];
	size_t nlen, ilen = 0;
	enum ib_var var;
	struct vbuf val;
	int line = b->line, dynamic = 0, append = 0, index = -1, rc;

	while (p < b->end && is_name_char(*p, p == name))
		p++;
	nlen = (size_t)(p - name);
	if (nlen == 0)
		return 1;
	if (p < b->end && *p == '[') {
		idx = ++p;
		while (p < b->end && *p != ']' && *p != '\n')
			p++;
		if (p >= b->end || *p != ']')
			return 1;
		ilen = (size_t)(p - idx);
		p++;
	}
	if (p < b->end && *p == '+') {
		append = 1;
		p++;
	}
	if (p >= b->end || *p != '=')
		return 1;
	var = which(name, nlen);
	snprintf(vname, sizeof(vname), "%.*s%s%.*s%s", (int)(nlen > 40 ? 40 : nlen),
		 name, idx ? "[" : "", (int)(ilen > 16 ? 16 : ilen),
		 idx ? idx : "", idx ? "]" : "");
	b->t = p + 1;
	vbuf_init(&val);
	if (b->t < b->end && *b->t == '(') {
		dynamic = 1;	/* an array: skipped, or refused below */
		while (b->t < b->end && *b->t != ')') {
			b->line += *b->t == '\n';
			b->t++;
		}
		if (b->t < b->end)
			b->t++;
		rc = vbuf_append(&val, "", 1) < 0 ? nomem(b) : 0;
	} else {
		rc = read_word(b, &val, &dynamic);
	}
	if (rc < 0 || var == IB_OTHER) {
		vbuf_free(&val);
		return rc;
	}
	if (var == IB_DEVICE_TREE || var == IB_NUM_DOMUS) {
		if (idx) {
			vbuf_free(&val);
			return err_line(b, line, vname, "not an array");
		}
	} else if (!idx) {
		index = 0;	/* NAME=v sets NAME[0], as in bash */
	} else {
		char *end;
		long n;

		if (ilen == 0 || ilen > 3 || idx[0] < '0' || idx[0] > '9') {
			vbuf_free(&val);
			return err_line(b, line, vname,
					"the index must be a number, as ImageBuilder writes it");
		}
		n = strtol(idx, &end, 10);
		if (end != idx + ilen || n >= SYSTEM_MAX_GUESTS) {
			vbuf_free(&val);
			return err_line(b, line, vname,
					"the index must be a number below %d",
					SYSTEM_MAX_GUESTS);
		}
		index = (int)n;
	}
	if (dynamic || append) {
		vbuf_free(&val);
		return err_line(b, line, vname,
				"%s: a value that needs a shell ($(...), `...`, $NAME, arrays) cannot be read; write it out",
				append ? "+=" : "dynamic");
	}
	switch (var) {
	case IB_DEVICE_TREE:
		return set(&b->dt, val.data, line);
	case IB_NUM_DOMUS:
		return set(&b->num, val.data, line);
	case IB_DTB:
		return set(&b->dtb[index], val.data, line);
	case IB_PATHS:
		return set(&b->paths[index], val.data, line);
	default:
		return set(&b->noboot[index], val.data, line);
	}
}

/* Every statement of the file. */
static int scan(struct ib *b)
{
	int rc;

	while (b->t < b->end) {
		skip_blanks(b);
		if (b->t >= b->end)
			break;
		if (*b->t == '\n' || *b->t == ';') {
			b->line += *b->t == '\n';
			b->t++;
			continue;
		}
		if (*b->t == '#') {
			while (b->t < b->end && *b->t != '\n')
				b->t++;
			continue;
		}
		if (b->end - b->t > 7 && memcmp(b->t, "export", 6) == 0 &&
		    blank(b->t[6])) {
			b->t += 6;
			skip_blanks(b);
		}
		rc = assignment(b);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			const char *p = b->t;

			while (p < b->end && is_name_char(*p, p == b->t))
				p++;
			while (p < b->end && blank(*p))
				p++;
			if (p > b->t && p < b->end && *p == '=')
				return err_line(b, b->line, NULL,
						"blanks around '=': a shell reads no assignment there");
			return err_line(b, b->line, NULL,
					"not a variable assignment: the config is read, not run");
		}
		skip_blanks(b);
		if (b->t < b->end && !strchr("\n;#", *b->t) &&
		    !is_name_char(*b->t, 1))
			return err_line(b, b->line, NULL,
					"not a variable assignment: the config is read, not run");
	}
	return 0;
}

/* The host paths of one DOMU_PASSTHROUGH_PATHS value. */
static int split_paths(struct ib *b, const struct ib_val *v, const char *var,
		       struct system_guest *g)
{
	char *s = v->v, *tok, **grown;

	for (tok = strtok(s, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
		if (tok[0] != '/')
			return err_line(b, v->line, var,
					"'%.64s' is not an absolute host path", tok);
		if (g->npaths == SYSTEM_MAX_PATHS)
			return err_line(b, v->line, var, "more than %d host paths",
					SYSTEM_MAX_PATHS);
		grown = realloc(g->paths, (size_t)(g->npaths + 1) * sizeof(*grown));
		if (!grown)
			return nomem(b);
		g->paths = grown;
		g->paths[g->npaths] = strdup(tok);
		if (!g->paths[g->npaths])
			return nomem(b);
		g->npaths++;
	}
	return 0;
}

static int build(struct ib *b, struct system_desc *s)
{
	struct system_guest *g;
	char var[64], *end;
	long num;
	int i, rc;

	if (!b->dt.v || !*b->dt.v)
		return err_line(b, b->dt.v ? b->dt.line : 1, "DEVICE_TREE",
				"missing: the host tree Xen boots with");
	if (!b->num.v)
		return err_line(b, 1, "NUM_DOMUS", "missing: how many guests");
	num = strtol(b->num.v, &end, 10);
	if (!*b->num.v || *end || b->num.v[0] == '-' || b->num.v[0] == '+' ||
	    num > SYSTEM_MAX_GUESTS)
		return err_line(b, b->num.line, "NUM_DOMUS",
				"'%.32s' is not a number from 0 to %d", b->num.v,
				SYSTEM_MAX_GUESTS);
	s->host = system_path_join(b->file, b->dt.v);
	if (!s->host)
		return nomem(b);
	s->guests = calloc((size_t)num + 1, sizeof(*s->guests));
	if (!s->guests)
		return nomem(b);
	for (i = 0; i < SYSTEM_MAX_GUESTS; i++) {
		struct ib_val *dtb = &b->dtb[i], *paths = &b->paths[i];
		int has_paths = paths->v && strspn(paths->v, " \t\n") !=
						  strlen(paths->v);

		if (i >= num) {
			const struct ib_val *v = dtb->v ? dtb : paths->v ? paths :
						 b->noboot[i].v ? &b->noboot[i] : NULL;
			if (v) {
				snprintf(var, sizeof(var), "%s:%d", b->file, v->line);
				vdt_warn(b->d, var, NULL, NULL,
					 "guest %d is beyond NUM_DOMUS=%ld: left out, as ImageBuilder does",
					 i, num);
			}
			continue;
		}
		if ((!dtb->v || !*dtb->v) && !has_paths)
			continue;
		g = &s->guests[s->nguests++];
		g->abi = g->builder = g->policy = -1;
		g->index = i;
		g->line = dtb->v && *dtb->v ? dtb->line : paths->line;
		g->noboot = b->noboot[i].v && *b->noboot[i].v;
		snprintf(var, sizeof(var), "domu%d", i);
		g->name = strdup(var);
		if (!g->name)
			return nomem(b);
		if (dtb->v && *dtb->v) {
			g->partial = system_path_join(b->file, dtb->v);
			if (!g->partial)
				return nomem(b);
		}
		if (has_paths) {
			snprintf(var, sizeof(var), "DOMU_PASSTHROUGH_PATHS[%d]", i);
			rc = split_paths(b, paths, var, g);
			if (rc < 0)
				return rc;
		}
	}
	if (s->nguests == 0)
		return err_line(b, b->num.line, "NUM_DOMUS",
				"no guest passes a device through (DOMU_PASSTHROUGH_DTB or DOMU_PASSTHROUGH_PATHS)");
	return 0;
}

int ibconfig_read(const char *text, size_t len, const char *file,
		  struct system_desc *s, struct vdt_diag *d)
{
	struct ib *b;
	int i, rc;

	memset(s, 0, sizeof(*s));
	s->abi = s->builder = -1;
	if (memchr(text, '\0', len))
		return vdt_error(d, VDT_ERR_INPUT, file, NULL, NULL,
				 "holds a NUL byte");
	b = calloc(1, sizeof(*b));
	if (!b)
		return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				 "out of memory");
	b->t = text;
	b->end = text + len;
	b->line = 1;
	b->file = file;
	b->d = d;
	rc = scan(b);
	if (rc >= 0)
		rc = build(b, s);
	free(b->dt.v);
	free(b->num.v);
	for (i = 0; i < SYSTEM_MAX_GUESTS; i++) {
		free(b->dtb[i].v);
		free(b->paths[i].v);
		free(b->noboot[i].v);
	}
	free(b);
	if (rc < 0)
		system_desc_free(s);
	return rc < 0 ? rc : 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

enum tok_type {
	T_EOF, T_NL, T_SEMI, T_COMMA, T_LB, T_RB, T_EQ, T_ADD, T_IDENT,
	T_NUMBER, T_STRING,
};

struct tok {
	enum tok_type type;
	size_t start, end;
	int line;
};

struct lexer {
	const char *t;
	size_t len, pos;
	int line;
	const char *name;
	struct vdt_diag *d;
};

static int is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int lex_error(struct lexer *lx, int line, const char *what)
{
	vdt_error(lx->d, VDT_ERR_INPUT, lx->name, NULL, NULL, "line %d: %s",
		  line, what);
	return -VDT_ERR_INPUT;
}

/* The next token; 0, or -VDT_ERR_INPUT for a lexical error. */
static int next(struct lexer *lx, struct tok *tk)
{
	const char *t = lx->t;
	size_t p;
	char q;

	while (lx->pos < lx->len && (t[lx->pos] == ' ' || t[lx->pos] == '\t'))
		lx->pos++;
	p = lx->pos;
	tk->type = T_EOF;
	tk->start = p;
	tk->end = p;
	tk->line = lx->line;
	if (p == lx->len) {
		tk->type = T_EOF;
		tk->end = p;
		return 0;
	}
	if (t[p] == '#') {
		while (p < lx->len && t[p] != '\n')
			p++;
		if (p == lx->len)
			return lex_error(lx, lx->line,
					 "lexical error: a comment must end with a newline");
	}
	if (t[p] == '\n') {
		tk->type = T_NL;
		lx->line++;
		p++;
	} else if (is_lower(t[p])) {
		tk->type = T_IDENT;
		while (++p < lx->len && (is_lower(t[p]) || is_digit(t[p]) ||
					 t[p] == '.' || t[p] == '_'))
			;
	} else if (is_digit(t[p])) {
		tk->type = T_NUMBER;
		while (++p < lx->len && (is_digit(t[p]) || t[p] == 'x' ||
					 (t[p] >= 'a' && t[p] <= 'f')))
			;
	} else if (t[p] == '\'' || t[p] == '"') {
		tk->type = T_STRING;
		q = t[p++];
		while (p < lx->len && t[p] != q && t[p] != '\n') {
			if (t[p] == '\\' && (p + 1 == lx->len || t[p + 1] == '\n'))
				break;
			p += t[p] == '\\' ? 2 : 1;
		}
		if (p >= lx->len || t[p] != q)
			return lex_error(lx, lx->line,
					 "lexical error: a string must end on its line");
		p++;
	} else if (t[p] == '+' && p + 1 < lx->len && t[p + 1] == '=') {
		tk->type = T_ADD;
		p += 2;
	} else {
		switch (t[p]) {
		case ',': tk->type = T_COMMA; break;
		case '[': tk->type = T_LB; break;
		case ']': tk->type = T_RB; break;
		case '=': tk->type = T_EQ; break;
		case ';': tk->type = T_SEMI; break;
		default:
			return lex_error(lx, lx->line, t[p] == '\r' ?
					 "lexical error: a carriage return (xl reads no DOS line ends)" :
					 "lexical error: a character xl does not take");
		}
		p++;
	}
	tk->end = p;
	lx->pos = p;
	return 0;
}

/* The next token other than a newline. */
static int next_skip_nl(struct lexer *lx, struct tok *tk)
{
	int rc;

	do
		rc = next(lx, tk);
	while (rc == 0 && tk->type == T_NL);
	return rc;
}

static int syntax_error(struct lexer *lx, const struct tok *tk)
{
	/* At the end of a file that ends its last line: that line. */
	int line = tk->type == T_EOF && lx->len && lx->t[lx->len - 1] == '\n' ?
			   tk->line - 1 : tk->line;

	return lex_error(lx, line, tk->type == T_EOF ?
			 "syntax error at the end of the file" :
			 tk->type == T_NL ? "syntax error at the end of the line" :
			 "syntax error");
}

/* The value of a string token, dequoted, in newly allocated memory. */
static int dequote(struct lexer *lx, const struct tok *tk, char **out)
{
	const char *s = lx->t + tk->start + 1, *e = lx->t + tk->end - 1;
	static const char from[] = "\"'\\abfnrtv", to[] = "\"'\\\a\b\f\n\r\t\v";
	const char *k;
	char *q;

	*out = malloc((size_t)(e - s) + 1);
	if (!*out)
		return vdt_error(lx->d, VDT_ERR_NOMEM, lx->name, NULL, NULL,
				 "out of memory");
	for (q = *out; s < e; s++) {
		if (*s != '\\') {
			*q++ = *s;
			continue;
		}
		s++;
		k = strchr(from, *s);
		if (*s == '\0' || !k) {
			free(*out);
			*out = NULL;
			return lex_error(lx, tk->line, *s == 'x' || is_digit(*s) ?
					 "a numeric escape in a string (not taken here)" :
					 "an invalid character after a backslash in a string");
		}
		*q++ = to[k - from];
	}
	*q = '\0';
	return 0;
}

static int add_atom(struct lexer *lx, struct xlcfg_setting *s,
		    const struct tok *tk)
{
	char **grown, *a;
	size_t n;
	int rc;

	if (tk->type == T_STRING) {
		rc = dequote(lx, tk, &a);
		if (rc < 0)
			return rc;
	} else {
		n = tk->end - tk->start;
		a = malloc(n + 1);
		if (a) {
			memcpy(a, lx->t + tk->start, n);
			a[n] = '\0';
		}
	}
	grown = a ? realloc(s->atoms, ((size_t)s->natoms + 1) * sizeof(*grown)) :
		    NULL;
	if (!grown) {
		free(a);
		return vdt_error(lx->d, VDT_ERR_NOMEM, lx->name, NULL, NULL,
				 "out of memory");
	}
	s->atoms = grown;
	s->atoms[s->natoms++] = a;
	return 0;
}

/* A value starting at @tk; @end receives the offset after it. */
static int value(struct lexer *lx, struct xlcfg_setting *s, struct tok *tk,
		 int depth)
{
	int rc;

	if (tk->type == T_STRING || tk->type == T_NUMBER) {
		s->end = tk->end;
		return add_atom(lx, s, tk);
	}
	if (tk->type != T_LB)
		return syntax_error(lx, tk);
	if (depth >= VDT_MAX_DEPTH)
		return lex_error(lx, tk->line, "lists nested too deep");
	if (depth > 0)
		s->nested = 1;
	rc = next_skip_nl(lx, tk);
	while (rc == 0 && tk->type != T_RB) {
		rc = value(lx, s, tk, depth + 1);
		if (rc == 0)
			rc = next_skip_nl(lx, tk);
		if (rc == 0 && tk->type == T_COMMA)
			rc = next_skip_nl(lx, tk);
		else if (rc == 0 && tk->type != T_RB)
			return syntax_error(lx, tk);
	}
	if (rc == 0)
		s->end = tk->end;
	return rc;
}

/* Whether a "+=" of @s may follow the earlier setting @prev. */
static int add_ok(const struct xlcfg *cfg, const struct xlcfg_setting *s)
{
	int i;

	for (i = cfg->n - 2; i >= 0; i--)
		if (strcmp(cfg->v[i].key, s->key) == 0)
			return cfg->v[i].type == s->type;
	return 1;
}

static int setting(struct lexer *lx, struct xlcfg *cfg, struct tok *tk)
{
	struct xlcfg_setting *grown, *s;
	size_t n = tk->end - tk->start;
	int rc;

	grown = realloc(cfg->v, ((size_t)cfg->n + 1) * sizeof(*grown));
	if (!grown)
		return vdt_error(lx->d, VDT_ERR_NOMEM, lx->name, NULL, NULL,
				 "out of memory");
	cfg->v = grown;
	s = &cfg->v[cfg->n];
	memset(s, 0, sizeof(*s));
	s->key = malloc(n + 1);
	if (!s->key)
		return vdt_error(lx->d, VDT_ERR_NOMEM, lx->name, NULL, NULL,
				 "out of memory");
	cfg->n++;
	memcpy(s->key, lx->t + tk->start, n);
	s->key[n] = '\0';
	s->start = tk->start;
	s->line = tk->line;
	rc = next(lx, tk);
	if (rc < 0)
		return rc;
	if (tk->type != T_EQ && tk->type != T_ADD)
		return syntax_error(lx, tk);
	s->add = tk->type == T_ADD;
	rc = next(lx, tk);
	if (rc < 0)
		return rc;
	s->type = tk->type == T_LB ? XLCFG_LIST : XLCFG_STRING;
	rc = value(lx, s, tk, 0);
	if (rc < 0)
		return rc;
	if (s->add && !add_ok(cfg, s))
		return lex_error(lx, s->line,
				 "'+=' adds a list to a string or a string to a list");
	return 0;
}

int xlcfg_parse(const char *text, size_t len, const char *name,
		struct xlcfg *cfg, struct vdt_diag *d)
{
	struct lexer lx = { text, len, 0, 1, name, d };
	struct tok tk;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (len && memchr(text, '\0', len))
		return vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
				 "holds a NUL byte: not a text file");
	for (;;) {
		rc = next(&lx, &tk);
		if (rc < 0)
			return rc;
		if (tk.type == T_EOF)
			return 0;
		if (tk.type == T_NL || tk.type == T_SEMI)
			continue;
		if (tk.type != T_IDENT)
			return syntax_error(&lx, &tk);
		rc = setting(&lx, cfg, &tk);
		if (rc == 0)
			rc = next(&lx, &tk);
		if (rc < 0)
			return rc;
		if (tk.type == T_EOF)
			return 0;
		if (tk.type != T_NL && tk.type != T_SEMI)
			return syntax_error(&lx, &tk);
	}
}

void xlcfg_free(struct xlcfg *cfg)
{
	int i, j;

	for (i = 0; i < cfg->n; i++) {
		for (j = 0; j < cfg->v[i].natoms; j++)
			free(cfg->v[i].atoms[j]);
		free(cfg->v[i].atoms);
		free(cfg->v[i].key);
	}
	free(cfg->v);
	memset(cfg, 0, sizeof(*cfg));
}

int xlcfg_get_list(const struct xlcfg *cfg, const char *key, const char *name,
		   const char ***items, int *n, struct vdt_diag *d)
{
	const struct xlcfg_setting *s;
	const char **v = NULL;
	int i, j, first = -1, total = 0, k = 0;

	*items = NULL;
	*n = 0;
	/* The last "=", or the first "+=" when there is none. */
	for (i = 0; i < cfg->n; i++) {
		s = &cfg->v[i];
		if (strcmp(s->key, key) != 0)
			continue;
		if (!s->add || first < 0)
			first = i;
	}
	if (first < 0)
		return 0;
	for (i = first; i < cfg->n; i++) {
		s = &cfg->v[i];
		if (strcmp(s->key, key) != 0)
			continue;
		if (s->type != XLCFG_LIST || s->nested)
			return vdt_error(d, VDT_ERR_INPUT, name, NULL, key,
					 "line %d: not a list of strings", s->line);
		total += s->natoms;
	}
	if (total > 0) {
		v = malloc((size_t)total * sizeof(*v));
		if (!v)
			return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
					 "out of memory");
	}
	for (i = first; v && i < cfg->n; i++)
		if (strcmp(cfg->v[i].key, key) == 0)
			for (j = 0; j < cfg->v[i].natoms && k < total; j++)
				v[k++] = cfg->v[i].atoms[j];
	*items = v;
	*n = total;
	return 1;
}

int xlcfg_quote(struct vbuf *b, const char *s, const char *name,
		struct vdt_diag *d)
{
	const char *p;
	int rc;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
					 "a control character in the name '%s': not written to an xl file",
					 s);
	rc = vbuf_append(b, "\"", 1);
	for (p = s; *p && rc >= 0; p++) {
		if (*p == '"' || *p == '\\')
			rc = vbuf_append(b, "\\", 1);
		if (rc >= 0)
			rc = vbuf_append(b, p, 1);
	}
	if (rc >= 0)
		rc = vbuf_append(b, "\"", 1);
	if (rc < 0)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	return 0;
}

/* Whether @key is an xl key ([a-z][._0-9a-z]*). */
static int key_ok(const char *key)
{
	const char *p = key;

	if (!is_lower(*p))
		return 0;
	while (*++p)
		if (!is_lower(*p) && !is_digit(*p) && *p != '.' && *p != '_')
			return 0;
	return 1;
}

/* The index of @key in @sets, or -1. */
static int set_of(const struct xlcfg_set *sets, int nsets, const char *key)
{
	int i;

	for (i = 0; i < nsets; i++)
		if (strcmp(sets[i].key, key) == 0)
			return i;
	return -1;
}

/*
 * The bytes a removed setting @s takes with it: the setting, the blanks
 * after it and its ';'; and its whole line when nothing else is on it.
 */
static void removal(const char *t, size_t len, const struct xlcfg_setting *s,
		    size_t *from, size_t *to)
{
	size_t a = s->start, b = s->end;

	while (b < len && (t[b] == ' ' || t[b] == '\t'))
		b++;
	if (b < len && t[b] == ';')
		b++;
	while (b < len && (t[b] == ' ' || t[b] == '\t'))
		b++;
	while (a > 0 && (t[a - 1] == ' ' || t[a - 1] == '\t'))
		a--;
	if ((a == 0 || t[a - 1] == '\n') && (b == len || t[b] == '\n')) {
		*from = a;
		*to = b < len ? b + 1 : b;
		return;
	}
	*from = s->start;
	*to = b;
}

static int put(struct vbuf *out, const char *p, size_t n, int rc)
{
	return rc < 0 || n == 0 ? rc : vbuf_append(out, p, n);
}

static int put_set(struct vbuf *out, const struct xlcfg_set *s, int rc)
{
	rc = put(out, s->key, strlen(s->key), rc);
	rc = put(out, " = ", 3, rc);
	return put(out, s->value, strlen(s->value), rc);
}

/* L7: the first setting of a key replaced, the later ones removed. */
int xlcfg_update(const char *text, size_t len, const struct xlcfg *cfg,
		 const struct xlcfg_set *sets, int nsets, struct vbuf *out,
		 struct vdt_diag *d)
{
	unsigned char *done;
	size_t at = 0, from, to;
	int i, k, rc = 0;

	for (i = 0; i < nsets; i++)
		if (!key_ok(sets[i].key) || set_of(sets, i, sets[i].key) >= 0)
			return vdt_error(d, VDT_ERR_USAGE, NULL, NULL, NULL,
					 "'%s' is no xl key, or is written twice",
					 sets[i].key);
	done = calloc((size_t)nsets + 1, 1);
	if (!done)
		return vdt_error(d, VDT_ERR_NOMEM, NULL, NULL, NULL,
				 "out of memory");
	for (i = 0; i < cfg->n; i++) {
		k = set_of(sets, nsets, cfg->v[i].key);
		if (k < 0)
			continue;
		if (!done[k]) {
			rc = put(out, text + at, cfg->v[i].start - at, rc);
			rc = put_set(out, &sets[k], rc);
			at = cfg->v[i].end;
			done[k] = 1;
			continue;
		}
		removal(text, len, &cfg->v[i], &from, &to);
		if (from < at)		/* shares a line with the last one kept */
			from = cfg->v[i].start;
		rc = put(out, text + at, from - at, rc);
		at = to;
	}
	rc = put(out, text + at, len - at, rc);
	for (k = 0; k < nsets; k++) {
		if (done[k])
			continue;
		if (rc >= 0 && out->len && out->data[out->len - 1] != '\n')
			rc = put(out, "\n", 1, rc);
		rc = put_set(out, &sets[k], rc);
		rc = put(out, "\n", 1, rc);
	}
	free(done);
	if (rc < 0)
		return vdt_error(d, VDT_ERR_NOMEM, NULL, NULL, NULL,
				 "out of memory");
	return 0;
}

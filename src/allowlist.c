/* SPDX-License-Identifier: BSD-2-Clause */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "allowlist.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* @line without its comment and the blanks around what is left. */
static char *trim(char *line)
{
	char *end;

	end = strchr(line, '#');
	if (end)
		*end = '\0';
	else
		end = line + strlen(line);
	while (is_blank(*line))
		line++;
	while (end > line && is_blank(end[-1]))
		*--end = '\0';
	return line;
}

int allowlist_parse(char *text, size_t len, const char *name,
		    const char ***paths, int *n, struct vdt_diag *d)
{
	char *line, *eol, *end = text + len;
	const char **grown;
	size_t lines = 1, i;
	int lineno = 0, found = 0;

	if (!len)
		return 0;
	if (memchr(text, '\0', len))
		return vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
				 "holds a NUL byte: not a text file");
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (lines > (size_t)(INT_MAX - *n))
		return vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
				 "more than %d lines", INT_MAX - *n);
	grown = realloc(*paths, (*n + lines) * sizeof(*grown));
	if (!grown)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	*paths = grown;
	for (line = text; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		*eol = '\0';
		lineno++;
		line = trim(line);
		if (!*line)
			continue;
		if (*line != '/' || strcspn(line, " \t\r") != strlen(line))
			return vdt_error(d, VDT_ERR_INPUT, name, NULL, NULL,
					 "line %d: '%s' is not one absolute host path",
					 lineno, line);
		grown[(*n)++] = line;
		found++;
	}
	return found;
}

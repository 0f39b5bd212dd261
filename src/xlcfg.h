/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_XLCFG_H
#define VIOMMU_DTGEN_XLCFG_H

/*
 * A guest's xl configuration file, read with the grammar of Xen's
 * libxlutil (xl.cfg(5)): settings "KEY = VALUE" or "KEY += VALUE", each
 * ended by a newline or ';' (the last one may end the file); a KEY is
 * [a-z][._0-9a-z]*; a VALUE is a string in '...' or "..." (backslash
 * escapes, no newline inside), a number [0-9][0-9a-fx]*, or a list
 * "[ VALUE, ... ]" with an optional trailing comma and newlines after
 * '[', a value or a comma; blanks are spaces and tabs; '#' starts a
 * comment that runs to the newline, which must be there.
 *
 * And updating one in place (viommu-dtgen(1), XL CONFIGURATION, L7): the
 * settings of the keys written are replaced, every other byte is kept.
 */

#include <stddef.h>

#include "diag.h"
#include "vbuf.h"

enum xlcfg_type {
	XLCFG_STRING,		/* a string or a number: one atom */
	XLCFG_LIST,
};

/* One setting, where it is in the text and what it holds. */
struct xlcfg_setting {
	char *key;
	int add;		/* "+=" rather than "=" */
	size_t start, end;	/* its bytes: from the key to the value's end */
	int line;		/* the key's line, from 1 */
	enum xlcfg_type type;
	char **atoms;		/* the value's atoms, dequoted; a list's in
				 * order (those of nested lists too) */
	int natoms;
	int nested;		/* a list holds a list */
};

struct xlcfg {
	struct xlcfg_setting *v;	/* in file order */
	int n;
};

/**
 * xlcfg_parse - parse the text of an xl configuration file
 * @text, @len: the file's bytes
 * @name: its name, for messages
 * @cfg: receives the settings (xlcfg_free() it, after an error too)
 *
 * A "+=" whose value and the earlier value of its key are not both lists
 * or both atoms is an error, as in libxlutil.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, for a lexical or syntax error (the message names
 *		the line), a NUL byte, or a string escape libxlutil refuses
 *		or this parser does not take (numeric escapes)
 *	-VDT_ERR_NOMEM
 */
int xlcfg_parse(const char *text, size_t len, const char *name,
		struct xlcfg *cfg, struct vdt_diag *d);

/** xlcfg_free - release what xlcfg_parse() allocated; @cfg is left empty */
void xlcfg_free(struct xlcfg *cfg);

/**
 * xlcfg_get_list - the list @key holds, as libxlutil reads it: the last
 * "=" of @key, then every later "+=" appended (a "+=" with no earlier
 * "=" starts the list)
 * @items, @n: receive the atoms (pointing into @cfg; an array the caller
 *	frees, NULL for none) and their count
 * @name: the file's name, for messages
 *
 * returns:
 *	1, if @key is set (@n may be 0: "KEY = []")
 *	0, if it is not
 *	-VDT_ERR_INPUT, if its value is not a flat list of atoms
 *	-VDT_ERR_NOMEM
 */
int xlcfg_get_list(const struct xlcfg *cfg, const char *key, const char *name,
		   const char ***items, int *n, struct vdt_diag *d);

/**
 * xlcfg_quote - append @s to @b as an xl string in double quotes, with
 * '"' and '\' escaped
 * @name: the file's name, for messages
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_INPUT, if @s holds a control character (xl strings cannot
 *		span lines, and a path with one is no path xl should open)
 *	-VDT_ERR_NOMEM
 */
int xlcfg_quote(struct vbuf *b, const char *s, const char *name,
		struct vdt_diag *d);

/* One key to write: "KEY = VALUE", @value already in xl syntax. */
struct xlcfg_set {
	const char *key;
	const char *value;
};

/**
 * xlcfg_update - the text of @cfg's file with @sets written into it
 * @text, @len: the file's bytes, as xlcfg_parse() read them into @cfg
 * @sets, @nsets: the keys to write, each once
 * @out: receives the new text (appended)
 *
 * The first setting of each key in @sets is replaced where it stands by
 * "KEY = VALUE"; its later settings ("=" or "+=") are removed, with their
 * line when nothing else is on it; a key not set yet is appended at the
 * end, in the order of @sets, each on a line of its own.  Every other
 * byte of @text is kept as it is.
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_USAGE, for a key that is not an xl key or is given twice
 *	-VDT_ERR_NOMEM
 */
int xlcfg_update(const char *text, size_t len, const struct xlcfg *cfg,
		 const struct xlcfg_set *sets, int nsets, struct vbuf *out,
		 struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_XLCFG_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_DIAG_H
#define VIOMMU_DTGEN_DIAG_H

/*
 * Diagnostics: how the library reports errors and warnings without printing.
 *
 * Every library function returns a value >= 0 on success and a negative
 * VDT_ERR_* code on failure.  A function that fails also fills the caller's
 * struct vdt_diag with the context a user needs (file, node path, property,
 * message, optional hint); the command-line tool prints it as one line.
 * Warnings are collected in the same structure and never stop the run.
 */

#include <stdarg.h>
#include <stddef.h>

/* The error codes, VDT_ERR_*, are the public header's. */
#include "../include/viommu-dtgen.h"

/* Trees nested deeper than this are refused rather than walked. */
#define VDT_MAX_DEPTH 256

#define VDT_DIAG_FILE_LEN 256
#define VDT_DIAG_NODE_LEN 512
#define VDT_DIAG_PROP_LEN 64
#define VDT_DIAG_MSG_LEN 512

/*
 * One located message: "FILE: NODE: PROP: TEXT", empty parts left out.
 * Every part is stored escaped (see vdt_escape()): a note is one line of
 * printable text whatever the inputs' names hold.
 */
struct vdt_note {
	int info;		/* 1: information (shown with -v), 0: warning */
	int loud;		/* a warning to show even when warnings are not
				 * (-q): a locked vID that moved */
	char file[VDT_DIAG_FILE_LEN];
	char node[VDT_DIAG_NODE_LEN];
	char prop[VDT_DIAG_PROP_LEN];
	char text[VDT_DIAG_MSG_LEN];
};

struct vdt_diag {
	int code;			/* 0, or the negative code of the error */
	struct vdt_note error;		/* valid when code < 0 */
	char hint[VDT_DIAG_MSG_LEN];	/* optional advice for the error */
	struct vdt_note *warnings;	/* warnings and information, in order */
	size_t nwarnings;
	int lost_warnings;		/* warnings dropped for lack of memory */
};

/**
 * vdt_diag_init - prepare an empty diagnostics record
 * @d: the record
 */
void vdt_diag_init(struct vdt_diag *d);

/**
 * vdt_diag_free - release the warnings held by @d
 * @d: the record (may be reused after vdt_diag_init())
 */
void vdt_diag_free(struct vdt_diag *d);

/**
 * vdt_error - record an error
 * @d: the record; the first error recorded wins, later ones are ignored
 * @code: a positive VDT_ERR_* code
 * @file, @node, @prop: where; any of them may be NULL
 * @fmt: printf-style message (lower case, no trailing period)
 *
 * returns:
 *	-@code, so that callers can write "return vdt_error(...)"
 */
int vdt_error(struct vdt_diag *d, int code, const char *file, const char *node,
	      const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/**
 * vdt_verror_line - vdt_error() for a place in a text file: the file part
 * of the note is "@file:@line"
 * @ap: the arguments of @fmt
 * returns:
 *	-@code
 */
int vdt_verror_line(struct vdt_diag *d, int code, const char *file,
		    unsigned long line, const char *prop, const char *fmt,
		    va_list ap) __attribute__((format(printf, 6, 0)));

/**
 * vdt_hint - attach advice to the recorded error
 * @d: the record
 * @fmt: printf-style text
 */
void vdt_hint(struct vdt_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * vdt_warn - record a warning
 * @d, @file, @node, @prop, @fmt: as for vdt_error()
 *
 * returns:
 *	0, on success
 *	-VDT_ERR_NOMEM, if the warning could not be stored (also counted in
 *		@d->lost_warnings)
 */
int vdt_warn(struct vdt_diag *d, const char *file, const char *node,
	     const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * vdt_warn_loud - record a warning that is shown even under -q (its note's
 * loud flag is set); same arguments and returns as vdt_warn()
 */
int vdt_warn_loud(struct vdt_diag *d, const char *file, const char *node,
		  const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * vdt_info - record information worth showing on request (-v), such as
 * what changed since a lock file; same arguments and returns as vdt_warn()
 */
int vdt_info(struct vdt_diag *d, const char *file, const char *node,
	     const char *prop, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * vdt_escape - copy @src into @dst as one line of printable text, escaped
 * the way the YAML writer escapes a double-quoted scalar: a backslash as
 * \\, \n \r \t as such, any other control byte (0x00-0x1f, 0x7f) and
 * any byte that is not part of well-formed UTF-8 as \xNN, and the Unicode
 * controls that can fake or hide a line (C1 U+0080-U+009F, U+2028, U+2029,
 * the bidirectional controls U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
 * as \uNNNN
 * @dst, @len: destination, always NUL-terminated when @len > 0; an escape
 *	or character that does not fit whole is left out, with what follows
 * @src: NUL-terminated; NULL is taken as ""
 *
 * vdt_error(), vdt_hint(), vdt_warn(), vdt_warn_loud() and vdt_info()
 * escape every part they store, so no diagnostic can carry a raw newline
 * or terminal escape from an input.
 *
 * returns:
 *	the length of the escaped text written
 */
size_t vdt_escape(char *dst, size_t len, const char *src);

/**
 * vdt_note_format - render a note as "FILE: NODE: PROP: TEXT"
 * @n: the note
 * @buf, @len: destination; always NUL-terminated when @len > 0
 *
 * returns:
 *	the length snprintf() would have produced
 */
int vdt_note_format(const struct vdt_note *n, char *buf, size_t len);

/**
 * vdt_strerror - a short name for a VDT_ERR_* code (positive or negative)
 */
const char *vdt_strerror(int code);

#endif /* VIOMMU_DTGEN_DIAG_H */

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_CLI_SYSTEM_H
#define VIOMMU_DTGEN_CLI_SYSTEM_H

/*
 * The command-line tool's system mode (--system, --imagebuilder):
 * reading the description and every input, running the pipeline once
 * per guest against one host, and writing every output of the run into
 * one directory, all or nothing.  Part of the tool, not the library.
 */

#include <stddef.h>

#include "diag.h"
#include "dtgen.h"

struct cli_system {
	const char *system;		/* --system FILE, or NULL */
	const char *imagebuilder;	/* --imagebuilder FILE, or NULL */
	const char *out_dir;		/* --out-dir DIR */
	struct dtgen_opts opts;		/* the command line's options */
	int builder_given;		/* --builder was given */
	int dts;			/* -O dts: NAME.dts too */
	int guest_view;			/* --guest-view: 0, or 1 dts, 2 dtb */
	int check;			/* --check: write nothing */
	int force;			/* --force */
	int fsync;			/* --fsync */
	size_t max_input;		/* --max-input-size */
};

/**
 * cli_system_run - a whole system in one run
 * @a: what the command line asks
 * @d: receives the error, warnings and notes (the caller prints them)
 *
 * returns: 0, or a negative VDT_ERR_* code
 */
int cli_system_run(const struct cli_system *a, struct vdt_diag *d);

#endif /* VIOMMU_DTGEN_CLI_SYSTEM_H */

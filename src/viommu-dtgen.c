/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * viommu-dtgen: the command-line tool.  Options, file I/O, messages and
 * exit codes only; everything else is the library's (dtgen.h).
 */
#define _XOPEN_SOURCE 700	/* realpath() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allowlist.h"
#include "cli_system.h"
#include "dtgen.h"
#include "fileio.h"
#include "hostdt_dom0.h"
#include "map_read.h"
#include "map_write.h"
#include "sha256.h"
#include "vbuf.h"
#include "xlcfg.h"
#include "xlkeys.h"

#define PROG "viommu-dtgen"
#define EXIT_INPUT 1
#define EXIT_USAGE 2
#define MAX_MAPS 16
#define MAX_OUTS (MAX_MAPS + 4)	/* -o, --guest-view, the maps, -d and
				 * --xl-config */
#define MAX_ALLOW 256
#define STR_(x) #x
#define STR(x) STR_(x)

enum long_only {
	OPT_ALLOW_LIST = 256,
	OPT_ALLOW_PATH,
	OPT_BUILDER,
	OPT_CHECK,
	OPT_CPP,
	OPT_DUMP_MAP,
	OPT_FORCE,
	OPT_FSYNC,
	OPT_GUEST_VIEW,
	OPT_HOST,
	OPT_IMAGEBUILDER,
	OPT_LOCK,
	OPT_LOCK_ALLOW_MOVES,
	OPT_MAP,
	OPT_MAP_FORMAT,
	OPT_MAP_PREFIX,
	OPT_MAX_INPUT_SIZE,
	OPT_NO_VIOMMU_NODE,
	OPT_OUT_DIR,
	OPT_PARTIAL,
	OPT_POLICY,
	OPT_REPORT,
	OPT_SYSTEM,
	OPT_TIMEOUT,
	OPT_VID_BASE,
	OPT_VID_BITS,
	OPT_VIOMMU_PHANDLE,
	OPT_VIOMMU_PRIORITY,
	OPT_VIOMMU_REG,
	OPT_VIOMMU_SPI,
	OPT_VERIFY_MAP,
	OPT_VPCI,
	OPT_XEN_ABI,
	OPT_XL_CONFIG,
	OPT_XL_RANGES,
	OPT_END
};

/* A long option's bit in cli.given. */
#define GIVEN(opt) (1ull << ((opt) - OPT_ALLOW_LIST))

static const struct option long_opts[] = {
	{ "allow-list", required_argument, NULL, OPT_ALLOW_LIST },
	{ "allow-path", required_argument, NULL, OPT_ALLOW_PATH },
	{ "builder", required_argument, NULL, OPT_BUILDER },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "cpp", no_argument, NULL, OPT_CPP },
	{ "dump-map", required_argument, NULL, OPT_DUMP_MAP },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "fsync", no_argument, NULL, OPT_FSYNC },
	{ "guest-view", required_argument, NULL, OPT_GUEST_VIEW },
	{ "help", no_argument, NULL, 'h' },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "imagebuilder", required_argument, NULL, OPT_IMAGEBUILDER },
	{ "include", required_argument, NULL, 'i' },
	{ "lock", required_argument, NULL, OPT_LOCK },
	{ "lock-allow-moves", no_argument, NULL, OPT_LOCK_ALLOW_MOVES },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "map-format", required_argument, NULL, OPT_MAP_FORMAT },
	{ "map-prefix", required_argument, NULL, OPT_MAP_PREFIX },
	{ "max-input-size", required_argument, NULL, OPT_MAX_INPUT_SIZE },
	{ "no-viommu-node", no_argument, NULL, OPT_NO_VIOMMU_NODE },
	{ "out-dependency", required_argument, NULL, 'd' },
	{ "out-dir", required_argument, NULL, OPT_OUT_DIR },
	{ "out-format", required_argument, NULL, 'O' },
	{ "output", required_argument, NULL, 'o' },
	{ "partial", required_argument, NULL, OPT_PARTIAL },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "system", required_argument, NULL, OPT_SYSTEM },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "version", no_argument, NULL, 'V' },
	{ "vid-base", required_argument, NULL, OPT_VID_BASE },
	{ "vid-bits", required_argument, NULL, OPT_VID_BITS },
	{ "viommu-phandle", required_argument, NULL, OPT_VIOMMU_PHANDLE },
	{ "viommu-priority", required_argument, NULL, OPT_VIOMMU_PRIORITY },
	{ "viommu-reg", required_argument, NULL, OPT_VIOMMU_REG },
	{ "viommu-spi", required_argument, NULL, OPT_VIOMMU_SPI },
	{ "verify-map", required_argument, NULL, OPT_VERIFY_MAP },
	{ "vpci", no_argument, NULL, OPT_VPCI },
	{ "xen-abi", required_argument, NULL, OPT_XEN_ABI },
	{ "xl-config", required_argument, NULL, OPT_XL_CONFIG },
	{ "xl-ranges", no_argument, NULL, OPT_XL_RANGES },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	struct dtgen_opts opts;
	const char *host;
	const char *partial;
	const char *output;
	const char *out_format;		/* "dtb", "dts" or NULL */
	const char *guest_view;		/* --guest-view FILE, or NULL */
	unsigned long long given;	/* GIVEN() bits of the long options */
	const char *maps[MAX_MAPS];
	int nmaps;
	int map_format;			/* -1: by extension, else YAML */
	const char *map_prefix;		/* the C form's names */
	const char *lock;		/* --lock FILE, or NULL */
	const char *dump_map;		/* --dump-map FILE, or NULL */
	const char *verify_map;		/* --verify-map FILE, or NULL */
	const char *allow_list;		/* --allow-list FILE, or NULL */
	const char *xl_config;		/* --xl-config FILE, or NULL */
	const char *allow[MAX_ALLOW];	/* --allow-path PATH... */
	int nallow;
	size_t max_input;		/* --max-input-size */
	int nopts;			/* options other than --dump-map, --verify-map,
					 * --partial, -h, -q, -V, -v */
	int check;
	int report;
	int force;			/* --force */
	int fsync;			/* --fsync */
	int cpp;			/* --cpp */
	const char *incdirs[FILEIO_MAX_INCDIRS];	/* -i DIR... */
	int nincdirs;
	const char *depfile;		/* -d FILE, or NULL */
	unsigned timeout;		/* --timeout, 0: FILEIO_TIMEOUT */
	int help, version;		/* -h, -V: alone only */
	int quiet;
	int verbose;
	const char *system;		/* --system FILE, or NULL */
	const char *imagebuilder;	/* --imagebuilder FILE, or NULL */
	const char *out_dir;		/* --out-dir DIR, or NULL */
};

/* The files cpp read (NUL after each), for -d. */
static struct vbuf cpp_deps;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [-hqVv] [--allow-list file] [--allow-path path]\n"
		"                    [--builder none|libxl|dom0less] [--check] [--cpp]\n"
		"                    [-d file] [--force] [--fsync] [--guest-view file]\n"
		"                    [-i dir] [--lock file] [--lock-allow-moves] [--map file]\n"
		"                    [--map-format " MAP_FORMAT_NAMES "]\n"
		"                    [--map-prefix name] [--max-input-size n] [--no-viommu-node]\n"
		"                    [-O dtb|dts] [-o file] [--policy compact|identity]\n"
		"                    [--report] [--timeout n] [--vid-base n] [--vid-bits n]\n"
		"                    [--viommu-phandle n] [--viommu-priority n]\n"
		"                    [--viommu-reg base,size] [--viommu-spi n] [--vpci]\n"
		"                    [--xen-abi devid-map|none|vsmmuv3-v3] [--xl-config file]\n"
		"                    [--xl-ranges]\n"
		"                    --host file --partial file\n"
		"       " PROG " --dump-map file\n"
		"       " PROG " [-qv] --verify-map file --partial file\n"
		"       " PROG " [-qv] [--builder none|libxl|dom0less] [--check] [--cpp]\n"
		"                    [--force] [--fsync] [--guest-view dtb|dts] [-i dir]\n"
		"                    [--max-input-size n] [--no-viommu-node] [-O dtb|dts]\n"
		"                    [--policy compact|identity] [--timeout n] [--vid-base n]\n"
		"                    [--vid-bits n] [--viommu-phandle n] [--viommu-priority n]\n"
		"                    [--viommu-reg base,size] [--viommu-spi n]\n"
		"                    [--xen-abi devid-map|none|vsmmuv3-v3]\n"
		"                    --imagebuilder file | --system file --out-dir dir\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "  --host FILE              host device tree (DTB, or DTS compiled by dtc)\n"
	       "  --partial FILE           the guest's partial device tree; '-' reads stdin\n"
	       "  -o, --output FILE        rewritten partial DT; DTS if FILE ends in .dts; '-' is stdout\n"
	       "  -O, --out-format FMT     dtb or dts, whatever -o's name says\n"
	       "  --xen-abi ABI            who allocates vIDs: devid-map (default; this tool),\n"
	       "                           none (released Xen: no vIOMMU), vsmmuv3-v3 (Xen)\n"
	       "  --builder B              who merges the partial: none (default: the output is\n"
	       "                           the guest tree), libxl, dom0less\n"
	       "  --vpci                   the guest has xl pci= devices (vsmmuv3-v3, libxl)\n"
	       "  --guest-view FILE        the guest's tree once its builder is done; DTS if .dts\n"
	       "  --map FILE               vID map table; repeatable; .yaml/.yml, .json, .cfg (xl),\n"
	       "                           .h (C), .bin (binary); other names need --map-format\n"
	       "  --map-format FMT         " MAP_FORMAT_NAMES ", for a --map FILE with another name\n"
	       "  --map-prefix NAME        names in the C form (default " MAP_PREFIX_DEFAULT ")\n"
	       "  --xl-config FILE         update the guest's xl config in place: dtdev, iomem,\n"
	       "                           irqs, device_tree, the vIOMMU; its dtdev is an allow list\n"
	       "  --xl-ranges              .cfg maps write a range as one PBASE@VBASE,BASE,COUNT\n"
	       "  --lock FILE              keep the vIDs of an earlier YAML or JSON map\n"
	       "  --lock-allow-moves       let a new range move locked vIDs (each move listed)\n"
	       "  --allow-path PATH        a host path the guest may be given; repeatable\n"
	       "  --allow-list FILE        host paths the guest may be given, one a line\n"
	       "  -d, --out-dependency FILE\n"
	       "                           write a Make rule: the outputs depend on the inputs\n"
	       "  --force                  replace an existing file that is no map or tree of ours\n"
	       "  --fsync                  sync each output file to disk before it is named\n"
	       "  --cpp                    run the C preprocessor on DTS inputs (as Linux's build)\n"
	       "  -i, --include DIR        a directory for --cpp's #include; repeatable\n"
	       "  --timeout N              kill dtc or cpp after N seconds (default " STR(FILEIO_TIMEOUT) ")\n"
	       "  --max-input-size N       refuse inputs larger than N bytes (default 64 MiB)\n"
	       "  --policy POLICY          compact (default) or identity\n"
	       "  --vid-base N             lowest vID to hand out (default 0)\n"
	       "  --vid-bits N             vIDs are below 2^N, 1..32 (default 16)\n");
	printf("  --viommu-phandle N       the vIOMMU's phandle (default 0x%x)\n"
	       "  --viommu-reg BASE,SIZE   the vIOMMU's registers (default 0x%llx,0x%llx)\n"
	       "  --viommu-spi N           the vIOMMU's interrupt (default %u)\n"
	       "  --viommu-priority N      its priority for a 4-cell GIC (default 0x%x)\n",
	       VIOMMU_DEFAULT_PHANDLE, (unsigned long long)VIOMMU_DEFAULT_BASE,
	       (unsigned long long)VIOMMU_DEFAULT_SIZE, VIOMMU_DEFAULT_SPI,
	       GIC_IRQ_PRIORITY_ZEPHYR);
	printf(
	       "  --no-viommu-node         rewrite references only; the toolstack makes the node\n"
	       "  --check                  validate and report; write nothing\n"
	       "  --report                 print the vID table (on stderr if stdout is an output)\n"
	       "  --dump-map FILE          print a map file (YAML, JSON or binary) as YAML\n"
	       "  --verify-map FILE        with --partial: whether the map describes that DTB\n"
	       "  --system FILE            a whole system from a system file (YAML), into --out-dir\n"
	       "  --imagebuilder FILE      a whole system from an ImageBuilder config, into --out-dir\n"
	       "  --out-dir DIR            system mode: NAME.dtb, NAME-map.yaml, host.dtb,\n"
	       "                           system-map.yaml, imagebuilder.cfg (-O dts: NAME.dts;\n"
	       "                           --guest-view dts|dtb: NAME-guest.dts|dtb)\n"
	       "  -q                       no warnings\n"
	       "  -v                       say what was done\n"
	       "  -V, --version            print the version\n"
	       "  -h, --help               print this help\n"
	       "\nSee viommu-dtgen(1).\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": error: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}

/* A number in decimal or 0x hex, at most @max. */
static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_u32(const char *opt, const char *s, uint32_t *out)
{
	uint64_t v;

	if (parse_num(s, UINT32_MAX, &v) < 0) {
		usage_error("--%s takes a 32-bit number (decimal or 0x hex)", opt);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_reg(const char *s, struct viommu_params *p)
{
	char buf[64], *comma;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	comma = strchr(buf, ',');
	if (!comma)
		return -1;
	*comma = '\0';
	if (parse_num(buf, UINT64_MAX, &p->base) < 0 ||
	    parse_num(comma + 1, UINT64_MAX, &p->size) < 0)
		return -1;
	return 0;
}

/* The names of the enum options' values, in enum order. */
static const char *const policies[] = { "compact", "identity" };
static const char *const abis[] = { "devid-map", "none", "vsmmuv3-v3" };
static const char *const builders[] = { "none", "libxl", "dom0less" };

/* The index of @s among @n @names, or -1. */
static int name_index(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int parse_option(struct cli *c, int opt)
{
	uint64_t n;
	uint32_t v;
	int i;

	if (opt != OPT_DUMP_MAP && opt != OPT_VERIFY_MAP &&
	    opt != OPT_PARTIAL && opt != 'q' && opt != 'v' && opt != 'h' &&
	    opt != 'V')
		c->nopts++;
	if (opt >= OPT_ALLOW_LIST && opt < OPT_END)
		c->given |= GIVEN(opt);
	switch (opt) {
	case OPT_ALLOW_LIST:
		if (c->allow_list)
			return usage_error("--allow-list may be given once%s", "");
		c->allow_list = optarg;
		return 0;
	case OPT_ALLOW_PATH:
		if (c->nallow == MAX_ALLOW)
			return usage_error("more than 256 --allow-path options%s",
					   "");
		if (optarg[0] != '/')
			return usage_error("--allow-path takes an absolute host path, not '%s'",
					   optarg);
		c->allow[c->nallow++] = optarg;
		return 0;
	case OPT_BUILDER:
		i = name_index(optarg, builders, 3);
		if (i < 0)
			return usage_error("--builder must be none, libxl or dom0less, not '%s'",
					   optarg);
		c->opts.builder = (enum vdt_builder)i;
		return 0;
	case OPT_CHECK:
		c->check = 1;
		return 0;
	case OPT_CPP:
		c->cpp = 1;
		return 0;
	case 'd':
		if (c->depfile)
			return usage_error("-d may be given once%s", "");
		c->depfile = optarg;
		return 0;
	case OPT_FORCE:
		c->force = 1;
		return 0;
	case OPT_FSYNC:
		c->fsync = 1;
		return 0;
	case 'i':
		if (c->nincdirs == FILEIO_MAX_INCDIRS)
			return usage_error("more than " STR(FILEIO_MAX_INCDIRS) " -i directories%s",
					   "");
		c->incdirs[c->nincdirs++] = optarg;
		return 0;
	case OPT_TIMEOUT:
		if (parse_num(optarg, 86400, &n) < 0 || n == 0)
			return usage_error("--timeout takes a number of seconds, 1 to 86400, not '%s'",
					   optarg);
		c->timeout = (unsigned)n;
		return 0;
	case OPT_GUEST_VIEW:
		c->guest_view = optarg;
		c->opts.guest_view = 1;
		return 0;
	case 'h':
		c->help = 1;
		return 0;
	case OPT_VERIFY_MAP:
		c->verify_map = optarg;
		return 0;
	case OPT_DUMP_MAP:
		c->dump_map = optarg;
		return 0;
	case OPT_HOST:
		c->host = optarg;
		return 0;
	case OPT_IMAGEBUILDER:
		c->imagebuilder = optarg;
		return 0;
	case OPT_OUT_DIR:
		c->out_dir = optarg;
		return 0;
	case OPT_SYSTEM:
		c->system = optarg;
		return 0;
	case OPT_LOCK:
		c->lock = optarg;
		return 0;
	case OPT_LOCK_ALLOW_MOVES:
		c->opts.lock_allow_moves = 1;
		return 0;
	case OPT_MAP:
		if (c->nmaps == MAX_MAPS)
			return usage_error("more than 16 --map files%s", "");
		c->maps[c->nmaps++] = optarg;
		return 0;
	case OPT_MAP_FORMAT:
		c->map_format = map_format_by_name(optarg);
		if (c->map_format < 0)
			return usage_error("--map-format must be one of "
					   MAP_FORMAT_NAMES ", not '%s'", optarg);
		return 0;
	case OPT_MAP_PREFIX:
		if (!map_prefix_ok(optarg))
			return usage_error("--map-prefix must be a C identifier (not a keyword) of at most "
					   STR(MAP_PREFIX_MAX) " characters, not '%s'",
					   optarg);
		c->map_prefix = optarg;
		return 0;
	case OPT_MAX_INPUT_SIZE:
		if (parse_num(optarg, SIZE_MAX, &n) < 0 || n == 0)
			return usage_error("--max-input-size takes a positive number of bytes, not '%s'",
					   optarg);
		c->max_input = (size_t)n;
		return 0;
	case OPT_NO_VIOMMU_NODE:
		c->opts.no_viommu_node = 1;
		return 0;
	case 'O':
		if (strcmp(optarg, "dtb") != 0 && strcmp(optarg, "dts") != 0)
			return usage_error("-O must be dtb or dts, not '%s'",
					   optarg);
		c->out_format = optarg;
		return 0;
	case 'o':
		c->output = optarg;
		return 0;
	case OPT_PARTIAL:
		c->partial = optarg;
		return 0;
	case OPT_POLICY:
		i = name_index(optarg, policies, 2);
		if (i < 0)
			return usage_error("--policy must be compact or identity, not '%s'",
					   optarg);
		c->opts.policy = (enum vdt_policy)i;
		return 0;
	case 'q':
		c->quiet = 1;
		return 0;
	case OPT_REPORT:
		c->report = 1;
		return 0;
	case 'V':
		c->version = 1;
		return 0;
	case 'v':
		c->verbose = 1;
		return 0;
	case OPT_VID_BASE:
		return parse_u32("vid-base", optarg, &c->opts.vid_base) < 0 ?
			       EXIT_USAGE : 0;
	case OPT_VID_BITS:
		if (parse_u32("vid-bits", optarg, &v) < 0)
			return EXIT_USAGE;
		c->opts.vid_bits = v;
		return 0;
	case OPT_VIOMMU_PHANDLE:
		return parse_u32("viommu-phandle", optarg,
				 &c->opts.viommu.phandle) < 0 ? EXIT_USAGE : 0;
	case OPT_VIOMMU_PRIORITY:
		return parse_u32("viommu-priority", optarg,
				 &c->opts.irq_priority) < 0 ? EXIT_USAGE : 0;
	case OPT_VIOMMU_REG:
		if (parse_reg(optarg, &c->opts.viommu) < 0)
			return usage_error("--viommu-reg takes BASE,SIZE, not '%s'",
					   optarg);
		return 0;
	case OPT_VIOMMU_SPI:
		return parse_u32("viommu-spi", optarg, &c->opts.viommu.spi) < 0 ?
			       EXIT_USAGE : 0;
	case OPT_VPCI:
		c->opts.vpci = 1;
		return 0;
	case OPT_XEN_ABI:
		i = name_index(optarg, abis, 3);
		if (i < 0)
			return usage_error("--xen-abi must be devid-map, none or vsmmuv3-v3, not '%s'",
					   optarg);
		c->opts.abi = (enum vdt_xen_abi)i;
		return 0;
	case OPT_XL_CONFIG:
		if (c->xl_config)
			return usage_error("--xl-config may be given once%s", "");
		c->xl_config = optarg;
		return 0;
	case OPT_XL_RANGES:
		return 0;
	default:
		return EXIT_USAGE;
	}
}

static const char *display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static void print_note(const char *kind, const struct vdt_note *n)
{
	char line[VDT_DIAG_FILE_LEN + VDT_DIAG_NODE_LEN + VDT_DIAG_PROP_LEN +
		  VDT_DIAG_MSG_LEN + 8];

	vdt_note_format(n, line, sizeof(line));
	fprintf(stderr, PROG ": %s: %s\n", kind, line);
}

/* The error and its hint first, then warnings (unless -q) and notes (with
 * -v), so that the first line says why a run failed; the exit code. */
static int report_diag(const struct cli *c, const struct vdt_diag *d)
{
	size_t i;

	if (d->code < 0) {
		print_note("error", &d->error);
		if (d->hint[0])
			fprintf(stderr, PROG ": hint: %s\n", d->hint);
	}
	for (i = 0; i < d->nwarnings; i++) {
		/* A loud warning (a locked vID that moved) shows under -q. */
		if (d->warnings[i].info ? c->verbose :
					  !c->quiet || d->warnings[i].loud)
			print_note(d->warnings[i].info ? "note" : "warning",
				   &d->warnings[i]);
	}
	if (d->lost_warnings && !c->quiet)
		fprintf(stderr, PROG ": warning: %d more warnings lost (out of memory)\n",
			d->lost_warnings);
	if (d->code == 0)
		return 0;
	return d->code == -VDT_ERR_USAGE ? EXIT_USAGE : EXIT_INPUT;
}

static void print_report(FILE *f, const struct vmap *m)
{
	char iommu[VDT_DIAG_NODE_LEN], node[VDT_DIAG_NODE_LEN],
		host[VDT_DIAG_NODE_LEN];
	const struct vmap_entry *e;
	int i, j;

	fprintf(f, "%-10s %-10s %-8s %-10s %-28s %s\n", "vID", "pID",
		"count", "mask", "pIOMMU", "node (host)");
	for (i = 0; i < m->nentries; i++) {
		e = &m->entries[i];
		if (e->iommu == VMAP_VPCI)
			fprintf(f, "0x%-8" PRIx32 " 0x%-8" PRIx32 " %-8" PRIu32
				" 0x%-8" PRIx32 " %-28s %s\n", e->vid, e->pid,
				e->count, e->mask, "-", "(Xen's vPCI bridge)");
		/* Names from the inputs, escaped: one line is one line. */
		for (j = 0; j < e->ndevs; j++) {
			vdt_escape(iommu, sizeof(iommu), m->iommus[e->iommu].path);
			vdt_escape(node, sizeof(node), m->devices[e->devs[j]].node);
			vdt_escape(host, sizeof(host), m->devices[e->devs[j]].host);
			fprintf(f, "0x%-8" PRIx32 " 0x%-8" PRIx32
				" %-8" PRIu32 " 0x%-8" PRIx32 " %-28s %s (%s)\n",
				e->vid, e->pid, e->count, e->mask, iommu, node,
				host);
		}
	}
}

/* -v: what was done, in one line. */
static void print_summary(const struct cli *c, const struct vmap *m)
{
	unsigned long long vids = 0;
	int i;

	for (i = 0; i < m->nentries; i++)
		vids += m->entries[i].count;
	fprintf(stderr, PROG ": %d passthrough devices, %d map entries, %llu vIDs%s\n",
		m->ndevices, m->nentries, vids,
		c->check ? "; --check: nothing written" : "");
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* @path with its directory made absolute and free of links, into @out
 * (PATH_MAX bytes); 0, or -1 when the directory cannot be resolved. */
static int canonical(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char dir[PATH_MAX], real[PATH_MAX];
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= sizeof(dir))
		return -1;
	if (!slash) {
		strcpy(dir, ".");
	} else if (n == 0) {
		strcpy(dir, "/");
	} else {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (!realpath(dir, real) ||
	    snprintf(out, PATH_MAX, "%s/%s", real, base) >= PATH_MAX)
		return -1;
	return 0;
}

/* Whether two output names are one file: the same existing file, or the
 * same name in the same directory. */
static int same_output(const char *a, const char *b)
{
	char ca[PATH_MAX], cb[PATH_MAX];
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return 0;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return canonical(a, ca) == 0 && canonical(b, cb) == 0 &&
	       strcmp(ca, cb) == 0;
}

/* Whether @p is one of the names of standard stream @fd itself. */
static int std_name(const char *p, int fd)
{
	static const char *const dev[] = { "/dev/stdin", "/dev/stdout",
					   "/dev/stderr" };
	char buf[64];

	if (strcmp(p, dev[fd]) == 0)
		return 1;
	snprintf(buf, sizeof(buf), "/dev/fd/%d", fd);
	if (strcmp(p, buf) == 0)
		return 1;
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	if (strcmp(p, buf) == 0)
		return 1;
	snprintf(buf, sizeof(buf), "/proc/thread-self/fd/%d", fd);
	if (strcmp(p, buf) == 0)
		return 1;
	snprintf(buf, sizeof(buf), "/proc/%ld/fd/%d", (long)getpid(), fd);
	return strcmp(p, buf) == 0;
}

/*
 * Whether @path names standard input (@fd 0) or output (1): "-", or a
 * name whose symbolic links lead to /dev/stdin, /dev/fd/0,
 * /proc/self/fd/0 and the like.
 */
static int names_std(const char *path, int fd)
{
	char cur[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
	const char *slash;
	ssize_t n;
	int hops;

	if (strcmp(path, "-") == 0)
		return 1;
	if (strlen(path) >= sizeof(cur))
		return 0;
	strcpy(cur, path);
	for (hops = 0; hops < 40; hops++) {
		if (std_name(cur, fd))
			return 1;
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			return 0;
		link[n] = '\0';
		slash = strrchr(cur, '/');
		if (link[0] == '/' || !slash)
			strcpy(next, link);
		else if (snprintf(next, sizeof(next), "%.*s/%s",
				  (int)(slash - cur), cur, link) >=
			 (int)sizeof(next))
			return 0;
		strcpy(cur, next);
	}
	return 0;
}

/* How many inputs name standard input, whatever the name. */
static int stdin_users(const struct cli *c)
{
	const char *in[] = { c->host, c->partial, c->lock, c->allow_list,
			     c->xl_config };
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		n += in[i] && names_std(in[i], 0);
	return n;
}

/* stat() of @path, standard input or output for "-" (@fd). */
static int stat_of(const char *path, int fd, struct stat *st)
{
	return strcmp(path, "-") == 0 ? fstat(fd, st) : stat(path, st);
}

/* Whether input @in and output @out are one regular file. */
static int same_file(const char *in, const char *out)
{
	struct stat si, so;

	return stat_of(in, 0, &si) == 0 && stat_of(out, 1, &so) == 0 &&
	       S_ISREG(si.st_mode) && si.st_dev == so.st_dev &&
	       si.st_ino == so.st_ino;
}

/* Whether output @path is (or is written to) standard output. */
static int to_stdout(const char *path)
{
	struct stat s1, st;

	if (names_std(path, 1))
		return 1;
	return fstat(1, &s1) == 0 && stat(path, &st) == 0 &&
	       s1.st_dev == st.st_dev && s1.st_ino == st.st_ino;
}

/* Checks across options; 0 or EXIT_USAGE. */
/* The map formats of --map FILE, by its name or --map-format. */
static int map_format_of(const struct cli *c, const char *path)
{
	int fmt = map_format_by_path(path);

	if (fmt < 0)
		fmt = c->map_format >= 0 ? c->map_format : MAP_FORMAT_YAML;
	if (fmt == MAP_FORMAT_XL && (c->given & GIVEN(OPT_XL_RANGES)))
		fmt = MAP_FORMAT_XL_RANGES;
	return fmt;
}

/* Options that --xen-abi rules out (viommu-dtgen(1), WHICH XEN?). */
static int check_abi(const struct cli *c)
{
	static const struct {
		int opt;
		const char *name, *why;
	} series_bans[] = {
		{ OPT_LOCK, "lock", "Xen picks every vSID" },
		{ OPT_POLICY, "policy", "Xen picks every vSID" },
		{ OPT_VID_BASE, "vid-base", "Xen picks every vSID" },
		{ OPT_VID_BITS, "vid-bits", "Xen picks every vSID" },
		{ OPT_VIOMMU_PHANDLE, "viommu-phandle", "the series fixes the vIOMMU node" },
		{ OPT_VIOMMU_REG, "viommu-reg", "the series fixes the vIOMMU node" },
		{ OPT_VIOMMU_SPI, "viommu-spi", "the series fixes the vIOMMU node" },
	};
	size_t k;
	int i, fmt;

	if (c->opts.vpci && (c->opts.abi != VDT_ABI_VSMMUV3_V3 ||
			     c->opts.builder != VDT_BUILDER_LIBXL))
		return usage_error("--vpci goes with --xen-abi vsmmuv3-v3 --builder libxl%s",
				   "");
	if (c->opts.abi == VDT_ABI_NONE && c->nmaps)
		return usage_error("--xen-abi none: released Xen gives guests no IOMMU, so there is no map for '%s'",
				   c->maps[0]);
	if (c->opts.abi != VDT_ABI_VSMMUV3_V3)
		return 0;
	for (k = 0; k < sizeof(series_bans) / sizeof(series_bans[0]); k++)
		if (c->given & GIVEN(series_bans[k].opt)) {
			fprintf(stderr, PROG ": error: --%s: under --xen-abi vsmmuv3-v3 %s\n",
				series_bans[k].name, series_bans[k].why);
			usage(stderr);
			return EXIT_USAGE;
		}
	if (c->opts.builder == VDT_BUILDER_NONE)
		return usage_error("--xen-abi vsmmuv3-v3: Xen builds the guest tree, so --builder is libxl or dom0less; --guest-view writes the guest's tree%s",
				   "");
	for (i = 0; i < c->nmaps; i++) {
		fmt = map_format_of(c, c->maps[i]);
		if (fmt != MAP_FORMAT_XL && fmt != MAP_FORMAT_XL_RANGES)
			continue;
		fprintf(stderr, PROG ": error: --map %s: the vSMMUv3 series takes no ID map from xl.cfg\n"
			PROG ": hint: the guest's xl.cfg says viommu = \"smmuv3\"; write the map as .yaml, .json, .h or .bin\n",
			c->maps[i]);
		return EXIT_USAGE;
	}
	return 0;
}

/* Whether the @len bytes at @p hold the string @s. */
static int contains(const char *p, size_t len, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; i + k <= len; i++)
		if (p[i] == s[0] && memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

/*
 * Whether the @len bytes at @p, an existing output, are something this
 * tool writes (a tree, a map, a C header or, for the -d file @dep, a
 * one-line Make rule), which it may replace without --force: by their
 * first bytes, as file(1) would tell.
 */
static int ours(const char *p, size_t len, int dep)
{
	static const char xl[] = "iommu_devid_map = [";
	static const char hdr[] = "/* Generated by viommu-dtgen";
	size_t n = len;

	if (len >= 4 && memcmp(p, "\xd0\x0d\xfe\xed", 4) == 0)
		return 1;
	if (contains(p, len, "/dts-v1/;") ||
	    (len >= sizeof(hdr) - 1 && memcmp(p, hdr, sizeof(hdr) - 1) == 0))
		return 1;
	while (n && (p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	if (n >= sizeof(xl) && memcmp(p, xl, sizeof(xl) - 1) == 0 &&
	    p[n - 1] == ']' && !memchr(p, '\n', n))
		return 1;
	if (dep && n && !memchr(p, '\n', n) && memchr(p, ':', n))
		return 1;
	return map_sniff(p, len);
}

/*
 * Outputs that must not be written: an input (but -o may name --partial,
 * rewritten in place, and a --map the --lock), standard output twice, a
 * dangling symbolic link, and without --force an existing file that is
 * not ours().
 */
static int check_outputs(const struct cli *c, const char *const *outs, int n)
{
	const char *in[] = { c->host, c->partial, c->lock, c->allow_list };
	const char *what[] = { "--host", "--partial", "--lock",
			       "--allow-list" };
	struct stat st;
	struct vbuf b;
	struct vdt_diag d;
	int i, k, nstdout = 0, ok, rc;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 4; k++) {
			if (!in[k] || !same_file(in[k], outs[i]))
				continue;
			if (k == 1 && outs[i] == c->output)
				continue;	/* the in-place rewrite */
			if (k == 2 && i >= (c->output != NULL) +
					   (c->guest_view != NULL) &&
			    outs[i] != c->depfile)
				continue;	/* --lock and --map: one map */
			fprintf(stderr, PROG ": error: output '%s' is the %s input '%s'\n",
				outs[i], what[k], in[k]);
			usage(stderr);
			return EXIT_USAGE;
		}
		nstdout += names_std(outs[i], 1);
		if (strcmp(outs[i], "-") == 0)
			continue;
		if (lstat(outs[i], &st) == 0 && S_ISLNK(st.st_mode) &&
		    stat(outs[i], &st) < 0 && errno == ENOENT)
			return usage_error("output '%s' is a dangling symbolic link: not writing through it",
					   outs[i]);
		if (c->force || stat(outs[i], &st) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_size == 0 ||
		    fileio_in_place(outs[i]))
			continue;
		vbuf_init(&b);
		vdt_diag_init(&d);
		rc = fileio_read(outs[i], outs[i], c->max_input, &b, &d);
		ok = rc >= 0 && ours(b.data, b.len, outs[i] == c->depfile);
		vbuf_free(&b);
		vdt_diag_free(&d);
		if (!ok)
			return usage_error("output '%s' exists and is no map or device tree this tool writes; --force replaces it",
					   outs[i]);
	}
	if (nstdout > 1)
		return usage_error("standard output is named for two outputs%s",
				   "");
	return 0;
}

/*
 * System mode (--system, --imagebuilder): one of the two, --out-dir, and
 * none of the options that name a single guest's inputs or outputs.
 */
static int check_system_cli(const struct cli *c)
{
	static const struct {
		int opt;
		const char *name;
	} single[] = {
		{ OPT_ALLOW_LIST, "--allow-list" }, { OPT_ALLOW_PATH, "--allow-path" },
		{ OPT_DUMP_MAP, "--dump-map" }, { OPT_HOST, "--host" },
		{ OPT_LOCK, "--lock" }, { OPT_LOCK_ALLOW_MOVES, "--lock-allow-moves" },
		{ OPT_MAP, "--map" }, { OPT_MAP_FORMAT, "--map-format" },
		{ OPT_MAP_PREFIX, "--map-prefix" }, { OPT_PARTIAL, "--partial" },
		{ OPT_REPORT, "--report" }, { OPT_VERIFY_MAP, "--verify-map" },
		{ OPT_VPCI, "--vpci" }, { OPT_XL_CONFIG, "--xl-config" },
		{ OPT_XL_RANGES, "--xl-ranges" },
	};
	const char *mode = c->system ? "--system" : "--imagebuilder";
	size_t k;

	if (c->system && c->imagebuilder)
		return usage_error("--system and --imagebuilder: one system at a time%s",
				   "");
	if (!c->system && !c->imagebuilder)
		return usage_error("--out-dir goes with --system or --imagebuilder%s",
				   "");
	if (!c->out_dir)
		return usage_error("%s writes into a directory: give --out-dir",
				   mode);
	for (k = 0; k < sizeof(single) / sizeof(single[0]); k++)
		if (c->given & GIVEN(single[k].opt)) {
			fprintf(stderr, PROG ": error: %s: %s describes every guest's inputs and outputs\n",
				single[k].name, mode);
			usage(stderr);
			return EXIT_USAGE;
		}
	if (c->output || c->depfile)
		return usage_error(c->output ?
					   "-o: %s writes every output into --out-dir" :
					   "-d: %s has no Make rule",
				   mode);
	if (c->guest_view && strcmp(c->guest_view, "dts") != 0 &&
	    strcmp(c->guest_view, "dtb") != 0)
		return usage_error("--guest-view: with --system or --imagebuilder it says dtb or dts, not '%s'",
				   c->guest_view);
	if (c->nincdirs && !c->cpp)
		return usage_error("-i '%s' goes with --cpp", c->incdirs[0]);
	if (c->opts.abi == VDT_ABI_VSMMUV3_V3 &&
	    (c->given & (GIVEN(OPT_POLICY) | GIVEN(OPT_VID_BASE) |
			 GIVEN(OPT_VID_BITS))))
		return usage_error("--xen-abi vsmmuv3-v3: Xen picks every vSID%s",
				   "");
	return 0;
}

/*
 * --xl-config FILE (viommu-dtgen(1), XL CONFIGURATION): the xl flow
 * (--builder libxl), an existing regular file that is no other input or
 * output, and -o, which device_tree names (L6), a DTB file.
 */
static int check_xl_config(const struct cli *c, const char *const *outs,
			   int n)
{
	const char *in[] = { c->host, c->partial, c->lock, c->allow_list };
	struct stat st;
	size_t k;
	int i;

	if (c->opts.builder != VDT_BUILDER_LIBXL)
		return usage_error("--xl-config is the xl flow: --builder libxl (its default there), not '%s'",
				   builders[c->opts.builder]);
	if (strcmp(c->xl_config, "-") == 0 || stat(c->xl_config, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return usage_error("--xl-config '%s' must name an existing regular file: the guest's xl config",
				   c->xl_config);
	for (k = 0; k < sizeof(in) / sizeof(in[0]); k++)
		if (in[k] && same_file(in[k], c->xl_config))
			return usage_error("--xl-config '%s' is also an input",
					   c->xl_config);
	for (i = 0; i < n; i++)
		if (same_output(outs[i], c->xl_config))
			return usage_error("--xl-config '%s' is also named for another output",
					   c->xl_config);
	if (c->output && (names_std(c->output, 1) ||
			  fileio_in_place(c->output) ||
			  (c->out_format ? strcmp(c->out_format, "dts") == 0 :
					   ends_with(c->output, ".dts"))))
		return usage_error("-o '%s': with --xl-config, device_tree names it, so it is a DTB file (libxl reads no DTS, and no stream)",
				   c->output);
	return 0;
}

static int check_cli(const struct cli *c)
{
	const char *outs[MAX_OUTS];
	int n = 0, i, j, rc;

	if (c->system || c->imagebuilder || c->out_dir)
		return check_system_cli(c);
	if (c->dump_map && c->verify_map)
		return usage_error("--dump-map and --verify-map go alone%s", "");
	if (c->dump_map)
		return c->nopts || c->partial ?
			       usage_error("--dump-map takes no other option but -q and -v%s",
					   "") : 0;
	if (c->verify_map)
		return c->nopts || !c->partial ?
			       usage_error("--verify-map takes --partial and no other option but -q and -v%s",
					   "") : 0;
	if (!c->host)
		return usage_error("--host is required%s", "");
	if (!c->partial)
		return usage_error("--partial is required%s", "");
	if (!c->output && !c->nmaps && !c->guest_view && !c->check &&
	    !c->report && !c->xl_config)
		return usage_error("nothing to do: give -o, --map, --guest-view, --xl-config, --check or --report%s",
				   "");
	if (c->opts.lock_allow_moves && !c->lock)
		return usage_error("--lock-allow-moves goes with --lock%s", "");
	rc = check_abi(c);
	if (rc)
		return rc;
	if (stdin_users(c) > 1)
		return usage_error("only one of --host, --partial, --lock and --allow-list may read standard input%s",
				   "");
	if (c->nincdirs && !c->cpp)
		return usage_error("-i '%s' goes with --cpp", c->incdirs[0]);
	for (i = 0; i < c->nmaps; i++)
		if (map_format_by_path(c->maps[i]) < 0 && c->map_format < 0)
			return usage_error("--map '%s': no map format has that name's extension; give --map-format",
					   c->maps[i]);
	if (c->output)
		outs[n++] = c->output;
	if (c->guest_view)
		outs[n++] = c->guest_view;
	for (i = 0; i < c->nmaps; i++)
		outs[n++] = c->maps[i];
	if (c->depfile)
		outs[n++] = c->depfile;
	rc = check_outputs(c, outs, n);
	if (rc == 0 && c->xl_config)
		rc = check_xl_config(c, outs, n);
	if (rc)
		return rc;
	/* Two outputs may share a device such as /dev/null, not a file. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (same_output(outs[i], outs[j]) &&
			    (strcmp(outs[i], "-") == 0 ||
			     !fileio_in_place(outs[i])))
				return usage_error("'%s' is named for two outputs",
						   outs[i]);
	return 0;
}

/*
 * One device tree output @path, rendered into @out: the blob @fdt itself,
 * or with @as_dts its source (dts_write(): phandles as references, the
 * nodes with @labels, the partial input's) in @buf.  -o and --guest-view
 * both come here.
 */
static int render_dt(const struct fileio_labels *labels, const void *fdt,
		     size_t size, const char *path, int as_dts,
		     struct vbuf *buf, struct fileio_out *out,
		     struct vdt_diag *d)
{
	int rc;

	out->path = path;
	out->data = fdt;
	out->len = size;
	if (!as_dts)
		return 0;
	rc = dts_write(fdt, size, labels ? labels->v : NULL,
		       labels ? labels->n : 0, path, buf, d);
	if (rc < 0)
		return rc;
	out->data = buf->data;
	out->len = buf->len;
	return 0;
}

/* --report goes to standard output, unless an output does. */
static FILE *report_stream(const struct fileio_out *outs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (to_stdout(outs[i].path))
			return stderr;
	return stdout;
}

/* @name as a word of a Make rule: blanks and '#' escaped, '$' doubled. */
static int dep_word(struct vbuf *b, const char *name)
{
	const char *p;
	int rc = b->len ? vbuf_append(b, " ", 1) : 0;

	for (p = name; *p && rc >= 0; p++) {
		if (*p == ' ' || *p == '\t' || *p == '#')
			rc = vbuf_append(b, "\\", 1);
		else if (*p == '$')
			rc = vbuf_append(b, "$", 1);
		if (rc >= 0)
			rc = vbuf_append(b, p, 1);
	}
	return rc;
}

/* Whether @name is one of the NUL-terminated names in @b[0, @end). */
static int dep_seen(const struct vbuf *b, size_t end, const char *name)
{
	size_t at;

	for (at = 0; at < end; at += strlen(b->data + at) + 1)
		if (strcmp(b->data + at, name) == 0)
			return 1;
	return 0;
}

/*
 * -d FILE: "OUTPUTS: INPUTS", as "dtc -d" writes it: every file written
 * (not standard output), and every input read (host, partial, lock, allow
 * list, and with --cpp every file the preprocessor read), each once.
 */
static int depfile(const struct cli *c, const struct fileio_out *outs,
		   int n, struct vbuf *b, struct vdt_diag *d)
{
	const char *in[] = { c->host, c->partial, c->lock, c->allow_list };
	struct vbuf names;
	size_t i, at;
	int k, rc = 0;

	vbuf_init(&names);
	for (k = 0; k < n && rc >= 0; k++)
		if (!names_std(outs[k].path, 1))
			rc = dep_word(b, outs[k].path);
	if (rc >= 0)
		rc = vbuf_append(b, ":", 1);
	for (i = 0; i < sizeof(in) / sizeof(in[0]) && rc >= 0; i++)
		if (in[i] && !names_std(in[i], 0) &&
		    !dep_seen(&names, names.len, in[i]))
			rc = vbuf_append(&names, in[i], strlen(in[i]) + 1);
	for (at = 0; at < cpp_deps.len && rc >= 0;
	     at += strlen(cpp_deps.data + at) + 1)
		if (!dep_seen(&names, names.len, cpp_deps.data + at))
			rc = vbuf_append(&names, cpp_deps.data + at,
					 strlen(cpp_deps.data + at) + 1);
	for (at = 0; at < names.len && rc >= 0;
	     at += strlen(names.data + at) + 1)
		rc = dep_word(b, names.data + at);
	if (rc >= 0)
		rc = vbuf_append(b, "\n", 1);
	vbuf_free(&names);
	if (rc < 0)
		return vdt_error(d, VDT_ERR_NOMEM, c->depfile, NULL, NULL,
				 "out of memory");
	return 0;
}

/* Render every output in memory, so that nothing is written on error. */
static int render(const struct cli *c, const struct dtgen_result *res,
		  const struct fileio_labels *labels, struct vbuf *bufs,
		  struct fileio_out *outs, int *nouts, struct vdt_diag *d)
{
	int i, n = 0, fmt, rc;

	if (c->output) {
		rc = render_dt(labels, res->fdt, res->size, c->output,
			       c->out_format ?
				       strcmp(c->out_format, "dts") == 0 :
				       ends_with(c->output, ".dts"),
			       &bufs[n], &outs[n], d);
		if (rc < 0)
			return rc;
		n++;
	}
	if (c->guest_view) {
		rc = render_dt(labels, res->guest, res->guest_size,
			       c->guest_view, ends_with(c->guest_view, ".dts"),
			       &bufs[n], &outs[n], d);
		if (rc < 0)
			return rc;
		n++;
	}
	for (i = 0; i < c->nmaps; i++, n++) {
		fmt = map_format_of(c, c->maps[i]);
		rc = map_write(&res->map, fmt, c->map_prefix, c->maps[i],
			       &bufs[n], d);
		if (rc < 0)
			return rc;
		outs[n].path = c->maps[i];
		outs[n].data = bufs[n].data;
		outs[n].len = bufs[n].len;
	}
	if (c->depfile) {
		rc = depfile(c, outs, n, &bufs[n], d);
		if (rc < 0)
			return rc;
		outs[n].path = c->depfile;
		outs[n].data = bufs[n].data;
		outs[n].len = bufs[n].len;
		n++;
	}
	*nouts = n;
	return 0;
}

/* Read and parse the map table @path into @m. */
static int load_map(const struct cli *c, const char *path, struct vmap *m,
		    struct vdt_diag *d)
{
	const char *name = display_name(path);
	struct vbuf b;
	int rc;

	vbuf_init(&b);
	rc = fileio_read(path, name, c->max_input, &b, d);
	if (rc >= 0)
		rc = map_read(b.data ? b.data : "", b.len, name, m, d);
	vbuf_free(&b);
	return rc;
}

/*
 * --verify-map MAP --partial FILE: whether MAP describes the partial tree
 * FILE, by the SHA-256 of its blob that every map records (a kill or two
 * concurrent runs can leave a map of one run beside the tree of another).
 */
static int verify_map(const struct cli *c)
{
	const char *mname = display_name(c->verify_map);
	const char *pname = display_name(c->partial);
	unsigned char md[SHA256_LEN];
	struct vdt_diag d;
	struct vmap m;
	struct vbuf b;
	int rc;

	vdt_diag_init(&d);
	vbuf_init(&b);
	memset(&m, 0, sizeof(m));
	rc = load_map(c, c->verify_map, &m, &d);
	if (rc >= 0 && !m.has_partial_sha256)
		rc = vdt_error(&d, VDT_ERR_INPUT, mname, NULL, NULL,
			       "records no partial tree (partial-sha256: a binary or xl map, or one of an older version)");
	if (rc >= 0)
		rc = fileio_read(c->partial, pname, c->max_input, &b, &d);
	if (rc >= 0 && (b.len < 4 || memcmp(b.data, "\xd0\x0d\xfe\xed", 4) != 0))
		rc = vdt_error(&d, VDT_ERR_INPUT, pname, NULL, NULL,
			       "not a device tree blob: the map records the SHA-256 of the DTB the tool wrote");
	if (rc >= 0)
		sha256(b.data, b.len, md);
	if (rc >= 0 && memcmp(md, m.partial_sha256, SHA256_LEN) != 0)
		rc = vdt_error(&d, VDT_ERR_INPUT, mname, NULL, "partial-sha256",
			       "describes another partial tree than %s", pname);
	if (rc >= 0 && c->verbose)
		fprintf(stderr, PROG ": %s describes %s\n", mname, pname);
	rc = report_diag(c, &d);
	vmap_free(&m);
	vbuf_free(&b);
	vdt_diag_free(&d);
	return rc;
}

/* --dump-map FILE: the map as YAML on standard output. */
static int dump_map(const struct cli *c)
{
	struct fileio_out out = { .path = "-" };
	struct vdt_diag d;
	struct vmap m;
	struct vbuf b;
	int rc;

	vdt_diag_init(&d);
	vbuf_init(&b);
	memset(&m, 0, sizeof(m));
	rc = load_map(c, c->dump_map, &m, &d);
	if (rc >= 0)
		rc = map_write(&m, MAP_FORMAT_YAML, NULL, "<stdout>", &b, &d);
	if (rc >= 0) {
		out.data = b.data;
		out.len = b.len;
		fileio_commit(&out, 1, &d);	/* an error lands in d */
	}
	rc = report_diag(c, &d);
	vmap_free(&m);
	vbuf_free(&b);
	vdt_diag_free(&d);
	return rc;
}

/*
 * --allow-path and --allow-list (allowlist.h): the host paths the guest
 * may be given.  @b keeps the list file's text, which @paths points into.
 * Without either option *@paths stays NULL: any path is allowed.
 */
static int load_allow(const struct cli *c, struct vbuf *b,
		      const char ***paths, int *n, struct vdt_diag *d)
{
	const char *name = c->allow_list ? display_name(c->allow_list) : "";
	int i, rc;

	*paths = NULL;
	*n = 0;
	if (!c->allow_list && !c->nallow)
		return 0;
	/* One slot at least: an empty list allows nothing, not everything. */
	*paths = calloc((size_t)c->nallow + 1, sizeof(**paths));
	if (!*paths)
		return vdt_error(d, VDT_ERR_NOMEM, name, NULL, NULL,
				 "out of memory");
	for (i = 0; i < c->nallow; i++)
		(*paths)[(*n)++] = c->allow[i];
	if (!c->allow_list)
		return 0;
	rc = fileio_read(c->allow_list, name, c->max_input, b, d);
	if (rc < 0)
		return rc;
	rc = allowlist_parse(b->data, b->len, name, paths, n, d);
	return rc < 0 ? rc : 0;
}

/* Read both trees; @labels receives the partial tree's labels. */
static int load_inputs(const struct cli *c, struct dtgen_blob *host,
		       struct dtgen_blob *partial,
		       struct fileio_labels *labels, struct vdt_diag *d)
{
	void *data;
	size_t size;
	int rc;

	host->name = display_name(c->host);
	partial->name = display_name(c->partial);
	struct fileio_config fc = {
		.timeout = c->timeout, .cpp = c->cpp, .incdirs = c->incdirs,
		.nincdirs = c->nincdirs, .deps = c->depfile ? &cpp_deps : NULL,
	};

	fileio_configure(&fc);
	rc = fileio_load_dt(c->host, host->name, c->max_input, &data, &size,
			    NULL, d);
	if (rc < 0)
		return rc;
	host->data = data;
	host->size = size;
	rc = hostdt_dom0_check(data, size, host->name,
			       c->opts.abi != VDT_ABI_NONE, d);
	if (rc < 0)
		return rc;
	rc = fileio_load_dt(c->partial, partial->name, c->max_input, &data,
			    &size, labels, d);
	if (rc < 0)
		return rc;
	partial->data = data;
	partial->size = size;
	return 0;
}

/* The parts of an --xl-config run: the file's text and settings. */
struct xl_state {
	struct vbuf text;
	struct xlcfg cfg;
	const char **dtdev;	/* its dtdev list, pointing into cfg */
};

/*
 * --xl-config: read and parse the file; its dtdev, when it has one, is an
 * allow list (L5): an empty dtdev allows nothing.
 */
static int load_xl(const struct cli *c, struct xl_state *x,
		   struct dtgen_opts *o, struct vdt_diag *d)
{
	static const char *const nothing[1];
	int n, rc;

	rc = fileio_read(c->xl_config, c->xl_config, c->max_input, &x->text, d);
	if (rc >= 0)
		rc = xlcfg_parse(x->text.data ? x->text.data : "", x->text.len,
				 c->xl_config, &x->cfg, d);
	if (rc >= 0)
		rc = xlcfg_get_list(&x->cfg, "dtdev", c->xl_config, &x->dtdev,
				    &n, d);
	if (rc == 1) {
		o->allow_dtdev = x->dtdev ? x->dtdev : nothing;
		o->nallow_dtdev = n;
		o->allow_dtdev_name = c->xl_config;
	}
	return rc < 0 ? rc : 0;
}

/*
 * The vIOMMU line (L6): the series' viommu = "smmuv3", or the proposal's
 * iommu_devid_map, when some device has an IOMMU ID; into @b, and @set.
 */
static int xl_viommu(const struct cli *c, const struct vmap *m,
		     struct vbuf *b, struct xlcfg_set *set, struct vdt_diag *d)
{
	static const char key[] = "iommu_devid_map = ";
	int rc;

	if (m->ndevices == 0 || c->opts.abi == VDT_ABI_NONE)
		return 0;
	if (c->opts.abi == VDT_ABI_VSMMUV3_V3) {
		set->key = XEN_XL_VIOMMU_KEY;
		set->value = "\"" XEN_XL_VIOMMU_SMMUV3 "\"";
		return 1;
	}
	rc = map_write(m, (c->given & GIVEN(OPT_XL_RANGES)) ?
			  MAP_FORMAT_XL_RANGES : MAP_FORMAT_XL,
		       NULL, c->xl_config, b, d);
	if (rc < 0)
		return rc;
	/* "iommu_devid_map = [ ... ]\n": the value only. */
	if (b->len < sizeof(key) || memcmp(b->data, key, sizeof(key) - 1) != 0)
		return vdt_error(d, VDT_ERR_INPUT, c->xl_config, NULL, NULL,
				 "the map's xl form is not one iommu_devid_map line");
	memmove(b->data, b->data + sizeof(key) - 1, b->len - (sizeof(key) - 1));
	b->len -= sizeof(key) - 1;
	while (b->len && b->data[b->len - 1] == '\n')
		b->len--;
	b->data[b->len] = '\0';
	set->key = "iommu_devid_map";
	set->value = b->data;
	return 1;
}

/*
 * --xl-config: the file's new text in @out (L1-L4, L6, L7): dtdev, iomem and
 * irqs from the host tree and the partial's xen,reg, device_tree naming
 * -o, and the vIOMMU line.
 */
static int render_xl(const struct cli *c, const struct dtgen_blob *host,
		     const struct dtgen_blob *partial,
		     const struct dtgen_result *res, const struct xl_state *x,
		     struct vbuf *out, struct fileio_out *o,
		     struct vdt_diag *d)
{
	struct vbuf v[5];	/* dtdev, iomem, irqs, device_tree, vIOMMU */
	struct xlcfg_set sets[5];
	char abs[PATH_MAX];
	struct xlkeys k;
	struct hostdt h;
	void *copy = NULL;
	int i, n = 0, rc;

	for (i = 0; i < 5; i++)
		vbuf_init(&v[i]);
	memset(&k, 0, sizeof(k));
	rc = dtgen_host_open(&h, host, &copy, d);
	if (rc < 0)
		return rc;
	rc = xlkeys_compute(&h, partial->data, partial->size, partial->name,
			    &k, d);
	if (rc >= 0)
		rc = xlkeys_render(&k, &v[0], &v[1], &v[2], d);
	if (rc >= 0) {
		sets[n++] = (struct xlcfg_set){ "dtdev", v[0].data };
		sets[n++] = (struct xlcfg_set){ "iomem", v[1].data };
		sets[n++] = (struct xlcfg_set){ "irqs", v[2].data };
	}
	if (rc >= 0 && c->output) {
		if (canonical(c->output, abs) < 0)
			rc = vdt_error(d, VDT_ERR_IO, c->output, NULL, NULL,
				       "its directory cannot be resolved to an absolute path for device_tree");
		else
			rc = xlcfg_quote(&v[3], abs, c->xl_config, d);
		if (rc >= 0)
			sets[n++] = (struct xlcfg_set){ "device_tree", v[3].data };
	}
	if (rc >= 0) {
		rc = xl_viommu(c, &res->map, &v[4], &sets[n], d);
		n += rc > 0;
	}
	if (rc >= 0)
		rc = xlcfg_update(x->text.data ? x->text.data : "", x->text.len,
				  &x->cfg, sets, n, out, d);
	if (rc >= 0) {
		o->path = c->xl_config;
		o->data = out->data ? out->data : "";
		o->len = out->len;
	}
	for (i = 0; i < 5; i++)
		vbuf_free(&v[i]);
	xlkeys_free(&k);
	hostdt_close(&h);
	free(copy);
	return rc < 0 ? rc : 0;
}

static int run(const struct cli *c)
{
	struct dtgen_blob host = { 0 }, partial = { 0 };
	struct fileio_labels labels = { 0 };
	struct fileio_out outs[MAX_OUTS];
	struct vbuf bufs[MAX_OUTS];
	struct dtgen_opts opts = c->opts;
	struct dtgen_result res;
	const char **allow = NULL;
	struct vbuf allow_text;
	struct vdt_diag d;
	struct vmap lock;
	struct xl_state xl;
	struct stat st;
	int i, nouts = 0, rc = 0;

	memset(&xl, 0, sizeof(xl));
	vbuf_init(&xl.text);
	vdt_diag_init(&d);
	memset(&res, 0, sizeof(res));
	memset(&lock, 0, sizeof(lock));
	for (i = 0; i < MAX_OUTS; i++)
		vbuf_init(&bufs[i]);
	vbuf_init(&allow_text);
	rc = load_allow(c, &allow_text, &allow, &opts.nallow, &d);
	opts.allow = allow;
	if (rc >= 0 && c->xl_config)
		rc = load_xl(c, &xl, &opts, &d);
	/* The lock is read before anything is written: --map may name it.
	 * A first build has none yet: a missing lock file is an empty lock. */
	if (rc >= 0 && c->lock && strcmp(c->lock, "-") != 0 &&
	    lstat(c->lock, &st) < 0 && errno == ENOENT) {
		vdt_info(&d, c->lock, NULL, NULL,
			 "not found: an empty lock (a first build)");
	} else if (rc >= 0 && c->lock) {
		rc = load_map(c, c->lock, &lock, &d);
		opts.lock = &lock;
		opts.lock_name = display_name(c->lock);
	}
	if (rc >= 0)
		rc = load_inputs(c, &host, &partial, &labels, &d);
	if (rc >= 0)
		rc = dtgen_run(&opts, &host, &partial, &res, &d);
	/* --check renders too: the writers' checks are checks. */
	if (rc >= 0)
		rc = render(c, &res, &labels, bufs, outs, &nouts, &d);
	if (rc >= 0 && c->xl_config) {
		rc = render_xl(c, &host, &partial, &res, &xl, &bufs[nouts],
			       &outs[nouts], &d);
		nouts += rc >= 0;
	}
	if (rc >= 0 && c->report)
		print_report(report_stream(outs, nouts), &res.map);
	if (rc >= 0 && c->verbose)
		print_summary(c, &res.map);
	for (i = 0; i < nouts; i++)
		outs[i].sync = c->fsync;
	if (rc >= 0 && !c->check)
		fileio_commit(outs, nouts, &d);	/* an error lands in d */
	rc = report_diag(c, &d);
	for (i = 0; i < MAX_OUTS; i++)
		vbuf_free(&bufs[i]);
	dtgen_result_free(&res);
	vmap_free(&lock);
	free(allow);
	vbuf_free(&allow_text);
	free(xl.dtdev);
	xlcfg_free(&xl.cfg);
	vbuf_free(&xl.text);
	free((void *)host.data);
	free((void *)partial.data);
	fileio_labels_free(&labels);
	vbuf_free(&cpp_deps);
	vdt_diag_free(&d);
	return rc;
}

/* --system FILE or --imagebuilder FILE (cli_system.h). */
static int run_system(const struct cli *c)
{
	struct cli_system a = {
		.system = c->system, .imagebuilder = c->imagebuilder,
		.out_dir = c->out_dir, .opts = c->opts,
		.builder_given = (c->given & GIVEN(OPT_BUILDER)) != 0,
		.dts = c->out_format && strcmp(c->out_format, "dts") == 0,
		.guest_view = !c->guest_view ? 0 :
			      strcmp(c->guest_view, "dts") == 0 ? 1 : 2,
		.check = c->check, .force = c->force, .fsync = c->fsync,
		.max_input = c->max_input,
	};
	struct fileio_config fc = {
		.timeout = c->timeout, .cpp = c->cpp, .incdirs = c->incdirs,
		.nincdirs = c->nincdirs,
	};
	struct vdt_diag d;
	int rc;

	vdt_diag_init(&d);
	fileio_configure(&fc);
	cli_system_run(&a, &d);		/* an error lands in d */
	rc = report_diag(c, &d);
	vdt_diag_free(&d);
	return rc;
}

/*
 * A long option written with one dash ("-host") would be read as short
 * options ("-h -o st"): a usage error, before getopt sees it.  Values of
 * options are skipped.
 */
static int check_single_dash(int argc, char **argv)
{
	const struct option *o;
	const char *a;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--") == 0)
			return 0;
		if (a[0] != '-' || a[1] == '\0')
			continue;
		if (a[1] == '-') {
			for (o = long_opts; o->name; o++)
				if (o->has_arg == required_argument &&
				    strcmp(a + 2, o->name) == 0)
					i++;
			continue;
		}
		if (strchr("dOoi", a[1]) && a[2] == '\0') {
			i++;
			continue;
		}
		len = strcspn(a + 1, "=");
		for (o = long_opts; o->name && len >= 2; o++)
			if (strncmp(a + 1, o->name, len) == 0 &&
			    (o->name[len] == '\0' || len >= 4))
				return usage_error("'%s': long options take two dashes",
						   a);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c;
	int opt, rc;

	memset(&c, 0, sizeof(c));
	dtgen_opts_default(&c.opts);
	c.map_format = -1;
	c.max_input = FILEIO_MAX_INPUT;
	opterr = 0;
	rc = check_single_dash(argc, argv);
	if (rc)
		return rc;
	while ((opt = getopt_long(argc, argv, ":d:hi:O:o:qVv", long_opts,
				  NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return usage_error(opt == ':' ?
						   "option '%s' needs a value" :
						   "unknown option '%s'",
					   argv[optind - 1]);
		rc = parse_option(&c, opt);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if ((c.help || c.version) && argc > 2)
		return usage_error("%s takes no other argument",
				   c.help ? "-h (--help)" : "-V (--version)");
	if (c.help) {
		help();
		return 0;
	}
	if (c.version) {
		printf(PROG " " DTGEN_VERSION "\n");
		return 0;
	}
	/* The series' Xen builds the guest tree: libxl unless told. */
	if ((c.opts.abi == VDT_ABI_VSMMUV3_V3 || c.xl_config) &&
	    !(c.given & GIVEN(OPT_BUILDER)))
		c.opts.builder = VDT_BUILDER_LIBXL;
	rc = check_cli(&c);
	if (rc)
		return rc;
	if (c.verify_map)
		return verify_map(&c);
	if (c.system || c.imagebuilder)
		return run_system(&c);
	return c.dump_map ? dump_map(&c) : run(&c);
}

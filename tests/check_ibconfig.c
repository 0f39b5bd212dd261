/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibconfig_read(): ImageBuilder configs in every syntax its README uses,
 * and the forms that need a shell, refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ibconfig.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct ib_case {
	const char *text;
	const char *want;	/* the description, as summary() writes it */
	const char *error;	/* or the error: "FILE: PROP: TEXT" substring */
	const char *warn;	/* a warning's substring, or NULL */
} ib_cases[] = {
	/* The README's forms: quoted and unquoted values, comments, arrays,
	 * a blank-separated path list, DOMU_NOBOOT, other variables. */
	{ "MEMORY_START=\"0x0\"\n"
	  "MEMORY_END=\"0x80000000\"\n"
	  "\n"
	  "# the host tree Xen boots with\n"
	  "DEVICE_TREE=\"mpsoc.dtb\"\n"
	  "XEN=\"xen\"\n"
	  "XEN_CMD=\"console=dtuart dtuart=serial0 dom0_mem=1G bootscrub=0\"\n"
	  "DOM0_KERNEL=\"Image-dom0\"\n"
	  "DOM0_RAMDISK=\"dom0-ramdisk.cpio\"\n"
	  "DOM0_MEM=1024\n"
	  "NUM_DT_OVERLAY=1\n"
	  "DT_OVERLAY[0]=\"host_dt_overlay.dtbo\"\n"
	  "NUM_DOMUS=3\n"
	  "DOMU_KERNEL[0]=\"zynqmp-dom1/Image-domU\"\n"
	  "DOMU_PASSTHROUGH_PATHS[0]=\"/axi/ethernet@ff0e0000 /axi/serial@ff000000\"\n"
	  "DOMU_CMD[0]=\"console=ttyPS0 earlycon clk_ignore_unused\"\n"
	  "DOMU_RAMDISK[0]=\"zynqmp-dom1/domU-ramdisk.cpio\"\n"
	  "DOMU_COLORS[0]=\"6-14\"\n"
	  "DOMU_KERNEL[1]=\"zynqmp-dom2/Image-domU\"\n"
	  "DOMU_PASSTHROUGH_DTB[1]=\"zynqmp-dom2/passthrough-example-part.dtb\"\n"
	  "DOMU_MEM[1]=256\n"
	  "DOMU_KERNEL[2]=\"zynqmp-dom3/Image\"\n"
	  "DOMU_PASSTHROUGH_PATHS[2]=\"/axi/mmc@ff170000\"\n"
	  "DOMU_NOBOOT[2]=y\n"
	  "LOAD_CMD=\"tftpb\"\n"
	  "UBOOT_SOURCE=\"boot.source\"\n"
	  "UBOOT_SCRIPT=\"boot.scr\"\n",
	  "host=d/mpsoc.dtb; domu0[0] paths=/axi/ethernet@ff0e0000,/axi/serial@ff000000;"
	  " domu1[1] partial=d/zynqmp-dom2/passthrough-example-part.dtb;"
	  " domu2[2] paths=/axi/mmc@ff170000 noboot;", NULL, NULL },
	/* single quotes, unquoted values, escapes, concatenation, export,
	 * ';', trailing comments, two assignments on a line, a value over
	 * two lines, the last assignment winning, NAME= for NAME[0] */
	{ "DEVICE_TREE=old.dtb\n"
	  "export DEVICE_TREE='/abs/board '\"x\"\\ y.dtb  # a comment\n"
	  "NUM_DOMUS=2; DOMU_PASSTHROUGH_PATHS='/a'\n"
	  "DOMU_PASSTHROUGH_PATHS[1]=\"/b\n"
	  "  /c\" DOMU_NOBOOT[1]=\n"
	  "DOMU_CMD[1]='a#b'\n"
	  "X=a#b\n",
	  "host=/abs/board x y.dtb; domu0[0] paths=/a; domu1[1] paths=/b,/c;", NULL, NULL },
	/* a guest without a device, and one past NUM_DOMUS */
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=2\nDOMU_KERNEL[0]=k\n"
	  "DOMU_PASSTHROUGH_DTB[1]=p.dtb\nDOMU_PASSTHROUGH_DTB[2]=q.dtb\n",
	  "host=d/b.dtb; domu1[1] partial=d/p.dtb;", NULL,
	  "d/ib.cfg:5: guest 2 is beyond NUM_DOMUS=2: left out, as ImageBuilder does" },
	/* a shell's forms in other variables are skipped */
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nXEN_CMD=\"$(cat cmd) `date`\"\n"
	  "DOMU_CMD[0]=${X}\nDOMU_PASSTHROUGH_PATHS[0]=/a\nARR=(a b)\n",
	  "host=d/b.dtb; domu0[0] paths=/a;", NULL, NULL },
	/* refused: what needs a shell, in a variable read here */
	{ "DEVICE_TREE=$(ls *.dtb)\nNUM_DOMUS=1\n", NULL,
	  "d/ib.cfg:1: DEVICE_TREE: dynamic: a value that needs a shell", NULL },
	{ "DEVICE_TREE=`ls`\n", NULL, "d/ib.cfg:1: DEVICE_TREE: dynamic", NULL },
	{ "DEVICE_TREE=~/b.dtb\n", NULL, "d/ib.cfg:1: DEVICE_TREE: dynamic", NULL },
	{ "DEVICE_TREE='~/b.dtb'\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_DTB[0]=p\n",
	  "host=d/~/b.dtb; domu0[0] partial=d/p;", NULL, NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_DTB[0]=\"$DIR/p.dtb\"\n",
	  NULL, "d/ib.cfg:3: DOMU_PASSTHROUGH_DTB[0]: dynamic", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_PATHS[0]=${P}\n",
	  NULL, "d/ib.cfg:3: DOMU_PASSTHROUGH_PATHS[0]: dynamic", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=$N\n", NULL, "d/ib.cfg:2: NUM_DOMUS: dynamic", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_PATHS[$i]=/a\n", NULL,
	  "d/ib.cfg:3: DOMU_PASSTHROUGH_PATHS[$i]: the index must be a number", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_PATHS=(/a /b)\n", NULL,
	  "d/ib.cfg:3: DOMU_PASSTHROUGH_PATHS: dynamic", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_PATHS[0]+=/a\n", NULL,
	  "DOMU_PASSTHROUGH_PATHS[0]: +=", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_NOBOOT[0]=$(x)\n", NULL,
	  "d/ib.cfg:3: DOMU_NOBOOT[0]: dynamic", NULL },
	/* refused: what is no assignment */
	{ "NUM_DOMUS = 2\n", NULL, "d/ib.cfg:1: blanks around '='", NULL },
	{ "DEVICE_TREE=b.dtb\nsource other.cfg\n", NULL,
	  "d/ib.cfg:2: not a variable assignment: the config is read, not run", NULL },
	{ "DEVICE_TREE=b.dtb echo hi\n", NULL, "d/ib.cfg:1: not a variable assignment", NULL },
	{ "DEVICE_TREE=\"b.dtb\nNUM_DOMUS=1\n", NULL, "d/ib.cfg:1: a quote (\") that is never closed", NULL },
	{ "DEVICE_TREE='b.dtb\n", NULL, "d/ib.cfg:1: a quote (') that is never closed", NULL },
	/* refused: missing or wrong values */
	{ "NUM_DOMUS=1\nDOMU_PASSTHROUGH_PATHS[0]=/a\n", NULL, "DEVICE_TREE: missing", NULL },
	{ "DEVICE_TREE=b.dtb\n", NULL, "NUM_DOMUS: missing", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=two\n", NULL, "d/ib.cfg:2: NUM_DOMUS: 'two' is not a number", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_KERNEL[0]=k\n", NULL,
	  "NUM_DOMUS: no guest passes a device through", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_PATHS[0]=\"/a axi/b\"\n", NULL,
	  "d/ib.cfg:3: DOMU_PASSTHROUGH_PATHS[0]: 'axi/b' is not an absolute host path", NULL },
	{ "DEVICE_TREE=b.dtb\nNUM_DOMUS=1\nDOMU_PASSTHROUGH_DTB[256]=p\n", NULL,
	  "the index must be a number below 256", NULL },
	{ "DEVICE_TREE[0]=b.dtb\n", NULL, "DEVICE_TREE[0]: not an array", NULL },
};

static void summary(const struct system_desc *s, char *buf, size_t len)
{
	size_t at;
	int i, j;

	at = (size_t)snprintf(buf, len, "host=%s;", s->host);
	for (i = 0; i < s->nguests && at < len; i++) {
		const struct system_guest *g = &s->guests[i];

		at += (size_t)snprintf(buf + at, len - at, " %s[%d]", g->name, g->index);
		if (g->partial)
			at += (size_t)snprintf(buf + at, len - at, " partial=%s", g->partial);
		for (j = 0; j < g->npaths; j++)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       j ? "," : " paths=", g->paths[j]);
		at += (size_t)snprintf(buf + at, len - at, "%s;",
				       g->noboot ? " noboot" : "");
	}
}

START_TEST(test_ibconfig_read)
{
	const struct ib_case *c = &ib_cases[_i];
	struct system_desc s;
	struct vdt_diag d;
	char got[1024], line[2048];
	size_t i;
	int rc, found = 0;

	vdt_diag_init(&d);
	rc = ibconfig_read(c->text, strlen(c->text), "d/ib.cfg", &s, &d);
	if (c->error) {
		ck_assert_int_eq(rc, -VDT_ERR_INPUT);
		vdt_note_format(&d.error, line, sizeof(line));
		ck_assert_msg(strstr(line, c->error) != NULL, "'%s' lacks '%s'",
			      line, c->error);
		ck_assert_int_eq(s.nguests, 0);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", d.error.file, d.error.text);
		summary(&s, got, sizeof(got));
		ck_assert_str_eq(got, c->want);
		system_desc_free(&s);
	}
	for (i = 0; i < d.nwarnings; i++) {
		vdt_note_format(&d.warnings[i], line, sizeof(line));
		ck_assert_msg(c->warn != NULL, "warning '%s'", line);
		found |= strstr(line, c->warn) != NULL;
	}
	ck_assert_int_eq(found, c->warn != NULL);
	vdt_diag_free(&d);
}
END_TEST

Suite *ibconfig_suite(void)
{
	return tu_table_suite("ibconfig", test_ibconfig_read, N(ib_cases));
}

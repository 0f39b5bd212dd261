/* SPDX-License-Identifier: BSD-2-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "map_write.h"

static const struct {
	const char *name;
	enum map_format fmt;
} format_names[] = {
	{ "yaml", MAP_FORMAT_YAML },
	{ "xl", MAP_FORMAT_XL },
};

static const struct {
	const char *ext;
	enum map_format fmt;
} format_exts[] = {
	{ ".yaml", MAP_FORMAT_YAML },
	{ ".yml", MAP_FORMAT_YAML },
	{ ".cfg", MAP_FORMAT_XL },
};

int map_format_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i].name) == 0)
			return format_names[i].fmt;
	return -VDT_ERR_NOTFOUND;
}

int map_format_by_path(const char *path)
{
	size_t i, n = strlen(path), e;

	for (i = 0; i < sizeof(format_exts) / sizeof(format_exts[0]); i++) {
		e = strlen(format_exts[i].ext);
		if (n > e && strcmp(path + n - e, format_exts[i].ext) == 0)
			return format_exts[i].fmt;
	}
	return -VDT_ERR_NOTFOUND;
}

/*
 * YAML through libyaml's emitter.  Emitting is sticky on failure: after the
 * first error every call is a no-op, and the writer checks once at the end.
 */
struct yout {
	yaml_emitter_t e;
	int failed;
};

static int yaml_sink(void *data, unsigned char *buf, size_t size)
{
	return vbuf_append(data, buf, size) == 0;
}

static void y_emit(struct yout *y, yaml_event_t *ev, int made)
{
	if (y->failed)
		return;
	if (!made || !yaml_emitter_emit(&y->e, ev))
		y->failed = 1;
}

static void y_str(struct yout *y, const char *s)
{
	yaml_event_t ev;

	y_emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
			(yaml_char_t *)s, (int)strlen(s), 1, 1,
			YAML_ANY_SCALAR_STYLE));
}

static void y_hex(struct yout *y, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	y_str(y, s);
}

static void y_dec(struct yout *y, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	y_str(y, s);
}

static void y_map(struct yout *y, int flow)
{
	yaml_event_t ev;

	y_emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			flow ? YAML_FLOW_MAPPING_STYLE :
			       YAML_BLOCK_MAPPING_STYLE));
}

static void y_map_end(struct yout *y)
{
	yaml_event_t ev;

	y_emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void y_seq(struct yout *y, int flow)
{
	yaml_event_t ev;

	y_emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
			flow ? YAML_FLOW_SEQUENCE_STYLE :
			       YAML_BLOCK_SEQUENCE_STYLE));
}

static void y_seq_end(struct yout *y)
{
	yaml_event_t ev;

	y_emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void yaml_viommu(struct yout *y, const struct vmap *m)
{
	y_str(y, "viommu");
	y_map(y, 1);
	y_str(y, "phandle");
	y_hex(y, m->viommu.phandle);
	y_str(y, "compatible");
	y_str(y, "arm,smmu-v3");
	y_str(y, "base");
	y_hex(y, m->viommu.base);
	y_str(y, "size");
	y_hex(y, m->viommu.size);
	y_map_end(y);
}

static void yaml_entry(struct yout *y, const struct vmap *m,
		       const struct vmap_entry *e)
{
	int i;

	y_map(y, 0);
	y_str(y, "vid");
	y_hex(y, e->vid);
	y_str(y, "count");
	y_dec(y, e->count);
	y_str(y, "pid");
	y_hex(y, e->pid);
	y_str(y, "mask");
	y_hex(y, e->mask);
	y_str(y, "piommu");
	y_map(y, 1);
	y_str(y, "path");
	y_str(y, m->iommus[e->iommu].path);
	y_str(y, "base");
	y_hex(y, m->iommus[e->iommu].base);
	y_map_end(y);
	y_str(y, "devices");
	y_seq(y, 0);
	for (i = 0; i < e->ndevs; i++) {
		y_map(y, 1);
		y_str(y, "node");
		y_str(y, m->devices[e->devs[i]].node);
		y_str(y, "host");
		y_str(y, m->devices[e->devs[i]].host);
		y_map_end(y);
	}
	y_seq_end(y);
	y_map_end(y);
}

static int write_yaml(const struct vmap *m, struct vbuf *out)
{
	struct yout y = { .failed = 0 };
	yaml_event_t ev;
	int i;

	if (!yaml_emitter_initialize(&y.e))
		return -VDT_ERR_NOMEM;
	yaml_emitter_set_output(&y.e, yaml_sink, out);
	yaml_emitter_set_width(&y.e, -1);
	yaml_emitter_set_unicode(&y.e, 1);
	y_emit(&y, &ev, yaml_stream_start_event_initialize(&ev,
			YAML_UTF8_ENCODING));
	y_emit(&y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL,
			NULL, 1));
	y_map(&y, 0);
	y_str(&y, "version");
	y_dec(&y, 1);
	yaml_viommu(&y, m);
	y_str(&y, "policy");
	y_str(&y, vmap_policy_name(m->policy));
	y_str(&y, "vid-base");
	y_hex(&y, m->vid_base);
	y_str(&y, "vid-bits");
	y_dec(&y, m->vid_bits);
	y_str(&y, "entries");
	y_seq(&y, m->nentries == 0);
	for (i = 0; i < m->nentries; i++)
		yaml_entry(&y, m, &m->entries[i]);
	y_seq_end(&y);
	y_map_end(&y);
	y_emit(&y, &ev, yaml_document_end_event_initialize(&ev, 1));
	y_emit(&y, &ev, yaml_stream_end_event_initialize(&ev));
	if (!y.failed && !yaml_emitter_flush(&y.e))
		y.failed = 1;
	yaml_emitter_delete(&y.e);
	return y.failed ? -VDT_ERR_NOMEM : 0;
}

/*
 * xl.cfg: iommu_devid_map = [ "PMASTER_ID@VMASTER_ID,IOMMU_BASE_ADDRESS", ... ]
 * as proposed on xen-devel; one line, entries sorted by vID.
 */
static int write_xl(const struct vmap *m, const char *file, struct vbuf *out,
		    struct vdt_diag *d)
{
	const struct vmap_entry *e;
	int i, r;

	r = vbuf_printf(out, "iommu_devid_map = [");
	for (i = 0; i < m->nentries && r == 0; i++) {
		e = &m->entries[i];
		if (e->mask)
			vdt_warn(d, file, NULL, NULL,
				 "the xl form has no SMR mask: mask 0x%x of pID 0x%x on %s left out",
				 e->mask, e->pid, m->iommus[e->iommu].path);
		r = vbuf_printf(out, "%s \"0x%" PRIx32 "@0x%" PRIx32 ",0x%" PRIx64 "\"",
				i ? "," : "", e->pid, e->vid,
				m->iommus[e->iommu].base);
	}
	if (r == 0)
		r = vbuf_printf(out, " ]\n");
	return r;
}

int map_write(const struct vmap *m, enum map_format fmt, const char *file,
	      struct vbuf *out, struct vdt_diag *d)
{
	int r = fmt == MAP_FORMAT_XL ? write_xl(m, file, out, d) :
				       write_yaml(m, out);

	if (r < 0)
		return vdt_error(d, VDT_ERR_NOMEM, file, NULL, NULL,
				 "out of memory");
	return 0;
}

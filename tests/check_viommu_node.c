/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "diag.h"
#include "testutil.h"
#include "viommu_node.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct viommu_params defaults = {
	VIOMMU_DEFAULT_PHANDLE, VIOMMU_DEFAULT_BASE, VIOMMU_DEFAULT_SIZE,
	VIOMMU_DEFAULT_SPI,
};

/*
 * "/ { passthrough { <vIOMMU node> dev@1 { }; }; }" built with fdt_out,
 * as dtgen writes it (@size: its size hint); returns make_viommu_node()'s
 * result, and the finished blob in *@out when it succeeded.
 */
static const struct viommu_gic gic3 = { XEN_PHANDLE_GIC, 3, 0xa0 };

static int sw_tree_gic(int size, int ac, int sc,
		       const struct viommu_params *p,
		       const struct viommu_gic *gic, void **out)
{
	struct fdt_out o;
	size_t len;
	int r;

	*out = NULL;
	ck_assert_int_eq(fdt_out_init(&o, (size_t)size), 0);
	ck_assert_int_eq(fdt_out_finish_rsv(&o), 0);
	ck_assert_int_eq(fdt_out_begin_node(&o, ""), 0);
	ck_assert_int_eq(fdt_out_begin_node(&o, "passthrough"), 0);
	ck_assert_int_eq(fdt_out_property_u32(&o, "#address-cells", (uint32_t)ac), 0);
	ck_assert_int_eq(fdt_out_property_u32(&o, "#size-cells", (uint32_t)sc), 0);
	r = make_viommu_node(&o, ac, sc, p, gic);
	if (r < 0) {
		fdt_out_free(&o);
		return r;
	}
	ck_assert_int_eq(fdt_out_begin_node(&o, "dev@1"), 0);
	ck_assert_int_eq(fdt_out_end_node(&o), 0);
	ck_assert_int_eq(fdt_out_end_node(&o), 0);
	ck_assert_int_eq(fdt_out_end_node(&o), 0);
	ck_assert_int_eq(fdt_out_finish(&o, 0, out, &len), 0);
	ck_assert_int_eq(fdt_check_full(*out, len), 0);
	return 0;
}

static int sw_tree(int size, int ac, int sc, const struct viommu_params *p,
		   void **out)
{
	return sw_tree_gic(size, ac, sc, p, &gic3, out);
}

/* The vIOMMU node of sw_tree(): the first child of /passthrough. */
static int viommu_of(const void *fdt)
{
	int node = fdt_first_subnode(fdt, fdt_path_offset(fdt, "/passthrough"));

	ck_assert_int_ge(node, 0);
	return node;
}

/* Property @name of @node as cells; fails unless it has @n cells. */
static void assert_cells(const void *fdt, int node, const char *name,
			 const uint32_t *want, int n)
{
	const fdt32_t *p;
	int len, i;

	p = fdt_getprop(fdt, node, name, &len);
	ck_assert_msg(p != NULL, "no property %s", name);
	ck_assert_msg(len == 4 * n, "%s is %d bytes, want %d", name, len,
		      4 * n);
	for (i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i],
			      "%s cell %d is 0x%x, want 0x%x", name, i,
			      fdt32_to_cpu(p[i]), want[i]);
}

static const struct name_case {
	uint64_t base;
	const char *want;
} name_cases[] = {
	{ 0x4040000, "iommu@4040000" },
	{ 0, "iommu@0" },
	{ 0x800000000ull, "iommu@800000000" },
	{ 0xffffffffffffffffull, "iommu@ffffffffffffffff" },
};

START_TEST(test_name)
{
	struct viommu_params p = defaults;
	char buf[32];

	p.base = name_cases[_i].base;
	viommu_node_name(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, name_cases[_i].want);
}
END_TEST

/* The interrupt follows the GIC placeholder's #interrupt-cells (rule G1). */
static const struct gic_case {
	struct viommu_gic gic;
	uint32_t spi;
	int rc, n;
	uint32_t want[4];
} gic_cases[] = {
	{ { 0xfde8, 3, 0xa0 }, 33, 0, 3, { 0, 1, 0xf04 } },
	{ { 1, 3, 0xa0 }, 100, 0, 3, { 0, 68, 0xf04 } },
	{ { 2, 4, 0xa0 }, 33, 0, 4, { 0, 1, 2, 0xa0 } },
	{ { 2, 4, 0x10 }, 40, 0, 4, { 0, 8, 2, 0x10 } },
	{ { 1, 2, 0xa0 }, 33, -VDT_ERR_UNSUPPORTED, 0, { 0 } },
	{ { 1, 5, 0xa0 }, 33, -VDT_ERR_UNSUPPORTED, 0, { 0 } },
};

START_TEST(test_gic_forms)
{
	const struct gic_case *c = &gic_cases[_i];
	struct viommu_params p = defaults;
	uint32_t ph[1];
	void *fdt;
	int node;

	p.spi = c->spi;
	ck_assert_int_eq(sw_tree_gic(4096, 2, 2, &p, &c->gic, &fdt), c->rc);
	if (c->rc < 0)
		return;
	node = viommu_of(fdt);
	ph[0] = c->gic.phandle;
	assert_cells(fdt, node, "interrupt-parent", ph, 1);
	assert_cells(fdt, node, "interrupts", c->want, c->n);
	free(fdt);
}
END_TEST

START_TEST(test_node)
{
	static const char *const order[] = {
		"compatible", "reg", "#iommu-cells", "phandle",
		"interrupt-parent", "interrupts", "interrupt-names",
	};
	static const uint32_t reg[] = { 0, 0x4040000, 0, 0x40000 };
	static const uint32_t one[] = { 1 }, ph[] = { 0xfdea }, gic[] = { 0xfde8 };
	static const uint32_t irq[] = { 0, 1, 0xf04 };
	const char *s, *name;
	int node, off, i = 0, len;
	void *fdt;

	ck_assert_int_eq(sw_tree(4096, 2, 2, &defaults, &fdt), 0);
	node = viommu_of(fdt);
	ck_assert_str_eq(fdt_get_name(fdt, node, NULL), "iommu@4040000");
	/* It is one node, closed: the next node is its sibling. */
	ck_assert_str_eq(fdt_get_name(fdt, fdt_next_subnode(fdt, node), NULL),
			 "dev@1");
	ck_assert_int_eq(fdt_first_subnode(fdt, node), -FDT_ERR_NOTFOUND);
	fdt_for_each_property_offset(off, fdt, node) {
		fdt_getprop_by_offset(fdt, off, &name, NULL);
		ck_assert_int_lt(i, N(order));
		ck_assert_str_eq(name, order[i]);
		i++;
	}
	ck_assert_int_eq(i, N(order));
	s = fdt_getprop(fdt, node, "compatible", &len);
	ck_assert_int_eq(len, (int)sizeof("arm,smmu-v3"));
	ck_assert_str_eq(s, "arm,smmu-v3");
	assert_cells(fdt, node, "reg", reg, 4);
	assert_cells(fdt, node, "#iommu-cells", one, 1);
	assert_cells(fdt, node, "phandle", ph, 1);
	assert_cells(fdt, node, "interrupt-parent", gic, 1);
	assert_cells(fdt, node, "interrupts", irq, 3);
	s = fdt_getprop(fdt, node, "interrupt-names", &len);
	ck_assert_int_eq(len, (int)sizeof("combined"));
	ck_assert_str_eq(s, "combined");
	ck_assert_int_eq(fdt_node_offset_by_phandle(fdt, 0xfdea), node);
	free(fdt);
}
END_TEST

START_TEST(test_custom_params)
{
	static const uint32_t ph[] = { 0x123 }, reg[] = { 0x5000000, 0x1000 };
	static const uint32_t irq[] = { 0, 8, 0xf04 };
	struct viommu_params p = { 0x123, 0x5000000, 0x1000, 40 };
	void *fdt;
	int node;

	ck_assert_int_eq(sw_tree(4096, 1, 1, &p, &fdt), 0);
	node = viommu_of(fdt);
	ck_assert_str_eq(fdt_get_name(fdt, node, NULL), "iommu@5000000");
	assert_cells(fdt, node, "phandle", ph, 1);
	assert_cells(fdt, node, "reg", reg, 2);
	assert_cells(fdt, node, "interrupts", irq, 3);
	free(fdt);
}
END_TEST

static const struct reg_case {
	int ac, sc;
	uint64_t base, size;
	int n;
	uint32_t want[4];
} reg_cases[] = {
	{ 2, 2, 0x4040000, 0x40000, 4, { 0, 0x4040000, 0, 0x40000 } },
	{ 1, 1, 0x4040000, 0x40000, 2, { 0x4040000, 0x40000 } },
	{ 2, 1, 0x4040000, 0x40000, 3, { 0, 0x4040000, 0x40000 } },
	{ 1, 2, 0x4040000, 0x40000, 3, { 0x4040000, 0, 0x40000 } },
	{ 2, 2, 0x123456789ull, 0x100000000ull, 4, { 1, 0x23456789, 1, 0 } },
};

START_TEST(test_reg_cells)
{
	const struct reg_case *c = &reg_cases[_i];
	struct viommu_params p = defaults;
	void *fdt;

	p.base = c->base;
	p.size = c->size;
	ck_assert_int_eq(sw_tree(4096, c->ac, c->sc, &p, &fdt), 0);
	assert_cells(fdt, viommu_of(fdt), "reg", c->want, c->n);
	free(fdt);
}
END_TEST

static const struct irq_case {
	uint32_t spi, cell;
} irq_cases[] = {
	{ 33, 1 }, { 32, 0 }, { 100, 68 }, { 1019, 987 },
};

START_TEST(test_interrupts)
{
	struct viommu_params p = defaults;
	uint32_t want[3] = { 0, irq_cases[_i].cell, 0xf04 };
	void *fdt;

	p.spi = irq_cases[_i].spi;
	ck_assert_int_eq(sw_tree(4096, 2, 2, &p, &fdt), 0);
	assert_cells(fdt, viommu_of(fdt), "interrupts", want, 3);
	free(fdt);
}
END_TEST

/* Cell counts a reg cannot be written with are refused. */
START_TEST(test_bad_cells)
{
	void *fdt;

	ck_assert_int_lt(sw_tree(4096, 0, 2, &defaults, &fdt), 0);
	ck_assert_ptr_null(fdt);
	ck_assert_int_lt(sw_tree(4096, 2, 0, &defaults, &fdt), 0);
	ck_assert_ptr_null(fdt);
}
END_TEST

/* A blob larger than its size hint grows. */
START_TEST(test_nospace)
{
	void *fdt;

	ck_assert_int_eq(sw_tree(0, 2, 2, &defaults, &fdt), 0);
	ck_assert_ptr_nonnull(fdt);
	free(fdt);
}
END_TEST

Suite *viommu_node_suite(void)
{
	Suite *s = suite_create("viommu_node");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_name, 0, N(name_cases));
	tcase_add_test(tc, test_node);
	tcase_add_test(tc, test_custom_params);
	tcase_add_loop_test(tc, test_reg_cells, 0, N(reg_cases));
	tcase_add_loop_test(tc, test_interrupts, 0, N(irq_cases));
	tcase_add_loop_test(tc, test_gic_forms, 0, N(gic_cases));
	tcase_add_test(tc, test_bad_cells);
	tcase_add_test(tc, test_nospace);
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_TESTUTIL_H
#define VIOMMU_DTGEN_TESTUTIL_H

/* Helpers shared by the unit tests: blobs built from DTS text with dtc. */

#include <stddef.h>

#include <check.h>

/**
 * tu_dtb - compile DTS source text with dtc into a blob (free() it)
 * @dts: source text, without the "/dts-v1/;" line
 * @size: receives the blob's size
 *
 * Fails the running test if dtc fails.
 */
void *tu_dtb(const char *dts, size_t *size);

/**
 * tu_hang_blob - a partial DT blob whose first property claims a length of
 * -12 (0xfffffff4), on which libfdt 1.6.1's fdt_check_full() never
 * returns; free() it
 * @size: receives the blob's size
 */
void *tu_hang_blob(size_t *size);

/**
 * tu_table_suite - a suite of one table-driven test
 * @name: the suite's name
 * @test: the test, run once for each row index in [0, @rows)
 */
Suite *tu_table_suite(const char *name, const TTest *test, int rows);

Suite *allowlist_suite(void);
Suite *api_suite(void);
Suite *blob_suite(void);
Suite *diag_suite(void);
Suite *dtgen_suite(void);
Suite *dtgen_xen_suite(void);
Suite *dts_write_suite(void);
Suite *extract_suite(void);
Suite *fdt_out_suite(void);
Suite *hostdt_dom0_suite(void);
Suite *hostdt_addr_suite(void);
Suite *hostdt_irq_suite(void);
Suite *hostdt_query_suite(void);
Suite *idalloc_suite(void);
Suite *map_read_suite(void);
Suite *map_write_suite(void);
Suite *phandle_fix_suite(void);
Suite *span_suite(void);
Suite *sysfile_suite(void);
Suite *system_suite(void);
Suite *ibconfig_suite(void);
Suite *sha256_suite(void);
Suite *u64map_suite(void);
Suite *vbuf_suite(void);
Suite *viommu_node_suite(void);
Suite *xlcfg_suite(void);
Suite *xlkeys_suite(void);

#endif /* VIOMMU_DTGEN_TESTUTIL_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The unit test runner: every module's suite in one SRunner.  Tests fork
 * by default (CK_FORK=no runs them in-process, e.g. under valgrind).
 */
#include <stdlib.h>

#include "testutil.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		u64map_suite, vbuf_suite, diag_suite, blob_suite, fdt_out_suite,
		allowlist_suite, idalloc_suite,
		hostdt_query_suite, hostdt_addr_suite, hostdt_irq_suite,
		hostdt_dom0_suite,
		phandle_fix_suite, viommu_node_suite,
		map_read_suite,
		map_write_suite, dtgen_suite, dtgen_xen_suite,
		span_suite, dts_write_suite, api_suite, sha256_suite,
		extract_suite,
		system_suite, sysfile_suite, ibconfig_suite,
		xlcfg_suite, xlkeys_suite,
	};
	SRunner *sr = srunner_create(NULL);
	size_t i;
	int failed;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

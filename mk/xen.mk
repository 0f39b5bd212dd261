# SPDX-License-Identifier: BSD-2-Clause
# Xen's own code as consumer (issue 9): libxl's and the dom0less builder's
# partial-DT functions, extracted from Debian's Xen source at test time
# (downloaded once into $(BUILD)/xen-src/; never committed), run on the
# tool's outputs by $(BUILD)/tests/xen_partial (tests/consumers/xen/).
# Not in `make check` (it needs the network once); CI_EXTRA.

.PHONY: check-xen

check-xen: $(BIN)
	$(say) TEST xen
	$(Q)tests/consumers/xen.sh $(BUILD)

CI_EXTRA += check-xen

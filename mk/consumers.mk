# SPDX-License-Identifier: BSD-2-Clause
# Consumer tests (issue 5): the programs that read viommu-dtgen's output.
#   check-consumers-dtc     dtc reads every output back, no new warning
#   check-consumers-schema  dt-validate (Debian dt-schema) on the outputs
#   check-consumers-merge   the libxl/dom0less merge, checked by libxl_merge
#   check-linux             an arm64 Linux kernel boots a tool-made DTB
#                           under QEMU (not in `make check`; CI_EXTRA)

CONSUMERS_TOOL := $(BUILD)/tests/libxl_merge

$(CONSUMERS_TOOL): $(BUILD)/tests/consumers/libxl_merge.o
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS)

.PHONY: check-consumers-dtc check-consumers-schema check-consumers-merge check-linux

check-consumers-dtc: $(BIN) $(TOOLS)
	$(say) TEST consumers-dtc
	$(Q)tests/consumers/dtc.sh $(BUILD)

check-consumers-schema: $(BIN) $(TOOLS) $(CONSUMERS_TOOL)
	$(say) TEST consumers-schema
	$(Q)tests/consumers/schema.sh $(BUILD)

check-consumers-merge: $(BIN) $(TOOLS) $(CONSUMERS_TOOL)
	$(say) TEST consumers-merge
	$(Q)tests/consumers/merge.sh $(BUILD)

check-linux: $(BIN) $(CONSUMERS_TOOL)
	$(say) TEST linux
	$(Q)tests/consumers/linux.sh $(BUILD)

CHECKS += check-consumers-dtc check-consumers-schema check-consumers-merge
CI_EXTRA += check-linux

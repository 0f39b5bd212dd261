# SPDX-License-Identifier: BSD-2-Clause
# The partial DT generated from host paths (src/extract.c): a test-only
# driver, $(BUILD)/tests/extract_drv (tests/tools/extract_drv.c, not
# installed), which make check-xen runs on real boards' DTBs.

EXTRACT_DRV := $(BUILD)/tests/extract_drv

$(EXTRACT_DRV): $(BUILD)/tests/tools/extract_drv.o $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS) $(YAML_LIBS)

check-xen: $(EXTRACT_DRV)

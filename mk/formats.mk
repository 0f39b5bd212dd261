# SPDX-License-Identifier: BSD-2-Clause
# Map formats (issue 3 part 3): every format through the tool, and the
# viommu-map(5) manual.
#
#   check-formats   tests/formats.sh: dumps, C header, schema, --lock wiring (in CHECKS)
#   lint-formats    mandoc -Tlint on man/viommu-map.5 (in LINTS)

.PHONY: check-formats lint-formats

check-formats: $(BIN)
	$(say) TEST formats
	$(Q)tests/formats.sh $(BUILD)

lint-formats:
	$(say) LINT man/viommu-map.5
	$(Q)out=$$(mandoc -Tlint -Wwarning man/viommu-map.5); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

CHECKS += check-formats
LINTS += lint-formats

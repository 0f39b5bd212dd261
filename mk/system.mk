# SPDX-License-Identifier: BSD-2-Clause
# System mode (issue 14): a whole dom0less system in one run.
#
#   check-system          tests/system.sh: tests/fixtures/system/ (every
#                         cross-guest rule, ImageBuilder configs, all or
#                         nothing under injected faults, usage) (in CHECKS)
#   check-system-boards   tests/system-boards.sh: ZCU102 (Debian's DTB, the
#                         corpus download) and R-Car H3 (../shared) two-guest
#                         systems, from partials and from host paths (in CHECKS;
#                         under `make check` after check-corpus, which fetches
#                         the DTBs)

.PHONY: check-system check-system-boards

check-system: $(BIN) $(BUILD)/tests/hostile/killat.so
	$(say) TEST system
	$(Q)tests/system.sh $(BUILD)

check-system-boards: $(BIN) | $(if $(filter check,$(MAKECMDGOALS)),check-corpus)
	$(say) TEST system-boards
	$(Q)tests/system-boards.sh $(BUILD)

CHECKS += check-system check-system-boards

# SPDX-License-Identifier: BSD-2-Clause
# --lock against an independent model (issue "Hostile inputs and careless
# hands, second round", item 2): tests/lockdiff.py makes 1000 random
# scenarios (fixed seed), runs the tool twice on each, the second time with
# --lock, and checks every outcome with its own restatement of the rules.
#
#   check-lockdiff   tests/lockdiff.py (in CHECKS); LOCKDIFF_ARGS="--scenarios N"

.PHONY: check-lockdiff

LOCKDIFF_ARGS ?=

check-lockdiff: $(BIN)
	$(say) TEST lockdiff
	$(Q)python3 tests/lockdiff.py $(BUILD) $(LOCKDIFF_ARGS)

CHECKS += check-lockdiff

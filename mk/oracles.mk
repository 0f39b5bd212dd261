# SPDX-License-Identifier: BSD-2-Clause
# Independent oracles (tests/consumers/oracles.sh): the vSID allocation of
# Xen's vSMMUv3 series (v3) replayed on every vsmmuv3-v3 output, and
# Zephyr edtlib's phandle, interrupts and reference rules on every DTS.
#
#   check-oracles   tests/consumers/oracles.sh (in CHECKS)

.PHONY: check-oracles

check-oracles: $(BIN)
	$(say) TEST oracles
	$(Q)tests/consumers/oracles.sh $(BUILD)

CHECKS += check-oracles

# SPDX-License-Identifier: BSD-2-Clause
# --xl-config read back by xl's own parser (issue 13): tests/consumers/xl.sh
# builds tests/consumers/xl_parse.c against the installed libxlutil
# (scripts/deps.d/xl.list: libxen-dev, installed here when run as root)
# and checks every config the tool updates; skipped with a message
# without libxlutil's header.

.PHONY: check-xl

check-xl: $(BIN) $(TOOLS)
	$(Q)if [ "$(INSTALL_DEPS)" = 1 ]; then \
		scripts/install-deps --check-or-install xl >/dev/null 2>&1 || true; fi
	$(say) TEST xl
	$(Q)tests/consumers/xl.sh $(BUILD)

CHECKS += check-xl

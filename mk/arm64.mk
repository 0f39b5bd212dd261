# SPDX-License-Identifier: BSD-2-Clause
# arm64: the tool and the libraries cross-built with Debian's cross
# toolchain, and the tool tested under qemu-aarch64 (CI_EXTRA).
#
#   check-arm64   Debian's arm64 libfdt and libyaml (libfdt-dev, libfdt1,
#                 libyaml-dev, libyaml-0-2) downloaded once with apt-get
#                 download and unpacked with dpkg -x into
#                 build-arm64/sysroot (nothing installed or replaced: Debian
#                 12's libfdt-dev is not Multi-Arch: same); `make
#                 CROSS_COMPILE=aarch64-linux-gnu-` against it into
#                 build-arm64/obj, with check-symbols; then tests/e2e.sh
#                 and tests/corpus.sh on build-arm64/, whose viommu-dtgen
#                 runs the arm64 binary under qemu-aarch64 (the corpus
#                 checkers, build-arm64/tests/, are this machine's).  Under
#                 emulation the corpus takes every ARM64_CORPUS_EVERY-th
#                 (default 8; 1: all) of the Debian kernel's DTBs that a
#                 native corpus run fetched (build*/hostdtb/dtbs), plus
#                 ../shared's trees.
#                 Prints one SKIP line and succeeds when the toolchain or
#                 the arm64 packages cannot be had.
#
# Any other cross build works the same way by hand, e.g.
#   make BUILD=build-arm64/obj CROSS_COMPILE=aarch64-linux-gnu- \
#       CPPFLAGS=-I$SYSROOT/usr/include \
#       LDFLAGS="-L$SYSROOT/usr/lib/aarch64-linux-gnu -Wl,-rpath-link,$SYSROOT/usr/lib/aarch64-linux-gnu"

.PHONY: check-arm64

ARM64_CORPUS_EVERY ?= 8

ARM64_DIR := build-arm64
ARM64_TRIPLET := aarch64-linux-gnu
ARM64_DEBS := libfdt-dev libfdt1 libyaml-dev libyaml-0-2
# Absolute paths: the sub-make, the tests and qemu run elsewhere.
ARM64_ABS = $(abspath $(ARM64_DIR))
ARM64_SYSROOT = $(ARM64_ABS)/sysroot
ARM64_LIBDIR = $(ARM64_SYSROOT)/usr/lib/$(ARM64_TRIPLET)
# The C library and its loader from libc6-arm64-cross (-L), libfdt and
# libyaml from the sysroot (the arm64 loader's LD_LIBRARY_PATH).
ARM64_RUN_ARGS = -L /usr/$(ARM64_TRIPLET) -E LD_LIBRARY_PATH=$(ARM64_LIBDIR)
ARM64_RUN = qemu-aarch64 $(ARM64_RUN_ARGS)
ARM64_MAKE = $(MAKE) --no-print-directory BUILD=$(ARM64_DIR)/obj SANITIZE= \
	CROSS_COMPILE=$(ARM64_TRIPLET)- \
	CPPFLAGS='-I$(ARM64_SYSROOT)/usr/include' \
	LDFLAGS='-L$(ARM64_LIBDIR) -Wl,-rpath-link,$(ARM64_LIBDIR)' \
	PKG_CONFIG='env PKG_CONFIG_LIBDIR=$(ARM64_LIBDIR)/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(ARM64_SYSROOT) pkg-config' \
	CROSS_RUN='$(ARM64_RUN)'

check-arm64: $(TOOLS)
	$(say) TEST arm64
	$(Q)start=$$(date +%s); mkdir -p $(ARM64_DIR); \
	if ! scripts/install-deps --check-or-install arm64 >$(ARM64_DIR)/deps.log 2>&1; then \
		echo "SKIP check-arm64: $$(grep -m 1 'missing' $(ARM64_DIR)/deps.log)"; exit 0; fi; \
	fetch() { \
		command -v apt-get >/dev/null 2>&1 || { echo "no apt-get here"; return 1; }; \
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
			[ "$$(id -u)" = 0 ] || { echo "arm64 is no dpkg architecture here, and adding it needs root"; return 1; }; \
			dpkg --add-architecture arm64 || { echo "dpkg --add-architecture arm64 failed"; return 1; }; \
		fi; \
		rm -rf "$(ARM64_ABS)/deb" "$(ARM64_SYSROOT)" && mkdir -p "$(ARM64_ABS)/deb" || return 1; \
		get() { (cd "$(ARM64_ABS)/deb" && apt-get download -q $(ARM64_DEBS:%=%:arm64)) >"$(ARM64_ABS)/download.log" 2>&1; }; \
		if ! get; then \
			[ "$$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 && get || { \
				echo "apt-get download $(ARM64_DEBS:%=%:arm64) failed: $$(tail -n 1 "$(ARM64_ABS)/download.log")"; return 1; }; \
		fi; \
		for f in "$(ARM64_ABS)"/deb/*.deb; do dpkg-deb -x "$$f" "$(ARM64_SYSROOT)" || return 1; done; \
		ls "$(ARM64_ABS)"/deb >"$(ARM64_SYSROOT)/.packages" && rm -rf "$(ARM64_ABS)/deb"; \
	}; \
	if [ ! -f "$(ARM64_SYSROOT)/.packages" ]; then \
		why=$$(fetch) || { echo "SKIP check-arm64: $$why"; exit 0; }; fi; \
	echo "sysroot: $$(tr '\n' ' ' <"$(ARM64_SYSROOT)/.packages")"; \
	$(ARM64_MAKE) all check-symbols || exit 1; \
	file=$$($(ARM64_TRIPLET)-readelf -h $(ARM64_DIR)/obj/viommu-dtgen | sed -n 's/^ *Machine: *//p'); \
	[ "$$file" = AArch64 ] || { echo "FAIL $(ARM64_DIR)/obj/viommu-dtgen is for '$$file', not AArch64"; exit 1; }; \
	printf '#!/bin/sh\n# made by make check-arm64: the arm64 viommu-dtgen under qemu-aarch64\nexec %s %s %s "$$@"\n' \
		"$$(command -v qemu-aarch64)" "$(ARM64_RUN_ARGS)" "$(ARM64_ABS)/obj/viommu-dtgen" \
		>$(ARM64_DIR)/viommu-dtgen && \
		chmod +x $(ARM64_DIR)/viommu-dtgen && mkdir -p $(ARM64_DIR)/tests && \
		for f in $(TOOL_NAMES); do ln -sf "$(abspath $(BUILD))/tests/$$f" $(ARM64_DIR)/tests/$$f; done; \
	v=$$($(ARM64_DIR)/viommu-dtgen --version 2>&1 | head -n 1); \
	echo "ok $(ARM64_DIR)/obj/viommu-dtgen: AArch64, runs under qemu-aarch64 ($$v)"; \
	rc=0; t0=$$(date +%s); \
	tests/e2e.sh $(ARM64_DIR) >$(ARM64_DIR)/e2e.log 2>&1 || rc=1; \
	echo "e2e (arm64): $$(tail -n 1 $(ARM64_DIR)/e2e.log) ($$(( $$(date +%s) - t0 )) s)"; \
	[ $$rc = 0 ] || grep -E '^FAIL' $(ARM64_DIR)/e2e.log | head -n 20; \
	sample=$(ARM64_ABS)/corpus-sample; rm -rf "$$sample"; mkdir -p "$$sample"; \
	for c in $(BUILD) build-san build $(ARM64_DIR); do \
		[ -d "$$c/hostdtb/dtbs" ] && { dtbs=$$(cd "$$c/hostdtb/dtbs" && pwd); break; }; \
	done; \
	if [ -n "$${dtbs:-}" ]; then \
		(cd "$$dtbs" && find . -name '*.dtb' | sort | awk 'NR % $(ARM64_CORPUS_EVERY) == 1 || $(ARM64_CORPUS_EVERY) == 1') | \
		while read -r f; do \
			mkdir -p "$$sample/$$(dirname "$$f")" && ln -s "$$dtbs/$$f" "$$sample/$$f"; \
		done; \
		echo "corpus (arm64): $$(find "$$sample" -name '*.dtb' | wc -l) of the $$(find "$$dtbs" -name '*.dtb' | wc -l) DTBs of $$dtbs"; \
	else echo "corpus (arm64): no Debian kernel DTBs fetched yet (make check-corpus does): ../shared's trees only"; fi; \
	t0=$$(date +%s); \
	CORPUS_DTBS=$$sample tests/corpus.sh $(ARM64_DIR) >$(ARM64_DIR)/corpus.log 2>&1 || rc=1; \
	echo "corpus (arm64): $$(tail -n 1 $(ARM64_DIR)/corpus.log) ($$(( $$(date +%s) - t0 )) s)"; \
	[ $$rc = 0 ] || grep -E '^FAIL' $(ARM64_DIR)/corpus.log | head -n 20; \
	echo "check-arm64: $$(( $$(date +%s) - start )) s"; exit $$rc

CI_EXTRA += check-arm64

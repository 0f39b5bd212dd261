# SPDX-License-Identifier: BSD-2-Clause
# The library as others take it: its exported symbols, `make install`, the
# Debian packages (debian/), and viommu-dtgen(3).
#
#   check-symbols  the .so exports exactly the functions of
#                  include/viommu-dtgen.h (and src/libviommu-dtgen.map
#                  lists them), the .a defines no other global name, and a
#                  program defining the library's internal names links
#                  with the .a (in CHECKS)
#   check-install  make install into a scratch DESTDIR, examples/embed.c
#                  built against the installed header and .pc (shared and
#                  static) and run, the header compiled as C++, make
#                  uninstall leaves no file (in CHECKS)
#   lint-man3      mandoc -Tlint on man/viommu-dtgen.3 (in LINTS)
#   check-deb      dpkg-buildpackage of a copy of the tree in a scratch
#                  directory, lintian (no error), the packages installed,
#                  the installed tool and library used, the packages
#                  removed; needs root (CI_EXTRA); the .debs are kept in
#                  $(BUILD)/deb/

.PHONY: check-symbols check-install lint-man3 check-deb

# How to run a program built for the target (mk/arm64.mk sets it for
# CROSS_COMPILE builds); empty: run it here.
CROSS_RUN ?=

# The version node of src/libviommu-dtgen.map (nm -D lists it as a symbol).
API_NODE := $(shell sed -n 's/^\(VIOMMU_DTGEN_[0-9.]*\) *{.*/\1/p' $(LIB_MAP) | tail -n 1)

check-symbols: $(SHLIB) $(STATIC_LIB) $(LIB)
	$(say) TEST symbols
	$(Q)t=$$(mktemp -d) && trap 'rm -rf "$$t"' EXIT && passed=0 && failed=0; \
	ok() { echo "ok $$1"; passed=$$((passed + 1)); }; \
	bad() { echo "FAIL $$1"; [ -z "$${2:-}" ] || sed 's/^/    /' "$$2"; failed=$$((failed + 1)); }; \
	same() { if diff -u "$$t/header" "$$t/$$1" >"$$t/diff"; then ok "$$2"; else bad "$$2" "$$t/diff"; fi; }; \
	$(CC) -E -P -x c include/viommu-dtgen.h | \
		grep -oE '\bvdt_[A-Za-z0-9_]+[[:space:]]*\(' | tr -d ' \t(' | sort -u >"$$t/header"; \
	sed -n '/global:/,/local:/s/^[[:space:]]*\(vdt_[A-Za-z0-9_]*\);.*/\1/p' $(LIB_MAP) | sort >"$$t/map"; \
	$(NM) -D --defined-only $(SHLIB) | awk '{ print $$NF }' | sed 's/@.*//' | \
		sed '/^$(API_NODE)$$/d' | sort >"$$t/so"; \
	$(NM) -g --defined-only $(STATIC_LIB) | awk 'NF >= 3 { print $$NF }' | sort >"$$t/a"; \
	n=$$(wc -l <"$$t/header"); \
	if [ "$$n" -gt 0 ]; then ok "include/viommu-dtgen.h declares $$n functions"; \
	else bad "include/viommu-dtgen.h: no vdt_ function found"; fi; \
	same map "$(LIB_MAP) lists exactly the header's functions"; \
	same so "$(notdir $(SHLIB)) exports exactly the header's functions"; \
	if $(NM) -D --defined-only $(SHLIB) | grep -q '@@$(API_NODE)$$'; then \
		ok "$(notdir $(SHLIB)) versions them $(API_NODE)"; \
	else bad "$(notdir $(SHLIB)): no symbol of version $(API_NODE)"; fi; \
	same a "$(notdir $(STATIC_LIB)) defines exactly the header's functions as globals"; \
	$(NM) -g --defined-only $(LIB) | awk 'NF >= 3 && $$2 == "T" { print $$NF }' | \
		grep -v '^vdt_' >"$$t/all-internal"; \
	{ grep -x -e map_read -e blob_check -e make_viommu_node "$$t/all-internal"; \
	  head -n 2 "$$t/all-internal"; } | sort -u >"$$t/internal"; \
	if [ -s "$$t/internal" ]; then \
		ok "teeth: the internal archive shows internal globals ($$(tr '\n' ' ' <"$$t/internal" | sed 's/ $$//')), the same nm sees them"; \
	else bad "teeth: no internal global name found in $(LIB)"; fi; \
	{ while read -r s; do echo "int $$s(void); int $$s(void) { return 0; }"; done <"$$t/internal"; \
	  echo '#include <stdio.h>'; echo '#include <viommu-dtgen.h>'; \
	  echo 'int main(void) { return puts(vdt_version()) < 0; }'; } >"$$t/clash.c"; \
	if $(CC) -Iinclude "$$t/clash.c" $(ALL_LDFLAGS) $(STATIC_LIB) $(FDT_LIBS) $(YAML_LIBS) \
			-o "$$t/clash" >"$$t/clash.log" 2>&1 && \
		[ "$$($(CROSS_RUN) "$$t/clash")" = "$(VERSION)" ]; then \
		ok "a program defining those names links with $(notdir $(STATIC_LIB)) and runs"; \
	else bad "a program defining internal names does not link with $(notdir $(STATIC_LIB))" "$$t/clash.log"; fi; \
	echo "$$passed passed, $$failed failed"; [ "$$failed" = 0 ]

CHECKS += check-symbols

# The installed layout (PREFIX, LIBDIR, ...), in a scratch DESTDIR.
check-install: all
	$(say) TEST install
	$(Q)t=$$(mktemp -d) && trap 'rm -rf "$$t"' EXIT && passed=0 && failed=0; \
	ok() { echo "ok $$1"; passed=$$((passed + 1)); }; \
	bad() { echo "FAIL $$1"; [ -z "$${2:-}" ] || head -n 20 "$$2" | sed 's/^/    /'; failed=$$((failed + 1)); }; \
	d=$$t/root; libdir=$$d$(LIBDIR); \
	if $(MAKE) --no-print-directory install DESTDIR="$$d" >"$$t/install.log" 2>&1; then \
		ok "make install DESTDIR=... ($$(find "$$d" -type f | wc -l) files, $$(find "$$d" -type l | wc -l) symbolic links)"; \
	else bad "make install" "$$t/install.log"; fi; \
	for f in $(BINDIR)/viommu-dtgen $(LIBDIR)/$(SHLIB_NAME) $(LIBDIR)/$(SONAME) \
		$(LIBDIR)/libviommu-dtgen.so $(LIBDIR)/libviommu-dtgen.a \
		$(INCLUDEDIR)/viommu-dtgen.h $(PKGCONFIGDIR)/viommu-dtgen.pc \
		$(MANDIR)/man1/viommu-dtgen.1 $(MANDIR)/man3/viommu-dtgen.3 \
		$(MANDIR)/man5/viommu-map.5; do \
		[ -e "$$d$$f" ] || bad "not installed: $$f"; \
	done; \
	[ "$$(readlink "$$libdir/$(SONAME)")" = $(SHLIB_NAME) ] && \
		[ "$$(readlink "$$libdir/libviommu-dtgen.so")" = $(SONAME) ] && \
		ok "$(SONAME) -> $(SHLIB_NAME), libviommu-dtgen.so -> $(SONAME)" || \
		bad "the library's symbolic links"; \
	dtc -q -I dts -O dtb -o "$$t/board.dtb" examples/board.dts && \
		dtc -q -I dts -O dtb -o "$$t/guest.dtb" examples/guest.dts || bad "dtc examples/*.dts"; \
	cp examples/embed.c "$$t/embed.c"; \
	pc() { PKG_CONFIG_PATH="$$d$(PKGCONFIGDIR)" PKG_CONFIG_SYSROOT_DIR="$$d" $(PKG_CONFIG) "$$@"; }; \
	cflags=$$(pc --cflags viommu-dtgen) && libs=$$(pc --libs viommu-dtgen) && \
		slibs=$$(pc --static --libs-only-l viommu-dtgen) && \
		[ "$$(pc --modversion viommu-dtgen)" = $(VERSION) ] && \
		ok "pkg-config: $$(echo $$cflags $$libs | sed "s|$$d|DESTDIR|g"); static: $$(echo $$slibs)" || \
		bad "pkg-config viommu-dtgen"; \
	if $(CC) $(SAN_FLAGS) -std=c11 -Wall -Wextra -pedantic $(if $(filter 1,$(WERROR)),-Werror) \
			$$cflags "$$t/embed.c" -o "$$t/embed" $$libs >"$$t/cc.log" 2>&1 && \
		LD_LIBRARY_PATH=$$libdir "$$t/embed" "$$t/board.dtb" "$$t/guest.dtb" 3 >"$$t/out" 2>&1 && \
		grep -q '^3 guests built, 0 failed$$' "$$t/out" && \
		LD_LIBRARY_PATH=$$libdir ldd "$$t/embed" | grep -q "$(SONAME) => $$libdir/$(SONAME)"; then \
		ok "examples/embed.c built with the installed header and $(SONAME), 3 guests"; \
	else cat "$$t/out" >>"$$t/cc.log" 2>/dev/null; bad "examples/embed.c with the installed library" "$$t/cc.log"; fi; \
	if $(CC) $(SAN_FLAGS) $$cflags "$$t/embed.c" -o "$$t/embed.static" "$$libdir/libviommu-dtgen.a" \
			$$(echo "$$slibs" | sed 's/-lviommu-dtgen//') >"$$t/cc.log" 2>&1 && \
		! readelf -d "$$t/embed.static" | grep -q 'NEEDED.*viommu' && \
		"$$t/embed.static" "$$t/board.dtb" "$$t/guest.dtb" 3 >"$$t/out.static" 2>&1 && \
		cmp -s "$$t/out" "$$t/out.static"; then \
		ok "examples/embed.c linked with the installed libviommu-dtgen.a: the same output"; \
	else bad "examples/embed.c with libviommu-dtgen.a" "$$t/cc.log"; fi; \
	if command -v $(CXX) >/dev/null 2>&1; then \
		if echo '#include <viommu-dtgen.h>' | $(CXX) -x c++ -std=c++11 -Wall -Wextra -pedantic \
				-fsyntax-only $$cflags - >"$$t/cxx.log" 2>&1 && \
			$(CXX) -x c++ -Wall -Wextra -fsyntax-only $$cflags "$$t/embed.c" >>"$$t/cxx.log" 2>&1; then \
			ok "the installed header and examples/embed.c compile as C++"; \
		else bad "C++" "$$t/cxx.log"; fi; \
	else echo "note: no C++ compiler ($(CXX)): the C++ compile is left out"; fi; \
	if $(MAKE) --no-print-directory uninstall DESTDIR="$$d" >"$$t/uninstall.log" 2>&1 && \
		find "$$d" ! -type d >"$$t/left" && [ ! -s "$$t/left" ]; then \
		ok "make uninstall leaves no file"; \
	else bad "make uninstall left files" "$$t/left"; fi; \
	echo "$$passed passed, $$failed failed"; [ "$$failed" = 0 ]

CHECKS += check-install

lint-man3:
	$(say) LINT man/viommu-dtgen.3
	$(Q)out=$$(mandoc -Tlint -Wwarning man/viommu-dtgen.3); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

LINTS += lint-man3

# ---- the Debian packages ----------------------------------------------------

DEB_PACKAGES := viommu-dtgen libviommu-dtgen0 libviommu-dtgen-dev
DEB_OUT := $(BUILD)/deb

check-deb: $(BIN)
	$(say) TEST deb
	$(Q)if [ "$$(id -u)" != 0 ]; then \
		echo "SKIP check-deb: installing the packages needs root"; exit 0; fi; \
	for p in $(DEB_PACKAGES); do \
		if [ "$$(dpkg-query -W -f '$${db:Status-Status}' $$p 2>/dev/null)" = installed ]; then \
			echo "SKIP check-deb: $$p is installed already; remove it first"; exit 0; fi; \
	done; \
	scripts/install-deps --check-or-install package build unit || exit 1; \
	start=$$(date +%s); here=$$(pwd); \
	t=$$(mktemp -d) && passed=0 && failed=0 && \
	trap 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $(DEB_PACKAGES) >/dev/null 2>&1; rm -rf "$$t"' EXIT; \
	ok() { echo "ok $$1"; passed=$$((passed + 1)); }; \
	bad() { echo "FAIL $$1"; [ -z "$${2:-}" ] || tail -n 30 "$$2" | sed 's/^/    /'; failed=$$((failed + 1)); }; \
	src=$$t/viommu-dtgen-$(VERSION); mkdir -p "$$src"; \
	if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$$src"; \
	else \
		tar --exclude=./.git --exclude='./build*' -cf - . | tar -xf - -C "$$src"; \
	fi; \
	if (cd "$$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
			DEB_BUILD_OPTIONS="noddebs $${DEB_BUILD_OPTIONS:-}" \
			dpkg-buildpackage -us -uc -b) >"$$t/build.log" 2>&1; then \
		ok "dpkg-buildpackage -us -uc -b: $$(cd "$$t" && echo *.deb)"; \
	else bad "dpkg-buildpackage" "$$t/build.log"; echo "$$passed passed, $$failed failed"; exit 1; fi; \
	rm -rf "$(DEB_OUT)" && mkdir -p "$(DEB_OUT)" && cp "$$t"/*.deb "$(DEB_OUT)/"; \
	lintian --no-tag-display-limit -I "$$t"/*.changes >"$$t/lintian.log" 2>&1; \
	e=$$(grep -c '^E: ' "$$t/lintian.log"); w=$$(grep -c '^W: ' "$$t/lintian.log"); \
	i=$$(grep -c '^I: ' "$$t/lintian.log"); \
	if [ "$$e" = 0 ]; then ok "lintian: no error, $$w warnings, $$i notes"; \
	else bad "lintian: $$e errors" "$$t/lintian.log"; fi; \
	grep -E '^(E|W|I): ' "$$t/lintian.log" | sed 's/^/    /'; \
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$(foreach p,$(DEB_PACKAGES),"$$t"/$(p)_*.deb) >"$$t/apt.log" 2>&1; then \
		ok "apt-get install: $$(dpkg-query -W -f '$${Package} $${Version}, ' $(DEB_PACKAGES) | sed 's/, $$//')"; \
	else bad "apt-get install ./*.deb" "$$t/apt.log"; echo "$$passed passed, $$failed failed"; exit 1; fi; \
	mkdir "$$t/use" && cp examples/embed.c examples/board.dts examples/guest.dts "$$t/use/" && cd "$$t/use" || exit 1; \
	if /usr/bin/viommu-dtgen --host board.dts --partial guest.dts -o out.dtb --map map.yaml >run.log 2>&1 && \
		"$$here/$(BIN)" --host board.dts --partial guest.dts -o ref.dtb --map ref.yaml >>run.log 2>&1 && \
		cmp -s out.dtb ref.dtb && cmp -s map.yaml ref.yaml; then \
		ok "the installed viommu-dtgen on examples/: the tree's outputs, byte for byte"; \
	else bad "the installed viommu-dtgen on examples/" run.log; fi; \
	ls /usr/share/man/man1/viommu-dtgen.1.gz /usr/share/man/man3/viommu-dtgen.3.gz /usr/share/man/man3/vdt_run.3.gz \
		/usr/share/man/man5/viommu-map.5.gz >man.log 2>&1 && \
		ok "man pages: viommu-dtgen(1), viommu-dtgen(3) (and vdt_run(3), ...), viommu-map(5)" || bad "man pages" man.log; \
	dtc -q -O dtb -o board.dtb board.dts && dtc -q -O dtb -o guest.dtb guest.dts; \
	if cc -std=c11 -Wall -Wextra -pedantic embed.c -o embed $$(pkg-config --cflags --libs viommu-dtgen) >cc.log 2>&1 && \
		./embed board.dtb guest.dtb 3 >out 2>&1 && grep -q '^3 guests built, 0 failed$$' out && \
		ldd embed | grep -Eq '$(SONAME) => /(usr/)?lib/'; then \
		ok "embed.c, cc \$$(pkg-config --cflags --libs viommu-dtgen): $$(ldd embed | sed -n 's/.*$(SONAME) => \([^ ]*\).*/\1/p'), 3 guests"; \
	else cat out >>cc.log 2>/dev/null; bad "embed.c against the installed packages" cc.log; fi; \
	libdir=$$(pkg-config --variable=libdir viommu-dtgen); \
	if cc embed.c -o embed.static $$(pkg-config --cflags viommu-dtgen) "$$libdir/libviommu-dtgen.a" \
			$$(pkg-config --static --libs-only-l viommu-dtgen | sed 's/-lviommu-dtgen//') >cc.log 2>&1 && \
		./embed.static board.dtb guest.dtb 3 >out.static 2>&1 && cmp -s out out.static; then \
		ok "embed.c with the installed libviommu-dtgen.a: the same output"; \
	else bad "embed.c with the installed libviommu-dtgen.a" cc.log; fi; \
	if echo '#include <viommu-dtgen.h>' | g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -fsyntax-only - >cxx.log 2>&1 && \
		g++ -x c++ -Wall -Wextra embed.c -o embed.cxx $$(pkg-config --cflags --libs viommu-dtgen) >>cxx.log 2>&1 && \
		./embed.cxx board.dtb guest.dtb 3 >out.cxx 2>&1 && cmp -s out out.cxx; then \
		ok "the installed header as C++; embed.c built as C++ runs the same"; \
	else bad "C++ against the installed header" cxx.log; fi; \
	cd "$$here"; \
	if DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $(DEB_PACKAGES) >"$$t/apt.log" 2>&1 && \
		[ ! -e /usr/bin/viommu-dtgen ] && ! pkg-config --exists viommu-dtgen; then \
		ok "apt-get purge: the packages are gone"; \
	else bad "apt-get purge" "$$t/apt.log"; fi; \
	echo "$$passed passed, $$failed failed ($$(( $$(date +%s) - start )) s)"; [ "$$failed" = 0 ]

CI_EXTRA += check-deb

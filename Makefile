# SPDX-License-Identifier: BSD-2-Clause
# viommu-dtgen: plain Makefile, built the way a Debian-packaged C library is.
#
#   make                  the tool, libviommu-dtgen.so.* and libviommu-dtgen.a
#   make install          PREFIX (/usr/local), DESTDIR, BINDIR, LIBDIR,
#                         INCLUDEDIR, MANDIR; `make uninstall` undoes it
#   make V=1              show the commands
#   make WERROR=1         warnings are errors (CI)
#   make SANITIZE=1 check build into build-san/ with ASan and UBSan
#   make CROSS_COMPILE=aarch64-linux-gnu-   cross-compile (mk/arm64.mk)
#
# CC, CFLAGS, CPPFLAGS, LDFLAGS, PKG_CONFIG, AR, LD, OBJCOPY and NM are
# honoured.  A plain build needs a C compiler, pkg-config, libfdt-dev and
# libyaml-dev, and only checks for them; the test, lint and demo targets
# install what they need (scripts/install-deps) when run as root.

VERSION := 0.2.0
SOVERSION := 0

# make's defaults (cc, ar, ld) become $(CROSS_COMPILE)gcc, ...ar, ...ld
# under CROSS_COMPILE; values given on the command line or in the
# environment are kept.
ifneq ($(CROSS_COMPILE),)
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
ifeq ($(origin LD),default)
LD := $(CROSS_COMPILE)ld
endif
ifeq ($(origin CXX),default)
CXX := $(CROSS_COMPILE)g++
endif
endif
OBJCOPY ?= $(CROSS_COMPILE)objcopy
NM ?= $(CROSS_COMPILE)nm
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS :=
endif

# libfdt ships no pkg-config file on Debian: fall back to -lfdt.
FDT_CFLAGS := $(shell $(PKG_CONFIG) --cflags libfdt 2>/dev/null)
FDT_LIBS := $(shell $(PKG_CONFIG) --libs libfdt 2>/dev/null || echo -lfdt)
YAML_CFLAGS := $(shell $(PKG_CONFIG) --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)
# Asked for when a unit test is built, after scripts/install-deps may have
# installed Check (once, then remembered).
CHECK_CFLAGS = $(eval CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null))$(CHECK_CFLAGS)
CHECK_LIBS = $(eval CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck))$(CHECK_LIBS)

WARN := -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -D_POSIX_C_SOURCE=200809L
ALL_CFLAGS := $(WARN) -Iinclude -Isrc $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) $(FDT_CFLAGS) $(YAML_CFLAGS)
ALL_LDFLAGS := $(CFLAGS) $(LDFLAGS) $(SAN_FLAGS)
# The library's objects serve the shared library, the static one (which
# libxl's own shared library may take in) and the tool: position
# independent, and nothing but the API (VDT_EXPORT, src/export.h) visible.
LIB_VISIBILITY ?= -fvisibility=hidden
LIB_CFLAGS := -fPIC $(LIB_VISIBILITY)

ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-7s %s\n'
endif

LIB_SRCS := src/allowlist.c src/api.c src/sha256.c src/blob.c src/diag.c src/dtgen.c src/dtgen_lock.c src/dtgen_util.c src/dtgen_write.c src/dtgen_xen.c \
	src/dts_write.c src/extract.c src/fdt_out.c src/hostdt_addr.c src/hostdt_dom0.c src/hostdt_irq.c src/hostdt_query.c src/idalloc.c \
	src/map_read.c src/map_write.c src/phandle_fix.c src/span.c src/u64map.c src/vbuf.c \
	src/viommu_node.c src/vmap.c src/system.c src/sysfile.c src/ibconfig.c \
	src/xlcfg.c src/xlkeys.c
CLI_SRCS := src/viommu-dtgen.c src/fileio.c src/cli_system.c
TEST_SRCS := $(sort $(wildcard tests/check_*.c)) tests/testutil.c
TOOL_NAMES := mkpartial corpus_verify
HDRS := $(wildcard src/*.h include/*.h)

# LIB: the library's objects in one archive, every internal name visible,
# for the tool, the unit tests and the fuzz replays.  The installed
# libraries are SHLIB (the API only, by the version script) and STATIC_LIB
# (one object whose internal names are made local).
LIB := $(BUILD)/internal/libviommu-dtgen-internal.a
SONAME := libviommu-dtgen.so.$(SOVERSION)
SHLIB_NAME := libviommu-dtgen.so.$(VERSION)
SHLIB := $(BUILD)/$(SHLIB_NAME)
SHLIB_LINKS := $(BUILD)/$(SONAME) $(BUILD)/libviommu-dtgen.so
STATIC_LIB := $(BUILD)/libviommu-dtgen.a
STATIC_OBJ := $(BUILD)/static/libviommu-dtgen.o
LIB_MAP := src/libviommu-dtgen.map
BIN := $(BUILD)/viommu-dtgen
RUNNER := $(BUILD)/tests/check_runner
TOOLS := $(addprefix $(BUILD)/tests/,$(TOOL_NAMES))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)

.SECONDARY:
.PHONY: all check check-unit check-e2e check-corpus check-schema ci-extra demo lint \
	lint-man bench clean deps install uninstall

all: $(BIN) $(SHLIB) $(SHLIB_LINKS) $(STATIC_LIB)

# ---- dependencies -------------------------------------------------------------
# One stamp per group of scripts/install-deps: `build` (compiler, pkg-config,
# libfdt-dev, libyaml-dev) for every object, `unit` (Check) for the unit
# tests, `test` (dtc, Python) for the test scripts and the demo, `lint`.
# A plain build only checks (and names the missing -dev package); when a
# goal is a test, lint or demo target, missing packages are installed as
# root (INSTALL_DEPS=1; 0 never installs, as in debian/rules).
ifneq ($(filter demo check check-% checkm lint lint-% ci-extra deps fuzz fuzz-% bench,$(MAKECMDGOALS)),)
INSTALL_DEPS ?= 1
endif
INSTALL_DEPS ?= 0
DEPS_MODE = $(if $(filter 1,$(INSTALL_DEPS)),--check-or-install,--check)
DEPS_OK := $(BUILD)/.deps-build
DEPS_UNIT := $(BUILD)/.deps-unit
DEPS_TEST := $(BUILD)/.deps-test
DEPS_LINT := $(BUILD)/.deps-lint
DEPS_GROUPS_build := build
DEPS_GROUPS_unit := unit
DEPS_GROUPS_test := test
DEPS_GROUPS_lint := lint test hostile

$(BUILD)/.deps-%: scripts/install-deps $(wildcard scripts/deps.d/*.list)
	$(Q)CC='$(CC)' CPPFLAGS='$(CPPFLAGS) $(FDT_CFLAGS) $(YAML_CFLAGS)' PKG_CONFIG='$(PKG_CONFIG)' \
		scripts/install-deps $(DEPS_MODE) $(DEPS_GROUPS_$*)
	$(Q)mkdir -p $(@D) && touch $@

# Everything any test group needs (scripts/install-deps, all groups).
deps:
	$(Q)scripts/install-deps --check-or-install

# ---- objects and libraries ------------------------------------------------

$(BUILD)/src/%.o: src/%.c $(HDRS) | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.c $(HDRS) tests/testutil.h | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(if $(filter $@,$(TEST_OBJS)),$(CHECK_CFLAGS)) -c $< -o $@

$(TEST_OBJS): | $(DEPS_UNIT)

$(LIB): $(LIB_OBJS)
	$(say) AR $@
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SHLIB): $(LIB_OBJS) $(LIB_MAP)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=$(LIB_MAP) $(if $(SAN_FLAGS),,-Wl,-z,defs) \
		$(LIB_OBJS) -o $@ $(FDT_LIBS) $(YAML_LIBS)

$(BUILD)/$(SONAME): $(SHLIB)
	$(Q)ln -sf $(SHLIB_NAME) $@

$(BUILD)/libviommu-dtgen.so: $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

# One relocatable object, hidden names made local: an embedder sees the
# API only, and the library's own names cannot clash with its.
$(STATIC_OBJ): $(LIB_OBJS)
	$(say) LD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(LD) -r $^ -o $@.tmp
	$(Q)$(OBJCOPY) --localize-hidden $@.tmp $@ && rm -f $@.tmp

$(STATIC_LIB): $(STATIC_OBJ)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The tool links the library's objects, not its API.
$(BIN): $(CLI_OBJS) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS) $(YAML_LIBS)

$(RUNNER): $(TEST_OBJS) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS) $(YAML_LIBS) $(CHECK_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/tools/%.o
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS)

# ---- install ----------------------------------------------------------------

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install
# viommu-dtgen(3) under each function's name too (`man vdt_run`).
API_FUNCS := $(shell sed -n '/global:/,/local:/s/^[[:space:]]*\(vdt_[A-Za-z0-9_]*\);.*/\1/p' $(LIB_MAP))
# In the .pc file, directories below PREFIX are written from ${prefix}.
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

install: all
	$(say) INSTALL $(DESTDIR)$(PREFIX)
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5
	$(Q)$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/viommu-dtgen
	$(Q)$(INSTALL) -m 0644 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(SHLIB_NAME)
	$(Q)ln -sf $(SHLIB_NAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libviommu-dtgen.so
	$(Q)$(INSTALL) -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libviommu-dtgen.a
	$(Q)$(INSTALL) -m 0644 include/viommu-dtgen.h $(DESTDIR)$(INCLUDEDIR)/viommu-dtgen.h
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|g' \
		-e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|g' -e 's|@VERSION@|$(VERSION)|g' \
		viommu-dtgen.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/viommu-dtgen.pc
	$(Q)chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/viommu-dtgen.pc
	$(Q)$(INSTALL) -m 0644 man/viommu-dtgen.1 $(DESTDIR)$(MANDIR)/man1/viommu-dtgen.1
	$(Q)$(INSTALL) -m 0644 man/viommu-dtgen.3 $(DESTDIR)$(MANDIR)/man3/viommu-dtgen.3
	$(Q)for f in $(API_FUNCS); do ln -sf viommu-dtgen.3 $(DESTDIR)$(MANDIR)/man3/$$f.3; done
	$(Q)$(INSTALL) -m 0644 man/viommu-map.5 $(DESTDIR)$(MANDIR)/man5/viommu-map.5

# Removes the files install made; the directories stay (they may be
# shared, e.g. /usr/local/lib).
uninstall:
	$(say) UNINST $(DESTDIR)$(PREFIX)
	$(Q)rm -f $(DESTDIR)$(BINDIR)/viommu-dtgen \
		$(DESTDIR)$(LIBDIR)/$(SHLIB_NAME) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libviommu-dtgen.so $(DESTDIR)$(LIBDIR)/libviommu-dtgen.a \
		$(DESTDIR)$(INCLUDEDIR)/viommu-dtgen.h $(DESTDIR)$(PKGCONFIGDIR)/viommu-dtgen.pc \
		$(DESTDIR)$(MANDIR)/man1/viommu-dtgen.1 $(DESTDIR)$(MANDIR)/man3/viommu-dtgen.3 \
		$(DESTDIR)$(MANDIR)/man5/viommu-map.5 \
		$(API_FUNCS:%=$(DESTDIR)$(MANDIR)/man3/%.3)

# ---- tests ------------------------------------------------------------------

# Further groups add themselves from mk/*.mk: CHECKS run in `make check`,
# LINTS in `make lint`, CI_EXTRA only in CI (`make ci-extra`).
CHECKS :=
LINTS :=
CI_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

# Every test, lint and the demo first has its tools (scripts/install-deps).
check-e2e check-corpus check-schema demo bench checkm $(CHECKS) $(CI_EXTRA): | $(DEPS_TEST)
lint lint-man $(LINTS): | $(DEPS_LINT)

check: check-unit check-e2e check-corpus check-schema $(CHECKS)

check-unit: $(RUNNER)
	$(say) TEST unit
	$(Q)$(RUNNER)

check-e2e: $(BIN)
	$(say) TEST e2e
	$(Q)tests/e2e.sh $(BUILD)

check-corpus: $(BIN) $(TOOLS)
	$(say) TEST corpus
	$(Q)tests/corpus.sh $(BUILD)

check-schema: $(BIN)
	$(say) TEST schema
	$(Q)tests/schema.sh $(BUILD)

demo: $(BIN)
	$(Q)examples/demo.sh $(BUILD)

ci-extra: $(CI_EXTRA)

lint: lint-man $(LINTS)

lint-man:
	$(say) LINT man/viommu-dtgen.1
	$(Q)out=$$(mandoc -Tlint -Wwarning man/viommu-dtgen.1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

bench: $(BIN) $(TOOLS)
	$(Q)bench/run $(BUILD)

clean:
	rm -rf build build-san build-arm64

# SPDX-License-Identifier: BSD-2-Clause
# viommu-dtgen: plain Makefile.  `make V=1` shows the commands,
# `make SANITIZE=1 check` builds into build-san/ with ASan and UBSan.

CC ?= cc
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
FDT_LIBS := $(shell $(PKG_CONFIG) --libs libfdt 2>/dev/null || echo -lfdt)
YAML_CFLAGS := $(shell $(PKG_CONFIG) --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck)

WARN := -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
ALL_CFLAGS := $(WARN) $(CFLAGS) $(SAN_FLAGS) $(YAML_CFLAGS) -Isrc
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-7s %s\n'
endif

LIB_SRCS := src/allowlist.c src/blob.c src/diag.c src/dtgen.c src/dtgen_lock.c src/dtgen_util.c src/dtgen_write.c src/dtgen_xen.c \
	src/dts_write.c src/hostdt_query.c src/idalloc.c \
	src/map_read.c src/map_write.c src/phandle_fix.c src/span.c src/u64map.c src/vbuf.c \
	src/viommu_node.c src/vmap.c
CLI_SRCS := src/viommu-dtgen.c src/fileio.c
TEST_SRCS := $(sort $(wildcard tests/check_*.c)) tests/testutil.c
TOOL_NAMES := mkpartial corpus_verify

LIB := $(BUILD)/libviommu-dtgen.a
BIN := $(BUILD)/viommu-dtgen
RUNNER := $(BUILD)/tests/check_runner
TOOLS := $(addprefix $(BUILD)/tests/,$(TOOL_NAMES))
DEPS_OK := $(BUILD)/.deps-ok

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)

.SECONDARY:
.PHONY: all check check-unit check-e2e check-corpus check-schema ci-extra demo lint bench clean deps

all: $(BIN)

# Missing build dependencies: install them as root, else name the packages.
$(DEPS_OK): scripts/install-deps
	$(Q)scripts/install-deps --check-or-install
	$(Q)mkdir -p $(@D) && touch $@

deps: $(DEPS_OK)

$(BUILD)/%.o: %.c $(wildcard src/*.h) tests/testutil.h | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS) $(YAML_LIBS)

$(RUNNER): $(TEST_OBJS) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS) $(YAML_LIBS) $(CHECK_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/tools/%.o
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS)

# Further groups add themselves from mk/*.mk: CHECKS run in `make check`,
# LINTS in `make lint`, CI_EXTRA only in CI (`make ci-extra`).
CHECKS :=
LINTS :=
CI_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

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

lint: $(LINTS)
	$(say) LINT man/viommu-dtgen.1
	$(Q)out=$$(mandoc -Tlint -Wwarning man/viommu-dtgen.1); \
		if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

bench: $(BIN) $(TOOLS)
	$(Q)bench/run $(BUILD)

clean:
	rm -rf build build-san

# SPDX-License-Identifier: BSD-2-Clause
# Hostile input and faults (issue 4): fuzzing, fault injection, valgrind,
# static analysis.
#
#   make fuzz FUZZ_SECONDS=N   every libFuzzer harness for N seconds (clang)
#   make checkm                e2e and unit tests under valgrind memcheck
#   check-faults               output failures and in-place outputs (in CHECKS)
#   check-hostile              hostile inputs, careless outputs, usage (in CHECKS)
#   check-allocfail            every allocation of a run made to fail (in CHECKS)
#   check-fuzz-replay          fuzz/regressions/ and fuzz/seeds/ replayed (in CHECKS)
#   lint-cppcheck, lint-clang-tidy, lint-shellcheck, lint-deps (in LINTS)

.PHONY: fuzz fuzz-build fuzz-seeds fuzz-smoke checkm check-faults check-hostile \
	check-allocfail check-fuzz-replay lint-cppcheck lint-clang-tidy \
	lint-shellcheck lint-deps

# ---- fuzzing --------------------------------------------------------------

FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := $(filter-out -Werror,$(WARN)) -g -O1 $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link $(YAML_CFLAGS) -Isrc -Ifuzz
FUZZ_HARNESSES := pipeline map_read allowlist
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_HDRS := $(wildcard fuzz/*.h)

$(FUZZ_BUILD)/src/%.o: src/%.c $(wildcard src/*.h include/*.h)
	$(say) FUZZCC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_HDRS) $(FUZZ_LIB_OBJS)
	$(say) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_MUTATOR \
		-fsanitize=fuzzer $< $(FUZZ_LIB_OBJS) -o $@ $(FDT_LIBS) $(YAML_LIBS)

fuzz-build: $(FUZZ_BINS)

# Seeds are generated from tests/fixtures and ../shared/corpus/hostdt.
fuzz-seeds: $(BIN) $(BUILD)/tests/mkpartial
	$(Q)rm -rf $(FUZZ_BUILD)/seeds
	$(Q)fuzz/mkseeds.sh $(BUILD) $(FUZZ_BUILD)/seeds | tail -n 1

# Past open findings (reported, not fixed yet), e.g. FUZZ_SKIP=... or an
# LSan suppression file; empty when none is open.
FUZZ_ENV ?=

fuzz: fuzz-build fuzz-seeds
	$(Q)$(FUZZ_ENV) fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: fuzz-build fuzz-seeds
	$(Q)$(FUZZ_ENV) fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_HARNESSES)

CI_EXTRA += fuzz-smoke

# The same harness bodies, without libFuzzer: replay with $(CC) (and ASan
# with SANITIZE=1) every regression and checked-in seed.
REPLAY_BINS := $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/replay-%)

$(BUILD)/fuzz/fuzz_%.o: fuzz/fuzz_%.c $(FUZZ_HDRS) $(wildcard src/*.h include/*.h) | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Ifuzz -c $< -o $@

$(BUILD)/fuzz/replay.o: fuzz/replay.c $(FUZZ_HDRS) | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Ifuzz -c $< -o $@

$(BUILD)/fuzz/replay-%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/replay.o $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(ALL_LDFLAGS) $^ -o $@ $(FDT_LIBS) $(YAML_LIBS)

check-fuzz-replay: $(REPLAY_BINS)
	$(say) TEST fuzz-replay
	$(Q)tests/fuzz-replay.sh $(BUILD) $(FUZZ_HARNESSES)

CHECKS += check-fuzz-replay

# ---- faults -----------------------------------------------------------------

$(BUILD)/tests/hostile/killat.so: tests/hostile/killat.c
	$(say) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -Wall -Wextra -Werror -O2 -shared -fPIC $< -o $@ -ldl

check-faults: $(BIN) $(BUILD)/tests/hostile/killat.so
	$(say) TEST faults
	$(Q)tests/faults.sh $(BUILD)

CHECKS += check-faults

# A tool build whose N-th allocation fails (VDT_FAIL_ALLOC=N), libyaml
# linked statically so that its allocations are counted too; always with
# ASan/LSan, which reports any leak on the error paths.
ALLOC_BUILD := $(BUILD)/allocfail
ALLOC_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ALLOC_SRCS := $(LIB_SRCS) $(CLI_SRCS) tests/hostile/failalloc.c
ALLOC_OBJS := $(ALLOC_SRCS:%.c=$(ALLOC_BUILD)/%.o)
ALLOC_BIN := $(ALLOC_BUILD)/viommu-dtgen

$(ALLOC_BUILD)/%.o: %.c $(wildcard src/*.h include/*.h) | $(DEPS_OK)
	$(say) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(WARN) -O1 -g $(ALLOC_SAN) $(YAML_CFLAGS) -Isrc -c $< -o $@

$(ALLOC_BIN): $(ALLOC_OBJS)
	$(say) LD $@
	$(Q)$(CC) $(ALLOC_SAN) $^ -o $@ \
		-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
		$(FDT_LIBS) -Wl,-Bstatic $(YAML_LIBS) -Wl,-Bdynamic

check-allocfail: $(ALLOC_BIN)
	$(say) TEST allocfail
	$(Q)tests/allocfail.sh $(ALLOC_BIN)

CHECKS += check-allocfail

# ---- valgrind ---------------------------------------------------------------

VALGRIND ?= valgrind --quiet --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
	--track-fds=no

# Plain (not sanitized) build only: valgrind and ASan do not mix.
checkm: $(RUNNER)
	$(if $(filter 1,$(SANITIZE)),$(error checkm needs a build without SANITIZE))
	$(say) TEST unit-memcheck
	$(Q)CK_FORK=no $(VALGRIND) $(RUNNER)
	$(say) TEST e2e-memcheck
	$(Q)$(MAKE) --no-print-directory $(BIN)
	$(Q)tests/memcheck.sh $(BUILD)

# ---- static analysis --------------------------------------------------------

CPPCHECK ?= cppcheck
CLANG_TIDY ?= clang-tidy
LINT_SRCS = $(sort $(LIB_SRCS) $(CLI_SRCS))

lint-cppcheck:
	$(say) LINT cppcheck
	$(Q)$(CPPCHECK) --quiet --error-exitcode=1 --std=c11 \
		--enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem \
		-D__GNUC__ -Isrc $(LINT_SRCS) fuzz/*.c tests/hostile/*.c

lint-clang-tidy:
	$(say) LINT clang-tidy
	$(Q)$(CLANG_TIDY) --quiet $(LINT_SRCS) -- $(WARN) $(YAML_CFLAGS) -Isrc \
		2>/dev/null

# Every shell script the project runs, following what it sources (-x).
SHELL_SCRIPTS = $(shell git ls-files '*.sh' .ci/run bench/run scripts/install-deps 2>/dev/null)

lint-shellcheck:
	$(say) LINT shellcheck
	$(Q)shellcheck -x $(SHELL_SCRIPTS)

# No two files of the library call each other, directly or round a cycle.
lint-deps: $(LIB)
	$(say) LINT deps
	$(Q)tests/tools/depcycle.py $(LIB_OBJS)

LINTS += lint-cppcheck lint-clang-tidy lint-shellcheck lint-deps

# ---- hostile inputs and careless hands ----------------------------------------

check-hostile: $(BIN)
	$(say) TEST hostile
	$(Q)tests/hostile.sh $(BUILD)

CHECKS += check-hostile

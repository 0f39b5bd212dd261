# SPDX-License-Identifier: BSD-2-Clause
# Corpus test tools (tests/tools/mkpartial.c, corpus_verify.c) share
# tests/tools/dtutil.h, which the generic object rule does not know about.
$(TOOLS:$(BUILD)/tests/%=$(BUILD)/tests/tools/%.o): tests/tools/dtutil.h

# SPDX-License-Identifier: BSD-2-Clause
# Corpus test tools (tests/tools/mkpartial.c, corpus_verify.c) share
# tests/tools/dtutil.h, which the generic object rule does not know about.
$(TOOLS:$(BUILD)/tests/%=$(BUILD)/tests/tools/%.o): tests/tools/dtutil.h

# check-corpus (Makefile) runs tests/corpus.sh, which fetches the host trees
# (the DTBs of Debian's arm64 kernel package) once into $(BUILD)/hostdtb/;
# CORPUS_JOBS (default 2) boards run at a time, CORPUS_DTBS=DIR takes the
# DTBs from DIR instead.

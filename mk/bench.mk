# SPDX-License-Identifier: BSD-2-Clause
# `make bench` (bench/run) also times the static library in process
# (bench/inproc.c).
bench: $(STATIC_LIB)

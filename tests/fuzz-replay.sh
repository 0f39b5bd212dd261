#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Replay every fuzz regression (fuzz/regressions/HARNESS/) and checked-in
# seed (fuzz/seeds/HARNESS/) through the plain replay build of the harness
# (fuzz/replay.c, built with $(CC) and, with SANITIZE=1, ASan/UBSan): each
# input must run to the end (a harness aborts on a broken oracle).
#
# Usage: tests/fuzz-replay.sh BUILD_DIR HARNESS...

set -u
export LC_ALL=C

build=${1:?usage: fuzz-replay.sh BUILD_DIR HARNESS...}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0

for h in "$@"; do
	bin=$build/fuzz/replay-$h
	for f in "$root/fuzz/regressions/$h"/* "$root/fuzz/seeds/$h"/*; do
		[[ -f $f ]] || continue
		if "$bin" "$f" >/dev/null 2>"$build/fuzz/replay.err"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "FAIL: $h: ${f#"$root"/}"
			head -n 20 "$build/fuzz/replay.err" | sed 's/^/    /'
		fi
	done
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

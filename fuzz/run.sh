#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Run the libFuzzer harnesses, each for a while, and minimize any crash into
# fuzz/regressions/HARNESS/ (replayed by `make check`).
#
# Usage: fuzz/run.sh FUZZ_BUILD SECONDS HARNESS...
#   FUZZ_BUILD holds the harness binaries and seeds/HARNESS/ (fuzz/mkseeds.sh);
#   corpus/HARNESS/ there keeps what libFuzzer found between runs.
#   FUZZ_ARGS adds libFuzzer options (e.g. FUZZ_ARGS=-runs=10000000).
#   FUZZ_SKIP, LSAN_OPTIONS=suppressions=FILE: past known findings that are
#   reported and not fixed yet (see fuzz/RESULTS.md), for long runs only.
# A harness passes when it ran for SECONDS without a finding.  Ends with
# "N passed, N failed".

set -u
export LC_ALL=C

fb=${1:?usage: run.sh FUZZ_BUILD SECONDS HARNESS...}
secs=${2:?usage: run.sh FUZZ_BUILD SECONDS HARNESS...}
shift 2
root=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
read -r -a extra <<<"${FUZZ_ARGS:-}"

for h in "$@"; do
	bin=$fb/fuzz_$h
	corpus=$fb/corpus/$h
	arts=$fb/artifacts/$h
	# Earlier findings were minimized already: only new ones count.
	rm -rf "$arts"
	mkdir -p "$corpus" "$arts"
	seeds=()
	for d in "$fb/seeds/$h" "$root/seeds/$h" "$root/regressions/$h"; do
		[[ -d $d ]] && seeds+=("$d")
	done
	log=$fb/$h.log
	echo "fuzz: $h for ${secs}s (log: $log)"
	if "$bin" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$arts/" -max_len=1048576 -rss_limit_mb=4096 \
		"${extra[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$log"
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	grep -E 'ERROR|SUMMARY|oracle broken|fuzz_[a-z_]+: ' "$log" | head -n 5
	mkdir -p "$root/regressions/$h"
	for a in "$arts"/crash-* "$arts"/leak-* "$arts"/timeout-* "$arts"/oom-*; do
		[[ -e $a ]] || continue
		m=$root/regressions/$h/$(basename "$a")
		"$bin" -minimize_crash=1 -max_total_time=60 \
			-exact_artifact_path="$m" "$a" >"$log.min" 2>&1 ||
			cp "$a" "$m"
		[[ -e $m ]] || cp "$a" "$m"
		echo "fuzz: $h: finding minimized into $m"
	done
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

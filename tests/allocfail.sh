#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Allocation failure: run a representative command once to count its
# allocations (T), then T more times, making the N-th allocation fail for
# every N in 1..T.  Each run must exit 1 with exactly one stderr line
# "viommu-dtgen: error: ...", leave its output directory empty, and leak
# nothing (the tool is built with ASan/LSan, which exits 23 on a leak).
#
# Usage: tests/allocfail.sh ALLOCFAIL_BIN
#   ALLOCFAIL_BIN is viommu-dtgen built with tests/hostile/failalloc.c and
#   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, libyaml linked statically
#   (mk/hostile.mk: $(BUILD)/allocfail/viommu-dtgen).
#   ALLOCFAIL_STEP=K tries every K-th N only (default 1: all of them).
#
# The run: examples/board.dts + examples/guest.dts (DTS inputs, compiled by
# dtc), an --allow-list and an --allow-path naming the guest's devices, DTS
# output, and one --map of every format the tool writes.

set -u
export LC_ALL=C

bin=${1:?usage: allocfail.sh ALLOCFAIL_BIN}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
root=$(cd "$(dirname "$0")/.." && pwd)
step=${ALLOCFAIL_STEP:-1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/allocfail.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

export ASAN_OPTIONS=detect_leaks=1:exitcode=23:abort_on_error=0
# Known leaks, reported and awaiting their fix: tests/hostile/lsan-known.supp.
export LSAN_OPTIONS=exitcode=23:suppressions=$root/tests/hostile/lsan-known.supp:print_suppressions=0
passed=0
failed=0

# The map formats this build writes, by extension.
maps=()
for ext in yaml cfg json h bin; do
	if "$bin" --host "$root/examples/board.dts" \
		--partial "$root/examples/guest.dts" --map "$tmp/probe.$ext" \
		>/dev/null 2>&1 && [[ -s $tmp/probe.$ext ]]; then
		maps+=(--map "OUT/map.$ext")
	fi
	rm -f "$tmp/probe.$ext"
done

# The guest's devices: three in a list file, one on the command line.
sed -n 's/^[[:space:]]*xen,path = "\(.*\)";/\1/p' "$root/examples/guest.dts" >"$tmp/paths"
{
	echo "# the guest's devices"
	head -n 3 "$tmp/paths"
} >"$tmp/allow.list"
last=$(tail -n 1 "$tmp/paths")

# run DIR: the representative command, writing into DIR.
run() {
	local a=("${maps[@]//OUT/$1}")
	"$bin" --host "$root/examples/board.dts" \
		--partial "$root/examples/guest.dts" -o "$1/guest.dts" \
		--allow-list "$tmp/allow.list" --allow-path "$last" "${a[@]}"
}

mkdir "$tmp/count"
if ! VDT_COUNT_ALLOC=$tmp/total run "$tmp/count" 2>"$tmp/err"; then
	echo "allocfail: the counting run failed: $(cat "$tmp/err")" >&2
	exit 2
fi
total=$(cat "$tmp/total")
echo "allocfail: $total allocations, $((${#maps[@]} / 2)) maps; failing allocation 1..$total, step $step"

for ((n = 1; n <= total; n += step)); do
	d=$tmp/out$n
	mkdir "$d"
	VDT_FAIL_ALLOC=$n run "$d" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=
	if [[ $rc != 1 ]]; then
		why="exit status $rc"
	elif [[ $(wc -l <"$tmp/err") != 1 ]]; then
		why="stderr is not one line"
	elif ! grep -q '^viommu-dtgen: error: ' "$tmp/err"; then
		why="no error line"
	elif [[ -n $(ls -A "$d") ]]; then
		why="output left: $(find "$d" -mindepth 1 -printf "%f ")"
	fi
	if [[ -n $why ]]; then
		failed=$((failed + 1))
		echo "FAIL: allocation $n: $why"
		head -n 12 "$tmp/err" | sed 's/^/    /'
	else
		passed=$((passed + 1))
	fi
	rm -rf "$d"
done

# The xl flow (issue 13): --xl-config updates an existing file, which is
# replaced through a name beside it; a failing run leaves it byte for byte.
xl=$root/tests/fixtures/xl
cp "$xl/earlier.cfg" "$tmp/xl.cfg"
xlrun() {
	"$bin" --host "$xl/host.dts" --partial "$xl/one.dts" -o "$1/g.dtb" \
		--xl-config "$tmp/xl.cfg"
}
mkdir "$tmp/xlcount"
if ! VDT_COUNT_ALLOC=$tmp/xltotal xlrun "$tmp/xlcount" 2>"$tmp/err"; then
	echo "allocfail: the --xl-config counting run failed: $(cat "$tmp/err")" >&2
	exit 2
fi
xltotal=$(cat "$tmp/xltotal")
echo "allocfail: --xl-config: $xltotal allocations"
for ((n = 1; n <= xltotal; n += step)); do
	d=$tmp/xl$n
	mkdir "$d"
	cp "$xl/earlier.cfg" "$tmp/xl.cfg"
	VDT_FAIL_ALLOC=$n xlrun "$d" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=
	if [[ $rc != 1 ]]; then
		why="exit status $rc"
	elif [[ $(wc -l <"$tmp/err") != 1 ]] || ! grep -q '^viommu-dtgen: error: ' "$tmp/err"; then
		why="stderr is not one error line"
	elif [[ -n $(ls -A "$d") ]]; then
		why="output left: $(find "$d" -mindepth 1 -printf "%f ")"
	elif ! cmp -s "$tmp/xl.cfg" "$xl/earlier.cfg"; then
		why="the xl config changed"
	fi
	if [[ -n $why ]]; then
		failed=$((failed + 1))
		echo "FAIL: --xl-config allocation $n: $why"
		head -n 12 "$tmp/err" | sed 's/^/    /'
	else
		passed=$((passed + 1))
	fi
	rm -rf "$d"
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

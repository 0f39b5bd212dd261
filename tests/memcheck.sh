#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The end-to-end suite under valgrind memcheck: tests/e2e.sh runs against a
# directory whose viommu-dtgen is a wrapper that runs the real one under
# valgrind (log per run, error exit code 99 on any error or leak).  Every
# log must be empty.
#
# Usage: tests/memcheck.sh [BUILD_DIR]      (a build without SANITIZE)
#   VALGRIND overrides the valgrind command line.

set -u
export LC_ALL=C

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
real=$(cd "$build" && pwd)/viommu-dtgen
[[ -x $real ]] || { echo "memcheck.sh: $real not found" >&2; exit 2; }
vg=${VALGRIND:-$(command -v valgrind) --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memcheck.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/logs"

cat >"$tmp/bin/viommu-dtgen" <<WRAP
#!/bin/sh
exec $vg --log-file="$tmp/logs/%p.log" "$real" "\$@"
WRAP
chmod +x "$tmp/bin/viommu-dtgen"

"$root/tests/e2e.sh" "$tmp/bin" >"$tmp/e2e.out" 2>&1
rc=$?
tail -n 1 "$tmp/e2e.out"
passed=0
failed=0
for l in "$tmp/logs"/*.log; do
	[[ -e $l ]] || continue
	if [[ -s $l ]]; then
		failed=$((failed + 1))
		echo "FAIL: valgrind reported:"
		head -n 30 "$l" | sed 's/^/    /'
	else
		passed=$((passed + 1))
	fi
done
if [[ $rc != 0 ]]; then
	failed=$((failed + 1))
	echo "FAIL: tests/e2e.sh under valgrind (exit $rc):"
	grep -E '^FAIL' "$tmp/e2e.out" | head -n 20
fi
echo "memcheck: $passed runs without a valgrind report"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

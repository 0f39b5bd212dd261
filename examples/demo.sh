#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make demo: run viommu-dtgen on the bundled example and show what it wrote.
set -eu
build=${1:-build}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

set -x
"$build/viommu-dtgen" --host "$here/board.dts" --partial "$here/guest.dts" \
	-o "$out/guest.dts" --map "$out/map.yaml" --map "$out/xl.cfg" --report
set +x
for f in guest.dts map.yaml xl.cfg; do
	printf '\n==> %s <==\n' "$f"
	cat "$out/$f"
done

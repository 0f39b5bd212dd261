#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make demo: run viommu-dtgen on the bundled example and show what it wrote:
# a guest tree built ahead of time (Zephyr, Yocto: the vIOMMU node is
# ours), then the partial for Xen's dom0less builder (which makes the node).
set -eu
build=${1:-build}
here=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

set -x
"$build/viommu-dtgen" --host "$here/board.dts" --partial "$here/guest.dts" \
	-o "$out/guest.dts" --map "$out/map.yaml" --map "$out/xl.cfg" --report
"$build/viommu-dtgen" --builder dom0less --host "$here/board.dts" \
	--partial "$here/guest.dts" -o "$out/domu0.dts" --map "$out/domu0.h"
set +x
for f in guest.dts map.yaml xl.cfg domu0.dts domu0.h; do
	printf '\n==> %s <==\n' "$f"
	cat "$out/$f"
done

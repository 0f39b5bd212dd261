#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The YAML map against schemas/viommu-map.schema.yaml: every map the tool
# writes for the example and the good fixtures must validate, and so must
# the bare map --dump-map prints for a binary map; maps broken on purpose
# must not (so the check has teeth).
#
# Usage: tests/schema.sh [BUILD_DIR]
set -u

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
tool=$build/viommu-dtgen
schema=$top/schemas/viommu-map.schema.yaml
validate=$top/tests/tools/validate_map.py
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
t_init schema
work=$tmp

maps=()
"$tool" --host "$top/examples/board.dts" --partial "$top/examples/guest.dts" \
	--map "$work/example.yaml" --map "$work/example.bin" 2>/dev/null &&
	maps+=("$work/example.yaml")
"$tool" --dump-map "$work/example.bin" >"$work/bare.yaml" 2>/dev/null &&
	maps+=("$work/bare.yaml")
for case in "$top"/tests/fixtures/*.dts; do
	name=$(basename "$case" .dts)
	case $name in host-* | bad-*) continue ;; esac
	host=$(sed -n 's|^// host: *||p' "$case" | head -n 1)
	read -r -a args <<<"$(sed -n 's|^// args: *||p' "$case" | head -n 1)"
	if "$tool" --host "$top/tests/fixtures/$host" --partial "$case" \
		--map "$work/$name.yaml" "${args[@]}" 2>/dev/null; then
		maps+=("$work/$name.yaml")
	fi
done
if [ "${#maps[@]}" -lt 10 ]; then
	bad maps "only ${#maps[@]} maps were written"
elif out=$("$validate" "$schema" "${maps[@]}"); then
	ok "${#maps[@]} maps validate"
else
	bad validate "$out"
fi

# Teeth: each mutation (of the full map, of the bare one after "bare:", or
# of the series' predicted map with a vPCI entry after "series:") must be
# rejected.
mutations=(
	's/^version: 1/version: 2/'
	's/^policy: compact/policy: fastest/'
	's/count: 1/count: 0/'
	's/count: 1/count: 4294967296/'
	's/vid: 0x2$/vid: 0x1/'
	's/  mask: 0x0/  musk: 0x0/'
	's/path: \/soc/path: soc/'
	'/^policy:/d'
	'/^  devices:/d; /^  - {node:/d'
	's/piommu: {path: [^,]*, /piommu: {/'
	'bare:s/^version: 1/version: 1\nvid-bits: 16/'
	'bare:s/piommu: {base/piommu: {path: \/soc\/iommu, base/'
	'bare:s/^  piommu: \(.*\)/  piommu: \1\n  devices: [{node: \/p, host: \/h}]/'
	's/^partial-sha256: \([0-9a-f]*\)/partial-sha256: \1f/'
	's/^partial-sha256: ./partial-sha256: Z/'
	'series:/^allocated-by: xen/d'
	'series:s/^allocated-by: xen/allocated-by: toolstack/'
	'series:s/^  vpci: true/  vpci: true\n  devices: [{node: \/p, host: \/h}]/'
	'series:s/^  vpci: true/  vpci: false/'
)
for m in "${mutations[@]}"; do
	src=$work/example.yaml
	case $m in
	bare:*) src=$work/bare.yaml m=${m#bare:} ;;
	series:*) src=$work/series-libxl.yaml m=${m#series:} ;;
	esac
	sed "$m" "$src" >"$work/mutant.yaml"
	if cmp -s "$src" "$work/mutant.yaml"; then
		bad "mutant $m" "the mutation changed nothing"
	elif "$validate" "$schema" "$work/mutant.yaml" >/dev/null; then
		bad "mutant $m" "a broken map validated"
	else
		ok "mutant $m rejected"
	fi
done

t_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The libxl / dom0less merge: every output of tests/consumers/lib.sh is
# merged into tests/consumers/guest-base.dts (a guest DT as the toolstack
# builds it, GIC phandle 0xfde8) by build/tests/libxl_merge, which copies
# /passthrough and /aliases and strips xen,path, xen,reg and
# xen,force-assign-without-iommu; for a --no-viommu-node output it also adds
# the vIOMMU node the toolstack makes.  `libxl_merge check` then requires:
# no dangling phandle, exactly one node with the vIOMMU phandle, every
# passthrough master reaching it (and only it) through iommus / iommu-map,
# no xen,* property left.  dtc must read each merged tree.  Merged trees
# broken on purpose must fail the check.
#
# Usage: tests/consumers/merge.sh [BUILD_DIR]

# shellcheck source=tests/consumers/lib.sh
. "$(dirname "$0")/lib.sh"
consumers_init "${1:-build}"
merge=$build/tests/libxl_merge
[[ -x $merge ]] || {
	echo "merge.sh: $merge not found (make $merge)" >&2
	exit 2
}
base=$work/guest-base.dtb
dtc -q -I dts -O dtb -o "$base" "$top/tests/consumers/guest-base.dts" || exit 2

# merged NAME KIND PHANDLE REG OUT: merge OUT into the base; prints the
# merged file's name.
merged() {
	local m=$work/$1.merged.dtb
	if [[ $2 == nonode ]]; then
		"$merge" merge "$base" "$5" "$m" "$3" "$4,33" || return 1
	else
		"$merge" merge "$base" "$5" "$m" || return 1
	fi
	echo "$m"
}

ncases=0
one_case() {
	local m
	m=$(merged "$1" "$2" "$3" "$4" "$7" 2>"$work/$1.err") || {
		bad "$1" "merge failed" "$work/$1.err"
		return
	}
	if ! "$merge" check "$m" "$6" "$3" >"$work/$1.check" 2>&1; then
		bad "$1" "the merged guest tree fails the check" "$work/$1.check"
	elif ! dtc -q -I dtb -O dtb -o /dev/null "$m" 2>"$work/$1.err"; then
		bad "$1" "dtc cannot read the merged tree" "$work/$1.err"
	else
		ncases=$((ncases + 1))
	fi
}

consumers_gen
for_cases one_case
((ncases > 0)) && ok "$ncases merged guest trees pass libxl_merge check"

# Teeth: merged trees broken on purpose must fail.
g=$work/gen
teeth() {
	local name=$1 case=$2 kind=$3 m out
	shift 3
	out=$g/$case.dtb
	if ! m=$(merged "teeth-$name" "$kind" 0xfdea 0x4040000,0x40000 "$out") ||
		! "$@" "$m"; then
		bad "teeth $name" "cannot make the broken tree"
		return
	fi
	if "$merge" check "$m" "$g/$case.partial.dtb" 0xfdea >"$work/$name.out" 2>&1; then
		bad "teeth $name" "the broken tree passed" "$work/$name.out"
	else
		ok "teeth $name: $(head -n 1 "$work/$name.out" | sed 's/^[^:]*: //')"
	fi
}
nothing() { :; }
dangling() { fdtput -t x "$1" /passthrough/test@10000000 iommus 0x1234 0; }
no_iommus() { fdtput -d "$1" /passthrough/test@10000000 iommus; }
other_iommu() {
	fdtput -c "$1" /other-iommu && fdtput -t x "$1" /other-iommu phandle 0x77 &&
		fdtput -t x "$1" /other-iommu '#iommu-cells' 1 &&
		fdtput -t x "$1" /passthrough/test@10000000 iommus 0x77 0
}
xen_path_left() { fdtput -t s "$1" /passthrough/test@10000000 xen,path /soc/x; }
short_map() { fdtput -t x "$1" /passthrough/test@10000000 iommu-map 0 0xfdea 0; }
if [[ -f $g/xen-devel.dtb && -f $g/no-viommu-node.dtb ]]; then
	# The partial DT carries the vIOMMU node and the toolstack adds its own.
	teeth two-viommu-nodes xen-devel nonode nothing
	# The toolstack adds none for a --no-viommu-node partial DT.
	teeth no-viommu-node no-viommu-node node nothing
	teeth dangling-phandle xen-devel node dangling
	teeth master-without-iommus xen-devel node no_iommus
	teeth master-on-other-iommu xen-devel node other_iommu
	teeth xen-path-left xen-devel node xen_path_left
	teeth iommu-map-3-cells xen-devel node short_map
elif [[ -z ${CONSUMERS_FILTER:-} ]]; then
	bad teeth "the xen-devel or no-viommu-node fixture gave no output"
fi

t_done

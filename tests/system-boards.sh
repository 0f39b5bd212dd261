#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# System mode on real boards (viommu-dtgen(1), SYSTEM MODE):
#   - ZynqMP ZCU102, from Debian 12's arm64 kernel package (the DTBs
#     tests/corpus.sh fetches into BUILD_DIR/hostdtb/, fetched here the same
#     way when absent), with its SMMU enabled as Xen boots it: two guests
#     from partial trees (zcu102-partials.yaml) and from host paths
#     (zcu102-paths.yaml), which must give the same vIDs; a node inside
#     another guest's (rule S1);
#   - R-Car H3 Salvator-XS (not in Debian's package: from
#     ../shared/corpus/hostdt/ beside the repository, one SKIP line
#     without it): two guests on two IPMMUs that reuse uTLBs 0-15, each
#     with its own vIDs from 0, from partial trees and from host paths;
#     a node given twice (rule S1).
# Every run: host.dtb marks exactly the guests' nodes, and a second run
# gives the same bytes.
#
# Usage: tests/system-boards.sh [BUILD_DIR]
set -u

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
tool=$build/viommu-dtgen
fx=$top/tests/fixtures/system
cache=$build/hostdtb
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
t_init system-boards
cd "$tmp" || exit 2

# fetch: Debian's arm64 kernel DTBs into $cache/dtbs, as tests/corpus.sh
# keeps them; prints why it failed.
fetch() {
	local deb x
	rm -rf "$cache/deb" "$cache/x" || return 1
	deb=$(arm64_deb linux-image-arm64 arm64 "$cache/deb") || {
		echo "$deb"
		return 1
	}
	mkdir -p "$cache/x" || return 1
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$cache/x" --wildcards './usr/lib/linux-image-*/*' || {
		echo "cannot unpack $deb"
		return 1
	}
	x=$(find "$cache/x/usr/lib" -mindepth 1 -maxdepth 1 -name 'linux-image-*' | head -n 1)
	[ -n "$x" ] && rm -rf "$cache/dtbs" && mv "$x" "$cache/dtbs" &&
		echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >"$cache/package" &&
		rm -rf "$cache/x" "$cache/deb"
}

# board NAME HOST_DTB: the board's system files, run and checked.
board() {
	local name=$1 host=$2 f base out marks want rc
	cp "$fx/$name"-* . || return
	for f in "$fx/$name"-*.yaml; do
		base=$(basename "$f" .yaml)
		out=out-$base
		if [[ $base == *-bad-* ]]; then
			"$tool" -q --system "$base.yaml" --out-dir "$out" 2>err
			rc=$?
			if [ $rc = 1 ] && [ ! -e "$out" ] &&
				grep -qF "$(sed -n 's/^# expect: //p' "$f")" err; then
				ok "$base: $(head -n 1 err)"
			else
				bad "$base" "exit $rc" err
			fi
			continue
		fi
		"$tool" -q --system "$base.yaml" --out-dir "$out" 2>err
		verdict $? "$base runs" "failed" err || continue
		"$tool" -q --system "$base.yaml" --out-dir "$out-again" 2>/dev/null &&
			diff -r "$out" "$out-again" >/dev/null
		verdict $? "$base: two runs, the same bytes" "differ"
		# The guests' four nodes, marked; no other change.
		want=4
		diff <(dtc -q -I dtb -O dts "$host") <(dtc -q -I dtb -O dts "$out/host.dtb") |
			grep '^[<>]' >diff.txt
		marks=$(grep -c '^>[[:space:]]*xen,passthrough;$' diff.txt)
		[ "$marks" = "$want" ] && [ "$(wc -l <diff.txt)" = "$want" ]
		verdict $? "$base: host.dtb marks the guests' $want nodes, nothing else" \
			"$marks marks, $(wc -l <diff.txt) changes"
	done
}

# Each guest's entries (vIDs, pIDs, devices) from partials and from paths.
same_vids() { # NAME GUEST...
	local name=$1 g
	shift
	for g in "$@"; do
		cmp -s <(sed -n '/^entries:/,$p' "out-$name-partials/$g-map.yaml") \
			<(sed -n '/^entries:/,$p' "out-$name-paths/$g-map.yaml")
		verdict $? "$name $g: the same vIDs from partials and from paths" "differ"
	done
}

# ---- ZCU102 -----------------------------------------------------------------
if [ ! -f "$cache/package" ] && ! why=$(fetch 2>&1); then
	echo "SKIP ZCU102 (Debian kernel DTBs): $why"
else
	zcu=$cache/dtbs/xilinx/zynqmp-zcu102-rev1.0.dtb
	if [ ! -f "$zcu" ]; then
		bad zcu102 "$zcu is missing"
	else
		cp "$zcu" zcu102.dtb && chmod u+w zcu102.dtb
		# Xen boots with the SMMU on; the board's DTB ships it off.
		fdtput -t s zcu102.dtb /axi/iommu@fd800000 status okay
		board zcu102 zcu102.dtb
		same_vids zcu102 net storage
	fi
fi

# ---- R-Car H3 ------------------------------------------------------------------
h3=$top/../shared/corpus/hostdt/r8a77951-salvator-xs.dts
if [ ! -f "$h3" ]; then
	echo "SKIP R-Car H3: $h3 is absent (Debian's kernel package has no r8a7795 DTB)"
else
	dtc -q -I dts -O dtb "$h3" -o r8a77951-salvator-xs.dtb
	board h3 r8a77951-salvator-xs.dtb
	same_vids h3 dmac0 dmac1
	# Both guests' DMA controllers use uTLBs 0-15 of their own IPMMU; each
	# guest's vIDs start at 0.
	n=$(grep -c '^    - vid: 0x0$' out-h3-partials/system-map.yaml)
	[ "$n" = 2 ]
	verdict $? "h3: each guest its own vID space (two vID 0)" "$n"
fi

t_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Corpus test: run viommu-dtgen over the real host device trees in
# ../shared/corpus/hostdt/ (relative to the repository root), passing
# through every enabled IOMMU master and iommu-map user of each board (see
# tests/tools/mkpartial.c for the few it leaves out, with a "note" line
# saying why), and check the result:
#   - corpus_verify: rules 3, 6, 7, the output iommu-map, every sampled RID
#     translated through the host's iommu-map and through the output's plus
#     the xl map, the xl map and the vIOMMU node, recomputed from the host
#     DT;
#   - rule 11: two runs give byte-identical outputs, and a run on the
#     tool's own output gives the same output and map;
#   - rule 12: a run that fails (vID space too small) leaves the existing
#     outputs untouched and no stray files behind;
#   - dtc reads the output back without warnings about iommus or
#     iommu-map.
# Each board's line gives its passthrough devices (of which iommu-map
# users), keys and the IDs they cover.
#
# usage: tests/corpus.sh BUILD_DIR
# Needs BUILD_DIR/viommu-dtgen, BUILD_DIR/tests/mkpartial,
# BUILD_DIR/tests/corpus_verify and dtc.  CORPUS_VID_BASE (default 0) is
# passed as --vid-base; above 0 it leaves no room in the default 16-bit vID
# space for the 0x10000-long iommu-map ranges of the QEMU and FVP boards,
# which then fail (the tool rightly reports the space exhausted).

set -u

prog=${0##*/}

if [ $# -ne 1 ]; then
	echo "usage: $prog BUILD_DIR" >&2
	exit 2
fi

build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "$prog: build directory '$1' not found" >&2
	exit 1
}
tool=$build/viommu-dtgen
mkpartial=$build/tests/mkpartial
verify=$build/tests/corpus_verify
corpus=$(dirname "$0")/../../shared/corpus/hostdt
vid_base=${CORPUS_VID_BASE:-0}

for f in "$tool" "$mkpartial" "$verify"; do
	if [ ! -x "$f" ]; then
		echo "$prog: $f not found; build it first (make)" >&2
		exit 1
	fi
done
if ! command -v dtc >/dev/null 2>&1; then
	echo "$prog: dtc not found (Debian package device-tree-compiler)" >&2
	exit 1
fi
if [ ! -d "$corpus" ]; then
	echo "$prog: corpus directory $corpus not found; the corpus test needs the host DTs in ../shared/corpus/hostdt next to the repository" >&2
	exit 1
fi
shopt -s nullglob
boards=("$corpus"/*.dts)
shopt -u nullglob
if [ ${#boards[@]} -eq 0 ]; then
	echo "$prog: no .dts files in $corpus" >&2
	exit 1
fi

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
t_init corpus

# fail BOARD POLICY MESSAGE [LOGFILE]: report one failure, with the
# log's lines indented below it.
fail() {
	echo "FAIL $1 $2: $3"
	if [ $# -ge 4 ] && [ -s "$4" ]; then
		sed 's/^/    /' "$4"
	fi
}

# run_policy BOARD DIR POLICY: one board under one policy; returns 1 on
# the first failed check.
run_policy() {
	local board=$1 d=$2 policy=$3
	local w=$d/$policy
	local summary ndev nmap nkeys nids rc

	mkdir -p "$w/a" "$w/b" "$w/c" "$w/e" || return 1

	"$tool" --host "$d/host.dtb" --partial "$d/p.dtb" \
		-o "$w/a/out.dtb" --map "$w/a/map.cfg" --policy "$policy" --xl-ranges \
		--vid-base "$vid_base" 2>"$w/a/stderr"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$board" "$policy" "viommu-dtgen exited with status $rc" "$w/a/stderr"
		return 1
	fi
	# Warnings (disabled IOMMUs) are expected; nothing else.
	if grep -Ev '^viommu-dtgen: (warning|hint): ' "$w/a/stderr" >"$w/a/other"; then
		fail "$board" "$policy" "unexpected diagnostics" "$w/a/other"
		return 1
	fi

	if ! "$verify" "$d/host.dtb" "$w/a/out.dtb" "$w/a/map.cfg" "$policy" \
		"$vid_base" >"$w/verify" 2>&1; then
		fail "$board" "$policy" "corpus_verify found violations" "$w/verify"
		return 1
	fi
	summary=$(tail -n 1 "$w/verify")
	ndev=$(sed -n 's/.* \([0-9][0-9]*\) devices,.*/\1/p' <<<"$summary")
	nmap=$(sed -n 's/.* \([0-9][0-9]*\) iommu-map users,.*/\1/p' <<<"$summary")
	nkeys=$(sed -n 's/.* \([0-9][0-9]*\) keys,.*/\1/p' <<<"$summary")
	nids=$(sed -n 's/.* \([0-9][0-9]*\) ids,.*/\1/p' <<<"$summary")

	# Rule 11: deterministic ...
	if ! "$tool" --host "$d/host.dtb" --partial "$d/p.dtb" \
		-o "$w/b/out.dtb" --map "$w/b/map.cfg" --policy "$policy" --xl-ranges \
		--vid-base "$vid_base" 2>"$w/b/stderr"; then
		fail "$board" "$policy" "second run failed" "$w/b/stderr"
		return 1
	fi
	if ! cmp -s "$w/a/out.dtb" "$w/b/out.dtb" ||
		! cmp -s "$w/a/map.cfg" "$w/b/map.cfg"; then
		fail "$board" "$policy" "not deterministic: two runs differ"
		return 1
	fi
	# ... and idempotent.
	if ! "$tool" --host "$d/host.dtb" --partial "$w/a/out.dtb" \
		-o "$w/c/out.dtb" --map "$w/c/map.cfg" --policy "$policy" --xl-ranges \
		--vid-base "$vid_base" 2>"$w/c/stderr"; then
		fail "$board" "$policy" "run on its own output failed" "$w/c/stderr"
		return 1
	fi
	if ! cmp -s "$w/a/out.dtb" "$w/c/out.dtb"; then
		fail "$board" "$policy" "not idempotent: output changed when run on its own output"
		return 1
	fi
	if ! cmp -s "$w/a/map.cfg" "$w/c/map.cfg"; then
		fail "$board" "$policy" "not idempotent: map changed when run on its own output"
		return 1
	fi

	# Rule 12: with more IDs than a 1-bit vID space holds, the run must
	# fail and leave the outputs of an earlier run exactly as they were.
	if [ -n "$nids" ] && [ "$nids" -gt 2 ]; then
		cp "$w/a/out.dtb" "$w/a/map.cfg" "$w/e/" || return 1
		"$tool" --host "$d/host.dtb" --partial "$d/p.dtb" \
			-o "$w/e/out.dtb" --map "$w/e/map.cfg" --policy "$policy" --xl-ranges \
			--vid-bits 1 2>"$w/e/stderr"
		rc=$?
		if [ "$rc" -ne 1 ]; then
			fail "$board" "$policy" "--vid-bits 1 with $nids IDs: exit $rc, expected 1" "$w/e/stderr"
			return 1
		fi
		if ! cmp -s "$w/a/out.dtb" "$w/e/out.dtb" ||
			! cmp -s "$w/a/map.cfg" "$w/e/map.cfg"; then
			fail "$board" "$policy" "a failed run changed its output files"
			return 1
		fi
		if [ "$(find "$w/e" -mindepth 1 | wc -l)" -ne 3 ]; then
			fail "$board" "$policy" "a failed run left files behind: $(cd "$w/e" && echo *)"
			return 1
		fi
	fi

	# dtc reads the output back without complaining about iommus or
	# iommu-map.
	if ! dtc -I dtb -O dts -o "$w/out.dts" "$w/a/out.dtb" 2>"$w/dtc"; then
		fail "$board" "$policy" "dtc cannot read the output back" "$w/dtc"
		return 1
	fi
	if grep -Eq 'iommus|iommu-map' "$w/dtc"; then
		grep -E 'iommus|iommu-map' "$w/dtc" >"$w/dtc.iommus"
		fail "$board" "$policy" "dtc warns about iommus or iommu-map" "$w/dtc.iommus"
		return 1
	fi

	echo "ok $board $policy ($ndev devices of which $nmap iommu-map users, $nkeys keys, $nids IDs)"
	return 0
}

for dts in "${boards[@]}"; do
	board=$(basename "$dts" .dts)
	d=$tmp/$board
	mkdir -p "$d" || exit 1
	if ! dtc -q -I dts -O dtb -o "$d/host.dtb" "$dts" 2>"$d/dtc"; then
		fail "$board" "-" "dtc cannot compile the host DT" "$d/dtc"
		failed=$((failed + 2))
		continue
	fi
	if ! "$mkpartial" "$d/host.dtb" >"$d/p.dts" 2>"$d/mkpartial"; then
		fail "$board" "-" "mkpartial failed" "$d/mkpartial"
		failed=$((failed + 2))
		continue
	fi
	# Nodes left out (or given xen,force-assign-without-iommu), and why.
	sed -n "s/^mkpartial: note: /note $board: /p" "$d/mkpartial"
	if ! dtc -q -I dts -O dtb -o "$d/p.dtb" "$d/p.dts" 2>"$d/dtc"; then
		fail "$board" "-" "dtc cannot compile the partial DT" "$d/dtc"
		failed=$((failed + 2))
		continue
	fi
	for policy in compact identity; do
		if run_policy "$board" "$d" "$policy"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
done

t_done

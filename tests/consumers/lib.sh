# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# Shared by the consumer tests (tests/consumers/*.sh), sourced, not run.
#
# consumers_init BUILD_DIR   sets top, build, tool, mkpartial, work (a
#                            temporary directory removed on exit) and the
#                            pass/fail counters (t_init, tests/lib.sh)
# consumers_gen              regenerates every DTB the tests produce into
#                            $work/gen and lists them in $work/gen/cases:
#   NAME KIND PHANDLE REG HOST PARTIAL OUT
# one line per output, tab-separated: KIND is "node" (the output carries the
# vIOMMU node) or "nonode" (--no-viommu-node); PHANDLE the vIOMMU phandle;
# REG its "base,size"; HOST, PARTIAL and OUT are DTB files (OUT "-" when
# the tool failed, which is a failure of the case).  The outputs are:
#   - every good case of tests/fixtures/ (its "// host:" and "// args:"),
#   - examples/ as it is and with --no-viommu-node,
#   - each real host DT of ../shared/corpus/hostdt/ with a partial DT from
#     build/tests/mkpartial, as it is and with --no-viommu-node, when that
#     directory exists next to the repository (an extra: one line says when
#     it is skipped).
# CONSUMERS_FILTER (a glob, default '*') limits the cases by name.

# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

consumers_init() {
	set -u
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	build=$(cd "${1:-build}" 2>/dev/null && pwd) || {
		echo "consumers: build directory '${1:-build}' not found" >&2
		exit 2
	}
	tool=$build/viommu-dtgen
	mkpartial=$build/tests/mkpartial
	local f
	for f in "$tool" "$mkpartial"; do
		[[ -x $f ]] || {
			echo "consumers: $f not found (build it first)" >&2
			exit 2
		}
	done
	command -v dtc >/dev/null || {
		echo "consumers: dtc not found (Debian package device-tree-compiler)" >&2
		exit 2
	}
	t_init consumers
	work=$tmp
}

# gen_one NAME HOST.dtb PARTIAL.dtb ARGS...: run the tool, add a case line.
gen_one() {
	local name=$1 host=$2 partial=$3 kind=node phandle=0xfdea
	local reg=0x4040000,0x40000 out=$work/gen/$1.dtb prev=
	shift 3
	local a
	for a in "$@"; do
		case $prev in
		--viommu-phandle) phandle=$a ;;
		--viommu-reg) reg=$a ;;
		esac
		[[ $a == --no-viommu-node ]] && kind=nonode
		# Outputs for a builder or another Xen ABI go through Xen's
		# own code and the series' oracle instead (xen.sh, oracles.sh).
		[[ $a == --builder || $a == --xen-abi ]] && return 0
		prev=$a
	done
	if ! "$tool" --host "$host" --partial "$partial" -o "$out" "$@" \
		2>"$work/gen/$name.err"; then
		out=-
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$phandle" "$reg" \
		"$host" "$partial" "$out" >>"$work/gen/cases"
}

# compile SRC.dts DST.dtb: dtc, quietly; the error in $work/gen/dtc.err.
compile() {
	dtc -q -I dts -O dtb -o "$2" "$1" 2>"$work/gen/dtc.err"
}

consumers_gen() {
	local g=$work/gen fx=$top/tests/fixtures filter=${CONSUMERS_FILTER:-*}
	local c name host dts board
	local -a args
	mkdir -p "$g"
	: >"$g/cases"
	for c in "$fx"/*.dts; do
		name=$(basename "$c" .dts)
		[[ $name == host-* || $name == bad-* ]] && continue
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $name == $filter ]] || continue
		host=$(sed -n 's|^// host: *||p' "$c" | head -n 1)
		read -r -a args <<<"$(sed -n 's|^// args: *||p' "$c" | head -n 1)"
		if ! compile "$fx/$host" "$g/$name.host.dtb" ||
			! compile "$c" "$g/$name.partial.dtb"; then
			bad "$name" "dtc cannot compile the fixture" "$g/dtc.err"
			continue
		fi
		gen_one "$name" "$g/$name.host.dtb" "$g/$name.partial.dtb" "${args[@]}"
	done
	# shellcheck disable=SC2053 # a glob on purpose
	if [[ example == $filter ]]; then
		if ! compile "$top/examples/board.dts" "$g/example.host.dtb" ||
			! compile "$top/examples/guest.dts" "$g/example.partial.dtb"; then
			bad example "dtc cannot compile examples/" "$g/dtc.err"
		fi
		gen_one example "$g/example.host.dtb" "$g/example.partial.dtb"
		gen_one example-nonode "$g/example.host.dtb" "$g/example.partial.dtb" \
			--no-viommu-node
	fi
	if [[ ! -d $top/../shared/corpus/hostdt ]]; then
		echo "extra skipped: no ../shared/corpus/hostdt next to the repository (its real host trees are not among the cases)"
	fi
	for dts in "$top"/../shared/corpus/hostdt/*.dts; do
		[[ -f $dts ]] || continue
		board=corpus-$(basename "$dts" .dts)
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $board == $filter ]] || continue
		compile "$dts" "$g/$board.host.dtb" || {
			bad "$board" "dtc cannot compile the host DT" "$g/dtc.err"
			continue
		}
		if ! "$mkpartial" "$g/$board.host.dtb" >"$g/$board.partial.dts" \
			2>"$g/dtc.err" ||
			! compile "$g/$board.partial.dts" "$g/$board.partial.dtb"; then
			bad "$board" "mkpartial or dtc failed" "$g/dtc.err"
			continue
		fi
		gen_one "$board" "$g/$board.host.dtb" "$g/$board.partial.dtb"
		gen_one "$board-nonode" "$g/$board.host.dtb" "$g/$board.partial.dtb" \
			--no-viommu-node
	done
}

# for_cases FUNCTION: FUNCTION NAME KIND PHANDLE REG HOST PARTIAL OUT for
# each case; a case whose tool run failed is reported and skipped.
for_cases() {
	local name kind phandle reg host partial out
	while IFS=$'\t' read -r name kind phandle reg host partial out; do
		if [[ $out == - ]]; then
			bad "$name" "viommu-dtgen failed" "$work/gen/$name.err"
			continue
		fi
		"$1" "$name" "$kind" "$phandle" "$reg" "$host" "$partial" "$out"
	done <"$work/gen/cases"
}

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Corpus test: run viommu-dtgen over real host device trees, passing
# through every enabled IOMMU master and iommu-map user of each board (see
# tests/tools/mkpartial.c for the few it leaves out, with a "note" line
# saying why), under both policies (compact, identity), and check the
# result:
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
# The host trees:
#   - every DTB of Debian 12's arm64 kernel package (linux-image-*-arm64,
#     the upstream trees of ~580 boards) that has an enabled IOMMU master
#     (about 300 boards).  The package is fetched once through apt's
#     multiarch support (dpkg --add-architecture arm64, apt-get download)
#     into BUILD_DIR/hostdtb/, which keeps only its DTBs; CORPUS_DTBS=DIR
#     takes the DTBs from DIR instead.  When they cannot be obtained that
#     part is skipped (one SKIP line), not failed;
#   - the DTS files of ../shared/corpus/hostdt/, when that directory exists
#     next to the repository (an extra; one line says when it is absent).
# Each board's line gives its passthrough devices (of which iommu-map
# users), keys and the IDs they cover; the last lines count boards and
# masters.  Boards run two at a time (CORPUS_JOBS, default 2).
#
# A board whose masters need more IDs than the default 16-bit vID space
# holds (AMD's Overdrive: a PCI bus of 0x10000 RIDs and ten more masters)
# must be refused with the space exhausted; it then runs with --vid-bits 17
# and corpus_verify checks that the IDs indeed did not fit.
# CORPUS_VID_BASE (default 0) is passed as --vid-base (above 0 it leaves no
# room in 16 bits for the 0x10000-long iommu-map ranges of the QEMU and FVP
# boards, which then take the same path).
#
# usage: tests/corpus.sh BUILD_DIR
# Needs BUILD_DIR/viommu-dtgen, BUILD_DIR/tests/mkpartial,
# BUILD_DIR/tests/corpus_verify and dtc.

set -u
export LC_ALL=C

prog=${0##*/}

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# fail BOARD POLICY MESSAGE [LOGFILE]: report one failure, with the
# log's lines indented below it.
fail() {
	echo "FAIL $1 $2: $3"
	if [ $# -ge 4 ] && [ -s "$4" ]; then
		head -n 40 "$4" | sed 's/^/    /'
	fi
}

# dtgen DIR [ARGS...]: the tool on $d's host and partial (or ARGS' own
# --partial), outputs in DIR, stderr in DIR/stderr.
dtgen() {
	local o=$1
	shift
	"$tool" --host "$host" -o "$o/out.dtb" --map "$o/map.cfg" \
		--policy "$policy" --xl-ranges "$@" 2>"$o/stderr"
}

# only_warnings FILE: FILE holds nothing but the tool's warnings and hints
# (disabled IOMMUs, SMR masks the xl form leaves out); the other lines are
# in FILE.other.
only_warnings() {
	local line other=()
	while IFS= read -r line; do
		[[ $line == 'viommu-dtgen: warning: '* || $line == 'viommu-dtgen: hint: '* ]] ||
			other+=("$line")
	done <"$1"
	[ ${#other[@]} -eq 0 ] && return 0
	printf '%s\n' "${other[@]}" >"$1.other"
	return 1
}

# run_policy BOARD DIR POLICY: one board under one policy; returns 1 on
# the first failed check.  (Few processes per check: on a 2-core CI
# machine process creation is most of the time.)
run_policy() {
	local board=$1 d=$2 policy=$3
	local w=$d/$policy
	local ndev nmap nkeys nids rc bits=16 wide='' lines left sums
	local -A sum

	mkdir -p "$w/a" "$w/b" "$w/c" || return 1

	dtgen "$w/a" --partial "$d/p.dtb" --vid-base "$vid_base"
	rc=$?
	if [ "$rc" -ne 0 ] && [[ $(<"$w/a/stderr") == *'no free vID left'* ]]; then
		# Too many IDs for 16 bits: corpus_verify's count of them
		# must confirm it below.
		mv "$w/a/stderr" "$w/refused16"
		bits=17
		wide=" --vid-bits 17"
		dtgen "$w/a" --partial "$d/p.dtb" --vid-base "$vid_base" \
			--vid-bits $bits
		rc=$?
	fi
	if [ "$rc" -ne 0 ]; then
		fail "$board" "$policy" "viommu-dtgen$wide exited with status $rc" "$w/a/stderr"
		return 1
	fi
	if ! only_warnings "$w/a/stderr"; then
		fail "$board" "$policy" "unexpected diagnostics" "$w/a/stderr.other"
		return 1
	fi

	if ! "$verify" "$host" "$w/a/out.dtb" "$w/a/map.cfg" "$policy" \
		"$vid_base" "$bits" >"$w/verify" 2>&1; then
		fail "$board" "$policy" "corpus_verify found violations" "$w/verify"
		return 1
	fi
	mapfile -t lines <"$w/verify"
	[[ ${lines[-1]} =~ \ ([0-9]+)\ devices,\ ([0-9]+)\ iommu-map\ users,\ ([0-9]+)\ keys,\ ([0-9]+)\ ids, ]] || {
		fail "$board" "$policy" "corpus_verify gave no summary" "$w/verify"
		return 1
	}
	ndev=${BASH_REMATCH[1]} nmap=${BASH_REMATCH[2]}
	nkeys=${BASH_REMATCH[3]} nids=${BASH_REMATCH[4]}
	echo "$nmap" >"$w/nmap"
	if [ -n "$wide" ] && [ "$nids" -le $((0x10000 - vid_base)) ]; then
		fail "$board" "$policy" "refused in 16 bits although its $nids IDs fit" "$w/refused16"
		return 1
	fi

	# Rule 11: deterministic (b: a second run) and idempotent (c: a run
	# on its own output); compared below.
	if ! dtgen "$w/b" --partial "$d/p.dtb" --vid-base "$vid_base" \
		--vid-bits $bits; then
		fail "$board" "$policy" "second run failed" "$w/b/stderr"
		return 1
	fi
	if ! dtgen "$w/c" --partial "$w/a/out.dtb" --vid-base "$vid_base" \
		--vid-bits $bits; then
		fail "$board" "$policy" "run on its own output failed" "$w/c/stderr"
		return 1
	fi

	# Rule 12: with more IDs than a 1-bit vID space holds, a run into b/
	# must fail and leave b's outputs (a's, if rule 11 holds) exactly
	# as they were, and no other file but its stderr.
	if [ "$nids" -gt 2 ]; then
		dtgen "$w/b" --partial "$d/p.dtb" --vid-bits 1
		rc=$?
		if [ "$rc" -ne 1 ]; then
			fail "$board" "$policy" "--vid-bits 1 with $nids IDs: exit $rc, expected 1" "$w/b/stderr"
			return 1
		fi
		left=("$w"/b/* "$w"/b/.[!.]*)
		if [ ${#left[@]} -ne 3 ]; then
			fail "$board" "$policy" "a failed run left files behind: ${left[*]##*/}"
			return 1
		fi
	fi

	# One md5sum for all the comparisons.
	sums=$(cd "$w" && md5sum a/out.dtb a/map.cfg b/out.dtb b/map.cfg \
		c/out.dtb c/map.cfg) || return 1
	while read -r line left; do sum[$left]=$line; done <<<"$sums"
	if [ "${sum[a/out.dtb]}" != "${sum[b/out.dtb]}" ] ||
		[ "${sum[a/map.cfg]}" != "${sum[b/map.cfg]}" ]; then
		if [ "$nids" -gt 2 ]; then
			fail "$board" "$policy" "not deterministic, or a failed run (--vid-bits 1) changed its output files"
		else
			fail "$board" "$policy" "not deterministic: two runs differ"
		fi
		return 1
	fi
	if [ "${sum[a/out.dtb]}" != "${sum[c/out.dtb]}" ]; then
		fail "$board" "$policy" "not idempotent: output changed when run on its own output"
		return 1
	fi
	if [ "${sum[a/map.cfg]}" != "${sum[c/map.cfg]}" ]; then
		fail "$board" "$policy" "not idempotent: map changed when run on its own output"
		return 1
	fi

	# dtc reads the output back without complaining about iommus or
	# iommu-map.
	if ! dtc -I dtb -O dts -o "$w/out.dts" "$w/a/out.dtb" 2>"$w/dtc"; then
		fail "$board" "$policy" "dtc cannot read the output back" "$w/dtc"
		return 1
	fi
	if [[ $(<"$w/dtc") == *iommus* || $(<"$w/dtc") == *iommu-map* ]]; then
		fail "$board" "$policy" "dtc warns about iommus or iommu-map" "$w/dtc"
		return 1
	fi

	echo "ok $board $policy ($ndev devices of which $nmap iommu-map users, $nkeys keys, $nids IDs$wide)"
	if [ -n "$wide" ]; then
		mapfile -t lines <"$w/refused16"
		echo "note $board $policy: its $nids IDs do not fit the default 16-bit vID space: refused there (no free vID left in ${lines[0]#*: no free vID left in }), checked with --vid-bits 17"
	fi
	return 0
}

# one_board NAME SOURCE DIR: the worker (run by xargs): writes DIR/log and
# DIR/result ("skip", or "PASSED FAILED DEVICES MAPUSERS").
one_board() {
	local board=$1 src=$2 d=$3 policy np=0 nf=0 ndev nmap='' host=$2 line
	mkdir -p "$d" || return 1
	exec >"$d/log" 2>&1
	case $src in
	*.dts)
		host=$d/host.dtb
		if ! dtc -q -I dts -O dtb -o "$host" "$src" 2>"$d/dtc"; then
			fail "$board" "-" "dtc cannot compile the host DT" "$d/dtc"
			echo "0 2 0 0" >"$d/result"
			return 0
		fi ;;
	esac
	if ! "$mkpartial" "$host" >"$d/p.dts" 2>"$d/mkpartial"; then
		fail "$board" "-" "mkpartial failed" "$d/mkpartial"
		echo "0 2 0 0" >"$d/result"
		return 0
	fi
	# A Debian board with no enabled IOMMU master is not a case (the
	# trees of ../shared always are).
	ndev=0
	while IFS= read -r line; do
		[[ $line == *'xen,path = '* ]] && ndev=$((ndev + 1))
	done <"$d/p.dts"
	if [ "$ndev" -eq 0 ] && [[ $board != shared/* ]]; then
		echo skip >"$d/result"
		return 0
	fi
	# Nodes left out (or given xen,force-assign-without-iommu), and why.
	sed -n "s|^mkpartial: note: |note $board: |p" "$d/mkpartial"
	if ! dtc -q -I dts -O dtb -o "$d/p.dtb" "$d/p.dts" 2>"$d/dtc"; then
		fail "$board" "-" "dtc cannot compile the partial DT" "$d/dtc"
		echo "0 2 $ndev 0" >"$d/result"
		return 0
	fi
	for policy in compact identity; do
		if run_policy "$board" "$d" "$policy"; then
			np=$((np + 1))
		else
			nf=$((nf + 1))
		fi
	done
	[ -f "$d/compact/nmap" ] && read -r nmap <"$d/compact/nmap"
	echo "$np $nf $ndev ${nmap:-0}" >"$d/result"
	# Keep the scratch small: 600 boards' outputs add up.
	[ "$nf" -ne 0 ] || rm -rf "$d/compact" "$d/identity"
}

# --- the worker: tests/corpus.sh --one BUILD_DIR NAME SOURCE DIR... --------
if [ "${1:-}" = --one ] && [ $# -ge 5 ]; then
	build=$2
	tool=$build/viommu-dtgen
	mkpartial=$build/tests/mkpartial
	verify=$build/tests/corpus_verify
	vid_base=${CORPUS_VID_BASE:-0}
	shopt -s nullglob
	shift 2
	while [ $# -ge 3 ]; do
		(one_board "$1" "$2" "$3")
		shift 3
	done
	exit 0
fi

if [ $# -ne 1 ]; then
	echo "usage: $prog BUILD_DIR" >&2
	exit 2
fi

build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "$prog: build directory '$1' not found" >&2
	exit 1
}
for f in viommu-dtgen tests/mkpartial tests/corpus_verify; do
	if [ ! -x "$build/$f" ]; then
		echo "$prog: $build/$f not found; build it first (make)" >&2
		exit 1
	fi
done
if ! command -v dtc >/dev/null 2>&1; then
	echo "$prog: dtc not found (Debian package device-tree-compiler)" >&2
	exit 1
fi
top=$(cd "$(dirname "$0")/.." && pwd)
shared=$top/../shared/corpus/hostdt
cache=$build/hostdtb
jobs=${CORPUS_JOBS:-2}
start=$SECONDS
skipped=0

# get_dtbs: Debian 12's linux-image-*-arm64 (the generic flavour, which
# ships the upstream DTBs; the cloud flavour ships none) through apt
# multiarch, its DTBs kept in $cache/dtbs; prints why it failed.
get_dtbs() {
	local deb x
	rm -rf "$cache/deb" "$cache/x" || return 1
	deb=$(arm64_deb linux-image-arm64 arm64 "$cache/deb") || {
		echo "$deb"
		return 1
	}
	mkdir -p "$cache/x" || return 1
	if ! dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$cache/x" --wildcards './usr/lib/linux-image-*/*'; then
		echo "cannot unpack the DTBs of '$deb'"
		return 1
	fi
	x=$(find "$cache/x/usr/lib" -mindepth 1 -maxdepth 1 -name 'linux-image-*' | head -n 1)
	if [ -z "$x" ] || [ -z "$(find "$x" -name '*.dtb' | head -n 1)" ]; then
		echo "$(basename "$deb") ships no DTBs under /usr/lib/linux-image-*/"
		return 1
	fi
	rm -rf "$cache/dtbs" && mv "$x" "$cache/dtbs" &&
		echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >"$cache/package" &&
		rm -rf "$cache/x" "$cache/deb"
}

t_init corpus
list=$tmp/boards
: >"$list"

# The Debian kernel's DTBs.
dtbs=${CORPUS_DTBS:-$cache/dtbs}
if [ -z "${CORPUS_DTBS:-}" ] && [ ! -f "$cache/package" ]; then
	t0=$SECONDS
	if why=$(get_dtbs 2>&1); then
		echo "host trees: $(cat "$cache/package") from Debian, apt-get download into $cache ($((SECONDS - t0)) s)"
	else
		echo "SKIP check-corpus (Debian kernel DTBs): the arm64 kernel package cannot be obtained: $why"
		skipped=$((skipped + 1))
		dtbs=
	fi
elif [ -z "${CORPUS_DTBS:-}" ]; then
	echo "host trees: $(cat "$cache/package") (cached in $cache)"
fi
if [ -n "$dtbs" ]; then
	if [ ! -d "$dtbs" ]; then
		echo "$prog: CORPUS_DTBS=$dtbs is not a directory" >&2
		exit 1
	fi
	(cd "$dtbs" && find . -name '*.dtb' | sed 's|^\./||' | sort) |
		while read -r f; do
			printf '%s\t%s\n' "${f%.dtb}" "$dtbs/$f"
		done >>"$list"
	ndtb=$(wc -l <"$list")
fi

# The extra trees of ../shared, when present.
if [ -d "$shared" ]; then
	for f in "$shared"/*.dts; do
		[ -f "$f" ] && printf 'shared/%s\t%s\n' "$(basename "$f" .dts)" "$f" >>"$list"
	done
else
	echo "extra skipped: no ../shared/corpus/hostdt next to the repository (its 13 host trees run when it is there)"
fi
if [ ! -s "$list" ]; then
	echo "0 passed, 0 failed, $skipped skipped"
	[ "$skipped" -gt 0 ] && exit 0
	echo "$prog: no host trees" >&2
	exit 1
fi

# Two boards at a time; each writes its own log, shown in list order.
awk -F'\t' -v t="$tmp/b" '{ d = $1; gsub("/", "_", d); printf "%s\t%s\t%s/%s\n", $1, $2, t, d }' "$list" >"$list.jobs"
tr '\n' '\0' <"$list.jobs" | tr '\t' '\0' |
	xargs -0 -n 24 -P "$jobs" "$0" --one "$build"
nboards=0 ndevs=0 nmaps=0 nnone=0 nshared=0
while IFS=$'\t' read -r board src d; do
	cat "$d/log" 2>/dev/null
	if [ ! -f "$d/result" ]; then
		fail "$board" "-" "the worker died" "$d/log"
		failed=$((failed + 2))
		continue
	fi
	read -r np nf nd nm <"$d/result"
	if [ "$np" = skip ]; then
		nnone=$((nnone + 1))
		continue
	fi
	passed=$((passed + np))
	failed=$((failed + nf))
	case $board in
	shared/*) nshared=$((nshared + 1)) ;;
	*) nboards=$((nboards + 1)) ndevs=$((ndevs + nd)) nmaps=$((nmaps + nm)) ;;
	esac
done <"$list.jobs"

if [ -n "$dtbs" ]; then
	echo "Debian kernel DTBs: $nboards boards with IOMMU masters (of $ndtb; $nnone have none), $ndevs masters passed through (of which $nmaps iommu-map users), 2 policies each"
fi
[ -d "$shared" ] && echo "../shared/corpus/hostdt: $nshared boards"
echo "corpus: $((SECONDS - start)) s with $jobs jobs"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Two oracles written from the rules, not from the tool's code:
#   tests/tools/series_oracle.py  replays the vSID allocation of Xen's
#       vSMMUv3 series (v3, 2026) on the tool's partial DTB and checks the
#       map (--xen-abi vsmmuv3-v3, builders libxl, libxl --vpci, dom0less);
#   tests/tools/edt_check.py      the phandle, interrupts and dangling
#       reference rules of Zephyr's edtlib on every DTS the tool writes
#       (-o out.dts and --guest-view) under each --xen-abi/--builder pair it
#       accepts; each such DTS must also compile with dtc to the tree of the
#       DTB the tool writes for the same inputs.
# Inputs: examples/ and every good fixture of tests/fixtures/ (its
# "// host:" line; its other directives are not used).  A run the tool
# refuses (exit 1) is counted, and must leave no file.  Both oracles are
# first run on hand-made inputs, and outputs broken on purpose must fail
# them (the "ok teeth ..." lines show each oracle's message).
#
# Usage: tests/consumers/oracles.sh [BUILD_DIR]
#        ORACLES_VERBOSE=1 ...   also list every refused run and its reason
set -u

build=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$top/tests/fixtures
series=$top/tests/tools/series_oracle.py
edt=$top/tests/tools/edt_check.py
verbose=${ORACLES_VERBOSE:-0}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
t_init oracles
work=$tmp

if [[ ! -x $build/viommu-dtgen ]]; then
	echo "oracles.sh: $build/viommu-dtgen not found (build it first)" >&2
	exit 2
fi
tool=$(cd "$build" && pwd)/viommu-dtgen

# expect_pass NAME CMD...: ok NAME when CMD exits 0.
expect_pass() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	verdict "$rc" "$name" "exit $rc: $out"
}

# expect_fail NAME CMD...: ok NAME, followed by the oracle's one-line
# message, when CMD exits 1.
expect_fail() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [[ $rc -eq 1 && -n $out ]]; then
		ok "teeth $name: $(head -n 1 <<<"$out")"
	else
		bad "teeth $name" "exit $rc (want 1 and a reason): $out"
	fi
}

# queue LIST NAME ARGS...: one oracle check for run_batch (the oracles
# take "NAME<TAB>ARGS" lines with --batch: one python3 start for them all).
queue() {
	local list=$1 name=$2
	shift 2
	printf '%s\t%s\n' "$name" "$*" >>"$list"
}

# run_batch ORACLE LIST: run the queued checks; an ok or bad line each.
run_batch() {
	local line n=0
	[[ -s $2 ]] || return 0
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }" ;;
		"FAIL "*)
			line=${line#FAIL }
			bad "${line%%: *}" "${line#*: }"
			;;
		*) bad "$(basename "$1")" "$line" ;;
		esac
		n=$((n + 1))
	done < <(python3 "$1" --batch "$2" 2>&1)
	[[ $n -eq $(wc -l <"$2") ]] || bad "$(basename "$1") --batch" "$n results for $(wc -l <"$2") checks"
}

# compile SRC.dts DST.dtb
compile() {
	dtc -q -I dts -O dtb -o "$2" "$1"
}

# mutate_map MODE IN OUT: a YAML map broken on purpose.
#   vid   the first entry that is not vPCI moves up by 0x100
#   swap  two entries on different physical IOMMUs swap their piommu
mutate_map() {
	python3 - "$@" <<'EOF'
import sys
import yaml
mode, src, dst = sys.argv[1:4]
with open(src, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
ents = [e for e in doc.get("entries") or [] if not e.get("vpci")]
if mode == "vid":
    if not ents:
        sys.exit("no entry to move")
    ents[0]["vid"] += 0x100
else:
    for a in ents:
        for b in ents:
            if a["piommu"]["path"] != b["piommu"]["path"]:
                a["piommu"], b["piommu"] = b["piommu"], a["piommu"]
                break
        else:
            continue
        break
    else:
        sys.exit("no two entries on different IOMMUs")
with open(dst, "w", encoding="utf-8") as f:
    yaml.safe_dump(doc, f, sort_keys=False)
EOF
}

# --------------------------------------------------------------------------
# 1. The oracles on hand-made inputs.

self=$work/self
mkdir -p "$self"
cat >"$self/host.dts" <<'EOF'
/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	soc {
		#address-cells = <1>;
		#size-cells = <1>;
		smmu: iommu@1000 { reg = <0x1000 0x100>; #iommu-cells = <1>; };
		ipmmu: iommu@2000 { reg = <0x2000 0x100>; #iommu-cells = <1>; };
		a@3000 { reg = <0x3000 0x100>; iommus = <&smmu 0x10>; };
		b@4000 { reg = <0x4000 0x100>; iommus = <&ipmmu 0>, <&ipmmu 1>; };
		c@5000 { reg = <0x5000 0x100>; iommus = <&smmu 0x20>; };
	};
};
EOF
# libxl: a and b direct children; dom0less: c below a bus, between them.
cat >"$self/lx.dts" <<'EOF'
/dts-v1/;
/ {
	passthrough {
		a@3000 { xen,path = "/soc/a@3000"; iommus = <0xfdea 0x10>; };
		b@4000 { xen,path = "/soc/b@4000"; iommus = <0xfdea 0>, <0xfdea 1>; };
	};
};
EOF
cat >"$self/d0l.dts" <<'EOF'
/dts-v1/;
/ {
	passthrough {
		a@3000 { xen,path = "/soc/a@3000"; iommus = <0xfdea 0x10>; };
		bus@0 {
			c@5000 { xen,path = "/soc/c@5000"; iommus = <0xfdea 0x20>; };
		};
		b@4000 { xen,path = "/soc/b@4000"; iommus = <0xfdea 0>, <0xfdea 1>; };
	};
};
EOF
# ent VID PID IOMMU NODE HOST: one map entry
ent() {
	printf -- '- vid: %s\n  count: 1\n  pid: %s\n  mask: 0x0\n  piommu: {path: %s, base: 0x0}\n  devices:\n  - {node: %s, host: %s}\n' "$@"
}
{
	echo 'version: 1'
	echo 'allocated-by: xen'
	echo 'entries:'
	ent 0x0 0x10 /soc/iommu@1000 /passthrough/a@3000 /soc/a@3000
	ent 0x1 0x0 /soc/iommu@2000 /passthrough/b@4000 /soc/b@4000
	ent 0x2 0x1 /soc/iommu@2000 /passthrough/b@4000 /soc/b@4000
} >"$self/lx.yaml"
{
	echo 'version: 1'
	echo 'allocated-by: xen'
	echo 'entries:'
	echo '- {vid: 0x0, count: 0x1000, pid: 0x0, mask: 0x0, vpci: true}'
	ent 0x1000 0x10 /soc/iommu@1000 /passthrough/a@3000 /soc/a@3000
	ent 0x1001 0x0 /soc/iommu@2000 /passthrough/b@4000 /soc/b@4000
	ent 0x1002 0x1 /soc/iommu@2000 /passthrough/b@4000 /soc/b@4000
} >"$self/lxv.yaml"
{
	echo 'version: 1'
	echo 'allocated-by: xen'
	echo 'entries:'
	ent 0x0 0x10 /soc/iommu@1000 /passthrough/a@3000 /soc/a@3000
	ent 0x1 0x20 /soc/iommu@1000 /passthrough/bus@0/c@5000 /soc/c@5000
	ent 0x2 0x0 /soc/iommu@2000 /passthrough/b@4000 /soc/b@4000
	ent 0x3 0x1 /soc/iommu@2000 /passthrough/b@4000 /soc/b@4000
} >"$self/d0l.yaml"
for f in host lx d0l; do
	compile "$self/$f.dts" "$self/$f.dtb" || bad "self dtc $f" "dtc failed"
done
expect_pass "self series libxl" python3 "$series" --builder libxl "$self/host.dtb" "$self/lx.dtb" "$self/lx.yaml"
expect_pass "self series libxl --vpci" python3 "$series" --builder libxl --vpci "$self/host.dtb" "$self/lx.dtb" "$self/lxv.yaml"
expect_pass "self series dom0less" python3 "$series" --builder dom0less "$self/host.dtb" "$self/d0l.dtb" "$self/d0l.yaml"
expect_fail "self series libxl map without vpci entry" python3 "$series" --builder libxl --vpci "$self/host.dtb" "$self/lx.dtb" "$self/lx.yaml"
expect_fail "self series dom0less order under libxl (nested device)" python3 "$series" --builder libxl "$self/host.dtb" "$self/d0l.dtb" "$self/d0l.yaml"
expect_fail "self series libxl order under dom0less (map misses the nested device)" python3 "$series" --builder dom0less "$self/host.dtb" "$self/d0l.dtb" "$self/lx.yaml"
if mutate_map vid "$self/lx.yaml" "$self/vid.yaml"; then
	expect_fail "self series vid changed" python3 "$series" --builder libxl "$self/host.dtb" "$self/lx.dtb" "$self/vid.yaml"
else
	bad "self series vid changed" "cannot mutate the map"
fi
if mutate_map swap "$self/lx.yaml" "$self/swap.yaml"; then
	expect_fail "self series piommu swapped" python3 "$series" --builder libxl "$self/host.dtb" "$self/lx.dtb" "$self/swap.yaml"
else
	bad "self series piommu swapped" "cannot mutate the map"
fi
cp "$self/lx.dtb" "$self/psid.dtb"
fdtput -t x "$self/psid.dtb" /passthrough/a@3000 iommus 0xfdea 0x11
expect_fail "self series pSID cell changed" python3 "$series" --builder libxl "$self/host.dtb" "$self/psid.dtb" "$self/lx.yaml"
sed 's/allocated-by: xen/allocated-by: tool/' "$self/lx.yaml" >"$self/alloc.yaml"
expect_fail "self series allocated-by not xen" python3 "$series" --builder libxl "$self/host.dtb" "$self/lx.dtb" "$self/alloc.yaml"
{
	cat "$self/lx.yaml"
	ent 0x3 0x20 /soc/iommu@1000 /passthrough/a@3000 /soc/a@3000
} >"$self/extra.yaml"
expect_fail "self series extra map entry" python3 "$series" --builder libxl "$self/host.dtb" "$self/lx.dtb" "$self/extra.yaml"

# edt: a good file, then each rule broken once.
cat >"$self/edt-good.dts" <<'EOF'
/dts-v1/;
/memreserve/ 0x1000 0x2000;
/* a block comment */
/ {
	#address-cells = <2>; // a line comment
	#size-cells = <2>;
	model = "a \"quoted\" \x41\101\n";
	bytes = [00 01 ab];
	gic: gic {
		#interrupt-cells = <3>;
		interrupt-controller;
	};
	viommu: iommu@4040000 {
		compatible = "arm,smmu-v3";
		#iommu-cells = <1>;
		interrupt-parent = <&gic>;
		interrupts = <0 1 0xf04>;
	};
	aliases {
		eth0 = &eth;
		eth1 = &{/passthrough/ethernet@ff0e0000};
	};
	passthrough {
		interrupt-parent = <&{/gic}>;
		eth: ethernet@ff0e0000 {
			r: reg = <0x0 0xff0e0000 0x0 0x1000>;
			interrupts = <0x0 0x3f 0x4>, <0 0x40 4>;
			iommus = <&viommu 0>, <&viommu 1>;
		};
		pcie@0 { iommu-map = <0 &viommu 2 0x10>; };
	};
};
EOF
expect_pass "self edt good" python3 "$edt" "$self/edt-good.dts"
sed 's/interrupt-parent = <&{\/gic}>/interrupt-parent = <0x1>/' "$self/edt-good.dts" >"$self/edt-num.dts"
expect_fail "self edt raw number in interrupt-parent" python3 "$edt" "$self/edt-num.dts"
sed 's/<0x0 0x3f 0x4>, <0 0x40 4>/<0x0 0x3f 0x4 0x1>/' "$self/edt-good.dts" >"$self/edt-irq.dts"
expect_fail "self edt 4 interrupt cells under a 3-cell parent" python3 "$edt" "$self/edt-irq.dts"
sed 's/<&viommu 0>, <&viommu 1>/<\&viommu 0>, <\&nosuch 1>/' "$self/edt-good.dts" >"$self/edt-dangle.dts"
expect_fail "self edt dangling &label" python3 "$edt" "$self/edt-dangle.dts"
sed 's/<0 &viommu 2 0x10>/<0 0xfdea 2 0x10>/' "$self/edt-good.dts" >"$self/edt-map.dts"
expect_fail "self edt raw number in iommu-map" python3 "$edt" "$self/edt-map.dts"
expect_pass "self edt raw number allowed" python3 "$edt" --allow-number 0xfdea "$self/edt-map.dts"
sed 's/interrupts = <0 1 0xf04>;/interrupts = <0 1 0xf04>/' "$self/edt-good.dts" >"$self/edt-syntax.dts"
expect_fail "self edt unparseable" python3 "$edt" "$self/edt-syntax.dts"

# --------------------------------------------------------------------------
# 2. The tool's outputs.

help=$("$tool" --help 2>&1)
if [[ $help != *--xen-abi* || $help != *--builder* ]]; then
	bad "tool options" "$tool --help names no --xen-abi/--builder: cannot run the tool's cases"
	t_done
	exit
fi
have_vpci=0 have_gv=0
[[ $help == *--vpci* ]] && have_vpci=1
[[ $help == *--guest-view* ]] && have_gv=1
((have_vpci)) || bad "tool options" "--help names no --vpci"
((have_gv)) || bad "tool options" "--help names no --guest-view"

# The cases: NAME HOST.dts PARTIAL.dts ONLY ("-", or the one builder to
# run).  Every fixture writes its GIC placeholder `gic: gic { phandle =
# <0xfde8>; ... }`, which Xen's dom0less builder refuses (a phandle of
# 64999 or more), so each also runs under dom0less as NAME-gic-label: the
# same partial with the GIC known by its label only.
mkdir -p "$work/src"
cases=()
# add_case NAME HOST PARTIAL
add_case() {
	cases+=("$1 $2 $3 -")
	if grep -q 'gic:' "$3" && grep -q 'phandle = <0xfde8>;' "$3"; then
		sed -e 's/phandle = <0xfde8>;//' -e 's/<0xfde8>/<\&gic>/g' "$3" >"$work/src/$1-gic-label.dts"
		cases+=("$1-gic-label $2 $work/src/$1-gic-label.dts dom0less")
	fi
}
add_case example "$top/examples/board.dts" "$top/examples/guest.dts"
for f in "$fixtures"/*.dts; do
	b=$(basename "$f" .dts)
	[[ $b == bad-* || $b == host-* ]] && continue
	h=$(sed -n 's|^// host: *||p' "$f" | head -n 1)
	if [[ -z $h || ! -f $fixtures/$h ]]; then
		bad "fixture $b" "no usable '// host:' line"
		continue
	fi
	add_case "$b" "$fixtures/$h" "$f"
done

mkdir -p "$work/in"
# prepare NAME HOST PARTIAL: $work/in/NAME.{host,partial}.dtb, and
# NAME.gic when the partial has a GIC placeholder (a /gic node).
prepare() {
	compile "$2" "$work/in/$1.host.dtb" 2>/dev/null &&
		compile "$3" "$work/in/$1.partial.dtb" 2>/dev/null || return 1
	if fdtget -l "$work/in/$1.partial.dtb" / 2>/dev/null | grep -Eq '^gic(@|$)'; then
		: >"$work/in/$1.gic"
	fi
}

# refused NAME WHAT DIR: count a refusal; it must leave no output.
refused() {
	local left
	left=$(find "$3" -mindepth 1 -name '*.d*' -o -mindepth 1 -name '*.yaml' | head -n 1)
	[[ -z $left ]] || bad "$1 $2 refused" "left $left behind"
	((verbose)) && echo "# refused $1 $2: $(head -n 1 "$3/err")"
	return 0
}

s_ok=0 s_refused=0
for c in "${cases[@]}"; do
	read -r name host partial only <<<"$c"
	if ! prepare "$name" "$host" "$partial"; then
		bad "$name" "dtc failed on its inputs"
		continue
	fi
	for mode in libxl libxl-vpci dom0less; do
		((have_vpci)) || [[ $mode != libxl-vpci ]] || continue
		[[ $only == - || $only == "$mode" ]] || continue
		d=$work/s/$name.$mode
		mkdir -p "$d"
		args=(--builder "${mode%-vpci}")
		oargs=(--builder "${mode%-vpci}")
		if [[ $mode == libxl-vpci ]]; then
			args+=(--vpci)
			oargs+=(--vpci)
		fi
		"$tool" --host "$work/in/$name.host.dtb" --partial "$work/in/$name.partial.dtb" \
			--xen-abi vsmmuv3-v3 "${args[@]}" -o "$d/out.dtb" --map "$d/map.yaml" 2>"$d/err"
		rc=$?
		case $rc in
		0)
			s_ok=$((s_ok + 1))
			queue "$work/series.batch" "series $name $mode" "${oargs[@]}" \
				"$work/in/$name.host.dtb" "$d/out.dtb" "$d/map.yaml"
			;;
		1)
			s_refused=$((s_refused + 1))
			refused "$name" "series $mode" "$d"
			;;
		*) bad "series $name $mode" "tool exit $rc: $(head -n 1 "$d/err")" ;;
		esac
	done
done
run_batch "$series" "$work/series.batch"
echo "# series: $s_ok runs accepted and checked, $s_refused refused"
verdict $((s_ok == 0)) "series: some runs accepted" "the tool refused every vsmmuv3-v3 run"

# Series teeth, on the first libxl output whose map has entries on two
# physical IOMMUs.
teeth=
for c in "${cases[@]}"; do
	read -r name _ <<<"$c"
	d=$work/s/$name.libxl
	[[ -s $d/out.dtb ]] && mutate_map swap "$d/map.yaml" "$d/swap.yaml" 2>/dev/null && {
		teeth=$name
		break
	}
done
if [[ -n $teeth ]]; then
	echo "# series teeth on $teeth (builder libxl)"
	h=$work/in/$teeth.host.dtb
	if mutate_map vid "$d/map.yaml" "$d/vid.yaml"; then
		expect_fail "series vid of one entry changed" python3 "$series" --builder libxl "$h" "$d/out.dtb" "$d/vid.yaml"
	else
		bad "teeth series vid of one entry changed" "cannot mutate the map"
	fi
	# The first device of the map, its first iommus pair.
	node=$(python3 -c 'import sys, yaml
e = [e for e in yaml.safe_load(open(sys.argv[1]))["entries"] if not e.get("vpci")]
print(e[0]["devices"][0]["node"])' "$d/map.yaml")
	read -r ph sid rest < <(fdtget -t x "$d/out.dtb" "$node" iommus 2>/dev/null)
	cp "$d/out.dtb" "$d/psid.dtb"
	# shellcheck disable=SC2086 # rest: the other cells, one argument each
	if [[ -n ${sid:-} ]] && fdtput -t x "$d/psid.dtb" "$node" iommus "$ph" "$(printf %x $((0x$sid + 1)))" ${rest:-}; then
		expect_fail "series pSID cell changed (fdtput)" python3 "$series" --builder libxl "$h" "$d/psid.dtb" "$d/map.yaml"
	else
		bad "teeth series pSID cell changed (fdtput)" "$node has no 2-cell iommus in the output"
	fi
	expect_fail "series two entries' piommu paths swapped" python3 "$series" --builder libxl "$h" "$d/out.dtb" "$d/swap.yaml"
else
	bad "teeth series" "no libxl output has map entries on two IOMMUs"
fi
# nested.dts has a device below a bus inside /passthrough.  If the tool
# writes it under libxl, the dom0less replay must disagree; if it refuses,
# its dom0less output read under the libxl rules must fail.
if [[ -s $work/s/nested.libxl/out.dtb ]]; then
	d=$work/s/nested.libxl
	expect_fail "series dom0less order on a libxl case with a nested device" python3 "$series" \
		--builder dom0less "$work/in/nested.host.dtb" "$d/out.dtb" "$d/map.yaml"
elif [[ -s $work/s/nested-gic-label.dom0less/out.dtb ]]; then
	d=$work/s/nested-gic-label.dom0less
	expect_fail "series dom0less output with a nested device read under the libxl rules" python3 "$series" \
		--builder libxl "$work/in/nested.host.dtb" "$d/out.dtb" "$d/map.yaml"
else
	bad "teeth series nested" "the tool refused nested.dts under both builders"
fi

# Zephyr DTS: -o out.dts and --guest-view under each pair the tool accepts.
z_ok=0 z_refused=0 z_usage=0
declare -A usage=()
for c in "${cases[@]}"; do
	read -r name host partial only <<<"$c"
	[[ -s $work/in/$name.partial.dtb ]] || continue
	gic=0
	[[ -e $work/in/$name.gic ]] && gic=1
	for abi in devid-map none vsmmuv3-v3; do
		for b in none libxl dom0less; do
			[[ $only == - || $only == "$b" ]] || continue
			d=$work/z/$name.$abi.$b
			mkdir -p "$d"
			in=(--host "$work/in/$name.host.dtb" --partial "$work/in/$name.partial.dtb"
				--xen-abi "$abi" --builder "$b")
			gv=()
			((have_gv)) && gv=(--guest-view "$d/guest.dts")
			"$tool" "${in[@]}" -o "$d/out.dts" "${gv[@]}" 2>"$d/err"
			rc=$?
			if [[ $rc -eq 1 ]]; then
				z_refused=$((z_refused + 1))
				refused "$name" "dts $abi/$b" "$d"
				continue
			elif [[ $rc -eq 2 ]]; then
				# A pair the tool's usage rules out (e.g. vsmmuv3-v3 with
				# builder none): not accepted, counted once per pair.
				if [[ -z ${usage[$abi/$b]:-} ]]; then
					usage[$abi/$b]=$(head -n 1 "$d/err")
				fi
				z_usage=$((z_usage + 1))
				continue
			elif [[ $rc -ne 0 ]]; then
				bad "dts $name $abi/$b" "tool exit $rc: $(head -n 1 "$d/err")"
				continue
			fi
			z_ok=$((z_ok + 1))
			allow=()
			if [[ $b != none ]]; then
				allow=(--allow-number 0xfdea --allow-number 0xfde8)
			elif ((!gic)); then
				allow=(--allow-number 0xfde8)
			fi
			queue "$work/edt.batch" "edt $name $abi/$b out.dts" "${allow[@]}" "$d/out.dts"
			if ((have_gv)); then
				allow=()
				((gic)) || allow=(--allow-number 0xfde8)
				if [[ -s $d/guest.dts ]]; then
					queue "$work/edt.batch" "edt $name $abi/$b guest view" "${allow[@]}" "$d/guest.dts"
				else
					bad "edt $name $abi/$b guest view" "no guest view written"
				fi
			fi
			# The DTS compiles to the tree of the DTB written for the same inputs.
			if ! "$tool" "${in[@]}" -o "$d/out.dtb" 2>"$d/err2"; then
				bad "dtc $name $abi/$b" "the DTS run passed, the DTB run failed: $(head -n 1 "$d/err2")"
				continue
			fi
			if ! dtc -q -I dts -O dtb -o "$d/dts.dtb" "$d/out.dts" 2>"$d/dtc.err"; then
				bad "dtc $name $abi/$b" "dtc cannot compile out.dts" "$d/dtc.err"
				continue
			fi
			dtc -q -I dtb -O dts -o "$d/a.txt" "$d/dts.dtb" &&
				dtc -q -I dtb -O dts -o "$d/b.txt" "$d/out.dtb" &&
				diff -u "$d/b.txt" "$d/a.txt" >"$d/diff"
			verdict $? "dtc $name $abi/$b DTS = DTB" "dtc -O dtb of out.dts differs from the tool's DTB" "$d/diff"
		done
	done
done
run_batch "$edt" "$work/edt.batch"

# edt teeth, on the example's DTS (devid-map, builder none; its partial has
# a GIC placeholder, so no number is allowed).
d=$work/z/example.devid-map.none
if [[ -s $d/out.dts ]]; then
	# tooth NAME SED: out.dts edited by SED must fail edt_check.
	tooth() {
		sed -e "$2" "$d/out.dts" >"$d/tooth.dts"
		if cmp -s "$d/out.dts" "$d/tooth.dts"; then
			bad "teeth edt $1" "the edit changed nothing in out.dts"
		else
			expect_fail "edt $1" python3 "$edt" "$d/tooth.dts"
		fi
	}
	tooth "raw number in interrupt-parent" '0,/interrupt-parent = <&[^>]*>;/s//interrupt-parent = <0xfde8>;/'
	tooth "interrupts of 4 cells under a 3-cell parent" '0,/interrupts = <\(0x[0-9a-f]* 0x[0-9a-f]* 0x[0-9a-f]*\)>;/s//interrupts = <\1 0x0>;/'
	tooth "dangling &label" '0,/interrupt-parent = <&[^>]*>;/s//interrupt-parent = <\&nosuch>;/'
else
	bad "teeth edt" "the tool refused the example (devid-map, builder none)"
fi
echo "# dts: $z_ok runs accepted and checked, $z_refused refused, $z_usage usage errors"
for k in "${!usage[@]}"; do
	echo "# usage error for --xen-abi/--builder $k: ${usage[$k]}"
done
verdict $((z_ok == 0)) "dts: some runs accepted" "the tool refused every DTS run"

t_done

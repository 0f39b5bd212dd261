#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Hostile inputs and careless hands: inputs that would hang dtc, outputs
# that would destroy what they should not, and the command-line mistakes
# that must be clear usage errors.
#
# Usage: tests/hostile.sh [BUILD_DIR]     (BUILD_DIR holds viommu-dtgen)
#
# Every run is bounded by timeout(1) (HOSTILE_TIMEOUT, default 60 s): a
# hang is a failure, not a stuck test.

set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
tool=$(cd "$build" && pwd)/viommu-dtgen
[[ -x $tool ]] || {
	echo "hostile.sh: $tool not found (build it first)" >&2
	exit 2
}
limit=${HOSTILE_TIMEOUT:-60}
t_init hostile
ex=$root/examples
dtc -q -I dts -O dtb -o "$tmp/host.dtb" "$ex/board.dts" || exit 2
dtc -q -I dts -O dtb -o "$tmp/guest.dtb" "$ex/guest.dts" || exit 2

# tool ARGS...: the tool on the example, bounded; stdout to $tmp/out,
# stderr to $tmp/err; returns its status.
tool() {
	timeout "$limit" "$tool" "$@" >"$tmp/out" 2>"$tmp/err"
}

first() { head -n 1 "$tmp/err"; }

# expect NAME RC WANT [TEXT]: exit status WANT and, if given, TEXT in the
# first stderr line.
expect() {
	local name=$1 rc=$2 want=$3 text=${4:-}
	if [[ $rc != "$want" ]]; then
		bad "$name" "exit $rc, not $want: $(first)"
	elif [[ -n $text && $(first) != *"$text"* ]]; then
		bad "$name" "first stderr line lacks '$text': $(first)"
	else
		ok "$name"
	fi
}

# --- 1: no input can hang the tool ------------------------------------------

# The two lines that make dtc 1.6 loop for ever.
cat >"$tmp/hang.dts" <<'EOF'
/dts-v1/;
/ {
	x: x { #iommu-cells = <0xffffffff>; };
	y { iommus = <&x>; };
};
EOF
tool --host "$tmp/host.dtb" --partial "$tmp/hang.dts" -o "$tmp/o.dtb"
expect "#iommu-cells = <0xffffffff> refused before dtc" $? 1 \
	'hang.dts:3: #iommu-cells: 0xffffffff cells'

sed 's/<0xffffffff>/<5>/; s/iommu-cells/address-cells/' "$tmp/hang.dts" >"$tmp/cells5.dts"
tool --host "$tmp/cells5.dts" --partial "$tmp/guest.dtb" -o "$tmp/o.dtb"
expect "#address-cells = <5> in the host refused" $? 1 \
	'cells5.dts:3: #address-cells: 5 cells'

# An expression the scan leaves to dtc: dtc hangs, the time limit kills it.
sed 's/<0xffffffff>/<(0xffffffff)>/' "$tmp/hang.dts" >"$tmp/hang-expr.dts"
start=$SECONDS
tool --timeout 2 --host "$tmp/host.dtb" --partial "$tmp/hang-expr.dts" -o "$tmp/o.dtb"
rc=$?
if ((SECONDS - start > 20)); then
	bad "dtc killed after --timeout" "took $((SECONDS - start)) s"
else
	expect "dtc killed after --timeout" $rc 1 \
		'hang-expr.dts: dtc did not finish within 2 s'
fi
[[ ! -e $tmp/o.dtb ]]
verdict $? "nothing written after a timeout" "$tmp/o.dtb written"

# The preprocessor's output is scanned too, with its line markers.
mkdir -p "$tmp/inc"
printf '#define CELLS 0xffffffff\n' >"$tmp/inc/cells.h"
sed 's/<0xffffffff>/<CELLS>/; s|^/dts-v1/;|&\n#include <cells.h>|' "$tmp/hang.dts" >"$tmp/hang-cpp.dts"
tool --cpp -i "$tmp/inc" --host "$tmp/host.dtb" --partial "$tmp/hang-cpp.dts" -o "$tmp/o.dtb"
expect "--cpp: #iommu-cells from a macro refused, at its line" $? 1 \
	'hang-cpp.dts:4: #iommu-cells: 0xffffffff cells'

# --- 2: outputs never destroy what they should not -----------------------------

w=$tmp/w
fresh() {
	rm -rf "$w" && mkdir -p "$w" && cp "$tmp/host.dtb" "$w/host.dtb" &&
		cp "$ex/guest.dts" "$w/guest.dts"
}

# expect_kept NAME FILE COPY: FILE is still COPY, byte for byte.
expect_kept() {
	cmp -s "$2" "$3"
	verdict $? "$1: kept" "$2 changed"
}

fresh
tool --host "$w/host.dtb" --partial "$w/guest.dts" --map-format yaml --map "$w/host.dtb"
expect "--map naming --host" $? 2 "is the --host input"
expect_kept "--map naming --host" "$w/host.dtb" "$tmp/host.dtb"

ln -s host.dtb "$w/link.dtb"
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/link.dtb"
expect "-o naming --host through a link" $? 2 "is the --host input"
expect_kept "-o naming --host through a link" "$w/host.dtb" "$tmp/host.dtb"

ln "$w/host.dtb" "$w/hard.dtb"
tool --host "$w/host.dtb" --partial "$w/guest.dts" --guest-view "$w/hard.dtb"
expect "--guest-view naming --host through a hard link" $? 2 "is the --host input"

# shellcheck disable=SC2094 # on purpose: the tool must refuse it
timeout "$limit" "$tool" --host "$w/host.dtb" --partial "$w/guest.dts" \
	--map-format yaml --map /proc/self/fd/3 3<"$w/host.dtb" >/dev/null 2>"$tmp/err"
expect "--map /proc/self/fd/N open on --host" $? 2 "is the --host input"
expect_kept "--map /proc/self/fd/N" "$w/host.dtb" "$tmp/host.dtb"

# shellcheck disable=SC2094 # on purpose: the tool must refuse it
timeout "$limit" "$tool" --host - --partial "$w/guest.dts" -o /dev/stdout \
	<"$w/host.dtb" >>"$w/host.dtb" 2>"$tmp/err"
expect "-o /dev/stdout appending to the --host file on stdin" $? 2 "is the --host input"
expect_kept "-o /dev/stdout onto --host" "$w/host.dtb" "$tmp/host.dtb"

cp "$w/guest.dts" "$w/partial.dts"
tool --host "$w/host.dtb" --partial "$w/partial.dts" -o "$w/partial.dts"
expect "-o naming --partial: the in-place rewrite" $? 0
grep -q 'iommus = <&{/passthrough/iommu@4040000}' "$w/partial.dts"
verdict $? "-o naming --partial: rewritten" "partial.dts not rewritten"

tool --host "$w/host.dtb" --partial "$w/guest.dts" --map "$w/m.yaml"
tool --host "$w/host.dtb" --partial "$w/guest.dts" --lock "$w/m.yaml" --map "$w/m.yaml"
expect "--lock naming a --map" $? 0

cat >"$w/mydomu.cfg" <<'EOF'
name = "domu"
kernel = "/boot/Image"
dtdev = [ "/soc/ethernet@ff0e0000" ]
EOF
cp "$w/mydomu.cfg" "$tmp/mydomu.cfg"
tool --host "$w/host.dtb" --partial "$w/guest.dts" --map "$w/mydomu.cfg"
expect "--map onto a full xl config" $? 2 "--force replaces it"
expect_kept "--map onto a full xl config" "$w/mydomu.cfg" "$tmp/mydomu.cfg"
tool --host "$w/host.dtb" --partial "$w/guest.dts" --map "$w/mydomu.cfg" --force
expect "--map onto a full xl config with --force" $? 0
grep -qx 'iommu_devid_map = \[ .* \]' "$w/mydomu.cfg"
verdict $? "--force: replaced by the map" "not the xl map"
tool --host "$w/host.dtb" --partial "$w/guest.dts" --map "$w/mydomu.cfg"
expect "--map onto an earlier xl map: no --force needed" $? 0

echo 'not a tree' >"$w/notes.dtb"
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/notes.dtb"
expect "-o onto a file that is no tree" $? 2 "--force replaces it"

tool --host "$w/host.dtb" --partial "$w/guest.dts" --map "$w/map.txt"
expect "--map with an unknown extension" $? 2 "give --map-format"
[[ ! -e $w/map.txt ]]
verdict $? "--map with an unknown extension: not written" "map.txt written"
tool --host "$w/host.dtb" --partial "$w/guest.dts" --map "$w/guest.dts"
expect "--map guest.dts (the partial)" $? 2
cmp -s "$w/guest.dts" "$ex/guest.dts"
verdict $? "--map guest.dts: the partial kept" "guest.dts changed"

ln -s "$w/nowhere/out.dtb" "$w/dangling.dtb"
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/dangling.dtb"
expect "dangling symbolic link output" $? 2 "dangling symbolic link"
[[ -L $w/dangling.dtb && ! -e $w/nowhere ]]
verdict $? "dangling symbolic link: nothing made" "something was created"

cp "$tmp/guest.dtb" "$w/setid.dtb"
chmod 6755 "$w/setid.dtb"
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/setid.dtb"
[[ $? == 0 && $(stat -c %a "$w/setid.dtb") == 755 ]]
verdict $? "set-id bits dropped" "mode $(stat -c %a "$w/setid.dtb")"

if [[ $(id -u) == 0 ]]; then
	cp "$tmp/guest.dtb" "$w/owned.dtb"
	chown 4242:4343 "$w/owned.dtb"
	tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/owned.dtb"
	[[ $? == 0 && $(stat -c %u:%g "$w/owned.dtb") == 4242:4343 ]]
	verdict $? "root keeps the owner and group" "owner $(stat -c %u:%g "$w/owned.dtb")"
else
	echo "skip owner and group (needs root)"
fi

mkfifo "$w/fifo"
start=$SECONDS
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/fifo"
rc=$?
if ((SECONDS - start > 20)); then
	bad "FIFO without a reader" "took $((SECONDS - start)) s"
else
	expect "FIFO without a reader" $rc 1 "a FIFO without a reader"
fi

tool --host "$w/host.dtb" --partial "$w/guest.dts" -o - --map-format yaml --map /dev/stdout
expect "-o - --map /dev/stdout" $? 2 "standard output is named for two outputs"
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o /proc/self/fd/1 --map-format yaml --map -
expect "-o /proc/self/fd/1 --map -" $? 2 "standard output is named for two outputs"

# --- 3: clear errors ---------------------------------------------------------

: >"$w/empty.dts"
tool --host "$w/host.dtb" --partial "$w/empty.dts" -o "$w/o.dtb"
expect "empty input" $? 1 "empty.dts: empty"

for pair in "/dev/stdin /dev/stdin" "- /proc/self/fd/0" "/dev/fd/0 -"; do
	read -r h p <<<"$pair"
	tool --host "$h" --partial "$p" --check </dev/null
	expect "--host $h --partial $p" $? 2 "may read standard input"
done

for argv in "-h --host x" "--version -q" "-V --check" "--help --help"; do
	# shellcheck disable=SC2086 # split on purpose
	tool $argv
	expect "$argv: a usage error" $? 2 "takes no other argument"
done
tool -h
expect "-h alone" $? 0
tool -host "$w/host.dtb" --partial "$w/guest.dts" --check
rc=$?
[[ $rc == 2 && ! -s $tmp/out && $(first) == *"'-host': long options take two dashes"* ]]
verdict $? "-host: a usage error, not help" "exit $rc: $(first)"

printf '/dts-v1/;\n#include "gic.dtsi"\n/ { };\n' >"$w/inc.dts"
tool --host "$w/host.dtb" --partial "$w/inc.dts" -o "$w/o.dtb"
rc=$?
[[ $rc == 1 ]] && grep -q '^viommu-dtgen: hint: .*--cpp' "$tmp/err"
verdict $? "#include: the hint names --cpp" "exit $rc: $(cat "$tmp/err")"

{
	cat "$ex/board.dts"
	echo '/ { hypervisor { compatible = "xen,xen-4.19", "xen,xen"; }; };'
} >"$w/dom0.dts"
tool --host "$w/dom0.dts" --partial "$w/guest.dts" -o "$w/o.dtb"
rc=$?
[[ $rc == 1 && $(first) == *'/hypervisor: compatible:'*"dom0's view"* ]] &&
	grep -q 'hint: .*board DTB that Xen boots with' "$tmp/err"
verdict $? "host tree with /hypervisor: dom0's view" "exit $rc: $(cat "$tmp/err")"

cat >"$w/dom0b.dts" <<'EOF'
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	soc {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		ethernet@ff0e0000 {
			reg = <0x0 0xff0e0000 0x0 0x1000>;
			xen,passthrough;
		};
	};
};
EOF
tool --host "$w/dom0b.dts" --partial "$w/guest.dts" -o "$w/o.dtb"
expect "host tree without IOMMUs, xen,passthrough without iommus" $? 1 \
	"/soc/ethernet@ff0e0000: xen,passthrough: a passthrough device without iommus"
[[ -z $(find "$w" -name o.dtb) ]]
verdict $? "clear errors: nothing written" "o.dtb written"

# --- 4: --report -------------------------------------------------------------

tool --host "$w/host.dtb" --partial "$w/guest.dts" -o "$w/r.dtb" --report
[[ $? == 0 && $(head -n 1 "$tmp/out") == vID* && ! -s $tmp/err ]]
verdict $? "--report on stdout" "stdout: $(head -n 1 "$tmp/out")"
tool --host "$w/host.dtb" --partial "$w/guest.dts" -o - --report
[[ $? == 0 && $(first) == vID* ]] && cmp -s "$tmp/out" "$w/r.dtb"
verdict $? "--report on stderr when -o -" "stderr: $(first)"

# --- 5 and 6: -d and --cpp -----------------------------------------------------

mkdir -p "$w/dt/include"
printf '#define GIC_PH 0xfde8\n' >"$w/dt/include/gic.h"
sed 's|^/dts-v1/;|&\n#include <gic.h>|; s|<&gic>|<GIC_PH>|; /gic: gic {/,/};/d' \
	"$ex/guest.dts" >"$w/dt/cpp guest.dts"
(cd "$w/dt" && timeout "$limit" "$tool" --builder libxl --cpp -i include \
	--host ../host.dtb --partial "cpp guest.dts" -o out.dtb --map map.yaml \
	-d out.d) 2>"$tmp/err"
expect "--cpp -i DIR" $? 0
[[ $(cat "$w/dt/out.d" 2>/dev/null) == 'out.dtb map.yaml: ../host.dtb cpp\ guest.dts include/gic.h' ]]
verdict $? "-d: outputs: inputs and the files cpp read" "$(cat "$w/dt/out.d" 2>&1)"
(cd "$w/dt" && timeout "$limit" "$tool" --host ../host.dtb \
	--partial "cpp guest.dts" -o out2.dtb -d out2.d) 2>"$tmp/err"
expect "without --cpp, #include is dtc's error" $? 1
[[ ! -e $w/dt/out2.d && ! -e $w/dt/out2.dtb ]]
verdict $? "-d written all or nothing" "out2.d or out2.dtb written"
tool -i "$w" --host "$w/host.dtb" --partial "$w/guest.dts" --check
expect "-i without --cpp" $? 2 "goes with --cpp"

t_done

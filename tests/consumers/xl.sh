#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# make check-xl (issue 13): --xl-config read back by xl's own parser.
#   1. tests/consumers/xl_parse.c is built against the installed libxlutil
#      (Debian libxen-dev; pkg-config xlutil, else -lxlutil); without its
#      header the test is skipped with a message.
#   2. Every config the tool writes is read by xl_parse: dtdev, iomem and
#      irqs must be what tests/consumers/xl_expect.py computes from the
#      DTBs alone; device_tree the absolute -o path; the vIOMMU key what
#      the --xen-abi says (iommu_devid_map: the items of the tool's --map
#      .cfg); every other key must read back as before, and every line
#      that held no key the tool owns must be byte for byte as before.
#   3. Cases: comments and unrelated keys; earlier dtdev/iomem/irqs (set
#      twice, with +=, over several lines); a syntax error (refused, file
#      untouched, as libxlutil refuses it); dtdev as the allow list; the
#      file's mode; several reg regions and interrupts, a register block
#      that is not page aligned (tests/fixtures/xl/); the R-Car H3
#      Salvator-XS and ZCU102 boards (every IOMMU master, tests/tools/
#      mkpartial), when their trees are at hand.
#   4. Teeth: a config with a wrong key must fail the comparison.
#
# Usage: tests/consumers/xl.sh [BUILD_DIR]

set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-build}" 2>/dev/null && pwd) || {
	echo "xl.sh: build directory '${1:-build}' not found" >&2
	exit 2
}
tool=$build/viommu-dtgen
mkpartial=$build/tests/mkpartial
fx=$top/tests/fixtures/xl
expect=$here/xl_expect.py
# shellcheck source=tests/lib.sh
. "$here/../lib.sh"

[[ -x $tool ]] || {
	echo "xl.sh: $tool not found (build it first)" >&2
	exit 2
}
if ! echo '#include <libxlutil.h>' | ${CC:-cc} -E -x c - >/dev/null 2>&1; then
	echo "SKIP check-xl: libxlutil.h not found (Debian package libxen-dev)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

t_init xl
xp=$tmp/xl_parse
# shellcheck disable=SC2046 # pkg-config's flags are words
if ! ${CC:-cc} -Wall -o "$xp" "$here/xl_parse.c" \
	$(pkg-config --cflags --libs xlutil 2>/dev/null || echo -lxlutil) \
	2>"$tmp/cc.log"; then
	bad build-xl_parse "cannot build xl_parse against libxlutil" "$tmp/cc.log"
	t_done
	exit 1
fi

owned='dtdev|iomem|irqs|device_tree|viommu|iommu_devid_map'
others='name builder memory vcpus kernel extra disk on_crash'

# untouched OLD NEW: the lines of OLD that hold no setting of an owned key
# (a list running over several lines counted whole) are, in order, the
# lines of NEW that hold none either.
untouched() {
	python3 - "$1" "$2" "$owned" <<'EOF'
import re, sys
owned = re.compile(r"^\s*(?:[^#]*;\s*)?(?:%s)\s*\+?=" % sys.argv[3])
def kept(path):
    out, skip = [], False
    for line in open(path, encoding="utf-8", errors="surrogateescape").read().split("\n"):
        if skip:
            skip = "]" not in line
            continue
        m = owned.match(line)
        if m:
            rest = line[m.end():]
            if "[" in rest and "]" not in rest:
                skip = True
            # a line with other settings keeps them: drop only ours
            parts = [p for p in line.split(";") if not re.match(r"^\s*(?:%s)\s*\+?=" % sys.argv[3], p)]
            if parts and any(p.strip() for p in parts):
                out.append(";".join(parts).strip())
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out
a, b = kept(sys.argv[1]), kept(sys.argv[2])
if a != b:
    import difflib
    sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(a, b, "before", "after", lineterm=""))
    sys.exit(1)
EOF
}

# check NAME CFG_BEFORE CFG_AFTER HOST PARTIAL OUT_DTB ABI [MAPCFG]
check() {
	local name=$1 before=$2 after=$3 host=$4 partial=$5 out=$6 abi=$7 map=${8:-}
	local hd=$tmp/$name.h.dtb pd=$tmp/$name.p.dtb
	# shellcheck disable=SC2086 # $others: key names
	if ! "$xp" "$after" dtdev iomem irqs device_tree viommu iommu_devid_map \
		$others >"$tmp/$name.got" 2>"$tmp/$name.xlerr"; then
		bad "$name" "libxlutil refuses the config written" "$tmp/$name.xlerr"
		return
	fi
	if ! to_dtb "$host" "$hd" || ! to_dtb "$partial" "$pd"; then
		bad "$name" "dtc cannot compile the inputs"
		return
	fi
	python3 "$expect" "$hd" "$pd" >"$tmp/$name.want" || {
		bad "$name" "xl_expect.py failed"
		return
	}
	if [[ -n $out ]]; then
		echo "device_tree string $(cd "$(dirname "$out")" && pwd -P)/$(basename "$out")" >>"$tmp/$name.want"
	else
		"$xp" "$before" device_tree >>"$tmp/$name.want"
	fi
	case $abi in
	vsmmuv3-v3) echo "viommu string smmuv3" >>"$tmp/$name.want" ;;
	*) "$xp" "$before" viommu >>"$tmp/$name.want" ;;
	esac
	if [[ -n $map ]]; then
		"$xp" "$map" iommu_devid_map >>"$tmp/$name.want"
	else
		"$xp" "$before" iommu_devid_map >>"$tmp/$name.want"
	fi
	# shellcheck disable=SC2086
	"$xp" "$before" $others >>"$tmp/$name.want"
	if ! diff "$tmp/$name.want" "$tmp/$name.got" >"$tmp/$name.diff"; then
		bad "$name" "xl reads other values than expected" "$tmp/$name.diff"
		return
	fi
	if ! untouched "$before" "$after" >"$tmp/$name.diff"; then
		bad "$name" "lines the tool does not own changed" "$tmp/$name.diff"
		return
	fi
	ok "$name"
}

to_dtb() {
	case $1 in
	*.dtb) cp "$1" "$2" ;;
	*) dtc -q -I dts -O dtb -o "$2" "$1" ;;
	esac
}

# run NAME CFG HOST PARTIAL ABI [ARGS...]: a copy of CFG (mode 0640)
# updated with -o and --map; checked.
run() {
	local name=$1 cfg=$2 host=$3 partial=$4 abi=$5 map=
	shift 5
	cp "$cfg" "$tmp/$name.cfg" && cp "$cfg" "$tmp/$name.orig" &&
		chmod 0640 "$tmp/$name.cfg" || exit 2
	[[ $abi == devid-map ]] && map=$tmp/$name.map.cfg
	if ! "$tool" --xen-abi "$abi" --builder libxl --host "$host" \
		--partial "$partial" -o "$tmp/$name.dtb" \
		${map:+--map "$map"} --xl-config "$tmp/$name.cfg" "$@" \
		2>"$tmp/$name.err"; then
		bad "$name" "the tool failed" "$tmp/$name.err"
		return
	fi
	if [[ $(stat -c %a "$tmp/$name.cfg") != 640 ]]; then
		bad "$name" "the config's mode changed to $(stat -c %a "$tmp/$name.cfg")"
		return
	fi
	check "$name" "$tmp/$name.orig" "$tmp/$name.cfg" "$host" "$partial" \
		"$tmp/$name.dtb" "$abi" "$map"
}

# --- the fixtures ---------------------------------------------------------------
for abi in devid-map vsmmuv3-v3; do
	run "comments-$abi" "$fx/comments.cfg" "$fx/host.dts" "$fx/guest.dts" "$abi"
	run "earlier-$abi" "$fx/earlier.cfg" "$fx/host.dts" "$fx/guest.dts" "$abi"
done
run example-devid-map "$fx/comments.cfg" "$top/examples/board.dts" \
	"$top/examples/guest-xl.dts" devid-map

# The warnings: a shared page, an interrupt not on the GIC, no IOMMU.
for w in "/soc/multi@6800000: reg: its page 0xe6c00 also holds registers of /soc/neighbour@6c00800" \
	"/soc/odd@7000ff0: interrupts-extended: interrupt 1 (of /interrupt-controller@e61c0000) is not a SPI of the GIC" \
	"/soc/noiommu@7200000: not behind an IOMMU: not in dtdev"; do
	grep -qF "$w" "$tmp/comments-devid-map.err"
	verdict $? "warning: ${w%%:*}" "no warning '$w'"
done

# Idempotence: a second run (dtdev now the allow list) changes nothing.
cp "$tmp/earlier-devid-map.cfg" "$tmp/again.cfg"
"$tool" --builder libxl --host "$fx/host.dts" --partial "$fx/guest.dts" \
	-o "$tmp/earlier-devid-map.dtb" --xl-config "$tmp/again.cfg" 2>/dev/null &&
	cmp -s "$tmp/again.cfg" "$tmp/earlier-devid-map.cfg"
verdict $? idempotent "a second run changed the config"

# A syntax error: refused, naming the line, as libxlutil refuses it; the
# file untouched.
cp "$fx/bad-syntax.cfg" "$tmp/bad.cfg"
"$tool" --builder libxl --host "$fx/host.dts" --partial "$fx/guest.dts" \
	-o "$tmp/bad.dtb" --xl-config "$tmp/bad.cfg" 2>"$tmp/bad.err"
rc=$?
[[ $rc == 1 ]] && grep -q "bad.cfg: line 4: syntax error" "$tmp/bad.err" &&
	cmp -s "$tmp/bad.cfg" "$fx/bad-syntax.cfg" && [[ ! -e $tmp/bad.dtb ]] &&
	! "$xp" "$tmp/bad.cfg" name >/dev/null 2>&1
verdict $? syntax-error "exit $rc; $(head -n 1 "$tmp/bad.err")"

# dtdev is the allow list: a device not on it is refused, nothing written.
cp "$fx/deny.cfg" "$tmp/deny.cfg"
"$tool" --builder libxl --host "$fx/host.dts" --partial "$fx/guest.dts" \
	-o "$tmp/deny.dtb" --xl-config "$tmp/deny.cfg" 2>"$tmp/deny.err"
rc=$?
[[ $rc == 1 ]] && grep -q "/soc/odd@7000ff0 is not in the dtdev list of" "$tmp/deny.err" &&
	cmp -s "$tmp/deny.cfg" "$fx/deny.cfg" && [[ ! -e $tmp/deny.dtb ]]
verdict $? dtdev-allow-list "exit $rc; $(head -n 1 "$tmp/deny.err")"

# --- real boards ------------------------------------------------------------------
# board NAME TREE ABI...: every IOMMU master of TREE passed through.
# (Both boards' IOMMUs are no SMMUv3, so the series takes neither.)
board() {
	local name=$1 tree=$2 abi
	shift 2
	[[ -f $tree ]] || {
		echo "SKIP $name: $tree not found"
		return
	}
	if [[ $tree == *.dts ]]; then
		dtc -q -I dts -O dtb -o "$tmp/$name.host.dtb" "$tree" || {
			bad "$name" "dtc cannot compile $tree"
			return
		}
		tree=$tmp/$name.host.dtb
	fi
	if ! "$mkpartial" "$tree" >"$tmp/$name.dts" 2>"$tmp/$name.mk"; then
		bad "$name" "mkpartial failed" "$tmp/$name.mk"
		return
	fi
	printf 'name = "%s"\nmemory = 1024\nkernel = "/srv/Image"\n' "$name" >"$tmp/$name.base"
	for abi in "$@"; do
		run "$name-$abi" "$tmp/$name.base" "$tree" "$tmp/$name.dts" "$abi"
	done
}
if [[ -x $mkpartial ]]; then
	shared=$top/../shared/corpus/hostdt
	board rcar-h3-salvator-xs "$shared/r8a77951-salvator-xs.dts" devid-map
	zcu=$build/hostdtb/dtbs/xilinx/zynqmp-zcu102-rev1.0.dtb
	[[ -f $zcu ]] || zcu=$shared/zynqmp-zcu102-rev1.0.dts
	board zcu102 "$zcu" devid-map
else
	echo "SKIP boards: $mkpartial not built"
fi

# --- teeth ------------------------------------------------------------------------
# The comparison fails on a config whose iomem is off by one page, and on
# one whose unrelated line changed.
sed 's/"0xe7000,0x2@0xe7000"/"0xe7000,0x1@0xe7000"/' "$tmp/comments-devid-map.cfg" >"$tmp/teeth1.cfg"
(check teeth1 "$tmp/comments-devid-map.orig" "$tmp/teeth1.cfg" "$fx/host.dts" \
	"$fx/guest.dts" "$tmp/comments-devid-map.dtb" devid-map \
	"$tmp/comments-devid-map.map.cfg") >"$tmp/teeth1.out"
grep -q "^FAIL teeth1" "$tmp/teeth1.out"
verdict $? "teeth iomem" "a wrong iomem passed"
sed 's/^vcpus = 2$/vcpus = 2 /' "$tmp/comments-devid-map.cfg" >"$tmp/teeth2.cfg"
untouched "$tmp/comments-devid-map.orig" "$tmp/teeth2.cfg" >/dev/null
verdict $((!$?)) "teeth lines" "a changed line passed"

t_done

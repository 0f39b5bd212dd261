#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# System mode (viommu-dtgen(1), SYSTEM MODE) on tests/fixtures/system/:
#   - good.yaml: the outputs and their names; each guest's tree and map are
#     the bytes a single run makes of the same partial; host.dtb differs
#     from the host by xen,passthrough only; two runs, the same bytes; the
#     system map and the system file validate against their schemas, and
#     broken copies do not; the ImageBuilder fragment as bash reads it;
#   - every cross-guest rule (bad-s*.yaml) and every syntax error
#     (bad-*.yaml) fails with its message (the file's "# expect:" line),
#     exit 1, and leaves a directory of earlier outputs as it was; S3 is a
#     warning (warn-s3.yaml);
#   - ImageBuilder: ib-readme.cfg in the README's forms; ib-bad-*.cfg, the
#     forms that need a shell, refused naming the line;
#   - all or nothing: the N-th rename() made to fail (tests/hostile/
#     killat.so) leaves every earlier file as it was, for every N;
#   - usage errors (exit 2), --check, and files that are not ours.
#
# Usage: tests/system.sh [BUILD_DIR]
set -u

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
tool=$build/viommu-dtgen
shim=$build/tests/hostile/killat.so
fx=$top/tests/fixtures/system
vsys=$top/tests/tools/validate_system.py
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
t_init system
cd "$tmp" || exit 2

# sums DIR: every file of DIR (hidden ones too) and its checksum.
sums() { (cd "$1" && find . -type f | sort | xargs -r md5sum); }

# expect FILE: the message its "# expect:" line names.
expect() { sed -n 's/^# expect: //p' "$1"; }

# ---- good.yaml ----------------------------------------------------------
"$tool" --system "$fx/good.yaml" --out-dir good -O dts 2>good.err
verdict $? "good.yaml runs" "exit status $? (good.err)"
want="host.dtb imagebuilder.cfg net-map.yaml net.dtb net.dts pci-map.yaml pci.dtb pci.dts system-map.yaml usb-map.yaml usb.dtb usb.dts"
got=$(cd good && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
[ "$got" = "$want " ]
verdict $? "good.yaml: the outputs' names" "got '$got'"
n=$(grep -c '(rule S3)$' good.err)
[ "$n" = 2 ]
verdict $? "good.yaml: two S3 warnings" "$n in good.err"

# Each guest as a single run of the same partial, with the same options.
single() { # DIR NAME PARTIAL ARGS...
	local dir=$1 name=$2 partial=$3
	shift 3
	"$tool" -q --host "$fx/host.dts" --partial "$partial" -o "single-$name.dtb" \
		--map "single-$name-map.yaml" "$@" &&
		cmp -s "single-$name.dtb" "$dir/$name.dtb" &&
		cmp -s "single-$name-map.yaml" "$dir/$name-map.yaml"
}
single good net "$fx/domu-net.dts" --builder dom0less
verdict $? "net: the bytes of a single run" "differs"
single good usb "$fx/domu-usb.dts" --builder dom0less --policy identity
verdict $? "usb: the bytes of a single run (--policy identity)" "differs"

# host.dtb: the host plus one xen,passthrough per passed-through node.
dtc -q -I dts -O dtb "$fx/host.dts" -o host.dtb
diff <(dtc -q -I dtb -O dts host.dtb) <(dtc -q -I dtb -O dts good/host.dtb) |
	grep '^[<>]' >host.diff
n=$(grep -c '^>[[:space:]]*xen,passthrough;$' host.diff)
m=$(wc -l <host.diff)
[ "$n" = 5 ] && [ "$m" = 5 ]
verdict $? "host.dtb: xen,passthrough on the 5 nodes, nothing else" "$n marks, $m changed lines"
for p in /soc/ethernet@ff0e0000 /soc/sata@ff200000 /soc/ethernet@ff0f0000 \
	/soc/usb@ff100000 /soc/pcie@fd0e0000; do
	fdtget good/host.dtb "$p" xen,passthrough >/dev/null 2>&1 || echo "$p" >>unmarked
done
[ ! -s unmarked ]
verdict $? "host.dtb: fdtget finds every mark" "unmarked: $(cat unmarked 2>/dev/null)"

"$tool" -q --system "$fx/good.yaml" --out-dir again -O dts
diff -r good again >/dev/null
verdict $? "good.yaml: two runs, the same bytes" "outputs differ"

out=$("$vsys" "$top/schemas" map good/system-map.yaml 2>&1)
verdict $? "system-map.yaml validates" "$out"
out=$("$vsys" "$top/schemas" system "$fx"/good.yaml "$fx"/warn-s3.yaml "$fx"/bad-s*.yaml 2>&1)
verdict $? "the system files validate" "$out"
for m in 's/^version: 1/version: 2/' 's/^  "net":/  "n et":/' 's/pid: 0x10$/pid: -1/' \
	's/^    policy: compact/    policy: fast/'; do
	sed "$m" good/system-map.yaml >mutant.yaml
	if cmp -s mutant.yaml good/system-map.yaml; then
		bad "map mutant $m" "changed nothing"
	elif "$vsys" "$top/schemas" map mutant.yaml >/dev/null 2>&1; then
		bad "map mutant $m" "a broken system map validated"
	else
		ok "map mutant $m rejected"
	fi
done
for f in bad-key bad-name bad-type; do
	if "$vsys" "$top/schemas" system "$fx/$f.yaml" >/dev/null 2>&1; then
		bad "schema: $f.yaml" "validated"
	else
		ok "schema: $f.yaml rejected"
	fi
done

# The fragment, as ImageBuilder's bash reads it after its own config.
frag=$(bash -c 'DOMU_PASSTHROUGH_PATHS[0]=/x; LOPPER_PATH=l; source "$1";
	echo "$DEVICE_TREE ${DOMU_PASSTHROUGH_DTB[0]} ${DOMU_PASSTHROUGH_DTB[1]} [${DOMU_PASSTHROUGH_DTB[2]:-}] [${DOMU_PASSTHROUGH_PATHS[0]}]"' \
	_ good/imagebuilder.cfg 2>&1)
[ "$frag" = "host.dtb net.dtb usb.dtb [] []" ]
verdict $? "imagebuilder.cfg: what bash reads (the builder-none guest left out)" "'$frag'"

# ---- every rule and error: exit 1, the message, nothing changed -----------
cp -r good keep
before=$(sums keep)
for f in "$fx"/bad-*.yaml; do
	name=$(basename "$f")
	"$tool" --system "$f" --out-dir keep 2>err
	rc=$?
	first=$(head -n 1 err)
	if [ $rc != 1 ]; then
		bad "$name" "exit status $rc" err
	elif [[ $first != "viommu-dtgen: error: "*"$(expect "$f")"* ]]; then
		bad "$name" "first line '$first' lacks '$(expect "$f")'"
	elif [ "$(sums keep)" != "$before" ]; then
		bad "$name" "the output directory changed"
	else
		ok "$name: $(expect "$f")"
	fi
done
"$tool" --system "$fx/warn-s3.yaml" --out-dir s3 2>err
rc=$?
w=$(sed -n 's/^# warning: //p' "$fx/warn-s3.yaml")
[ $rc = 0 ] && grep -qF "viommu-dtgen: warning: warn-s3.yaml: $w" <(sed "s|$fx/||" err)
verdict $? "warn-s3.yaml: a warning, exit 0" "exit $rc" err

# ---- ImageBuilder -------------------------------------------------------
"$tool" --imagebuilder "$fx/ib-readme.cfg" --out-dir ib 2>ib.err
verdict $? "ib-readme.cfg runs" "ib.err"
got=$(cd ib && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
want="domu0-map.yaml domu0.dtb domu1-map.yaml domu1.dtb domu2-map.yaml domu2.dtb host.dtb imagebuilder.cfg system-map.yaml "
[ "$got" = "$want" ]
verdict $? "ib-readme.cfg: guests domu0..domu2" "got '$got'"
single ib domu0 "$fx/domu-net.dts" --builder dom0less
verdict $? "ib-readme.cfg: domu0 as a single run" "differs"
# DOMU_NOBOOT[2]: started later by xl, so built for libxl and left out
# of the fragment.
frag=$(bash -c 'source "$1"; echo "$DEVICE_TREE ${DOMU_PASSTHROUGH_DTB[*]}"' _ ib/imagebuilder.cfg)
[ "$frag" = "host.dtb domu0.dtb domu1.dtb" ]
verdict $? "ib-readme.cfg: the fragment (domu2 has DOMU_NOBOOT)" "'$frag'"
for f in "$fx"/ib-bad-*.cfg; do
	name=$(basename "$f")
	"$tool" --imagebuilder "$f" --out-dir "ib-$name" 2>err
	rc=$?
	first=$(head -n 1 err)
	if [ $rc != 1 ]; then
		bad "$name" "exit status $rc" err
	elif [[ $first != "viommu-dtgen: error: "*"$(expect "$f")"* ]]; then
		bad "$name" "first line '$first' lacks '$(expect "$f")'"
	elif [ -e "ib-$name" ]; then
		bad "$name" "the output directory was made"
	else
		ok "$name: $(expect "$f")"
	fi
done

# ---- all or nothing -------------------------------------------------------
# A changed system (the usb guest by compact policy) into a directory of
# earlier outputs, the N-th rename() failing: every file as it was, no
# backup left behind.  Renames: one per output, then those of the undo.
sed 's/policy: identity/policy: compact/' "$fx/good.yaml" >changed.yaml
cp "$fx"/*.dts .
n_out=$(find keep -type f | wc -l)
for n in $(seq 1 "$n_out"); do
	LD_PRELOAD=$shim VDT_FAIL_RENAME=$n ASAN_OPTIONS=verify_asan_link_order=0 \
		"$tool" -q --system changed.yaml --out-dir keep -O dts 2>err
	rc=$?
	if [ $rc != 1 ] || [ "$(sums keep)" != "$before" ]; then
		bad "rename $n of $n_out fails" "exit $rc, or the directory changed" err
	else
		ok "rename $n of $n_out fails: exit 1, every file as it was"
	fi
done
for n in 1 5 9; do
	LD_PRELOAD=$shim VDT_FAIL_LINKAT=$n VDT_FAIL_RENAME=$n \
		ASAN_OPTIONS=verify_asan_link_order=0 \
		"$tool" -q --system changed.yaml --out-dir fresh 2>err
	rc=$?
	[ $rc = 1 ] && [ ! -e fresh ]
	verdict $? "output $n of a new directory fails: no directory left" "exit $rc" err
done
"$tool" -q --system changed.yaml --out-dir keep -O dts &&
	! cmp -s keep/usb.dtb good/usb.dtb && cmp -s keep/net.dtb good/net.dtb
verdict $? "the same run without the fault replaces the outputs" "no change"

# ---- usage, --check, files that are not ours -------------------------------
for args in "--system $fx/good.yaml" "--out-dir d" \
	"--system $fx/good.yaml --imagebuilder $fx/ib-readme.cfg --out-dir d" \
	"--system $fx/good.yaml --out-dir d -o x.dtb" \
	"--system $fx/good.yaml --out-dir d --map x.yaml" \
	"--system $fx/good.yaml --out-dir d --host $fx/host.dts" \
	"--system $fx/good.yaml --out-dir d --partial $fx/domu-net.dts" \
	"--system $fx/good.yaml --out-dir d --guest-view g.dts" \
	"--imagebuilder $fx/ib-readme.cfg --out-dir d --lock l.yaml" \
	"--imagebuilder $fx/ib-readme.cfg --out-dir d -d deps"; do
	# shellcheck disable=SC2086 # words on purpose
	"$tool" $args >/dev/null 2>err
	rc=$?
	[ $rc = 2 ] && [ ! -e d ]
	verdict $? "usage error: $args" "exit $rc" err
done
"$tool" -q --system "$fx/good.yaml" --out-dir checked --check && [ ! -e checked ]
verdict $? "--check writes nothing" "a directory was made"
"$tool" -q --system "$fx/good.yaml" --out-dir views --guest-view dts
[ -s views/net-guest.dts ] && [ -s views/usb-guest.dts ] && [ ! -e views/net.dts ]
verdict $? "--guest-view dts: NAME-guest.dts" "$(ls views)"
mkdir theirs && echo 'precious notes' >theirs/net.dtb
"$tool" -q --system "$fx/good.yaml" --out-dir theirs 2>err
rc=$?
[ $rc = 2 ] && [ "$(cat theirs/net.dtb)" = "precious notes" ]
verdict $? "a file that is not ours: refused" "exit $rc" err
"$tool" -q --force --system "$fx/good.yaml" --out-dir theirs &&
	cmp -s theirs/net.dtb good/net.dtb
verdict $? "--force replaces it" "not replaced"

t_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Every map format, through the tool (viommu-map(5)):
# - the example and every good fixture write YAML, JSON, C, binary and xl;
#   --dump-map of the YAML and JSON prints the YAML file itself, and of the
#   binary the same entries without what the binary form lacks;
# - the C header compiles with cc -std=c99 -Wall -Werror and holds the
#   YAML's entries; the JSON and the dumps validate against the schema;
# - format choice by extension and --map-format, --map-prefix, --dump-map
#   and --lock wiring, usage errors.
#
# Usage: tests/formats.sh [BUILD_DIR]
set -u

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
tool=$build/viommu-dtgen
schema=$top/schemas/viommu-map.schema.yaml
validate=$top/tests/tools/validate_map.py
fixtures=$top/tests/fixtures
cc=${CC:-cc}
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
t_init formats
work=$tmp

# The YAML a binary map dumps to: the header, IOMMU paths and devices gone;
# Xen's vPCI block is an entry whose IOMMU base is 0 (viommu-map(5)).
bare() {
	sed -e '/^viommu:/d' -e '/^policy:/d' -e '/^vid-base:/d' \
		-e '/^allocated-by:/d' -e '/^partial-sha256:/d' \
		-e 's/^  vpci: true$/  piommu: {base: 0x0}/' \
		-e '/^vid-bits:/d' -e '/^  devices:/d' -e '/^  - {node:/d' \
		-e 's/^  piommu: {path: .*, base: \(0x[0-9a-f]*\)}$/  piommu: {base: \1}/' "$1"
}

# "vid pid count mask base" per entry of a YAML map, in hex.
yaml_rows() {
	awk '/^- vid:/ { v = $3 } /^  count:/ { c = sprintf("0x%x", $2) }
		/^  pid:/ { p = $2 } /^  mask:/ { m = $2 }
		/^  piommu:/ { b = $NF; sub(/}$/, "", b); print v, p, c, m, b }
		/^  vpci: true/ { print v, p, c, m, "0x0" }' "$1"
}

# Write every format for one case ($1: name, $2: host, $3: partial, rest:
# arguments); check the dumps, the header and the schema.
check_case() {
	local name=$1 host=$2 partial=$3 d=$work/$1 f
	local -a cfg=(--map "$d/m.cfg")
	shift 3
	mkdir -p "$d"
	# A case whose map has no xl form (maps: yaml) writes none.
	[[ ${maps:-cfg} == *cfg* ]] || cfg=()
	if ! "$tool" --host "$host" --partial "$partial" "$@" -q \
		--map "$d/m.yaml" --map "$d/m.json" --map "$d/m.h" \
		--map "$d/m.bin" "${cfg[@]}" 2>"$d/err"; then
		bad "$name" "the tool failed: $(head -n 1 "$d/err")"
		return
	fi
	for f in yaml json; do
		if ! "$tool" --dump-map "$d/m.$f" >"$d/dump.$f" 2>"$d/err"; then
			bad "$name" "--dump-map m.$f failed: $(head -n 1 "$d/err")"
			return
		fi
		cmp -s "$d/dump.$f" "$d/m.yaml" ||
			{ bad "$name" "--dump-map m.$f is not the YAML map"; return; }
	done
	"$tool" --dump-map "$d/m.bin" >"$d/dump.bin" 2>"$d/err" ||
		{ bad "$name" "--dump-map m.bin failed: $(head -n 1 "$d/err")"; return; }
	bare "$d/m.yaml" >"$d/bare.yaml"
	cmp -s "$d/dump.bin" "$d/bare.yaml" ||
		{ bad "$name" "--dump-map m.bin: $(diff "$d/bare.yaml" "$d/dump.bin" | head -n 3 | tr '\n' ' ')"; return; }
	"$validate" "$schema" "$d/m.json" "$d/dump.bin" >"$d/err" ||
		{ bad "$name" "schema: $(head -n 1 "$d/err")"; return; }
	cat >"$d/use.c" <<-'EOF'
		#include <inttypes.h>
		#include <stdio.h>
		#include "m.h"

		int main(void)
		{
			unsigned int i;

			for (i = 0; i < VIOMMU_MAP_LEN; i++)
				printf("0x%" PRIx32 " 0x%" PRIx32 " 0x%" PRIx32 " 0x%" PRIx32
				       " 0x%" PRIx64 "\n", viommu_map[i].vid,
				       viommu_map[i].pid, viommu_map[i].count,
				       viommu_map[i].mask, viommu_map[i].piommu_base);
			return sizeof(viommu_map) / sizeof(viommu_map[0]) <
			       VIOMMU_MAP_LEN;
		}
	EOF
	if ! "$cc" -std=c99 -Wall -Werror -I"$d" -o "$d/use" "$d/use.c" 2>"$d/err"; then
		bad "$name" "the header does not compile: $(head -n 1 "$d/err")"
		return
	fi
	"$d/use" >"$d/rows.h" || { bad "$name" "the header's table is short"; return; }
	yaml_rows "$d/m.yaml" >"$d/rows.yaml"
	cmp -s "$d/rows.h" "$d/rows.yaml" ||
		{ bad "$name" "the header's entries differ from the YAML's"; return; }
	ok "$name: yaml, json, bin dumps, C header, schema"
}

check_case example "$top/examples/board.dts" "$top/examples/guest.dts"
for case in "$fixtures"/*.dts; do
	name=$(basename "$case" .dts)
	case $name in host-* | bad-*) continue ;; esac
	host=$(sed -n 's|^// host: *||p' "$case" | head -n 1)
	lock=$(sed -n 's|^// lock: *||p' "$case" | head -n 1)
	maps=$(sed -n 's|^// maps: *||p' "$case" | head -n 1)
	read -r -a args <<<"$(sed -n 's|^// args: *||p' "$case" | head -n 1)"
	[[ -n $lock ]] && args+=(--lock "$fixtures/$lock")
	[[ $maps == none ]] && continue	# --xen-abi none: no map at all
	check_case "$name" "$fixtures/$host" "$case" "${args[@]}"
done
maps=

ex=(--host "$top/examples/board.dts" --partial "$top/examples/guest.dts")
d=$work/example

# An empty table's header compiles too (its placeholder entry).
"$tool" --host "$fixtures/host-multi.dts" \
	--partial "$fixtures/force-assign-only.dts" --map "$work/empty.h" \
	--map-prefix empty_map 2>/dev/null
printf '#include "empty.h"\nint main(void) { return EMPTY_MAP_LEN + (int)empty_map[0].count; }\n' \
	>"$work/empty.c"
if "$cc" -std=c99 -Wall -Werror -I"$work" -o "$work/empty" "$work/empty.c" 2>"$work/err" &&
	"$work/empty"; then
	ok "empty header compiles, length 0"
else
	bad "empty header" "$(head -n 1 "$work/err")"
fi

# --map-prefix names everything; a prefix that is no C identifier is a usage error.
"$tool" "${ex[@]}" --map "$work/p.h" --map-prefix zephyr_viommu 2>/dev/null
printf '#include "p.h"\nint main(void) { const struct zephyr_viommu_entry *e = zephyr_viommu; return ZEPHYR_VIOMMU_LEN == 7 && e[6].vid == 6 ? 0 : 1; }\n' \
	>"$work/p.c"
if grep -q '^#ifndef ZEPHYR_VIOMMU_H$' "$work/p.h" &&
	"$cc" -std=c99 -Wall -Werror -I"$work" -o "$work/p" "$work/p.c" 2>/dev/null &&
	"$work/p"; then
	ok "--map-prefix"
else
	bad "--map-prefix" "the prefixed header is wrong"
fi
for prefix in 9lives my-map int ''; do
	"$tool" "${ex[@]}" --map "$work/bad.h" --map-prefix "$prefix" 2>"$work/err"
	rc=$?
	if [[ $rc == 2 && $(head -n 1 "$work/err") == *"--map-prefix must be a C identifier"*"'$prefix'" &&
		! -e $work/bad.h ]]; then
		ok "--map-prefix '$prefix' is a usage error"
	else
		bad "--map-prefix '$prefix'" "exit $rc: $(head -n 1 "$work/err")"
	fi
done

# Format by extension, else --map-format; without either, a usage error
# that writes nothing (an unknown name used to mean YAML).
"$tool" "${ex[@]}" --map "$work/noext" 2>/dev/null
rc=$?
[[ $rc == 2 && ! -e $work/noext ]]
verdict $? "no extension, no --map-format: a usage error" "exit $rc"
for fmt in bin c json xl yaml; do
	ext=$fmt
	case $fmt in c) ext=h ;; xl) ext=cfg ;; esac
	"$tool" "${ex[@]}" --map-format "$fmt" --map "$work/out.$fmt.map" \
		--map "$work/named.yaml" 2>/dev/null
	if cmp -s "$work/out.$fmt.map" "$d/m.$ext" && cmp -s "$work/named.yaml" "$d/m.yaml"; then
		ok "--map-format $fmt"
	else
		bad "--map-format $fmt" "wrong output"
	fi
done
"$tool" "${ex[@]}" --map-format bin --map - 2>/dev/null >"$work/stdout.bin"
cmp -s "$work/stdout.bin" "$d/m.bin"
verdict $? "--map - --map-format bin" "not the binary map"
"$tool" "${ex[@]}" --map "$work/x" --map-format toml 2>"$work/err"
rc=$?
[[ $rc == 2 && $(head -n 1 "$work/err") == *"bin|c|json|xl|xl-ranges|yaml, not 'toml'" ]]
verdict $? "--map-format toml is a usage error" "exit $rc: $(head -n 1 "$work/err")"

# --dump-map: any form, standard input, errors naming the file.
"$tool" --dump-map - <"$d/m.bin" >"$work/dump" 2>/dev/null
cmp -s "$work/dump" "$d/bare.yaml"
verdict $? "--dump-map -" "wrong output"
printf 'version: 1\nentries:\n- {vid: 0x0, count: 0}\n' >"$work/broken.yaml"
head -c 30 "$d/m.bin" >"$work/short.bin"
for f in broken.yaml short.bin missing.yaml; do
	"$tool" --dump-map "$work/$f" >"$work/out" 2>"$work/err"
	rc=$?
	if [[ $rc == 1 && ! -s $work/out && $(wc -l <"$work/err") == 1 &&
		$(cat "$work/err") == "viommu-dtgen: error: $work/$f: "* ]]; then
		ok "--dump-map $f: exit 1 naming it"
	else
		bad "--dump-map $f" "exit $rc: $(head -n 1 "$work/err")"
	fi
done
for extra in "--host $top/examples/board.dts" "--map $work/x.yaml" "--lock $d/m.yaml"; do
	read -r -a more <<<"$extra"
	"$tool" --dump-map "$d/m.yaml" "${more[@]}" >/dev/null 2>"$work/err"
	rc=$?
	[[ $rc == 2 && $(head -n 1 "$work/err") == *"--dump-map takes no other option"* ]]
	verdict $? "--dump-map with ${more[0]} is a usage error" \
		"exit $rc: $(head -n 1 "$work/err")"
done

# --lock: read before anything is written, so it may be the --map file;
# a malformed lock is exit 1 naming it, and nothing is written.
cp "$d/m.yaml" "$work/lock.yaml"
if "$tool" "${ex[@]}" --lock "$work/lock.yaml" --map "$work/lock.yaml" \
	--map "$work/lock.json" 2>"$work/err" &&
	cmp -s "$work/lock.yaml" "$d/m.yaml"; then
	ok "--lock and --map on one file"
else
	bad "--lock = --map" "$(head -n 1 "$work/err")"
fi
if "$tool" "${ex[@]}" --lock "$work/lock.json" --map "$work/from-json.yaml" 2>"$work/err" &&
	cmp -s "$work/from-json.yaml" "$d/m.yaml"; then
	ok "--lock FILE.json"
else
	bad "--lock json" "$(head -n 1 "$work/err")"
fi
# The lock reaches the pipeline: the Ethernet's key keeps the vID 0x7 the
# lock gives it, and the others are allocated around it.
sed -n '1,/^- vid: 0x1$/p' "$d/m.yaml" | sed -e '$d' -e 's/^- vid: 0x0$/- vid: 0x7/' \
	>"$work/moved.yaml"
"$tool" "${ex[@]}" --lock "$work/moved.yaml" --map "$work/moved-out.cfg" 2>"$work/err"
grep -q '"0x10@0x7,0x4f000000"' "$work/moved-out.cfg" &&
	grep -q '"0x14e8@0x0,0x4f000000"' "$work/moved-out.cfg"
verdict $? "--lock keeps a locked vID" "$(cat "$work/moved-out.cfg" "$work/err")"
# A missing lock is an empty lock (a first build), with a note under -v:
# the same map as without --lock.
rm -f "$work/o.yaml"
"$tool" "${ex[@]}" -v --lock "$work/missing.yaml" --map "$work/o.yaml" 2>"$work/err"
rc=$?
[[ $rc == 0 ]] && cmp -s "$work/o.yaml" "$d/m.yaml" &&
	grep -q "note: $work/missing.yaml: not found: an empty lock" "$work/err"
verdict $? "--lock missing.yaml: an empty lock, with a note" "exit $rc: $(head -n 1 "$work/err")"
printf 'version: 1\nentries: [\n' >"$work/malformed.yaml"
f=malformed.yaml
rm -f "$work/o.yaml"
"$tool" "${ex[@]}" --lock "$work/$f" --map "$work/o.yaml" 2>"$work/err"
rc=$?
if [[ $rc == 1 && ! -e $work/o.yaml &&
	$(head -n 1 "$work/err") == "viommu-dtgen: error: $work/$f: "* ]]; then
	ok "--lock $f: exit 1 naming it"
else
	bad "--lock $f" "exit $rc: $(head -n 1 "$work/err")"
fi
"$tool" --host "$top/examples/board.dts" --partial - --lock - --map "$work/x" \
	</dev/null 2>"$work/err"
rc=$?
[[ $rc == 2 ]]
verdict $? "--lock - with --partial - is a usage error" "exit $rc"

t_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Seed corpora for the fuzz harnesses, generated (never copied into the
# repository) from tests/fixtures/, examples/ and, when it exists next to
# the repository, ../shared/corpus/hostdt/.
#
# Usage: fuzz/mkseeds.sh BUILD_DIR OUT_DIR
#   BUILD_DIR holds viommu-dtgen and tests/mkpartial (make all $(TOOLS))
#   OUT_DIR/pipeline/  one seed per host+partial pair (fuzz_common.h layout)
#   OUT_DIR/map_read/  every map form the tool writes, for the good cases
#   OUT_DIR/allowlist/ the --allow-list files of tests/fixtures
# Ends with "N passed, N failed" (passed: seeds written; failed: sources that
# could not be compiled although they should).

set -u
export LC_ALL=C

build=${1:?usage: mkseeds.sh BUILD_DIR OUT_DIR}
out=${2:?usage: mkseeds.sh BUILD_DIR OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$root/tests/fixtures
hostdt=$root/../shared/corpus/hostdt
tool=$build/viommu-dtgen
mkpartial=$build/tests/mkpartial
passed=0
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkseeds.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/pipeline" "$out/map_read" "$out/allowlist"

# byte N: one raw byte on stdout.
byte() {
	# shellcheck disable=SC2059 # the format is the escape itself
	printf "\\x$(printf %02x "$(($1 & 255))")"
}

# pack OPTS HOST.dtb PARTIAL.dtb > SEED
pack() {
	local n
	n=$(stat -c %s "$2")
	byte "$1"
	byte "$n"; byte $((n >> 8)); byte $((n >> 16)); byte $((n >> 24))
	cat "$2" "$3"
}

# opts_of ARGS: the fuzz options byte closest to a case's command line.
opts_of() {
	local o=0
	[[ $1 == *"--policy identity"* ]] && o=$((o | 0x01))
	[[ $1 == *--no-viommu-node* ]] && o=$((o | 0x02))
	[[ $1 == *"--vid-bits 1"* ]] && o=$((o | 0x04))
	[[ $1 == *"--vid-bits 4"* ]] && o=$((o | 0x08))
	[[ $1 == *--vid-base* ]] && o=$((o | 0x10))
	[[ $1 == *"--viommu-phandle 0x10"* ]] && o=$((o | 0x20))
	[[ $1 == *--viommu-reg* ]] && o=$((o | 0x80))
	echo "$o"
}

dtb() {
	dtc -q -I dts -O dtb -o "$2" "$1" 2>/dev/null
}

# Allow lists.
for f in "$fixtures"/*.list; do
	[[ -e $f ]] || continue
	cp "$f" "$out/allowlist/" && passed=$((passed + 1))
done

# Fixture cases and the example.
cases=("$root/examples/guest.dts:$root/examples/board.dts:")
for f in "$fixtures"/*.dts; do
	name=$(basename "$f")
	[[ $name == host-* ]] && continue
	h=$(sed -n 's|^// host: *||p' "$f" | head -n 1)
	[[ -n $h ]] || continue
	a=$(sed -n 's|^// args: *||p' "$f" | head -n 1)
	cases+=("$f:$fixtures/$h:$a")
done

i=0
for c in "${cases[@]}"; do
	IFS=: read -r part host args <<<"$c"
	i=$((i + 1))
	if ! dtb "$host" "$tmp/h.dtb" || ! dtb "$part" "$tmp/p.dtb"; then
		[[ $(basename "$part") == bad-* ]] && continue
		echo "mkseeds: cannot compile $part" >&2
		failed=$((failed + 1))
		continue
	fi
	o=$(opts_of "$args")
	pack "$o" "$tmp/h.dtb" "$tmp/p.dtb" >"$out/pipeline/case-$(basename "$part" .dts)"
	pack $((o | 0x40)) "$tmp/h.dtb" "$tmp/p.dtb" >"$out/pipeline/lock-$(basename "$part" .dts)"
	passed=$((passed + 2))
	[[ $(basename "$part") == bad-* ]] && continue
	# shellcheck disable=SC2086 # ARGS is a word list on purpose
	if "$tool" --host "$tmp/h.dtb" --partial "$tmp/p.dtb" $args \
		--map "$tmp/m.yaml" --map "$tmp/m.cfg" 2>/dev/null; then
		cp "$tmp/m.yaml" "$out/map_read/yaml-$i"
		passed=$((passed + 1))
		for fmt in json bin; do
			# shellcheck disable=SC2086
			"$tool" --host "$tmp/h.dtb" --partial "$tmp/p.dtb" $args \
				--map-format "$fmt" --map - >"$tmp/m.$fmt" 2>/dev/null &&
				cp "$tmp/m.$fmt" "$out/map_read/$fmt-$i" &&
				passed=$((passed + 1))
		done
	fi
done

# Real host trees, every master passed through (../shared is an extra).
if [[ ! -d $hostdt ]]; then
	echo "mkseeds: extra skipped: no ../shared/corpus/hostdt next to the repository (no seeds from real host trees)" >&2
fi
if [[ -x $mkpartial ]]; then
	for f in "$hostdt"/*.dts; do
		[[ -e $f ]] || continue
		b=$(basename "$f" .dts)
		if ! dtb "$f" "$tmp/h.dtb" ||
			! "$mkpartial" "$tmp/h.dtb" >"$tmp/p.dts" 2>/dev/null ||
			! dtb "$tmp/p.dts" "$tmp/p.dtb"; then
			echo "mkseeds: cannot build a seed from $f" >&2
			failed=$((failed + 1))
			continue
		fi
		pack 0 "$tmp/h.dtb" "$tmp/p.dtb" >"$out/pipeline/hostdt-$b"
		pack 0x41 "$tmp/h.dtb" "$tmp/p.dtb" >"$out/pipeline/hostdt-lock-$b"
		passed=$((passed + 2))
		"$tool" --host "$tmp/h.dtb" --partial "$tmp/p.dtb" \
			--map "$tmp/m.yaml" 2>/dev/null &&
			cp "$tmp/m.yaml" "$out/map_read/hostdt-$b.yaml" &&
			passed=$((passed + 1))
	done
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

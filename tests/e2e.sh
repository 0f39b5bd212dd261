#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# End-to-end tests of viommu-dtgen, driven by tests/fixtures/*.dts.
#
# Usage: tests/e2e.sh [BUILD_DIR]      (BUILD_DIR holds viommu-dtgen; default: build)
#        E2E_FILTER='bad-*' tests/e2e.sh build    (run the cases whose name matches)
#
# host-*.dts are host trees; every other *.dts is a case: a guest partial DT
# whose leading "// key: value" lines say how to run it and what to expect:
#   host: FILE            host tree in tests/fixtures (required)
#   args: ARGS            extra command-line arguments
#   lock: FILE            --lock with FILE in tests/fixtures
#   allow-list: FILE      --allow-list with FILE in tests/fixtures
#   pad: N                append N zero bytes to the compiled partial DTB
#   truncate: N           cut the compiled partial DTB to N bytes
#   xl: LINE              exact content of the xl map file (one line)
#   get: NODE PROP => V   `fdtget -t x OUT NODE PROP` prints V ("<none>": no such property)
#   gets: NODE PROP => V  the same with `fdtget -t s`
#   view: NODE PROP => V  `get` on the guest's view (--guest-view, written
#                         when the case has a view directive)
#   maps: FORMS           the maps to write, of cfg and yaml (default both;
#                         "none" for no map)
#   nodes: NODE => A B    the subnodes of NODE, in order
#   props: NODE => A B    the properties of NODE, in order
#   yaml: TEXT            TEXT occurs in the YAML map
#   warning: TEXT         TEXT occurs in stderr (also `stderr: TEXT`)
#   error: TEXT           bad-*.dts: TEXT occurs in the first stderr line
#   dtc-allow: TEXT       dtc warnings containing TEXT are expected in the output
# A bad-*.dts case must exit 1 with a first stderr line starting with
# "viommu-dtgen: error: " and leave its output directory empty.  A good case
# must exit 0, meet its expectations, be deterministic (a second run gives
# byte-identical files) and idempotent (a run on its own output gives the same
# files), and its output must not make dtc warn about iommus or phandles
# where the input did not.

set -u
export LC_ALL=C

build=${1:-build}
if [[ ! -x $build/viommu-dtgen ]]; then
	echo "e2e.sh: $build/viommu-dtgen not found (build it first)" >&2
	exit 2
fi
tool=$(cd "$build" && pwd)/viommu-dtgen
fixtures=$(cd "$(dirname "$0")" && pwd)/fixtures
filter=${E2E_FILTER:-*}
tool_timeout=${E2E_TIMEOUT:-60}
out_files=(out.dtb map.cfg map.yaml)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
why=

# dtc 1.6 has no -Wall; use it where it exists.
dtc_wall=()
if dtc -Wall -I dts -O dtb -o /dev/null - <<<'/dts-v1/; / { };' 2>/dev/null; then
	dtc_wall=(-Wall)
fi

fail() {
	why=$*
	return 1
}

# list_dir DIR: the names in DIR, sorted, each followed by a space.
list_dir() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' '
}

first_line() {
	head -n 1 -- "$1"
}

# run_tool OUTDIR PARTIAL ERRFILE: the standard invocation; prints nothing,
# returns the tool's exit status.
run_tool() {
	local -a outs=(-o "$1/out.dtb")
	local f
	for f in "${out_files[@]}"; do
		case $f in
		map.*) outs+=(--map "$1/$f") ;;
		guest.dtb) outs+=(--guest-view "$1/$f") ;;
		esac
	done
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$2" \
		"${outs[@]}" "${lock_args[@]}" "${args[@]}" 2>"$3"
}

describe_rc() {
	case $1 in
	124) echo "timed out after ${tool_timeout}s" ;;
	12[5-9] | 1[3-9][0-9] | 2[0-9][0-9]) echo "exit $1 (crash?)" ;;
	*) echo "exit $1" ;;
	esac
}

# dtc_warnings DTB: the dtc warnings about iommus or phandles, one per line,
# without the file-name prefix and minus the allowed ones.
dtc_warnings() {
	local a
	dtc "${dtc_wall[@]}" -I dtb -O dts -o /dev/null "$1" 2>&1 |
		grep -E 'iommus|phandle' | sed 's/^[^:]*: //' |
		while IFS= read -r a; do
			local skip=0 allow
			for allow in "${dtc_allow[@]}"; do
				[[ $a == *"$allow"* ]] && skip=1
			done
			((skip)) || printf '%s\n' "$a"
		done | sort -u
}

# check_spec KIND SPEC OUT.DTB: one get/gets/nodes/props expectation.
check_spec() {
	local kind=$1 spec=$2 dtb=$3 node prop want got
	if [[ $spec != *' => '* ]]; then
		fail "bad directive '$kind: $spec'"
		return
	fi
	want=${spec#* => }
	node=${spec%% => *}
	case $kind in
	get | gets | view)
		prop=${node#* }
		node=${node%% *}
		[[ $kind == view ]] && dtb=${dtb%/*}/guest.dtb
		if [[ $kind != gets ]]; then
			got=$(fdtget -t x "$dtb" "$node" "$prop" 2>/dev/null) || got='<none>'
		else
			got=$(fdtget -t s "$dtb" "$node" "$prop" 2>/dev/null) || got='<none>'
		fi
		;;
	nodes)
		got=$(fdtget -l "$dtb" "$node" 2>/dev/null | tr '\n' ' ') || got='<none>'
		got=${got% }
		;;
	props)
		got=$(fdtget -p "$dtb" "$node" 2>/dev/null | tr '\n' ' ') || got='<none>'
		got=${got% }
		;;
	esac
	[[ $got == "$want" ]] || fail "$kind $spec: got '$got'"
}

same_outputs() {
	local f
	for f in "${out_files[@]}"; do
		cmp -s -- "$1/$f" "$2/$f" || {
			fail "$3: $f differs"
			return
		}
	done
}

run_fixture() {
	local case_file=$1 name=$2 dir=$tmp/$2
	local line key val host='' truncate='' pad='' xl='' have_xl=0 rc e f
	local -a errors=() stderrs=() specs=() yamls=() maps=(cfg yaml)
	local view=0
	args=()
	lock_args=()
	dtc_allow=()
	mkdir -p "$dir/out" "$dir/out2" "$dir/out3"

	while IFS= read -r line; do
		[[ $line =~ ^//\ ([a-z-]+):\ ?(.*)$ ]] || continue
		key=${BASH_REMATCH[1]}
		val=${BASH_REMATCH[2]}
		case $key in
		host) host=$val ;;
		args) read -r -a args <<<"$val" ;;
		lock) lock_args+=(--lock "$fixtures/$val") ;;
		allow-list) lock_args+=(--allow-list "$fixtures/$val") ;;
		pad) pad=$val ;;
		truncate) truncate=$val ;;
		xl) xl=$val have_xl=1 ;;
		get | gets | nodes | props) specs+=("$key	$val") ;;
		view) specs+=("$key	$val") view=1 ;;
		maps) read -r -a maps <<<"${val/none/}" ;;
		yaml) yamls+=("$val") ;;
		warning | stderr) stderrs+=("$val") ;;
		error) errors+=("$val") ;;
		dtc-allow) dtc_allow+=("$val") ;;
		*)
			fail "unknown directive '$key'"
			return
			;;
		esac
	done <"$case_file"

	[[ -n $host ]] || {
		fail "no '// host:' directive"
		return
	}
	out_files=(out.dtb)
	((view)) && out_files+=(guest.dtb)
	for e in "${maps[@]}"; do
		out_files+=("map.$e")
	done
	[[ -f $fixtures/$host ]] || {
		fail "host fixture $host does not exist"
		return
	}
	host_dtb=$dir/host.dtb
	local partial=$dir/partial.dtb
	dtc -q -I dts -O dtb -o "$host_dtb" "$fixtures/$host" 2>"$dir/dtc.err" ||
		{
			fail "dtc failed on $host: $(first_line "$dir/dtc.err")"
			return
		}
	dtc -q -I dts -O dtb -o "$partial" "$case_file" 2>"$dir/dtc.err" ||
		{
			fail "dtc failed: $(first_line "$dir/dtc.err")"
			return
		}
	if [[ -n $pad ]]; then
		head -c "$pad" /dev/zero >>"$partial" || {
			fail "cannot pad by $pad"
			return
		}
	fi
	if [[ -n $truncate ]]; then
		truncate -s "$truncate" "$partial" || {
			fail "cannot truncate to $truncate"
			return
		}
	fi

	run_tool "$dir/out" "$partial" "$dir/err"
	rc=$?

	if [[ $name == bad-* ]]; then
		((${#errors[@]})) || {
			fail "bad case without '// error:'"
			return
		}
		[[ $rc == 1 ]] || {
			fail "expected exit 1, got $(describe_rc "$rc"): $(first_line "$dir/err")"
			return
		}
		line=$(first_line "$dir/err")
		[[ $line == 'viommu-dtgen: error: '* ]] || {
			fail "first stderr line is not an error: '$line'"
			return
		}
		for e in "${errors[@]}"; do
			[[ $line == *"$e"* ]] || {
				fail "first stderr line lacks '$e': '$line'"
				return
			}
		done
		for e in "${stderrs[@]}"; do
			grep -qF -- "$e" "$dir/err" || {
				fail "stderr lacks '$e'"
				return
			}
		done
		f=$(list_dir "$dir/out")
		[[ -z $f ]] || fail "files left in the output directory: $f"
		return
	fi

	((${#errors[@]} == 0)) || {
		fail "'// error:' in a good case (name it bad-*.dts?)"
		return
	}
	[[ $rc == 0 ]] || {
		fail "expected exit 0, got $(describe_rc "$rc"): $(first_line "$dir/err")"
		return
	}
	f=$(list_dir "$dir/out")
	[[ $f == "$(printf '%s\n' "${out_files[@]}" | sort | tr '\n' ' ')" ]] || {
		fail "output directory holds '$f'"
		return
	}
	if ((have_xl)); then
		printf '%s\n' "$xl" | cmp -s - "$dir/out/map.cfg" || {
			fail "xl map is '$(head -c 400 "$dir/out/map.cfg")'"
			return
		}
	fi
	local spec
	for spec in "${specs[@]}"; do
		check_spec "${spec%%	*}" "${spec#*	}" "$dir/out/out.dtb" || return
	done
	for e in "${yamls[@]}"; do
		grep -qF -- "$e" "$dir/out/map.yaml" 2>/dev/null || {
			fail "YAML map lacks '$e'"
			return
		}
	done
	for e in "${stderrs[@]}"; do
		grep -qF -- "$e" "$dir/err" || {
			fail "stderr lacks '$e': '$(first_line "$dir/err")'"
			return
		}
	done

	# Determinism.
	run_tool "$dir/out2" "$partial" "$dir/err2"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "second run: $(describe_rc "$rc")"
		return
	}
	same_outputs "$dir/out" "$dir/out2" "not deterministic" || return

	# Idempotence.
	run_tool "$dir/out3" "$dir/out/out.dtb" "$dir/err3"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "run on own output: $(describe_rc "$rc"): $(first_line "$dir/err3")"
		return
	}
	same_outputs "$dir/out" "$dir/out3" "not idempotent" || return

	# dtc reads the output back without new iommus/phandle warnings.
	dtc_warnings "$partial" >"$dir/dtc.in"
	dtc_warnings "$dir/out/out.dtb" >"$dir/dtc.out"
	f=$(grep -vxF -f "$dir/dtc.in" "$dir/dtc.out")
	[[ -z $f ]] || fail "new dtc warning: $(echo "$f" | head -n 1)"
}

report() {
	if (($1 == 0)); then
		echo "ok $2"
		passed=$((passed + 1))
	else
		echo "FAIL $2: $why"
		failed=$((failed + 1))
	fi
}

for case_file in "$fixtures"/*.dts; do
	name=$(basename "$case_file" .dts)
	[[ $name == host-* ]] && continue
	# shellcheck disable=SC2053 # E2E_FILTER is a glob on purpose
	[[ $name == $filter ]] || continue
	why=
	run_fixture "$case_file" "$name"
	report $? "$name"
done

# ---------------------------------------------------------------------------
# Command-line cases, not fixture-driven.  They use the xen-devel fixtures.

cli_setup() {
	cli=$tmp/$1
	mkdir -p "$cli/w"
	host_dtb=$cli/host.dtb
	cli_partial=$cli/partial.dtb
	dtc -q -I dts -O dtb -o "$host_dtb" "$fixtures/host-xen-devel.dts" &&
		dtc -q -I dts -O dtb -o "$cli_partial" "$fixtures/xen-devel.dts"
}

# Usage errors exit 2 and write nothing.
cli_usage() {
	local rc w cmd
	local -a argv
	cli_setup cli-usage || {
		fail "dtc failed"
		return
	}
	w=$cli/w
	for cmd in "--bogus-option" \
		"--partial $cli_partial -o $w/out.dtb" \
		"--host $host_dtb --partial $cli_partial -o $w/out.dtb --vid-bits 33" \
		"--host $host_dtb --partial $cli_partial" \
		"--host $host_dtb --partial $cli_partial -o $w/same.yaml --map $w/./same.yaml" \
		"--host - --partial - --check" \
		"--host $host_dtb --partial $cli_partial --check --viommu-phandle 0xfde8" \
		"--host $host_dtb --partial $cli_partial --xen-abi bogus --check" \
		"--host $host_dtb --partial $cli_partial --builder bogus --check" \
		"--host $host_dtb --partial $cli_partial --xen-abi none --map $w/m.yaml" \
		"--host $host_dtb --partial $cli_partial --xen-abi vsmmuv3-v3 --policy identity --check" \
		"--host $host_dtb --partial $cli_partial --xen-abi vsmmuv3-v3 --lock $w/m.yaml --check" \
		"--host $host_dtb --partial $cli_partial --xen-abi vsmmuv3-v3 --viommu-spi 40 --check" \
		"--host $host_dtb --partial $cli_partial --xen-abi vsmmuv3-v3 --builder none --check" \
		"--host $host_dtb --partial $cli_partial --xen-abi vsmmuv3-v3 --map $w/m.cfg" \
		"--host $host_dtb --partial $cli_partial --xen-abi vsmmuv3-v3 --builder dom0less --vpci --check" \
		"--host $host_dtb --partial $cli_partial --vpci --check" \
		"--host $host_dtb --partial $cli_partial --builder libxl --viommu-phandle 0xfdeb --check" \
		"--host $host_dtb --partial $cli_partial -o $w/g.dtb --guest-view $w/g.dtb"; do
		read -r -a argv <<<"$cmd"
		timeout "$tool_timeout" "$tool" "${argv[@]}" >/dev/null 2>"$cli/err"
		rc=$?
		[[ $rc == 2 ]] || {
			fail "'$cmd': expected exit 2, got $(describe_rc "$rc")"
			return
		}
		[[ $(first_line "$cli/err") == viommu-dtgen:* ]] || {
			fail "'$cmd': stderr is '$(first_line "$cli/err")'"
			return
		}
	done
	[[ -z $(list_dir "$w") ]] || fail "files written: $(list_dir "$w")"
}

# All or nothing: an output in a missing directory fails the whole run (the
# map in an existing directory is not written either), and a failing run
# leaves existing outputs unchanged.
cli_all_or_nothing() {
	local rc w
	cli_setup cli-all-or-nothing || {
		fail "dtc failed"
		return
	}
	w=$cli/w
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$cli_partial" \
		--map "$w/map.yaml" -o "$w/missing/out.dtb" 2>"$cli/err"
	rc=$?
	[[ $rc == 1 ]] || {
		fail "-o into a missing directory: expected exit 1, got $(describe_rc "$rc")"
		return
	}
	[[ $(first_line "$cli/err") == 'viommu-dtgen: error: '* ]] || {
		fail "first stderr line is '$(first_line "$cli/err")'"
		return
	}
	[[ -z $(list_dir "$w") ]] || {
		fail "files left: $(list_dir "$w")"
		return
	}
	echo old >"$w/out.dtb"
	echo old >"$w/map.cfg"
	timeout "$tool_timeout" "$tool" --host "$fixtures/host-dangling.dts" \
		--partial "$cli_partial" -o "$w/out.dtb" --map "$w/map.cfg" \
		--force 2>"$cli/err"
	rc=$?
	[[ $rc == 1 ]] || {
		fail "bad input: expected exit 1, got $(describe_rc "$rc")"
		return
	}
	[[ $(cat "$w/out.dtb") == old && $(cat "$w/map.cfg") == old ]] ||
		{
			fail "existing outputs changed by a failing run"
			return
		}
	[[ $(list_dir "$w") == 'map.cfg out.dtb ' ]] ||
		fail "files left: $(list_dir "$w")"
}

# --check validates and writes nothing, even with -o and --map.
cli_check() {
	local rc w
	cli_setup cli-check || {
		fail "dtc failed"
		return
	}
	w=$cli/w
	(cd "$w" && timeout "$tool_timeout" "$tool" --host "$host_dtb" \
		--partial "$cli_partial" --check) 2>"$cli/err"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "--check: expected exit 0, got $(describe_rc "$rc"): $(first_line "$cli/err")"
		return
	}
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$cli_partial" \
		--check -o "$w/out.dtb" --map "$w/map.yaml" 2>"$cli/err"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "--check -o --map: expected exit 0, got $(describe_rc "$rc"): $(first_line "$cli/err")"
		return
	}
	[[ -z $(list_dir "$w") ]] || fail "files written: $(list_dir "$w")"
}

# '--partial -', '-o -' and '-o FIFO' give the same bytes as a file does (a
# FIFO is written in place, never renamed over); DTS input and output
# round-trip through dtc to the same tree.
cli_stdio() {
	local rc w
	cli_setup cli-stdio || {
		fail "dtc failed"
		return
	}
	w=$cli/w
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$cli_partial" \
		-o "$w/file.dtb" 2>"$cli/err"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "-o FILE: $(describe_rc "$rc"): $(first_line "$cli/err")"
		return
	}
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial - -o - \
		<"$cli_partial" >"$w/stdout.dtb" 2>"$cli/err"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "--partial - -o -: $(describe_rc "$rc"): $(first_line "$cli/err")"
		return
	}
	cmp -s "$w/file.dtb" "$w/stdout.dtb" || {
		fail "stdout output differs from the file output"
		return
	}
	# An output that is not a regular file (a FIFO) is written in place.
	mkfifo "$w/fifo" || {
		fail "mkfifo failed"
		return
	}
	timeout "$tool_timeout" cat "$w/fifo" >"$w/fifo.dtb" &
	local reader=$!
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$cli_partial" \
		-o "$w/fifo" 2>"$cli/err"
	rc=$?
	wait "$reader"
	[[ $rc == 0 ]] || {
		fail "-o FIFO: $(describe_rc "$rc"): $(first_line "$cli/err")"
		return
	}
	[[ -p $w/fifo ]] || {
		fail "-o FIFO: the FIFO was replaced"
		return
	}
	cmp -s "$w/file.dtb" "$w/fifo.dtb" || {
		fail "-o FIFO: the bytes read differ from the file output"
		return
	}
	timeout "$tool_timeout" "$tool" --host "$fixtures/host-xen-devel.dts" \
		--partial "$fixtures/xen-devel.dts" -o "$w/out.dts" 2>"$cli/err"
	rc=$?
	[[ $rc == 0 ]] || {
		fail "DTS in, DTS out: $(describe_rc "$rc"): $(first_line "$cli/err")"
		return
	}
	dtc -q -I dts -O dtb -o "$w/dts.dtb" "$w/out.dts" 2>/dev/null || {
		fail "the DTS output does not compile"
		return
	}
	if ! dtc -q -I dtb -O dts -o "$w/a.dts" "$w/file.dtb" ||
		! dtc -q -I dtb -O dts -o "$w/b.dts" "$w/dts.dtb" ||
		! cmp -s "$w/a.dts" "$w/b.dts"; then
		fail "the DTS output is not the same tree as the DTB output"
	fi
}

# DTS input needs dtc: without it on PATH, the error names the program.
cli_no_dtc() {
	local rc line
	cli_setup cli-no-dtc || {
		fail "dtc failed"
		return
	}
	timeout "$tool_timeout" env PATH=/nonexistent "$tool" \
		--host "$fixtures/host-xen-devel.dts" --partial "$cli_partial" \
		-o "$cli/w/out.dtb" 2>"$cli/err"
	rc=$?
	[[ $rc == 1 ]] || {
		fail "expected exit 1, got $(describe_rc "$rc")"
		return
	}
	line=$(first_line "$cli/err")
	[[ $line == *'host-xen-devel.dts: cannot run dtc'* ]] ||
		fail "the error does not name dtc: '$line'"
	grep -q 'hint:.*device-tree-compiler' "$cli/err" ||
		fail "no hint naming the package"
	[[ -z $(list_dir "$cli/w") ]] || fail "files written: $(list_dir "$cli/w")"
}

# A DTS input must not make dtc read other files (/incbin/, /include/):
# the partial DT is written by whoever configures the guest.
cli_dts_include() {
	local rc d line
	cli_setup cli-dts-include || {
		fail "dtc failed"
		return
	}
	echo "secret" >"$cli/secret.txt"
	for d in "/incbin/(\"$cli/secret.txt\")" "/include/ \"$cli/secret.txt\""; do
		sed "s|xen,path = |leak = $d; xen,path = |" \
			"$fixtures/xen-devel.dts" >"$cli/inc.dts"
		grep -qF "$d" "$cli/inc.dts" || {
			fail "could not plant '$d'"
			return
		}
		timeout "$tool_timeout" "$tool" --host "$host_dtb" \
			--partial "$cli/inc.dts" -o "$cli/w/out.dtb" 2>"$cli/err"
		rc=$?
		line=$(first_line "$cli/err")
		[[ $rc == 1 && $line == *'inc.dts: DTS input may not use /in'* ]] || {
			fail "$d: exit $rc, '$line'"
			return
		}
	done
	[[ -z $(list_dir "$cli/w") ]] || fail "files written: $(list_dir "$cli/w")"
}

# A map says which partial tree it describes: --verify-map tells a set of
# one run from a mixed set (a kill between renames, two runs at once).
cli_verify_map() {
	local w=$tmp/cli-verify-map rc
	mkdir -p "$w" || return
	cli_setup cli-verify-map || {
		fail "dtc failed"
		return
	}
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$cli_partial" \
		-o "$w/a.dtb" --map "$w/a.yaml" --map "$w/a.h" 2>/dev/null || {
		fail "the tool failed"
		return
	}
	timeout "$tool_timeout" "$tool" --verify-map "$w/a.yaml" --partial "$w/a.dtb" || {
		fail "the map does not verify against its own tree"
		return
	}
	# The C form defines the same digest, as sha256sum(1) gives it.
	grep -q "_PARTIAL_SHA256 \"$(sha256sum "$w/a.dtb" | cut -d ' ' -f 1)\"" "$w/a.h" || {
		fail "the C map's digest is not the tree's"
		return
	}
	# The other run: the same partial with a property more.
	if ! cp "$cli_partial" "$w/b.in.dtb" ||
		! fdtput -t s "$w/b.in.dtb" / model other ||
		! timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$w/b.in.dtb" \
			-o "$w/b.dtb" --map "$w/b.yaml" 2>/dev/null; then
		fail "the second run failed"
		return
	fi
	timeout "$tool_timeout" "$tool" --verify-map "$w/b.yaml" --partial "$w/a.dtb" 2>"$w/err"
	rc=$?
	[[ $rc == 1 && $(first_line "$w/err") == *'b.yaml: partial-sha256: describes another partial tree than'* ]] ||
		fail "a mixed set: exit $rc, '$(first_line "$w/err")'"
}

# DTS out keeps the labels of DTS in and writes references, not numbers,
# for Zephyr's devicetree tooling; dtc compiles it back to the same tree.
cli_dts_labels() {
	local ex=$fixtures/../../examples f
	mkdir -p "$tmp/cli-dts-labels" || return
	f=$tmp/cli-dts-labels/out
	if ! timeout "$tool_timeout" "$tool" --host "$ex/board.dts" \
		--partial "$ex/guest.dts" -o "$f.dts" 2>/dev/null ||
		! timeout "$tool_timeout" "$tool" --host "$ex/board.dts" \
			--partial "$ex/guest.dts" -o "$f.dtb" 2>/dev/null; then
		fail "the tool failed on examples/"
		return
	fi
	for want in 'gic: gic {' 'interrupt-parent = <&gic>;' \
		'iommus = <&{/passthrough/iommu@4040000} 0x0>;'; do
		grep -qF -- "$want" "$f.dts" || {
			fail "DTS lacks '$want'"
			return
		}
	done
	dtc -q -I dts -O dtb -o "$f.back.dtb" "$f.dts" || {
		fail "dtc cannot compile the DTS"
		return
	}
	cmp -s <(dtc -q -I dtb -O dts "$f.back.dtb") <(dtc -q -I dtb -O dts "$f.dtb") ||
		fail "the DTS compiles to another tree than the DTB"
}

# Outputs are synced to disk only with --fsync (each file, then its
# directory), and are the same bytes either way.
cli_fsync() {
	local w=$tmp/cli-fsync n
	mkdir -p "$w" || return
	command -v strace >/dev/null || {
		echo "skip cli-fsync: no strace"
		return 0
	}
	cli_setup cli-fsync || {
		fail "dtc failed"
		return
	}
	# LeakSanitizer (SANITIZE=1 builds) refuses to run under ptrace.
	local -x ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	strace -f -qq -e trace=fsync,fdatasync -o "$w/plain.trace" \
		timeout "$tool_timeout" "$tool" --host "$host_dtb" \
		--partial "$cli_partial" -o "$w/a.dtb" --map "$w/a.yaml" 2>/dev/null || {
		fail "the tool failed"
		return
	}
	strace -f -qq -e trace=fsync,fdatasync -o "$w/sync.trace" \
		timeout "$tool_timeout" "$tool" --fsync --host "$host_dtb" \
		--partial "$cli_partial" -o "$w/b.dtb" --map "$w/b.yaml" 2>/dev/null || {
		fail "the tool failed with --fsync"
		return
	}
	n=$(grep -c 'sync(' "$w/plain.trace")
	[[ $n == 0 ]] || {
		fail "$n fsync calls without --fsync"
		return
	}
	n=$(grep -c 'sync(.*= 0' "$w/sync.trace")
	[[ $n == 4 ]] || {
		fail "$n fsync calls with --fsync for two outputs, not 4"
		return
	}
	if ! cmp -s "$w/a.dtb" "$w/b.dtb" ||
		! cmp -s "$w/a.yaml" <(sed 's/b\.dtb/a.dtb/g' "$w/b.yaml"); then
		fail "--fsync changes the outputs"
	fi
}

# --xl-config (issue 13): the config updated in place, its mode and owner
# kept; usage errors, a refused run and --check leave it byte for byte;
# two runs give the same bytes; its dtdev is the allow list.
cli_xl_config() {
	local rc w x=$fixtures/xl cmd
	local -a argv
	if ! { cli_setup cli-xl-config; }; then
		fail "dtc failed"
		return
	fi
	w=$cli/w
	cp "$x/comments.cfg" "$w/g.cfg" && chmod 0604 "$w/g.cfg" || return 1
	if [[ $(id -u) == 0 ]]; then chown 65534:65534 "$w/g.cfg" || return 1; fi
	for cmd in "--builder dom0less -o $w/g.dtb" "-o $w/g.dts" "-o -" \
		"-o $w/g.dtb --xl-config $w/g.cfg" "--map $w/g.cfg" \
		"-O dts -o $w/g.dtb"; do
		read -r -a argv <<<"$cmd"
		timeout "$tool_timeout" "$tool" --host "$x/host.dts" \
			--partial "$x/guest.dts" --xl-config "$w/g.cfg" \
			"${argv[@]}" >/dev/null 2>"$cli/err"
		rc=$?
		if ! { [[ $rc == 2 ]]; }; then
			fail "'$cmd': expected exit 2, got $(describe_rc "$rc")"
			return
		fi
	done
	timeout "$tool_timeout" "$tool" --host "$x/host.dts" --partial "$x/guest.dts" \
		--xl-config "$w/missing.cfg" -o "$w/g.dtb" 2>/dev/null
	if ! { [[ $? == 2 ]]; }; then
		fail "a missing --xl-config file is not a usage error"
		return
	fi
	if ! { timeout "$tool_timeout" "$tool" --host "$x/host.dts" --partial "$x/guest.dts" \
		--xl-config "$w/g.cfg" -o "$w/g.dtb" --check 2>/dev/null &&
		cmp -s "$w/g.cfg" "$x/comments.cfg" && [[ ! -e $w/g.dtb ]]; }; then
		fail "--check wrote something"
		return
	fi
	# A refused run (a partial naming an IOMMU the host lacks) writes nothing.
	timeout "$tool_timeout" "$tool" --host "$host_dtb" --partial "$x/guest.dts" \
		--xl-config "$w/g.cfg" -o "$w/g.dtb" 2>"$cli/err"
	rc=$?
	if ! { [[ $rc == 1 ]] && cmp -s "$w/g.cfg" "$x/comments.cfg" && [[ ! -e $w/g.dtb ]]; }; then
		fail "refused run: exit $(describe_rc "$rc"), config or DTB changed"
		return
	fi
	# -o relative: device_tree names it by its absolute path (L6).
	if ! { (cd "$w" && timeout "$tool_timeout" "$tool" --host "$x/host.dts" \
		--partial "$x/guest.dts" --xl-config g.cfg -o g.dtb) 2>"$cli/err"; }; then
		fail "--xl-config failed: $(first_line "$cli/err")"
		return
	fi
	if ! { [[ $(stat -c %a "$w/g.cfg") == 604 ]]; }; then
		fail "mode $(stat -c %a "$w/g.cfg"), not 604"
		return
	fi
	if [[ $(id -u) == 0 && $(stat -c %u:%g "$w/g.cfg") != 65534:65534 ]]; then
		fail "owner $(stat -c %u:%g "$w/g.cfg"), not 65534:65534"
		return
	fi
	if ! { grep -qx 'iommu_devid_map = \[ "0x10@0x0,0x4f000000", "0x11@0x1,0x4f000000", "0x12@0x2,0x4f000000" \]' "$w/g.cfg" &&
		grep -qx "device_tree = \"$(cd "$w" && pwd -P)/g.dtb\"" "$w/g.cfg" &&
		grep -qx 'irqs = \[ 71, 72, 73, 82, 92, 102 \]' "$w/g.cfg"; }; then
		fail "the config lacks a key: $(cat "$w/g.cfg")"
		return
	fi
	cp "$w/g.cfg" "$w/first.cfg"
	if ! { timeout "$tool_timeout" "$tool" --host "$x/host.dts" --partial "$x/guest.dts" \
		--xl-config "$w/g.cfg" -o "$w/g.dtb" 2>/dev/null &&
		cmp -s "$w/g.cfg" "$w/first.cfg"; }; then
		fail "a second run changed the config"
		return
	fi
	# The series: viommu = "smmuv3" and no iommu_devid_map written.
	cp "$x/comments.cfg" "$w/s.cfg"
	if ! { timeout "$tool_timeout" "$tool" --xen-abi vsmmuv3-v3 --host "$x/host.dts" \
		--partial "$x/guest.dts" --xl-config "$w/s.cfg" 2>/dev/null &&
		grep -qx 'viommu = "smmuv3"' "$w/s.cfg" &&
		! grep -q 'iommu_devid_map\|device_tree' "$w/s.cfg"; }; then
		fail "vsmmuv3-v3: $(cat "$w/s.cfg")"
		return
	fi
	# Released Xen: no vIOMMU line.
	cp "$x/comments.cfg" "$w/n.cfg"
	if ! { timeout "$tool_timeout" "$tool" --xen-abi none --host "$x/host.dts" \
		--partial "$x/guest.dts" --xl-config "$w/n.cfg" 2>/dev/null &&
		grep -q '^dtdev = ' "$w/n.cfg" && ! grep -q '^viommu\|^iommu_devid_map' "$w/n.cfg"; }; then
		fail "--xen-abi none: $(cat "$w/n.cfg")"
		return
	fi
	# dtdev with --allow-path: a device must be on both.
	cp "$x/earlier.cfg" "$w/a.cfg"
	timeout "$tool_timeout" "$tool" --host "$x/host.dts" --partial "$x/guest.dts" \
		--xl-config "$w/a.cfg" --allow-path /soc/multi@6800000 \
		--allow-path /soc/odd@7000ff0 --allow-path /soc/noiommu@7200000 \
		--check 2>"$cli/err"
	if ! { [[ $? == 1 ]] && grep -q '/soc/moved@7100000 is not among' "$cli/err"; }; then
		fail "--allow-path did not restrict beside dtdev: $(first_line "$cli/err")"
		return
	fi
	timeout "$tool_timeout" "$tool" --host "$x/host.dts" --partial "$x/guest.dts" \
		--xl-config "$x/deny.cfg" --allow-path /soc/multi@6800000 \
		--allow-path /soc/odd@7000ff0 --allow-path /soc/moved@7100000 \
		--allow-path /soc/noiommu@7200000 --check 2>"$cli/err"
	rc=$?
	if [[ $rc != 1 ]] || ! grep -q 'is not in the dtdev list of' "$cli/err"; then
		fail "dtdev did not restrict beside --allow-path: $(first_line "$cli/err")"
	fi
}

for name in cli-usage cli-all-or-nothing cli-check cli-stdio cli-no-dtc \
	cli-dts-include cli-dts-labels cli-verify-map cli-fsync cli-xl-config; do
	# shellcheck disable=SC2053 # E2E_FILTER is a glob on purpose
	[[ $name == $filter ]] || continue
	why=
	"${name//-/_}"
	report $? "$name"
done

echo "$passed passed, $failed failed"
((failed == 0))

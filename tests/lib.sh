# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
#
# Shared by the test scripts, sourced, not run: a scratch directory, the
# count of passed and failed cases, and the last line make reads.
#
# t_init NAME        LC_ALL=C; $tmp, a new directory (NAME in its name)
#                    removed on exit; passed=0 failed=0
# ok NAME            one case passed
# bad NAME MESSAGE [LOG]
#                    one case failed; LOG's first 20 lines follow, indented
# verdict STATUS NAME DETAIL
#                    ok NAME if STATUS is 0, else bad NAME DETAIL (the
#                    status comes first: expanding DETAIL may run commands)
# t_done             prints "N passed, N failed"; fails if any case did
# arm64_deb META FLAVOUR DIR
#                    downloads into DIR the arm64 package that Debian's
#                    META:arm64 depends on (linux-image-6*-FLAVOUR) through
#                    apt multiarch, nothing installed; prints the .deb's
#                    path, or why it failed (and fails)

t_init() {
	export LC_ALL=C
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 2
	# shellcheck disable=SC2064 # expand $tmp now
	trap "rm -rf '$tmp'" EXIT
	passed=0
	failed=0
}

ok() {
	echo "ok $1"
	passed=$((passed + 1))
}

bad() {
	echo "FAIL $1: $2"
	if [[ $# -ge 3 && -s $3 ]]; then
		head -n 20 "$3" | sed 's/^/    /'
	fi
	failed=$((failed + 1))
}

verdict() {
	if [[ $1 -eq 0 ]]; then ok "$2"; else bad "$2" "$3"; fi
}

t_done() {
	echo "$passed passed, $failed failed"
	((failed == 0))
}

arm64_deb() {
	local meta=$1 flavour=$2 dir=$3 pkg deb
	mkdir -p "$dir" || return 1
	if ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64; then
		[[ $(id -u) == 0 ]] || {
			echo "arm64 is not a dpkg architecture here and adding it needs root"
			return 1
		}
		dpkg --add-architecture arm64 || {
			echo "dpkg --add-architecture arm64 failed"
			return 1
		}
	fi
	_arm64_dep() {
		apt-cache depends "$meta:arm64" 2>/dev/null |
			sed -n "s/^ *Depends: \(linux-image-6[^ ]*-$flavour\).*/\1/p" |
			head -n 1
	}
	pkg=$(_arm64_dep)
	if [[ -z $pkg && $(id -u) == 0 ]]; then
		apt-get update -qq >/dev/null 2>&1
		pkg=$(_arm64_dep)
	fi
	[[ -n $pkg ]] || {
		echo "apt knows no $meta:arm64 (apt-get update after dpkg --add-architecture arm64?)"
		return 1
	}
	pkg=${pkg%:arm64}
	(cd "$dir" && apt-get download -q "$pkg:arm64" >/dev/null 2>&1) || {
		echo "apt-get download $pkg:arm64 failed"
		return 1
	}
	deb=$(find "$dir" -name "${pkg}_*_arm64.deb" | head -n 1)
	[[ -n $deb ]] || {
		echo "apt-get download $pkg:arm64 left no .deb"
		return 1
	}
	echo "$deb"
}

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

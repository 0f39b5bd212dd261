#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Output faults: what the tool leaves behind when an output cannot be
# written, and that outputs which are not regular files are written in
# place, never replaced by a rename.
#
# Usage: tests/faults.sh [BUILD_DIR]
#   BUILD_DIR holds viommu-dtgen and tests/hostile/killat.so.
#
# Every failure case checks: exit status 1, one stderr line
# "viommu-dtgen: error: PATH: ..." naming the output, the previous output
# file intact byte for byte, and no other file left in its directory.
#
# Device nodes are made by this script in its own temporary directory
# (mknod c 1 7 for a full device, c 1 3 for a null device), never in /dev.
# Tests run as root, whom permission bits do not stop, so a read-only
# directory is a read-only tmpfs mount and a full file system a tiny tmpfs,
# both in a private mount namespace (unshare -m): the kernel refuses writes
# there to root too (EROFS, ENOSPC), and the mounts vanish with the script
# even if it is killed.  Without root (or unshare/mknod) those cases are
# skipped and counted as such.

set -u
export LC_ALL=C

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
tool=$(cd "$build" && pwd)/viommu-dtgen
shim=$(cd "$build" && pwd)/tests/hostile/killat.so
for f in "$tool" "$shim"; do
	if [[ ! -e $f ]]; then
		echo "faults.sh: $f not found (make $build/viommu-dtgen $build/tests/hostile/killat.so)" >&2
		exit 2
	fi
done

# Private mount namespace for the tmpfs mounts, when we can have one.
if [[ -z ${VDT_FAULTS_NS:-} && $(id -u) == 0 ]] &&
	unshare -m --propagation private true 2>/dev/null; then
	VDT_FAULTS_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
can_mount=0
[[ -n ${VDT_FAULTS_NS:-} ]] && can_mount=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/faults.XXXXXX") || exit 2
trap 'umount -q "$tmp"/m* 2>/dev/null; rm -rf "$tmp"' EXIT

passed=0
failed=0
skipped=0
why=

fail() {
	why=$*
	return 1
}

# check NAME FUNCTION [ARG...]: run one case.
check() {
	local name=$1
	shift
	why=
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name: $why"
	fi
}

skip() {
	skipped=$((skipped + 1))
	echo "SKIP: $1: $2"
}

dtc -q -I dts -O dtb -o "$tmp/host.dtb" "$root/examples/board.dts" || exit 2
dtc -q -I dts -O dtb -o "$tmp/guest.dtb" "$root/examples/guest.dts" || exit 2
"$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" -o "$tmp/good.dtb" \
	--map "$tmp/good.yaml" || exit 2
# The previous output: a tree, which the tool replaces without --force.
dtc -q -I dts -O dtb -o "$tmp/previous" - <<<'/dts-v1/; / { previous-output; };' || exit 2

tool() {
	"$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" "$@"
}

# listing DIR: its entries, hidden ones too.
listing() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' '
}

# expect_error RC ERRFILE PATH: exit 1 and one line naming PATH.
expect_error() {
	[[ $1 == 1 ]] || fail "exit status $1, not 1" || return 1
	[[ $(wc -l <"$2") == 1 ]] || fail "stderr is not one line: $(cat "$2")" || return 1
	grep -q "^viommu-dtgen: error: $3: " "$2" ||
		fail "stderr does not name $3: $(cat "$2")"
}

# expect_intact DIR FILE...: DIR holds exactly FILE... and each is the
# previous output, byte for byte.
expect_intact() {
	local d=$1 f want=
	shift
	for f in "$@"; do
		cmp -s "$d/$f" "$tmp/previous" ||
			fail "$d/$f changed or vanished" || return 1
		want="$want$f "
	done
	[[ $(listing "$d") == "$want" ]] ||
		fail "$d holds '$(listing "$d")', not '$want'"
}

# is_chardev PATH MAJOR MINOR
is_chardev() {
	[[ -c $1 && $(stat -c '%t %T' "$1") == "$(printf '%x %x' "$2" "$3")" ]] ||
		fail "$1 is no longer the character device $2,$3: $(stat -c %F "$1" 2>&1)"
}

# --- a full device ----------------------------------------------------------

full_device() {
	local d=$tmp/full rc
	mkdir "$d" && mknod "$d/full" c 1 7 || fail "mknod failed" || return 1
	tool -o "$d/full" 2>"$tmp/err"
	rc=$?
	expect_error "$rc" "$tmp/err" "$d/full" || return 1
	grep -q 'No space left on device' "$tmp/err" ||
		fail "message does not say why: $(cat "$tmp/err")" || return 1
	is_chardev "$d/full" 1 7 || return 1
	[[ $(listing "$d") == "full " ]] || fail "debris: $(listing "$d")"
}

# A map to the full device fails the run: the DTB beside it is kept.
full_device_map() {
	local d=$tmp/fullmap rc
	mkdir "$d" && mknod "$d/full" c 1 7 || fail "mknod failed" || return 1
	cp "$tmp/previous" "$d/out.dtb"
	tool -o "$d/out.dtb" --map-format yaml --map "$d/full" 2>"$tmp/err"
	rc=$?
	expect_error "$rc" "$tmp/err" "$d/full" || return 1
	is_chardev "$d/full" 1 7 || return 1
	[[ $(listing "$d") == "full out.dtb " ]] || fail "debris: $(listing "$d")" || return 1
	cmp -s "$d/out.dtb" "$tmp/previous" || fail "$d/out.dtb was replaced"
}

if [[ $(id -u) == 0 ]]; then
	check "full device (mknod c 1 7)" full_device
	check "full device as a map, DTB kept" full_device_map
else
	skip "full device" "mknod needs root"
	skip "full device as a map" "mknod needs root"
fi

# --- a full file system (a regular output on a 16 KiB tmpfs) ----------------

full_fs() {
	local d=$tmp/mfull rc
	mkdir "$d" && mount -t tmpfs -o size=16k tmpfs "$d" || fail "mount failed" || return 1
	cp "$tmp/previous" "$d/out.dtb"
	dd if=/dev/zero of="$d/filler" bs=4k 2>/dev/null
	tool -o "$d/out.dtb" 2>"$tmp/err"
	rc=$?
	rm -f "$d/filler"
	expect_error "$rc" "$tmp/err" "$d/out.dtb" || return 1
	expect_intact "$d" out.dtb
}

# --- a read-only directory ----------------------------------------------------

# read_only NAME [ENV...]: a read-only tmpfs holding the previous output.
read_only() {
	local d=$tmp/m$1 rc
	shift
	mkdir "$d" && mount -t tmpfs -o size=64k tmpfs "$d" || fail "mount failed" || return 1
	cp "$tmp/previous" "$d/out.dtb"
	cp "$tmp/previous" "$d/map.yaml"
	mount -o remount,ro "$d" || fail "remount ro failed" || return 1
	env "$@" "$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" \
		-o "$d/out.dtb" --map "$d/map.yaml" 2>"$tmp/err"
	rc=$?
	expect_error "$rc" "$tmp/err" "$d/out.dtb" || return 1
	grep -q 'Read-only file system' "$tmp/err" ||
		fail "message does not say why: $(cat "$tmp/err")" || return 1
	expect_intact "$d" map.yaml out.dtb
}

read_only_tmpfile() { read_only ro1; }
# The same through the fallback for file systems without O_TMPFILE.
read_only_named() { read_only ro2 LD_PRELOAD="$shim" VDT_NO_TMPFILE=1 ASAN_OPTIONS=verify_asan_link_order=0; }

if [[ $can_mount == 1 ]]; then
	check "full file system (16 KiB tmpfs)" full_fs
	check "read-only directory (ro tmpfs)" read_only_tmpfile
	check "read-only directory, no O_TMPFILE" read_only_named
else
	skip "full file system" "needs root and unshare -m"
	skip "read-only directory" "needs root and unshare -m"
	skip "read-only directory, no O_TMPFILE" "needs root and unshare -m"
fi

# --- a path that is a directory -----------------------------------------------

# is_directory NAME [ENV...]
is_directory() {
	local d=$tmp/isdir-$1 rc
	shift
	mkdir -p "$d/out.dtb" && cp "$tmp/previous" "$d/map.yaml"
	env "$@" "$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" \
		-o "$d/out.dtb" --map "$d/map.yaml" 2>"$tmp/err"
	rc=$?
	expect_error "$rc" "$tmp/err" "$d/out.dtb" || return 1
	grep -q 'Is a directory' "$tmp/err" ||
		fail "message does not say why: $(cat "$tmp/err")" || return 1
	[[ -d $d/out.dtb && -z $(listing "$d/out.dtb") ]] ||
		fail "$d/out.dtb is no longer an empty directory" || return 1
	[[ $(listing "$d") == "map.yaml out.dtb " ]] || fail "debris: $(listing "$d")" || return 1
	cmp -s "$d/map.yaml" "$tmp/previous" || fail "$d/map.yaml was replaced"
}
check "output path is a directory" is_directory 1
# Without O_TMPFILE the map's named temporary file exists when the
# directory fails: it must be removed.
check "output path is a directory, no O_TMPFILE" is_directory 2 \
	LD_PRELOAD="$shim" VDT_NO_TMPFILE=1 ASAN_OPTIONS=verify_asan_link_order=0

# --- killed between writing and naming -----------------------------------------

# killed NAME CALL [ENV...]: SIGKILL on entry to CALL, with the previous
# output in place (NAME=existing) or no output yet (NAME=new).
killed() {
	local d=$tmp/kill-$1-$2 call=$2 rc
	mkdir "$d" || return 1
	if [[ $1 == existing ]]; then
		cp "$tmp/previous" "$d/out.dtb"
		cp "$tmp/previous" "$d/map.yaml"
	fi
	shift 2
	# (braces: the shell's own "Killed" notice goes to /dev/null)
	{ env LD_PRELOAD="$shim" VDT_KILL_IN="$call" \
		ASAN_OPTIONS=verify_asan_link_order=0 "$@" \
		"$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" \
		-o "$d/out.dtb" --map "$d/map.yaml" 2>"$tmp/err"; } 2>/dev/null
	rc=$?
	[[ $rc == 137 ]] || fail "exit status $rc, not 137 (SIGKILL)" || return 1
	[[ ! -s $tmp/err ]] || fail "stderr: $(cat "$tmp/err")" || return 1
	if [[ -e $d/out.dtb ]]; then
		expect_intact "$d" map.yaml out.dtb
	else
		[[ -z $(listing "$d") ]] || fail "debris: $(listing "$d")"
	fi
}

check "SIGKILL before naming, previous output" killed existing linkat
check "SIGKILL before naming, new output" killed new linkat
# Without O_TMPFILE the named temporary file exists before the rename: a
# kill there leaves it (the documented limit of the fallback), but never a
# damaged output.
killed_named() {
	local d=$tmp/kill-named rc
	mkdir "$d" && cp "$tmp/previous" "$d/out.dtb"
	{ LD_PRELOAD="$shim" VDT_KILL_IN=rename VDT_NO_TMPFILE=1 \
		ASAN_OPTIONS=verify_asan_link_order=0 \
		"$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" \
		-o "$d/out.dtb" 2>"$tmp/err"; } 2>/dev/null
	rc=$?
	[[ $rc == 137 ]] || fail "exit status $rc, not 137 (SIGKILL)" || return 1
	cmp -s "$d/out.dtb" "$tmp/previous" || fail "$d/out.dtb changed"
}
check "SIGKILL in rename, no O_TMPFILE: output intact" killed_named

# --- written in place: successes that must not replace the node ---------------

# The fallback's success path: right output, nothing left beside it.
named_ok() {
	local d=$tmp/named
	mkdir "$d" && cp "$tmp/previous" "$d/out.dtb"
	LD_PRELOAD="$shim" VDT_NO_TMPFILE=1 ASAN_OPTIONS=verify_asan_link_order=0 \
		"$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" \
		-o "$d/out.dtb" --map "$d/map.yaml" 2>"$tmp/err" ||
		fail "exit status $?: $(cat "$tmp/err")" || return 1
	cmp -s "$d/out.dtb" "$tmp/good.dtb" || fail "wrong output" || return 1
	[[ $(listing "$d") == "map.yaml out.dtb " ]] || fail "debris: $(listing "$d")"
}
check "no O_TMPFILE: output written, no debris" named_ok

fifo() {
	local d=$tmp/fifo pid rc
	mkdir "$d" && mkfifo "$d/out.dtb" || return 1
	timeout 60 cat "$d/out.dtb" >"$tmp/fifo.read" &
	pid=$!
	timeout 60 "$tool" --host "$tmp/host.dtb" --partial "$tmp/guest.dtb" \
		-o "$d/out.dtb" --map "$d/map.yaml" 2>"$tmp/err"
	rc=$?
	wait "$pid"
	[[ $rc == 0 ]] || fail "exit status $rc: $(cat "$tmp/err")" || return 1
	[[ -p $d/out.dtb ]] || fail "the FIFO was replaced: $(stat -c %F "$d/out.dtb")" || return 1
	cmp -s "$tmp/fifo.read" "$tmp/good.dtb" || fail "wrong bytes through the FIFO" || return 1
	[[ $(listing "$d") == "map.yaml out.dtb " ]] || fail "debris: $(listing "$d")"
}
check "FIFO written in place" fifo

null_device() {
	local d=$tmp/null
	mkdir "$d" && mknod "$d/null" c 1 3 || fail "mknod failed" || return 1
	tool -o "$d/null" --map-format xl --map "$d/null" 2>"$tmp/err" ||
		fail "exit status $?: $(cat "$tmp/err")" || return 1
	is_chardev "$d/null" 1 3 || return 1
	[[ $(listing "$d") == "null " ]] || fail "debris: $(listing "$d")"
}
if [[ $(id -u) == 0 ]]; then
	check "null device (mknod c 1 3) written in place" null_device
else
	skip "null device" "mknod needs root"
fi

# -o /dev/stdout with standard output on a file: that file gets the bytes,
# nothing is renamed over the link.  Not tried on /dev itself (a broken rule
# would replace the machine's /dev/stdout): on a private link to
# /proc/self/fd/1, which is what /dev/stdout is.
dev_stdout() {
	ln -sf /proc/self/fd/1 "$tmp/stdout"
	tool -o "$tmp/stdout" >"$tmp/stdout.dtb" 2>"$tmp/err" ||
		fail "exit status $?: $(cat "$tmp/err")" || return 1
	cmp -s "$tmp/stdout.dtb" "$tmp/good.dtb" || fail "wrong bytes on stdout" || return 1
	[[ -L $tmp/stdout && $(readlink "$tmp/stdout") == /proc/self/fd/1 ]] ||
		fail "the link to /proc/self/fd/1 was replaced"
}
check "-o /dev/stdout to a file" dev_stdout

# Appending: "-o /dev/stdout >> log" adds to the log, never truncates it.
dev_stdout_append() {
	ln -sf /proc/self/fd/1 "$tmp/stdout"
	printf 'log line\n' >"$tmp/log"
	tool -o "$tmp/stdout" >>"$tmp/log" 2>"$tmp/err" ||
		fail "exit status $?: $(cat "$tmp/err")" || return 1
	{ printf 'log line\n'; cat "$tmp/good.dtb"; } | cmp -s - "$tmp/log" ||
		fail "the log was not appended to"
}
check "-o /dev/stdout appending" dev_stdout_append

# A symbolic link to a regular file: the file is replaced, the link kept.
symlink() {
	local d=$tmp/link
	mkdir -p "$d/real" && cp "$tmp/previous" "$d/real/out.dtb"
	ln -s real/out.dtb "$d/out.dtb"
	tool -o "$d/out.dtb" 2>"$tmp/err" || fail "exit status $?: $(cat "$tmp/err")" || return 1
	[[ -L $d/out.dtb ]] || fail "the link was replaced" || return 1
	cmp -s "$d/real/out.dtb" "$tmp/good.dtb" || fail "the file was not written" || return 1
	[[ $(listing "$d") == "out.dtb real " && $(listing "$d/real") == "out.dtb " ]] ||
		fail "debris: $(listing "$d") / $(listing "$d/real")"
}
check "symbolic link kept, its file replaced" symlink

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# dt-schema (Debian's dt-schema: dt-mk-schema, dt-validate) on every output
# of tests/consumers/lib.sh, on its input partial DT and on the guest tree
# the libxl merge makes of it (build/tests/libxl_merge).  The schemas: the
# package's own (dt-core, iommu.yaml, pci-iommu.yaml, simple-bus, ...),
# ../shared/bindings/arm,smmu-v3.yaml (used in place, when it exists next to
# the repository: an extra; without it one line says so and the checks and
# teeth that need it are skipped), and the project's
# schemas/xen,passthrough.yaml and schemas/xen,passthrough-device.yaml.
# dt-validate exits 0 even when it reports violations, so its output is read:
#   - no violation of the project's xen,* schemas, in inputs or outputs;
#   - an output, and its merged guest tree, have no violation that the
#     input partial DT does not have (node name and message compared);
#   - the vIOMMU node (in the output, or the one the toolstack adds) is
#     matched by arm,smmu-v3.yaml, in the output and in the merged tree.
# Trees broken on purpose must fail the same checks.
#
# Usage: tests/consumers/schema.sh [BUILD_DIR]

# shellcheck source=tests/consumers/lib.sh
. "$(dirname "$0")/lib.sh"
consumers_init "${1:-build}"
merge=$build/tests/libxl_merge
if ! command -v dt-validate >/dev/null && [[ $(id -u) == 0 ]] &&
	command -v apt-get >/dev/null; then
	echo "installing dt-schema"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends dt-schema >/dev/null 2>&1
fi
for p in dt-validate dt-mk-schema; do
	command -v "$p" >/dev/null || {
		echo "schema.sh: $p not found (Debian package dt-schema)" >&2
		exit 2
	}
done
[[ -x $merge ]] || {
	echo "schema.sh: $merge not found (make $merge)" >&2
	exit 2
}

processed=$work/processed.json
smmu_yaml=$top/../shared/bindings/arm,smmu-v3.yaml
smmu=()
if [[ -f $smmu_yaml ]]; then
	smmu=("$smmu_yaml")
else
	echo "extra skipped: no ../shared/bindings/arm,smmu-v3.yaml next to the repository (the vIOMMU node is not matched against the upstream binding; its teeth are left out)"
fi
if ! dt-mk-schema -j -o "$processed" "${smmu[@]}" \
	"$top"/schemas/xen,*.yaml 2>"$work/mk.err" || [[ -s $work/mk.err ]]; then
	# dt-mk-schema drops a schema it finds wrong and says so only here.
	bad dt-mk-schema "the bindings do not all load" "$work/mk.err"
	t_done
	exit
fi
ok "dt-mk-schema loads ${smmu:+arm,smmu-v3.yaml and }schemas/xen,*.yaml"
base=$work/guest-base.dtb
dtc -q -I dts -O dtb -o "$base" "$top/tests/consumers/guest-base.dts" || exit 2

# validate FILE...: run dt-validate -M once over the files; FILE.rec gets
# FILE's records, one per line without the file name: "NODE: message |
# continuation..." for a violation, "PATH: matched on schema(s) | ID..." for
# a match.
validate() {
	dt-validate -M -s "$processed" "$@" >"$work/validate.log" 2>&1
	local f
	for f in "$@"; do : >"$f.rec"; done
	awk -v files="$(printf '%s\n' "$@")" '
		BEGIN { n = split(files, fl, "\n"); for (i = 1; i <= n; i++) known[fl[i]] = 1 }
		function flush() { if (cur != "") print rec >> (cur ".rec"); close(cur ".rec"); cur = "" }
		/^\t/ { if (cur != "") { sub(/^\t/, " | "); rec = rec $0 }; next }
		{
			flush()
			i = index($0, ": ")
			if (i && (substr($0, 1, i - 1) in known)) {
				cur = substr($0, 1, i - 1); rec = substr($0, i + 2)
			}
		}
		END { flush() }' "$work/validate.log"
}

violations() { grep -v ': matched on schema(s)' "$1.rec" | sort -u; }

# check_trees PARTIAL OUT MERGED VPATH-OUT VPATH-MERGED: prints why it fails.
check_trees() {
	local new f
	for f in "$1" "$2"; do
		new=$(violations "$f" | grep -F 'From schema: '"$top"'/schemas/xen,' | head -n 1)
		if [[ -n $new ]]; then
			echo "$(basename "$f"): $new"
			return 1
		fi
	done
	violations "$1" >"$1.v"
	for f in "$2" "$3"; do
		new=$(violations "$f" | comm -13 "$1.v" - | head -n 1)
		if [[ -n $new ]]; then
			echo "new violation in the $([[ $f == "$2" ]] && echo output || echo merged tree): $new"
			return 1
		fi
	done
	((${#smmu[@]})) || return 0
	if [[ -n $4 ]] && ! grep -q "^$4: matched on schema(s) |.*/arm,smmu-v3.yaml#" "$2.rec"; then
		echo "$4 is not matched by arm,smmu-v3.yaml in the output"
		return 1
	fi
	if ! grep -q "^$5: matched on schema(s) |.*/arm,smmu-v3.yaml#" "$3.rec"; then
		echo "$5 is not matched by arm,smmu-v3.yaml in the merged tree"
		return 1
	fi
}

consumers_gen
files=()
declare -A vout vmerged
collect() {
	local m=$work/$1.merged.dtb vbase
	vbase=$(printf '%x' "${4%%,*}")
	if [[ $2 == nonode ]]; then
		"$merge" merge "$base" "$7" "$m" "$3" "$4,33" 2>"$work/$1.err"
		vout[$1]=
		vmerged[$1]=/iommu@$vbase
	else
		"$merge" merge "$base" "$7" "$m" 2>"$work/$1.err"
		vout[$1]=/passthrough/iommu@$vbase
		vmerged[$1]=/passthrough/iommu@$vbase
	fi || {
		bad "$1" "merge failed" "$work/$1.err"
		return
	}
	files+=("$6" "$7" "$m")
	printf '%s\t%s\t%s\t%s\n' "$1" "$6" "$7" "$m" >>"$work/checked"
}
: >"$work/checked"
for_cases collect
validate "${files[@]}"
ncases=0
while IFS=$'\t' read -r name partial out m; do
	if why=$(check_trees "$partial" "$out" "$m" "${vout[$name]}" "${vmerged[$name]}"); then
		ncases=$((ncases + 1))
	else
		bad "$name" "$why"
	fi
done <"$work/checked"
((ncases > 0)) && ok "dt-validate: $ncases outputs, their partial DTs and merged trees"

# Teeth: trees broken on purpose (from the xen-devel fixture) must fail.
g=$work/gen
t=$work/teeth
mkdir -p "$t"
v=/passthrough/iommu@4040000
dev=/passthrough/test@10000000
# NAME => WHERE COMMAND: WHERE is "out" (break the output) or "in" (break
# the input partial DT, and so the output, which copies it); F is the file.
declare -A breaks=(
	[iommu-cells-2]="out fdtput -t x F $v #iommu-cells 2"
	[interrupt-names]="out fdtput -t s F $v interrupt-names bogus"
	[not-smmu-v3]="out fdtput -t s F $v compatible arm,smmu-v2"
	[iommu-map-too-long]="out fdtput -t x F $dev iommu-map 0 0xfdea 0 0x20000"
	[xen-path-relative]="in fdtput -t s F $dev xen,path soc/test@10000000"
	[xen-reg-short]="in fdtput -t x F $dev xen,reg 0 0x10000000"
	[xen-reg-without-path]="in fdtput -d F $dev xen,path"
	[passthrough-not-simple-bus]="in fdtput -t s F /passthrough compatible simple-mfd"
	[passthrough-no-ranges]="in fdtput -d F /passthrough ranges"
)
# Only arm,smmu-v3.yaml catches these: left out without it.
if ((${#smmu[@]} == 0)); then
	unset 'breaks[iommu-cells-2]' 'breaks[interrupt-names]' 'breaks[not-smmu-v3]'
fi
# apply COMMAND FILE: run COMMAND with F replaced by FILE.
apply() {
	local -a cmd
	read -r -a cmd <<<"$1"
	cmd=("${cmd[@]/#F/$2}")
	"${cmd[@]}"
}
tfiles=()
if [[ -f $g/xen-devel.dtb ]]; then
	for name in "${!breaks[@]}"; do
		where=${breaks[$name]%% *}
		cp "$g/xen-devel.partial.dtb" "$t/$name.in.dtb"
		cp "$g/xen-devel.dtb" "$t/$name.out.dtb"
		if ! { [[ $where == out ]] || apply "${breaks[$name]#* }" "$t/$name.in.dtb"; } ||
			! apply "${breaks[$name]#* }" "$t/$name.out.dtb" ||
			! "$merge" merge "$base" "$t/$name.out.dtb" "$t/$name.m.dtb"; then
			bad "teeth $name" "cannot make the broken tree"
		fi
		tfiles+=("$t/$name.in.dtb" "$t/$name.out.dtb" "$t/$name.m.dtb")
	done
	validate "${tfiles[@]}"
	for name in $(printf '%s\n' "${!breaks[@]}" | sort); do
		if why=$(check_trees "$t/$name.in.dtb" "$t/$name.out.dtb" "$t/$name.m.dtb" $v $v); then
			bad "teeth $name" "the broken tree passed"
		else
			ok "teeth $name: $why"
		fi
	done
elif [[ -z ${CONSUMERS_FILTER:-} ]]; then
	bad teeth "the xen-devel fixture gave no output"
fi

t_done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# make check-linux: a real arm64 Linux kernel (Debian 12's cloud-arm64
# image, from Debian's archive through apt's multiarch support) boots under
# qemu-system-aarch64 -M virt,iommu=smmuv3 with a device tree in which the
# PCI host bridge's iommu-map and the vIOMMU node were made by viommu-dtgen:
#   1. QEMU dumps its own DTB (dumpdtb=, the same -device options): the host.
#   2. It is cut in two: a partial DT whose /passthrough holds the PCI host
#      bridge (xen,path = its host path; its GIC references moved to Xen's
#      0xfde8; iommu-map and msi-map left to the host), and a guest base DT,
#      QEMU's tree without the SMMU and the host bridge, GIC phandle 0xfde8.
#   3. viommu-dtgen --policy identity --viommu-reg <QEMU's SMMU> writes the
#      bridge's iommu-map and the vIOMMU node (so the emulated SMMU is what
#      the guest finds); build/tests/libxl_merge merges and checks the tree.
#   4. The kernel boots with -dtb, -no-reboot, panic=-1 and panics for want
#      of a root file system; its log must show the arm-smmu-v3 driver
#      probing the vIOMMU node and a PCI device "Adding to iommu group".
# QEMU's own DTB is booted first (control: the kernel and QEMU work here),
# and a tree with the bridge's iommu-map removed must not join a group
# (teeth).  The kernel is downloaded once into BUILD_DIR/linux/ (or taken
# from LINUX_IMAGE); if it cannot be obtained the test is skipped, not failed.
#
# Usage: tests/consumers/linux.sh [BUILD_DIR]

set -u
export LC_ALL=C
build=$(cd "${1:-build}" 2>/dev/null && pwd) || {
	echo "linux.sh: build directory '${1:-build}' not found" >&2
	exit 2
}
tool=$build/viommu-dtgen
merge=$build/tests/libxl_merge
cache=$build/linux
boot_timeout=${LINUX_BOOT_TIMEOUT:-300}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
passed=0
failed=0
start=$SECONDS

skip() {
	echo "SKIP check-linux: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

for f in "$tool" "$merge"; do
	[[ -x $f ]] || {
		echo "linux.sh: $f not found (build it first)" >&2
		exit 2
	}
done
is_root() { [[ $(id -u) == 0 ]]; }

# --- what the boot needs: QEMU and the kernel -------------------------------
if ! command -v qemu-system-aarch64 >/dev/null; then
	if is_root && command -v apt-get >/dev/null; then
		echo "installing qemu-system-arm"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends qemu-system-arm >/dev/null 2>&1
	fi
	command -v qemu-system-aarch64 >/dev/null ||
		skip "qemu-system-aarch64 not found (Debian package qemu-system-arm)"
fi

# get_kernel: Debian 12's linux-image-*-cloud-arm64 (CONFIG_ARM_SMMU_V3=y,
# CONFIG_PCIEPORTBUS=y, CONFIG_PCI_HOST_GENERIC=y built in, so no initramfs
# is needed), through apt multiarch; prints why it failed.
get_kernel() {
	local deb
	deb=$(arm64_deb linux-image-cloud-arm64 cloud-arm64 "$cache/deb") || {
		echo "$deb"
		return 1
	}
	if ! dpkg-deb -x "$deb" "$cache/x"; then
		echo "dpkg-deb -x '$deb' failed"
		return 1
	fi
	dpkg-deb -f "$deb" Package >"$cache/package" &&
		cp "$cache"/x/boot/vmlinuz-* "$cache/Image" &&
		rm -rf "$cache/x" "$cache/deb"
}
kernel=${LINUX_IMAGE:-$cache/Image}
if [[ ! -f $kernel ]]; then
	[[ -z ${LINUX_IMAGE:-} ]] || skip "LINUX_IMAGE=$LINUX_IMAGE does not exist"
	why=$(get_kernel) || skip "the arm64 kernel cannot be obtained: $why"
	echo "kernel: $(cat "$cache/package") (Debian, apt-get download)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/linux.XXXXXX") || exit 2
trap '[[ -n ${LINUX_KEEP:-} ]] || rm -rf "$work"' EXIT

# shellcheck disable=SC2054 # QEMU options are comma-separated
qemu_args=(-M virt,iommu=smmuv3 -cpu cortex-a57 -smp 2 -m 512 -nographic
	-nic none -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1
	-device e1000e,bus=rp1,romfile=)

# boot NAME DTB: boot the kernel with DTB; the console log in $work/NAME.log.
boot() {
	local dtb=()
	[[ -n $2 ]] && dtb=(-dtb "$2")
	timeout "$boot_timeout" qemu-system-aarch64 "${qemu_args[@]}" "${dtb[@]}" \
		-no-reboot -kernel "$kernel" -append "console=ttyAMA0 panic=-1" \
		</dev/null >"$work/$1.log" 2>&1
}

# booted_ok NAME SMMU-DEVICE: the log shows SMMU-DEVICE probed and a PCI
# device joined an IOMMU group; prints why not.
booted_ok() {
	local log=$work/$1.log
	if ! grep -q 'Linux version' "$log"; then
		echo "the kernel did not start: $(tail -n 1 "$log")"
		return 1
	fi
	if ! grep -qE "arm-smmu-v3 $2: ias [0-9]+-bit, oas [0-9]+-bit" "$log"; then
		echo "no arm-smmu-v3 probe of $2 ($(grep -m 1 'arm-smmu-v3' "$log" || echo 'no arm-smmu-v3 line'))"
		return 1
	fi
	if ! grep -qE '^\[ *[0-9.]+\] pcieport [0-9a-f:.]+: Adding to iommu group [0-9]+' "$log"; then
		echo "no PCI device joined an IOMMU group"
		return 1
	fi
}

# --- 1. QEMU's own DTB: the control ------------------------------------------
qemu-system-aarch64 "${qemu_args[@]/#virt,iommu=smmuv3/virt,iommu=smmuv3,dumpdtb=$work/qemu.dtb}" \
	</dev/null >"$work/dump.log" 2>&1
[[ -s $work/qemu.dtb ]] || {
	bad dumpdtb "QEMU wrote no DTB" "$work/dump.log"
	t_done
	exit 1
}
dtc -q -I dtb -O dts -o "$work/qemu.dts" "$work/qemu.dtb"
smmu=$(sed -n 's/^\t\(smmuv3@[0-9a-f]*\) {$/\1/p' "$work/qemu.dts" | head -n 1)
pcie=$(sed -n 's/^\t\(pcie@[0-9a-f]*\) {$/\1/p' "$work/qemu.dts" | head -n 1)
[[ -n $smmu && -n $pcie ]] || {
	bad dumpdtb "no smmuv3@ or pcie@ node at the root of QEMU's tree"
	t_done
	exit 1
}
if boot control "" && why=$(booted_ok control "${smmu#smmuv3@}.smmuv3"); then
	ok "control: QEMU's own DTB boots with the SMMUv3 and an IOMMU group"
else
	bad control "${why:-QEMU failed}" "$work/control.log"
fi

# --- 2. cut QEMU's tree into host, partial and guest base -----------------------
read -r -a sreg <<<"$(fdtget -t x "$work/qemu.dtb" "/$smmu" reg)"
smmu_base=0x${sreg[1]} smmu_size=0x${sreg[3]}
read -r -a sirq <<<"$(fdtget -t x "$work/qemu.dtb" "/$smmu" interrupts)"
smmu_spi=$((0x${sirq[1]} + 32))
gic=$(fdtget -t x "$work/qemu.dtb" / interrupt-parent)
gic_node=$(grep -B1 "phandle = <0x$gic>;" "$work/qemu.dts" | sed -n 's/^\t\([a-z].*\) {$/\1/p')
gac=$(fdtget "$work/qemu.dtb" "/$gic_node" '#address-cells' 2>/dev/null || echo 0)
gic_cells=$(fdtget "$work/qemu.dtb" "/$gic_node" '#interrupt-cells')
pac=$(fdtget "$work/qemu.dtb" "/$pcie" '#address-cells')
pic=$(fdtget "$work/qemu.dtb" "/$pcie" '#interrupt-cells')
read -r -a preg <<<"$(fdtget -t x "$work/qemu.dtb" "/$pcie" reg)"

# The host bridge, as a passthrough device: GIC references in interrupt-map
# (at the parent-phandle position of each entry only) become 0xfde8.
awk -v gic="0x$gic" -v entry=$((pac + pic + 1 + gac + gic_cells)) -v at=$((pac + pic + 1)) '
	/^\t[a-z].* \{$/ && !inside { if ($1 == node) inside = 1; next }
	inside && /^\t\};$/ { exit }
	!inside { next }
	/^\t\t(iommu-map|msi-map|phandle) = / { next }
	/^\t\tinterrupt-map = </ {
		s = $0; sub(/^.*</, "", s); sub(/>;$/, "", s)
		n = split(s, c, " ")
		for (i = 1; i <= n; i++) {
			if ((i - 1) % entry == at - 1) {
				if (c[i] != gic) { print "BAD interrupt-map"; exit 1 }
				c[i] = "0xfde8"
			}
		}
		out = c[1]; for (i = 2; i <= n; i++) out = out " " c[i]
		print "\t\tinterrupt-map = <" out ">;"; next
	}
	{ print "\t" $0 }' node="$pcie" "$work/qemu.dts" >"$work/pcie.body" ||
	bad cut "cannot move the host bridge's interrupt-map" "$work/pcie.body"
{
	printf '/dts-v1/;\n\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n'
	printf '\tgic {\n\t\tphandle = <0xfde8>;\n\t\t#interrupt-cells = <3>;\n'
	printf '\t\tinterrupt-controller;\n\t};\n\n'
	printf '\tpassthrough {\n\t\tcompatible = "simple-bus";\n\t\tranges;\n'
	printf '\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\n'
	printf '\t\t%s {\n' "$pcie"
	cat "$work/pcie.body"
	printf '\t\t\txen,path = "/%s";\n' "$pcie"
	printf '\t\t\txen,reg = <0x%s 0x%s 0x%s 0x%s 0x%s 0x%s>;\n' \
		"${preg[0]}" "${preg[1]}" "${preg[2]}" "${preg[3]}" "${preg[0]}" "${preg[1]}"
	printf '\t\t};\n\t};\n};\n'
} >"$work/partial.dts"

# The guest base: QEMU's tree without the SMMU and the host bridge, its GIC
# at Xen's phandle 0xfde8.
sed -e "s/^\(\t*\)interrupt-parent = <0x$gic>;/\1interrupt-parent = <0xfde8>;/" \
	-e "s/^\(\t*\)phandle = <0x$gic>;/\1phandle = <0xfde8>;/" \
	"$work/qemu.dts" >"$work/base.dts"
if dtc -q -I dts -O dtb -o "$work/base.dtb" "$work/base.dts" 2>"$work/dtc.err" &&
	fdtput -r "$work/base.dtb" "/$smmu" "/$pcie" 2>>"$work/dtc.err" &&
	! dtc -q -I dtb -O dts "$work/base.dtb" | grep -q "<0x$gic>\|0x$gic "; then
	ok "cut: host bridge into a partial DT, guest base with GIC 0xfde8"
else
	bad cut "cannot make the guest base (GIC 0x$gic still referenced?)" "$work/dtc.err"
fi

# --- 3. viommu-dtgen, the libxl merge --------------------------------------------
if "$tool" --host "$work/qemu.dtb" --partial "$work/partial.dts" -o "$work/out.dtb" \
	--map "$work/map.cfg" --policy identity \
	--viommu-reg "$smmu_base,$smmu_size" --viommu-spi "$smmu_spi" 2>"$work/tool.err"; then
	ok "viommu-dtgen: $(fdtget -t x "$work/out.dtb" "/passthrough/$pcie" iommu-map |
		sed 's/^/iommu-map = </; s/$/>/'), $(cat "$work/map.cfg")"
else
	bad viommu-dtgen "the tool rejects the host bridge" "$work/tool.err"
fi
vnode=iommu@$(printf '%x' "$smmu_base")
if dtc -q -I dts -O dtb -o "$work/partial.dtb" "$work/partial.dts" 2>"$work/check.out" &&
	"$merge" merge "$work/base.dtb" "$work/out.dtb" "$work/guest.dtb" 2>"$work/check.out" &&
	"$merge" check "$work/guest.dtb" "$work/partial.dtb" 0xfdea >"$work/check.out" 2>&1; then
	ok "merge: $(head -n 1 "$work/check.out" | sed 's/^[^:]*: //')"
else
	bad merge "the merged guest tree fails" "$work/check.out"
fi

# --- 4. boot it -------------------------------------------------------------------
if [[ -s $work/guest.dtb ]]; then
	if boot viommu "$work/guest.dtb" &&
		why=$(booted_ok viommu "${smmu_base#0x}.iommu"); then
		ok "linux: arm-smmu-v3 probed /passthrough/$vnode; $(grep -m 1 -o 'pcieport [^ ]*: Adding to iommu group [0-9]*' "$work/viommu.log")"
	else
		bad linux "${why:-QEMU failed}" "$work/viommu.log"
	fi
	# Teeth: without the bridge's iommu-map no PCI device joins a group.
	cp "$work/guest.dtb" "$work/teeth.dtb"
	fdtput -d "$work/teeth.dtb" "/passthrough/$pcie" iommu-map
	if boot teeth "$work/teeth.dtb" &&
		why=$(booted_ok teeth "${smmu_base#0x}.iommu"); then
		bad "teeth no-iommu-map" "a tree without iommu-map passed"
	else
		ok "teeth no-iommu-map: $why"
	fi
fi

echo "check-linux took $((SECONDS - start)) s"
t_done

#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make demo: run viommu-dtgen on the bundled example, the three ways it is
# used, and leave what it wrote in BUILD/demo/ (build/demo/ by default):
#   xl      --xl-config (--builder libxl): the partial for xl.cfg's
#           device_tree= (it names libxl's GIC, 0xfde8:
#           examples/guest-xl.dts), and the guest's xl config
#           (examples/guest-xl.cfg) updated in place: dtdev, iomem, irqs,
#           device_tree and the 2022 proposal's iommu_devid_map
#   dom0less --builder dom0less: ImageBuilder's DOMU_PASSTHROUGH_DTB and a
#           map for Xen
#   Zephyr  (the default, --builder none): a guest tree built ahead of
#           time, the vIOMMU node ours, as DTS for Zephyr's tooling, and
#           a C header
set -eu
build=${1:-build}
here=$(dirname "$0")
out=$build/demo
mkdir -p "$out"
tool=$build/viommu-dtgen

echo "==> xl (libxl) <=="
set -x
cp "$here/guest-xl.cfg" "$out/guest-xl.cfg"
"$tool" --host "$here/board.dts" --partial "$here/guest-xl.dts" \
	-o "$out/xl-guest.dtb" --xl-config "$out/guest-xl.cfg" --report
set +x
printf '\n==> dom0less (ImageBuilder) <==\n'
set -x
"$tool" --builder dom0less --host "$here/board.dts" \
	--partial "$here/guest.dts" -o "$out/domu0.dtb" \
	--map "$out/domu0-map.yaml"
set +x
printf '\n==> Zephyr (a guest tree built ahead of time) <==\n'
set -x
"$tool" --host "$here/board.dts" --partial "$here/guest.dts" \
	-o "$out/guest.dts" --map "$out/viommu_map.h" \
	--map "$out/guest-map.yaml" -d "$out/guest.d"
set +x
for f in guest-xl.cfg domu0-map.yaml guest.dts viommu_map.h guest.d; do
	printf '\n==> %s <==\n' "$out/$f"
	cat "$out/$f"
done
cat <<'EOF'

Physical IDs are only unique per IOMMU: pIDs 0 and 1 are used on both
/soc/iommu@e6740000 (dma-controller@e6700000) and /soc/iommu@e7740000
(dma-controller@e7300000), and get four different vIDs (0x3 to 0x6 in
the table above): the guest sees one vIOMMU, so no two of them may share
a vID.
EOF
echo "The outputs are in $out/."

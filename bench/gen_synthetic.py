#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""gen_synthetic.py N HOST.dtb PARTIAL.dtb: a host DTB with N IOMMU masters
that looks like a real board, and a guest's partial DTB passing through
every 16th of them (a fixed fraction: N/16 devices).

The host, written as a DTB directly (bench/fdt.py):
  - a GICv3 (the root's interrupt-parent), a clock controller
    (#clock-cells 1), a power controller (#power-domain-cells 1), a reset
    controller (#reset-cells 1) and a pin controller with one pin group
    node per master;
  - 8 SMMUv3 nodes (#iommu-cells 1, four interrupts, dma-coherent);
  - the masters under /soc (simple-bus), 1024 to a child simple-bus with a
    non-empty ranges (1-cell child addresses, CPU address 0x1_0000_0000 +
    bus * 4 MiB + offset).  Each master node has 22 properties and 816
    bytes (928 bytes of host DTB per master with its pin group), as on
    R-Car or ZynqMP boards: compatible, reg, 8 interrupts,
    interrupt-names, 3 clocks, clock-names, assigned-clocks and rates,
    power-domains, resets, reset-names, pinctrl-0, pinctrl-names, iommus
    (one stream ID, two for every third master; master i is on SMMU i % 8),
    dma-coherent, #dma-cells, dma-channels, status and a few vendor
    properties (a 32-cell QoS table among them).
The partial DT is what a toolstack writes for passthrough: the GIC
placeholder (phandle 0xfde8) and, under /passthrough, one node per device
with compatible, reg, interrupt-parent, interrupts, xen,reg and xen,path.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fdt import Writer, cells, strs  # noqa: E402

SMMUS = 8
PER_BUS = 1024
PASS_EVERY = 16
GIC_PHANDLE = 0xFDE8  # the guest GIC placeholder (libxl's)
PH_GIC, PH_CPG, PH_SYSC, PH_RST, PH_PFC, PH_SMMU, PH_PINS = 1, 2, 3, 4, 5, 0x10, 0x1000
TYPES = ["dma-controller", "ethernet", "usb", "mmc", "video-codec",
         "display", "crypto", "gpu"]


def master_addr(i):
    """(bus index, offset in the bus, CPU address) of master i."""
    bus, off = divmod(i, PER_BUS)
    return bus, off * 0x1000, 0x100000000 + bus * 0x400000 + off * 0x1000


def interrupts(i):
    return cells(*[c for k in range(8) for c in (0, (i * 8 + k) % 960, 4)])


def iommus(i):
    smmu, sid = PH_SMMU + i % SMMUS, 2 * (i // SMMUS)
    return cells(smmu, sid, smmu, sid + 1) if i % 3 == 0 else cells(smmu, sid)


def master(w, i, off):
    t = TYPES[(i + i // PASS_EVERY) % len(TYPES)]
    w.begin(f"{t}@{off:x}")
    w.prop("compatible", strs(f"bench,soc-{t}-v2", f"bench,{t}"))
    w.prop("reg", cells(off, 0x1000))
    w.prop("interrupts", interrupts(i))
    w.prop("interrupt-names", strs(*[f"ch{k}" for k in range(7)], "err"))
    w.prop("clocks", cells(PH_CPG, i % 512, PH_CPG, 512 + i % 64, PH_CPG, 600))
    w.prop("clock-names", strs("fck", "bus", "ref"))
    w.prop("assigned-clocks", cells(PH_CPG, i % 512))
    w.prop("assigned-clock-rates", cells(400000000))
    w.prop("power-domains", cells(PH_SYSC, i % 32))
    w.prop("resets", cells(PH_RST, i % 512))
    w.prop("reset-names", strs("rst"))
    w.prop("pinctrl-0", cells(PH_PINS + i))
    w.prop("pinctrl-names", strs("default"))
    w.prop("iommus", iommus(i))
    w.prop("dma-coherent")
    w.prop("#dma-cells", cells(1))
    w.prop("dma-channels", cells(8))
    w.prop("bench,fifo-depth", cells(0x100))
    w.prop("bench,qos-table", cells(*range(i, i + 32)))
    w.prop("bench,tuning", cells(*range(24)))
    w.prop("firmware-name", strs(f"bench/{t}-fw-v2.bin"))
    w.prop("status", strs("okay"))
    w.end()


def host(n):
    w = Writer()
    w.begin("")
    w.prop("compatible", strs("bench,synthetic-board", "bench,synthetic-soc"))
    w.prop("model", strs(f"bench synthetic board, {n} IOMMU masters"))
    w.prop("#address-cells", cells(2))
    w.prop("#size-cells", cells(2))
    w.prop("interrupt-parent", cells(PH_GIC))
    w.begin("memory@40000000")
    w.prop("device_type", strs("memory"))
    w.prop("reg", cells(0, 0x40000000, 2, 0))
    w.end()
    w.begin("soc")
    w.prop("compatible", strs("simple-bus"))
    w.prop("#address-cells", cells(2))
    w.prop("#size-cells", cells(2))
    w.prop("ranges")

    w.begin("interrupt-controller@f1010000")
    w.prop("compatible", strs("arm,gic-v3"))
    w.prop("reg", cells(0, 0xF1010000, 0, 0x10000, 0, 0xF1060000, 0, 0x110000))
    w.prop("#interrupt-cells", cells(3))
    w.prop("#address-cells", cells(0))
    w.prop("interrupt-controller")
    w.prop("interrupts", cells(1, 9, 4))
    w.prop("phandle", cells(PH_GIC))
    w.end()
    for name, addr, cellprop, ph in (
            ("clock-controller", 0xE6150000, "#clock-cells", PH_CPG),
            ("power-controller", 0xE6180000, "#power-domain-cells", PH_SYSC),
            ("reset-controller", 0xE6160000, "#reset-cells", PH_RST)):
        w.begin(f"{name}@{addr:x}")
        w.prop("compatible", strs(f"bench,{name}"))
        w.prop("reg", cells(0, addr, 0, 0x1000))
        w.prop(cellprop, cells(1))
        w.prop("phandle", cells(ph))
        w.end()
    w.begin("pinctrl@e6060000")
    w.prop("compatible", strs("bench,pfc"))
    w.prop("reg", cells(0, 0xE6060000, 0, 0x50C))
    w.prop("phandle", cells(PH_PFC))
    for i in range(n):
        w.begin(f"m{i}-pins")
        w.prop("groups", strs(f"m{i}_data", f"m{i}_ctrl"))
        w.prop("function", strs(f"m{i}"))
        w.prop("drive-strength", cells(8))
        w.prop("phandle", cells(PH_PINS + i))
        w.end()
    w.end()
    for s in range(SMMUS):
        addr = 0xE8000000 + s * 0x100000
        w.begin(f"iommu@{addr:x}")
        w.prop("compatible", strs("arm,smmu-v3"))
        w.prop("reg", cells(0, addr, 0, 0x20000))
        w.prop("interrupts", cells(0, 900 + 4 * s, 1, 0, 901 + 4 * s, 1,
                                   0, 902 + 4 * s, 1, 0, 903 + 4 * s, 1))
        w.prop("interrupt-names", strs("eventq", "priq", "cmdq-sync", "gerror"))
        w.prop("dma-coherent")
        w.prop("#iommu-cells", cells(1))
        w.prop("phandle", cells(PH_SMMU + s))
        w.end()
    for i in range(n):
        bus, off, cpu = master_addr(i)
        if off == 0:
            w.begin(f"bus@{cpu:x}")
            w.prop("compatible", strs("simple-bus"))
            w.prop("#address-cells", cells(1))
            w.prop("#size-cells", cells(1))
            w.prop("ranges", cells(0, cpu >> 32, cpu & 0xFFFFFFFF, 0x400000))
        master(w, i, off)
        if off == (PER_BUS - 1) * 0x1000 or i == n - 1:
            w.end()
    w.end()  # soc
    w.end()  # /
    return w.finish()


def partial(n):
    w = Writer()
    w.begin("")
    w.prop("#address-cells", cells(2))
    w.prop("#size-cells", cells(2))
    w.begin("gic")
    w.prop("#address-cells", cells(0))
    w.prop("#interrupt-cells", cells(3))
    w.prop("interrupt-controller")
    w.prop("phandle", cells(GIC_PHANDLE))
    w.end()
    w.begin("passthrough")
    w.prop("compatible", strs("simple-bus"))
    w.prop("ranges")
    w.prop("#address-cells", cells(2))
    w.prop("#size-cells", cells(2))
    for i in range(0, n, PASS_EVERY):
        bus, off, cpu = master_addr(i)
        t = TYPES[(i + i // PASS_EVERY) % len(TYPES)]
        hi, lo = cpu >> 32, cpu & 0xFFFFFFFF
        w.begin(f"{t}@{cpu:x}")
        w.prop("compatible", strs(f"bench,soc-{t}-v2", f"bench,{t}"))
        w.prop("reg", cells(hi, lo, 0, 0x1000))
        w.prop("interrupt-parent", cells(GIC_PHANDLE))
        w.prop("interrupts", interrupts(i))
        w.prop("xen,reg", cells(hi, lo, 0, 0x1000, hi, lo))
        bus_cpu = master_addr(bus * PER_BUS)[2]
        w.prop("xen,path", strs(f"/soc/bus@{bus_cpu:x}/{t}@{off:x}"))
        w.end()
    w.end()
    w.end()
    return w.finish()


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen_synthetic.py N HOST.dtb PARTIAL.dtb")
    n = int(sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(host(n))
    with open(sys.argv[3], "wb") as f:
        f.write(partial(n))


if __name__ == "__main__":
    main()

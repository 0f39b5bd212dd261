#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""xl_expect: what a guest's xl config must say for its partial device
tree, computed from the DTBs alone (its own reader of the flattened tree
format, not viommu-dtgen's code): the dtdev, iomem and irqs lines, in the
form tests/consumers/xl_parse prints them.

    xl_expect.py HOST.dtb PARTIAL.dtb

Rules (viommu-dtgen(1), XL CONFIGURATION): dtdev holds the xen,path of
every /passthrough device whose host node has iommus or iommu-map, once,
in document order; iomem every host reg entry translated through the
ranges of every ancestor, rounded out to 4 KiB pages, at the guest page
its xen,reg entry gives (read with the parent's #address-cells and
#size-cells, 2 and 1 where it has none, as Xen's dom0less builder reads
them), else at the same page, sorted by host page, ranges with the same
offset that touch or overlap merged; irqs every GIC SPI as SPI + 32,
sorted, once.  Test tool; not part of the product."""

import struct
import sys

GICS = ("arm,cortex-a15-gic", "arm,cortex-a7-gic", "arm,gic-400",
        "arm,gic-v3")


class Node:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent
        self.props = {}
        self.children = []

    def path(self):
        if self.parent is None:
            return "/"
        p = self.parent.path()
        return (p if p != "/" else "") + "/" + self.name

    def cells(self, prop):
        v = self.props.get(prop)
        if v is None:
            return None
        return list(struct.unpack(">%dI" % (len(v) // 4), v[:len(v) // 4 * 4]))

    def u32(self, prop, default):
        v = self.cells(prop)
        return v[0] if v else default

    def string(self, prop):
        v = self.props.get(prop)
        return v.rstrip(b"\0").decode() if v is not None else None


def read_dtb(path):
    with open(path, "rb") as f:
        b = f.read()
    magic, _, off_struct, off_strings = struct.unpack(">IIII", b[:16])
    assert magic == 0xd00dfeed, path
    pos = off_struct
    root = None
    cur = None
    nodes = []
    while True:
        (tok,) = struct.unpack(">I", b[pos:pos + 4])
        pos += 4
        if tok == 1:
            end = b.index(b"\0", pos)
            name = b[pos:end].decode()
            pos = (end + 4) & ~3
            n = Node(name, cur)
            if cur is None:
                root = n
            else:
                cur.children.append(n)
            nodes.append(n)
            cur = n
        elif tok == 2:
            cur = cur.parent
        elif tok == 3:
            ln, nameoff = struct.unpack(">II", b[pos:pos + 8])
            pos += 8
            nend = b.index(b"\0", off_strings + nameoff)
            pname = b[off_strings + nameoff:nend].decode()
            cur.props[pname] = b[pos:pos + ln]
            pos = (pos + ln + 3) & ~3
        elif tok == 4:
            continue
        elif tok == 9:
            break
    return root, nodes


def num(c):
    v = 0
    for x in c:
        v = (v << 32) | x
    return v


def by_path(root, path):
    n = root
    for part in [p for p in path.split("/") if p]:
        n = next(c for c in n.children if c.name == part)
    return n


def to_cpu(node, addr):
    bus = node.parent
    while bus.parent is not None:
        r = bus.props.get("ranges")
        assert r is not None, "%s: no ranges" % bus.path()
        if len(r):
            cac = bus.u32("#address-cells", 2)
            csc = bus.u32("#size-cells", 1)
            pac = bus.parent.u32("#address-cells", 2)
            c = bus.cells("ranges")
            e = cac + pac + csc
            for i in range(0, len(c), e):
                cb, pb, sz = num(c[i:i + cac]), num(c[i + cac:i + cac + pac]), \
                    num(c[i + cac + pac:i + e])
                if cb <= addr < cb + sz:
                    addr = pb + addr - cb
                    break
            else:
                raise AssertionError("%s: 0x%x outside ranges" % (bus.path(), addr))
        bus = bus.parent
    return addr


def regs(node):
    c = node.cells("reg") or []
    ac = node.parent.u32("#address-cells", 2)
    sc = node.parent.u32("#size-cells", 1)
    out = []
    for i in range(0, len(c), ac + sc):
        out.append((to_cpu(node, num(c[i:i + ac])), num(c[i + ac:i + ac + sc])))
    return out


def irq_parent(node, phandles):
    cur = node
    while True:
        ip = cur.cells("interrupt-parent")
        nxt = phandles[ip[0]] if ip else cur.parent
        if "#interrupt-cells" in nxt.props:
            return nxt
        cur = nxt


def spis(node, phandles):
    specs = []
    if "interrupts-extended" in node.props:
        c = node.cells("interrupts-extended")
        i = 0
        while i < len(c):
            ctrl = phandles[c[i]]
            n = ctrl.u32("#interrupt-cells", 0)
            specs.append((ctrl, c[i + 1:i + 1 + n]))
            i += 1 + n
    elif "interrupts" in node.props:
        ctrl = irq_parent(node, phandles)
        n = ctrl.u32("#interrupt-cells", 0)
        c = node.cells("interrupts")
        specs = [(ctrl, c[i:i + n]) for i in range(0, len(c), n)]
    out = []
    for ctrl, s in specs:
        compat = (ctrl.props.get("compatible") or b"").split(b"\0")
        gic = "interrupt-controller" in ctrl.props and \
            any(g.encode() in compat for g in GICS)
        if gic and len(s) >= 3 and s[0] == 0 and s[1] <= 987:
            out.append(s[1] + 32)
    return out


def main():
    host, hnodes = read_dtb(sys.argv[1])
    part, _ = read_dtb(sys.argv[2])
    phandles = {}
    for n in hnodes:
        for p in ("phandle", "linux,phandle"):
            if p in n.props:
                phandles[n.u32(p, 0)] = n
    devs = []

    def walk(n, ac, sc):
        if "xen,path" in n.props:
            devs.append((n, ac, sc))
        cac = n.u32("#address-cells", 2)
        csc = n.u32("#size-cells", 1)
        for c in n.children:
            walk(c, cac, csc)

    try:
        walk(by_path(part, "/passthrough"), 2, 1)
    except StopIteration:
        pass
    dtdev, iomem, irqs = [], [], set()
    for n, ac, sc in devs:
        hpath = n.string("xen,path")
        h = by_path(host, hpath)
        if ("iommus" in h.props or "iommu-map" in h.props) and hpath not in dtdev:
            dtdev.append(hpath)
        xr = n.cells("xen,reg") or []
        e = 2 * ac + sc
        xregs = [(num(xr[i:i + ac]), num(xr[i + ac:i + ac + sc]),
                  num(xr[i + ac + sc:i + e])) for i in range(0, len(xr), e)]
        for addr, size in regs(h):
            first = addr >> 12
            last = (addr + size - 1 if size else addr) >> 12
            nr = last - first + 1
            gfn = first
            for m, s, g in xregs:
                if m <= first << 12 and (last + 1) << 12 <= m + s:
                    gfn = (g + (first << 12) - m) >> 12
            iomem.append((first, gfn, nr))
        irqs.update(spis(h, phandles))
    iomem.sort()
    merged = []
    for mfn, gfn, nr in iomem:
        if merged:
            pm, pg, pn = merged[-1]
            if gfn - mfn == pg - pm and mfn <= pm + pn:
                merged[-1] = (pm, pg, max(pn, mfn + nr - pm))
                continue
        merged.append((mfn, gfn, nr))
    print("dtdev list %d%s" % (len(dtdev), (" " + "\t".join(dtdev)) if dtdev else ""))
    items = ["0x%x,0x%x@0x%x" % (m, n, g) for m, g, n in merged]
    print("iomem list %d%s" % (len(items), (" " + "\t".join(items)) if items else ""))
    il = [str(i) for i in sorted(irqs)]
    print("irqs list %d%s" % (len(il), (" " + "\t".join(il)) if il else ""))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare a generated partial with the example of Xen's passthrough.txt.

  passthrough_cmp.py EXAMPLE.dtb GENERATED.dtb HOST.dtb HOST_PATH

EXAMPLE.dtb is the dom0less example of docs/misc/arm/passthrough.txt,
extracted from Xen's source at test time by tests/consumers/xen.sh (never
committed); GENERATED.dtb is viommu-dtgen's partial for HOST_PATH of
HOST.dtb.  The device node (the child of /passthrough that is not a fixed
clock) and its subnodes (matched by unit address) are compared property by
property, numbers as numbers (the example's /passthrough has 1 size cell):

  same        equal
  host        different, but the generated value is the host node's own
              (the docs' board tree is not Linux 6.1's), or a property the
              host node does not have either
  fixed-clock clocks and clock-names: the docs copy a fixed clock, which
              depends on the board's tree
  DIFF        anything else: exit 1

Properties only in the generated node are listed.  Needs fdtget.
"""
import subprocess
import sys

FIXED_CLOCK = {"clocks", "clock-names"}


def fdtget(*args):
    r = subprocess.run(["fdtget"] + list(args), capture_output=True,
                       text=True, check=False)
    return r.stdout if r.returncode == 0 else None


def props(dtb, node):
    out = fdtget("-p", dtb, node)
    return out.split() if out is not None else []


def subnodes(dtb, node):
    out = fdtget("-l", dtb, node)
    return out.split() if out is not None else []


def raw(dtb, node, prop):
    out = fdtget("-t", "bx", dtb, node, prop)
    return None if out is None else [int(b, 16) for b in out.split()]


def cells(dtb, node, prop):
    b = raw(dtb, node, prop)
    if b is None or len(b) % 4:
        return b
    return [int.from_bytes(bytes(b[i:i + 4]), "big")
            for i in range(0, len(b), 4)]


def u32(dtb, node, prop, default):
    v = cells(dtb, node, prop)
    return v[0] if v else default


def numbers(dtb, node, prop, counts):
    """A reg-like property as tuples of numbers of @counts cells each."""
    v = cells(dtb, node, prop)
    step = sum(counts)
    out = []
    for i in range(0, len(v) - step + 1, step):
        tup, at = [], i
        for c in counts:
            n = 0
            for k in range(c):
                n = (n << 32) | v[at + k]
            tup.append(n)
            at += c
        out.append(tuple(tup))
    return out


def parent(path):
    return path.rsplit("/", 1)[0] or "/"


def bus_cells(dtb, node):
    p = parent(node)
    return u32(dtb, p, "#address-cells", 2), u32(dtb, p, "#size-cells", 1)


def device(dtb):
    for n in subnodes(dtb, "/passthrough"):
        compat = fdtget("-t", "s", dtb, "/passthrough/" + n, "compatible")
        if compat is None or "fixed-clock" not in compat:
            return "/passthrough/" + n
    sys.exit("no device node below /passthrough in " + dtb)


def compare_prop(ex, gen, host, en, gn, hn, prop):
    """How property @prop of example node @en compares; a word and a note."""
    if prop in FIXED_CLOCK:
        return "fixed-clock", ""
    ev = raw(ex, en, prop)
    gv = raw(gen, gn, prop)
    if prop in ("reg", "xen,reg"):
        ac, sc = bus_cells(ex, en)
        gac, gsc = bus_cells(gen, gn)
        shape = (lambda a, s: [a, s, a]) if prop == "xen,reg" else \
            (lambda a, s: [a, s])
        if gv is not None and numbers(ex, en, prop, shape(ac, sc)) == \
                numbers(gen, gn, prop, shape(gac, gsc)):
            return "same", "as numbers"
        return "DIFF", "%s vs %s" % (ev, gv)
    if prop == "interrupt-parent":
        ok = cells(ex, en, prop) == cells(ex, "/gic", "phandle") and \
            cells(gen, gn, prop) == cells(gen, "/gic", "phandle")
        return ("same", "names /gic") if ok else ("DIFF", "not /gic")
    if ev == gv:
        return "same", ""
    hv = raw(host, hn, prop) if hn else None
    if prop == "xen,path":
        want = fdtget("-t", "s", gen, gn, prop)
        if want is not None and want.strip() == sys.argv[4]:
            return "host", "the host path %s" % want.strip()
    if gv is not None and gv == hv:
        return "host", "the host node's value"
    if gv is None and hv is None:
        return "host", "the host node has none"
    return "DIFF", "example %s, generated %s" % (ev, gv)


def compare_node(ex, gen, host, en, gn, hn, report):
    for prop in props(ex, en):
        word, note = compare_prop(ex, gen, host, en, gn, hn, prop)
        report.append((word, "%s %s" % (gn, prop), note))
    for prop in props(gen, gn):
        if prop not in props(ex, en):
            report.append(("extra", "%s %s" % (gn, prop), ""))
    by_unit = {}
    for n in subnodes(gen, gn):
        by_unit[n.split("@")[-1]] = n
    for n in subnodes(ex, en):
        g = by_unit.get(n.split("@")[-1])
        if g is None:
            report.append(("DIFF", "%s/%s" % (gn, n), "no such subnode"))
            continue
        h = None
        if hn:
            for c in subnodes(host, hn):
                if c.split("@")[-1] == n.split("@")[-1]:
                    h = hn + "/" + c
        compare_node(ex, gen, host, en + "/" + n, gn + "/" + g, h, report)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    ex, gen, host, hpath = sys.argv[1:]
    report = []
    compare_node(ex, gen, host, device(ex), device(gen), hpath, report)
    diff = 0
    for word, what, note in report:
        print("%-11s %s%s" % (word, what, ": " + note if note else ""))
        diff += word == "DIFF"
    print("%d properties compared, %d differ" %
          (sum(w != "extra" for w, _, _ in report), diff))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())

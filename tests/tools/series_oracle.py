#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Replay Xen's vSMMUv3 series (v3, 2026) vSID allocation and check a map.

Usage: series_oracle.py --builder libxl|dom0less [--vpci] HOST.dtb OUT.dtb MAP.yaml

--batch LIST runs many checks in one interpreter (see batch()).

Exit 0 when OUT.dtb (the partial DT the tool wrote) and MAP.yaml (its map)
agree with what the series would do; exit 1 with a one-line reason on
stdout otherwise; exit 2 on a usage error.

Written from the rules of the series only (not from the tool's code):
  - Xen hands out vSIDs from one table of 65536 per domain, lowest free
    first from 0, never freed, no de-duplication;
  - OUT carries `iommus = <PHANDLE PSID>...`: the phandle cell is ignored,
    the second cell of each 2-cell entry is read as the physical SID;
  - libxl: with vPCI first one request of 0x1000 (pSIDs 0..0xfff take vSIDs
    0..0xfff); then every DIRECT child of /passthrough, in DT order, that
    has `iommus`, one vSID per (phandle, ID) pair in order;
  - dom0less: a pre-order walk of every node below /passthrough and
    /aliases (any depth) in the order the blob holds the root's children;
    no vPCI.
Each replayed vSID must be covered by a map entry with the same pSID and the
physical IOMMU resolved here from HOST (xen,path -> host node -> i-th host
iommus specifier -> IOMMU node), and the map holds nothing else.

The FDT reader is this file's own (the format is small), so the oracle
needs nothing beyond python3 and python3-yaml.
"""

import argparse
import struct
import sys

import yaml

MAX_VSID = 1 << 16
VPCI_COUNT = 0x1000


class Inconsistent(Exception):
    """The inputs disagree with the series: the message is the reason."""


# --------------------------------------------------------------------------
# A minimal flattened device tree reader.

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


class Node:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent
        self.children = []
        self.props = {}  # name -> bytes (insertion order is blob order)

    @property
    def path(self):
        if self.parent is None:
            return "/"
        pp = self.parent.path
        return (pp if pp != "/" else "") + "/" + self.name

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def walk(self):
        """Pre-order, children in blob order."""
        yield self
        for c in self.children:
            yield from c.walk()

    def cells(self, prop):
        v = self.props[prop]
        if len(v) % 4:
            raise Inconsistent(f"{self.path}: {prop}: length {len(v)} is not a multiple of 4")
        return list(struct.unpack(f">{len(v) // 4}I", v))

    def u32(self, prop):
        c = self.cells(prop)
        if len(c) != 1:
            raise Inconsistent(f"{self.path}: {prop}: not one cell")
        return c[0]

    def string(self, prop):
        v = self.props[prop]
        if not v.endswith(b"\0") or b"\0" in v[:-1]:
            raise Inconsistent(f"{self.path}: {prop}: not one string")
        return v[:-1].decode("utf-8", "replace")


class Tree:
    def __init__(self, filename):
        self.filename = filename
        try:
            with open(filename, "rb") as f:
                blob = f.read()
        except OSError as e:
            raise Inconsistent(f"{filename}: {e.strerror}") from e
        self.root = self._parse(blob)
        self.by_phandle = {}
        for n in self.root.walk():
            for p in ("phandle", "linux,phandle"):
                if p in n.props:
                    self.by_phandle.setdefault(n.u32(p), n)

    def _parse(self, blob):
        fn = self.filename
        if len(blob) < 40:
            raise Inconsistent(f"{fn}: not a DTB (too short)")
        (magic, totalsize, off_struct, off_strings, _off_rsv, version, _lc,
         _boot, size_strings, size_struct) = struct.unpack(">10I", blob[:40])
        if magic != FDT_MAGIC:
            raise Inconsistent(f"{fn}: not a DTB (bad magic)")
        if totalsize > len(blob) or version < 17:
            raise Inconsistent(f"{fn}: DTB truncated or version {version} < 17")
        if off_struct + size_struct > totalsize or off_strings + size_strings > totalsize:
            raise Inconsistent(f"{fn}: DTB blocks outside the blob")
        strings = blob[off_strings:off_strings + size_strings]
        s = blob[off_struct:off_struct + size_struct]
        pos = 0
        root = None
        cur = None

        def word():
            nonlocal pos
            if pos + 4 > len(s):
                raise Inconsistent(f"{fn}: structure block ends early")
            (w,) = struct.unpack(">I", s[pos:pos + 4])
            pos += 4
            return w

        while True:
            tag = word()
            if tag == FDT_BEGIN_NODE:
                end = s.find(b"\0", pos)
                if end < 0:
                    raise Inconsistent(f"{fn}: unterminated node name")
                name = s[pos:end].decode("utf-8", "replace")
                pos = (end + 4) & ~3
                if cur is None:
                    if root is not None:
                        raise Inconsistent(f"{fn}: two root nodes")
                    root = cur = Node("", None)
                else:
                    n = Node(name, cur)
                    cur.children.append(n)
                    cur = n
            elif tag == FDT_END_NODE:
                if cur is None:
                    raise Inconsistent(f"{fn}: unbalanced END_NODE")
                cur = cur.parent
            elif tag == FDT_PROP:
                ln = word()
                nameoff = word()
                if cur is None or pos + ln > len(s) or nameoff >= len(strings):
                    raise Inconsistent(f"{fn}: bad property")
                end = strings.find(b"\0", nameoff)
                if end < 0:
                    raise Inconsistent(f"{fn}: unterminated property name")
                pname = strings[nameoff:end].decode("utf-8", "replace")
                cur.props[pname] = s[pos:pos + ln]
                pos = (pos + ln + 3) & ~3
            elif tag == FDT_NOP:
                continue
            elif tag == FDT_END:
                if cur is not None or root is None:
                    raise Inconsistent(f"{fn}: structure block ends inside a node")
                return root
            else:
                raise Inconsistent(f"{fn}: bad tag {tag:#x}")

    def node(self, path):
        if not path.startswith("/"):
            return None
        n = self.root
        for part in [p for p in path.split("/") if p]:
            n = n.child(part)
            if n is None:
                return None
        return n


# --------------------------------------------------------------------------
# The host side: what Xen itself would resolve.

def host_specifiers(host, hnode):
    """The host node's iommus as [(iommu_node, [cells...])]."""
    if "iommus" not in hnode.props:
        return None
    cells = hnode.cells("iommus")
    out = []
    i = 0
    while i < len(cells):
        ph = cells[i]
        iommu = host.by_phandle.get(ph)
        if iommu is None:
            raise Inconsistent(f"host {hnode.path}: iommus: phandle {ph:#x} does not resolve")
        if "#iommu-cells" not in iommu.props:
            raise Inconsistent(f"host {iommu.path}: no #iommu-cells")
        n = iommu.u32("#iommu-cells")
        if i + 1 + n > len(cells):
            raise Inconsistent(f"host {hnode.path}: iommus: truncated specifier")
        out.append((iommu, cells[i + 1:i + 1 + n]))
        i += 1 + n
    return out


# --------------------------------------------------------------------------
# The replay.

def walk_order(out, builder):
    """The nodes the series visits, in its order."""
    pt = out.node("/passthrough")
    if builder == "libxl":
        return list(pt.children) if pt is not None else []
    seq = []
    for top in out.root.children:
        if top.name in ("passthrough", "aliases"):
            for n in top.walk():
                if n is not top:
                    seq.append(n)
    return seq


def replay(host, out, builder, vpci):
    """[(vsid, psid, iommu_path, node_path, host_path)]; vPCI as iommu None."""
    allocs = []
    nxt = 0
    if vpci:
        for i in range(VPCI_COUNT):
            allocs.append((i, i, None, None, None))
        nxt = VPCI_COUNT
    visited = set()
    for n in walk_order(out, builder):
        visited.add(id(n))
        if "iommus" not in n.props:
            continue
        cells = n.cells("iommus")
        if len(cells) % 2:
            raise Inconsistent(f"{n.path}: iommus: {len(cells)} cells, not 2-cell entries")
        if "xen,path" not in n.props:
            raise Inconsistent(f"{n.path}: has iommus but no xen,path (not a host-resolved device)")
        hpath = n.string("xen,path")
        hnode = host.node(hpath)
        if hnode is None:
            raise Inconsistent(f"{n.path}: xen,path {hpath} not in the host tree")
        specs = host_specifiers(host, hnode)
        if specs is None:
            raise Inconsistent(f"{n.path}: has iommus but host {hpath} has none")
        pairs = [(cells[i], cells[i + 1]) for i in range(0, len(cells), 2)]
        if len(pairs) != len(specs):
            raise Inconsistent(f"{n.path}: iommus: {len(pairs)} entries, host {hpath} has {len(specs)}")
        for i, ((_ph, psid), (iommu, spec)) in enumerate(zip(pairs, specs)):
            if not spec:
                raise Inconsistent(f"{n.path}: iommus[{i}]: host IOMMU {iommu.path} has "
                                   "#iommu-cells 0, the series cannot carry it")
            if psid != spec[0]:
                raise Inconsistent(f"{n.path}: iommus[{i}]: pSID {psid:#x}, host {hpath} says {spec[0]:#x}")
            if nxt >= MAX_VSID:
                raise Inconsistent(f"{n.path}: iommus[{i}]: the series runs out of vSIDs")
            mask = spec[1] if len(spec) > 1 else 0
            allocs.append((nxt, psid, iommu.path, n.path, hpath, mask))
            nxt += 1
    # Refusal-relevant invariants of OUT.
    for n in out.root.walk():
        if "iommu-map" in n.props:
            raise Inconsistent(f"{n.path}: iommu-map in the partial DT (the series ignores it)")
        if "iommus" in n.props and id(n) not in visited:
            where = "not a direct child of /passthrough" if builder == "libxl" \
                else "outside /passthrough and /aliases"
            raise Inconsistent(f"{n.path}: iommus on a node {where} (the series skips it)")
    return allocs


# --------------------------------------------------------------------------
# The map.

def num(e, key, where):
    v = e.get(key)
    if isinstance(v, bool) or not isinstance(v, int):
        raise Inconsistent(f"map {where}: {key} missing or not an integer")
    return v


def check_map(mapfile, allocs, vpci):
    try:
        with open(mapfile, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise Inconsistent(f"{mapfile}: {e}") from e
    if not isinstance(doc, dict):
        raise Inconsistent(f"{mapfile}: not a mapping")
    if doc.get("allocated-by") != "xen":
        raise Inconsistent(f"{mapfile}: allocated-by is {doc.get('allocated-by')!r}, not xen")
    entries = doc.get("entries") or []
    if not isinstance(entries, list):
        raise Inconsistent(f"{mapfile}: entries is not a list")
    cover = {}  # vid -> (entry index, pid at that vid)
    vpci_entries = 0
    for k, e in enumerate(entries):
        where = f"entry {k}"
        if not isinstance(e, dict):
            raise Inconsistent(f"map {where}: not a mapping")
        vid, count, pid = num(e, "vid", where), num(e, "count", where), num(e, "pid", where)
        where = f"entry {k} (vid {vid:#x})"
        if count < 1 or vid < 0 or vid + count > MAX_VSID:
            raise Inconsistent(f"map {where}: count {count} out of range")
        if e.get("vpci"):
            vpci_entries += 1
            if not vpci:
                raise Inconsistent(f"map {where}: vpci entry without --vpci")
            if (vid, count, pid) != (0, VPCI_COUNT, 0) or "piommu" in e:
                raise Inconsistent(f"map {where}: vpci entry is not {{vid 0, count 0x1000, pid 0}} "
                                   "without piommu")
        else:
            pi = e.get("piommu")
            if not isinstance(pi, dict) or not isinstance(pi.get("path"), str):
                raise Inconsistent(f"map {where}: no piommu path")
        for j in range(count):
            if vid + j in cover:
                raise Inconsistent(f"map {where}: vid {vid + j:#x} also in entry {cover[vid + j][0]}")
            cover[vid + j] = (k, pid + j)
    if vpci and vpci_entries != 1:
        raise Inconsistent(f"map: {vpci_entries} vpci entries with --vpci, want 1")
    produced = set()
    for a in allocs:
        vsid, psid = a[0], a[1]
        produced.add(vsid)
        if vsid not in cover:
            what = "vPCI" if a[2] is None else f"{a[3]} pSID {psid:#x}"
            raise Inconsistent(f"map: no entry for vSID {vsid:#x} ({what})")
        k, pid = cover[vsid]
        e = entries[k]
        if pid != psid:
            raise Inconsistent(f"map entry {k}: vSID {vsid:#x} has pid {pid:#x}, the series "
                               f"gives it pSID {psid:#x}")
        if a[2] is None:
            if not e.get("vpci"):
                raise Inconsistent(f"map entry {k}: vSID {vsid:#x} is vPCI but the entry is not")
            continue
        _, _, ipath, npath, hpath, mask = a
        if e.get("vpci"):
            raise Inconsistent(f"map entry {k}: vSID {vsid:#x} ({npath}) is in the vpci entry")
        if e["piommu"]["path"] != ipath:
            raise Inconsistent(f"map entry {k}: vSID {vsid:#x} ({npath}) piommu {e['piommu']['path']}, "
                               f"host says {ipath}")
        if e.get("mask", 0) != mask:
            raise Inconsistent(f"map entry {k}: vSID {vsid:#x} mask {e.get('mask')!r}, host says {mask:#x}")
        devs = e.get("devices") or []
        if not any(isinstance(d, dict) and d.get("node") == npath and d.get("host") == hpath
                   for d in devs):
            raise Inconsistent(f"map entry {k}: vSID {vsid:#x} does not name device {npath} ({hpath})")
    extra = sorted(set(cover) - produced)
    if extra:
        raise Inconsistent(f"map entry {cover[extra[0]][0]}: vid {extra[0]:#x} is not one the series hands out")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--builder", choices=("libxl", "dom0less"), required=True)
    ap.add_argument("--vpci", action="store_true")
    ap.add_argument("host")
    ap.add_argument("out")
    ap.add_argument("map")
    a = ap.parse_args(argv)
    if a.vpci and a.builder != "libxl":
        ap.error("--vpci only with --builder libxl")
    try:
        host = Tree(a.host)
        out = Tree(a.out)
        allocs = replay(host, out, a.builder, a.vpci)
        check_map(a.map, allocs, a.vpci)
    except Inconsistent as e:
        print(f"series_oracle: {e}")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        from batchrun import batch
        sys.exit(batch(sys.argv[2], main))
    sys.exit(main(sys.argv[1:]))

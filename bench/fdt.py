# SPDX-License-Identifier: BSD-2-Clause
"""fdt.py: just enough of the flattened device tree format for bench/.

Writer: DTB version 17, built node by node, property names deduplicated
through a dict (dtc's own writer and its DTS parser are too slow for the
largest synthetic hosts, and dtc runs out of stack on wide DTS trees).
Reader: a whole DTB as a tree of Node, to pick or add nodes and write it
back.  Values are bytes; the helpers below make them from cells and
strings.
"""
import struct

MAGIC = 0xD00DFEED
BEGIN_NODE, END_NODE, PROP, NOP, END = 1, 2, 3, 4, 9


def cells(*values):
    """<a b c>: big-endian 32-bit cells."""
    return struct.pack(f">{len(values)}I", *values)


def strs(*values):
    """"a", "b": NUL-terminated strings."""
    return b"".join(v.encode() + b"\0" for v in values)


def _pad(b):
    return b + bytes(-len(b) % 4)


class Writer:
    """Sequential writer: begin(name), prop(name, value), end(), finish()."""

    def __init__(self):
        self.struct = bytearray()
        self.strings = bytearray()
        self.offsets = {}
        self.reserve = []  # (address, size) pairs

    def begin(self, name):
        self.struct += struct.pack(">I", BEGIN_NODE) + _pad(name.encode() + b"\0")

    def prop(self, name, value=b""):
        off = self.offsets.get(name)
        if off is None:
            off = self.offsets[name] = len(self.strings)
            self.strings += name.encode() + b"\0"
        self.struct += struct.pack(">III", PROP, len(value), off) + _pad(value)

    def end(self):
        self.struct += struct.pack(">I", END_NODE)

    def finish(self):
        self.struct += struct.pack(">I", END)
        rsv = b"".join(struct.pack(">QQ", a, s) for a, s in self.reserve)
        rsv += bytes(16)
        off_rsv = 40
        off_struct = off_rsv + len(rsv)
        off_strings = off_struct + len(self.struct)
        total = off_strings + len(self.strings)
        header = struct.pack(">10I", MAGIC, total, off_struct, off_strings,
                             off_rsv, 17, 16, 0, len(self.strings),
                             len(self.struct))
        return header + rsv + bytes(self.struct) + bytes(self.strings)


class Node:
    def __init__(self, name):
        self.name = name
        self.props = []     # [name, bytes] pairs, in order
        self.children = []

    def get(self, name):
        for k, v in self.props:
            if k == name:
                return v
        return None

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def walk(self, path="/"):
        """(path, node) of this node and every node below, document order."""
        yield path, self
        for c in self.children:
            yield from c.walk(path.rstrip("/") + "/" + c.name)

    def write(self, w):
        w.begin(self.name)
        for k, v in self.props:
            w.prop(k, v)
        for c in self.children:
            c.write(w)
        w.end()


def parse(blob):
    """(root Node, [(address, size)] reservations) of a DTB."""
    (magic, _total, off_struct, off_strings, off_rsv, _version, _last,
     _cpu, size_strings, size_struct) = struct.unpack(">10I", blob[:40])
    if magic != MAGIC:
        raise ValueError("not a DTB")
    reserve = []
    p = off_rsv
    while True:
        a, s = struct.unpack_from(">QQ", blob, p)
        p += 16
        if a == 0 and s == 0:
            break
        reserve.append((a, s))
    strings = blob[off_strings:off_strings + size_strings]
    stack, root = [], None
    p, end = off_struct, off_struct + size_struct
    while p < end:
        (tag,) = struct.unpack_from(">I", blob, p)
        p += 4
        if tag == BEGIN_NODE:
            z = blob.index(b"\0", p)
            node = Node(blob[p:z].decode())
            p = (z + 4) & ~3
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
        elif tag == END_NODE:
            stack.pop()
        elif tag == PROP:
            length, nameoff = struct.unpack_from(">II", blob, p)
            p += 8
            name = strings[nameoff:strings.index(b"\0", nameoff)].decode()
            stack[-1].props.append([name, blob[p:p + length]])
            p = (p + length + 3) & ~3
        elif tag == NOP:
            continue
        elif tag == END:
            break
        else:
            raise ValueError(f"bad tag {tag} at {p - 4}")
    return root, reserve


def dump(root, reserve=()):
    """A Node tree (and reservations) as a DTB."""
    w = Writer()
    w.reserve = list(reserve)
    root.write(w)
    return w.finish()

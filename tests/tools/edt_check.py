#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check a DTS file against three rules of Zephyr's devicetree library.

Usage: edt_check.py [--allow-number NUM]... FILE.dts

Zephyr's edtlib (not packaged in Debian) refuses a devicetree where
  1. a phandle is written as a number instead of `&label` / `&{/path}`;
  2. `interrupts` is not a multiple of its interrupt parent's
     `#interrupt-cells` (interrupt-parent inherited from ancestors);
  3. a reference dangles.
Phandle positions checked: interrupt-parent; the phandle cell of each
specifier of iommus (#iommu-cells), clocks (#clock-cells), resets
(#reset-cells), power-domains (#power-domain-cells), phys (#phy-cells),
dmas (#dma-cells), interrupts-extended (#interrupt-cells), gpios and
*-gpios (#gpio-cells), msi-parent (#msi-cells, 0 if absent); every cell of
pinctrl-N; the second cell of each 4-cell entry of iommu-map and msi-map.

--allow-number NUM (repeatable) accepts the raw value NUM in a phandle
position, for outputs whose target lies outside the tree.  When such a
number names no node of the file, the specifier length comes from what Xen
puts at that phandle: 0xfdea (GUEST_PHANDLE_VSMMUV3) has #iommu-cells 1,
0xfde8 (GUEST_PHANDLE_GIC) has #interrupt-cells 3.

--batch LIST runs many checks in one interpreter (see batch()).

Exit 0 when the file passes, 1 with a one-line reason otherwise (an
unparseable file fails), 2 on a usage error.  The DTS reader is this
file's own and covers what dtc and viommu-dtgen write: /dts-v1/;
/memreserve/; labels on nodes, properties and inside values; `name { };`
nodes (merged when repeated); `p;`, `p = <cells &ref &{/path}>, "str",
[bytes], &ref, /bits/ N <...>;`; C and C++ comments; string escapes.
"""

import argparse
import re
import sys

EXTERNAL = {
    0xFDEA: {"#iommu-cells": 1},
    0xFDE8: {"#interrupt-cells": 3},
}

SPECIFIERS = {
    "iommus": "#iommu-cells",
    "clocks": "#clock-cells",
    "resets": "#reset-cells",
    "power-domains": "#power-domain-cells",
    "phys": "#phy-cells",
    "dmas": "#dma-cells",
    "interrupts-extended": "#interrupt-cells",
    "msi-parent": "#msi-cells",
}
OPTIONAL_CELLS = {"#msi-cells"}


class Fail(Exception):
    pass


# --------------------------------------------------------------------------
# Lexer

NAME_CH = r"[a-zA-Z0-9,._+*#?@-]"
TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<directive>/(?:dts-v1|memreserve|bits|plugin|delete-node|delete-property|omit-if-no-ref|include)/)
  | (?P<pathref>&\{[^}]*\})
  | (?P<ref>&[a-zA-Z_][a-zA-Z0-9_]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<char>'(?:[^'\\]|\\.)+')
  | (?P<label>[a-zA-Z_][a-zA-Z0-9_]*:)
  | (?P<name>""" + NAME_CH + r"""+|/)
  | (?P<punct>[{}<>\[\];=,()])
""", re.X | re.S)


class Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line

    def __repr__(self):
        return f"{self.text!r} (line {self.line})"


def lex(src):
    toks = []
    pos = 0
    line = 1
    while pos < len(src):
        m = TOKEN_RE.match(src, pos)
        if not m:
            raise Fail(f"line {line}: cannot read {src[pos:pos + 20]!r}")
        kind = m.lastgroup
        text = m.group(kind)
        if kind not in ("ws", "comment"):
            toks.append(Tok(kind, text, line))
        line += text.count("\n")
        pos = m.end()
    toks.append(Tok("eof", "", line))
    return toks


ESC = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13,
       "\\": 92, '"': 34, "'": 39}


def unescape(body, line):
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise Fail(f"line {line}: string ends in a backslash")
        c = body[i]
        if c in ESC:
            out.append(ESC[c])
            i += 1
        elif c == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 1:])
            if not m:
                raise Fail(f"line {line}: bad \\x escape")
            out.append(int(m.group(0), 16))
            i += 1 + len(m.group(0))
        elif c in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i:])
            v = int(m.group(0), 8)
            if v > 255:
                raise Fail(f"line {line}: octal escape out of range")
            out.append(v)
            i += len(m.group(0))
        else:
            raise Fail(f"line {line}: unknown escape \\{c}")
    return bytes(out)


def parse_int(text, line):
    t = text.rstrip("ULul")
    try:
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", t):
            return int(t, 16)
        if re.fullmatch(r"0[0-7]*", t):
            return int(t, 8)
        if re.fullmatch(r"[1-9][0-9]*", t):
            return int(t, 10)
    except ValueError:
        pass
    raise Fail(f"line {line}: bad number {text!r}")


# --------------------------------------------------------------------------
# Tree

class Node:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent
        self.children = {}
        self.props = {}  # name -> list of chunks
        self.labels = []

    @property
    def path(self):
        if self.parent is None:
            return "/"
        pp = self.parent.path
        return (pp if pp != "/" else "") + "/" + self.name

    def walk(self):
        yield self
        for c in self.children.values():
            yield from c.walk()


class Parser:
    def __init__(self, toks):
        self.toks = toks
        self.i = 0
        self.root = Node("", None)
        self.node_labels = {}  # label -> node
        self.other_labels = set()

    def peek(self, k=0):
        return self.toks[self.i + k]

    def next(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text):
        t = self.next()
        if t.text != text:
            raise Fail(f"line {t.line}: expected {text!r}, got {t.text!r}")
        return t

    def labels(self):
        out = []
        while self.peek().kind == "label":
            out.append(self.next().text[:-1])
        return out

    def add_label(self, lab, node, line):
        if lab in self.node_labels or lab in self.other_labels:
            if self.node_labels.get(lab) is not node:
                raise Fail(f"line {line}: duplicate label {lab!r}")
        if node is None:
            self.other_labels.add(lab)
        else:
            self.node_labels[lab] = node
            node.labels.append(lab)

    def parse(self):
        t = self.next()
        if t.text != "/dts-v1/":
            raise Fail(f"line {t.line}: file does not start with /dts-v1/")
        self.expect(";")
        seen_root = False
        while True:
            t = self.peek()
            if t.kind == "eof":
                break
            if t.text == "/memreserve/":
                self.next()
                for _ in range(2):
                    n = self.next()
                    if n.kind != "name":
                        raise Fail(f"line {n.line}: /memreserve/ wants two numbers")
                    parse_int(n.text, n.line)
                self.expect(";")
                continue
            labs = self.labels()
            t = self.next()
            if t.text == "/":
                for lab in labs:
                    self.add_label(lab, self.root, t.line)
                self.body(self.root)
                seen_root = True
            else:
                raise Fail(f"line {t.line}: unexpected {t.text!r} at top level")
        if not seen_root:
            raise Fail("no root node")
        return self.root

    def body(self, node):
        self.expect("{")
        while True:
            if self.peek().text == "}":
                self.next()
                self.expect(";")
                return
            labs = self.labels()
            t = self.next()
            if t.kind != "name" or t.text == "/":
                raise Fail(f"line {t.line}: expected a node or property name, got {t.text!r}")
            nxt = self.peek()
            if nxt.text == "{":
                child = node.children.get(t.text)
                if child is None:
                    child = Node(t.text, node)
                    node.children[t.text] = child
                for lab in labs:
                    self.add_label(lab, child, t.line)
                self.body(child)
            else:
                for lab in labs:
                    self.add_label(lab, None, t.line)
                node.props[t.text] = self.value(t.line)

    def value(self, line):
        chunks = []
        t = self.next()
        if t.text == ";":
            return chunks
        if t.text != "=":
            raise Fail(f"line {t.line}: expected '=' or ';', got {t.text!r}")
        while True:
            for lab in self.labels():
                self.add_label(lab, None, line)
            t = self.next()
            bits = 32
            if t.text == "/bits/":
                n = self.next()
                bits = parse_int(n.text, n.line) if n.kind == "name" else 0
                if bits not in (8, 16, 32, 64):
                    raise Fail(f"line {n.line}: /bits/ {n.text}")
                t = self.next()
                if t.text != "<":
                    raise Fail(f"line {t.line}: /bits/ wants <...>")
            if t.text == "<":
                chunks.append(("cells", bits, self.cells(bits)))
            elif t.kind == "string":
                chunks.append(("string", unescape(t.text[1:-1], t.line)))
            elif t.text == "[":
                chunks.append(("bytes", self.bytestring()))
            elif t.kind in ("ref", "pathref"):
                chunks.append(("pathref", ref_target(t), t.line))
            else:
                raise Fail(f"line {t.line}: bad property value {t.text!r}")
            for lab in self.labels():
                self.add_label(lab, None, line)
            t = self.next()
            if t.text == ";":
                return chunks
            if t.text != ",":
                raise Fail(f"line {t.line}: expected ',' or ';', got {t.text!r}")

    def cells(self, bits):
        items = []
        while True:
            t = self.next()
            if t.text == ">":
                return items
            if t.kind == "label":
                self.add_label(t.text[:-1], None, t.line)
            elif t.kind in ("ref", "pathref"):
                if bits != 32:
                    raise Fail(f"line {t.line}: reference in /bits/ {bits} cells")
                items.append(("ref", ref_target(t), t.line))
            elif t.kind == "name" and re.match(r"[0-9]", t.text):
                v = parse_int(t.text, t.line)
                if v >= 1 << bits:
                    raise Fail(f"line {t.line}: {t.text} does not fit {bits} bits")
                items.append(("num", v, t.line))
            elif t.kind == "char":
                b = unescape(t.text[1:-1], t.line)
                if len(b) != 1:
                    raise Fail(f"line {t.line}: bad character literal")
                items.append(("num", b[0], t.line))
            else:
                raise Fail(f"line {t.line}: bad cell {t.text!r}")

    def bytestring(self):
        out = bytearray()
        while True:
            t = self.next()
            if t.text == "]":
                return bytes(out)
            if t.kind == "label":
                self.add_label(t.text[:-1], None, t.line)
                continue
            if t.kind != "name" or not re.fullmatch(r"([0-9a-fA-F]{2})+", t.text):
                raise Fail(f"line {t.line}: bad byte string {t.text!r}")
            out += bytes.fromhex(t.text)


def ref_target(t):
    if t.kind == "pathref":
        return t.text[2:-1]
    return t.text[1:]


# --------------------------------------------------------------------------
# Checks

class Checker:
    def __init__(self, root, labels, allowed):
        self.root = root
        self.labels = labels
        self.allowed = allowed
        self.by_phandle = {}
        for n in root.walk():
            for p in ("phandle", "linux,phandle"):
                c = n.props.get(p)
                if c and len(c) == 1 and c[0][0] == "cells" and len(c[0][2]) == 1 \
                        and c[0][2][0][0] == "num":
                    self.by_phandle.setdefault(c[0][2][0][1], n)

    def lookup_path(self, path):
        if not path.startswith("/"):
            return None
        n = self.root
        for part in [p for p in path.split("/") if p]:
            n = n.children.get(part)
            if n is None:
                return None
        return n

    def resolve_ref(self, target, node, prop, line):
        n = self.lookup_path(target) if target.startswith("/") else self.labels.get(target)
        if n is None:
            shown = f"&{{{target}}}" if target.startswith("/") else f"&{target}"
            raise Fail(f"line {line}: {node.path}: {prop}: dangling reference {shown}")
        return n

    def phandle(self, item, node, prop):
        """The target of a phandle cell: a Node, or a dict for an allowed
        number naming no node."""
        kind, v, line = item
        if kind == "ref":
            return self.resolve_ref(v, node, prop, line)
        if v not in self.allowed:
            raise Fail(f"line {line}: {node.path}: {prop}: phandle written as a number ({v:#x}), "
                       "not &label")
        n = self.by_phandle.get(v)
        if n is not None:
            return n
        return EXTERNAL.get(v, {})

    def cells_of(self, target, cellprop, node, prop, line):
        if isinstance(target, dict):
            if cellprop in target:
                return target[cellprop]
            if cellprop in OPTIONAL_CELLS:
                return 0
            raise Fail(f"line {line}: {node.path}: {prop}: {cellprop} of an outside phandle unknown")
        c = target.props.get(cellprop)
        if c is None:
            if cellprop in OPTIONAL_CELLS:
                return 0
            raise Fail(f"line {line}: {node.path}: {prop}: {target.path} has no {cellprop}")
        v = self.flat(target, cellprop)
        if len(v) != 1 or v[0][0] != "num":
            raise Fail(f"line {line}: {target.path}: {cellprop} is not one number")
        return v[0][1]

    @staticmethod
    def flat(node, prop):
        items = []
        for ch in node.props[prop]:
            if ch[0] != "cells" or ch[1] != 32:
                raise Fail(f"{node.path}: {prop}: not a list of 32-bit cells")
            items.extend(ch[2])
        return items

    def check_specifiers(self, node, prop, cellprop):
        items = self.flat(node, prop)
        i = 0
        while i < len(items):
            target = self.phandle(items[i], node, prop)
            n = self.cells_of(target, cellprop, node, prop, items[i][2])
            if i + 1 + n > len(items):
                raise Fail(f"line {items[i][2]}: {node.path}: {prop}: specifier cut short "
                           f"({cellprop} = {n})")
            for it in items[i + 1:i + 1 + n]:
                if it[0] == "ref":
                    self.resolve_ref(it[1], node, prop, it[2])
            i += 1 + n

    def check_map4(self, node, prop):
        items = self.flat(node, prop)
        if len(items) % 4:
            raise Fail(f"{node.path}: {prop}: {len(items)} cells, not 4-cell entries")
        for i in range(0, len(items), 4):
            self.phandle(items[i + 1], node, prop)

    def interrupt_parent(self, node):
        n = node
        while n is not None:
            if "interrupt-parent" in n.props:
                items = self.flat(n, "interrupt-parent")
                if len(items) != 1:
                    raise Fail(f"{n.path}: interrupt-parent is not one cell")
                return self.phandle(items[0], n, "interrupt-parent")
            n = n.parent
        raise Fail(f"{node.path}: interrupts, but neither the node nor any of its parents has "
                   "an interrupt-parent")

    def run(self):
        for node in self.root.walk():
            for prop in node.props:
                if prop == "interrupt-parent":
                    items = self.flat(node, prop)
                    if len(items) != 1:
                        raise Fail(f"{node.path}: interrupt-parent is not one cell")
                    self.phandle(items[0], node, prop)
                elif prop in SPECIFIERS:
                    self.check_specifiers(node, prop, SPECIFIERS[prop])
                elif prop == "gpios" or prop.endswith("-gpios"):
                    self.check_specifiers(node, prop, "#gpio-cells")
                elif re.fullmatch(r"pinctrl-[0-9]+", prop):
                    for it in self.flat(node, prop):
                        self.phandle(it, node, prop)
                elif prop in ("iommu-map", "msi-map"):
                    self.check_map4(node, prop)
                else:
                    # Every other reference must resolve (rule 3).
                    for ch in node.props[prop]:
                        if ch[0] == "pathref":
                            self.resolve_ref(ch[1], node, prop, ch[2])
                        elif ch[0] == "cells":
                            for it in ch[2]:
                                if it[0] == "ref":
                                    self.resolve_ref(it[1], node, prop, it[2])
            if "interrupts" in node.props:
                parent = self.interrupt_parent(node)
                where = parent.path if isinstance(parent, Node) else "the outside parent"
                n = self.cells_of(parent, "#interrupt-cells", node, "interrupts", 0)
                count = len(self.flat(node, "interrupts"))
                if n == 0 or count % n:
                    raise Fail(f"{node.path}: interrupts has {count} cells, not a multiple of "
                               f"#interrupt-cells = {n} of {where}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--allow-number", action="append", default=[], metavar="NUM")
    ap.add_argument("dts")
    a = ap.parse_args(argv)
    try:
        allowed = {int(x, 0) for x in a.allow_number}
    except ValueError:
        ap.error("--allow-number wants a number")
    try:
        try:
            with open(a.dts, encoding="utf-8") as f:
                src = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise Fail(str(e)) from e
        p = Parser(lex(src))
        root = p.parse()
        Checker(root, p.node_labels, allowed).run()
    except Fail as e:
        print(f"edt_check: {a.dts}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        from batchrun import batch
        sys.exit(batch(sys.argv[2], main))
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fail when two source files of the library call each other, directly or
through others: a cycle in the graph "A uses a symbol B defines", read
from the objects with nm.

Usage: depcycle.py OBJ...   (prints the cycle and exits 1, or exits 0
                            quietly)
"""
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
    return defined, used


def main(objs):
    owner, uses = {}, {}
    for o in objs:
        defined, used = symbols(o)
        for s in defined:
            owner[s] = o
        uses[o] = used
    graph = {o: sorted({owner[s] for s in uses[o] if s in owner} - {o})
             for o in objs}
    state, stack = {}, []

    def visit(o):
        state[o] = 1
        stack.append(o)
        for n in graph[o]:
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                print("depcycle: " + " -> ".join(cycle))
                return True
            if n not in state and visit(n):
                return True
        stack.pop()
        state[o] = 2
        return False

    for o in sorted(objs):
        if o not in state and visit(o):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""add_memreserve.py N IN.dtb OUT.dtb: IN with N memory reservations added.

dtc's parser cannot take more than about ten thousand /memreserve/ lines,
so the benchmark's large reservation maps are written here: header, the
reservation map, then IN's structure and strings blocks as they are.
"""
import struct
import sys


def main():
    n, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    blob = open(src, "rb").read()
    (magic, _total, off_struct, off_strings, _off_rsv, version, last_comp,
     boot_cpu, size_strings, size_struct) = struct.unpack(">10I", blob[:40])
    rsv = b"".join(struct.pack(">QQ", 0x80000000 + i * 0x1000, 0x1000)
                   for i in range(n)) + bytes(16)
    st = blob[off_struct:off_struct + size_struct]
    strings = blob[off_strings:off_strings + size_strings]
    new_rsv = 40
    new_struct = new_rsv + len(rsv)
    new_strings = new_struct + len(st)
    total = new_strings + len(strings)
    header = struct.pack(">10I", magic, total, new_struct, new_strings,
                         new_rsv, version, last_comp, boot_cpu, size_strings,
                         size_struct)
    with open(dst, "wb") as f:
        f.write(header + rsv + st + strings)


if __name__ == "__main__":
    main()

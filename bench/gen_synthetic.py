#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""gen_synthetic.py N HOST.dts PARTIAL.dts: a host with N masters spread
over 8 SMMUs (stream IDs reused across SMMUs) and a partial DT passing all
of them through; for checking that cost grows linearly with N."""
import sys

GROUP = 1000


def main():
    n, host, partial = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    with open(host, "w", encoding="utf-8") as h:
        h.write("/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n")
        h.write("\tsoc {\n\t\tcompatible = \"simple-bus\";\n\t\t#address-cells = <2>;\n"
                "\t\t#size-cells = <2>;\n\t\tranges;\n")
        for s in range(8):
            h.write(f"\t\tsmmu{s}: iommu@{0x40000000 + s * 0x100000:x} {{\n"
                    f"\t\t\tcompatible = \"arm,smmu-v3\";\n"
                    f"\t\t\treg = <0x0 {0x40000000 + s * 0x100000:#x} 0x0 0x20000>;\n"
                    f"\t\t\t#iommu-cells = <1>;\n\t\t}};\n")
        # dtc's parser runs out of stack past some thousands of siblings:
        # group the masters in buses of GROUP.
        for i in range(n):
            if i % GROUP == 0:
                h.write(f"\t\tbus{i // GROUP} {{\n\t\t\t#address-cells = <2>;\n"
                        f"\t\t\t#size-cells = <2>;\n\t\t\tranges;\n")
            h.write(f"\t\t\tdev@{0x80000000 + i * 0x1000:x} {{\n"
                    f"\t\t\t\treg = <0x0 {0x80000000 + i * 0x1000:#x} 0x0 0x1000>;\n"
                    f"\t\t\t\tiommus = <&smmu{i % 8} {i // 8:#x}>;\n\t\t\t}};\n")
            if i % GROUP == GROUP - 1 or i == n - 1:
                h.write("\t\t};\n")
        h.write("\t};\n};\n")
    with open(partial, "w", encoding="utf-8") as p:
        p.write("/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n"
                "\tgic { phandle = <0xfde8>; #interrupt-cells = <3>; interrupt-controller; };\n"
                "\tpassthrough {\n\t\tcompatible = \"simple-bus\";\n\t\tranges;\n"
                "\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n")
        for i in range(n):
            if i % GROUP == 0:
                p.write(f"\t\tbus{i // GROUP} {{\n")
            p.write(f"\t\t\tdev@{0x80000000 + i * 0x1000:x} {{\n"
                    f"\t\t\t\txen,path = \"/soc/bus{i // GROUP}/dev@{0x80000000 + i * 0x1000:x}\";\n"
                    f"\t\t\t}};\n")
            if i % GROUP == GROUP - 1 or i == n - 1:
                p.write("\t\t};\n")
        p.write("\t};\n};\n")


if __name__ == "__main__":
    main()

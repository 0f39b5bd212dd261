/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_EXPORT_H
#define VIOMMU_DTGEN_EXPORT_H

/*
 * The library is built with -fvisibility=hidden: only functions marked
 * VDT_EXPORT, the API of include/viommu-dtgen.h, are seen outside it
 * (and src/libviommu-dtgen.map lists the same names for the linker).
 */
#define VDT_EXPORT __attribute__((visibility("default")))

#endif /* VIOMMU_DTGEN_EXPORT_H */

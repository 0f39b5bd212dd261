/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_SHA256_H
#define VIOMMU_DTGEN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

/**
 * sha256 - the SHA-256 digest (FIPS 180-4) of @len bytes at @data
 * @out: receives the 32 bytes
 */
void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/**
 * sha256_soft - sha256() without the CPU's SHA-256 instructions, for tests
 */
void sha256_soft(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/**
 * sha256_hw - whether sha256() uses the CPU's SHA-256 instructions
 *
 * returns: 1 or 0
 */
int sha256_hw(void);

#endif /* VIOMMU_DTGEN_SHA256_H */

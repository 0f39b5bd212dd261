/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef VIOMMU_DTGEN_FUZZ_COMMON_H
#define VIOMMU_DTGEN_FUZZ_COMMON_H

/*
 * Shared by the fuzz harnesses, their structure-aware mutator and the plain
 * replay driver (fuzz/replay.c, which builds the same harness bodies without
 * libFuzzer so that `make check` replays fuzz/regressions/ with gcc too).
 *
 * Pipeline input layout (fuzz_pipeline.c):
 *	byte 0		options (FUZZ_OPT_*)
 *	bytes 1..4	host blob length, little endian (clamped to what is left)
 *	then		the host blob, then the partial blob (the rest)
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A harness's oracle: report the broken condition and abort (a finding). */
#define FUZZ_ASSERT(c)                                                      \
	do {                                                                \
		if (!(c)) {                                                 \
			fprintf(stderr, "%s:%d: oracle broken: %s\n",       \
				__FILE__, __LINE__, #c);                    \
			abort();                                            \
		}                                                           \
	} while (0)

#define FUZZ_HDR 5

#define FUZZ_OPT_IDENTITY	0x01	/* --policy identity */
#define FUZZ_OPT_NO_NODE	0x02	/* --no-viommu-node */
#define FUZZ_OPT_BITS_SHIFT	2	/* 2 bits: vid_bits 16, 1, 4, 32 */
#define FUZZ_OPT_BASE		0x10	/* --vid-base 2 */
#define FUZZ_OPT_PHANDLE	0x20	/* --viommu-phandle 0x10 */
#define FUZZ_OPT_LOCK		0x40	/* a second run locked to the first */
#define FUZZ_OPT_REG		0x80	/* --viommu-reg 0x5000000,0x20000 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split @data into options, host and partial; 0 on success, -1 if short. */
static inline int fuzz_split(const uint8_t *data, size_t size, uint8_t *opts,
			     const uint8_t **host, size_t *hlen,
			     const uint8_t **part, size_t *plen)
{
	uint32_t n;

	if (size < FUZZ_HDR)
		return -1;
	*opts = data[0];
	n = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	    (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	if (n > size - FUZZ_HDR)
		n = (uint32_t)(size - FUZZ_HDR);
	*host = data + FUZZ_HDR;
	*hlen = n;
	*part = data + FUZZ_HDR + n;
	*plen = size - FUZZ_HDR - n;
	return 0;
}

#endif /* VIOMMU_DTGEN_FUZZ_COMMON_H */

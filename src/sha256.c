/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-256 (FIPS 180-4), written from the standard: what a map records of
 * the partial tree it describes.  The blocks go through the CPU's SHA-256
 * instructions where it has them (x86 SHA extensions, Armv8 SHA2; about a
 * fifth of the time), else through portable C.
 */
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA_X86 1
#include <cpuid.h>
#include <immintrin.h>
#elif defined(__aarch64__) && defined(__linux__) && defined(__GNUC__)
#define SHA_ARM 1
#include <arm_neon.h>
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1UL << 6)	/* Linux's arm64 hwcap bit */
#endif
#endif

#include "sha256.h"

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

/* The functions of FIPS 180-4 section 4.1.2 (Ch and Maj in fewer steps). */
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22))
#define BSIG1(x) (rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25))
#define SSIG0(x) (rotr(x, 7) ^ rotr(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (rotr(x, 17) ^ rotr(x, 19) ^ ((x) >> 10))

/* Word @t of the schedule, t >= 16, over the one it replaces in w[16]. */
#define SCHED(t)                                                     \
	(w[(t) & 15] += SSIG1(w[((t) - 2) & 15]) + w[((t) - 7) & 15] + \
			SSIG0(w[((t) - 15) & 15]))

/*
 * Round @t with word @wt: the eight working variables are named in the
 * order a..h of that round, so that eight rounds in a row, each naming
 * them one place on, leave them where they started and nothing moves.
 */
#define ROUND(a, b, c, d, e, f, g, h, t, wt)                          \
	do {                                                          \
		uint32_t t1 = (h) + BSIG1(e) + CH(e, f, g) + k[t] + (wt); \
		(d) += t1;                                            \
		(h) = t1 + BSIG0(a) + MAJ(a, b, c);                   \
	} while (0)

#define EIGHT(t, W)                                                   \
	do {                                                          \
		ROUND(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], (t), W((t))); \
		ROUND(v[7], v[0], v[1], v[2], v[3], v[4], v[5], v[6], (t) + 1, W((t) + 1)); \
		ROUND(v[6], v[7], v[0], v[1], v[2], v[3], v[4], v[5], (t) + 2, W((t) + 2)); \
		ROUND(v[5], v[6], v[7], v[0], v[1], v[2], v[3], v[4], (t) + 3, W((t) + 3)); \
		ROUND(v[4], v[5], v[6], v[7], v[0], v[1], v[2], v[3], (t) + 4, W((t) + 4)); \
		ROUND(v[3], v[4], v[5], v[6], v[7], v[0], v[1], v[2], (t) + 5, W((t) + 5)); \
		ROUND(v[2], v[3], v[4], v[5], v[6], v[7], v[0], v[1], (t) + 6, W((t) + 6)); \
		ROUND(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[0], (t) + 7, W((t) + 7)); \
	} while (0)

#define MSG(t) w[t]

/* @n 64-byte blocks at @p into the state @h, in C. */
static void blocks_soft(uint32_t h[8], const unsigned char *p, size_t n)
{
	for (; n--; p += 64) {
		uint32_t w[16], v[8];
		int t;

		for (t = 0; t < 16; t++)
			w[t] = (uint32_t)p[4 * t] << 24 |
			       (uint32_t)p[4 * t + 1] << 16 |
			       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
		memcpy(v, h, sizeof(v));
		EIGHT(0, MSG);
		EIGHT(8, MSG);
		for (t = 16; t < 64; t += 8)
			EIGHT(t, SCHED);
		for (t = 0; t < 8; t++)
			h[t] += v[t];
	}
}

#ifdef SHA_X86
/*
 * The x86 SHA extensions: SHA256RNDS2 does two rounds on the state held
 * as ABEF and CDGH, SHA256MSG1/MSG2 the schedule, four words at a time.
 */
__attribute__((target("sha,sse4.1"))) static void
blocks_hw(uint32_t h[8], const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
					     0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)h);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)(h + 4));
	__m128i badc = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(badc, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, badc, 0xf0);

	for (; n--; p += 64) {
		__m128i w[4], save0 = abef, save1 = cdgh, m;
		int g;

		for (g = 0; g < 16; g++) {
			if (g < 4) {
				w[g] = _mm_shuffle_epi8(_mm_loadu_si128(
					(const __m128i *)(const void *)(p + 16 * g)),
					bswap);
			} else {
				m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
				m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3],
								     w[(g + 2) & 3], 4));
				w[g & 3] = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
			}
			m = _mm_add_epi32(w[g & 3], _mm_loadu_si128(
				(const __m128i *)(const void *)(k + 4 * g)));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
						     _mm_shuffle_epi32(m, 0x0e));
		}
		abef = _mm_add_epi32(abef, save0);
		cdgh = _mm_add_epi32(cdgh, save1);
	}
	efgh = _mm_shuffle_epi32(abef, 0x1b);	/* FEBA */
	badc = _mm_shuffle_epi32(cdgh, 0xb1);	/* DCHG */
	dcba = _mm_blend_epi16(efgh, badc, 0xf0);
	hgfe = _mm_alignr_epi8(badc, efgh, 8);
	_mm_storeu_si128((__m128i *)(void *)h, dcba);
	_mm_storeu_si128((__m128i *)(void *)(h + 4), hgfe);
}

/* CPUID: leaf 7's SHA bit, leaf 1's SSSE3 and SSE4.1. */
static int have_hw(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) ||
	    !(c & bit_SSE4_1))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

#ifdef SHA_ARM
/* The Armv8 SHA2 instructions: four rounds and four schedule words each. */
__attribute__((target("+crypto"))) static void
blocks_hw(uint32_t h[8], const unsigned char *p, size_t n)
{
	uint32x4_t abcd = vld1q_u32(h), efgh = vld1q_u32(h + 4);

	for (; n--; p += 64) {
		uint32x4_t w[4], save0 = abcd, save1 = efgh, wk, t;
		int g;

		for (g = 0; g < 16; g++) {
			if (g < 4)
				w[g] = vreinterpretq_u32_u8(
					vrev32q_u8(vld1q_u8(p + 16 * g)));
			else
				w[g & 3] = vsha256su1q_u32(
					vsha256su0q_u32(w[g & 3], w[(g + 1) & 3]),
					w[(g + 2) & 3], w[(g + 3) & 3]);
			wk = vaddq_u32(w[g & 3], vld1q_u32(k + 4 * g));
			t = abcd;
			abcd = vsha256hq_u32(abcd, efgh, wk);
			efgh = vsha256h2q_u32(efgh, t, wk);
		}
		abcd = vaddq_u32(abcd, save0);
		efgh = vaddq_u32(efgh, save1);
	}
	vst1q_u32(h, abcd);
	vst1q_u32(h + 4, efgh);
}

static int have_hw(void)
{
	return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
}
#endif

#if defined(SHA_X86) || defined(SHA_ARM)
/* Whether to use blocks_hw(): -1 until asked, then 0 or 1. */
static atomic_int use_hw = -1;

int sha256_hw(void)
{
	int v = atomic_load_explicit(&use_hw, memory_order_relaxed);

	if (v < 0) {
		v = have_hw();
		atomic_store_explicit(&use_hw, v, memory_order_relaxed);
	}
	return v;
}
#else
int sha256_hw(void)
{
	return 0;
}

static void blocks_hw(uint32_t h[8], const unsigned char *p, size_t n)
{
	blocks_soft(h, p, n);
}
#endif

static void digest(const void *data, size_t len, unsigned char out[SHA256_LEN],
		   int hw)
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	void (*blocks)(uint32_t *, const unsigned char *, size_t) =
		hw ? blocks_hw : blocks_soft;
	const unsigned char *p = data;
	unsigned char last[128];
	uint64_t bits = (uint64_t)len * 8;
	size_t n = len % 64, tail, i;

	blocks(h, p, len / 64);
	i = len - n;
	/* The rest, a 1 bit, zeros, and the length in bits, big-endian. */
	memset(last, 0, sizeof(last));
	if (n)
		memcpy(last, p + i, n);
	last[n] = 0x80;
	tail = n < 56 ? 64 : 128;
	for (i = 0; i < 8; i++)
		last[tail - 1 - i] = (unsigned char)(bits >> (8 * i));
	blocks(h, last, tail / 64);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	digest(data, len, out, sha256_hw());
}

void sha256_soft(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	digest(data, len, out, 0);
}

/*
 * SHA-256 of whole messages with SHA-NI, for consensus hashing (state-tree
 * nodes, transaction ids): each is one short message, where OpenSSL's
 * per-call setup costs more than the compressions. Compiled with -msha like
 * scan_shani.c and only called after CPUID reports SHA.
 */
#include <immintrin.h>
#include <string.h>
#include "shani_rounds.h"


/* Message bytes are big-endian words. */
static inline __m128i load_be(const uint8_t *p) {
  const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), mask);
}

/* abef = {A,B,E,F}, cdgh = {C,D,G,H}: SHA-NI's state layout. */
static void compress_blocks(__m128i *abef, __m128i *cdgh, const uint8_t *p, size_t blocks) {
  __m128i s0 = *abef, s1 = *cdgh;
  for (; blocks > 0; blocks--, p += 64) {
    __m128i a0 = s0, a1 = s1;
    __m128i m0 = load_be(p), m1 = load_be(p + 16), m2 = load_be(p + 32), m3 = load_be(p + 48);
    RND4(s0, s1, m0, 0);
    RND4(s0, s1, m1, 1);
    RND4(s0, s1, m2, 2);
    RND4(s0, s1, m3, 3);
    for (int r = 4; r < 16; r++) {
      __m128i t = _mm_sha256msg1_epu32(m0, m1);
      t = _mm_add_epi32(t, _mm_alignr_epi8(m3, m2, 4));
      __m128i m4 = _mm_sha256msg2_epu32(t, m3);
      RND4(s0, s1, m4, r);
      m0 = m1; m1 = m2; m2 = m3; m3 = m4;
    }
    s0 = _mm_add_epi32(s0, a0);
    s1 = _mm_add_epi32(s1, a1);
  }
  *abef = s0;
  *cdgh = s1;
}

void sha256_shani(const uint8_t *data, size_t len, uint8_t out[32]) {
  __m128i abcd = _mm_loadu_si128((const __m128i *)&sha256d_iv[0]);
  __m128i efgh = _mm_loadu_si128((const __m128i *)&sha256d_iv[4]);
  __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  __m128i s0 = _mm_alignr_epi8(badc, hgfe, 8);
  __m128i s1 = _mm_blend_epi16(hgfe, badc, 0xF0);

  size_t full = len / 64;
  compress_blocks(&s0, &s1, data, full);
  uint8_t tail[128];
  size_t rest = len - full * 64;
  if (rest > 0) memcpy(tail, data + full * 64, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  memset(tail + rest + 1, 0, tail_len - rest - 1);
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
  compress_blocks(&s0, &s1, tail, tail_len / 64);

  /* Back to H0..H7, written big-endian. */
  __m128i feba = _mm_shuffle_epi32(s0, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(s1, 0xB1);
  __m128i h0 = _mm_blend_epi16(feba, dchg, 0xF0);
  __m128i h1 = _mm_alignr_epi8(dchg, feba, 8);
  const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(h0, mask));
  _mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(h1, mask));
}

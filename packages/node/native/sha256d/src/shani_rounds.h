/*
 * Four SHA-256 rounds with SHA-NI, shared by the nonce scanner and the
 * whole-message hasher. Only for files compiled with -msha -msse4.1.
 * s0 = {A,B,E,F}, s1 = {C,D,G,H}: SHA-NI's state layout; msg holds four
 * message words, i the round group (rounds 4i .. 4i+3).
 */
#ifndef SHANI_ROUNDS_H
#define SHANI_ROUNDS_H

#include <immintrin.h>
#include "sha256d.h"

#define RND4(s0, s1, msg, i)                                                      \
  do {                                                                            \
    __m128i m_ = _mm_add_epi32((msg), _mm_loadu_si128((const __m128i *)&sha256d_k[4 * (i)])); \
    (s1) = _mm_sha256rnds2_epu32((s1), (s0), m_);                                 \
    m_ = _mm_shuffle_epi32(m_, 0x0E);                                             \
    (s0) = _mm_sha256rnds2_epu32((s0), (s1), m_);                                 \
  } while (0)

#endif

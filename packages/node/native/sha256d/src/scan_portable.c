/* Portable C scanner: used on CPUs without SHA-NI and as the reference inside the addon. */
#include "sha256d.h"

const uint32_t sha256d_k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

const uint32_t sha256d_iv[8] = {
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define S0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define S1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define s0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define s1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

void sha256d_compress(uint32_t state[8], const uint32_t w_in[16]) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) w[i] = w_in[i];
#pragma GCC unroll 48
  for (int i = 16; i < 64; i++) w[i] = s1(w[i - 2]) + w[i - 7] + s0(w[i - 15]) + w[i - 16];
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
#pragma GCC unroll 64
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + S1(e) + CH(e, f, g) + sha256d_k[i] + w[i];
    uint32_t t2 = S0(a) + MAJ(a, b, c);
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  state[0] += a; state[1] += b; state[2] += c; state[3] += d;
  state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

int64_t sha256d_scan_portable(const sha256d_job *job, uint32_t start,
                              uint64_t count, uint64_t *hashes) {
  /* Padding words never change, so both blocks are built once and only the
   * nonce word and the first digest are rewritten per nonce. */
  uint32_t w1[16] = {job->tail[0], job->tail[1], job->tail[2], 0, 0x80000000u,
                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 640};
  uint32_t w2[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0x80000000u, 0, 0, 0, 0, 0, 0, 256};
  uint32_t st[8];
  for (uint64_t i = 0; i < count; i++) {
    uint32_t nonce = start + (uint32_t)i;
    w1[3] = sha256d_bswap32(nonce);
    for (int j = 0; j < 8; j++) st[j] = job->mid[j];
    sha256d_compress(st, w1);
    for (int j = 0; j < 8; j++) { w2[j] = st[j]; st[j] = sha256d_iv[j]; }
    sha256d_compress(st, w2);
    if (sha256d_bswap32(st[7]) <= job->target[7] && sha256d_meets_target(st, job->target)) {
      *hashes = i + 1;
      return nonce;
    }
  }
  *hashes = count;
  return -1;
}

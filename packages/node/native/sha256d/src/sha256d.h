/*
 * Shared declarations for the sha256d nonce scanner.
 *
 * A Bitcoin header is 80 bytes: the first 64 form SHA-256 block 1 (constant
 * for a template, so its compression -- the midstate -- is done once), the
 * last 16 start block 2 and hold the nonce in bytes 76..79 (little-endian).
 */
#ifndef SHA256D_H
#define SHA256D_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Per-template input of a scan, all words already in SHA-256 (big-endian) order. */
typedef struct {
  uint32_t mid[8];    /* state after header bytes 0..63 */
  uint32_t tail[3];   /* header bytes 64..75 as message words 0..2 */
  uint32_t target[8]; /* target as 32-bit limbs, limb 7 most significant */
} sha256d_job;

/*
 * Scans nonces start .. start+count-1 (the caller keeps this inside 2^32).
 * Returns the first nonce whose hash <= target, or -1; *hashes gets the number
 * of nonces hashed, including the winner.
 */
typedef int64_t (*sha256d_scan_fn)(const sha256d_job *job, uint32_t start,
                                   uint64_t count, uint64_t *hashes);

extern const uint32_t sha256d_k[64];
extern const uint32_t sha256d_iv[8];

void sha256d_compress(uint32_t state[8], const uint32_t w_in[16]);
int64_t sha256d_scan_portable(const sha256d_job *job, uint32_t start,
                              uint64_t count, uint64_t *hashes);
#ifdef SHA256D_HAVE_SHANI
int64_t sha256d_scan_shani(const sha256d_job *job, uint32_t start,
                           uint64_t count, uint64_t *hashes);
/* SHA-256 of a whole message. */
void sha256_shani(const uint8_t *data, size_t len, uint8_t out[32]);
#endif

static inline uint32_t sha256d_bswap32(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

/*
 * The digest is H0..H7 written big-endian; read as a little-endian 256-bit
 * number, its 32-bit limb i is therefore bswap(H[i]).
 */
static inline int sha256d_meets_target(const uint32_t h[8], const uint32_t t[8]) {
  for (int i = 7; i >= 0; i--) {
    uint32_t limb = sha256d_bswap32(h[i]);
    if (limb != t[i]) return limb < t[i];
  }
  return 1;
}

#ifdef __cplusplus
}
#endif

#endif

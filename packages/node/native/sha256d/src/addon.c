/*
 * N-API glue for the sha256d scanner.
 *
 * scan(header, target, startNonce, count) -> { nonce, hashes }
 *   header: Uint8Array of 76 or 80 bytes (bytes 76..79, the nonce, are ignored)
 *   target: Uint8Array of 32 bytes, little-endian 256-bit number
 * One call covers a whole nonce range so JS is crossed once per range, not
 * once per nonce. The midstate is cached per thread (N-API instance data), so
 * repeated calls on one template compress header bytes 0..63 only once.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include "sha256d.h"

#if defined(SHA256D_HAVE_SHANI)
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

typedef struct {
  uint8_t head[64];
  int valid;
  uint32_t mid[8];
} midstate_cache;

static int cpu_has_shani(void) {
#if defined(SHA256D_HAVE_SHANI)
#if defined(_MSC_VER)
  int r[4];
  __cpuid(r, 0);
  if (r[0] < 7) return 0;
  __cpuid(r, 1);
  int sse41 = (r[2] >> 19) & 1, ssse3 = (r[2] >> 9) & 1;
  __cpuidex(r, 7, 0);
  return sse41 && ssse3 && ((r[1] >> 29) & 1);
#else
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return sse41 && ssse3 && ((b >> 29) & 1);
#endif
#else
  return 0;
#endif
}

static uint32_t be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t le32(const uint8_t *p) {
  return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

static int get_bytes(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, len, &p, &ab, &off) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t *)p;
  return 1;
}

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value do_scan(napi_env env, napi_callback_info info, sha256d_scan_fn fn) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4)
    return throw_type(env, "scan(header, target, startNonce, count)");
  uint8_t *hdr, *tgt;
  size_t hlen, tlen;
  if (!get_bytes(env, argv[0], &hdr, &hlen) || (hlen != 76 && hlen != 80))
    return throw_type(env, "header must be a Uint8Array of 76 or 80 bytes");
  if (!get_bytes(env, argv[1], &tgt, &tlen) || tlen != 32)
    return throw_type(env, "target must be a Uint8Array of 32 bytes");
  double start_d, count_d;
  if (napi_get_value_double(env, argv[2], &start_d) != napi_ok ||
      napi_get_value_double(env, argv[3], &count_d) != napi_ok)
    return throw_type(env, "startNonce and count must be numbers");
  if (!(start_d >= 0 && start_d <= 4294967295.0) || start_d != (double)(uint32_t)start_d)
    return throw_type(env, "startNonce must be an integer in [0, 2^32)");
  if (!(count_d >= 0) || count_d != (double)(uint64_t)count_d)
    return throw_type(env, "count must be a non-negative integer");
  uint32_t start = (uint32_t)start_d;
  uint64_t count = (uint64_t)count_d;
  /* The nonce field is 32 bits: a range never wraps back to 0. */
  if (count > 4294967296ull - start) count = 4294967296ull - start;

  midstate_cache *cache = NULL;
  napi_get_instance_data(env, (void **)&cache);
  sha256d_job job;
  if (cache != NULL && cache->valid && memcmp(cache->head, hdr, 64) == 0) {
    memcpy(job.mid, cache->mid, sizeof job.mid);
  } else {
    uint32_t w[16];
    for (int i = 0; i < 16; i++) w[i] = be32(hdr + 4 * i);
    memcpy(job.mid, sha256d_iv, sizeof job.mid);
    sha256d_compress(job.mid, w);
    if (cache != NULL) {
      memcpy(cache->head, hdr, 64);
      memcpy(cache->mid, job.mid, sizeof job.mid);
      cache->valid = 1;
    }
  }
  for (int i = 0; i < 3; i++) job.tail[i] = be32(hdr + 64 + 4 * i);
  for (int i = 0; i < 8; i++) job.target[i] = le32(tgt + 4 * i);

  uint64_t hashes = 0;
  int64_t nonce = count ? fn(&job, start, count, &hashes) : -1;

  napi_value out, vn, vh;
  napi_create_object(env, &out);
  napi_create_double(env, (double)nonce, &vn);
  napi_create_double(env, (double)hashes, &vh);
  napi_set_named_property(env, out, "nonce", vn);
  napi_set_named_property(env, out, "hashes", vh);
  return out;
}

static napi_value scan_portable(napi_env env, napi_callback_info info) {
  return do_scan(env, info, sha256d_scan_portable);
}

#if defined(SHA256D_HAVE_SHANI)
static napi_value scan_shani(napi_env env, napi_callback_info info) {
  return do_scan(env, info, sha256d_scan_shani);
}
#endif

#if defined(SHA256D_HAVE_SHANI)
/*
 * hashInto(data, out, offset): SHA-256 of data written to out[offset..offset+32).
 * No allocation and no JS string per digest, which is most of what a short
 * message costs through node:crypto.
 */
static napi_value hash_into(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3)
    return throw_type(env, "hashInto(data, out, offset)");
  uint8_t *data, *out;
  size_t len, out_len;
  uint32_t offset;
  if (!get_bytes(env, argv[0], &data, &len) || !get_bytes(env, argv[1], &out, &out_len))
    return throw_type(env, "data and out must be Uint8Arrays");
  if (napi_get_value_uint32(env, argv[2], &offset) != napi_ok || (size_t)offset + 32 > out_len)
    return throw_type(env, "offset must leave 32 bytes in out");
  sha256_shani(data, len, out + offset);
  return NULL;
}
#endif

static void free_cache(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  free(data);
}

static void set_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value init(napi_env env, napi_value exports) {
  midstate_cache *cache = (midstate_cache *)calloc(1, sizeof *cache);
  if (cache != NULL) napi_set_instance_data(env, cache, free_cache, NULL);

  int shani = cpu_has_shani();
  napi_value backend;
  napi_create_string_utf8(env, shani ? "shani" : "portable", NAPI_AUTO_LENGTH, &backend);
  napi_set_named_property(env, exports, "backend", backend);
  set_fn(env, exports, "scanPortable", scan_portable);
#if defined(SHA256D_HAVE_SHANI)
  if (shani) {
    set_fn(env, exports, "scanShani", scan_shani);
    set_fn(env, exports, "scan", scan_shani);
    set_fn(env, exports, "hashInto", hash_into);
    return exports;
  }
#endif
  set_fn(env, exports, "scan", scan_portable);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }

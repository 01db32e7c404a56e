/**
 * Pure-JS sha256d nonce scanner: the fallback when the native addon is not
 * built. Per template (header bytes 0..75) it computes the midstate and the
 * kernel parameters once; per nonce nothing is allocated. The hot loop is the
 * WebAssembly SIMD kernel (four nonces at once, js-wasm-kernel.ts) where the
 * runtime has SIMD, else the generated JS kernel (js-kernel.ts).
 */
import { checkScanArgs, type Hasher, type ScanResult } from './types.js';
import { IV, bswap32, compress, expand, readBE, readLE, rounds } from './sha256-js.js';
import {
  createLoopKernel, createUnrolledKernel, P_MID, P_PRE, P_SIZE, P_T7, P_TAIL, P_W16, type Kernel,
} from './js-kernel.js';
import { createWasmSimdKernel } from './js-wasm-kernel.js';

export type JsKernelName = 'wasm-simd' | 'unrolled' | 'loop';

// Kernel calls are cut into chunks so its loop counter stays a small integer.
const CHUNK = 1 << 24;

export interface JsHasherOptions {
  /** Use the loop kernel even where generated code is allowed (tests compare all kernels). */
  loopKernel?: boolean;
  /** Use a JS kernel even where WebAssembly SIMD is available. */
  noWasm?: boolean;
}

/** Creates an independent scanner; its buffers are its own, so use one per thread or caller. */
export function createJsHasher(options: JsHasherOptions = {}): Hasher & { readonly kernel: JsKernelName } {
  const wasm = options.loopKernel || options.noWasm ? null : createWasmSimdKernel();
  const unrolled = wasm || options.loopKernel ? null : createUnrolledKernel();
  const kernel: Kernel = wasm ?? unrolled ?? createLoopKernel();
  const head = new Uint8Array(76);
  let headValid = false;
  const p = new Int32Array(P_SIZE);
  const target = new Uint32Array(8);
  const w = new Int32Array(64);
  const st = new Int32Array(8);

  function prepare(header: Uint8Array): void {
    if (headValid) {
      for (let i = 0; i < 76; i++) {
        if (head[i] !== header[i]) { headValid = false; break; }
      }
      if (headValid) return;
    }
    head.set(header.subarray(0, 76));
    for (let i = 0; i < 16; i++) w[i] = readBE(header, 4 * i);
    st.set(IV);
    compress(st, w);
    p.set(st, P_MID);
    w.fill(0);
    for (let i = 0; i < 3; i++) w[i] = p[P_TAIL + i] = readBE(header, 64 + 4 * i);
    w[4] = 0x80000000 | 0;
    w[15] = 640;
    expand(w, 16, 18);
    p[P_W16] = w[16]!;
    p[P_W16 + 1] = w[17]!;
    rounds(st, w, 0, 3);
    p.set(st, P_PRE);
    headValid = true;
  }

  /** Full double hash of the prepared template with this nonce, compared in full. */
  function meetsTarget(nonce: number): boolean {
    w.fill(0);
    for (let i = 0; i < 3; i++) w[i] = p[P_TAIL + i]!;
    w[3] = bswap32(nonce);
    w[4] = 0x80000000 | 0;
    w[15] = 640;
    st.set(p.subarray(P_MID, P_MID + 8));
    compress(st, w);
    w.fill(0);
    w.set(st);
    w[8] = 0x80000000 | 0;
    w[15] = 256;
    st.set(IV);
    compress(st, w);
    // Digest bytes are big-endian words, so limb i of the little-endian number is bswap(H[i]).
    for (let i = 7; i >= 0; i--) {
      const limb = bswap32(st[i]!) >>> 0;
      if (limb !== target[i]) return limb < target[i]!;
    }
    return true;
  }

  function scan(header: Uint8Array, tgt: Uint8Array, startNonce: number, count: number): ScanResult {
    const n = checkScanArgs(header, tgt, startNonce, count);
    prepare(header);
    for (let i = 0; i < 8; i++) target[i] = readLE(tgt, 4 * i);
    p[P_T7] = target[7]! | 0;
    let done = 0;
    while (done < n) {
      const len = Math.min(CHUNK, n - done);
      const hit = kernel(p, startNonce + done, len);
      if (hit < 0) {
        done += len;
        continue;
      }
      done += hit + 1;
      const nonce = startNonce + done - 1;
      if (meetsTarget(nonce)) return { nonce, hashes: done };
    }
    return { nonce: -1, hashes: n };
  }

  return { backend: 'js', kernel: wasm ? 'wasm-simd' : unrolled ? 'unrolled' : 'loop', scan };
}

let shared: Hasher | undefined;

/** Shared instance for callers on one thread, built on first use (the SIMD kernel is assembled then, not at import). */
export const jsHasher: Hasher = {
  backend: 'js',
  scan: (header, target, startNonce, count) => (shared ??= createJsHasher()).scan(header, target, startNonce, count),
};

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS, genesisHeader, loadHasher, loadNativeAddon, targetFromBits } from './index.js';
import { createJsHasher } from './js-hasher.js';
import type { ScanResult } from './types.js';

type Scan = (header: Uint8Array, target: Uint8Array, start: number, count: number) => ScanResult;

function sha256d(b: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
}

const leToBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);

function bigToLe(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const h = Uint8Array.from(header);
  new DataView(h.buffer).setUint32(76, nonce, true);
  return h;
}

/** Reference: full double hash per nonce through node:crypto, no midstate. */
function referenceScan(header: Uint8Array, target: Uint8Array, start: number, count: number): ScanResult {
  const t = leToBig(target);
  for (let i = 0; i < count; i++) {
    if (leToBig(sha256d(withNonce(header, start + i))) <= t) return { nonce: start + i, hashes: i + 1 };
  }
  return { nonce: -1, hashes: count };
}

const native = loadNativeAddon();
const nativeError = (native.error ?? 'addon not built').split('\n')[0];
const skipReason = native.addon ? '' : ` (skipped: ${nativeError})`;

const wasmHasher = createJsHasher();

const backends: { name: string; scan: Scan | undefined; reason: string }[] = [
  { name: 'js wasm-simd kernel', scan: wasmHasher.kernel === 'wasm-simd' ? wasmHasher.scan : undefined, reason: wasmHasher.kernel === 'wasm-simd' ? '' : ' (skipped: no WebAssembly SIMD)' },
  { name: 'js unrolled kernel', scan: createJsHasher({ noWasm: true }).scan, reason: '' },
  { name: 'js loop kernel', scan: createJsHasher({ loopKernel: true }).scan, reason: '' },
  { name: 'native portable', scan: native.addon?.scanPortable, reason: skipReason },
  {
    name: 'native shani',
    scan: native.addon?.scanShani,
    reason: native.addon && !native.addon.scanShani ? ' (skipped: CPU has no SHA-NI)' : skipReason,
  },
];

describe('targetFromBits', () => {
  it('expands the genesis bits to 0xffff * 2^208', () => {
    expect(leToBig(targetFromBits(0x1d00ffff))).toBe(0xffffn << 208n);
    expect(leToBig(targetFromBits(0x03123456))).toBe(0x123456n);
    expect(leToBig(targetFromBits(0x02123456))).toBe(0x1234n);
    expect(() => targetFromBits(0x04923456)).toThrow(/negative/);
  });
});

describe('genesis vector', () => {
  it('serializes to the known block hash', () => {
    expect(Buffer.from(sha256d(genesisHeader())).reverse().toString('hex')).toBe(GENESIS.hashHex);
  });
});

for (const b of backends) {
  describe.skipIf(!b.scan)(`${b.name}${b.reason}`, () => {
    const scan = b.scan as Scan;

    it('finds the genesis nonce in a range around it, with the target from its bits', () => {
      const target = targetFromBits(GENESIS.fields.bits);
      const start = GENESIS.fields.nonce - 5000;
      expect(scan(genesisHeader(), target, start, 10_000)).toEqual({ nonce: GENESIS.fields.nonce, hashes: 5001 });
      // A 76-byte header (no nonce field) is accepted too.
      expect(scan(genesisHeader().subarray(0, 76), target, start + 4999, 7).nonce).toBe(GENESIS.fields.nonce);
      expect(scan(genesisHeader(), target, GENESIS.fields.nonce + 1, 3000)).toEqual({ nonce: -1, hashes: 3000 });
    });

    it('agrees with a full-hash reference on random headers and targets at the boundary', () => {
      for (let round = 0; round < 12; round++) {
        const header = randomBytes(80);
        const start = randomBytes(4).readUInt32LE(0) % 0xfff0_0000;
        const count = 5 + (round % 9); // also odd counts: the SHA-NI path runs 4 nonces at a time
        const k = round % count;
        const hk = leToBig(sha256d(withNonce(header, start + k)));
        // Exactly the k-th hash (<= is inclusive), one below it (full-limb comparison), and 2^224-ish targets.
        const targets = [hk, hk - 1n, (hk >> 32n) << 32n, 1n << 250n, 0n];
        for (const t of targets) {
          const target = bigToLe(t);
          expect(scan(header, target, start, count)).toEqual(referenceScan(header, target, start, count));
        }
      }
    });

    it('stops at the top of the nonce space and handles an empty range', () => {
      const header = randomBytes(80);
      const none = new Uint8Array(32);
      expect(scan(header, none, 0xffff_fff0, 100)).toEqual({ nonce: -1, hashes: 16 });
      expect(scan(header, none, 5, 0)).toEqual({ nonce: -1, hashes: 0 });
      const all = new Uint8Array(32).fill(0xff);
      expect(scan(header, all, 0xffff_ffff, 10)).toEqual({ nonce: 0xffff_ffff, hashes: 1 });
    });

    it('rejects malformed arguments', () => {
      expect(() => scan(new Uint8Array(79), new Uint8Array(32), 0, 1)).toThrow(TypeError);
      expect(() => scan(new Uint8Array(80), new Uint8Array(31), 0, 1)).toThrow(TypeError);
      expect(() => scan(new Uint8Array(80), new Uint8Array(32), -1, 1)).toThrow();
    });

    it('keeps per-template state apart when templates alternate', () => {
      const a = randomBytes(80);
      const c = Uint8Array.from(a);
      c[70] = (c[70]! ^ 1) & 0xff; // differs only after byte 64: the midstate stays, the tail changes
      const d = Uint8Array.from(a);
      d[3] = (d[3]! ^ 1) & 0xff; // differs in the midstate
      const target = bigToLe(1n << 252n);
      for (const h of [a, c, d, a, d, c]) expect(scan(h, target, 1000, 64)).toEqual(referenceScan(h, target, 1000, 64));
    });
  });
}

describe('loadHasher', () => {
  it(`reports its backend${native.addon ? '' : ` (native unavailable: ${nativeError})`}`, () => {
    const h = loadHasher();
    expect(['native-shani', 'native-portable', 'js']).toContain(h.backend);
    if (native.addon && !process.env['HACKCOIN_HASHER']) expect(h.backend).not.toBe('js');
    if (!native.addon) expect(h.fallbackReason).toMatch(/unavailable/);
    const target = targetFromBits(GENESIS.fields.bits);
    expect(h.scan(genesisHeader(), target, GENESIS.fields.nonce - 3, 8).nonce).toBe(GENESIS.fields.nonce);
  });
});

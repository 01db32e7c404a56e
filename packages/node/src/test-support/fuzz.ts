/**
 * Test support for the adversarial tier: hostile inputs derived from valid
 * ones, and the one outcome check every property shares.
 */
import fc from 'fast-check';
import { RuleError, decodeBlock, decodeTx, DecodeError, reject, type Block, type Transaction } from '@hackcoin/core';

/**
 * Cases per property. The default keeps `npm test` quick; HACKCOIN_FUZZ_RUNS
 * sets every property's count for a long run (`npm run fuzz`).
 */
export function fuzzRuns(quick: number): number {
  const n = Number(process.env.HACKCOIN_FUZZ_RUNS);
  return Number.isSafeInteger(n) && n > 0 ? n : quick;
}

/** Test timeout: two minutes for the quick run, unbounded in practice for a long one. */
export function fuzzTimeout(): number {
  return process.env.HACKCOIN_FUZZ_RUNS === undefined ? 120_000 : 24 * 3_600_000;
}

/**
 * The quick run in `npm test` is the same every time (a fixed seed); a long
 * run draws a fresh seed, which fast-check prints on failure, and
 * HACKCOIN_FUZZ_SEED replays it.
 */
export function fuzzSeed(): { seed?: number } {
  const s = Number(process.env.HACKCOIN_FUZZ_SEED);
  if (process.env.HACKCOIN_FUZZ_SEED !== undefined && Number.isSafeInteger(s)) return { seed: s };
  return process.env.HACKCOIN_FUZZ_RUNS === undefined ? { seed: 0x4843 } : {};
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** CompactSize prefixes: huge counts and lengths, and non-minimal encodings of small ones. */
const LENGTH_PREFIXES = [
  [0xfc],
  [0xfd, 0xfd, 0x00],
  [0xfd, 0xfc, 0x00],
  [0xfd, 0xff, 0xff],
  [0xfe, 0xff, 0xff, 0x00, 0x00],
  [0xfe, 0x00, 0x00, 0x01, 0x00],
  [0xfe, 0xff, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00],
  [0xff, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
].map((b) => Uint8Array.from(b));

/**
 * Byte-level mutations of a valid encoding: truncated, extended, bit-flipped,
 * overwritten, cut, with a huge or non-canonical length prefix inserted or
 * written over, or replaced by random bytes.
 */
export function mutatedBytes(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = seed.length;
  const pos = fc.nat({ max: Math.max(0, n - 1) });
  const prefix = fc.constantFrom(...LENGTH_PREFIXES);
  return fc.oneof(
    fc.nat({ max: n }).map((k) => seed.slice(0, k)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((x) => concat(seed, x)),
    fc.array(fc.tuple(pos, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = seed.slice();
      for (const [p, bit] of flips) b[p]! ^= 1 << bit;
      return b;
    }),
    fc.tuple(pos, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([p, x]) => {
      const b = seed.slice();
      b.set(x.subarray(0, n - p), p);
      return b;
    }),
    fc.tuple(pos, pos).map(([a, b]) => concat(seed.slice(0, Math.min(a, b)), seed.slice(Math.max(a, b)))),
    fc.tuple(pos, prefix).map(([p, v]) => concat(seed.slice(0, p), v, seed.slice(p))),
    fc.tuple(pos, prefix).map(([p, v]) => {
      const b = seed.slice();
      b.set(v.subarray(0, n - p), p);
      return b;
    }),
    fc.uint8Array({ maxLength: 2 * n + 16 }),
  );
}

/** The network's reading of block bytes: a decode failure is the rule bad-blk-decode. */
export function decodeBlockOrReject(bytes: Uint8Array): Block {
  try {
    return decodeBlock(bytes);
  } catch (e) {
    if (e instanceof DecodeError) reject('bad-blk-decode', e.message);
    throw e;
  }
}

/** The API's and relay's reading of transaction bytes: a decode failure is bad-txns-decode. */
export function decodeTxOrReject(bytes: Uint8Array): Transaction {
  try {
    return decodeTx(bytes);
  } catch (e) {
    if (e instanceof DecodeError) reject('bad-txns-decode', e.message);
    throw e;
  }
}

export type Verdict = { accepted: string } | { rule: string };

/**
 * Runs one case: it must end accepted (with the given label) or rejected by a
 * RuleError naming its rule. Anything else (a RangeError, a TypeError, a
 * rejection without a rule) is rethrown and fails the property.
 */
export async function verdictOf(run: () => Promise<string> | string): Promise<Verdict> {
  try {
    return { accepted: await run() };
  } catch (e) {
    if (e instanceof RuleError && typeof e.code === 'string' && e.code.length > 0) return { rule: e.code };
    throw e;
  }
}

/** Counts verdicts by label, so a test can show the cases reached past the first checks. */
export class VerdictTally {
  readonly counts = new Map<string, number>();
  add(v: Verdict): void {
    const k = 'accepted' in v ? `accepted:${v.accepted}` : v.rule;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
  distinct(): string[] {
    return [...this.counts.keys()].sort();
  }
}

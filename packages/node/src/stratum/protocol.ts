import { bytesToHex } from '@hackcoin/core';

/** Stratum v1 error codes, as standard mining software reports them. */
export const StratumError = {
  other: 20,
  jobNotFound: 21,
  duplicate: 22,
  lowDifficulty: 23,
  unauthorized: 24,
  notSubscribed: 25,
} as const;

export type StratumErrorTuple = [code: number, message: string, traceback: null];

export function stratumError(code: number, message: string): StratumErrorTuple {
  return [code, message, null];
}

/** Stratum prints version, nbits and ntime as 8-digit big-endian hex numbers. */
export function u32Hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function parseU32Hex(s: unknown): number | null {
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{8}$/.test(s)) return null;
  return parseInt(s, 16) >>> 0;
}

/**
 * mining.notify's prevhash: the hash in internal byte order with the bytes
 * of each 4-byte word reversed (a historical quirk every miner expects).
 */
export function stratumPrevHash(internal: Uint8Array): string {
  const out = new Uint8Array(32);
  for (let w = 0; w < 8; w++) for (let b = 0; b < 4; b++) out[w * 4 + b] = internal[w * 4 + 3 - b]!;
  return bytesToHex(out);
}

/** Difficulty 1 is Bitcoin's 0xffff·2^208; a share at difficulty d must be ≤ that / d. */
export const DIFF1_TARGET = 0xffffn << 208n;

const targetCache = new Map<number, bigint>();

export function targetForDifficulty(difficulty: number): bigint {
  const cached = targetCache.get(difficulty);
  if (cached !== undefined) return cached;
  if (targetCache.size > 1024) targetCache.clear();
  const t = computeTarget(difficulty);
  targetCache.set(difficulty, t);
  return t;
}

function computeTarget(difficulty: number): bigint {
  if (!(difficulty > 0) || !Number.isFinite(difficulty)) throw new RangeError('difficulty must be a positive finite number');
  // difficulty = n / 2^k exactly, with n a 53-bit integer: the division below is exact to the last bit
  // even for regtest's ~5e-10, where a fixed decimal scale would round the share target past the block's.
  const k = 52 - Math.floor(Math.log2(difficulty));
  const n = BigInt(Math.round(difficulty * 2 ** k));
  return k >= 0 ? (DIFF1_TARGET << BigInt(k)) / n : DIFF1_TARGET / (n << BigInt(-k));
}

export interface StratumRequest {
  id: number | string | null;
  method: string;
  params: unknown[];
}

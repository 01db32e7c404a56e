/** Which implementation scans nonces; logged at start-up so a silent slow fallback is visible. */
export type HasherBackend = 'native-shani' | 'native-portable' | 'js';

export interface ScanResult {
  /** First nonce whose block hash <= target, or -1 when the range holds none. */
  nonce: number;
  /** Nonces hashed, including the winner. */
  hashes: number;
}

export interface Hasher {
  readonly backend: HasherBackend;
  /**
   * Scans nonces startNonce .. startNonce+count-1 (clipped at 2^32 - 1, never wrapping).
   * header: 80 bytes (76 accepted; the nonce field is ignored). target: 32 bytes, little-endian.
   * Blocks the calling thread for the whole range: keep ranges short on the main thread.
   */
  scan(header: Uint8Array, target: Uint8Array, startNonce: number, count: number): ScanResult;
}

export function checkScanArgs(header: Uint8Array, target: Uint8Array, startNonce: number, count: number): number {
  if (header.length !== 80 && header.length !== 76) throw new TypeError('header must be 76 or 80 bytes');
  if (target.length !== 32) throw new TypeError('target must be 32 bytes');
  if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce > 0xffffffff) {
    throw new RangeError('startNonce must be an integer in [0, 2^32)');
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  return Math.min(count, 0x1_0000_0000 - startNonce);
}

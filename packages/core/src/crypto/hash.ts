import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

type HashFn = (data: Uint8Array) => Uint8Array;

let sha256Impl: HashFn = nobleSha256;

/**
 * Lets a host swap in a faster SHA-256 with identical output (the node uses
 * OpenSSL through node:crypto, several times faster per call than pure JS).
 * Block validation hashes every transaction twice over, so this matters.
 */
export function useSha256(impl: HashFn): void {
  const probe = new Uint8Array([0x61, 0x62, 0x63]);
  const expected = nobleSha256(probe);
  const got = impl(probe);
  if (got.length !== 32 || got.some((b, i) => b !== expected[i])) throw new Error('SHA-256 implementation gives wrong results');
  sha256Impl = impl;
}

export function sha256(data: Uint8Array): Uint8Array {
  return sha256Impl(data);
}

export function sha256d(data: Uint8Array): Uint8Array {
  return sha256Impl(sha256Impl(data));
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

type HashFn = (data: Uint8Array) => Uint8Array;
type HashIntoFn = (data: Uint8Array, out: Uint8Array, offset: number) => void;

let sha256Impl: HashFn = nobleSha256;
let sha256IntoImpl: HashIntoFn = (data, out, offset) => out.set(nobleSha256(data), offset);

/**
 * Lets a host swap in a faster SHA-256 with identical output (the node uses
 * OpenSSL through node:crypto, several times faster per call than pure JS).
 * Block validation hashes every transaction twice over, so this matters.
 */
export function useSha256(impl: HashFn, into?: HashIntoFn): void {
  const probe = new Uint8Array([0x61, 0x62, 0x63]);
  const expected = nobleSha256(probe);
  const got = impl(probe);
  if (got.length !== 32 || got.some((b, i) => b !== expected[i])) throw new Error('SHA-256 implementation gives wrong results');
  const intoImpl: HashIntoFn = into ?? ((data, out, offset) => out.set(impl(data), offset));
  const placed = new Uint8Array(36).fill(0xee);
  intoImpl(probe, placed, 2);
  const placedOk = placed[0] === 0xee && placed[1] === 0xee && placed[34] === 0xee && placed[35] === 0xee;
  if (!placedOk || expected.some((b, i) => b !== placed[2 + i])) throw new Error('SHA-256 implementation gives wrong results');
  sha256Impl = impl;
  sha256IntoImpl = intoImpl;
}

export function sha256(data: Uint8Array): Uint8Array {
  return sha256Impl(data);
}

/** sha256(data) written to out[offset, offset + 32): the state tree hashes thousands of small records per block, and a fresh array per hash costs as much as the hash. */
export function sha256Into(data: Uint8Array, out: Uint8Array, offset: number): void {
  sha256IntoImpl(data, out, offset);
}

/** The inner digest of sha256d: hashing is synchronous, so one scratch buffer serves every call. */
const innerDigest = new Uint8Array(32);

export function sha256d(data: Uint8Array): Uint8Array {
  sha256IntoImpl(data, innerDigest, 0);
  return sha256Impl(innerDigest);
}

export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

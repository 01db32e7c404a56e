import { encodeHeader, sha256, type BlockHeader } from '@hackcoin/core';
import { sipKey, siphash24, type SipKey } from './siphash.js';

/** Bytes of a short transaction id on the wire (BIP152: 48 bits). */
export const SHORT_ID_BYTES = 6;
const TWO_32 = 2 ** 32;

/**
 * BIP152's per-block SipHash key: sha256(header ‖ nonce), first 16 bytes. The
 * sender picks a fresh nonce per block, so a transaction crafted to collide
 * with another under one block's key is no more likely to collide under the
 * next one, and nobody can precompute collisions before the header exists.
 */
export function shortIdKey(header: BlockHeader, nonce: Uint8Array): SipKey {
  const pre = new Uint8Array(88);
  pre.set(encodeHeader(header));
  pre.set(nonce, 80);
  return sipKey(sha256(pre).subarray(0, 16));
}

/** The low 48 bits of SipHash-2-4 of the transaction hash, as an exact JavaScript number. */
export function shortId(key: SipKey, txHash: Uint8Array): number {
  const [hi, lo] = siphash24(key, txHash);
  return (hi & 0xffff) * TWO_32 + lo;
}

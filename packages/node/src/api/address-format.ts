import { bytesToHex, formatAddress } from '@hackcoin/core';
import { OldestFirst } from '../util/oldest-first.js';

/** Checksummed forms kept; about 100 bytes each. */
const MAX_ENTRIES = 65_536;
const cache = new Map<string, string>();
const oldest = new OldestFirst(cache);

/**
 * EIP-55 form of an address, remembered for addresses seen recently: the checksum is a keccak
 * (the largest part of rendering a transaction), and the same addresses recur across blocks.
 */
export function checksummed(address: Uint8Array): string {
  const hex = bytesToHex(address);
  let out = cache.get(hex);
  if (out !== undefined) return out;
  out = formatAddress(address);
  // Oldest first out: a stranger's fresh addresses cannot grow it past its bound.
  if (cache.size >= MAX_ENTRIES) oldest.evict();
  cache.set(hex, out);
  return out;
}

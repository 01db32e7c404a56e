import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding/bytes.js';
import { keccak256 } from '../crypto/hash.js';

export const ADDRESS_SIZE = 20;
export const ZERO_ADDRESS = new Uint8Array(ADDRESS_SIZE);

export class AddressError extends Error {
  override name = 'AddressError';
}

/** EIP-55 mixed-case checksum encoding. */
export function formatAddress(addr: Uint8Array): string {
  if (addr.length !== ADDRESS_SIZE) throw new AddressError('address must be 20 bytes');
  const lower = bytesToHex(addr);
  const hash = bytesToHex(keccak256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = lower[i]!;
    out += parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

/**
 * Accepts all-lowercase (or all-uppercase) hex without a checksum, as EIP-55
 * does; a mixed-case address must carry a valid checksum so typos are caught.
 */
export function parseAddress(text: string): Uint8Array {
  if (typeof text !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(text)) {
    throw new AddressError('expected 0x followed by 40 hex digits');
  }
  const body = text.slice(2);
  const bytes = hexToBytes(body);
  const mixed = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixed && formatAddress(bytes) !== text) {
    throw new AddressError('checksum mismatch (EIP-55): check for a typo');
  }
  return bytes;
}

export function isAddress(text: string): boolean {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}

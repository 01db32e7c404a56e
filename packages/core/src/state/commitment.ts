import { bytesToHex } from '../encoding/bytes.js';

/** Map key for an address: lowercase hex, which also sorts in byte order. */
export function addressKey(address: Uint8Array): string {
  return bytesToHex(address);
}

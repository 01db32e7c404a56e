import { hash } from 'node:crypto';
import { useSha256 } from '@hackcoin/core';

const latin1Write = Buffer.prototype.latin1Write;

/**
 * Routes core's SHA-256 through OpenSSL (SHA-NI where the CPU has it). Hashing
 * into place takes the digest as a 32-character latin1 ('binary') string, which costs
 * about half as much as a fresh Buffer for it.
 */
export function installNativeSha256(): void {
  useSha256(
    (data) => {
      const b = hash('sha256', data, 'buffer') as unknown as Buffer;
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    (data, out, offset) => {
      latin1Write.call(out, hash('sha256', data, 'binary'), offset, 32);
    },
  );
}

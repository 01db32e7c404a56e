import { hash } from 'node:crypto';
import { useSha256 } from '@hackcoin/core';

/** Routes core's SHA-256 through OpenSSL (SHA-NI where the CPU has it). */
export function installNativeSha256(): void {
  useSha256((data) => {
    const b = hash('sha256', data, 'buffer') as unknown as Buffer;
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  });
}

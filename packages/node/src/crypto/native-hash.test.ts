import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { bytesToHex, sha256, sha256d, sha256Into } from '@hackcoin/core';
import { installNativeSha256 } from './native-hash.js';

describe('installNativeSha256', () => {
  it('gives the same digests as a streaming OpenSSL hash, returned or written into place at any offset', () => {
    installNativeSha256();
    for (let i = 0; i < 200; i++) {
      const data = new Uint8Array(randomBytes(i % 150));
      const expected = createHash('sha256').update(data).digest('hex');
      expect(bytesToHex(sha256(data))).toBe(expected);
      expect(bytesToHex(sha256d(data))).toBe(createHash('sha256').update(createHash('sha256').update(data).digest()).digest('hex'));
      const out = new Uint8Array(32 + 40).fill(0xaa);
      const at = i % 40;
      sha256Into(data, out, at);
      expect(bytesToHex(out.subarray(at, at + 32))).toBe(expected);
      expect(out.subarray(0, at).every((b) => b === 0xaa)).toBe(true);
      expect(out.subarray(at + 32).every((b) => b === 0xaa)).toBe(true);
    }
  });
});

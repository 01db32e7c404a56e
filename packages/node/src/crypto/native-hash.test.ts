import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { bytesToHex, sha256, sha256d, sha256Into } from '@hackcoin/core';
import { installNativeSha256 } from './native-hash.js';
import { loadSha256Addon } from './sha256-addon.js';

const openssl = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe.each(['default', 'openssl'] as const)('installNativeSha256 (%s)', (mode) => {
  afterAll(() => {
    delete process.env['HACKCOIN_SHA256'];
    installNativeSha256();
  });

  it('uses the SHA-NI kernel exactly when the addon offers it, unless told to use OpenSSL', () => {
    if (mode === 'openssl') process.env['HACKCOIN_SHA256'] = 'openssl';
    else delete process.env['HACKCOIN_SHA256'];
    const expected = mode === 'default' && loadSha256Addon().addon?.hashInto ? 'sha-ni' : 'openssl';
    expect(installNativeSha256()).toBe(expected);
  });

  it('gives the same digests as a streaming OpenSSL hash, returned or written into place, whatever the input view', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), fc.nat(40), fc.nat(7), (bytes, at, lead) => {
        // A view into a larger buffer: the kernel must honour the view's offset and length.
        const backing = new Uint8Array(lead + bytes.length + 3).fill(0x5c);
        backing.set(bytes, lead);
        const data = backing.subarray(lead, lead + bytes.length);
        const expected = openssl(bytes);
        expect(bytesToHex(sha256(data))).toBe(expected);
        expect(bytesToHex(sha256d(data))).toBe(createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest('hex'));
        const out = new Uint8Array(32 + 40).fill(0xaa);
        sha256Into(data, out, at);
        expect(bytesToHex(out.subarray(at, at + 32))).toBe(expected);
        expect(out.subarray(0, at).every((b) => b === 0xaa)).toBe(true);
        expect(out.subarray(at + 32).every((b) => b === 0xaa)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('hashes every length across the padding boundaries (0 to 300 bytes)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
      expect(bytesToHex(sha256(data))).toBe(openssl(data));
    }
  });
});

describe('the addon hashInto', () => {
  const hashInto = loadSha256Addon().addon?.hashInto;

  it.runIf(hashInto !== undefined)('refuses an out buffer without 32 bytes at the offset, writing nothing', () => {
    const out = new Uint8Array(40).fill(1);
    expect(() => hashInto!(new Uint8Array(3), out, 9)).toThrow(TypeError);
    expect(() => hashInto!(new Uint8Array(3), out, -1)).toThrow(TypeError);
    expect(() => hashInto!(new Uint16Array(3) as unknown as Uint8Array, out, 0)).toThrow(TypeError);
    expect(out.every((b) => b === 1)).toBe(true);
  });
});

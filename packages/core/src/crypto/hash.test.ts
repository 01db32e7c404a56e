import { describe, it, expect } from 'vitest';
import { sha256, sha256d, keccak256 } from './hash.js';
import { bytesToHex, utf8ToBytes } from '../encoding/bytes.js';

describe('hash functions (published vectors)', () => {
  it('sha256 of "" and "abc" (FIPS 180-2)', () => {
    expect(bytesToHex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(bytesToHex(sha256(utf8ToBytes('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('sha256d is sha256 applied twice', () => {
    expect(bytesToHex(sha256d(new Uint8Array(0)))).toBe(
      '5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456',
    );
    expect(bytesToHex(sha256d(utf8ToBytes('abc')))).toBe(bytesToHex(sha256(sha256(utf8ToBytes('abc')))));
  });

  it('keccak256 is Ethereum Keccak, not NIST SHA3-256', () => {
    expect(bytesToHex(keccak256(new Uint8Array(0)))).toBe(
      'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    // SHA3-256("") would be a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a
  });
});

describe('useSha256', () => {
  it('refuses an implementation with wrong output and keeps the working one', async () => {
    const { useSha256 } = await import('./hash.js');
    expect(() => useSha256(() => new Uint8Array(32))).toThrow('SHA-256 implementation gives wrong results');
    expect(bytesToHex(sha256d(new Uint8Array(0)))).toBe('5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
  });

  it('hashes into place, and refuses an into-implementation that writes anywhere else', async () => {
    const { useSha256, sha256Into } = await import('./hash.js');
    const out = new Uint8Array(40).fill(7);
    sha256Into(utf8ToBytes('abc'), out, 5);
    expect(bytesToHex(out)).toBe('0707070707' + 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' + '070707');
    expect(() => useSha256(sha256, (data, o, at) => o.set(sha256(data), at + 1))).toThrow('SHA-256 implementation gives wrong results');
    sha256Into(new Uint8Array(0), out, 0);
    expect(bytesToHex(out.subarray(0, 32))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

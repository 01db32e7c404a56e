import { describe, it, expect } from 'vitest';
import { AddressError, formatAddress, isAddress, parseAddress, ZERO_ADDRESS } from './address.js';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';

// The test addresses published in EIP-55.
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

/** Flips the case of the first letter in the body (there is always one in these vectors). */
function flipOneCase(addr: string): string {
  const body = addr.slice(2);
  const i = body.search(/[a-fA-F]/);
  const c = body[i]!;
  const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return '0x' + body.slice(0, i) + flipped + body.slice(i + 1);
}

describe('EIP-55 addresses', () => {
  for (const addr of EIP55) {
    describe(addr, () => {
      it('formatAddress reproduces the checksum casing', () => {
        expect(formatAddress(hexToBytes(addr.toLowerCase()))).toBe(addr);
      });

      it('parses to the right bytes', () => {
        expect(bytesToHex(parseAddress(addr))).toBe(addr.slice(2).toLowerCase());
      });

      it('accepts all-lowercase and all-uppercase bodies (no checksum)', () => {
        expect(bytesToHex(parseAddress(addr.toLowerCase()))).toBe(addr.slice(2).toLowerCase());
        expect(bytesToHex(parseAddress('0x' + addr.slice(2).toUpperCase()))).toBe(addr.slice(2).toLowerCase());
      });

      it('rejects one flipped case with the checksum message', () => {
        const bad = flipOneCase(addr);
        expect(bad).not.toBe(addr);
        expect(bad.toLowerCase()).toBe(addr.toLowerCase());
        expect(() => parseAddress(bad)).toThrow(AddressError);
        expect(() => parseAddress(bad)).toThrow('checksum mismatch (EIP-55): check for a typo');
        expect(isAddress(bad)).toBe(false);
        expect(isAddress(addr)).toBe(true);
      });
    });
  }

  it('rejects every single-letter case flip of a checksummed address', () => {
    const addr = EIP55[0]!;
    const body = addr.slice(2);
    let letters = 0;
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (!/[a-fA-F]/.test(c)) continue;
      letters++;
      const f = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      expect(isAddress('0x' + body.slice(0, i) + f + body.slice(i + 1))).toBe(false);
    }
    expect(letters).toBeGreaterThan(10);
  });

  it('rejects malformed strings with the format message', () => {
    for (const bad of [
      '',
      '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00',
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg',
      ' 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
    ]) {
      expect(() => parseAddress(bad), bad).toThrow('expected 0x followed by 40 hex digits');
    }
    expect(() => parseAddress(42 as unknown as string)).toThrow(AddressError);
  });

  it('formatAddress requires 20 bytes; zero address formats as all zeros', () => {
    expect(() => formatAddress(new Uint8Array(19))).toThrow('address must be 20 bytes');
    expect(formatAddress(ZERO_ADDRESS)).toBe('0x' + '0'.repeat(40));
  });
});

import { describe, it, expect } from 'vitest';
import { addressKey } from './commitment.js';
import { hexToBytes } from '../encoding/bytes.js';

const addr = (byte: number): Uint8Array => new Uint8Array(20).fill(byte);

describe('addressKey', () => {
  it('is lowercase hex, whose string order is byte order', () => {
    expect(addressKey(hexToBytes('00'.repeat(19) + 'AB'))).toBe('00'.repeat(19) + 'ab');
    const addrs = [addr(0xa0), addr(0x0f), addr(0x9f), addr(0xff), addr(0x00)];
    const byString = addrs.map(addressKey).sort();
    const byBytes = addrs
      .slice()
      .sort((x, y) => x[0]! - y[0]!)
      .map(addressKey);
    expect(byString).toEqual(byBytes);
  });
});

import { describe, expect, it } from 'vitest';
import { clientKey as connectionKey } from '../util/client-key.js';

describe('connectionKey', () => {
  it('counts every address of one IPv6 /64 as one, however it is written', () => {
    const k = connectionKey('2001:db8:0:1::1');
    expect(connectionKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe(k);
    expect(connectionKey('2001:0DB8:0000:0001:0:0:0:2')).toBe(k);
    expect(connectionKey('2001:db8:0:1::1.2.3.4')).toBe(k);
    expect(connectionKey('2001:db8:0:1::1%eth0')).toBe(k);
    expect(connectionKey('2001:db8:0:2::1')).not.toBe(k);
    expect(connectionKey('2001:db8::1')).toBe(connectionKey('2001:db8:0:0:1::'));
    expect(connectionKey('::1')).toBe('0:0:0:0::/64');
  });

  it('counts IPv4 addresses whole, also when a dual-stack listener reports them IPv4-mapped', () => {
    expect(connectionKey('10.0.0.1')).toBe('10.0.0.1');
    expect(connectionKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(connectionKey('10.0.0.2')).not.toBe(connectionKey('10.0.0.1'));
  });
});

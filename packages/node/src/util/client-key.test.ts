import { describe, expect, it } from 'vitest';
import { clientKey } from './client-key.js';

describe('clientKey', () => {
  it('keeps IPv4 addresses, maps IPv4-mapped IPv6 to them, and keys IPv6 by /64 whatever the spelling', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    const key = clientKey('2001:db8:aa:1::1');
    expect(key).toBe('2001:db8:aa:1::/64');
    for (const same of ['2001:db8:aa:1:ffff:ffff:ffff:ffff', '2001:0DB8:00aa:0001:0:0:0:2', '2001:db8:aa:1::9%eth0', '2001:db8:aa:1::1.2.3.4']) {
      expect(clientKey(same)).toBe(key);
    }
    expect(clientKey('2001:db8:aa:2::1')).not.toBe(key);
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1')).toBe('fe80:0:0:0::/64');
  });
});

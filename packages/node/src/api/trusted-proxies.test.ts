import { describe, expect, it } from 'vitest';
import { trustedProxies } from './trusted-proxies.js';

describe('trustedProxies', () => {
  it('matches listed addresses and CIDR blocks of both families, IPv4-mapped too, and nothing when none are listed', () => {
    const trusted = trustedProxies(['127.0.0.1', '10.1.0.0/16', 'fd00::/8', '2001:db8::7']);
    for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '10.1.200.3', 'fd12:3456::1', '2001:db8::7']) expect(trusted(ip)).toBe(true);
    for (const ip of ['127.0.0.2', '10.2.0.1', 'fe80::1', '2001:db8::8', '::1']) expect(trusted(ip)).toBe(false);
    expect(trustedProxies([])('127.0.0.1')).toBe(false);
  });
});

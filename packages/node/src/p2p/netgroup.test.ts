import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { AddrMan } from './addrman.js';
import { groupOf } from './netgroup.js';

describe('netgroups of IPv6 addresses that carry an IPv4 address', () => {
  it('6to4, Teredo, NAT64 and IPv4-translated addresses are in the group of the IPv4 address they carry', () => {
    const v4 = groupOf('/ip4/1.2.3.4/tcp/1');
    expect(groupOf('/ip6/2002:102:304::1/tcp/1')).toBe(v4);
    expect(groupOf('/ip6/2002:0102:ffff:1:2:3:4:5/tcp/1')).toBe(v4);
    // RFC 4380's example: server 65.54.227.120, client 192.0.2.45 (stored inverted: 3fff:fdd2).
    expect(groupOf('/ip6/2001:0:4136:e378:8000:63bf:3fff:fdd2/tcp/1')).toBe('192.0');
    expect(groupOf('/ip6/2001:0:4136:e378:8000:63bf:fefd:fcfb/tcp/1')).toBe(v4);
    expect(groupOf('/ip6/64:ff9b::102:304/tcp/1')).toBe(v4);
    expect(groupOf('/ip6/::ffff:0:102:304/tcp/1')).toBe(v4);
    // Two Teredo clients in different /16s behind one Teredo server are two groups; other IPv6 keeps its /32.
    expect(groupOf('/ip6/2001:0:4136:e378:8000:63bf:3fff:fdd2/tcp/1')).not.toBe(groupOf('/ip6/2001:0:4136:e378:8000:63bf:f7ff:fdd2/tcp/1'));
    expect(groupOf('/ip6/2001:db8::1/tcp/1')).toBe('2001:db8');
    expect(groupOf('/ip6/2003:102:304::1/tcp/1')).toBe('2003:102');
  });

  it('one IPv4 host reachable also over 6to4 and Teredo gets one outbound pick, not three', async () => {
    const book = new AddrMan(undefined, 'self');
    const [a, b, c] = await Promise.all([0, 1, 2].map(async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));
    book.add(a!, ['/ip4/1.2.3.4/tcp/9000'], { kind: 'manual' });
    book.add(b!, ['/ip6/2002:102:304::1/tcp/9000'], { kind: 'manual' });
    book.add(c!, ['/ip6/2001:0:4136:e378:8000:63bf:fefd:fcfb/tcp/9000'], { kind: 'manual' });
    expect(book.candidates(() => false, 8)).toHaveLength(1);
    expect(book.candidates(() => false, 8, new Set(['1.2']))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { ADDRMAN, AddrMan } from './addrman.js';

async function ids(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));
}

const addr = (ip: string, port: number) => `/ip4/${ip}/tcp/${port}`;

describe('AddrMan', () => {
  it('an address flood from one source fills only its own bucket: honest entries stay and win the outbound picks', async () => {
    const book = new AddrMan(undefined, 'self');
    const honest = await ids(200);
    honest.forEach((id, i) => book.add(id, [addr(`10.${i}.0.1`, 9000)], { kind: 'px', from: addr(`172.${16 + (i % 50)}.0.9`, 1) }));
    const honestKept = honest.filter((id) => book.get(id)).length;
    expect(honestKept).toBeGreaterThan(150);

    const flood = await ids(1_000);
    let accepted = 0;
    flood.forEach((id, i) => {
      if (book.add(id, [addr('203.0.113.7', 10_000 + i)], { kind: 'px', from: addr('203.0.113.7', 4000) })) accepted++;
    });
    // One source group, one address group: one bucket.
    expect(accepted).toBeLessThanOrEqual(ADDRMAN.bucketSize);
    expect(honest.filter((id) => book.get(id)).length).toBe(honestKept);

    for (let round = 0; round < 20; round++) {
      const picks = book.candidates(() => false, 8);
      expect(picks).toHaveLength(8);
      expect(picks.filter((e) => e.group === '203.0').length).toBeLessThanOrEqual(1);
    }
  });

  it('takes at most one address per busy netgroup while others are available', async () => {
    const book = new AddrMan(undefined, 'self');
    const [a, b, c] = await ids(3);
    book.add(a!, [addr('10.1.0.1', 1)], { kind: 'manual' });
    book.add(b!, [addr('10.1.0.2', 1)], { kind: 'manual' });
    book.add(c!, [addr('10.2.0.1', 1)], { kind: 'manual' });
    expect(book.candidates(() => false, 3, new Set(['10.1'])).map((e) => e.peerId)).toEqual([c]);
    const picks = book.candidates(() => false, 3);
    expect(picks).toHaveLength(2);
    expect(new Set(picks.map((e) => e.group))).toEqual(new Set(['10.1', '10.2']));
  });

  it('rejects invalid peer ids, addresses without an IP or TCP port, and addresses naming another peer', async () => {
    const book = new AddrMan(undefined, 'self');
    const [a, other] = await ids(2);
    expect(book.add('not-a-peer-id-at-all', [addr('10.0.0.1', 1)], { kind: 'px' })).toBe(false);
    expect(book.add(a!, ['/ip4/10.0.0.1/udp/1', 'garbage', '/unix/tmp/x'], { kind: 'px' })).toBe(false);
    expect(book.add(a!, [`/ip4/10.0.0.1/tcp/1/p2p/${other}`], { kind: 'px' })).toBe(false);
    expect(book.add(a!, [`/ip4/10.0.0.1/tcp/1/p2p/${a}`], { kind: 'px' })).toBe(true);
    expect(book.size).toBe(1);
  });

  it('a third party cannot redirect a known peer to its own address', async () => {
    const book = new AddrMan(undefined, 'self');
    const [a] = await ids(1);
    book.add(a!, [addr('10.0.0.1', 1)], { kind: 'inbound' });
    book.add(a!, [addr('203.0.113.7', 1)], { kind: 'px', from: addr('203.0.113.7', 2) });
    expect(book.get(a!)!.addrs).toEqual([addr('10.0.0.1', 1)]);
  });

  it('moves connected addresses to tried and keeps them across a restart', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'addrman-'));
    const book = new AddrMan(join(dir, 'a.json'), 'self');
    const [a, b] = await ids(2);
    book.add(a!, [addr('10.0.0.1', 1)], { kind: 'px', from: addr('10.9.0.1', 1) });
    book.add(b!, [addr('10.1.0.1', 1)], { kind: 'px', from: addr('10.9.0.1', 1) });
    book.markConnected(a!);
    book.save(true);
    const again = new AddrMan(join(dir, 'a.json'), 'self');
    expect(again.get(a!)?.tried).toBe(true);
    expect(again.get(b!)?.tried).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

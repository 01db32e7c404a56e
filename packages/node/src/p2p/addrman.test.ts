import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { ADDRMAN, AddrMan, MAX_TRIED_COLLISIONS, dialAddress, validAddrs } from './addrman.js';

async function ids(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));
}

/** Peer ids from fixed seeds: with a fixed bucket key, every slot is the same on every run. */
async function seededIds(n: number, tag: string): Promise<string[]> {
  const seed = (i: number) => createHash('sha256').update(`${tag}/${i}`).digest();
  return Promise.all(Array.from({ length: n }, async (_, i) => peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed(i))).toString()));
}

const FIXED_KEY = new Uint8Array(32).fill(7);
const HOUR = 3600_000;

const addr = (ip: string, port: number) => `/ip4/${ip}/tcp/${port}`;

describe('AddrMan', () => {
  it('an address flood from one source fills only its own bucket: honest entries stay and win the outbound picks', async () => {
    const book = new AddrMan(undefined, 'self');
    const honest = await ids(200);
    honest.forEach((id, i) => book.add(id, [addr(`44.${i}.0.1`, 9000)], { kind: 'px', from: addr(`172.${16 + (i % 50)}.0.9`, 1) }));
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
    expect(book.add('not-a-peer-id-at-all', [addr('1.2.0.1', 1)], { kind: 'px' })).toBe(false);
    expect(book.add(a!, ['/ip4/1.2.0.1/udp/1', '/ip4/1.2.0.1/tcp/0', 'garbage', '/unix/tmp/x'], { kind: 'px' })).toBe(false);
    expect(book.add(a!, [`/ip4/1.2.0.1/tcp/1/p2p/${other}`], { kind: 'px' })).toBe(false);
    expect(book.add(a!, [`/ip4/1.2.0.1/tcp/1/p2p/${a}`], { kind: 'px' })).toBe(true);
    expect(book.size).toBe(1);
  });

  it('a third party cannot redirect a known peer to its own address', async () => {
    const book = new AddrMan(undefined, 'self');
    const [a] = await ids(1);
    book.add(a!, [addr('1.2.0.1', 1)], { kind: 'inbound', from: addr('1.2.0.1', 5000) });
    book.add(a!, [addr('203.0.113.7', 1)], { kind: 'px', from: addr('203.0.113.7', 2) });
    expect(book.get(a!)!.addrs).toEqual([addr('1.2.0.1', 1)]);
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
    await book.save(true);
    const again = new AddrMan(join(dir, 'a.json'), 'self');
    expect(again.get(a!)?.tried).toBe(true);
    expect(again.get(b!)?.tried).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a peer with a decoy first address counts in the netgroup of the address actually dialled', async () => {
    const book = new AddrMan(undefined, 'self');
    const ids8 = await ids(8);
    // Eight identities on one IP, each claiming first an address in a different /16 (which fails to answer).
    ids8.forEach((id, i) => book.add(id, [addr(`${20 + i}.1.0.1`, 9000), addr('203.0.113.7', 9000 + i)], { kind: 'inbound', from: addr('203.0.113.7', 40_000 + i) }));
    // Slots are hashed: two identities may collide and one be dropped; enough stay.
    const kept = ids8.filter((id) => book.get(id));
    expect(kept.length).toBeGreaterThanOrEqual(4);
    for (const id of kept) book.markFailed(id);
    for (const id of kept) book.get(id)!.retryAt = 0;
    // One of them is connected (its group busy): none of the others may be picked now.
    expect(book.candidates(() => false, 8, new Set(['203.0']))).toEqual([]);
    const picks = book.candidates(() => false, 8);
    expect(picks).toHaveLength(1);
    // After a dial reaches it on that address the entry is filed under that address's group.
    book.useAddress(picks[0]!.peerId, addr('203.0.113.7', 9000 + ids8.indexOf(picks[0]!.peerId)));
    expect(book.get(picks[0]!.peerId)?.group).toBe('203.0');
    expect(book.get(picks[0]!.peerId)?.addrs[0]).toBe(addr('203.0.113.7', 9000 + ids8.indexOf(picks[0]!.peerId)));
  });

  it('keeps a peer reached on another of its addresses, whoever holds the slot its new netgroup maps to', async () => {
    const book = new AddrMan(undefined, 'self');
    const peers = await ids(120);
    // From one source, so they crowd its few buckets: moving to another group's slot often meets an occupant.
    peers.forEach((id, i) => book.add(id, [addr(`${10 + (i % 200)}.${i}.0.1`, 9000), addr(`203.${i % 250}.0.1`, 9000)], { kind: 'inbound', from: addr('198.51.100.1', 1) }));
    const kept = peers.filter((id) => book.get(id));
    expect(kept.length).toBeGreaterThan(40);
    for (const id of kept) {
      const reached = book.get(id)?.addrs[1];
      if (!reached) continue;
      book.useAddress(id, reached);
      expect(book.get(id)?.addrs[0]).toBe(reached);
    }
  });

  it('netgroups come from the address bytes: textual variants of one IPv6 or IPv4-mapped address are one group', async () => {
    const { groupOf } = await import('./netgroup.js');
    expect(groupOf('/ip6/2001:db8::1/tcp/1')).toBe(groupOf('/ip6/2001:0db8:0::2/tcp/1'));
    expect(groupOf('/ip6/2001:db8::1/tcp/1')).toBe('2001:db8');
    for (const v of ['/ip6/::ffff:1.2.3.4/tcp/1', '/ip6/0::ffff:1.2.3.4/tcp/1', '/ip6/0:0::ffff:1.2.3.4/tcp/1', '/ip6/::ffff:102:304/tcp/1']) expect(groupOf(v)).toBe('1.2');
    expect(groupOf('/ip6/2001:db9::1/tcp/1')).not.toBe('2001:db8');
    const book = new AddrMan(undefined, 'self');
    const [a, b] = await ids(2);
    book.add(a!, ['/ip6/::ffff:1.2.3.4/tcp/9000'], { kind: 'manual' });
    expect(book.get(a!)?.addrs).toEqual([addr('1.2.3.4', 9000)]);
    book.add(b!, ['/ip6/2001:0DB8:0:0::7/tcp/9000'], { kind: 'manual' });
    book.removeIp('2001:db8::7');
    expect(book.get(b!)).toBeUndefined();
  });

  it('refuses DNS names from peers, and internal addresses from a peer on a public or unknown address', async () => {
    const book = new AddrMan(undefined, 'self');
    const internal = ['/ip4/127.0.0.1/tcp/22', '/ip4/169.254.169.254/tcp/80', '/ip4/192.168.1.1/tcp/6379', '/ip4/10.0.0.5/tcp/5432', '/ip4/172.20.0.1/tcp/1', '/ip4/0.0.0.0/tcp/3001', '/ip4/100.64.0.1/tcp/1', '/ip6/::1/tcp/1', '/ip6/fd00::1/tcp/1', '/ip6/fe80::1/tcp/1', '/ip6/::ffff:10.0.0.1/tcp/1'];
    const names = ['/dns4/metadata.google.internal/tcp/80', '/dns4/a1.evil.example/tcp/1', '/dns/x.example/tcp/1'];
    const fromPublic = { kind: 'px' as const, from: addr('198.51.100.1', 1) };
    for (const t of [...internal, ...names]) expect(book.add((await ids(1))[0]!, [t], fromPublic)).toBe(false);
    for (const t of internal) expect(book.add((await ids(1))[0]!, [t], { kind: 'inbound' })).toBe(false);
    for (const t of names) expect(book.add((await ids(1))[0]!, [t], { kind: 'px', from: addr('127.0.0.5', 1) })).toBe(false);
    expect(book.size).toBe(0);
    // A peer on loopback or a LAN may tell of others there (tests, private networks); the operator may name anything.
    expect(book.add((await ids(1))[0]!, ['/ip4/127.0.0.3/tcp/9000'], { kind: 'px', from: addr('127.0.0.2', 1) })).toBe(true);
    expect(book.add((await ids(1))[0]!, ['/ip4/10.0.0.5/tcp/9000'], { kind: 'inbound', from: addr('10.0.0.5', 40000) })).toBe(true);
    expect(book.add((await ids(1))[0]!, ['/dns4/seed.example/tcp/9000'], { kind: 'bootstrap' })).toBe(true);
    // A mixed claim from a public peer keeps only its public address.
    const [m] = await ids(1);
    book.add(m!, ['/ip4/10.0.0.9/tcp/1', addr('198.51.100.20', 9000), '/ip4/127.0.0.1/tcp/9000'], { kind: 'inbound', from: addr('198.51.100.20', 40000) });
    expect(book.get(m!)?.addrs).toEqual([addr('198.51.100.20', 9000)]);
  });

  it('drops an address never reached after 3 failed dials of each of its addresses, and keeps one reached before for longer', async () => {
    const book = new AddrMan(undefined, 'self');
    const [a, b] = await ids(2);
    // Two sources: from one they could share a slot (bucket positions are keyed at random).
    expect(book.add(a!, [addr('1.2.0.1', 1)], { kind: 'px', from: addr('1.3.0.1', 1) })).toBe(true);
    expect(book.add(b!, [addr('1.4.0.1', 1)], { kind: 'px', from: addr('7.3.0.1', 1) })).toBe(true);
    book.markConnected(b!);
    for (let i = 0; i < 3; i++) {
      book.markFailed(a!);
      book.markFailed(b!);
    }
    expect(book.get(a!)).toBeUndefined();
    expect(book.get(b!)?.failures).toBe(3);
  });

  it('starts with a fresh key when the saved one is not hex, and drops saved DNS names a peer gave', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'addrman-'));
    const [a] = await ids(1);
    const [b, c] = await ids(2);
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify({
        key: 'z'.repeat(64),
        entries: [
          { peerId: a, addrs: [addr('1.2.0.1', 1)], source: 'px', tried: false },
          // Saved before peers' DNS names were refused: only the operator's stay.
          { peerId: b, addrs: ['/dns4/evil.example/tcp/1'], source: 'inbound', tried: false },
          { peerId: c, addrs: ['/dns4/seed.example/tcp/1'], source: 'bootstrap', tried: false },
        ],
      }),
    );
    const book = new AddrMan(join(dir, 'a.json'), 'self');
    expect(book.get(a!)?.addrs).toEqual([addr('1.2.0.1', 1)]);
    expect(book.get(b!)).toBeUndefined();
    expect(book.get(c!)?.addrs).toEqual(['/dns4/seed.example/tcp/1']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets peer-exchange records add addresses to a peer id a stranger named first, until the peer is reached', async () => {
    const book = new AddrMan(undefined, 'self');
    const [h] = await ids(1);
    // The first claim of an honest peer's id, with a bogus address; then the peer's true address from an honest peer.
    book.add(h!, [addr('203.0.113.66', 1)], { kind: 'px', from: addr('198.51.100.1', 4001) });
    book.add(h!, [addr('8.8.4.4', 4001)], { kind: 'px', from: addr('5.5.5.5', 4001) });
    expect(book.get(h!)!.addrs).toEqual([addr('203.0.113.66', 1), addr('8.8.4.4', 4001)]);
    // The bogus address fails; the next dial goes to the true one.
    book.markFailed(h!);
    expect(dialAddress(book.get(h!)!)).toBe(addr('8.8.4.4', 4001));
    // One claim takes at most half an entry's addresses, so a first claim cannot fill it.
    const [g] = await ids(1);
    book.add(g!, Array.from({ length: 8 }, (_, i) => addr('203.0.113.67', 100 + i)), { kind: 'px', from: addr('198.51.100.1', 4001) });
    expect(book.get(g!)!.addrs).toHaveLength(ADDRMAN.maxAddrs / 2);
    // Once reached, a third party changes nothing.
    book.useAddress(h!, addr('8.8.4.4', 4001));
    book.markConnected(h!);
    book.add(h!, [addr('203.0.113.68', 1)], { kind: 'px', from: addr('198.51.100.1', 4001) });
    expect(book.get(h!)!.addrs).toEqual([addr('8.8.4.4', 4001), addr('203.0.113.66', 1)]);
  });

  it('dials each address of a never-reached entry 3 times before dropping it, as terrible() counts', async () => {
    const book = new AddrMan(undefined, 'self');
    const [m] = await ids(1);
    const addrs = [addr('203.0.113.1', 1), addr('203.0.113.2', 1), addr('203.0.113.3', 1), addr('8.8.8.8', 4001)];
    book.add(m!, addrs, { kind: 'inbound', from: addr('8.8.8.8', 5555) });
    const dialled: string[] = [];
    while (book.get(m!)) {
      dialled.push(dialAddress(book.get(m!)!));
      book.markFailed(m!);
    }
    expect(dialled).toHaveLength(3 * addrs.length);
    for (const a of addrs) expect(dialled.filter((d) => d === a)).toHaveLength(3);
  });

  it('takes only /ip4|ip6/<ip>/tcp/<port>[/p2p/<id>] addresses, DNS names only from the operator', async () => {
    const [id] = await ids(1);
    const padded = `/ip4/1.2.3.4/tcp/1/tls/sni/${'a'.repeat(150)}/ws/p2p/${id}`;
    const hostile = [padded, `/ip4/1.2.3.4/tcp/1${'/tcp/2'.repeat(30)}/p2p/${id}`, `/ip6/2001:db8::1/tcp/1/p2p/${id}/p2p-circuit/p2p/${id}`, '/ip4/1.2.3.4/tcp/1/ws', '/ip4/1.2.3.4/udp/1/quic-v1'];
    expect(validAddrs(id!, hostile, { names: true, publicOnly: false })).toEqual([]);
    expect(validAddrs(id!, ['/ip4/1.2.3.4/tcp/1', `/ip6/2001:db8::1/tcp/2/p2p/${id}`], { names: false, publicOnly: true })).toEqual(['/ip4/1.2.3.4/tcp/1', `/ip6/2001:db8::1/tcp/2/p2p/${id}`]);
    expect(validAddrs(id!, ['/dns4/seed.example/tcp/1'], { names: false, publicOnly: false })).toEqual([]);
    expect(validAddrs(id!, ['/dns4/seed.example/tcp/1', '/dns6/seed.example/tcp/1'], { names: true, publicOnly: false })).toHaveLength(2);
  });

  it('asks `exclude` (the discouraged-IP check) only about the entries it picks, not the whole book each round', async () => {
    const book = new AddrMan(undefined, 'self');
    for (const [i, id] of (await ids(300)).entries()) book.add(id, [addr(`${1 + (i % 200)}.${Math.floor(i / 200)}.0.1`, 4001)], { kind: 'manual' });
    let asked = 0;
    const picks = book.candidates(() => (asked++, false), 8);
    expect(picks).toHaveLength(8);
    expect(asked).toBe(8);
  });

  it('shares peers reached lately and peers that announced themselves lately, not ones only others named', async () => {
    let t = 1_000 * HOUR;
    const book = new AddrMan(undefined, 'self', () => t);
    const [reached, announced, heardOf] = await ids(3);
    book.add(reached!, [addr('1.2.0.1', 1)], { kind: 'px', from: addr('9.9.0.1', 1) });
    book.markConnected(reached!);
    book.add(announced!, [addr('1.3.0.1', 1)], { kind: 'inbound', from: addr('1.3.0.1', 5000) });
    book.add(heardOf!, [addr('1.4.0.1', 1)], { kind: 'px', from: addr('9.8.0.1', 1) });
    expect(book.sample(10).map((e) => e.peerId).sort()).toEqual([reached, announced].sort());
    t += 4 * HOUR;
    expect(book.sample(10)).toEqual([]);
  });

  it('writes the book off the event loop, and not at all when statuses only said again what it holds', async () => {
    const { existsSync, mkdtempSync, rmSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'addrman-'));
    const path = join(dir, 'a.json');
    let t = 1_000 * HOUR;
    const book = new AddrMan(path, 'self', () => t);
    const peers = await ids(20);
    for (const [i, id] of peers.entries()) book.add(id, [addr(`${i + 1}.1.0.1`, 4001)], { kind: 'inbound', from: addr(`${i + 1}.1.0.1`, 5000) });
    const writing = book.save();
    expect(existsSync(path)).toBe(false);
    await writing;
    const written = statSync(path).mtimeMs;
    rmSync(path);
    // A status from each peer every 10 s for half an hour: the same addresses, only lastSeen would move.
    for (let round = 0; round < 180; round++) {
      t += 10_000;
      for (const [i, id] of peers.entries()) book.add(id, [addr(`${i + 1}.1.0.1`, 4001)], { kind: 'inbound', from: addr(`${i + 1}.1.0.1`, 5000) });
    }
    await book.save();
    expect(existsSync(path)).toBe(false);
    expect(written).toBeGreaterThan(0);
    // Past the hour, a refreshed time is worth writing.
    t += HOUR;
    book.add(peers[0]!, [addr('1.1.0.1', 4001)], { kind: 'inbound', from: addr('1.1.0.1', 5000) });
    await book.save();
    expect(existsSync(path)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('test-before-evict (Core PR #9037)', () => {
    /**
     * Tried entries reached 5 hours ago in one netgroup, then newly reached
     * ones in the same group until one lands on the slot of an old entry: the
     * collision that stays recorded (an occupant reached lately is kept at once).
     */
    async function collision(testWindowMs = 40 * 60_000) {
      let t = 1_000 * HOUR;
      const book = new AddrMan(undefined, 'self', () => t, { key: FIXED_KEY, testWindowMs });
      const [olds, news] = [await seededIds(40, 'old'), await seededIds(200, 'new')];
      olds.forEach((id, i) => {
        book.add(id, [addr('44.1.0.1', 9000 + i)], { kind: 'manual' });
        book.markConnected(id);
      });
      book.resolveCollisions();
      t += 5 * HOUR;
      for (const id of news) {
        book.add(id, [addr('44.1.0.2', 9000 + news.indexOf(id))], { kind: 'manual' });
        book.markConnected(id);
        book.resolveCollisions();
        if (book.triedCollisions === 0) continue;
        const old = book.selectTriedCollision()!;
        expect(olds).toContain(old.peerId);
        expect(book.get(id)?.tried).toBe(false);
        return { book, newId: id, oldId: old.peerId, advance: (ms: number) => (t += ms) };
      }
      throw new Error('no collision with an old entry');
    }

    it('an occupant that answers its test dial keeps its tried slot; the newcomer stays new', async () => {
      const { book, newId, oldId, advance } = await collision();
      book.markAttempt(oldId);
      advance(2_000);
      book.markConnected(oldId);
      book.resolveCollisions();
      expect(book.get(oldId)?.tried).toBe(true);
      expect(book.get(newId)?.tried).toBe(false);
      expect(book.triedCollisions).toBe(0);
      expect(book.selectTriedCollision()).toBeUndefined();
    });

    it('an occupant that does not answer is evicted once its dial has had a minute, not before', async () => {
      const { book, newId, oldId, advance } = await collision();
      book.markAttempt(oldId);
      advance(30_000);
      book.resolveCollisions();
      expect(book.get(oldId)?.tried).toBe(true);
      expect(book.get(newId)?.tried).toBe(false);
      // Tested once: not offered for a second dial.
      expect(book.selectTriedCollision()).toBeUndefined();
      advance(31_000);
      book.resolveCollisions();
      expect(book.get(newId)?.tried).toBe(true);
      expect(book.get(oldId)?.tried).not.toBe(true);
      expect(book.triedCollisions).toBe(0);
    });

    it('an occupant never tested is evicted after the (configurable) test window', async () => {
      const { book, newId, oldId, advance } = await collision(10 * 60_000);
      advance(10 * 60_000 - 1_000);
      book.resolveCollisions();
      expect(book.get(oldId)?.tried).toBe(true);
      expect(book.get(newId)?.tried).toBe(false);
      advance(2_000);
      book.resolveCollisions();
      expect(book.get(newId)?.tried).toBe(true);
      expect(book.get(oldId)?.tried).not.toBe(true);
    });

    it('keeps at most 10 collisions; the rest stay new until reached again', async () => {
      const book = new AddrMan(undefined, 'self', Date.now, { key: FIXED_KEY });
      const many = await seededIds(400, 'crowd');
      const madeTried: string[] = [];
      many.forEach((id, i) => {
        // Each from its own source, so the new table holds them all.
        book.add(id, [addr('44.2.0.1', 9000 + i)], { kind: 'px', from: addr(`${1 + (i % 9)}.${i % 250}.0.1`, 1) });
        book.markConnected(id);
        if (book.get(id)?.tried) madeTried.push(id);
      });
      expect(book.triedCollisions).toBe(MAX_TRIED_COLLISIONS);
      // One group reaches 8 tried buckets (128 slots): once full, no later entry pushed an earlier one out.
      expect(madeTried.length).toBeGreaterThan(40);
      expect(madeTried.length).toBeLessThanOrEqual(8 * ADDRMAN.bucketSize);
      expect(madeTried.filter((id) => book.get(id)?.tried)).toEqual(madeTried);
    });
  });
});

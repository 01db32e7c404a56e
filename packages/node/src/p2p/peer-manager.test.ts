import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { createLogger } from '../util/logger.js';
import { AddrMan, type AddrManOptions } from './addrman.js';
import { chooseAnchors, loadAnchors, saveAnchors } from './anchors.js';
import { multiaddrPeer } from './libp2p.js';
import { groupOf } from './netgroup.js';
import { FRESH_DIALS, PeerManager, type PeerManagerDeps } from './peer-manager.js';
import { PeerTable } from './peer-set.js';
import { PeerState } from './peer-state.js';

async function ids(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()));
}

/** Peer ids from fixed seeds: with a fixed bucket key, every slot is the same on every run. */
async function seededIds(n: number, tag: string): Promise<string[]> {
  const seed = (i: number) => createHash('sha256').update(`${tag}/${i}`).digest();
  return Promise.all(Array.from({ length: n }, async (_, i) => peerIdFromPrivateKey(await generateKeyPairFromSeed('Ed25519', seed(i))).toString()));
}

/** First octets of public IPv4 space, without the private, loopback, link-local, carrier-NAT and benchmarking blocks. */
const PUBLIC_OCTETS = Array.from({ length: 223 }, (_, i) => i + 1).filter((x) => ![10, 100, 127, 169, 172, 192, 198].includes(x));

const addr = (ip: string, port: number) => `/ip4/${ip}/tcp/${port}`;
const log = createLogger('hackcoin:test', true);

/** A manager over a real address book and peer table; `reach` decides which dialled addresses answer. */
function setup(reach: (address: string) => boolean, extra: Partial<PeerManagerDeps> = {}, remoteOf = (address: string) => address, bookOpts: AddrManOptions = {}) {
  const book = new AddrMan(undefined, 'self', Date.now, bookOpts);
  const table = new PeerTable({ isBanned: () => false, ban: () => { throw new Error('no bans here'); } }, log);
  const dials: string[] = [];
  const hungUp: string[] = [];
  const dial = async (address: string): Promise<string> => {
    dials.push(address);
    const id = multiaddrPeer(address)!;
    await Promise.resolve();
    if (!reach(address)) throw new Error('connection refused');
    table.add(new PeerState(id, 'outbound', remoteOf(address.replace(/\/p2p\/.*$/, '')), Date.now()));
    return id;
  };
  const manager = new PeerManager({
    book,
    peers: table,
    dial,
    self: 'self',
    isBanned: () => false,
    isDiscouraged: () => false,
    bootstrap: [],
    maxOutbound: 8,
    log,
    askPeers: async () => 0,
    hangUp: (id) => {
      hungUp.push(id);
      table.delete(id);
    },
    ...extra,
  });
  return { book, table, dials, hungUp, manager };
}

const outboundGroups = (t: PeerTable) => t.all().filter((p) => p.direction === 'outbound').map((p) => groupOf(p.address));

describe('PeerManager', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    stop = undefined;
    vi.useRealTimers();
  });

  it('one IP behind eight identities with decoy first addresses gets one outbound slot, not eight', async () => {
    vi.useFakeTimers();
    const { book, table, manager } = setup((a) => a.includes('/ip4/203.0.113.7/'));
    stop = () => manager.stop();
    const attackers = await ids(8);
    attackers.forEach((id, i) => book.add(id, [addr(`${20 + i}.1.0.1`, 9000), addr('203.0.113.7', 9000 + i)], { kind: 'inbound', from: addr('203.0.113.7', 40_000 + i) }));
    manager.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(outboundGroups(table)).toEqual(['203.0']);
  });

  it('hangs up an outbound peer whose remote address shares a netgroup with another outbound peer', async () => {
    // Two names the operator gave, which turn out to be one operator's /16.
    const remote: Record<string, string> = { '/dns4/a.example/tcp/9000': addr('198.51.100.5', 9000), '/dns4/b.example/tcp/9000': addr('198.51.200.6', 9000) };
    const { book, table, hungUp, manager } = setup(() => true, { maxOutbound: 2 }, (a) => remote[a]!);
    const [a, b] = await ids(2);
    book.add(a!, ['/dns4/a.example/tcp/9000'], { kind: 'bootstrap' });
    book.add(b!, ['/dns4/b.example/tcp/9000'], { kind: 'bootstrap' });
    vi.useFakeTimers();
    manager.start();
    stop = () => manager.stop();
    await vi.advanceTimersByTimeAsync(100);
    expect(outboundGroups(table)).toEqual(['198.51', '198.51']);
    for (const p of table.all()) manager.onReady(p);
    expect(hungUp).toHaveLength(1);
    expect(outboundGroups(table)).toEqual(['198.51']);
  });

  it('thirty peers naming seven ports each on one victim make one dial attempt per round, within the global rate', async () => {
    vi.useFakeTimers();
    const { book, dials, manager } = setup(() => false);
    stop = () => manager.stop();
    const liars = await ids(30);
    liars.forEach((id, i) => book.add(id, Array.from({ length: 7 }, (_, p) => addr('198.51.100.9', 8000 + p)), { kind: 'px', from: addr(`${30 + i}.9.0.1`, 1) }));
    manager.start();
    await vi.advanceTimersByTimeAsync(45_000);
    const atVictim = dials.filter((d) => d.includes('/ip4/198.51.100.9/'));
    expect(atVictim.length).toBeGreaterThan(0);
    // The global budget for never-reached addresses (8 at once, then one per 2 s), and each liar at most 3 tries.
    expect(atVictim.length).toBeLessThanOrEqual(FRESH_DIALS.burst + 45 * FRESH_DIALS.perSecond + 1);
    for (const id of liars) expect(atVictim.filter((d) => d.endsWith(id)).length).toBeLessThanOrEqual(3);
    expect(book.size).toBeLessThanOrEqual(30);
  });

  it('holds dials to never-reached addresses to a global budget, but not redials of peers reached before', async () => {
    vi.useFakeTimers();
    const { book, dials, manager } = setup(() => false, { maxOutbound: 64, freshDials: { burst: 4, perSecond: 0 } });
    stop = () => manager.stop();
    const many = await ids(41);
    // Reached before, so in the tried table before the others arrive: no later add can take its slot.
    const known = many[40]!;
    expect(book.add(known, [addr('99.1.0.1', 9000)], { kind: 'px', from: addr('1.2.3.4', 1) })).toBe(true);
    book.markConnected(known);
    // From many sources, so their buckets do not crowd one another out (the book's bucket positions are keyed at random).
    many.slice(0, 40).forEach((id, i) => book.add(id, [addr(`${40 + i}.1.0.1`, 9000)], { kind: 'px', from: addr(`${100 + i}.2.3.4`, 1) }));
    expect(book.get(known)).toBeDefined();
    manager.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(dials.filter((d) => !d.includes(known))).toHaveLength(4);
    expect(dials.filter((d) => d.includes(known)).length).toBeGreaterThanOrEqual(2);
  });

  it('a dial that never answers holds up no later dial', async () => {
    vi.useFakeTimers();
    const { book, table, dials, manager } = setup(() => true, {
      dial: async (address) => {
        dials.push(address);
        if (address.includes('/ip4/198.51.100.1/')) return new Promise<string>(() => undefined);
        const id = multiaddrPeer(address)!;
        table.add(new PeerState(id, 'outbound', address, Date.now()));
        return id;
      },
    });
    stop = () => manager.stop();
    const [blackhole, later] = await ids(2);
    expect(book.add(blackhole!, [addr('198.51.100.1', 9000)], { kind: 'px', from: addr('1.2.3.4', 1) })).toBe(true);
    manager.start();
    await vi.advanceTimersByTimeAsync(1_500);
    // Another source: from one they could share a slot (bucket positions are keyed at random).
    expect(book.add(later!, [addr('44.1.0.1', 9000)], { kind: 'px', from: addr('8.2.3.4', 1) })).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(table.has(later!)).toBe(true);
  });

  it('drops an address that accepts connections but never finishes the handshake after its failed tries; a peer that handshakes stays', async () => {
    vi.useFakeTimers();
    const [silent, honest] = await ids(2);
    const dialled: string[] = [];
    let manager: PeerManager | undefined;
    // What the Network does: a connection either handshakes (the book marks it connected) or is hung up; its close is reported.
    const { book, table, manager: m } = setup(() => true, {
      maxOutbound: 1,
      dial: async (address) => {
        const id = multiaddrPeer(address)!;
        dialled.push(id);
        const p = new PeerState(id, 'outbound', address.replace(/\/p2p\/.*$/, ''), Date.now());
        table.add(p);
        if (id === honest) {
          p.status = { network: 'regtest', chainId: 0, genesis: new Uint8Array(32), bestHash: new Uint8Array(32), height: 0, chainWork: 1n, agent: 'test', listenAddrs: [] };
          book.markConnected(id);
        }
        setTimeout(() => {
          table.delete(id);
          manager!.onDisconnect(p);
        }, 500);
        return id;
      },
    });
    manager = m;
    stop = () => m.stop();
    expect(book.add(silent!, [addr('203.0.113.9', 4001)], { kind: 'px', from: addr('198.51.100.1', 4001) })).toBe(true);
    expect(book.add(honest!, [addr('44.1.0.1', 4001)], { kind: 'px', from: addr('7.7.0.1', 4001) })).toBe(true);
    m.start();
    await vi.advanceTimersByTimeAsync(1_500 * 1_000);
    // Three failed attempts and it is gone (it was redialled a thousand times, never dropped, each dial from the fresh budget).
    expect(dialled.filter((id) => id === silent)).toHaveLength(3);
    expect(book.get(silent!)).toBeUndefined();
    expect(dialled.filter((id) => id === honest).length).toBeGreaterThan(100);
    expect(book.get(honest!)?.failures).toBe(0);
  });

  it('a seed that keeps failing and names a new peer id each time holds one entry in the book, not one per try', async () => {
    const servers: Server[] = [];
    const s = createServer((_, res) => {
      void ids(1).then(([id]) => res.end(JSON.stringify({ p2p: { peerId: id, addrs: [`/ip4/127.0.0.1/tcp/9/p2p/${id}`] } })));
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    const { book, manager } = setup(() => false, { maxOutbound: 0 });
    stop = () => s.close();
    const seed = {};
    for (let i = 0; i < 5; i++) await expect(manager.connect(url, 'bootstrap', seed)).rejects.toThrow('connection refused');
    expect(book.size).toBe(1);
  });

  it('a slow bootstrap seed does not make rounds overlap, and a seed down at first is reached once it is up', async () => {
    const [id1, id2] = await ids(2);
    const started = Date.now();
    const servers: Server[] = [];
    const serve = async (handler: (res: import('node:http').ServerResponse) => void): Promise<string> => {
      const s = createServer((_, res) => handler(res));
      servers.push(s);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    };
    const info = (id: string, port: number) => JSON.stringify({ p2p: { peerId: id, addrs: [`/ip4/127.0.0.1/tcp/${port}/p2p/${id}`] } });
    let slowHits = 0;
    const slow = await serve((res) => {
      slowHits++;
      setTimeout(() => res.end(info(id1!, 7001)), 2_500);
    });
    const down = await serve((res) => {
      if (Date.now() - started < 2_000) {
        res.statusCode = 503;
        res.end();
      } else res.end(info(id2!, 7002));
    });
    const { table, manager } = setup(() => true, { bootstrap: [slow, down], maxOutbound: 0 });
    stop = () => {
      manager.stop();
      for (const s of servers) s.close();
    };
    manager.start();
    const deadline = Date.now() + 15_000;
    while (!(table.has(id1!) && table.has(id2!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(table.has(id1!)).toBe(true);
    expect(table.has(id2!)).toBe(true);
    expect(slowHits).toBe(1);
  }, 20_000);

  it("an attacker's many reachable addresses cannot evict reachable honest tried entries (test-before-evict)", async () => {
    vi.useFakeTimers();
    const { book, dials, hungUp, table, manager } = setup(() => true, { maxOutbound: 0, feelerIntervalMs: 10_000 }, undefined, { key: new Uint8Array(32).fill(3) });
    stop = () => manager.stop();
    const honest = await seededIds(300, 'honest');
    honest.forEach((id, i) => {
      book.add(id, [addr(`${PUBLIC_OCTETS[i % PUBLIC_OCTETS.length]}.${10 + Math.floor(i / PUBLIC_OCTETS.length)}.0.1`, 9000)], { kind: 'px', from: addr(`${PUBLIC_OCTETS[i % 50]}.77.0.1`, 1) });
      book.markConnected(id);
    });
    // Honest entries that met each other in a slot: the occupant was reached just now, so it stays.
    book.resolveCollisions();
    const honestTried = honest.filter((id) => book.get(id)?.tried);
    expect(honestTried.length).toBeGreaterThan(150);
    // Hours later: no honest entry is protected by a recent connection, each must answer a test dial.
    vi.setSystemTime(Date.now() + 5 * 3600_000);
    manager.start();
    const attackers = await seededIds(1_000, 'attacker');
    const attackerAddr = (i: number) => addr(`${PUBLIC_OCTETS[i % PUBLIC_OCTETS.length]}.${100 + Math.floor(i / PUBLIC_OCTETS.length)}.6.6`, 7000);
    attackers.forEach((id, i) => book.add(id, [attackerAddr(i)], { kind: 'manual' }));
    // Every attacker address is reached again and again (the audit's attack: 187 honest tried entries worn down to 41).
    for (let round = 0; round < 6; round++) {
      for (const id of attackers) book.markConnected(id);
      expect(book.triedCollisions).toBeLessThanOrEqual(10);
      await vi.advanceTimersByTimeAsync(10 * 60_000);
    }
    expect(honestTried.filter((id) => book.get(id)?.tried)).toEqual(honestTried);
    // They were tested: dialled, answered, hung up (feelers are not kept as peers).
    const tested = honestTried.filter((id) => dials.some((d) => d.endsWith(id)));
    expect(tested.length).toBeGreaterThan(5);
    expect(hungUp).toEqual(expect.arrayContaining(tested));
    expect(table.count('outbound')).toBe(0);
    // Attackers still reach tried slots nobody held.
    expect(attackers.filter((id) => book.get(id)?.tried).length).toBeGreaterThan(0);
  });

  it('a tried entry that fails its test dial gives its slot to the newly reached address', async () => {
    vi.useFakeTimers();
    const { book, dials, manager } = setup((a) => !a.includes('/ip4/44.1.0.1/'), { maxOutbound: 0, feelerIntervalMs: 10_000 }, undefined, { key: new Uint8Array(32).fill(3) });
    stop = () => manager.stop();
    const [olds, news] = [await seededIds(40, 'gone'), await seededIds(200, 'newcomer')];
    olds.forEach((id, i) => {
      book.add(id, [addr('44.1.0.1', 9000 + i)], { kind: 'manual' });
      book.markConnected(id);
    });
    book.resolveCollisions();
    vi.setSystemTime(Date.now() + 5 * 3600_000);
    let newcomer: string | undefined;
    for (const [i, id] of news.entries()) {
      book.add(id, [addr('44.1.0.2', 9000 + i)], { kind: 'manual' });
      book.markConnected(id);
      book.resolveCollisions();
      if (book.triedCollisions > 0) {
        newcomer = id;
        break;
      }
    }
    const old = book.selectTriedCollision()!.peerId;
    expect(book.get(newcomer!)?.tried).toBe(false);
    manager.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(dials.filter((d) => d.endsWith(old))).toHaveLength(1);
    expect(book.get(old)?.tried).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(book.get(newcomer!)?.tried).toBe(true);
    expect(book.get(old)?.tried).not.toBe(true);
  });

  it("dials the last run's two longest-connected outbound peers before any address-book pick, and only at the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
    const path = join(dir, 'anchors.json');
    const last = await ids(5);
    const table = new PeerTable({ isBanned: () => false, ban: () => { throw new Error('no bans here'); } }, log);
    const states = last.map((id, i) => new PeerState(id, i === 0 ? 'inbound' : 'outbound', addr(`${60 + i}.1.0.1`, 9000), 1_000 + i));
    for (const p of states) {
      // The last one never finished its handshake.
      if (p !== states[4]) p.status = { listenAddrs: [], chainWork: 0n } as unknown as NonNullable<PeerState['status']>;
      table.add(p);
    }
    saveAnchors(path, chooseAnchors(table.all(), 0n));
    const anchors = loadAnchors(path, 'self');
    expect(existsSync(path)).toBe(false);
    // The inbound peer is older, but only outbound peers are anchors.
    expect(anchors.map((a) => a.peerId)).toEqual([last[1], last[2]]);

    vi.useFakeTimers();
    const { book, dials, table: now, manager } = setup(() => true, { maxOutbound: 3, anchors });
    stop = () => manager.stop();
    const known = await ids(20);
    known.forEach((id, i) => {
      book.add(id, [addr(`${PUBLIC_OCTETS[i]}.9.0.1`, 9000)], { kind: 'px', from: addr(`${PUBLIC_OCTETS[i]}.8.0.1`, 1) });
      book.markConnected(id);
    });
    manager.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(dials.slice(0, 2)).toEqual([`${addr('61.1.0.1', 9000)}/p2p/${last[1]}`, `${addr('62.1.0.1', 9000)}/p2p/${last[2]}`]);
    expect(now.has(last[1]!) && now.has(last[2]!)).toBe(true);
    expect(now.count('outbound')).toBe(3);
    // Read once: a restart after this one starts from the address book.
    expect(loadAnchors(path, 'self')).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('dials no anchor with automatic outbound off (MAX_OUTBOUND=0), and at most as many anchors as outbound slots', async () => {
    const anchors = (await ids(2)).map((peerId, i) => ({ peerId, addr: addr(`${70 + i}.1.0.1`, 9000) }));
    vi.useFakeTimers();
    const off = setup(() => true, { maxOutbound: 0, anchors });
    off.manager.start();
    await vi.advanceTimersByTimeAsync(3_000);
    off.manager.stop();
    expect(off.dials).toEqual([]);
    expect(off.table.count('outbound')).toBe(0);
    const one = setup(() => true, { maxOutbound: 1, anchors });
    stop = () => one.manager.stop();
    one.manager.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(one.dials).toEqual([`${anchors[0]!.addr}/p2p/${anchors[0]!.peerId}`]);
    expect(one.table.count('outbound')).toBe(1);
  });
});

describe('PeerManager: a test dial and a regular dial to the same peer', () => {
  afterEach(() => vi.useRealTimers());

  it('the test dial waits for a dial already under way and never hangs up the outbound peer that dial chose', async () => {
    vi.useFakeTimers();
    const book = new AddrMan(undefined, 'self', Date.now, { key: new Uint8Array(32).fill(3) });
    const table = new PeerTable({ isBanned: () => false, ban: () => { throw new Error('no bans here'); } }, log);
    const hungUp: string[] = [];
    const manager = new PeerManager({
      book,
      peers: table,
      // Three seconds a dial: a collision can be found while one is under way.
      dial: async (address) => {
        const id = multiaddrPeer(address)!;
        await new Promise((r) => setTimeout(r, 3_000));
        table.add(new PeerState(id, 'outbound', address.replace(/\/p2p\/.*$/, ''), Date.now()));
        return id;
      },
      self: 'self',
      isBanned: () => false,
      isDiscouraged: () => false,
      bootstrap: [],
      maxOutbound: 1,
      feelerIntervalMs: 1_000,
      log,
      askPeers: async () => 0,
      hangUp: (id) => {
        hungUp.push(id);
        table.delete(id);
      },
    });
    const olds = await seededIds(40, 'occupant');
    olds.forEach((id, i) => {
      book.add(id, [addr('44.1.0.1', 9000 + i)], { kind: 'manual' });
      book.markConnected(id);
    });
    book.resolveCollisions();
    vi.setSystemTime(Date.now() + 5 * 3600_000);
    let old: string | undefined;
    let newcomer: { id: string; addrs: string[] } | undefined;
    for (const [i, id] of (await seededIds(300, 'collider')).entries()) {
      book.add(id, [addr('44.2.0.1', 9000 + i)], { kind: 'manual' });
      book.markConnected(id);
      if (book.triedCollisions > 0) {
        old = book.selectTriedCollision()!.peerId;
        newcomer = { id, addrs: book.get(id)!.addrs };
        book.remove(id);
        break;
      }
      book.remove(id);
    }
    expect(old).toBeDefined();
    book.resolveCollisions();
    expect(book.triedCollisions).toBe(0);
    // Only the occupant is due for a regular dial.
    for (const id of olds) {
      const e = book.get(id);
      if (e && id !== old) e.retryAt = Date.now() + 10 * 3600_000;
    }
    manager.start();
    try {
      await vi.advanceTimersByTimeAsync(500);
      // The newcomer is reached while the regular dial to the occupant is under way.
      book.add(newcomer!.id, newcomer!.addrs, { kind: 'manual' });
      book.markConnected(newcomer!.id);
      expect(book.selectTriedCollision()?.peerId).toBe(old);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(hungUp).not.toContain(old);
      expect(table.has(old!)).toBe(true);
      expect(table.count('outbound')).toBe(1);
    } finally {
      manager.stop();
    }
  });

  it('asks only the peers it dialled for addresses, as Core asks only outbound ones: an inbound stranger is never asked', async () => {
    const asked: string[] = [];
    const { manager } = setup(() => true, { askPeers: async (id) => (asked.push(id), 0) });
    manager.onReady(new PeerState('stranger', 'inbound', '/ip4/8.8.8.8/tcp/1', Date.now()));
    manager.onReady(new PeerState('chosen', 'outbound', '/ip4/9.9.9.9/tcp/1', Date.now()));
    await Promise.resolve();
    expect(asked).toEqual(['chosen']);
  });
});

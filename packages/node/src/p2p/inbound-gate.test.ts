import { describe, expect, it } from 'vitest';
import { createLogger } from '../util/logger.js';
import { INBOUND } from './eviction.js';
import { InboundGate } from './inbound-gate.js';
import type { InboundSocket } from './libp2p.js';
import type { StatusMessage } from './messages.js';
import { PeerState } from './peer-state.js';

const NOW = 10_000_000;
const STATUS: StatusMessage = { network: 'regtest', chainId: 0, genesis: new Uint8Array(32), bestHash: new Uint8Array(32), height: 0, chainWork: 1n, agent: 'test', listenAddrs: [] };

interface Socket extends InboundSocket {
  closed: boolean;
}

/**
 * A gate wired as network.ts and libp2p.ts wire it: connections offered at TCP accept, statuses at the
 * handshake. A dropped socket closes at once; a peer the gate hangs up stops counting as connected at
 * once but stays in the table, as libp2p reports it gone a little later, until `settle`.
 */
class Node {
  readonly clock = { now: NOW };
  readonly discouraged = new Set<string>();
  readonly gate: InboundGate;
  private readonly table: PeerState[] = [];
  private readonly live = new Map<string, Socket>();
  private readonly hanging = new Set<string>();
  private port = 40_000;

  constructor(maxInbound = 64) {
    this.gate = new InboundGate({
      peers: { all: () => [...this.table] },
      bans: { isBannedIp: (ip) => ip === '198.51.100.66', isDiscouraged: (ip) => this.discouraged.has(ip) },
      maxInbound,
      secret: 'test',
      hangUp: (id) => void this.hanging.add(id),
      log: createLogger('test', true),
      now: () => this.clock.now,
    });
  }

  /** A TCP connection from `ip`: its socket, or undefined when refused. */
  connect(ip: string): Socket | undefined {
    const s = this.socket(ip);
    if (!this.gate.admit(s, this.open())) return undefined;
    this.live.set(s.address, s);
    return s;
  }

  /** A peer that completed its handshake before the test, connected since `connectedAt`. */
  settled(id: string, ip: string, connectedAt: number): PeerState {
    const s = this.socket(ip);
    this.live.set(s.address, s);
    const p = new PeerState(id, 'inbound', `${s.address}/p2p/${id}`, connectedAt);
    p.status = STATUS;
    this.table.push(p);
    return p;
  }

  /** `s` sends its status (the handshake asks the gate first): whether it was seated, else hung up. */
  handshake(s: Socket, id: string): boolean {
    if (s.closed) return false;
    const p = new PeerState(id, 'inbound', `${s.address}/p2p/${id}`, this.clock.now);
    this.table.push(p);
    if (!this.gate.seat(p)) {
      this.close(s.address);
      return false;
    }
    p.status = STATUS;
    return true;
  }

  /** The connection ends: the handshake timed out, the peer left. */
  close(address: string): void {
    const key = address.split('/p2p/')[0]!;
    const s = this.live.get(key);
    if (s) s.closed = true;
    this.live.delete(key);
    for (let i = this.table.length - 1; i >= 0; i--) if (this.table[i]!.address.startsWith(`${key}/p2p/`)) this.table.splice(i, 1);
  }

  /** libp2p reports the hung-up peers gone. */
  settle(): void {
    for (const id of this.hanging) {
      const p = this.table.find((x) => x.peerId === id);
      if (p) this.close(p.address);
    }
    this.hanging.clear();
  }

  /** Peers past the handshake and not hung up, sorted. */
  connected(): string[] {
    return this.table.filter((p) => p.ready && !this.hanging.has(p.peerId)).map((p) => p.peerId).sort();
  }

  /** Open sockets from IPs starting with `prefix`. */
  openFrom(prefix: string): number {
    return [...this.live.values()].filter((s) => s.ip.startsWith(prefix)).length;
  }

  private socket(ip: string): Socket {
    const address = `/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/${this.port++}`;
    return { ip, address, closed: false, drop: () => this.close(address) };
  }

  /** Every open connection by IP, as libp2p's gater counts them. */
  private open(): Map<string, number> {
    const open = new Map<string, number>();
    for (const s of this.live.values()) open.set(s.ip, (open.get(s.ip) ?? 0) + 1);
    return open;
  }
}

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const sorted = (...lists: string[][]): string[] => lists.flat().sort();

/** Eight idle peers holding 203.0/16 for ten minutes, a8 the youngest. */
function fullGroup(node: Node): PeerState[] {
  return ids('a', 8).map((id, i) => node.settled(id, `203.0.113.${i + 1}`, NOW - 600_000 + i));
}

describe('InboundGate', () => {
  it('holds each IP to its limit of open connections, in whichever text form a listener reports it; refuses banned addresses and does not limit the shared loopback', () => {
    const node = new Node();
    for (let i = 0; i < INBOUND.perIp; i++) expect(node.connect('198.51.100.7')).toBeDefined();
    expect(node.connect('198.51.100.7')).toBeUndefined();
    // A dual-stack listener reports an IPv4 host as ::ffff:a.b.c.d: one host, one limit.
    const dual = new Node();
    for (const ip of ['198.51.100.7', '198.51.100.7', '::ffff:198.51.100.7', '::ffff:198.51.100.7']) expect(dual.connect(ip)).toBeDefined();
    for (const ip of ['198.51.100.7', '::ffff:198.51.100.7', '::ffff:c633:6407']) expect(dual.connect(ip)).toBeUndefined();
    expect(dual.connect('198.51.100.8')).toBeDefined();
    expect(node.connect('198.51.100.66')).toBeUndefined();
    expect(node.connect('::ffff:198.51.100.66')).toBeUndefined();
    for (let i = 0; i < 40; i++) expect(node.connect('127.0.0.1')).toBeDefined();
  });

  it('lets an honest host of a netgroup in past sockets of that netgroup that never finish their handshake', () => {
    const node = new Node();
    // Eight silent sockets from eight addresses of one /16 (they held its every slot), and three more
    // opened while the honest host is in its handshake.
    for (let i = 0; i < 8; i++) node.connect(`203.0.113.${10 + i}`);
    const honest = node.connect('203.0.114.200');
    expect(honest).toBeDefined();
    for (let i = 0; i < INBOUND.pendingPerGroup - 1; i++) expect(node.connect(`203.0.113.${20 + i}`)).toBeDefined();
    expect(node.handshake(honest!, 'honest')).toBe(true);
    expect(node.connected()).toEqual(['honest']);
    expect(node.openFrom('203.0.113.')).toBeLessThanOrEqual(INBOUND.pendingPerGroup);
  });

  it('holds connections in their handshake to a bound in all, dropping the oldest of the netgroup with the most for a newcomer', () => {
    const node = new Node();
    const groups = INBOUND.pendingTotal / INBOUND.pendingPerGroup;
    for (let g = 0; g < groups; g++) for (let i = 1; i <= INBOUND.pendingPerGroup; i++) expect(node.connect(`20.${g}.0.${i}`)).toBeDefined();
    const newcomer = node.connect('30.0.0.1');
    expect(newcomer).toBeDefined();
    expect(node.openFrom('20.')).toBe(INBOUND.pendingTotal - 1);
    expect(node.openFrom('20.0.0.1')).toBe(0);
    expect(node.handshake(newcomer!, 'n1')).toBe(true);
    expect(node.connected()).toEqual(['n1']);
  });

  it('costs no peer its slot for a newcomer that never completes its handshake, and seats one that does in the place of an idle peer', () => {
    const node = new Node();
    fullGroup(node);
    const silent = node.connect('203.0.200.9');
    expect(silent).toBeDefined();
    expect(node.connected()).toEqual(ids('a', 8));
    // Its handshake times out; a second newcomer's status is refused (another network, say): neither costs anyone.
    node.close(silent!.address);
    node.close(node.connect('203.0.200.10')!.address);
    expect(node.connected()).toEqual(ids('a', 8));
    const honest = node.connect('203.0.200.11');
    expect(node.handshake(honest!, 'honest')).toBe(true);
    expect(node.connected()).toEqual(sorted(ids('a', 7), ['honest']));
  });

  it("lets a newcomer take an idle peer's place when its netgroup is full: one a minute, in that group only, never one within its tenure", () => {
    const node = new Node();
    const holders = fullGroup(node);
    // Younger peers of other groups are not in play.
    const others = ids('o', 20);
    others.forEach((id, i) => node.settled(id, `198.${51 + i}.0.1`, NOW - 1_000));
    const n1 = node.connect('203.0.200.9');
    const n2 = node.connect('203.0.200.10');
    expect(node.handshake(n1!, 'n1')).toBe(true);
    // a8 not gone yet: n2 gets no second eviction within the minute.
    expect(node.handshake(n2!, 'n2')).toBe(false);
    expect(node.connected()).toEqual(sorted(ids('a', 7), ['n1'], others));
    node.settle();
    for (let i = 0; i < 5; i++) expect(node.connect(`203.0.201.${i}`)).toBeUndefined();

    // Half a minute on, a3 leaves and y1 takes its free slot.
    node.clock.now = NOW + 30_000;
    node.close(holders[2]!.address);
    expect(node.handshake(node.connect('203.0.200.11')!, 'y1')).toBe(true);
    // A minute on, n1 is the newest idle peer connected a minute or more (a7 just sent a block; y1, newer, is spared).
    node.clock.now = NOW + INBOUND.tenureMs;
    holders[6]!.lastBlockAt = node.clock.now - 1_000;
    expect(node.handshake(node.connect('203.0.200.12')!, 'n3')).toBe(true);
    expect(node.connected()).toEqual(sorted(['a1', 'a2', 'a4', 'a5', 'a6', 'a7', 'y1', 'n3'], others));
  });

  it('never lets a discouraged address displace a peer, at its connection or its handshake', () => {
    const node = new Node();
    fullGroup(node);
    node.discouraged.add('203.0.200.66');
    expect(node.connect('203.0.200.66')).toBeUndefined();
    const late = node.connect('203.0.200.67');
    node.discouraged.add('203.0.200.67');
    expect(node.handshake(late!, 'late')).toBe(false);
    expect(node.connected()).toEqual(ids('a', 8));
    expect(node.handshake(node.connect('203.0.200.9')!, 'n1')).toBe(true);
    expect(node.connected()).toEqual(sorted(ids('a', 7), ['n1']));
  });

  it('seats nobody whose connection was dropped for newcomers, so a status racing its drop displaces no one', () => {
    const node = new Node();
    fullGroup(node);
    const first = node.connect('203.0.200.9')!;
    for (let i = 0; i < INBOUND.pendingPerGroup; i++) node.connect(`203.0.201.${i}`);
    expect(first.closed).toBe(true);
    expect(node.gate.seat(new PeerState('first', 'inbound', `${first.address}/p2p/first`, NOW))).toBe(false);
    expect(node.connected()).toEqual(ids('a', 8));
  });

  it('refuses a newcomer to a full netgroup while every peer of it is protected or within its tenure', () => {
    const node = new Node();
    ids('y', 8).forEach((id, i) => node.settled(id, `203.0.113.${i + 1}`, NOW - INBOUND.tenureMs + 1_000 + i));
    expect(node.connect('203.0.200.9')).toBeUndefined();
    expect(node.connected()).toEqual(ids('y', 8));
  });

  it('evicts for a newcomer when every inbound slot is taken only once it has completed its handshake', () => {
    const node = new Node(24);
    const table = ids('p', 24);
    table.forEach((id, i) => node.settled(id, `198.${51 + i}.0.1`, NOW - 600_000 + i));
    const silent = node.connect('192.0.2.1');
    expect(silent).toBeDefined();
    node.close(silent!.address);
    expect(node.connected()).toEqual(sorted(table));
    expect(node.handshake(node.connect('192.0.2.2')!, 'n1')).toBe(true);
    expect(node.connected()).toHaveLength(24);
    expect(node.connected()).toContain('n1');
  });
});

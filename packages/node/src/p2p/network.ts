import { join } from 'node:path';
import { difficultyFromBits, equalBytes, hashToHex, type ConsensusParams } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { createHost, type ConnInfo, type Exchange, type Host } from './libp2p.js';
import { FrameError } from './frames.js';
import { AddressBook } from './address-book.js';
import { BanList, type Ban } from './ban-list.js';
import { BAN_THRESHOLD, PENALTY, type Offence } from './ban-score.js';
import { loadOrCreateIdentity } from './identity.js';
import { decodeStatus, encodeStatus, type StatusMessage } from './messages.js';
import { PeerState, summarize, type PeerSummary } from './peer-state.js';
import { LIMITS, protocolIds, type ProtocolIds } from './protocol.js';
import { PeerManager } from './peer-manager.js';
import { Relay } from './relay.js';
import { Syncer, type SyncProgress, type SyncResult } from './sync.js';
import { serveSync } from './serve.js';
import { servePeerExchange } from './peer-exchange.js';
import { estimateHashRate } from '../chain/hashrate.js';

export interface NetworkOptions {
  chain: Chain;
  mempool: Mempool;
  params: ConsensusParams;
  log: Logger;
  dataDir: string;
  host: string;
  port: number;
  bootstrap: string[];
  maxOutbound: number;
  maxInbound: number;
  banTimeMs: number;
  agent: string;
  /** Status re-exchange interval; peers' best chains go stale without it. */
  statusIntervalMs?: number;
}

export interface NetworkEvents extends Record<string, unknown[]> {
  'peer:connected': [peer: PeerSummary];
  'peer:disconnected': [info: { id: string; reason: string }];
  'peer:banned': [ban: Ban];
  'sync:progress': [progress: SyncProgress];
  'sync:done': [result: SyncResult];
}

/**
 * The peer-to-peer network: one libp2p host, the handshake, misbehaviour
 * accounting, and the parts that ride on it (peer manager, relay, sync).
 * The HTTP API and the web app see it through this class and its events.
 */
export class Network extends TypedEmitter<NetworkEvents> {
  readonly ids: ProtocolIds;
  readonly peers = new Map<string, PeerState>();
  readonly bans: BanList;
  book!: AddressBook;
  host!: Host;
  syncer!: Syncer;
  relay!: Relay;
  manager!: PeerManager;
  private statusTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Peers with a tip announcement in flight; true when another is due once it returns. */
  private readonly announcing = new Map<string, boolean>();
  private readonly onTip = () => this.announceTip();

  constructor(readonly o: NetworkOptions) {
    super();
    this.ids = protocolIds(o.params.network);
    this.bans = new BanList(join(o.dataDir, 'p2p', 'bans.json'), o.banTimeMs);
  }

  get log(): Logger {
    return this.o.log;
  }

  get chain(): Chain {
    return this.o.chain;
  }

  get peerId(): string {
    return this.host.peerId;
  }

  addrs(): string[] {
    return this.host.addrs();
  }

  async start(): Promise<void> {
    const key = await loadOrCreateIdentity(join(this.o.dataDir, 'p2p', 'identity.key'));
    const ip = this.o.host.includes(':') ? `/ip6/${this.o.host}` : `/ip4/${this.o.host}`;
    this.host = await createHost({
      privateKey: key,
      listen: [`${ip}/tcp/${this.o.port}`],
      maxConnections: this.o.maxInbound + this.o.maxOutbound + 8,
      maxGossipBytes: this.o.params.maxBlockSize,
      isBanned: (id) => this.bans.isBanned(id),
      agent: this.o.agent,
    });
    this.book = new AddressBook(join(this.o.dataDir, 'p2p', 'peers.json'), this.host.peerId);
    this.syncer = new Syncer(this);
    this.relay = new Relay(this);
    this.manager = new PeerManager(this);

    this.host.onConnect((c) => this.onConnection(c));
    this.host.onDisconnect((id) => this.onDisconnect(id));
    await this.host.handle(this.ids.status, (ex) => this.serveStatus(ex), 8);
    await this.host.handle(this.ids.sync, (ex) => serveSync(this, ex), 16);
    await this.host.handle(this.ids.px, (ex) => servePeerExchange(this, ex), 4);
    this.relay.start();
    this.manager.start();
    this.chain.on('tip', this.onTip);
    this.statusTimer = setInterval(() => this.refreshStatuses(), this.o.statusIntervalMs ?? 10_000);
    this.statusTimer.unref();
    this.log.info(`P2P listening as ${this.host.peerId} on ${this.addrs().join(', ')}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.statusTimer);
    this.chain.off('tip', this.onTip);
    this.manager?.stop();
    this.relay?.stop();
    this.syncer?.stop();
    this.book?.save(true);
    await this.host?.stop();
  }

  localStatus(): StatusMessage {
    const tip = this.chain.tip;
    return {
      network: this.o.params.network,
      chainId: this.o.params.chainId,
      genesis: this.chain.genesis.hash,
      bestHash: tip.hash,
      height: tip.height,
      chainWork: tip.chainWork,
      agent: this.o.agent,
      listenAddrs: this.addrs(),
    };
  }

  readyPeers(): PeerState[] {
    return [...this.peers.values()].filter((p) => p.ready);
  }

  /**
   * Records misbehaviour; at the threshold the peer is banned and dropped.
   * Returns true when the peer got banned.
   */
  misbehave(peerId: string, offence: Offence, detail: string, extra = 0): boolean {
    if (this.bans.isBanned(peerId)) return true;
    const w = PENALTY[offence];
    const p = this.peers.get(peerId);
    const score = p ? p.score.add(w.persistent + extra, w.transient) : w.persistent + extra;
    this.log.warn(`peer ${short(peerId)} misbehaved (${offence}: ${detail}), score ${score}`);
    if (score < BAN_THRESHOLD) return false;
    const ban = this.bans.ban(peerId, `${offence}: ${detail}`, p?.address);
    this.book.remove(peerId);
    this.log.warn(`banned ${short(peerId)} until ${new Date(ban.until).toISOString()}`);
    this.emit('peer:banned', ban);
    void this.host.hangUp(peerId);
    return true;
  }

  /** Penalises wire-level faults; timeouts and closed streams are not the peer's fault. */
  penaliseFrameError(peerId: string, e: unknown): void {
    if (!(e instanceof FrameError)) return;
    if (e.kind === 'oversized') this.misbehave(peerId, 'oversized', e.message);
    else if (e.kind === 'malformed') this.misbehave(peerId, 'malformed', e.message);
  }

  /** One request/response exchange: both directions bounded by size and time. */
  async request(peerId: string, protocol: string, payload: Uint8Array, maxResponse: number, timeoutMs: number): Promise<Uint8Array> {
    const ex = await this.host.open(peerId, protocol, timeoutMs);
    const p = this.peers.get(peerId);
    try {
      await ex.write(payload);
      if (p) p.bytesOut += payload.length + 4;
      const resp = await ex.read(maxResponse, timeoutMs);
      if (p) p.bytesIn += resp.length + 4;
      return resp;
    } catch (e) {
      this.penaliseFrameError(peerId, e);
      throw e;
    } finally {
      void ex.close();
    }
  }

  /** Status exchange: our status out, theirs back. Disconnects on another network. */
  async exchangeStatus(peerId: string): Promise<boolean> {
    const started = Date.now();
    let status: StatusMessage;
    try {
      const raw = await this.request(peerId, this.ids.status, encodeStatus(this.localStatus()), LIMITS.statusBytes, LIMITS.handshakeMs);
      status = decodeStatus(raw);
    } catch (e) {
      if (!(e instanceof FrameError)) this.misbehaveOnDecode(peerId, e);
      return false;
    }
    const p = this.peers.get(peerId);
    if (p && p.latencyMs === undefined) p.latencyMs = Date.now() - started;
    return this.acceptStatus(peerId, status);
  }

  private misbehaveOnDecode(peerId: string, e: unknown): void {
    if ((e as Error).name === 'DecodeError') this.misbehave(peerId, 'malformed', (e as Error).message);
    else this.log.debug('status exchange with %s failed: %s', short(peerId), (e as Error).message);
  }

  private async serveStatus(ex: Exchange): Promise<void> {
    try {
      const raw = await ex.read(LIMITS.statusBytes, LIMITS.handshakeMs);
      const status = decodeStatus(raw);
      const p = this.peers.get(ex.peerId);
      if (p) p.bytesIn += raw.length + 4;
      // Statuses come every 10 s and on new tips; hundreds in 10 s is a flood.
      if (p && p.noteRequest() > 200) this.misbehave(ex.peerId, 'requestFlood', 'too many status messages');
      const out = encodeStatus(this.localStatus());
      const ok = this.acceptStatus(ex.peerId, status);
      await ex.write(out);
      if (p) p.bytesOut += out.length + 4;
      if (!ok) setTimeout(() => void this.host.hangUp(ex.peerId), 200);
    } catch (e) {
      this.penaliseFrameError(ex.peerId, e);
      this.misbehaveOnDecode(ex.peerId, e);
    } finally {
      await ex.close();
    }
  }

  private acceptStatus(peerId: string, s: StatusMessage): boolean {
    const params = this.o.params;
    if (s.network !== params.network || s.chainId !== params.chainId || !equalBytes(s.genesis, this.chain.genesis.hash)) {
      this.log.info(`peer ${short(peerId)} is on network ${s.network} / genesis ${hashToHex(s.genesis).slice(0, 12)}: disconnecting`);
      this.book.remove(peerId);
      void this.host.hangUp(peerId);
      return false;
    }
    const p = this.peers.get(peerId);
    if (!p) return false;
    const first = !p.ready;
    const prevBest = p.bestId;
    const changed = p.bestId !== hashToHex(s.bestHash);
    p.status = s;
    p.statusAt = Date.now();
    if (changed) p.exhaustedAt = undefined;
    if (s.listenAddrs.length > 0) this.book.add(peerId, s.listenAddrs, p.direction === 'outbound' ? 'manual' : 'inbound');
    if (p.direction === 'outbound') this.book.markConnected(peerId);
    if (first) {
      this.log.info(`peer ${short(peerId)} ${p.direction} ${p.address} height ${s.height} (${s.agent})`);
      this.emit('peer:connected', summarize(p));
      this.manager.onReady(p);
    }
    if (p.offersMoreThan(this.chain.tip.chainWork)) {
      // One block ahead of us with a tip we lack: an announcement; fetch that block at once.
      if (!first && prevBest !== p.bestId && s.height === this.chain.height + 1) this.syncer.fetchAnnounced(p, s.bestHash);
      else this.syncer.trigger();
    }
    return true;
  }

  /**
   * Fast path next to gossip, like Bitcoin's headers announcements: on a new
   * tip, push our status to the peers gossip will not reach promptly, and a
   * peer that lacks the block fetches it from us at once (one round trip).
   * When gossip carries the block (we validated it from gossip, or published
   * it), that is the peers outside our mesh, which would otherwise wait for
   * IHAVE at the next heartbeat; when it came by sync or fetch, gossip does
   * not forward it, so every peer. Peers known to have it are skipped. At
   * most one announcement per peer is in flight; tips that arrive meanwhile
   * are folded into one follow-up.
   */
  private announceTip(): void {
    if (this.stopped) return;
    const tip = this.chain.tip;
    const mesh = this.relay.gossiped.has(tip.id) ? new Set(this.host.meshPeers(this.ids.blocks)) : undefined;
    for (const p of this.readyPeers()) {
      if (mesh?.has(p.peerId) || p.knownBlock === tip.id || !this.lacksTip(p)) continue;
      this.announceTo(p.peerId);
    }
  }

  /** Whether a peer may not have our tip yet, as far as its last status tells. */
  private lacksTip(p: PeerState): boolean {
    return !p.status || p.status.chainWork < this.chain.tip.chainWork;
  }

  private announceTo(peerId: string): void {
    if (this.announcing.has(peerId)) {
      this.announcing.set(peerId, true);
      return;
    }
    this.announcing.set(peerId, false);
    void this.exchangeStatus(peerId).finally(() => {
      const again = this.announcing.get(peerId);
      this.announcing.delete(peerId);
      const p = this.peers.get(peerId);
      if (again && !this.stopped && p?.ready && this.lacksTip(p) && p.knownBlock !== this.chain.tip.id) this.announceTo(peerId);
    });
  }

  private onConnection(c: ConnInfo): void {
    if (this.stopped || this.peers.has(c.peerId)) return;
    if (c.direction === 'inbound' && this.countDirection('inbound') >= this.o.maxInbound) {
      this.log.debug('inbound limit reached, refusing %s', short(c.peerId));
      void this.host.hangUp(c.peerId);
      return;
    }
    const p = new PeerState(c.peerId, c.direction, c.address, Date.now());
    this.peers.set(c.peerId, p);
    if (c.direction === 'outbound') {
      // The dialer speaks first; the listener learns our status from the request.
      void this.exchangeStatus(c.peerId).then((ok) => {
        if (!ok && !p.ready) void this.host.hangUp(c.peerId);
      });
    } else {
      setTimeout(() => {
        if (!p.ready && this.peers.get(c.peerId) === p) {
          this.log.debug('no handshake from %s in time', short(c.peerId));
          void this.host.hangUp(c.peerId);
        }
      }, LIMITS.handshakeMs).unref();
    }
  }

  private onDisconnect(peerId: string): void {
    const p = this.peers.get(peerId);
    if (!p) return;
    this.peers.delete(peerId);
    this.book.markDisconnected(peerId);
    if (p.ready) {
      this.log.info(`peer ${short(peerId)} disconnected`);
      this.emit('peer:disconnected', { id: peerId, reason: this.bans.isBanned(peerId) ? 'banned' : 'closed' });
    }
    this.syncer.onPeerGone(peerId);
  }

  countDirection(d: 'inbound' | 'outbound'): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.direction === d) n++;
    return n;
  }

  private refreshStatuses(): void {
    for (const p of this.readyPeers()) void this.exchangeStatus(p.peerId);
  }

  /** Asks every peer for its status now; used by POST /api/blockchain/sync. */
  async refreshAll(): Promise<number> {
    const ready = this.readyPeers();
    await Promise.all(ready.map((p) => this.exchangeStatus(p.peerId)));
    return ready.length;
  }

  /** Asks all peers for their status, syncs from any with more work, and reports the outcome. */
  async syncNow(timeoutMs: number) {
    const before = { height: this.chain.height, hash: this.chain.tip.id };
    const asked = await this.refreshAll();
    const best = this.readyPeers().reduce<PeerState | undefined>((b, p) => (!b || (p.status?.chainWork ?? 0n) > (b.status?.chainWork ?? 0n) ? p : b), undefined);
    const outcome = await Promise.race([
      this.syncer.active ? this.syncer.trigger() : Promise.resolve(undefined),
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref()),
    ]);
    const after = { height: this.chain.height, hash: this.chain.tip.id };
    return {
      peersAsked: asked,
      bestPeer: best?.status ? { id: best.peerId, height: best.status.height, chainWork: best.status.chainWork.toString(16) } : null,
      before,
      after,
      blocksAdded: Math.max(0, after.height - before.height),
      reorganized: after.hash !== before.hash && this.chain.getEntry(before.hash) !== undefined && !this.chain.isMain(this.chain.getEntry(before.hash)!),
      timedOut: outcome === 'timeout',
      sync: this.syncer.progress(),
    };
  }

  summaries(): PeerSummary[] {
    const rtt = new Map(this.host.connections().map((c) => [c.peerId, c.rttMs]));
    const mesh = new Set(this.host.meshPeers(this.ids.blocks));
    return [...this.peers.values()].map((p) => {
      const s = summarize(p);
      const r = rtt.get(p.peerId);
      if (r !== undefined) s.latencyMs = r;
      s.gossipScore = Math.round(this.host.gossipScore(p.peerId) * 100) / 100;
      s.inBlockMesh = mesh.has(p.peerId);
      return s;
    });
  }

  networkStatus() {
    const tip = this.chain.tip;
    const sync = this.syncer.progress();
    const best = this.readyPeers().reduce((m, p) => Math.max(m, p.status?.height ?? 0), tip.height);
    return {
      peerId: this.peerId,
      addrs: this.addrs(),
      peers: { inbound: this.countDirection('inbound'), outbound: this.countDirection('outbound'), total: this.peers.size },
      sync,
      height: tip.height,
      bestHash: tip.id,
      bestKnownHeight: best,
      hashRate: estimateHashRate(this.chain),
      difficulty: difficultyFromBits(tip.header.bits),
      lastBlockAgeSeconds: Math.max(0, Math.floor(Date.now() / 1000) - tip.header.time),
      addressBook: this.book.size,
      bans: this.bans.list().length,
    };
  }
}

export function short(peerId: string): string {
  return peerId.slice(-8);
}


import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MIN_CHAIN_WORK, type ConsensusParams } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { createHost, type ConnInfo, type Host } from './libp2p.js';
import type { ProtocolTraffic } from './traffic.js';
import { AddrMan } from './addrman.js';
import { chooseAnchors, loadAnchors, saveAnchors } from './anchors.js';
import { INBOUND } from './eviction.js';
import { InboundGate } from './inbound-gate.js';
import { canonicalIp, canonicalIpOf, ipOf } from './netgroup.js';
import { TipAnnouncer } from './announcer.js';
import { BanList, type Ban } from './ban-list.js';
import { BlockIntake } from './block-intake.js';
import { CompactRelay, type CompactStats } from './compact/compact-relay.js';
import { RecentBlocks } from './compact/recent-blocks.js';
import { serveBlockTxn } from './compact/serve.js';
import type { NetworkEvents } from './events.js';
import { Handshake } from './handshake.js';
import { loadOrCreateIdentity } from './identity.js';
import type { StatusMessage } from './messages.js';
import { pullMempool } from './mempool-exchange.js';
import { askPeers, PxAnswers, servePeerExchange } from './peer-exchange.js';
import { PeerManager } from './peer-manager.js';
import { PeerTable, short } from './peer-set.js';
import { PeerState, outboundFirst, summarize, type PeerSummary } from './peer-state.js';
import { LIMITS, protocolIds, type ProtocolIds } from './protocol.js';
import { Relay } from './relay.js';
import { TxIntake } from './tx-intake.js';
import { serveSync } from './serve.js';
import { SendBudget } from './send-budget.js';
import { RECEIVE_BUDGET_BYTES, ReceiveBudget } from './receive-budget.js';
import { WireSyncClient } from './sync-client.js';
import { STATUS_INTERVAL_MS, peersDueForStatus } from './status-refresh.js';
import { Syncer, type SyncProgress } from './sync.js';
import { Wire } from './wire.js';

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

/**
 * Peers asked for their status when a compact block's sender withheld its block, outbound first:
 * enough to reach an honest one past a few attackers, few enough that a header sent again costs little.
 */
const UNOBTAINED_ASKS = 8;

/** What the API reads of p2p and may ask of it: views and peer controls, no internals. */
export interface NetworkControl {
  readonly peerId: string;
  addrs(): string[];
  overview(): NetworkOverview;
  peers(): PeerSummary[];
  bans(): Ban[];
  /** Dials a URL or multiaddr and waits (bounded) for the handshake; the peer's summary if it completed. */
  connect(address: string): Promise<{ peerId: string; peer: PeerSummary | undefined }>;
  /** Hangs up, optionally banning the peer and its address. Whether it was connected. */
  disconnect(peerId: string, ban: boolean): Promise<boolean>;
  unban(peerId: string): boolean;
  /** Asks every peer for its status now, then waits (bounded) for the syncs that starts. */
  syncNow(timeoutMs: number): Promise<SyncNowResult>;
  sync(): SyncProgress;
}

export interface SyncNowResult {
  peersAsked: number;
  timedOut: boolean;
  /** The peer claiming the most work (a claim). */
  best: { id: string; height: number; chainWork: bigint } | undefined;
}

export interface NetworkOverview {
  peerId: string;
  addrs: string[];
  peers: { inbound: number; outbound: number; total: number };
  sync: SyncProgress;
  /** Highest height a peer claims (a claim, for display). */
  bestKnownHeight: number;
  addressBook: number;
  bans: number;
  /** How compact blocks crossed: rebuilt from the mempool, transactions requested, full-block fallbacks. */
  compact: CompactStats;
  /** Bytes in and out per protocol and gossip topic since start. */
  traffic: ProtocolTraffic[];
}

/**
 * The peer-to-peer network: assembles one libp2p host and the parts that
 * ride on it, and hands each only the collaborators it uses.
 */
export class Network extends TypedEmitter<NetworkEvents> implements NetworkControl {
  readonly ids: ProtocolIds;
  private readonly table: PeerTable;
  private readonly banList: BanList;
  private host!: Host;
  private book!: AddrMan;
  private wire!: Wire;
  private syncer!: Syncer;
  private relay!: Relay;
  private compact!: CompactRelay;
  private manager!: PeerManager;
  private txIntake!: TxIntake;
  private intake!: BlockIntake;
  private handshake!: Handshake;
  private announcer!: TipAnnouncer;
  private readonly gate: InboundGate;
  private statusTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onTip = () => this.announcer.announce();

  constructor(private readonly o: NetworkOptions) {
    super();
    this.ids = protocolIds(o.params.network);
    this.banList = new BanList(join(o.dataDir, 'p2p', 'bans.json'), o.banTimeMs, Date.now, o.log);
    this.table = new PeerTable({ isBanned: (id) => this.banList.isBanned(id), ban: (id, reason, address) => this.ban(id, reason, address) }, o.log);
    this.gate = new InboundGate({
      peers: this.table,
      bans: this.banList,
      maxInbound: o.maxInbound,
      secret: randomBytes(16).toString('hex'),
      hangUp: (id) => void this.host.hangUp(id),
      log: o.log,
    });
  }

  get peerId(): string {
    return this.host.peerId;
  }

  addrs(): string[] {
    return this.host.addrs();
  }

  async start(): Promise<void> {
    const { chain, mempool, log } = this.o;
    const key = await loadOrCreateIdentity(join(this.o.dataDir, 'p2p', 'identity.key'));
    const ip = this.o.host.includes(':') ? `/ip6/${this.o.host}` : `/ip4/${this.o.host}`;
    this.host = await createHost({
      privateKey: key,
      listen: [`${ip}/tcp/${this.o.port}`],
      // Connections still in their handshake are outside the inbound slots, so beyond them too.
      maxConnections: this.o.maxInbound + this.o.maxOutbound + INBOUND.pendingTotal + 8,
      maxGossipBytes: this.o.params.maxBlockSize,
      topics: [this.ids.blocks, this.ids.txs, this.ids.cmpctBlocks],
      isBanned: (id) => this.banList.isBanned(id),
      handshaked: (id) => this.table.get(id)?.ready === true,
      admitInbound: (socket, open) => !this.stopped && this.gate.admit(socket, open),
      // A node on its own loopback address (simulations, tests) dials from it too, so peers see distinct IPs.
      localAddress: /^127\.\d+\.\d+\.\d+$/.test(this.o.host) && this.o.host !== '127.0.0.1' ? this.o.host : undefined,
      agent: this.o.agent,
    });
    const peers = this.table;
    this.book = new AddrMan(join(this.o.dataDir, 'p2p', 'addrman.json'), this.host.peerId);
    this.wire = new Wire(this.host, peers);
    const intake = new BlockIntake(chain, peers, log, () => this.syncer?.downloadWork() ?? 0n);
    this.intake = intake;
    const txIntake = new TxIntake(mempool, peers, this.o.params.maxTxDataSize + 1024, log, (raw) => this.relay.republish(raw));
    this.txIntake = txIntake;
    const client = new WireSyncClient(this.wire, this.ids.sync, peers, intake, this.o.params.maxBlockSize, new ReceiveBudget(RECEIVE_BUDGET_BYTES));
    this.handshake = new Handshake({
      wire: this.wire,
      protocol: this.ids.status,
      peers,
      log,
      local: () => this.localStatus(),
      network: this.o.params.network,
      chainId: this.o.params.chainId,
      genesis: chain.genesis.hash,
      hangUp: (id) => void this.host.hangUp(id),
      seat: (p) => p.direction === 'outbound' || this.gate.seat(p),
      onForeign: (id) => this.book.remove(id),
      onStatus: (p, first, prevBest) => this.onStatus(p, first, prevBest),
    });
    this.syncer = new Syncer({
      chain,
      peers,
      client,
      intake,
      log,
      minChainWork: MIN_CHAIN_WORK[this.o.params.network],
      refreshStatus: (id) => void this.handshake.exchange(id),
      onProgress: (p) => this.emit('sync:progress', p),
      onDone: (r) => this.emit('sync:done', r),
    });
    const recent = new RecentBlocks(chain);
    this.compact = new CompactRelay({
      chain,
      pool: () => mempool.values(),
      peers,
      requester: this.wire,
      protocol: this.ids.cmpct,
      fullBlock: (id, hash) => client.blocks(id, [hash]).then((b) => b[0], () => undefined),
      recent,
      params: this.o.params,
      now: () => Math.floor(Date.now() / 1000),
      log,
      onOrphan: (id) => this.syncer.onOrphan(id),
      // Their statuses show who connected it, and sync fetches it from them.
      onUnobtained: (from) => {
        const others = peers.ready().filter((p) => p.peerId !== from);
        for (const p of others.sort(outboundFirst).slice(0, UNOBTAINED_ASKS)) {
          this.syncer.onOrphan(p.peerId);
        }
      },
    });
    const compact = this.compact;
    this.relay = new Relay({
      gossip: this.host,
      topics: { blocks: this.ids.blocks, txs: this.ids.txs },
      compact: { topic: this.ids.cmpctBlocks, encode: (b) => compact.encode(b), receive: (from, data, accept) => compact.receive(from, data, accept) },
      chain,
      mempool,
      peers,
      intake,
      txIntake,
      log,
      onOrphan: (id) => this.syncer.onOrphan(id),
    });
    this.announcer = new TipAnnouncer({
      chain,
      peers,
      gossiped: (id) => this.relay.gossiped.has(id),
      gossipPeers: () => this.host.topicPeers(this.ids.cmpctBlocks),
      exchange: (id) => this.handshake.exchange(id),
    });
    this.manager = new PeerManager({
      book: this.book,
      peers,
      dial: (addr) => this.host.dial(addr),
      hangUp: (id) => void this.host.hangUp(id),
      self: this.host.peerId,
      isBanned: (id) => this.banList.isBanned(id),
      isDiscouraged: (addr) => {
        const ip = ipOf(addr);
        return ip !== undefined && this.banList.isDiscouraged(ip);
      },
      bootstrap: this.o.bootstrap,
      maxOutbound: this.o.maxOutbound,
      log,
      askPeers: (id) => askPeers({ wire: this.wire, protocol: this.ids.px, peers, learn: (source, records) => this.learn(source, records) }, id),
      anchors: loadAnchors(this.anchorsPath, this.host.peerId),
    });

    this.host.onConnect((c) => this.onConnection(c));
    this.host.onDisconnect((id) => this.onDisconnect(id));
    await this.host.handle(this.ids.status, (ex) => this.handshake.serve(ex), 8);
    const budget = new SendBudget(LIMITS.sendBudgetBytes);
    await this.host.handle(this.ids.sync, (ex) => serveSync({ chain, mempool, peers, wire: this.wire, budget }, ex), 16);
    await this.host.handle(
      this.ids.cmpct,
      (ex) => serveBlockTxn({ peers, wire: this.wire, block: (h) => recent.get(h), maxTxs: this.o.params.maxBlockTxs }, ex),
      16,
    );
    const answers = new PxAnswers(this.book);
    await this.host.handle(this.ids.px, (ex) => servePeerExchange({ peers, answers, wire: this.wire }, ex), 4);
    this.relay.start();
    this.manager.start();
    chain.on('tip', this.onTip);
    this.statusTimer = setInterval(() => this.refreshStatuses(), this.statusIntervalMs);
    this.statusTimer.unref();
    log.info(`P2P listening as ${this.host.peerId} on ${this.addrs().join(', ')}`);
  }

  private get anchorsPath(): string {
    return join(this.o.dataDir, 'p2p', 'anchors.json');
  }

  async stop(): Promise<void> {
    // Before the host closes its connections, which empties the peer table.
    if (this.host && !this.stopped) {
      try {
        saveAnchors(this.anchorsPath, chooseAnchors(this.table.all(), this.o.chain.tip.chainWork));
      } catch (e) {
        this.o.log.warn(`could not save anchors: ${(e as Error).message}`);
      }
    }
    this.stopped = true;
    clearInterval(this.statusTimer);
    this.o.chain.off('tip', this.onTip);
    this.announcer?.stop();
    this.manager?.stop();
    this.relay?.stop();
    this.syncer?.stop();
    this.intake?.stop();
    await this.book?.save(true);
    await this.banList.stop();
    await this.host?.stop();
  }

  private localStatus(): StatusMessage {
    const tip = this.o.chain.tip;
    return {
      network: this.o.params.network,
      chainId: this.o.params.chainId,
      genesis: this.o.chain.genesis.hash,
      bestHash: tip.hash,
      height: tip.height,
      chainWork: tip.chainWork,
      agent: this.o.agent,
      listenAddrs: this.addrs(),
    };
  }

  private ban(peerId: string, reason: string, address: string | undefined, hard = false): Ban {
    const ban = this.banList.ban(peerId, reason, address, hard);
    this.book.remove(peerId);
    const ip = address === undefined ? undefined : ipOf(address);
    if (hard && ip !== undefined) {
      this.book.removeIp(ip);
      const banned = canonicalIp(ip);
      for (const p of this.table.all()) if (canonicalIpOf(p.address) === banned) void this.host.hangUp(p.peerId);
    }
    this.emit('peer:banned', ban);
    void this.host.hangUp(peerId);
    return ban;
  }

  /** Addresses from a peer's exchange answer, within its rate allowance (Core: 0.1 a second per peer). */
  private learn(source: string, records: { peerId: string; addrs: string[] }[]): number {
    const p = this.table.get(source);
    if (!p) return 0;
    let added = 0;
    let dropped = 0;
    for (const r of records) {
      if (r.peerId === this.host.peerId || this.banList.isBanned(r.peerId)) continue;
      if (!p.pxAllowance.take()) {
        dropped++;
        continue;
      }
      if (this.book.add(r.peerId, r.addrs, { kind: 'px', from: p.address })) added++;
    }
    this.o.log.debug('learnt %d new address(es) from %s, %d over its allowance', added, short(source), dropped);
    return added;
  }

  private onStatus(p: PeerState, first: boolean, prevBest: string | undefined): void {
    // Ready from here on: gossipsub takes the subscriptions it held for the handshake.
    if (first) this.host.peerReady(p.peerId);
    const s = p.status!;
    // Its own claim, so bucketed by the address it actually came from, never by what it claims: a peer's
    // word about itself ('inbound' is that kind), even one we dialled. Saved as 'manual' when the book had
    // lost its entry (an anchor, an eviction), it was kept as the operator's for good, never dropped for
    // failing and never rationed. ('px' would not let a peer move its own addresses.)
    if (s.listenAddrs.length > 0) this.book.add(p.peerId, s.listenAddrs, { kind: 'inbound', from: p.address });
    if (p.direction === 'outbound') this.book.markConnected(p.peerId);
    if (first) {
      this.o.log.info(`peer ${short(p.peerId)} ${p.direction} ${p.address} height ${s.height} (${s.agent})`);
      this.emit('peer:connected', summarize(p));
      this.manager.onReady(p);
      this.pullMempool(p.peerId);
    }
    if (!p.offersMoreThan(this.o.chain.tip.chainWork)) return;
    // One block ahead of us with a tip we lack: an announcement; fetch that block at once.
    if (!first && prevBest !== p.bestId && s.height === this.o.chain.height + 1) {
      // Already being validated (relayed compact, before validation): a second copy would only queue behind it.
      if (this.intake.seen.has(p.bestId!)) return;
      this.o.log.debug('block %s announced by %s', p.bestId!.slice(0, 16), short(p.peerId));
      this.syncer.fetchAnnounced(p, s.bestHash);
    } else this.syncer.trigger();
  }

  private pullMempool(peerId: string): void {
    const deps = {
      wire: this.wire,
      protocol: this.ids.sync,
      peers: this.table,
      has: (id: string) => this.o.mempool.get(id) !== undefined,
      accept: (from: string, raw: Uint8Array) => this.txIntake.accept(from, raw),
      maxTxBytes: this.txIntake.maxTxBytes,
    };
    pullMempool(deps, peerId).then(
      (n) => {
        if (n > 0) this.o.log.info(`${n} transaction(s) from the mempool of ${short(peerId)}`);
      },
      (e: Error) => this.o.log.debug('mempool exchange with %s failed: %s', short(peerId), e.message),
    );
  }

  private onConnection(c: ConnInfo): void {
    if (this.stopped) return;
    const known = this.table.get(c.peerId);
    if (known) {
      // One inbound connection per peer, as Core keeps one per node: the slots count peers, so
      // further connections under one identity never met the gate, and libp2p's own cap on
      // connections then refused honest newcomers while eviction saw free slots.
      // One each way stays (a simultaneous dial makes that pair), whichever came first.
      if (c.direction !== 'inbound') return;
      const inboundAlready = this.host.connections().some((o) => o.peerId === c.peerId && o.direction === 'inbound' && o.id !== c.id);
      if (inboundAlready) this.host.closeConnection(c.peerId, c.id);
      // A peer we dialled, connecting back: it takes no inbound slot, so there is no newcomer here to seat.
      else this.gate.release(c.address);
      return;
    }
    const p = new PeerState(c.peerId, c.direction, c.address, Date.now());
    this.table.add(p);
    if (c.direction === 'outbound') {
      // The dialer speaks first; the listener learns our status from the request.
      void this.handshake.exchange(c.peerId).then((ok) => {
        if (!ok && !p.ready) void this.host.hangUp(c.peerId);
      });
    } else {
      setTimeout(() => {
        if (!p.ready && this.table.get(c.peerId) === p) {
          this.o.log.debug('no handshake from %s in time', short(c.peerId));
          void this.host.hangUp(c.peerId);
        }
      }, LIMITS.handshakeMs).unref();
    }
  }

  private onDisconnect(peerId: string): void {
    const p = this.table.delete(peerId);
    if (!p) return;
    this.manager.onDisconnect(p);
    if (p.ready) {
      this.o.log.info(`peer ${short(peerId)} disconnected`);
      this.emit('peer:disconnected', { id: peerId, reason: this.banList.isBanned(peerId) ? 'banned' : 'closed' });
    }
  }

  private get statusIntervalMs(): number {
    return this.o.statusIntervalMs ?? STATUS_INTERVAL_MS;
  }

  private refreshStatuses(): void {
    for (const p of peersDueForStatus(this.table.ready(), Date.now(), this.statusIntervalMs)) void this.handshake.exchange(p.peerId);
  }

  overview(): NetworkOverview {
    const tipHeight = this.o.chain.height;
    return {
      peerId: this.peerId,
      addrs: this.addrs(),
      peers: { inbound: this.table.count('inbound'), outbound: this.table.count('outbound'), total: this.table.size },
      sync: this.syncer.progress(),
      bestKnownHeight: this.table.ready().reduce((m, p) => Math.max(m, p.status?.height ?? 0), tipHeight),
      addressBook: this.book.size,
      bans: this.banList.list().length,
      compact: this.compact.stats(),
      traffic: this.host.traffic(),
    };
  }

  sync(): SyncProgress {
    return this.syncer.progress();
  }

  peers(): PeerSummary[] {
    const rtt = new Map(this.host.connections().map((c) => [c.peerId, c.rttMs]));
    const mesh = new Set(this.host.meshPeers(this.ids.cmpctBlocks));
    return this.table.all().map((p) => {
      const s = summarize(p);
      const r = rtt.get(p.peerId);
      if (r !== undefined) s.latencyMs = r;
      s.gossipScore = Math.round(this.host.gossipScore(p.peerId) * 100) / 100;
      s.inBlockMesh = mesh.has(p.peerId);
      return s;
    });
  }

  bans(): Ban[] {
    return this.banList.list();
  }

  async connect(address: string): Promise<{ peerId: string; peer: PeerSummary | undefined }> {
    const peerId = await this.manager.connect(address);
    const end = Date.now() + 5_000;
    while (!this.table.get(peerId)?.ready && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return { peerId, peer: this.peers().find((p) => p.id === peerId) };
  }

  async disconnect(peerId: string, ban: boolean): Promise<boolean> {
    const known = this.table.has(peerId);
    if (ban) this.ban(peerId, 'banned by operator', this.table.get(peerId)?.address, true);
    // Only a peer we hold is hung up: any other string (an operator's typo, a fuzzer's bytes) may not even parse as a peer id.
    else if (known) await this.host.hangUp(peerId);
    return known;
  }

  unban(peerId: string): boolean {
    return this.banList.unban(peerId);
  }

  async syncNow(timeoutMs: number): Promise<SyncNowResult> {
    const ready = this.table.ready();
    await Promise.all(ready.map((p) => this.handshake.exchange(p.peerId)));
    const best = this.table.ready().reduce<PeerState | undefined>((b, p) => (!b || (p.status?.chainWork ?? 0n) > (b.status?.chainWork ?? 0n) ? p : b), undefined);
    this.syncer.trigger();
    const outcome = await Promise.race([
      this.syncer.whenIdle().then(() => 'idle' as const),
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref()),
    ]);
    const claim = best?.status ? { id: best.peerId, height: best.status.height, chainWork: best.status.chainWork } : undefined;
    return { peersAsked: ready.length, timedOut: outcome === 'timeout', best: claim };
  }
}

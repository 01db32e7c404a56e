import { RuleError, blockHash, checkProofOfWork, decodeBlock, decodeHeader, equalBytes, hashToHex, headerHash, hexToHash, type BlockHeader } from '@hackcoin/core';
import type { Network } from './network.js';
import { short } from './network.js';
import type { PeerState } from './peer-state.js';
import { decodeBlocks, decodeHeaders, encodeSyncRequest } from './messages.js';
import { LIMITS, blocksResponseMax } from './protocol.js';
import { blockFaultScore } from './relay.js';
import { BlockDownload } from './block-download.js';

export interface SyncProgress {
  state: 'synced' | 'syncing' | 'stalled';
  height: number;
  targetHeight: number;
  /** 0..1 of the way from where this sync started to the target. */
  progress: number;
  peer: string | null;
}

export interface SyncResult {
  peer: string | null;
  startHeight: number;
  endHeight: number;
  blocks: number;
  error?: string;
}

const STALL_MS = 15_000;
const BACKOFF_MS = 5_000;

/**
 * Headers-first sync. Whenever a peer claims more cumulative work than our
 * tip, ask it for headers after our locator, check their linkage and proof
 * of work, then fetch the bodies in parallel from every peer that can serve
 * them and connect them in order.
 */
export class Syncer {
  private running: Promise<SyncResult> | undefined;
  private again = false;
  private stopped = false;
  private current: PeerState | undefined;
  private startHeight = 0;
  private lastProgressAt = Date.now();
  private readonly statusInFlight = new Set<string>();
  /** Announced block ids being fetched directly, so two announcers cost one download. */
  private readonly fetching = new Set<string>();

  constructor(private readonly net: Network) {}

  stop(): void {
    this.stopped = true;
  }

  get active(): boolean {
    return this.running !== undefined;
  }

  trigger(): Promise<SyncResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.run().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.trigger();
      }
    });
    this.running = run;
    return run;
  }

  /** A gossiped block whose parent we lack: the sender has a chain we have not seen, so ask for its status. */
  onOrphan(peerId: string): void {
    if (this.statusInFlight.has(peerId)) return;
    this.statusInFlight.add(peerId);
    const p = this.net.peers.get(peerId);
    if (p) p.exhaustedAt = undefined;
    void this.net.exchangeStatus(peerId).finally(() => this.statusInFlight.delete(peerId));
  }

  /**
   * A peer announced a tip one block above ours: ask it for that block alone
   * (one round trip instead of headers, then bodies). Anything unexpected —
   * a sync already running, an unknown parent, a failed request — falls back
   * to the headers-first sync.
   */
  fetchAnnounced(peer: PeerState, hash: Uint8Array): void {
    const id = hashToHex(hash);
    if (this.net.chain.getEntry(id) || this.fetching.has(id)) return;
    if (this.running) {
      void this.trigger();
      return;
    }
    this.fetching.add(id);
    void this.fetchOne(peer, hash, id)
      .then(
        (ok) => {
          if (!ok && !this.stopped) void this.trigger();
        },
        (e: Error) => this.net.log.warn(`announced block ${id.slice(0, 16)} from ${short(peer.peerId)} failed: ${e.message}`),
      )
      .finally(() => this.fetching.delete(id));
  }

  private async fetchOne(peer: PeerState, hash: Uint8Array, id: string): Promise<boolean> {
    const { chain } = this.net;
    let raws: Uint8Array[];
    try {
      const req = encodeSyncRequest({ type: 'blocks', hashes: [hash] });
      const resp = await this.net.request(peer.peerId, this.net.ids.sync, req, blocksResponseMax(chain.params.maxBlockSize), LIMITS.blocksMs);
      raws = decodeBlocks(resp, chain.params.maxBlockSize);
    } catch (e) {
      if ((e as Error).name === 'DecodeError') this.net.misbehave(peer.peerId, 'malformed', `blocks: ${(e as Error).message}`);
      return !!chain.getEntry(id);
    }
    if (raws.length !== 1) return !!chain.getEntry(id);
    let block;
    try {
      block = decodeBlock(raws[0]!);
    } catch (e) {
      this.net.misbehave(peer.peerId, 'malformed', `announced block: ${(e as Error).message}`);
      return false;
    }
    if (!equalBytes(blockHash(block), hash)) {
      this.net.misbehave(peer.peerId, 'malformed', 'announced block: other than requested');
      return false;
    }
    this.net.relay.fromNetwork.add(id);
    // If this copy connects first, gossip's copy is ignored and not forwarded: announce to every peer.
    this.net.relay.gossiped.delete(id);
    peer.knownBlock = id;
    try {
      const r = await chain.processBlock(block, { unsolicited: true });
      if (r.status === 'connected') this.net.log.debug('block %s via announcement from %s', id, short(peer.peerId));
      return r.status !== 'orphan' && r.status !== 'ignored';
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (blockFaultScore(e) > 0) this.net.misbehave(peer.peerId, 'invalidBlock', `block ${id.slice(0, 16)}: ${e.message}`);
      return false;
    }
  }

  onPeerGone(peerId: string): void {
    if (this.current?.peerId === peerId) this.lastProgressAt = 0;
  }

  progress(): SyncProgress {
    const height = this.net.chain.height;
    const work = this.net.chain.tip.chainWork;
    const better = this.net.readyPeers().filter((p) => p.status && p.status.chainWork > work);
    const targetHeight = better.reduce((m, p) => Math.max(m, p.status!.height), height);
    if (!this.running && better.every((p) => !p.offersMoreThan(work))) {
      return { state: 'synced', height, targetHeight: Math.max(targetHeight, height), progress: 1, peer: null };
    }
    const span = Math.max(1, targetHeight - this.startHeight);
    const stalled = Date.now() - this.lastProgressAt > STALL_MS;
    return {
      state: stalled ? 'stalled' : 'syncing',
      height,
      targetHeight,
      progress: Math.min(1, Math.max(0, (height - this.startHeight) / span)),
      peer: this.current?.peerId ?? null,
    };
  }

  noteProgress(): void {
    this.lastProgressAt = Date.now();
    this.net.emit('sync:progress', this.progress());
  }

  private bestPeer(): PeerState | undefined {
    const work = this.net.chain.tip.chainWork;
    let best: PeerState | undefined;
    for (const p of this.net.readyPeers()) {
      if (p.offersMoreThan(work) && (!best || p.status!.chainWork > best.status!.chainWork)) best = p;
    }
    return best;
  }

  private async run(): Promise<SyncResult> {
    const startHeight = this.net.chain.height;
    this.startHeight = startHeight;
    this.lastProgressAt = Date.now();
    let blocks = 0;
    let last: PeerState | undefined;
    let error: string | undefined;
    for (let p = this.bestPeer(); p && !this.stopped; p = this.bestPeer()) {
      last = p;
      this.current = p;
      try {
        blocks += await this.syncFrom(p);
      } catch (e) {
        error = (e as Error).message;
        this.net.log.debug('sync from %s failed: %s', short(p.peerId), error);
        p.syncBackoffUntil = Date.now() + BACKOFF_MS;
      }
      // Whatever happened, this peer's current claim has been tried; a new status re-arms it.
      if (p.offersMoreThan(this.net.chain.tip.chainWork)) p.exhaustedAt = p.bestId;
    }
    this.current = undefined;
    const result: SyncResult = { peer: last?.peerId ?? null, startHeight, endHeight: this.net.chain.height, blocks, error };
    if (blocks > 0) this.net.log.info(`sync: ${blocks} block(s) from ${last ? short(last.peerId) : 'peers'}, height ${startHeight} → ${result.endHeight}`);
    this.net.emit('sync:done', result);
    this.net.emit('sync:progress', this.progress());
    return result;
  }

  private async syncFrom(peer: PeerState): Promise<number> {
    const { chain } = this.net;
    let total = 0;
    let continueFrom: Uint8Array | undefined;
    while (!this.stopped && peer.offersMoreThan(chain.tip.chainWork) && this.net.peers.get(peer.peerId) === peer) {
      const locator = chain.locator().map(hexToHash).slice(0, LIMITS.maxLocator - 1);
      if (continueFrom) locator.unshift(continueFrom);
      const req = encodeSyncRequest({ type: 'headers', locator, max: LIMITS.maxHeaders });
      const raw = await this.net.request(peer.peerId, this.net.ids.sync, req, 16 + LIMITS.maxHeaders * 80, LIMITS.headersMs);
      const headers = this.checkHeaders(peer, raw);
      if (!headers || headers.length === 0) break;
      const hashes = headers.map(headerHash);
      const needed = hashes.filter((h) => !chain.getEntry(hashToHex(h)));
      this.noteProgress();
      if (needed.length > 0) {
        const dl = new BlockDownload(this.net, this, needed, peer);
        const got = await dl.run();
        total += got;
        if (got < needed.length) break;
      }
      if (headers.length < LIMITS.maxHeaders) break;
      continueFrom = hashes[hashes.length - 1];
    }
    return total;
  }

  /** Decodes and checks a headers response; penalises and returns undefined when it is bad. */
  private checkHeaders(peer: PeerState, raw: Uint8Array): BlockHeader[] | undefined {
    let headers: BlockHeader[];
    try {
      headers = decodeHeaders(raw).map(decodeHeader);
    } catch (e) {
      this.net.misbehave(peer.peerId, 'malformed', `headers: ${(e as Error).message}`);
      return undefined;
    }
    if (headers.length === 0) return headers;
    if (!this.net.chain.getEntry(hashToHex(headers[0]!.prevHash))) {
      this.net.misbehave(peer.peerId, 'badHeaders', 'first header does not connect to our locator');
      return undefined;
    }
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      if (i > 0 && !equalBytes(h.prevHash, headerHash(headers[i - 1]!))) {
        this.net.misbehave(peer.peerId, 'badHeaders', 'headers do not form a chain');
        return undefined;
      }
      try {
        checkProofOfWork(h, this.net.chain.params);
      } catch (e) {
        if (e instanceof RuleError) {
          this.net.misbehave(peer.peerId, 'invalidPow', `header ${i}: ${e.message}`);
          return undefined;
        }
        throw e;
      }
    }
    return headers;
  }
}

import { RuleError, decodeTx, encodeBlock, encodeTx, hashToHex, blockHash, txId, type Block, type TransferTx } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { Mempool } from '../mempool/mempool.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { Logger } from '../util/logger.js';
import type { BlockIntake } from './block-intake.js';
import type { Validation } from './libp2p.js';
import { decodeRawList } from './messages.js';
import { NonceGapPool, type NonceGapLimits } from './nonce-gap-pool.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS } from './protocol.js';
import { RecentSet } from './recent-set.js';
import { TxBatcher } from './tx-batcher.js';

/** The gossip half of the host. */
export interface Gossip {
  subscribe(topic: string, validate: (from: string, data: Uint8Array) => Promise<Validation>): void;
  publish(topic: string, data: Uint8Array): Promise<number>;
}

/** A compact encoding for block gossip (BIP152): what to publish, and how to rebuild what arrives. */
export interface CompactCodec {
  topic: string;
  encode(block: Block): Uint8Array;
  /** `accept` processes the rebuilt block; `blame: false` when it was relayed onwards before validation. */
  receive(from: string, data: Uint8Array, accept: (block: Block, opts: { blame: boolean }) => Promise<Validation>): Promise<Validation>;
}

export interface RelayDeps {
  gossip: Gossip;
  topics: { blocks: string; txs: string };
  /** When present, new blocks are published compact on its topic instead of whole. */
  compact?: CompactCodec;
  chain: Pick<Chain, 'on' | 'off' | 'getEntry'>;
  mempool: Pick<Mempool, 'on' | 'off' | 'get' | 'add'>;
  peers: PeerSet;
  intake: BlockIntake;
  txIntake: TxIntake;
  log: Logger;
  /** A gossiped block whose parent we lack came from this peer. */
  onOrphan: (peerId: string) => void;
  /** How long a transaction made here waits for others to share its gossip message (LIMITS.txBatchMs). */
  txBatchMs?: number;
}

/** Gossiped transaction batches waiting for the one being taken, at most (a flood is ignored past it). */
const MAX_WAITING_BATCH_BYTES = 16 * 1024 * 1024;
/** One peer's share of that: a flood from one peer cannot crowd out the batches of the others. */
const MAX_WAITING_BATCH_BYTES_PER_PEER = 2 * 1024 * 1024;

/**
 * Transactions from peers, by gossip or from a mempool exchange: decode,
 * remember as seen (not published back), add to the mempool, and penalise
 * a rule broken on purpose (a stale nonce is innocent).
 */
export class TxIntake {
  readonly seen = new RecentSet(20_000);
  readonly gaps: NonceGapPool;
  private batches: Promise<unknown> = Promise.resolve();
  private waitingBytes = 0;
  /** Bytes waiting per peer; a peer leaves it when its last batch was taken. */
  private readonly waitingFrom = new Map<string, number>();

  constructor(
    private readonly mempool: Pick<Mempool, 'get' | 'add'>,
    private readonly peers: PeerSet,
    /** Largest encoded transaction worth reading (the data limit and the fixed fields). */
    readonly maxTxBytes: number,
    private readonly log: Logger,
    gapLimits?: NonceGapLimits,
  ) {
    this.gaps = new NonceGapPool(gapLimits);
  }

  /**
   * A gossiped batch. Batches are taken one at a time, each in its own order: gossipsub
   * validates messages concurrently, and a sender's later nonces in the next batch would
   * otherwise reach the mempool between its earlier ones and be dropped as gaps. What waits
   * is bounded by bytes, in all and per peer; past that a batch is ignored (not relayed,
   * nobody blamed: an honest peer relaying a burst may meet the bound too).
   */
  acceptBatch(from: string, data: Uint8Array): Promise<Validation> {
    const fromPeer = this.waitingFrom.get(from) ?? 0;
    if (this.waitingBytes + data.length > MAX_WAITING_BATCH_BYTES || fromPeer + data.length > MAX_WAITING_BATCH_BYTES_PER_PEER) {
      return Promise.resolve('ignore');
    }
    this.waitingBytes += data.length;
    this.waitingFrom.set(from, fromPeer + data.length);
    const run = this.batches.then(() => this.takeBatch(from, data));
    const done = run.finally(() => {
      this.waitingBytes -= data.length;
      const left = this.waitingFrom.get(from)! - data.length;
      if (left > 0) this.waitingFrom.set(from, left);
      else this.waitingFrom.delete(from);
    });
    this.batches = done.catch(() => undefined);
    return done;
  }

  /**
   * Relayed on when it brought at least one new transaction; one transaction that breaks a
   * rule on purpose rejects the whole message (each of its transactions is still judged on
   * its own, and each that breaks a rule on purpose penalises the sender).
   */
  private async takeBatch(from: string, data: Uint8Array): Promise<Validation> {
    let txs: Uint8Array[];
    try {
      txs = decodeRawList(data, LIMITS.maxTxsPerGossip, this.maxTxBytes);
    } catch (e) {
      this.peers.misbehave(from, 'malformed', `undecodable transaction batch: ${(e as Error).message}`);
      return 'reject';
    }
    if (txs.length === 0) {
      this.peers.misbehave(from, 'malformed', 'empty transaction batch');
      return 'reject';
    }
    // All handed to the mempool in this turn: it admits them in this order, and their signatures
    // are checked as one job on the verify pool instead of a worker round trip each.
    const verdicts = await Promise.allSettled(txs.map((raw) => this.accept(from, raw)));
    let accepted = 0;
    let rejected = false;
    for (const v of verdicts) {
      if (v.status === 'rejected') throw v.reason;
      if (v.value === 'reject') rejected = true;
      else if (v.value === 'accept') accepted++;
    }
    return rejected ? 'reject' : accepted > 0 ? 'accept' : 'ignore';
  }

  async accept(from: string, data: Uint8Array): Promise<Validation> {
    const peer = this.peers.get(from);
    let tx;
    try {
      tx = decodeTx(data);
    } catch (e) {
      this.peers.misbehave(from, 'malformed', `undecodable transaction: ${(e as Error).message}`);
      return 'reject';
    }
    if (tx.kind !== 'transfer') {
      this.peers.misbehave(from, 'malformed', 'coinbase relayed as a transaction');
      return 'reject';
    }
    const id = txId(tx);
    if (this.mempool.get(id)) return 'ignore';
    this.seen.add(id);
    const v = await this.add(from, tx, data.length);
    if (v === 'accept' && peer) peer.lastTxAt = Date.now();
    return v;
  }

  /**
   * A transaction joined the mempool (from anywhere): one held for the gap it closes goes in
   * after it, and so on along the sender's nonces, each admission calling this again.
   */
  admitted(e: MempoolEntry): void {
    const next = this.gaps.next(e.tx);
    if (next) this.add(next.from, next.tx, 0).catch((err: Error) => this.log.warn(`held transaction not admitted: ${err.message}`));
  }

  private async add(from: string, tx: TransferTx, bytes: number): Promise<Validation> {
    try {
      await this.mempool.add(tx);
      return 'accept';
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      // Held only when it came over the network (bytes > 0): a held one re-tried is not held again.
      if (e.code === 'bad-txns-nonce-gap' && bytes > 0) this.gaps.add(tx, from, bytes);
      if (e.score <= 0) return 'ignore';
      this.peers.misbehave(from, 'invalidTx', e.message, Math.max(0, e.score - 10));
      return 'reject';
    }
  }
}

/**
 * Block and transaction gossip. Validators run the full chain or mempool
 * checks before gossipsub forwards anything, so invalid data stops at the
 * first honest node and its sender is penalised. Only objects made here are
 * published; those from the network were forwarded by gossipsub already.
 */
export class Relay {
  /**
   * Blocks gossipsub itself carries onwards: accepted by our validator (forwarded to the mesh)
   * or published here (flood-published to every subscriber). The tip announcer only needs to
   * cover the peers gossip does not reach for these.
   */
  readonly gossiped = new RecentSet(256);
  private readonly onBlock = (e: ChainEntry, block: Block) => this.publishBlock(e, block);
  private readonly onTx = (e: MempoolEntry) => {
    this.d.txIntake.admitted(e);
    this.publishTx(e);
  };
  private readonly txBatch: TxBatcher;

  constructor(private readonly d: RelayDeps) {
    this.txBatch = new TxBatcher((batch, count) => this.publishTxBatch(batch, count), {
      maxTxs: LIMITS.maxTxsPerGossip,
      maxBytes: LIMITS.txBatchBytes,
      delayMs: d.txBatchMs ?? LIMITS.txBatchMs,
    });
  }

  start(): void {
    // Whole blocks are still accepted from peers that send them; only what we publish is compact.
    this.d.gossip.subscribe(this.d.topics.blocks, (from, data) => this.validateBlock(from, data));
    const compact = this.d.compact;
    if (compact) {
      this.d.gossip.subscribe(compact.topic, (from, data) => {
        const p = this.d.peers.get(from);
        if (p) p.bytesIn += data.length;
        return compact.receive(from, data, (block, o) => this.acceptBlock(from, block, o.blame));
      });
    }
    this.d.gossip.subscribe(this.d.topics.txs, (from, data) => {
      const p = this.d.peers.get(from);
      if (p) p.bytesIn += data.length;
      return this.d.txIntake.acceptBatch(from, data);
    });
    this.d.chain.on('block:connected', this.onBlock);
    this.d.mempool.on('tx:added', this.onTx);
  }

  stop(): void {
    this.d.chain.off('block:connected', this.onBlock);
    this.d.mempool.off('tx:added', this.onTx);
    this.txBatch.stop();
  }

  private publishBlock(e: ChainEntry, block: Block): void {
    if (this.d.intake.seen.has(e.id)) return;
    this.d.intake.seen.add(e.id);
    this.gossiped.add(e.id);
    this.d.log.debug('publishing block %s', e.id.slice(0, 16));
    const data = this.d.compact ? this.d.compact.encode(block) : encodeBlock(block);
    this.d.gossip.publish(this.d.compact?.topic ?? this.d.topics.blocks, data).then(
      (n) => {
        this.countOut(data.length);
        this.d.log.debug('published block %s to %d peers', e.id, n);
      },
      (err: Error) => this.d.log.debug('publish block %s failed: %s', e.id, err.message),
    );
  }

  private publishTx(e: MempoolEntry): void {
    if (this.d.txIntake.seen.has(e.id)) return;
    this.d.txIntake.seen.add(e.id);
    this.txBatch.add(encodeTx(e.tx));
  }

  private publishTxBatch(batch: Uint8Array, count: number): void {
    this.d.gossip.publish(this.d.topics.txs, batch).then(
      () => this.countOut(batch.length),
      (err: Error) => this.d.log.debug('publish of %d transaction(s) failed: %s', count, err.message),
    );
  }

  private countOut(bytes: number): void {
    for (const p of this.d.peers.ready()) p.bytesOut += bytes;
  }

  private async validateBlock(from: string, data: Uint8Array): Promise<Validation> {
    const peer = this.d.peers.get(from);
    if (peer) peer.bytesIn += data.length;
    const block = this.d.intake.decode(from, data);
    if (!block) return 'reject';
    return this.acceptBlock(from, block);
  }

  private async acceptBlock(from: string, block: Block, blame = true): Promise<Validation> {
    const id = hashToHex(blockHash(block));
    if (this.d.chain.getEntry(id)) return 'ignore';
    this.gossiped.add(id);
    const r = await this.d.intake.accept(from, block, { unsolicited: true, blame });
    if (r.status === 'orphan') {
      // Gossip cannot be trusted to deliver every block: fetch the gap from the sender.
      this.d.onOrphan(from);
      return 'ignore';
    }
    if (r.status === 'invalid') return 'reject';
    return r.status === 'connected' || r.status === 'side' ? 'accept' : 'ignore';
  }
}

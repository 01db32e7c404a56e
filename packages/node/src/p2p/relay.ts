import { encodeBlock, encodeTx, hashToHex, blockHash, type Block } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { Mempool } from '../mempool/mempool.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { Logger } from '../util/logger.js';
import type { BlockIntake } from './block-intake.js';
import type { Validation } from './libp2p.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS } from './protocol.js';
import { RecentSet } from '../util/recent-set.js';
import { TxBatcher } from './tx-batcher.js';
import type { TxIntake } from './tx-intake.js';

/** The gossip half of the host. */
export interface Gossip {
  subscribe(topic: string, validate: (from: string, data: Uint8Array) => Promise<Validation>): void;
  publish(topic: string, data: Uint8Array): Promise<number>;
}

/** A compact encoding for block gossip (BIP152): what to publish, and how to rebuild what arrives. */
export interface CompactCodec {
  topic: string;
  encode(block: Block): Uint8Array;
  /** `accept` processes the rebuilt block; `blame: false` holds only header rules against the sender. */
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
  private readonly onBlock = (e: ChainEntry, block: Block) => {
    this.d.txIntake.confirmed(block);
    this.publishBlock(e, block);
  };
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

  /** A transaction from the network that we admitted but whose message was not relayed on: it goes in our own batch. */
  republish(rawTx: Uint8Array): void {
    this.txBatch.add(rawTx);
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
    // A copy refused unstored (a body its header does not commit to, a mutated one) went nowhere: the
    // block its header names may yet come by sync, and then the announcer must not count on gossip.
    // So is one ignored unstored (lighter than the chain being downloaded).
    if ((r.status === 'invalid' || r.status === 'ignored') && !this.d.chain.getEntry(id)) this.gossiped.delete(id);
    if (r.status === 'orphan') {
      // Gossip cannot be trusted to deliver every block: fetch the gap from the sender.
      this.d.onOrphan(from);
      return 'ignore';
    }
    // An invalid block its sender is not blamed for (relayed before validation) must not cost it gossip score either.
    if (r.status === 'invalid') return r.blamed === false ? 'ignore' : 'reject';
    // Only a block the chain connected is forwarded: a side block is stored unvalidated, and a
    // node behind us that connects it would hold its faults against us (Core relays only new tips).
    return r.status === 'connected' ? 'accept' : 'ignore';
  }
}

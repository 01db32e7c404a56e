import { randomBytes } from 'node:crypto';
import {
  RuleError,
  blockHash,
  checkHeaderContext,
  decodeCompact,
  equalBytes,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  targetFromBits,
  type Block,
  type BlockHeader,
  type ConsensusParams,
  type Transaction,
} from '@hackcoin/core';
import type { Chain } from '../../chain/chain.js';
import type { ChainEntry } from '../../chain/entry.js';
import { blockFaultScore } from '../block-intake.js';
import type { Logger } from '../../util/logger.js';
import type { Validation } from '../libp2p.js';
import type { PeerSet } from '../peer-set.js';
import { short } from '../peer-set.js';
import type { Requester } from '../sync-client.js';
import { decodeBlockTxn, decodeCompactBlock, encodeBlockTxnRequest, encodeCompactBlock, type CompactBlock } from './messages.js';
import { fill, reconstruct, toCompact, type PartialBlock, type PoolTx } from './reconstruct.js';
import type { RecentBlocks } from './recent-blocks.js';

/** getblocktxn is small and answered from memory: a peer slower than this is asked for the full block instead. */
export const BLOCKTXN_TIMEOUT_MS = 3_000;

export interface CompactRelayDeps {
  chain: Pick<Chain, 'getEntry' | 'tip' | 'nextBits' | 'medianTimePast'>;
  params: ConsensusParams;
  /** Unix seconds, for the header's future-time rule. */
  now(): number;
  /** Transactions we hold, to rebuild from (the mempool). */
  pool(): Iterable<PoolTx>;
  peers: PeerSet;
  requester: Requester;
  /** The compact-block request/response protocol id (getblocktxn). */
  protocol: string;
  /** The whole block from a peer, by hash (the sync protocol); undefined when it cannot be had. */
  fullBlock(peerId: string, hash: Uint8Array): Promise<Block | undefined>;
  recent: RecentBlocks;
  log: Logger;
  /** A compact block whose parent we lack came from this peer. */
  onOrphan(peerId: string): void;
}

/** Counters for the status route: how blocks crossed. */
export interface CompactStats {
  received: number;
  /** Rebuilt from the mempool alone, no round trip. */
  fromPoolOnly: number;
  /** getblocktxn round trips made. */
  roundTrips: number;
  txsFromPool: number;
  txsRequested: number;
  /** Compact blocks we gave up on and fetched whole (collision, timeout, merkle mismatch). */
  fullFallbacks: number;
  /** Relayed onwards as soon as rebuilt, before the block's transactions were validated. */
  forwardedEarly: number;
}

/**
 * BIP152's compact block relay over gossip. The announcer sends the header,
 * a nonce, 6-byte short ids and the coinbase; the receiver rebuilds the block
 * from its mempool, asks the sender only for the transactions it lacks by
 * index, and on any failure fetches the whole block. A collision is never
 * held against the sender: only messages no honest node sends are.
 */
export class CompactRelay {
  private readonly counters: CompactStats = { received: 0, fromPoolOnly: 0, roundTrips: 0, txsFromPool: 0, txsRequested: 0, fullFallbacks: 0, forwardedEarly: 0 };
  private readonly powLimit: bigint;

  constructor(private readonly d: CompactRelayDeps) {
    this.powLimit = decodeCompact(d.params.powLimitBits).target;
  }

  stats(): CompactStats {
    return { ...this.counters };
  }

  /** The gossip payload for a block made here. */
  encode(block: Block): Uint8Array {
    this.d.recent.add(hashToHex(blockHash(block)), block);
    return encodeCompactBlock(toCompact(block, randomBytes(8)));
  }

  /**
   * A compact block from `from`: rebuilt, then handed to `accept` (the block
   * intake). A block extending our tip whose header passes every contextual
   * rule is relayed on at once and validated behind it (BIP152's
   * high-bandwidth mode): each hop then costs a rebuild, not a full
   * validation. Any other block is validated first and gossip acts on the
   * verdict.
   */
  async receive(from: string, data: Uint8Array, accept: (block: Block, opts: { blame: boolean }) => Promise<Validation>): Promise<Validation> {
    const decoded = decodeCompactBlock(data, this.d.params.maxBlockTxs);
    if (!decoded.ok) {
      this.d.peers.misbehave(from, 'malformed', `${decoded.rule}: ${decoded.detail}`);
      return 'reject';
    }
    const cb = decoded.value;
    const hash = headerHash(cb.header);
    const id = hashToHex(hash);
    if (this.d.chain.getEntry(id)) return 'ignore';
    // Proof of work first: nobody makes us rebuild or request anything for a header that cost nothing.
    const target = targetFromBits(cb.header.bits, this.powLimit);
    if (target === null || !hashMeetsTarget(hash, target)) {
      this.d.peers.misbehave(from, 'invalidPow', `compact block ${id.slice(0, 16)}: high-hash`);
      return 'reject';
    }
    const prevId = hashToHex(cb.header.prevHash);
    const parent = this.d.chain.getEntry(prevId);
    // A parent we rebuilt and relayed is still being validated when a burst of blocks arrives: not an orphan.
    if (!parent && !this.d.recent.has(prevId)) {
      this.d.onOrphan(from);
      return 'ignore';
    }
    this.counters.received++;
    this.d.log.debug('cmpct %s received from %s', id.slice(0, 16), short(from));
    const block = await this.rebuild(from, cb, hash);
    if (!block || this.d.chain.getEntry(id)) return 'ignore';
    this.d.log.debug('cmpct %s rebuilt', id.slice(0, 16));
    this.d.recent.add(id, block);
    if (!parent || parent !== this.d.chain.tip) return accept(block, { blame: true });
    const refused = this.checkHeader(from, cb.header, parent, id);
    if (refused) return refused;
    this.counters.forwardedEarly++;
    this.d.log.debug('cmpct %s forwarded', id.slice(0, 16));
    accept(block, { blame: false }).catch((e: Error) => this.d.log.warn(`compact block ${id.slice(0, 16)}: ${e.message}`));
    return 'accept';
  }

  /** The header rules the chain would apply (bits, median time, future time), before anything is forwarded. */
  private checkHeader(from: string, header: BlockHeader, parent: ChainEntry, id: string): Validation | undefined {
    try {
      checkHeaderContext(
        header,
        { expectedBits: this.d.chain.nextBits(parent), medianTimePast: this.d.chain.medianTimePast(parent), now: this.d.now(), height: parent.height + 1, prevTime: parent.header.time },
        this.d.params,
      );
      return undefined;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      if (blockFaultScore(e) === 0) return 'ignore';
      this.d.peers.misbehave(from, 'invalidHeader', `compact block ${id.slice(0, 16)}: ${e.message}`);
      return 'reject';
    }
  }

  private async rebuild(from: string, cb: CompactBlock, hash: Uint8Array): Promise<Block | undefined> {
    const first = reconstruct(cb, this.d.pool());
    if (first.kind === 'complete') {
      this.counters.fromPoolOnly++;
      this.counters.txsFromPool += first.fromPool;
      return first.block;
    }
    if (first.kind === 'fallback') return this.full(from, hash, first.reason);
    const missing = await this.requestMissing(from, hash, first.partial);
    if (missing === undefined) return this.full(from, hash, 'no usable blocktxn');
    const done = fill(first.partial, missing);
    if (done.kind === 'complete') {
      this.counters.txsFromPool += first.partial.fromPool;
      return done.block;
    }
    if (done.kind === 'peer-fault') {
      this.d.peers.misbehave(from, 'malformed', `${done.rule}: ${done.detail}`);
      return undefined;
    }
    return this.full(from, hash, done.kind === 'fallback' ? done.reason : 'incomplete');
  }

  private async requestMissing(from: string, hash: Uint8Array, partial: PartialBlock): Promise<Transaction[] | undefined> {
    this.counters.roundTrips++;
    this.counters.txsRequested += partial.missing.length;
    let raw: Uint8Array;
    try {
      const req = encodeBlockTxnRequest({ blockHash: hash, indexes: partial.missing });
      raw = await this.d.requester.request(from, this.d.protocol, req, this.d.params.maxBlockSize + 1024, BLOCKTXN_TIMEOUT_MS);
    } catch (e) {
      this.d.log.debug('getblocktxn to %s failed: %s', short(from), (e as Error).message);
      return undefined;
    }
    const msg = decodeBlockTxn(raw, this.d.params.maxBlockTxs);
    if (!msg.ok) {
      this.d.peers.misbehave(from, 'malformed', `${msg.rule}: ${msg.detail}`);
      return undefined;
    }
    if (!equalBytes(msg.value.blockHash, hash)) {
      this.d.peers.misbehave(from, 'malformed', 'cmpct-blocktxn-other-block: answer names another block');
      return undefined;
    }
    // An empty answer: the peer no longer has the block (honest after a reorg); a wrong count is checked by fill().
    return msg.value.txs.length === 0 ? undefined : msg.value.txs;
  }

  private async full(from: string, hash: Uint8Array, why: string): Promise<Block | undefined> {
    this.counters.fullFallbacks++;
    this.d.log.debug('compact block %s from %s: %s, fetching it whole', hashToHex(hash).slice(0, 16), short(from), why);
    return this.d.fullBlock(from, hash);
  }
}

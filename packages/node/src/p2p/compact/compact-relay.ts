import { randomBytes } from 'node:crypto';
import {
  RuleError,
  blockCoinbase,
  blockHash,
  checkBlockSanity,
  checkHeaderContext,
  decodeCompact,
  equalBytes,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  targetFromBits,
  workFromBits,
  type Block,
  type BlockHeader,
  type ConsensusParams,
  type Transaction,
} from '@hackcoin/core';
import type { Chain } from '../../chain/chain.js';
import { Status, makeEntry, type ChainEntry } from '../../chain/entry.js';
import { blockFaultScore } from '../block-intake.js';
import { mutation, mutationDetail } from '../mutated-block.js';
import type { Logger } from '../../util/logger.js';
import type { Validation } from '../libp2p.js';
import type { PeerSet } from '../peer-set.js';
import { short } from '../peer-set.js';
import type { Requester } from '../sync-client.js';
import { decodeBlockTxn, decodeCompactBlock, encodeBlockTxnRequest, encodeCompactBlock, type CompactBlock } from './messages.js';
import { fill, mismatch, reconstruct, toCompact, type PartialBlock, type PoolTx } from './reconstruct.js';
import type { RecentBlocks } from './recent-blocks.js';
import { OldestFirst } from '../../util/oldest-first.js';
import { RecentSet } from '../../util/recent-set.js';

/** getblocktxn is small and answered from memory: a peer slower than this is asked for the full block instead. */
export const BLOCKTXN_TIMEOUT_MS = 3_000;

/**
 * Compact blocks of one peer rebuilt at a time, plus one waiting behind: a
 * rebuild may cost a mempool scan, a getblocktxn and a full-block fetch, and
 * a peer may not run several at once. One may wait because an honest peer
 * can send two blocks in a row while the first one's round trip is out, and
 * a gossip message we ignore is never delivered to us again.
 */
const MAX_REBUILDS_PER_PEER = 2;

/**
 * Copies of one header rebuilt at once, from different peers (Core's MAX_CMPCTBLOCKS_INFLIGHT_PER_BLOCK):
 * each may cost a mempool scan and a round trip, and anyone can send the latest header again with
 * made-up short ids from as many identities as it likes.
 */
const MAX_REBUILDS_PER_BLOCK = 3;

/**
 * Past those bounds a copy is still tried against the mempool alone, once per sender and header, and
 * at most this many times per header: a scan of a copy whose short ids are made up never stops early
 * and costs a SipHash per pooled transaction (tens of ms for a full pool), so they must not be free.
 */
const POOL_TRIES_PAST_BOUND = 4;
/** Senders and headers whose past-bound mempool try was spent; headers are few (each beat our tip with real work). */
const POOL_TRIES_REMEMBERED = 1_024;

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
  /**
   * A header that passed every check, whose block `from` did not let us have (its lane was full, it
   * did not answer, or answered wrong): other peers are to be asked. Gossip marks a message seen before
   * we judge it, so the honest copies of a compact block that its first deliverer sat on never reach us.
   */
  onUnobtained(from: string, hash: Uint8Array): void;
}

/** What gossip is told instead of `accept` when a compact block yields no block to hand on. */
type Refusal = Exclude<Validation, 'accept'>;

interface Lane {
  /** Settles when the lane's last rebuild has. */
  tail: Promise<void>;
  size: number;
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
 * index, and on any failure fetches the whole block, which must match the
 * compact block before gossip may forward it (see `full`). A collision is
 * never held against the sender: only messages no honest node sends are.
 */
export class CompactRelay {
  private readonly counters: CompactStats = { received: 0, fromPoolOnly: 0, roundTrips: 0, txsFromPool: 0, txsRequested: 0, fullFallbacks: 0, forwardedEarly: 0 };
  private readonly powLimit: bigint;
  /** Per peer, the rebuilds running or waiting (see MAX_REBUILDS_PER_PEER); a peer leaves the map when its lane empties. */
  private readonly lanes = new Map<string, Lane>();
  /** Blocks rebuilt and handed to the intake whose verdict is not in yet: a copy of one is not rebuilt again. */
  private readonly validating = new Set<string>();
  /** Rebuilds running or waiting, per header (see MAX_REBUILDS_PER_BLOCK); a header leaves the map with its last one. */
  private readonly rebuilding = new Map<string, number>();
  /** Past-bound mempool tries (see POOL_TRIES_PAST_BOUND): the `header:sender` pairs that spent theirs, and the tries per header. */
  private readonly poolTried = new RecentSet<string>(POOL_TRIES_REMEMBERED);
  private readonly poolTries = new Map<string, number>();
  private readonly oldestTries = new OldestFirst(this.poolTries);

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
   * intake). Before anything is rebuilt or requested, its header must pass
   * every rule the chain would apply to it against a parent we know, and its
   * chain must beat our tip's work (Bitcoin Core's rule for compact blocks):
   * a header that cost nothing, or one on an old low-difficulty fork, buys no
   * work from us. A block extending our tip is then relayed on at once and
   * validated behind it (BIP152's high-bandwidth mode); any other block is
   * validated first. Either way, a broken rule past the header is not held
   * against the sender (`blame: false`): honest relayers pass blocks on
   * before validating them, so such a block may reach us from a peer that had
   * no way to know (an invalid child forwarded by a node whose tip its parent
   * already was, while we are still validating that parent).
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
    if (this.known(id)) return 'ignore';
    // Proof of work first: nobody makes us rebuild or request anything for a header that cost nothing.
    const target = targetFromBits(cb.header.bits, this.powLimit);
    if (target === null || !hashMeetsTarget(hash, target)) {
      this.d.peers.misbehave(from, 'invalidPow', `compact block ${id.slice(0, 16)}: high-hash`);
      return 'reject';
    }
    const parent = this.parentOf(cb.header);
    if (!parent) {
      // Header sync fetches the gap from the sender.
      this.d.onOrphan(from);
      return 'ignore';
    }
    if (parent.status & Status.invalid) {
      this.d.peers.misbehave(from, 'invalidHeader', `compact block ${id.slice(0, 16)}: invalid-ancestor`);
      return 'reject';
    }
    const refused = this.checkHeader(from, cb.header, parent, id);
    if (refused) return refused;
    if (parent.chainWork + workFromBits(cb.header.bits) <= this.d.chain.tip.chainWork) return 'ignore';
    const block = await this.obtain(from, cb, hash, id);
    if (typeof block === 'string') return block;
    if (this.known(id)) return 'ignore';
    this.d.log.debug('cmpct %s rebuilt', id.slice(0, 16));
    this.d.recent.add(id, block);
    this.validating.add(id);
    const verdict = accept(block, { blame: false }).finally(() => this.validating.delete(id));
    if (parent !== this.d.chain.tip) return verdict;
    this.counters.forwardedEarly++;
    this.d.log.debug('cmpct %s forwarded', id.slice(0, 16));
    verdict.catch((e: Error) => this.d.log.warn(`compact block ${id.slice(0, 16)}: ${e.message}`));
    return 'accept';
  }

  /** In the block index, or rebuilt and handed to the intake already. */
  private known(id: string): boolean {
    return this.d.chain.getEntry(id) !== undefined || this.validating.has(id);
  }

  /**
   * The parent the header's rules are judged against: a block of the index,
   * or one we rebuilt that descends from it through other rebuilt blocks (a
   * burst: the blocks before are still queued for validation), stood in for
   * by entries made from their headers, which is all those rules read.
   */
  private parentOf(header: BlockHeader): ChainEntry | undefined {
    const chain: Block[] = [];
    let prevId = hashToHex(header.prevHash);
    let indexed = this.d.chain.getEntry(prevId);
    // Bounded by what recent holds: each step is one of its blocks.
    while (!indexed) {
      const rebuilt = this.d.recent.peek(prevId);
      if (!rebuilt || chain.length >= this.d.recent.capacity) return undefined;
      chain.push(rebuilt);
      prevId = hashToHex(rebuilt.header.prevHash);
      indexed = this.d.chain.getEntry(prevId);
    }
    let parent = indexed;
    for (const block of chain.reverse()) {
      // A full-block fallback is rebuilt before any sanity check: one without a coinbase stands for nothing.
      const coinbase = blockCoinbase(block);
      if (!coinbase) return undefined;
      parent = makeEntry(block.header, parent, workFromBits(block.header.bits), 0, coinbase.stateRoot);
    }
    return parent;
  }

  /** Runs `work` in `from`'s lane (see MAX_REBUILDS_PER_PEER; the caller checked it has room). */
  private inLane<T>(from: string, work: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(from);
    if (!lane) {
      lane = { tail: Promise.resolve(), size: 0 };
      this.lanes.set(from, lane);
    }
    const own = lane;
    own.size++;
    const run = own.tail.then(work);
    own.tail = run.then(
      () => this.leave(from, own),
      () => this.leave(from, own),
    );
    return run;
  }

  private leave(from: string, lane: Lane): void {
    if (--lane.size === 0 && this.lanes.get(from) === lane) this.lanes.delete(from);
  }

  /** The header rules the chain would apply (bits, median time, future time), before anything is rebuilt or forwarded. */
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

  /**
   * The block, rebuilt in the sender's lane, or, past the lane's or the header's bound, from the
   * mempool alone (Core still tries that past its bound): copies of the latest header with made-up
   * short ids, their round trips withheld, must not turn away an honest copy the pool completes.
   */
  private obtain(from: string, cb: CompactBlock, hash: Uint8Array, id: string): Promise<Block | Refusal> {
    const copies = this.rebuilding.get(id) ?? 0;
    if ((this.lanes.get(from)?.size ?? 0) >= MAX_REBUILDS_PER_PEER || copies >= MAX_REBUILDS_PER_BLOCK) {
      const tried = `${id}:${from}`;
      const tries = this.poolTries.get(id) ?? 0;
      if (!this.poolTried.has(tried) && tries < POOL_TRIES_PAST_BOUND) {
        this.poolTried.add(tried);
        this.poolTries.set(id, tries + 1);
        if (this.poolTries.size > POOL_TRIES_REMEMBERED) this.oldestTries.evict();
        this.counters.received++;
        const first = reconstruct(cb, this.d.pool());
        if (first.kind === 'complete') return Promise.resolve(this.completed(from, first, id));
      }
      // Gossip does not deliver a message again: header sync fetches the block from the sender, and from others.
      this.d.onOrphan(from);
      this.d.onUnobtained(from, hash);
      return Promise.resolve('ignore');
    }
    this.rebuilding.set(id, copies + 1);
    // A copy that waited in the lane finds the block rebuilt by the one before it.
    const run = this.inLane(from, () => (this.known(id) ? Promise.resolve<Refusal>('ignore') : this.rebuild(from, cb, hash, id)));
    // Beside the await, not in its way: a copy waiting in the lane must find this one's block validating.
    const done = () => {
      const left = this.rebuilding.get(id)! - 1;
      if (left === 0) this.rebuilding.delete(id);
      else this.rebuilding.set(id, left);
    };
    run.then(done, done);
    // The lane's own promise, not one wrapping it: a copy waiting in the lane must find this one's block
    // validating, which receive() marks as soon as this settles.
    return run;
  }

  /** A block the mempool completed, checked (see `sane`). */
  private completed(from: string, rebuilt: { block: Block; fromPool: number }, id: string): Block | Refusal {
    this.counters.fromPoolOnly++;
    this.counters.txsFromPool += rebuilt.fromPool;
    return this.sane(from, rebuilt.block, id, false);
  }

  private async rebuild(from: string, cb: CompactBlock, hash: Uint8Array, id: string): Promise<Block | Refusal> {
    this.counters.received++;
    this.d.log.debug('cmpct %s received from %s', id.slice(0, 16), short(from));
    const first = reconstruct(cb, this.d.pool());
    if (first.kind === 'complete') return this.completed(from, first, id);
    if (first.kind === 'fallback') return this.full(from, cb, hash, first.reason);
    const missing = await this.requestMissing(from, hash, first.partial);
    if (missing === undefined) {
      // The whole block is asked of the sender (20 s), and the others are asked meanwhile.
      this.d.onUnobtained(from, hash);
      return this.full(from, cb, hash, 'no usable blocktxn');
    }
    const done = fill(first.partial, missing);
    if (done.kind === 'complete') {
      this.counters.txsFromPool += first.partial.fromPool;
      return this.sane(from, done.block, id, false);
    }
    if (done.kind === 'peer-fault') {
      this.d.peers.misbehave(from, 'malformed', `${done.rule}: ${done.detail}`);
      this.d.onUnobtained(from, hash);
      return 'ignore';
    }
    return this.full(from, cb, hash, done.kind === 'fallback' ? done.reason : 'incomplete');
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

  /**
   * The whole block, from the peer that sent the compact block, checked
   * against it: gossip forwards the compact block's own bytes, and one that
   * does not describe its block would make every peer we pass it to fail to
   * rebuild it, then take the block we serve for it as our lie. An honest
   * node forwards only compact blocks that matched their block (rebuilt ones
   * match by construction), so a peer that sent both halves of a mismatch is
   * at fault. The block is dropped with the announcement: once known here,
   * every correct announcement of it would be ignored and gossip would carry
   * it no further from us; a correct one, or sync, still brings it.
   * A block that repeats transactions under its header's root matches an
   * announcement that repeats their short ids, so it is refused first, before
   * it is cached, handed on or forwarded, under its own offence.
   */
  private async full(from: string, cb: CompactBlock, hash: Uint8Array, why: string): Promise<Block | Refusal> {
    this.counters.fullFallbacks++;
    this.d.log.debug('compact block %s from %s: %s, fetching it whole', hashToHex(hash).slice(0, 16), short(from), why);
    const block = await this.d.fullBlock(from, hash);
    if (!block) {
      this.d.onUnobtained(from, hash);
      return 'ignore';
    }
    const mutated = mutation(block);
    if (mutated !== undefined) {
      this.d.peers.misbehave(from, 'mutatedBlock', mutationDetail(block, mutated));
      return 'reject';
    }
    const wrong = mismatch(cb, block);
    if (wrong === undefined) return this.sane(from, block, hashToHex(hash), true);
    this.d.peers.misbehave(from, 'malformed', `cmpct-block-mismatch: ${wrong}`);
    return 'reject';
  }

  /**
   * The block's context-free rules (one coinbase, first; sizes; no repeated transaction; the merkle
   * root), before it is cached for getblocktxn, handed on or forwarded, as Core relays a compact block
   * only once CheckBlock passed. A block with a second coinbase fetched whole, forwarded early and
   * answered from the cache, had every peer asking us for its transactions ban us for sending a
   * coinbase (`cmpct-blocktxn-coinbase`): one invalid block got honest relayers banned network-wide.
   * Only the sender of the whole block is blamed: an honest node serves whole only blocks it stored,
   * which passed these rules; one rebuilt from announcements may have been forwarded before anyone
   * checked it (Core does not punish broken blocks that came by compact block either).
   */
  private sane(from: string, block: Block, id: string, whole: boolean): Block | Refusal {
    try {
      checkBlockSanity(block, this.d.params);
      return block;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      // A body that misses its header's root may be a bad copy of an honest block: its own offence (see PENALTY).
      const copy = e.code === 'bad-merkle-root' || e.code === 'bad-txns-duplicate';
      if (whole) this.d.peers.misbehave(from, copy ? 'mutatedBlock' : 'invalidBlock', `compact block ${id.slice(0, 16)} fetched whole: ${e.message}`);
      else this.d.log.warn(`compact block ${id.slice(0, 16)} from ${short(from)} breaks ${e.code}: not relayed`);
      // Unblamed, it costs no gossip score either (as relay.ts answers such blocks).
      return whole ? 'reject' : 'ignore';
    }
  }
}

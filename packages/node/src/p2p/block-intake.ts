import { RuleError, blockHash, checkProofOfWork, decodeBlock, hashToHex, workFromBits, type Block, type ConsensusParams, type RejectCode } from '@hackcoin/core';
import type { BlockStatus, ChainEvents } from '../chain/chain.js';
import { Status, type ChainEntry } from '../chain/entry.js';
import type { Logger } from '../util/logger.js';
import type { PeerSet } from './peer-set.js';
import { short } from './peer-set.js';
import { RecentSet } from '../util/recent-set.js';
import { BlockSenders, type Delivery } from './block-senders.js';
import { mutation, mutationDetail } from './mutated-block.js';

/** What the intake needs of the chain. */
export interface BlockSink {
  readonly params: ConsensusParams;
  getEntry(id: string): ChainEntry | undefined;
  processBlock(block: Block, opts?: { unsolicited?: boolean }): Promise<{ status: BlockStatus; entry?: ChainEntry }>;
  /**
   * Blocks judged: connected, found invalid when an activation tried them (or an ancestor failed),
   * or held as orphans and refused when their parent arrived.
   */
  on<K extends JudgedEvent>(event: K, fn: (...args: ChainEvents[K]) => void): unknown;
  off<K extends JudgedEvent>(event: K, fn: (...args: ChainEvents[K]) => void): unknown;
}

type JudgedEvent = 'block:invalid' | 'block:connected' | 'orphan:invalid';

export type IntakeStatus = BlockStatus | 'invalid';

export interface IntakeResult {
  id: string;
  status: IntakeStatus;
  /** The sender was penalised for the block (an invalid block relayed before validation may not be). */
  blamed?: boolean;
}

/**
 * The rules a header alone decides: its proof of work, its context against
 * its parent, and a parent known to be invalid. A relayer checks these before
 * passing a block on unvalidated, so breaking one is the sender's fault even
 * then (Bitcoin Core's BLOCK_INVALID_HEADER and BLOCK_INVALID_PREV).
 */
const HEADER_RULES: ReadonlySet<RejectCode> = new Set<RejectCode>(['high-hash', 'bad-diffbits', 'bad-version', 'time-too-old', 'time-timewarp-attack', 'invalid-ancestor']);

/**
 * Transaction rules carry score 0 because a stale nonce is innocent in the
 * mempool; inside a block, whose PoW the sender vouched for, any broken rule
 * is the sender's fault. Only a fast clock is forgiven.
 */
export function blockFaultScore(e: RuleError): number {
  return e.code === 'time-too-new' ? 0 : Math.max(e.score, 100);
}

/**
 * Deliveries remembered until their block is judged: a sync download window (1,024 blocks) and a
 * fork's blocks stored before it outweighs the tip, several times over (~200 bytes each).
 */
const MAX_UNJUDGED = 8_192;

interface Pending extends Delivery {
  /** Set when the chain found the block invalid while processing it or a later block. */
  verdict?: IntakeResult;
}

/**
 * The one way a block from a peer enters the node, whether gossiped,
 * announced or downloaded by sync: decode, remember it as seen (so relay
 * does not publish it back), process it, and turn a broken rule into a
 * penalty for the peer that sent it, also when the rule is found broken only
 * later, as a block above it makes its chain the best.
 */
export class BlockIntake {
  /** Blocks that came from the network: relay publishes only the ones made here. */
  readonly seen = new RecentSet(4_096);
  private readonly unjudged = new BlockSenders<Pending>(MAX_UNJUDGED);

  private readonly onConnected = (entry: ChainEntry): void => this.unjudged.delete(entry.id);
  private readonly onInvalid = (entry: ChainEntry, error: RuleError): void => this.judgeLater(entry.id, error);
  private readonly onOrphanInvalid = (id: string, error: RuleError): void => this.judgeLater(id, error);

  constructor(
    private readonly chain: BlockSink,
    private readonly peers: PeerSet,
    private readonly log: Logger,
    /**
     * Work of the heaviest header chain sync is downloading: an unsolicited block on a lighter chain
     * is not stored meanwhile, though it beats our tip. A node behind, syncing an honest chain, was
     * otherwise pushed a cheap fork built on its tip (difficulty eased 4× per retarget window) by
     * gossip until the download passed the fork's work.
     */
    private readonly downloadWork: () => bigint = () => 0n,
  ) {
    chain.on('block:connected', this.onConnected);
    chain.on('block:invalid', this.onInvalid);
    chain.on('orphan:invalid', this.onOrphanInvalid);
  }

  /** Whether the chain `block` ends is known to have less work than the one sync is downloading (unseen, not a fault). */
  private lighterThanDownload(block: Block): boolean {
    const floor = this.downloadWork();
    if (floor === 0n) return false;
    const parent = this.chain.getEntry(hashToHex(block.header.prevHash));
    return parent !== undefined && parent.chainWork + workFromBits(block.header.bits) < floor;
  }

  /** Stops listening to the chain, which outlives the network that made this intake. */
  stop(): void {
    this.chain.off('block:connected', this.onConnected);
    this.chain.off('block:invalid', this.onInvalid);
    this.chain.off('orphan:invalid', this.onOrphanInvalid);
  }

  /** Deliveries waiting for their block to be judged. */
  get unjudgedCount(): number {
    return this.unjudged.size;
  }

  /** Decodes a block sent by `from`; a block that does not decode is the sender's fault. */
  decode(from: string, raw: Uint8Array): Block | undefined {
    try {
      return decodeBlock(raw);
    } catch (e) {
      this.peers.misbehave(from, 'malformed', `undecodable block: ${(e as Error).message}`);
      return undefined;
    }
  }

  /**
   * Processes a block from `from`. `unsolicited` blocks (gossip, announcements)
   * are stored only when their chain has at least the tip's work; sync asks
   * only for blocks of a header chain already shown to beat the tip.
   * `blame: false` is for a compact block, which honest peers relay onwards
   * before validating it (BIP152's high-bandwidth relay): they then pass on
   * invalid blocks too, so, as in Bitcoin Core, only a broken header rule is
   * held against the sender.
   * `served`: the peer sent the block from its store when asked (sync, an
   * announced tip), which an honest node does only for a block it validated
   * (`canServe`, Core's BlockRequestAllowed), so a rule the chain finds broken
   * only later, as a block above it activates its fork, is held against it
   * too. A gossiped block is passed on once stored, before its fork is ever
   * connected: only what the chain finds while processing it counts.
   */
  async accept(from: string, block: Block, opts: { unsolicited: boolean; blame?: boolean; served?: boolean }): Promise<IntakeResult> {
    const id = hashToHex(blockHash(block));
    // The header's proof of work first, as Core checks a block's header before its body: it costs one hash,
    // where the mutation check below hashes every transaction, and a junk block without work deserves neither.
    try {
      checkProofOfWork(block.header, this.chain.params);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      return this.judge(from, opts.blame !== false, id, e);
    }
    // Before its hash is marked seen or delivered by anyone: the hash is the honest block's, which must still be
    // fetched, announced and taken. The chain would refuse the copy too, but as a plain invalid block, or
    // not at all once the honest block is known (a duplicate).
    const mutated = mutation(block);
    if (mutated !== undefined) return this.refuseMutated(from, block, id, mutated, opts.blame !== false);
    if (opts.unsolicited && this.lighterThanDownload(block)) {
      this.log.debug('block %s from %s ignored: lighter than the chain being downloaded', id.slice(0, 16), short(from));
      return { id, status: 'ignored' };
    }
    this.seen.add(id);
    const peer = this.peers.get(from);
    if (peer) {
      peer.knownBlock = id;
      peer.delivered.add(id);
    }
    // Recorded before the chain sees the block, as an activation may judge it before processBlock returns.
    const blame = opts.blame !== false;
    const sent: Pending = { from };
    if (blame && opts.served === true) this.unjudged.add(id, sent);
    const t0 = performance.now();
    try {
      const r = await this.chain.processBlock(block, { unsolicited: opts.unsolicited });
      if (r.status === 'connected' && peer) peer.lastBlockAt = Date.now();
      if (r.status === 'connected') this.log.debug('block %s from %s connected in %d ms', id, short(from), Math.round(performance.now() - t0));
      // Stored, then found invalid with the chain it was to extend (it descends from the block that failed).
      if (sent.verdict) return sent.verdict;
      if (r.entry && r.entry.status & Status.invalid) return { id, status: 'invalid', blamed: false };
      // Stored off the main chain, held as an orphan or deferred: judged when its chain is tried.
      if (r.status !== 'side' && r.status !== 'orphan' && r.status !== 'deferred') this.unjudged.forget(id, sent);
      return { id, status: r.status };
    } catch (e) {
      this.unjudged.forget(id, sent);
      // A copy refused on arrival says nothing of the block its header names: a body that does not match the
      // merkle root fits a valid header (CVE-2012-2459), so the real block must still be fetched when announced.
      if (e instanceof RuleError && e.code !== 'duplicate') this.seen.delete(id);
      if (!(e instanceof RuleError)) throw e;
      // A copy of a block already found invalid (Core's BLOCK_CACHED_INVALID): a relayer may have
      // sent it on before that verdict reached it; only a peer that served it from its store is at fault.
      if (e.code === 'duplicate' && opts.served !== true) return sent.verdict ?? { id, status: 'invalid', blamed: false };
      return sent.verdict ?? this.judge(from, blame, id, e);
    }
  }

  /** A CVE-2012-2459 copy (see mutation): refused without the chain, its sender blamed unless it relayed a compact block. */
  private refuseMutated(from: string, block: Block, id: string, why: string, blame: boolean): IntakeResult {
    if (!blame) {
      this.log.warn(`block ${id.slice(0, 16)} relayed before validation by ${short(from)} is mutated: ${why}`);
      return { id, status: 'invalid', blamed: false };
    }
    this.peers.misbehave(from, 'mutatedBlock', mutationDetail(block, why));
    return { id, status: 'invalid', blamed: true };
  }

  /** A verdict the chain reached on a delivered block while processing it or a later block (its fork's tip, its parent). */
  private judgeLater(id: string, error: RuleError): void {
    const d = this.unjudged.take(id);
    if (!d) return;
    // Runs inside the chain's activation: a failure to penalise must not turn a verdict into a local failure.
    try {
      d.verdict = this.judge(d.from, true, id, error);
    } catch (e) {
      this.log.error(`could not penalise ${short(d.from)} for block ${id.slice(0, 16)}: ${(e as Error).message}`);
    }
  }

  /** Holds a broken rule against the peer that delivered the block, unless it relayed the block before validation. */
  private judge(from: string, blame: boolean, id: string, e: RuleError): IntakeResult {
    if (blockFaultScore(e) === 0) return { id, status: 'ignored' };
    if (!blame && !HEADER_RULES.has(e.code)) {
      this.log.warn(`block ${id.slice(0, 16)} relayed before validation by ${short(from)} is invalid: ${e.message}`);
      return { id, status: 'invalid', blamed: false };
    }
    const pow = e.code === 'high-hash' || e.code === 'bad-diffbits';
    this.peers.misbehave(from, pow ? 'invalidPow' : 'invalidBlock', `block ${id.slice(0, 16)}: ${e.message}`);
    return { id, status: 'invalid', blamed: true };
  }
}

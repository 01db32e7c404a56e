import { RuleError, checkHeaderContext, checkProofOfWork, equalBytes, headerHash, workFromBits, type BlockHeader, type ConsensusParams } from '@hackcoin/core';
import { Status, makeEntry, type ChainEntry } from '../chain/entry.js';
import type { Offence } from './ban-score.js';

/** What header validation reads from the chain: the index and the chain's own contextual rules. */
export interface HeaderRules {
  readonly params: ConsensusParams;
  getEntry(id: string): ChainEntry | undefined;
  nextBits(parent: ChainEntry): number;
  medianTimePast(entry: ChainEntry): number;
}

/** A headers response that breaks a rule. `offence` is undefined when the peer is not to blame (a fast clock). */
export class HeaderFault extends Error {
  override name = 'HeaderFault';
  constructor(
    readonly offence: Offence | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface TrailLimits {
  /** Headers kept whole while the trail is short; past this only commitments remain. */
  hold: number;
  /** A commitment every this many headers. */
  commitEvery: number;
  /** The node's clock, seconds. */
  now: number;
}

const EMPTY_ROOT = new Uint8Array(32);
/** Headers at most per second of timestamps: each must beat the median of the last 11, so time gains a second every 6. */
const HEADERS_PER_SECOND = 7;

/**
 * One peer's header chain, checked as it arrives: linkage, proof of work,
 * the expected bits under the retarget rule, median time past and the
 * future-time limit, with its summed work. Nothing is written anywhere.
 *
 * Memory is bounded however long the chain: contextual checks need only the
 * last few dozen headers (older links are cut), headers are kept whole only
 * while there are at most `hold` of them, and beyond that the trail keeps a
 * 4-byte commitment every `commitEvery` headers. A chain proved to have
 * enough work this way is downloaded again (Bitcoin Core's PRESYNC then
 * REDOWNLOAD) and each redownloaded header must match the commitments, so a
 * peer cannot show one chain's work and then feed us another.
 */
export class HeaderTrail {
  private last: ChainEntry;
  private readonly window: ChainEntry[] = [];
  private readonly keepBack: number;
  private readonly maxLength: number;
  private held: BlockHeader[] | undefined = [];
  private commits = new Uint32Array(64);
  private commitCount = 0;

  constructor(
    readonly fork: ChainEntry,
    private readonly rules: HeaderRules,
    private readonly limits: TrailLimits,
  ) {
    this.last = fork;
    const p = rules.params;
    this.keepBack = Math.max(64, 4 * p.retargetInterval + 2 * p.medianTimeSpan);
    this.maxLength = Math.max(0, limits.now + p.maxFutureBlockTime - fork.header.time) * HEADERS_PER_SECOND + 2 * p.medianTimeSpan;
  }

  get work(): bigint {
    return this.last.chainWork;
  }

  get height(): number {
    return this.last.height;
  }

  get length(): number {
    return this.last.height - this.fork.height;
  }

  get tip(): ChainEntry {
    return this.last;
  }

  /** The whole headers, in order, while the trail is short enough to keep them; otherwise undefined. */
  get headers(): readonly BlockHeader[] | undefined {
    return this.held;
  }

  /** Checks and appends headers that must continue the trail; throws HeaderFault. */
  append(headers: readonly BlockHeader[]): void {
    for (const h of headers) this.push(h);
  }

  /** The commitment for the header at `height`, if one was kept there. */
  commitmentAt(height: number): number | undefined {
    const offset = height - this.fork.height;
    if (offset <= 0 || offset % this.limits.commitEvery !== 0) return undefined;
    const i = offset / this.limits.commitEvery - 1;
    return i < this.commitCount ? this.commits[i] : undefined;
  }

  private push(h: BlockHeader): void {
    const parent = this.last;
    if (!equalBytes(h.prevHash, parent.hash)) throw new HeaderFault('badHeaders', `header at ${parent.height + 1} does not extend the chain sent so far`);
    if (this.length + 1 > this.maxLength) throw new HeaderFault('badHeaders', `more headers than timestamps allow (${this.maxLength})`);
    const entry = makeEntry(h, parent, workFromBits(h.bits), 0, EMPTY_ROOT);
    const known = this.rules.getEntry(entry.id);
    if (known && known.status & Status.invalid) throw new HeaderFault('invalidHeader', `header ${entry.id.slice(0, 16)} is known to be invalid`);
    try {
      checkProofOfWork(h, this.rules.params);
      checkHeaderContext(h, { expectedBits: this.rules.nextBits(parent), medianTimePast: this.rules.medianTimePast(parent), now: this.limits.now, height: entry.height, prevTime: parent.header.time }, this.rules.params);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      const offence: Offence | undefined = e.score <= 0 ? undefined : e.code === 'high-hash' ? 'invalidPow' : 'invalidHeader';
      throw new HeaderFault(offence, `header at ${entry.height}: ${e.code} ${e.message}`);
    }
    this.last = entry;
    this.remember(entry);
    if (this.held) {
      if (this.held.length < this.limits.hold) this.held.push(h);
      else this.held = undefined;
    }
    if (this.length % this.limits.commitEvery === 0) this.commit(entry.hash);
  }

  /** Keeps the parent links contextual checks walk; older in-memory links are cut so they can be collected. */
  private remember(entry: ChainEntry): void {
    this.window.push(entry);
    if (this.window.length >= 2 * this.keepBack) {
      this.window.splice(0, this.keepBack);
      this.window[0]!.parent = null;
    }
  }

  private commit(hash: Uint8Array): void {
    if (this.commitCount === this.commits.length) {
      const bigger = new Uint32Array(this.commits.length * 2);
      bigger.set(this.commits);
      this.commits = bigger;
    }
    this.commits[this.commitCount++] = commitment(hash);
  }
}

function commitment(hash: Uint8Array): number {
  return ((hash[0]! << 24) | (hash[1]! << 16) | (hash[2]! << 8) | hash[3]!) >>> 0;
}

/** Whether a header's hash is the one the trail committed to at its height (true where no commitment was kept). */
export function matchesCommitment(trail: HeaderTrail, height: number, header: BlockHeader): boolean {
  const c = trail.commitmentAt(height);
  return c === undefined || c === commitment(headerHash(header));
}

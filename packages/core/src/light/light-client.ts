import { MIN_CHAIN_WORK, type ConsensusParams } from '../consensus/params.js';
import { RuleError } from '../consensus/errors.js';
import { HeaderChain, MAX_HEADER_BATCH, type HeaderEntry } from './header-chain.js';
import { verifyStateProof, type VerifiedState } from './state-proof.js';
import { ProofError } from '../state/smt.js';
import { decodeHeader } from '../primitives/header.js';
import { InsufficientChainWork, RetryLater, UntrustworthyNode } from './errors.js';

/** What a light client asks a node for (HTTP in the CLI and the browser; anything in tests). */
export interface ProofSource {
  /** Main-chain headers from height `from` (at most 2,000) and the work the node claims for its tip. */
  headers(from: number): Promise<{ headers: Uint8Array[]; chainWork: bigint }>;
  /** A state proof at a block (display id), with the figures the node reports beside it. */
  accountProof(address: Uint8Array, blockId: string): Promise<{ proof: Uint8Array; claimed: { balance: bigint; nonce: bigint } }>;
  storageProof(contract: Uint8Array, key: string, blockId: string): Promise<{ proof: Uint8Array; claimed: string | null }>;
}

export { InsufficientChainWork, RetryLater, UntrustworthyNode } from './errors.js';

/**
 * Header requests one sync() may make (each brings at most MAX_HEADER_BATCH):
 * about a million headers, years of blocks at a minute each. A sync that
 * needs more ends with RetryLater and the next one continues.
 */
export const MAX_SYNC_REQUESTS = 512;

export interface LightClientOptions {
  /** Header requests per sync() (default MAX_SYNC_REQUESTS). */
  maxRequests?: number;
  /** Work the best header must have before anything is verified against it (default MIN_CHAIN_WORK of the network). */
  minChainWork?: bigint;
}

/** The best header known when a figure was verified: what the proof's header is buried under. */
export interface VerifiedTip {
  height: number;
  /** Cumulative work of the chain up to it. */
  chainWork: bigint;
  /** Its timestamp (seconds): how current the verified figures can be. */
  time: number;
}

export interface VerifiedAccount {
  balance: bigint;
  nonce: bigint;
  /** The header the figures were proven against. */
  height: number;
  blockId: string;
}

/**
 * A wallet's trust-minimised view of one node: headers are checked from
 * genesis by HeaderChain, and balances, nonces and storage are read only
 * through proofs against the best header that has `confirmations`
 * confirmations, and only once the best header's chain has the network's
 * minimum work (InsufficientChainWork before: a short chain forged from
 * genesis at the easiest target costs little). Anything that does not add up
 * raises UntrustworthyNode.
 */
export class LightClient {
  readonly headers: HeaderChain;
  private readonly maxRequests: number;
  private readonly minChainWork: bigint;

  constructor(
    private readonly source: ProofSource,
    private readonly params: ConsensusParams,
    private readonly confirmations: number,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
    options: LightClientOptions = {},
  ) {
    if (!Number.isSafeInteger(confirmations) || confirmations < 1) throw new Error('confirmations must be at least 1');
    this.maxRequests = options.maxRequests ?? MAX_SYNC_REQUESTS;
    if (!Number.isSafeInteger(this.maxRequests) || this.maxRequests < 1) throw new Error('maxRequests must be at least 1');
    this.minChainWork = options.minChainWork ?? MIN_CHAIN_WORK[params.network];
    // The anchor must stay among the headers held.
    this.headers = HeaderChain.fromGenesis(params, confirmations);
  }

  /**
   * Catches up with the node's main chain, following reorgs up to 2,000
   * blocks deep. Only a batch that moves the best tip earns another request:
   * one that does not (the node replaying headers we hold, or a branch with
   * no more work than ours) ends the sync as if the node had nothing new, so
   * a node cannot keep the client busy without doing proof of work. The
   * exception is the search for a fork: a first header that does not link,
   * or a batch that moves nothing while the node claims more work than ours
   * (its heavier branch is no higher than our tip, as after a two-block race
   * across a retarget), asks again from 8, 16, … up to 2,000 blocks further
   * back, about ten requests at most, and never from below the headers held
   * (HeaderChain.firstBranchHeight, higher than the reorg limit after a reorg
   * to a shorter branch). A branch must outweigh ours within the one batch
   * that starts at its fork; a node whose claimed work no branch within that
   * reach backs is untrustworthy.
   */
  async sync(): Promise<void> {
    let claimed = 0n;
    let back = 0;
    for (let requests = 0; ; requests++) {
      if (requests === this.maxRequests) {
        throw new RetryLater(`header sync stopped after ${requests} requests at height ${this.headers.height}; the next sync continues from there`);
      }
      const floor = this.headers.firstBranchHeight;
      const from = Math.max(floor, this.headers.height + 1 - back);
      const res = await this.source.headers(from);
      claimed = res.chainWork;
      let moved = false;
      const now = this.now();
      try {
        moved = this.headers.submit(res.headers, from, now);
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        if (e.code === 'time-too-new') {
          const ahead = this.keepBefore(res.headers, from, now);
          throw new RetryLater(
            `the node's header at height ${ahead} is dated more than 2 h ahead of this device's clock (check the clock); verified up to height ${this.headers.height}`,
          );
        }
        // A reorg below our tip shows up as a first header that does not link: look further back.
        const unlinked = e.code === 'bad-prevblk' && e.detail.includes(`height ${from} `);
        if (!unlinked || from === floor) throw new UntrustworthyNode(`node served invalid headers (${e.message})`);
        back = deeper(back);
        continue;
      }
      // A heavier branch no higher than our tip links and adds no header there: look further back for its fork.
      if (!moved && claimed > this.headers.tip.chainWork && from > floor) {
        back = deeper(back);
        continue;
      }
      if (!moved || res.headers.length < MAX_HEADER_BATCH) break;
      back = 0;
    }
    if (claimed > this.headers.tip.chainWork) {
      throw new UntrustworthyNode(`node claims chain work ${claimed.toString(16)} but its headers prove only ${this.headers.tip.chainWork.toString(16)}`);
    }
  }

  /**
   * Adopts the headers of a batch that come before its first one dated too
   * far ahead of `now`. That rule is the only one a header may break and
   * become valid later (the full node scores it 0), so an honest node and a
   * slow clock must not read as a lie. Every header before the first such one
   * passed all the checks, so that one is where the batch failed. Returns its height.
   */
  private keepBefore(raw: readonly Uint8Array[], from: number, now: number): number {
    const early = raw.findIndex((bytes) => decodeHeader(bytes).time > now + this.params.maxFutureBlockTime);
    if (early > 0) this.headers.submit(raw.slice(0, early), from, now);
    return from + early;
  }

  /**
   * The header proofs are checked against: `confirmations - 1` below the best
   * verified header. After a reorg to a shorter, heavier branch it can lie
   * below the headers held (nothing under HeaderChain's window comes back):
   * RetryLater until the branch has grown past it again.
   */
  get anchor(): HeaderEntry {
    const height = Math.max(0, this.headers.height - (this.confirmations - 1));
    const at = this.headers.at(height);
    if (!at) {
      throw new RetryLater(
        `the header with ${this.confirmations} confirmations (height ${height}) is below the headers held (from height ${this.headers.lowest}) since a reorg to a shorter chain; not enough confirmed headers are held yet`,
      );
    }
    return at;
  }

  /** The account as proven at the anchor, and the best header it was proven under (VerifiedAccount stays the shape without it). */
  async account(address: Uint8Array): Promise<VerifiedAccount & { tip: VerifiedTip }> {
    const tip = this.verifiableTip();
    const at = this.anchor;
    const { proof, claimed } = await this.source.accountProof(address, at.id);
    const v = this.check(() => verifyStateProof(proof, { blockHash: at.hash, height: at.height, address }));
    if (claimed.balance !== v.account.balance || claimed.nonce !== v.account.nonce) {
      throw new UntrustworthyNode(
        `node reports balance ${claimed.balance} and nonce ${claimed.nonce} at height ${at.height}, its proof says ${v.account.balance} and ${v.account.nonce}`,
      );
    }
    return { balance: v.account.balance, nonce: v.account.nonce, height: at.height, blockId: at.id, tip };
  }

  async storage(contract: Uint8Array, key: string): Promise<{ value: string | null; height: number; blockId: string; tip: VerifiedTip }> {
    const tip = this.verifiableTip();
    const at = this.anchor;
    const { proof, claimed } = await this.source.storageProof(contract, key, at.id);
    const v = this.check(() => verifyStateProof(proof, { blockHash: at.hash, height: at.height, address: contract, storageKey: key }));
    if (claimed !== v.storageValue) throw new UntrustworthyNode(`node reports ${key} = ${claimed} at height ${at.height}, its proof says ${v.storageValue}`);
    return { value: v.storageValue ?? null, height: at.height, blockId: at.id, tip };
  }

  /** The best header, once its chain has the network's minimum work (InsufficientChainWork before). */
  private verifiableTip(): VerifiedTip {
    const { height, chainWork, header } = this.headers.tip;
    if (chainWork < this.minChainWork) {
      throw new InsufficientChainWork(
        `the best header chain known (height ${height}) has work ${chainWork.toString(16)}, below this network's minimum ${this.minChainWork.toString(16)}: nothing is verified against it`,
      );
    }
    return { height, chainWork, time: header.time };
  }

  private check(verify: () => VerifiedState): VerifiedState {
    try {
      return verify();
    } catch (e) {
      if (e instanceof ProofError) throw new UntrustworthyNode(`node sent a false proof: ${e.message}`);
      throw e;
    }
  }
}

/** The next step of the fork search: 8, 16, … up to the reorg limit. */
function deeper(back: number): number {
  return Math.min(MAX_HEADER_BATCH, Math.max(8, back * 2));
}

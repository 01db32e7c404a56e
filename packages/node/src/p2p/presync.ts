import { equalBytes, hashToHex, hexToHash, type BlockHeader } from '@hackcoin/core';
import { Status, type ChainEntry } from '../chain/entry.js';
import type { Logger } from '../util/logger.js';
import { DOWNLOAD } from './block-download.js';
import { HeaderFault, HeaderTrail, type HeaderRules } from './header-trail.js';
import type { PeerSet } from './peer-set.js';
import { short } from './peer-set.js';
import type { PeerState } from './peer-state.js';
import { LIMITS } from './protocol.js';
import type { SyncClient } from './sync-client.js';

/** What PRESYNC reads of the chain. */
export interface PresyncChain extends HeaderRules {
  readonly tip: ChainEntry;
  locator(): string[];
  isMain(entry: ChainEntry): boolean;
}

export interface PresyncDeps {
  chain: PresyncChain;
  peers: Pick<PeerSet, 'misbehave'>;
  client: Pick<SyncClient, 'headers'>;
  log: Logger;
  /** Work a header chain must exceed, besides the tip's, before any of its bodies is fetched. */
  minChainWork: bigint;
  /** Whether a peer offering more work than our tip waits for a session slot. */
  othersWaiting: () => boolean;
  /** A full batch extended the trail. */
  onProgress: () => void;
  now?: () => number;
  tuning?: { hold?: number; commitEvery?: number; maxHeaders?: number; presyncBaseMs?: number };
}

const COMMIT_EVERY = 256;
/**
 * A headers download must reach a chain that beats our tip within this, plus PRESYNC_PER_HEADER_MS
 * for each header our clock says the network has made since our tip (Core's
 * HEADERS_DOWNLOAD_TIMEOUT_BASE and _PER_HEADER), while another peer waits for a session slot. A peer answering each request just inside its
 * timeout with a long chain of cheap headers that never beats the tip would otherwise hold a
 * session slot for as long as its chain lasts. The estimate comes from our clock, not from the
 * peer's claimed height, which is free to inflate.
 */
const PRESYNC_BASE_MS = 15 * 60_000;
const PRESYNC_PER_HEADER_MS = 1;
/** A peer's budget doubles with each session it failed in a row, up to 2^10 times (~11 days from 15 min). */
const MAX_BUDGET_DOUBLINGS = 10;
/**
 * Times one reading starts its trail again because the peer's chain no longer holds the trail's tip (it
 * reorganised): an honest peer needs one now and then; a peer answering every follow-up from our locator
 * would otherwise have us check the same batch for ever.
 */
const MAX_TRAIL_RESTARTS = 3;

/**
 * PRESYNC (docs/protocol.md, Sync): a peer's headers from where its chain forks off ours, checked in
 * context as they arrive (HeaderTrail) and summed, until their chain beats our tip and the network's
 * minimum work. Nothing is stored; a peer whose answers break a rule, replay our chain or add up to
 * less than it claimed is penalised here.
 */
export class Presync {
  constructor(private readonly d: PresyncDeps) {}

  /** Downloads and checks headers until their chain beats the tip (returned) or ends without doing so (undefined). */
  async run(peer: PeerState): Promise<HeaderTrail | undefined> {
    const chain = this.d.chain;
    const claimed = peer.status?.chainWork ?? 0n;
    const maxHeaders = this.d.tuning?.maxHeaders ?? LIMITS.maxHeaders;
    const budget = this.budgetMs(peer);
    const deadline = this.clock() + budget;
    let trail: HeaderTrail | undefined;
    /** Where to ask from again after a full batch of our own main chain (see below). */
    let resume: ChainEntry | undefined;
    let restarts = 0;
    for (;;) {
      // Checked before each request, so no branch of the loop (our own chain resent in full
      // batches among them) outlasts it.
      if (this.clock() > deadline && this.d.othersWaiting()) {
        // Slow is not proof of a lie (Core disconnects such a peer without a ban): the session ends as
        // a failure, so the peer rests and its slot goes to a peer waiting for one. Its next try gets
        // twice the time, so an honest peer slower than the budget still gets through in the end.
        throw new Error(`headers from ${short(peer.peerId)} did not beat our tip within ${budget} ms`);
      }
      const base = resume ? [resume.hash] : chain.locator().map(hexToHash);
      // The trail's tip, then where the trail started from, as Core's locator from the last header: a peer
      // whose chain reorganised that tip away answers from where the two chains still meet, not from genesis.
      const locator = trail ? [trail.tip.hash, ...base] : base;
      const headers = await this.d.client.headers(peer.peerId, locator);
      if (headers.length === 0 && !trail) {
        // A chain with more work than ours shares at least genesis with our locator and goes past it:
        // nothing at all from a peer still claiming more is a lie. Unpenalised, peers claiming any work
        // for free and answering nothing after most of the request timeout, then re-arming with a new
        // status, held every session slot: an empty node stayed at height 0 beside an honest peer.
        if (claimed > chain.tip.chainWork) this.d.peers.misbehave(peer.peerId, 'lowWork', `claimed work ${claimed.toString(16)} and sent no headers`);
        return undefined;
      }
      try {
        if (trail && headers.length > 0 && !equalBytes(headers[0]!.prevHash, trail.tip.hash)) {
          // Its chain no longer holds the trail's tip: read it again from where it meets ours, unpenalised.
          if (++restarts > MAX_TRAIL_RESTARTS) throw new HeaderFault(undefined, `chain changed under the headers download ${restarts} times`);
          this.d.log.debug('headers from %s left the trail at %d; reading its chain again', short(peer.peerId), trail.height);
          trail = undefined;
        }
        if (!trail) trail = this.openTrail(headers[0]!);
        trail.append(headers);
      } catch (e) {
        return this.fault(peer, e);
      }
      const target = chain.tip.chainWork > this.d.minChainWork ? chain.tip.chainWork : this.d.minChainWork;
      if (trail.work > target) return trail;
      const tipEntry = chain.getEntry(trail.tip.id);
      if (tipEntry && chain.isMain(tipEntry) && headers.length === maxHeaders && tipEntry.height > (resume?.height ?? -1)) {
        // The locator thins out with depth (its steps double), so below a fork deeper than a few thousand blocks the
        // peer's answer can start that far under it and fill a whole batch with blocks we have. Ask on from the last
        // one, as Core does. Each such round must end higher up our chain than the one before, so a peer sending the
        // same batch again gets no more rounds than our chain has batches.
        resume = tipEntry;
        trail = undefined;
        continue;
      }
      if (tipEntry && chain.isMain(tipEntry)) {
        // Only a peer still claiming more than our tip is wasting our time; one we overtook meanwhile is merely behind.
        if (claimed > chain.tip.chainWork) this.d.peers.misbehave(peer.peerId, 'noProgress', `sent ${headers.length} headers we already have`);
        peer.syncBackoffUntil = Date.now() + DOWNLOAD.backoffMs;
        return undefined;
      }
      if (headers.length < maxHeaders) {
        // Its chain ended. Honest peers' work only grows, so less than the status claimed is a lie.
        if (trail.work < claimed) this.d.peers.misbehave(peer.peerId, 'lowWork', `claimed work ${claimed.toString(16)}, headers add up to ${trail.work.toString(16)}`);
        return undefined;
      }
      this.d.onProgress();
    }
  }

  private fault(peer: PeerState, e: unknown): undefined {
    if (!(e instanceof HeaderFault)) throw e;
    if (e.offence) this.d.peers.misbehave(peer.peerId, e.offence, e.message);
    else this.d.log.debug('headers from %s set aside: %s', short(peer.peerId), e.message);
    peer.syncBackoffUntil = Date.now() + DOWNLOAD.backoffMs;
    return undefined;
  }

  private clock(): number {
    return (this.d.now ?? Date.now)();
  }

  /**
   * PRESYNC_BASE_MS plus PRESYNC_PER_HEADER_MS per block interval our clock is past the tip's time,
   * doubled for each session the peer failed in a row (at most 2^MAX_BUDGET_DOUBLINGS times).
   */
  private budgetMs(peer: PeerState): number {
    const { tip, params } = this.d.chain;
    const behind = Math.max(0, Math.floor(this.clock() / 1000) - tip.header.time);
    const base = (this.d.tuning?.presyncBaseMs ?? PRESYNC_BASE_MS) + PRESYNC_PER_HEADER_MS * Math.ceil(behind / params.targetSpacing);
    return base * 2 ** Math.min(peer.syncFailures, MAX_BUDGET_DOUBLINGS);
  }

  private openTrail(first: BlockHeader): HeaderTrail {
    const fork = this.d.chain.getEntry(hashToHex(first.prevHash));
    if (!fork) throw new HeaderFault('badHeaders', 'first header does not connect to our locator');
    // Core's BLOCK_FAILED_CHILD: no header on a failed block is worth a body.
    if (fork.status & Status.invalid) throw new HeaderFault('invalidHeader', `headers build on ${fork.id.slice(0, 16)}, known to be invalid`);
    const now = Math.floor(this.clock() / 1000);
    return new HeaderTrail(fork, this.d.chain, { hold: this.d.tuning?.hold ?? LIMITS.maxHeaders, commitEvery: this.d.tuning?.commitEvery ?? COMMIT_EVERY, now });
  }
}

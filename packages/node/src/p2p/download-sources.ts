import type { PeerState } from './peer-state.js';

/** Core's BLOCK_STALLING_TIMEOUT_MAX: the stall time doubles on each stall up to this. */
export const MAX_STALL_MS = 64_000;
/** Core eases a doubled stall time by this factor for each block that comes in time, down to the default. */
const STALL_EASING = 0.85;

/**
 * What the block downloads of one sync session learn of their sources, kept from one download to
 * the next. A session fetches a long chain in many downloads (one per 256 headers on REDOWNLOAD);
 * each starting afresh let a few peers sitting on every request until its timeout cost each
 * download their timeouts again. Peers are held by their state, not their id: one that reconnects
 * is a new peer, as in Core.
 */
export class DownloadMemory {
  private stall: number;
  private readonly failed = new WeakSet<PeerState>();
  private readonly benched = new WeakSet<PeerState>();

  constructor(readonly baseStallMs: number) {
    this.stall = baseStallMs;
  }

  /** How long the peer holding up the window's front is waited for before another is asked too. */
  get stallMs(): number {
    return this.stall;
  }

  /**
   * Another peer was asked for the front: the next stall waits twice as long, so a link too thin for
   * every peer (ours) does not have each chunk asked of everyone.
   */
  stalled(): void {
    this.stall = Math.min(MAX_STALL_MS, this.stall * 2);
  }

  /** A chunk connected: the stall time eases back toward its default. */
  eased(): void {
    this.stall = Math.max(this.baseStallMs, this.stall * STALL_EASING);
  }

  /** The peer's request failed (timed out, refused): no download of this session asks it again. */
  fail(peer: PeerState): void {
    this.failed.add(peer);
  }

  hasFailed(peer: PeerState): boolean {
    return this.failed.has(peer);
  }

  /** The peer held up the window's front and another peer asked after it answered first: asked only when nobody else is left. */
  bench(peer: PeerState): void {
    this.benched.add(peer);
  }

  isBenched(peer: PeerState): boolean {
    return this.benched.has(peer);
  }
}

/** The blocks a download fetches: their ids, with the trail's tip, and the work of the trail. */
export interface Wanted {
  ids: ReadonlySet<string>;
  work: bigint;
}

/**
 * Whether a peer other than the session's may be asked for the blocks, as Core asks only peers whose
 * best known block has them: its best block is one of them (or the trail's tip), or it claims a
 * chain at least as heavy as the trail's. A claim of our tip's work is free and checked by nothing,
 * and made such a peer a source of every download; one of the trail's work is what an honest peer
 * past the trail's tip makes (our trail does not hold its newer blocks), and one its own headers
 * session holds it to (lowWork).
 */
export function mayHave(peer: PeerState, wanted: Wanted): boolean {
  const best = peer.bestId;
  return best !== undefined && (wanted.ids.has(best) || peer.status!.chainWork >= wanted.work);
}

import type { PeerSummary } from '@hackcoin/core';
import { hashToHex } from '@hackcoin/core';
import { BanScore } from './ban-score.js';
import type { Direction } from './libp2p.js';
import type { StatusMessage } from './messages.js';
import { LIMITS } from './protocol.js';
import { RecentSet } from '../util/recent-set.js';
import { SerialQueue } from '../util/serial-queue.js';
import { TokenBucket } from '../util/token-bucket.js';

/**
 * Requests a peer may make, uncounted, after each status we send it: a status
 * of ours showing a new tip is answered by an honest peer with a status, a
 * headers and a blocks request, at whatever rate we find blocks. Capped, so
 * credits never pile up into a flood allowance.
 */
const CREDITS_PER_STATUS = 3;
const MAX_CREDITS = 6;

/** What we know about one connected peer. */
export class PeerState {
  status: StatusMessage | undefined;
  statusAt = 0;
  latencyMs: number | undefined;
  bytesIn = 0;
  bytesOut = 0;
  readonly score = new BanScore();
  /** Best hash for which this peer had nothing more to give us; skip it until its status changes. */
  exhaustedAt: string | undefined;
  /** After a timeout the peer is rested rather than punished: slow is not dishonest. */
  syncBackoffUntil = 0;
  /** Sync sessions with this peer that failed in a row (timeouts, bad bodies); lengthens the rest. */
  syncFailures = 0;
  /** The last block this peer delivered to us (gossip or fetch): no need to announce it back. */
  knownBlock: string | undefined;
  /** Recent blocks this peer delivered: a tip it gave us is not announced back, even once it is no longer the last. */
  readonly delivered = new RecentSet(64);
  /** When sync last asked this peer for its status because of an orphan it gossiped. */
  statusAskedAt = 0;
  /** When this peer last gave us a new block / transaction: inbound eviction protects useful peers. */
  lastBlockAt = 0;
  lastTxAt = 0;
  /**
   * Answers to this peer's sync requests, one at a time: each stays in our send
   * buffer until the peer reads it, so a peer that stops reading holds one answer, not one per
   * stream it opened (16 sync and 16 getblocktxn streams held ~65 MB).
   */
  readonly answering = new SerialQueue();
  /** getblocktxn answers, one at a time, apart from the sync answers: a block relay must not wait behind a 10 MB blocks answer. */
  readonly answeringBlockTxn = new SerialQueue();
  /** This connection was sent our mempool's ids: Core's BIP35 answer is once per connection too. */
  mempoolServed = false;
  /** Addresses this peer may still add to our address manager. */
  readonly pxAllowance = new TokenBucket(64, 0.1);
  private requests: number[] = [];
  private credits = 0;

  constructor(
    readonly peerId: string,
    readonly direction: Direction,
    readonly address: string,
    readonly connectedAt: number,
  ) {}

  get ready(): boolean {
    return this.status !== undefined;
  }

  get bestId(): string | undefined {
    return this.status ? hashToHex(this.status.bestHash) : undefined;
  }

  /** True when this peer claims more work than `work` and has not already come up empty for that claim. */
  offersMoreThan(work: bigint): boolean {
    return !!this.status && this.status.chainWork > work && this.exhaustedAt !== this.bestId && this.syncBackoffUntil <= Date.now();
  }

  /** We sent this peer our status: the requests it answers with are not a flood. */
  statusSent(): void {
    this.credits = Math.min(MAX_CREDITS, this.credits + CREDITS_PER_STATUS);
  }

  /**
   * Counts a served request; true when this peer sent more than LIMITS.floodRequests in the last 10 s.
   * `invited` requests (sync, not status: a status earns credits) first spend what our statuses granted.
   */
  flooding(invited = false): boolean {
    if (invited && this.credits > 0) {
      this.credits--;
      return false;
    }
    const now = Date.now();
    this.requests.push(now);
    while (this.requests.length > 0 && this.requests[0]! < now - 10_000) this.requests.shift();
    return this.requests.length > LIMITS.floodRequests;
  }
}

export type { PeerSummary };

export function summarize(p: PeerState): PeerSummary {
  return {
    id: p.peerId,
    address: p.address,
    direction: p.direction,
    latencyMs: p.latencyMs ?? null,
    bestHeight: p.status?.height ?? null,
    bestHash: p.bestId ?? null,
    agent: p.status?.agent ?? null,
    connectedSince: new Date(p.connectedAt).toISOString(),
    bytesIn: p.bytesIn,
    bytesOut: p.bytesOut,
    banScore: p.score.value,
  };
}

/** Sort order putting peers we dialled first: ours to choose, where inbound ones are strangers' to make. */
export function outboundFirst(a: Pick<PeerState, 'direction'>, b: Pick<PeerState, 'direction'>): number {
  return (a.direction === 'outbound' ? 0 : 1) - (b.direction === 'outbound' ? 0 : 1);
}

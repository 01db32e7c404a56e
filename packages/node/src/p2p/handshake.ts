import { equalBytes, hashToHex } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import { FrameError } from './frames.js';
import type { Exchange } from './libp2p.js';
import { decodeStatus, encodeStatus, type StatusMessage } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { short } from './peer-set.js';
import type { PeerState } from './peer-state.js';
import { LIMITS } from './protocol.js';
import type { Wire } from './wire.js';

export interface HandshakeDeps {
  wire: Wire;
  protocol: string;
  peers: PeerSet;
  log: Logger;
  local: () => StatusMessage;
  network: string;
  chainId: number;
  genesis: Uint8Array;
  hangUp: (peerId: string) => void;
  /**
   * A peer's first status, before it counts as connected: whether it may stay. Inbound limits act
   * here, once a newcomer has shown it speaks our protocol, not on its bare connection.
   */
  seat: (p: PeerState) => boolean;
  /** A peer on another network or chain: forget its address. */
  onForeign: (peerId: string) => void;
  /** A status accepted: `first` on the handshake, `prevBest` the best block it reported before. */
  onStatus: (p: PeerState, first: boolean, prevBest: string | undefined) => void;
}

/**
 * The status exchange: sent by the dialer on connect, and by either side
 * again periodically and on new tips. Its numbers (height, work) are claims:
 * they say whom to ask, never what to store.
 */
export class Handshake {
  constructor(private readonly d: HandshakeDeps) {}

  /** Our status out, theirs back. False when the peer is gone, foreign or garbled. */
  async exchange(peerId: string): Promise<boolean> {
    const started = Date.now();
    let status: StatusMessage;
    try {
      this.d.peers.get(peerId)?.statusSent();
      const raw = await this.d.wire.request(peerId, this.d.protocol, encodeStatus(this.d.local()), LIMITS.statusBytes, LIMITS.handshakeMs);
      status = decodeStatus(raw);
    } catch (e) {
      if (!(e instanceof FrameError)) this.onDecodeError(peerId, e);
      return false;
    }
    const p = this.d.peers.get(peerId);
    if (p && p.latencyMs === undefined) p.latencyMs = Date.now() - started;
    // As of when we asked: dated on arrival, a slow link's next refresh would fall a timer tick later.
    return this.accept(peerId, status, started);
  }

  async serve(ex: Exchange): Promise<void> {
    try {
      const raw = await ex.read(LIMITS.statusBytes, LIMITS.handshakeMs);
      const status = decodeStatus(raw);
      const p = this.d.peers.get(ex.peerId);
      if (p) p.bytesIn += raw.length + 4;
      // Statuses come every 10 s and on new tips, at most one per 200 ms each way (TipAnnouncer); hundreds in 10 s is a flood.
      if (p?.flooding()) this.d.peers.misbehave(ex.peerId, 'requestFlood', 'too many status messages');
      const out = encodeStatus(this.d.local());
      const ok = this.accept(ex.peerId, status);
      // No credits for the sync requests that may follow: the peer chose to send this status, and
      // each one it sent bought three requests past the flood count.
      await ex.write(out);
      if (p) p.bytesOut += out.length + 4;
      if (!ok) setTimeout(() => this.d.hangUp(ex.peerId), 200);
    } catch (e) {
      this.d.wire.penalise(ex.peerId, e);
      this.onDecodeError(ex.peerId, e);
    } finally {
      await ex.close();
    }
  }

  private onDecodeError(peerId: string, e: unknown): void {
    if ((e as Error).name === 'DecodeError') this.d.peers.misbehave(peerId, 'malformed', (e as Error).message);
    else this.d.log.debug('status exchange with %s failed: %s', short(peerId), (e as Error).message);
  }

  private accept(peerId: string, s: StatusMessage, at = Date.now()): boolean {
    if (s.network !== this.d.network || s.chainId !== this.d.chainId || !equalBytes(s.genesis, this.d.genesis)) {
      this.d.log.info(`peer ${short(peerId)} is on network ${s.network} / genesis ${hashToHex(s.genesis).slice(0, 12)}: disconnecting`);
      this.d.onForeign(peerId);
      this.d.hangUp(peerId);
      return false;
    }
    const p = this.d.peers.get(peerId);
    if (!p) return false;
    const first = !p.ready;
    if (first && !this.d.seat(p)) {
      this.d.hangUp(peerId);
      return false;
    }
    const prevBest = p.bestId;
    p.status = s;
    p.statusAt = at;
    if (prevBest !== p.bestId) p.exhaustedAt = undefined;
    this.d.onStatus(p, first, prevBest);
    return true;
  }
}

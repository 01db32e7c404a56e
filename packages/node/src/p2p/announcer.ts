import type { ChainEntry } from '../chain/entry.js';
import type { PeerSet } from './peer-set.js';
import type { PeerState } from './peer-state.js';

export interface AnnouncerDeps {
  chain: { readonly tip: ChainEntry };
  peers: PeerSet;
  /** Whether gossipsub carries this block onwards itself. */
  gossiped: (id: string) => boolean;
  /** Subscribers to block gossip that gossip can send to (Host.topicPeers). */
  gossipPeers: () => string[];
  /** Sends our status to a peer (and learns its). */
  exchange: (peerId: string) => Promise<boolean>;
}

/**
 * Fast path next to gossip, like Bitcoin's headers announcements: on a new
 * tip that gossip does not carry (it came by sync or fetch), push our status
 * to every peer that may lack it, and a peer one block behind fetches it from
 * us at once (one round trip). A tip gossip carries (we validated it from
 * gossip, or published it) is announced only to peers that gossip cannot
 * reach (no compact-block subscription, or no gossip stream from us yet):
 * the others get it from a mesh peer or by IHAVE at the next heartbeat, and a
 * status exchange per such peer per block (a new stream, ten encrypted
 * frames, and a whole-block fetch racing the compact one) cost a 20-node
 * network more CPU than the blocks themselves. Peers known to have it are
 * skipped: those that delivered it to us (block intake marks a peer before
 * the tip moves, so the last block it sent may already be a later one) and
 * those whose status shows at least its work. At most one announcement per
 * peer is in flight and they start at least MIN_GAP_MS apart; tips that
 * arrive meanwhile are folded into one follow-up, so a chain found at 100
 * blocks/s costs a peer a few statuses a second, never one per block.
 */
export const MIN_GAP_MS = 200;

export class TipAnnouncer {
  /** Peers with an announcement in flight; true when another is due once it returns. */
  private readonly announcing = new Map<string, boolean>();
  /** When each peer's last announcement started; pruned to the ready peers. */
  private readonly lastAt = new Map<string, number>();
  private stopped = false;

  constructor(private readonly d: AnnouncerDeps) {}

  stop(): void {
    this.stopped = true;
  }

  announce(): void {
    if (this.stopped) return;
    const tip = this.d.chain.tip;
    const reached = this.d.gossiped(tip.id) ? new Set(this.d.gossipPeers()) : undefined;
    const ready = this.d.peers.ready();
    if (this.lastAt.size > ready.length) this.prune(ready);
    for (const p of ready) {
      if (reached?.has(p.peerId) || !this.lacksTip(p)) continue;
      this.announceTo(p.peerId);
    }
  }

  /** Whether a peer may not have our tip yet, as far as what it sent us tells. */
  private lacksTip(p: PeerState): boolean {
    const tip = this.d.chain.tip;
    if (p.knownBlock === tip.id || p.delivered.has(tip.id)) return false;
    return !p.status || p.status.chainWork < tip.chainWork;
  }

  private prune(ready: PeerState[]): void {
    const live = new Set(ready.map((p) => p.peerId));
    for (const id of this.lastAt.keys()) if (!live.has(id)) this.lastAt.delete(id);
  }

  private announceTo(peerId: string): void {
    if (this.announcing.has(peerId)) {
      this.announcing.set(peerId, true);
      return;
    }
    this.announcing.set(peerId, false);
    const wait = (this.lastAt.get(peerId) ?? -Infinity) + MIN_GAP_MS - Date.now();
    if (wait > 0) setTimeout(() => this.send(peerId), wait);
    else this.send(peerId);
  }

  private send(peerId: string): void {
    const p = this.d.peers.get(peerId);
    if (this.stopped || !p?.ready || !this.lacksTip(p)) {
      this.announcing.delete(peerId);
      return;
    }
    this.lastAt.set(peerId, Date.now());
    void this.d.exchange(peerId).finally(() => {
      const again = this.announcing.get(peerId);
      this.announcing.delete(peerId);
      const q = this.d.peers.get(peerId);
      if (again && !this.stopped && q?.ready && this.lacksTip(q)) this.announceTo(peerId);
    });
  }
}

import type { ChainEntry } from '../chain/entry.js';
import type { PeerSet } from './peer-set.js';
import type { PeerState } from './peer-state.js';

export interface AnnouncerDeps {
  chain: { readonly tip: ChainEntry };
  peers: PeerSet;
  /** Whether gossipsub carries this block onwards itself. */
  gossiped: (id: string) => boolean;
  meshPeers: () => string[];
  /** Sends our status to a peer (and learns its). */
  exchange: (peerId: string) => Promise<boolean>;
}

/**
 * Fast path next to gossip, like Bitcoin's headers announcements: on a new
 * tip, push our status to the peers gossip will not reach promptly, and a
 * peer that lacks the block fetches it from us at once (one round trip).
 * When gossip carries the block (we validated it from gossip, or published
 * it), that is the peers outside our mesh, which would otherwise wait for
 * IHAVE at the next heartbeat; when it came by sync or fetch, gossip does
 * not forward it, so every peer. Peers known to have it are skipped. At
 * most one announcement per peer is in flight; tips that arrive meanwhile
 * are folded into one follow-up.
 */
export class TipAnnouncer {
  /** Peers with an announcement in flight; true when another is due once it returns. */
  private readonly announcing = new Map<string, boolean>();
  private stopped = false;

  constructor(private readonly d: AnnouncerDeps) {}

  stop(): void {
    this.stopped = true;
  }

  announce(): void {
    if (this.stopped) return;
    const tip = this.d.chain.tip;
    const mesh = this.d.gossiped(tip.id) ? new Set(this.d.meshPeers()) : undefined;
    for (const p of this.d.peers.ready()) {
      if (mesh?.has(p.peerId) || p.knownBlock === tip.id || !this.lacksTip(p)) continue;
      this.announceTo(p.peerId);
    }
  }

  /** Whether a peer may not have our tip yet, as far as its last status tells. */
  private lacksTip(p: PeerState): boolean {
    return !p.status || p.status.chainWork < this.d.chain.tip.chainWork;
  }

  private announceTo(peerId: string): void {
    if (this.announcing.has(peerId)) {
      this.announcing.set(peerId, true);
      return;
    }
    this.announcing.set(peerId, false);
    void this.d.exchange(peerId).finally(() => {
      const again = this.announcing.get(peerId);
      this.announcing.delete(peerId);
      const p = this.d.peers.get(peerId);
      if (again && !this.stopped && p?.ready && this.lacksTip(p) && p.knownBlock !== this.d.chain.tip.id) this.announceTo(peerId);
    });
  }
}

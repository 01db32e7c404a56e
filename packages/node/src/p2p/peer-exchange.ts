import { validAddrs, type AddrMan } from './addrman.js';
import type { Exchange } from './libp2p.js';
import { decodePeers, encodePeers, type PeerRecord } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS } from './protocol.js';
import type { Requester } from './sync-client.js';
import type { Wire } from './wire.js';

export interface PxServeDeps {
  peers: PeerSet;
  book: Pick<AddrMan, 'sample'>;
  wire: Pick<Wire, 'penalise'>;
}

/**
 * Peer exchange: a peer asks, we answer with peers we are connected to or
 * recently reached (their advertised listen addresses). That is how a node
 * that knows only its bootstrap node finds the rest.
 */
export async function servePeerExchange(d: PxServeDeps, ex: Exchange): Promise<void> {
  try {
    await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    const peer = d.peers.get(ex.peerId);
    if (!peer?.ready) return;
    if (peer.flooding()) d.peers.misbehave(ex.peerId, 'requestFlood', 'too many peer-exchange requests');
    const out = encodePeers(knownPeers(d, ex.peerId));
    await ex.write(out);
    peer.bytesOut += out.length + 4;
  } catch (e) {
    d.wire.penalise(ex.peerId, e);
  } finally {
    await ex.close();
  }
}

function knownPeers(d: PxServeDeps, asker: string): PeerRecord[] {
  const out = new Map<string, PeerRecord>();
  for (const p of d.peers.ready()) {
    if (p.peerId === asker || !p.status) continue;
    // A status's addresses are whatever the peer wrote: only those the asker's book would take are passed on.
    const addrs = validAddrs(p.peerId, p.status.listenAddrs, { names: false, publicOnly: false });
    if (addrs.length > 0) out.set(p.peerId, { peerId: p.peerId, addrs });
  }
  for (const e of d.book.sample(LIMITS.maxPxPeers)) {
    if (e.peerId !== asker && !out.has(e.peerId)) out.set(e.peerId, { peerId: e.peerId, addrs: e.addrs });
  }
  return [...out.values()].slice(0, LIMITS.maxPxPeers);
}

export interface PxAskDeps {
  wire: Requester;
  protocol: string;
  peers: PeerSet;
  /** Adds what a peer told us; returns how many were new. */
  learn: (source: string, records: PeerRecord[]) => number;
}

export async function askPeers(d: PxAskDeps, peerId: string): Promise<number> {
  const raw = await d.wire.request(peerId, d.protocol, new Uint8Array(0), LIMITS.pxBytes, LIMITS.requestMs);
  let peers: PeerRecord[];
  try {
    peers = decodePeers(raw);
  } catch (e) {
    d.peers.misbehave(peerId, 'malformed', (e as Error).message);
    return 0;
  }
  return d.learn(peerId, peers);
}

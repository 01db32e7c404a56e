import type { Exchange } from './libp2p.js';
import { decodePeers, encodePeers, type PeerRecord } from './messages.js';
import { LIMITS } from './protocol.js';
import type { Network } from './network.js';

/**
 * Peer exchange: a peer asks, we answer with peers we are connected to or
 * recently reached (their advertised listen addresses). That is how a node
 * that knows only its bootstrap node finds the rest.
 */
export async function servePeerExchange(net: Network, ex: Exchange): Promise<void> {
  try {
    await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    const peer = net.peers.get(ex.peerId);
    if (!peer?.ready) return;
    if (peer.noteRequest() > 200) net.misbehave(ex.peerId, 'requestFlood', 'too many peer-exchange requests');
    const out = encodePeers(knownPeers(net, ex.peerId));
    await ex.write(out);
    peer.bytesOut += out.length + 4;
  } catch (e) {
    net.penaliseFrameError(ex.peerId, e);
  } finally {
    await ex.close();
  }
}

function knownPeers(net: Network, asker: string): PeerRecord[] {
  const out = new Map<string, PeerRecord>();
  for (const p of net.readyPeers()) {
    if (p.peerId !== asker && p.status && p.status.listenAddrs.length > 0) out.set(p.peerId, { peerId: p.peerId, addrs: p.status.listenAddrs });
  }
  for (const e of net.book.sample(LIMITS.maxPxPeers)) {
    if (e.peerId !== asker && !out.has(e.peerId)) out.set(e.peerId, { peerId: e.peerId, addrs: e.addrs });
  }
  return [...out.values()].slice(0, LIMITS.maxPxPeers);
}

export async function askPeers(net: Network, peerId: string): Promise<number> {
  const raw = await net.request(peerId, net.ids.px, new Uint8Array(0), LIMITS.pxBytes, LIMITS.requestMs);
  let peers: PeerRecord[];
  try {
    peers = decodePeers(raw);
  } catch (e) {
    net.misbehave(peerId, 'malformed', (e as Error).message);
    return 0;
  }
  let added = 0;
  for (const r of peers) {
    if (r.peerId === net.peerId || net.bans.isBanned(r.peerId)) continue;
    if (!net.book.get(r.peerId)) added++;
    net.book.add(r.peerId, r.addrs, 'px');
  }
  return added;
}

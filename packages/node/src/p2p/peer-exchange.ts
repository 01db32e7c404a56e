import { validAddrs, type AddrMan } from './addrman.js';
import type { Exchange } from './libp2p.js';
import { decodePeers, encodePeers, type PeerRecord } from './messages.js';
import { groupOf } from './netgroup.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS } from './protocol.js';
import type { Requester } from './sync-client.js';
import type { Wire } from './wire.js';

/** Core's AVG_ADDRESS_RESPONSE_UPDATE_INTERVAL: an answer is drawn again after 21 to 27 hours (at random, so not on a schedule). */
const ANSWER_MS = 24 * 3600_000;
/**
 * An answer the book could not fill is drawn again sooner: a young node or a
 * small network would otherwise tell its first askers nothing for a day.
 * Such an answer holds every address the book would share anyway.
 */
const SHORT_ANSWER_MS = 15_000;
/** Askers' netgroups with an answer kept; the oldest goes first. */
const MAX_CACHED_GROUPS = 256;

/**
 * Peer-exchange answers, after Core's cached getaddr answers: drawn at
 * random from the address book, never from the table of live connections,
 * and kept per asker's netgroup for about a day. Listing connected peers
 * (outbound first, in connection order) told any peer which of our outbound
 * peers to knock offline to eclipse us; asking again and again, or from a
 * new identity in the same netgroup, gets the same answer, not a new view.
 */
export class PxAnswers {
  private readonly cache = new Map<string, { records: PeerRecord[]; until: number }>();

  constructor(
    private readonly book: Pick<AddrMan, 'sample'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer for a peer on `address`; never the asker's own record. */
  answer(address: string, asker: string): PeerRecord[] {
    const group = groupOf(address);
    const t = this.now();
    let c = this.cache.get(group);
    if (!c || c.until <= t) {
      const records = this.draw();
      const ttl = records.length >= LIMITS.maxPxPeers ? ANSWER_MS * (0.875 + Math.random() * 0.25) : SHORT_ANSWER_MS;
      c = { records, until: t + ttl };
      this.cache.delete(group);
      if (this.cache.size >= MAX_CACHED_GROUPS) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(group, c);
    }
    return c.records.filter((r) => r.peerId !== asker);
  }

  private draw(): PeerRecord[] {
    const out: PeerRecord[] = [];
    // Drawn with room to spare: the operator's DNS names are not passed on, so an entry may have nothing to send.
    for (const e of this.book.sample(LIMITS.maxPxPeers * 2)) {
      const addrs = validAddrs(e.peerId, e.addrs, { names: false, publicOnly: false });
      if (addrs.length > 0) out.push({ peerId: e.peerId, addrs });
      if (out.length >= LIMITS.maxPxPeers) break;
    }
    return out;
  }
}

export interface PxServeDeps {
  peers: PeerSet;
  answers: Pick<PxAnswers, 'answer'>;
  wire: Pick<Wire, 'penalise'>;
}

/**
 * Peer exchange: a peer asks, we answer with peers from our address book
 * that we reached or that announced themselves lately. That is how a node
 * that knows only its bootstrap node finds the rest.
 */
export async function servePeerExchange(d: PxServeDeps, ex: Exchange): Promise<void> {
  try {
    await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    const peer = d.peers.get(ex.peerId);
    if (!peer?.ready) return;
    if (peer.flooding()) d.peers.misbehave(ex.peerId, 'requestFlood', 'too many peer-exchange requests');
    const out = encodePeers(d.answers.answer(peer.address, ex.peerId));
    await ex.write(out);
    peer.bytesOut += out.length + 4;
  } catch (e) {
    d.wire.penalise(ex.peerId, e);
  } finally {
    await ex.close();
  }
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

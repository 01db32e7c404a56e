import { encodeHeader, encodeTx, hashToHex } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { Exchange } from './libp2p.js';
import { decodeSyncRequest, encodeHashes, encodeHeaders, encodeRawList, type SyncRequest } from './messages.js';
import type { PeerSet } from './peer-set.js';
import type { PeerState } from './peer-state.js';
import { LIMITS } from './protocol.js';
import type { SendBudget } from './send-budget.js';
import type { Wire } from './wire.js';

/** What serving sync reads of the chain. */
export interface ServedChain {
  readonly genesis: ChainEntry;
  readonly height: number;
  getEntry(id: string): ChainEntry | undefined;
  getEntryByHeight(height: number): ChainEntry | undefined;
  isMain(entry: ChainEntry): boolean;
  /** On the main chain or validated: a block we could not vouch for would get us banned by the peer that checks it. */
  canServe(entry: ChainEntry): boolean;
  getRawBlock(entry: ChainEntry): Promise<Uint8Array | null>;
}

/** What serving the mempool exchange reads. */
export interface ServedMempool {
  /** Highest fee rate first. */
  entries(): MempoolEntry[];
  get(id: string): MempoolEntry | undefined;
}

export interface ServeDeps {
  chain: ServedChain;
  mempool: ServedMempool;
  peers: PeerSet;
  wire: Pick<Wire, 'penalise'>;
  /** Answers built and not yet read, node-wide. */
  budget: SendBudget;
}

/** Answers one sync request: headers after a locator, or block bodies by hash. */
export async function serveSync(d: ServeDeps, ex: Exchange): Promise<void> {
  const peer = d.peers.get(ex.peerId);
  try {
    const raw = await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    if (!peer?.ready) return; // no handshake, no service
    peer.bytesIn += raw.length + 4;
    if (peer.flooding(true)) d.peers.misbehave(ex.peerId, 'requestFlood', 'too many sync requests');
    let req;
    try {
      req = decodeSyncRequest(raw);
    } catch (e) {
      d.peers.misbehave(ex.peerId, 'malformed', (e as Error).message);
      return;
    }
    // One answer at a time per peer, built in turn, as Core stops reading a peer's getdata while
    // its send buffer is full: a blocks answer holds up to ~10 MB and a txs answer ~2 MB until the
    // peer reads it, and 16 streams asking at once from a peer that never reads held them all.
    await peer.answering.run(async () => {
      // A blocks answer takes its share of the budget before it reads any block: peers asking at
      // the same moment each saw the whole budget free, and 64 of them held ten times it.
      const held = d.budget.hold(req.type === 'blocks' ? Math.min(LIMITS.blocksResponseSoftBytes, d.budget.available) : 0);
      try {
        const out = await answer(d, req, peer, held.bytes);
        held.resize(out.length);
        await ex.write(out);
        peer.bytesOut += out.length + 4;
      } finally {
        held.release();
      }
    });
  } catch (e) {
    d.wire.penalise(ex.peerId, e);
  } finally {
    await ex.close();
  }
}

/** `blockBytes`: what a blocks answer may fill beyond its first block (its share of the send budget). */
async function answer(d: ServeDeps, req: SyncRequest, peer: PeerState, blockBytes: number): Promise<Uint8Array> {
  switch (req.type) {
    case 'headers':
      return headersAfter(d.chain, req.locator, req.max);
    case 'blocks':
      return blocksByHash(d.chain, req.hashes, blockBytes);
    case 'mempool':
      // A peer asks once, on connect. Each answer copies and sorts the whole pool (tens of ms
      // at 50,000 entries for one byte asked), so a repeat gets an empty list.
      if (peer.mempoolServed) return encodeHashes([]);
      peer.mempoolServed = true;
      return mempoolIds(d.mempool);
    case 'txs':
      return txsById(d.mempool, req.ids);
  }
}

function mempoolIds(mempool: ServedMempool): Uint8Array {
  const best = mempool
    .entries()
    .slice(0, LIMITS.maxMempoolIds)
    // Arrival order, and nonce order per sender, so the asker can add them as they come.
    .sort((a, b) => a.time - b.time || (a.senderKey === b.senderKey ? Number(a.tx.nonce - b.tx.nonce) : 0));
  return encodeHashes(best.map((e) => e.hash));
}

function txsById(mempool: ServedMempool, ids: Uint8Array[]): Uint8Array {
  const out: Uint8Array[] = [];
  const sent = new Set<string>();
  let bytes = 0;
  for (const h of ids) {
    const id = hashToHex(h);
    // One copy each: 256 asks for one large transaction filled an answer with 42 copies.
    if (sent.has(id)) continue;
    sent.add(id);
    const e = mempool.get(id);
    if (!e) continue;
    const raw = encodeTx(e.tx);
    if (bytes + raw.length > LIMITS.txsResponseBytes - 1024) break;
    out.push(raw);
    bytes += raw.length;
  }
  return encodeRawList(out);
}

export function headersAfter(chain: ServedChain, locator: Uint8Array[], max: number): Uint8Array {
  let fork: ChainEntry = chain.genesis;
  for (const h of locator) {
    const e = chain.getEntry(hashToHex(h));
    if (e && chain.isMain(e)) {
      fork = e;
      break;
    }
  }
  const headers: Uint8Array[] = [];
  const limit = Math.min(max, LIMITS.maxHeaders);
  for (let h = fork.height + 1; h <= chain.height && headers.length < limit; h++) {
    headers.push(encodeHeader(chain.getEntryByHeight(h)!.header));
  }
  return encodeHeaders(headers);
}

/** Blocks in order until one is unknown or `softBytes` are reached (always the first, if known); each once. */
async function blocksByHash(chain: ServedChain, hashes: Uint8Array[], softBytes: number): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  const sent = new Set<string>();
  let bytes = 0;
  for (const h of hashes) {
    const id = hashToHex(h);
    // One read each: 32 asks for the same large block made a 1 KB request read and copy it 32 times.
    if (sent.has(id)) continue;
    sent.add(id);
    const e = chain.getEntry(id);
    if (!e || !chain.canServe(e)) break;
    const raw = await chain.getRawBlock(e);
    if (!raw) break;
    blocks.push(raw);
    bytes += raw.length;
    if (bytes >= softBytes) break;
  }
  return encodeRawList(blocks);
}

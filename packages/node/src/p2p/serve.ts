import { encodeHeader, hashToHex } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import type { Exchange } from './libp2p.js';
import { decodeSyncRequest, encodeBlocks, encodeHeaders } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS } from './protocol.js';
import type { Wire } from './wire.js';

/** What serving sync reads of the chain. */
export interface ServedChain {
  readonly genesis: ChainEntry;
  readonly height: number;
  getEntry(id: string): ChainEntry | undefined;
  getEntryByHeight(height: number): ChainEntry | undefined;
  isMain(entry: ChainEntry): boolean;
  getRawBlock(entry: ChainEntry): Promise<Uint8Array | null>;
}

export interface ServeDeps {
  chain: ServedChain;
  peers: PeerSet;
  wire: Pick<Wire, 'penalise'>;
}

/** Answers one sync request: headers after a locator, or block bodies by hash. */
export async function serveSync(d: ServeDeps, ex: Exchange): Promise<void> {
  const peer = d.peers.get(ex.peerId);
  try {
    const raw = await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    if (!peer?.ready) return; // no handshake, no service
    peer.bytesIn += raw.length + 4;
    if (peer.flooding()) d.peers.misbehave(ex.peerId, 'requestFlood', 'too many sync requests');
    let req;
    try {
      req = decodeSyncRequest(raw);
    } catch (e) {
      d.peers.misbehave(ex.peerId, 'malformed', (e as Error).message);
      return;
    }
    const out = req.type === 'headers' ? headersAfter(d.chain, req.locator, req.max) : await blocksByHash(d.chain, req.hashes);
    await ex.write(out);
    peer.bytesOut += out.length + 4;
  } catch (e) {
    d.wire.penalise(ex.peerId, e);
  } finally {
    await ex.close();
  }
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

async function blocksByHash(chain: ServedChain, hashes: Uint8Array[]): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  let bytes = 0;
  for (const h of hashes) {
    const e = chain.getEntry(hashToHex(h));
    if (!e) break;
    const raw = await chain.getRawBlock(e);
    if (!raw) break;
    blocks.push(raw);
    bytes += raw.length;
    if (bytes >= LIMITS.blocksResponseSoftBytes) break;
  }
  return encodeBlocks(blocks);
}

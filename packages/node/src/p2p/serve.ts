import { encodeHeader, hashToHex } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import type { Exchange } from './libp2p.js';
import { decodeSyncRequest, encodeBlocks, encodeHeaders } from './messages.js';
import { LIMITS } from './protocol.js';
import type { Network } from './network.js';

/** Requests per peer per 10 s before we count it as flooding. */
const FLOOD_LIMIT = 200;

/** Answers one sync request: headers after a locator, or block bodies by hash. */
export async function serveSync(net: Network, ex: Exchange): Promise<void> {
  const peer = net.peers.get(ex.peerId);
  try {
    const raw = await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    if (!peer?.ready) return; // no handshake, no service
    peer.bytesIn += raw.length + 4;
    if (peer.noteRequest() > FLOOD_LIMIT) net.misbehave(ex.peerId, 'requestFlood', 'too many sync requests');
    let req;
    try {
      req = decodeSyncRequest(raw);
    } catch (e) {
      net.misbehave(ex.peerId, 'malformed', (e as Error).message);
      return;
    }
    const out = req.type === 'headers' ? headersAfter(net, req.locator, req.max) : await blocksByHash(net, req.hashes);
    await ex.write(out);
    peer.bytesOut += out.length + 4;
  } catch (e) {
    net.penaliseFrameError(ex.peerId, e);
  } finally {
    await ex.close();
  }
}

function headersAfter(net: Network, locator: Uint8Array[], max: number): Uint8Array {
  const chain = net.chain;
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

async function blocksByHash(net: Network, hashes: Uint8Array[]): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  let bytes = 0;
  for (const h of hashes) {
    const e = net.chain.getEntry(hashToHex(h));
    if (!e) break;
    const raw = await net.chain.getRawBlock(e);
    if (!raw) break;
    blocks.push(raw);
    bytes += raw.length;
    if (bytes >= LIMITS.blocksResponseSoftBytes) break;
  }
  return encodeBlocks(blocks);
}

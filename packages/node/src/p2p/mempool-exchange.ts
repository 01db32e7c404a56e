import { bytesToHex, hashToHex, sha256d } from '@hackcoin/core';
import { decodeHashes, decodeRawList, encodeSyncRequest } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS } from './protocol.js';
import type { Requester } from './sync-client.js';
import type { Validation } from './libp2p.js';

export interface MempoolExchangeDeps {
  wire: Requester;
  protocol: string;
  peers: PeerSet;
  /** Whether a transaction id is already in our mempool. */
  has: (id: string) => boolean;
  /** The transaction intake gossip also uses (decode, seen-set, mempool, penalties). */
  accept: (from: string, raw: Uint8Array) => Promise<Validation>;
  maxTxBytes: number;
}

/**
 * Bitcoin's `mempool` message: on connect we ask a peer for the ids of its
 * pending transactions, then fetch the ones we lack in batches. A node that
 * joins late so learns what was relayed before it came. Returns how many
 * transactions were accepted.
 */
export async function pullMempool(d: MempoolExchangeDeps, peerId: string): Promise<number> {
  const raw = await d.wire.request(peerId, d.protocol, encodeSyncRequest({ type: 'mempool' }), 16 + LIMITS.maxMempoolIds * 32, LIMITS.requestMs);
  let ids: Uint8Array[];
  try {
    ids = decodeHashes(raw, LIMITS.maxMempoolIds);
  } catch (e) {
    d.peers.misbehave(peerId, 'malformed', `mempool ids: ${(e as Error).message}`);
    return 0;
  }
  const missing = ids.filter((h) => !d.has(hashToHex(h)));
  let accepted = 0;
  for (let i = 0; i < missing.length && d.peers.get(peerId); i += LIMITS.maxTxsPerRequest) {
    const batch = missing.slice(i, i + LIMITS.maxTxsPerRequest);
    const resp = await d.wire.request(peerId, d.protocol, encodeSyncRequest({ type: 'txs', ids: batch }), LIMITS.txsResponseBytes, LIMITS.requestMs);
    let txs: Uint8Array[];
    try {
      txs = decodeRawList(resp, LIMITS.maxTxsPerRequest, d.maxTxBytes);
    } catch (e) {
      d.peers.misbehave(peerId, 'malformed', `transactions: ${(e as Error).message}`);
      return accepted;
    }
    // Only what was asked, each once: an answer is not a channel for transactions nobody asked for,
    // which no batch bound or relay rule would then weigh (an honest peer leaves out what it lost).
    const asked = new Set(batch.map(bytesToHex));
    for (const tx of txs) {
      if (!asked.delete(bytesToHex(sha256d(tx)))) {
        d.peers.misbehave(peerId, 'malformed', 'mempool-tx-unasked: the answer holds a transaction not asked for, or one twice');
        return accepted;
      }
    }
    // In order: a sender's later nonces depend on its earlier ones.
    for (const tx of txs) if ((await d.accept(peerId, tx)) === 'accept') accepted++;
  }
  return accepted;
}

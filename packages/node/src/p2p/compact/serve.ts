import type { Block, Transaction } from '@hackcoin/core';
import type { Exchange } from '../libp2p.js';
import type { PeerSet } from '../peer-set.js';
import { LIMITS } from '../protocol.js';
import type { Wire } from '../wire.js';
import { decodeBlockTxnRequest, encodeBlockTxn } from './messages.js';

export interface BlockTxnServeDeps {
  peers: PeerSet;
  wire: Pick<Wire, 'penalise'>;
  block(hash: Uint8Array): Promise<Block | undefined>;
  maxTxs: number;
}

/**
 * Answers one getblocktxn with the transactions at the asked indexes. A block
 * we do not have gets an empty answer (it may have been announced by someone
 * else), and so does an index past the block's end (see `pick`).
 */
export async function serveBlockTxn(d: BlockTxnServeDeps, ex: Exchange): Promise<void> {
  const peer = d.peers.get(ex.peerId);
  try {
    const raw = await ex.read(LIMITS.requestBytes, LIMITS.requestMs);
    if (!peer?.ready) return;
    peer.bytesIn += raw.length + 4;
    if (peer.flooding()) d.peers.misbehave(ex.peerId, 'requestFlood', 'too many getblocktxn requests');
    const req = decodeBlockTxnRequest(raw, d.maxTxs);
    if (!req.ok) {
      d.peers.misbehave(ex.peerId, 'malformed', `${req.rule}: ${req.detail}`);
      return;
    }
    const { blockHash, indexes } = req.value;
    // One at a time per peer (peer-state `answeringBlockTxn`): one unread answer, not one per stream.
    await peer.answeringBlockTxn.run(async () => {
      const block = await d.block(blockHash);
      const out = encodeBlockTxn({ blockHash, txs: block ? pick(block, indexes) : [] });
      await ex.write(out);
      peer.bytesOut += out.length + 4;
    });
  } catch (e) {
    d.wire.penalise(ex.peerId, e);
  } finally {
    await ex.close();
  }
}

/**
 * The transactions at `indexes` (strictly increasing), or none when one is
 * past the block's end: the asker was fooled by a compact block claiming more
 * transactions than its block has, which a node that forwards before checking
 * passes on in good faith. "Not found" sends it to the full block instead.
 */
function pick(block: Block, indexes: readonly number[]): Transaction[] {
  if (indexes[indexes.length - 1]! >= block.txs.length) return [];
  return indexes.map((i) => block.txs[i]!);
}

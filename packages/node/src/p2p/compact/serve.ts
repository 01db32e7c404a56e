import type { Block } from '@hackcoin/core';
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
 * else); an index past the block's end is the asker's fault.
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
      const txs = [];
      if (block) {
        const last = indexes[indexes.length - 1]!;
        if (last >= block.txs.length) {
          d.peers.misbehave(ex.peerId, 'malformed', `cmpct-index-out-of-range: index ${last} of ${block.txs.length}`);
          return;
        }
        for (const i of indexes) txs.push(block.txs[i]!);
      }
      const out = encodeBlockTxn({ blockHash, txs });
      await ex.write(out);
      peer.bytesOut += out.length + 4;
    });
  } catch (e) {
    d.wire.penalise(ex.peerId, e);
  } finally {
    await ex.close();
  }
}

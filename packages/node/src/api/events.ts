import { formatAddress, txSender, type SignatureBackend } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../mining/miner.js';
import type { RealtimeHub } from './realtime.js';
import { headerJson, txJson } from './serialize.js';

const MINING_INTERVAL_MS = 2000;

/**
 * Bridges subsystem events to real-time topics. Address subscribers hear of
 * a transaction when it enters the mempool, when it confirms, and when a
 * reorg takes it out of the chain; confirmation counts follow from `block`.
 */
export function wireRealtime(hub: RealtimeHub, chain: Chain, mempool: Mempool, miner: Miner, backend: SignatureBackend): () => void {
  const partiesOf = (tx: Parameters<typeof txJson>[0]): string[] =>
    tx.kind === 'transfer' ? [formatAddress(txSender(tx, backend)), formatAddress(tx.to)] : [formatAddress(tx.to)];

  // JSON is built only for topics someone listens to: this runs inside every block connect.
  chain.on('block:connected', (entry, block) => {
    if (hub.hasSubscribers('blocks')) hub.publish('blocks', { type: 'block', block: { ...headerJson(entry, 1), txCount: block.txs.length } });
    if (!hub.watchesAddresses) return;
    for (const tx of block.txs) {
      hub.publishAddresses(partiesOf(tx), () => ({ type: 'address', event: 'confirmed', tx: txJson(tx, backend), blockHeight: entry.height, blockHash: entry.id }));
    }
  });
  chain.on('block:disconnected', (entry, block) => {
    if (!hub.watchesAddresses) return;
    for (const tx of block.txs) {
      hub.publishAddresses(partiesOf(tx), () => ({ type: 'address', event: 'unconfirmed', tx: txJson(tx, backend), blockHeight: entry.height }));
    }
  });
  chain.on('reorg', (info) => {
    hub.publish('blocks', {
      type: 'reorg',
      from: { hash: info.from.id, height: info.from.height },
      to: { hash: info.to.id, height: info.to.height },
      forkHeight: info.fork.height,
      disconnected: info.disconnected.length,
    });
  });
  mempool.on('tx:added', (e) => {
    if (hub.hasSubscribers('mempool')) hub.publish('mempool', { type: 'tx', tx: txJson(e.tx, backend), feeRate: e.feeRate });
    if (hub.watchesAddresses) hub.publishAddresses(partiesOf(e.tx), () => ({ type: 'address', event: 'pending', tx: txJson(e.tx, backend) }));
  });
  mempool.on('tx:removed', (e, reason) => {
    hub.publish('mempool', { type: 'tx-removed', id: e.id, reason });
  });
  const timer = setInterval(() => {
    if (hub.hasSubscribers('mining')) hub.publish('mining', { type: 'mining', status: miner.status() });
  }, MINING_INTERVAL_MS);
  return () => clearInterval(timer);
}

import { txSender, type RealtimePush, type SignatureBackend } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../mining/miner.js';
import type { RealtimeHub } from './realtime.js';
import { headerJson, txJson } from './serialize.js';

const MINING_INTERVAL_MS = 2000;

/** A push as core's realtime schema describes it; the hub adds the topic. */
type Push<T extends RealtimePush['type']> = Omit<Extract<RealtimePush, { type: T }>, 'topic'>;

/**
 * Bridges subsystem events to real-time topics. Address subscribers hear of
 * a transaction when it enters the mempool, when it confirms, and when a
 * reorg takes it out of the chain; confirmation counts follow from `block`.
 */
export function wireRealtime(hub: RealtimeHub, chain: Chain, mempool: Mempool, miner: Miner, backend: SignatureBackend): () => void {
  const partiesOf = (tx: Parameters<typeof txJson>[0]): Uint8Array[] => (tx.kind === 'transfer' ? [txSender(tx, backend), tx.to] : [tx.to]);

  // The blocks topic tells each activation's net change once it ends, as Core's UpdatedBlockTip and
  // ZMQ's hashblock do: a block connected and taken off again on the way (a fork tried up to an
  // invalid block) is no news, nor is a block taken off and put back.
  const connected = new Map<string, Push<'block'> | undefined>();
  const takenOff = new Set<string>();

  // JSON is built only for topics someone listens to: this runs inside every block connect.
  chain.on('block:connected', (entry, block) => {
    if (!takenOff.delete(entry.id)) {
      connected.set(entry.id, hub.hasSubscribers('blocks') ? { type: 'block', block: { ...headerJson(entry, 1), txCount: block.txs.length } } : undefined);
    }
    if (!hub.watchesAddresses) return;
    for (const tx of block.txs) {
      hub.publishAddresses(partiesOf(tx), (): Push<'address'> => ({ type: 'address', event: 'confirmed', tx: txJson(tx, backend), blockHeight: entry.height, blockHash: entry.id }));
    }
  });
  chain.on('block:disconnected', (entry, block) => {
    if (!connected.delete(entry.id)) takenOff.add(entry.id);
    if (!hub.watchesAddresses) return;
    for (const tx of block.txs) {
      hub.publishAddresses(partiesOf(tx), (): Push<'address'> => ({ type: 'address', event: 'unconfirmed', tx: txJson(tx, backend), blockHeight: entry.height }));
    }
  });
  chain.on('reorg', (info) => {
    hub.publish('blocks', {
      type: 'reorg',
      from: { hash: info.from.id, height: info.from.height },
      to: { hash: info.to.id, height: info.to.height },
      forkHeight: info.fork.height,
      disconnected: info.disconnected.length,
    } satisfies Push<'reorg'>);
  });
  chain.on('tip', () => {
    for (const push of connected.values()) if (push) hub.publish('blocks', push);
    connected.clear();
    takenOff.clear();
  });
  mempool.on('tx:added', (e) => {
    if (hub.hasSubscribers('mempool')) hub.publish('mempool', { type: 'tx', tx: txJson(e.tx, backend), feeRate: e.feeRate } satisfies Push<'tx'>);
    if (hub.watchesAddresses) hub.publishAddresses(partiesOf(e.tx), (): Push<'address'> => ({ type: 'address', event: 'pending', tx: txJson(e.tx, backend) }));
  });
  mempool.on('tx:removed', (e, reason) => {
    hub.publish('mempool', { type: 'tx-removed', id: e.id, reason } satisfies Push<'tx-removed'>);
  });
  const timer = setInterval(() => {
    if (hub.hasSubscribers('mining')) hub.publish('mining', { type: 'mining', status: miner.status() } satisfies Push<'mining'>);
  }, MINING_INTERVAL_MS);
  return () => clearInterval(timer);
}

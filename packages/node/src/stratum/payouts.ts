import { RuleError, encodeTx, parseAddress, signTransfer, txId, type ConsensusParams, type UnsignedTransfer } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import type { FoundBlock, StratumServer } from './server.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';

export interface Payout {
  blockHeight: number;
  blockHash: string;
  address: string;
  amount: string;
  fee: string;
  txid: string | null;
  status: 'sent' | 'failed' | 'orphaned';
  error?: string;
}

/**
 * Pays each PPLNS share of a pool-found block from the pool's key once the
 * block has `confirmations` confirmations and is still in the main chain; a
 * block lost to a reorg pays nothing.
 */
export class PoolPayouts {
  readonly payouts: Payout[] = [];
  private readonly waiting: FoundBlock[] = [];
  // Runs one pass at a time: overlapping passes could pay a block twice and reuse nonces.
  private readonly queue = new SerialQueue();

  constructor(
    private readonly o: {
      chain: Chain;
      mempool: Mempool;
      params: ConsensusParams;
      log: Logger;
      key: Uint8Array;
      address: string;
      confirmations: number;
      minFeeRate: bigint;
      db: Database;
    },
    server: StratumServer,
  ) {
    server.on('block', (b) => {
      this.waiting.push(b);
      void this.queue.run(async () => {
        await this.o.db.put(pendingKey(b.hash), encodePending(b));
        await this.process();
      });
    });
    o.chain.on('tip', () => void this.queue.run(() => this.process()));
  }

  private async process(): Promise<void> {
    const { chain } = this.o;
    for (const b of [...this.waiting]) {
      const entry = chain.getEntry(b.hash);
      if (!entry || !chain.isMain(entry)) {
        if (entry && chain.height - entry.height > 100) {
          this.take(b);
          await this.o.db.del(pendingKey(b.hash));
          this.payouts.push({ blockHeight: b.height, blockHash: b.hash, address: '', amount: '0', fee: '0', txid: null, status: 'orphaned' });
        }
        continue;
      }
      if (chain.height - entry.height + 1 < this.o.confirmations) continue;
      this.take(b);
      await this.pay(b);
      // Deleted only once the payout transactions are in the (persisted) mempool.
      await this.o.db.del(pendingKey(b.hash));
    }
  }

  /** Blocks found before a restart are still owed to their miners. */
  async load(): Promise<void> {
    for await (const [, v] of this.o.db.iterator({ gte: key(Prefix.poolPending), lt: key(Prefix.poolPending + 1) })) {
      this.waiting.push(decodePending(v));
    }
    if (this.waiting.length > 0) this.o.log.info(`pool: ${this.waiting.length} found block(s) still to pay`);
    await this.queue.run(() => this.process());
  }

  private take(b: FoundBlock): void {
    const i = this.waiting.indexOf(b);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private async pay(b: FoundBlock): Promise<void> {
    const { chain, mempool, params, key, address } = this.o;
    const from = parseAddress(address);
    const account = await chain.getAccount(from);
    let nonce = mempool.nextNonce(from, account.nonce);
    for (const [to, share] of b.split) {
      const draft: UnsignedTransfer = { kind: 'transfer', chainId: params.chainId, nonce, fee: 0n, to: parseAddress(to), amount: 0n, data: new Uint8Array() };
      const fee = this.o.minFeeRate * BigInt(encodeTx(signTransfer(draft, key)).length);
      const record: Payout = { blockHeight: b.height, blockHash: b.hash, address: to, amount: (share - fee).toString(), fee: fee.toString(), txid: null, status: 'sent' };
      if (share <= fee) {
        record.status = 'failed';
        record.error = 'share smaller than the fee';
        record.amount = '0';
        this.payouts.push(record);
        continue;
      }
      if (to === address) {
        record.fee = '0';
        record.amount = share.toString();
        this.payouts.push(record);
        continue;
      }
      try {
        const tx = signTransfer({ ...draft, fee, amount: share - fee }, key);
        await mempool.add(tx);
        record.txid = txId(tx);
        nonce++;
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        record.status = 'failed';
        record.error = e.code;
      }
      this.payouts.push(record);
    }
    this.o.log.info(`pool paid block ${b.height}: ${b.split.size} miner(s)`);
  }
}

function pendingKey(hash: string): Uint8Array {
  return key(Prefix.poolPending, new TextEncoder().encode(hash));
}

function encodePending(b: FoundBlock): Uint8Array {
  const json = { ...b, reward: b.reward.toString(), split: [...b.split].map(([a, v]) => [a, v.toString()]) };
  return new TextEncoder().encode(JSON.stringify(json));
}

function decodePending(bytes: Uint8Array): FoundBlock {
  const j = JSON.parse(new TextDecoder().decode(bytes)) as Omit<FoundBlock, 'reward' | 'split'> & { reward: string; split: [string, string][] };
  return { ...j, reward: BigInt(j.reward), split: new Map(j.split.map(([a, v]) => [a, BigInt(v)])) };
}

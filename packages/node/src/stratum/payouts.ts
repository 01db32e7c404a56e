import { RuleError, encodeTx, parseAddress, signTransfer, txId, type ConsensusParams, type UnsignedTransfer } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import type { FoundBlock, StratumServer } from './server.js';
import { SerialQueue } from '../util/serial-queue.js';

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
    },
    server: StratumServer,
  ) {
    server.on('block', (b) => {
      this.waiting.push(b);
      void this.queue.run(() => this.process());
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
          this.payouts.push({ blockHeight: b.height, blockHash: b.hash, address: '', amount: '0', fee: '0', txid: null, status: 'orphaned' });
        }
        continue;
      }
      if (chain.height - entry.height + 1 < this.o.confirmations) continue;
      this.take(b);
      await this.pay(b);
    }
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

import { RuleError, parseAddress, signTransfer, signedTransferSize, txId, type ConsensusParams, type TransferTx, type UnsignedTransfer } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import type { FoundBlock } from './server.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';

/** Where found blocks come from (the Stratum server). */
export interface FoundBlockSource {
  on(event: 'block', fn: (found: FoundBlock) => void): unknown;
}

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
 * Payout transactions the pool keeps in the mempool at once: under the
 * mempool's per-sender limit (64), so a block with hundreds of miners is
 * paid in batches across the next blocks instead of failing.
 */
export const PAYOUT_BATCH = 48;
/** A payout refused for a reason other than the sender limit or its fee is retried on later blocks this many times. */
const MAX_ATTEMPTS = 5;
/**
 * Refusals that say the fee is too low for the mempool now (a flood raised
 * its floor or filled it): they pass with the flood, so the payout waits for
 * a later block however long that takes, and is never dropped for them.
 */
const FEE_REFUSALS = new Set(['min-fee-not-met', 'mempool-min-fee-not-met', 'mempool-full']);
const MAX_RECORDS = 10_000;

/**
 * Pays each PPLNS share of a pool-found block from the pool's key once the
 * block has `confirmations` confirmations and is still in the main chain; a
 * block lost to a reorg pays nothing. What is still owed stays in the
 * database until paid, across restarts.
 */
export class PoolPayouts {
  readonly payouts: Payout[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly waiting: FoundBlock[] = [];
  /**
   * Payouts admitted to the mempool and not yet confirmed, by nonce. The mempool may drop one
   * later (a flood's trim or eviction takes the cheapest first, and payouts pay the floor); it is
   * offered again, the same signed transaction, before anything new is signed, so its nonce is
   * never given to another payout and nobody is paid twice. At most a batch or two.
   */
  private readonly unconfirmed = new Map<bigint, { tx: TransferTx; record: Payout }>();
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
      /** Signs a payout (default: signTransfer); injectable so tests can count signatures. */
      sign?: (tx: UnsignedTransfer, key: Uint8Array) => TransferTx;
      /** Units per byte the mempool asks of a newcomer now (default: the mempool's own rolling floor). */
      mempoolMinFeeRate?: () => number;
    },
    server: FoundBlockSource,
  ) {
    server.on('block', (found) => {
      // A copy: what is still owed shrinks as it is paid, while the pool's own record keeps the full split.
      const b = { ...found, split: new Map(found.split) };
      this.waiting.push(b);
      void this.queue.run(async () => {
        // Recorded after the block itself is on disk, so a record never names a block a crash took back.
        await this.o.chain.settled();
        await this.o.db.put(pendingKey(b.hash), encodePending(b));
        await this.process();
      });
    });
    o.chain.on('tip', this.onTip);
  }

  private readonly onTip = () => void this.queue.run(() => this.process());

  /** Resolves once the passes queued so far (one per tip) have run. */
  settled(): Promise<void> {
    return this.queue.run(async () => undefined);
  }

  /** Resolves once the pass under way (if any) has finished writing. */
  async stop(): Promise<void> {
    this.o.chain.off('tip', this.onTip);
    await this.queue.run(async () => undefined);
  }

  private async process(): Promise<void> {
    const { chain } = this.o;
    // A payout dropped from the mempool that cannot go back yet holds its nonce: nothing new is signed after it.
    if (!(await this.resend())) return;
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
      const before = b.split.size;
      await this.pay(b);
      // Each owed share leaves the record only once its transaction is in the (persisted) mempool.
      if (b.split.size === 0) {
        this.take(b);
        await this.o.db.del(pendingKey(b.hash));
      } else if (b.split.size !== before) {
        await this.o.db.put(pendingKey(b.hash), encodePending(b));
      }
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

  private record(p: Payout): void {
    this.payouts.push(p);
    if (this.payouts.length > MAX_RECORDS) this.payouts.shift();
  }

  /** Offers again, in nonce order, the unconfirmed payouts the mempool no longer holds; false while one is refused. */
  private async resend(): Promise<boolean> {
    if (this.unconfirmed.size === 0) return true;
    const view = this.o.mempool.accountView(parseAddress(this.o.address));
    for (const n of [...this.unconfirmed.keys()]) if (n < view.account.nonce) this.unconfirmed.delete(n);
    const held = new Set(view.pending.map((e) => e.tx.nonce));
    const kept = [...this.unconfirmed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [i, [n, { tx }]] of kept.entries()) {
      if (held.has(n)) continue;
      try {
        await this.o.mempool.add(tx);
        this.o.log.info(`pool: payout ${txId(tx)} (nonce ${n}) was dropped from the mempool and is sent again`);
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        if (e.code === 'too-many-pending' || FEE_REFUSALS.has(e.code)) {
          this.o.log.warn(`pool: payout ${txId(tx)} (nonce ${n}) dropped from the mempool waits to go back (${e.code}); new payouts wait for it`);
          return false;
        }
        // Never admissible again: it and the payouts after it (now behind a gap) are recorded as failed, and their nonces reused.
        for (const [m, { record }] of kept.slice(i)) {
          this.unconfirmed.delete(m);
          this.record({ ...record, status: 'failed', error: e.code });
        }
        this.o.log.error(`pool: payout ${txId(tx)} (nonce ${n}) dropped from the mempool is refused (${e.code}); it and ${kept.length - i - 1} later payout(s) failed`);
        return true;
      }
    }
    return true;
  }

  /** Pays as much of `b.split` as the batch allows, removing what is settled (paid or finally failed). */
  private async pay(b: FoundBlock): Promise<void> {
    const { mempool, params, key, address } = this.o;
    const from = parseAddress(address);
    let budget = PAYOUT_BATCH - mempool.pendingFor(from).length;
    if (budget <= 0) return;
    // Account and pending transactions read in one step: the next nonce is never one already used.
    let nonce = mempool.accountView(from).nextNonce;
    let paid = 0;
    // A payout is a plain transfer, whose encoding has one fixed size: the fee is known before signing,
    // so dust is dropped without signing anything (a window can hold many thousands of addresses).
    // Priced at the mempool's floor while a flood has raised it: at the configured rate it would be refused.
    const floor = (this.o.mempoolMinFeeRate ?? (() => mempool.minFeeRate()))();
    const fee = feeFor(signedTransferSize(0), this.o.minFeeRate, floor);
    const sign = this.o.sign ?? signTransfer;
    for (const [to, share] of [...b.split]) {
      if (budget <= 0) break;
      const base = { blockHeight: b.height, blockHash: b.hash, address: to };
      if (to === address) {
        b.split.delete(to);
        this.record({ ...base, amount: share.toString(), fee: '0', txid: null, status: 'sent' });
        continue;
      }
      if (share <= fee) {
        b.split.delete(to);
        this.record({ ...base, amount: '0', fee: fee.toString(), txid: null, status: 'failed', error: 'share smaller than the fee' });
        continue;
      }
      try {
        const tx = sign({ kind: 'transfer', chainId: params.chainId, nonce, fee, to: parseAddress(to), amount: share - fee, data: new Uint8Array() }, key);
        await mempool.add(tx);
        const sent: Payout = { ...base, amount: (share - fee).toString(), fee: fee.toString(), txid: txId(tx), status: 'sent' };
        this.unconfirmed.set(tx.nonce, { tx, record: sent });
        b.split.delete(to);
        this.record(sent);
        nonce++;
        budget--;
        paid++;
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        // The sender limit and a fee refusal only say "later" (every payout here pays the same fee):
        // the rest of this block waits for the next one.
        if (e.code === 'too-many-pending' || FEE_REFUSALS.has(e.code)) break;
        const id = `${b.hash}:${to}`;
        const n = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, n);
        if (n < MAX_ATTEMPTS) continue;
        this.attempts.delete(id);
        b.split.delete(to);
        this.record({ ...base, amount: '0', fee: fee.toString(), txid: null, status: 'failed', error: e.code });
      }
    }
    this.o.log.info(`pool paid block ${b.height}: ${paid} payout(s) sent, ${b.split.size} still owed`);
  }
}

/** The fee for `size` bytes at the configured rate, or at the mempool's floor (units per byte) when that is higher. */
export function feeFor(size: number, minFeeRate: bigint, floorRate: number): bigint {
  const fee = minFeeRate * BigInt(size);
  if (!(floorRate > 0) || !Number.isFinite(floorRate)) return fee;
  let atFloor = BigInt(Math.ceil(floorRate * size));
  // The mempool compares fee / size with the floor in floating point: round up past any shortfall.
  if (Number(atFloor) / size < floorRate) atFloor++;
  return atFloor > fee ? atFloor : fee;
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

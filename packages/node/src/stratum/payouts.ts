import { COIN, RuleError, parseAddress, signTransfer, signedTransferSize, txHash, txId, type ConsensusParams, type TransferTx, type UnsignedTransfer } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { Mempool } from '../mempool/mempool.js';
import { PayoutJournal, type Payout, type SentPayout } from './payout-journal.js';
import { PoolBalances } from './pool-balances.js';
import type { Logger } from '../util/logger.js';
import type { FoundBlock } from './server.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';

export type { Payout } from './payout-journal.js';

/** Where found blocks come from (the Stratum server). */
export interface FoundBlockSource {
  on(event: 'block', fn: (found: FoundBlock) => void): unknown;
}

/** What the payouts use of the mempool. */
export type PayoutMempool = Pick<Mempool, 'add' | 'accountView' | 'minFeeRate'>;

/**
 * Payout transactions the pool keeps in the mempool at once: under the
 * mempool's per-sender limit (64), so a block with hundreds of miners is
 * paid in batches across the next blocks instead of failing.
 */
export const PAYOUT_BATCH = 48;
/**
 * A balance is paid once it reaches this (POOL_PAYOUT_THRESHOLD): a 50-coin reward then makes at
 * most 50 balances due, about the batch a chain block pays, so payouts keep up with a pool that
 * finds every block, and a miner spreading its work over many addresses only grows their dust.
 */
export const DEFAULT_PAYOUT_THRESHOLD = COIN;
/**
 * Refusals that say the fee is too low for the mempool now (a flood raised
 * its floor or filled it): they pass with the flood, so the payout waits for
 * a later block however long that takes, and is never dropped for them.
 */
const FEE_REFUSALS = new Set(['min-fee-not-met', 'mempool-min-fee-not-met', 'mempool-full']);
/** Refusals of a payout sent again that say the chain has passed its nonce since it was read: the next pass settles it. */
const NONCE_PASSED = new Set(['txn-in-chain', 'bad-txns-nonce-too-low']);
/**
 * Blocks after which the pool takes a block as final whatever POOL_PAYOUT_CONFIRMATIONS says (1 is
 * allowed): a found block off the main chain this deep is recorded orphaned, and a payout mined this
 * deep leaves the journal. Shallower, a reorg can un-mine a payout, and its nonce must stay its own.
 */
export const FINAL_DEPTH = 100;
const MAX_RECORDS = 10_000;

/**
 * Credits each PPLNS share of a pool-found block to its address's balance once the block has
 * `confirmations` confirmations and is still in the main chain (a block lost to a reorg credits
 * nothing), and pays balances at or above the threshold from the pool's key, largest first, a
 * batch per chain block, as pools pay by balance: paying each block's split in full, in turn, let
 * a miner with hundreds of sybil addresses put that many payouts ahead of everyone's next block.
 * Found blocks not yet credited and balances stay in the database, across restarts.
 */
export class PoolPayouts {
  readonly payouts: Payout[] = [];
  readonly balances: PoolBalances;
  private readonly waiting: FoundBlock[] = [];
  /**
   * Payouts signed and recorded as sent and not yet final (mined `finalDepth` deep), by nonce,
   * as the journal holds them. The mempool may drop one (a flood's trim or eviction takes the
   * cheapest first, and payouts pay the floor), before or after a restart; it is offered again,
   * the same signed transaction, before anything new is signed, so its nonce is never given to
   * another payout and nobody is paid twice.
   *
   * Bound: those not yet mined are at most PAYOUT_BATCH (new ones are signed only while every
   * earlier one is back in the mempool and the pool's pending run is under the batch), and each
   * block mines at most a batch of them, kept `finalDepth` blocks: PAYOUT_BATCH × (finalDepth + 1)
   * in all. pay() signs nothing while that many are kept (a deep reorg could leave more), so the
   * journal never outgrows it by signing.
   */
  private readonly unconfirmed = new Map<bigint, SentPayout>();
  /**
   * The block each mined journal entry was found in, so a tip checks only that the block is still
   * on the main chain instead of looking up every entry again (up to 48 × 101 of them). Its keys
   * are a subset of `unconfirmed`'s.
   */
  private readonly minedIn = new Map<bigint, ChainEntry>();
  private readonly journal: PayoutJournal;
  /** max(confirmations, FINAL_DEPTH): `confirmations` says when a block is paid, never when a payout is final. */
  private readonly finalDepth: number;
  private readonly maxKept: number;
  // Runs one pass at a time: overlapping passes could pay a block twice and reuse nonces.
  private readonly queue = new SerialQueue();

  constructor(
    private readonly o: {
      chain: Chain;
      mempool: PayoutMempool;
      params: ConsensusParams;
      log: Logger;
      key: Uint8Array;
      address: string;
      confirmations: number;
      /** Base units a balance must reach to be paid. */
      threshold: bigint;
      minFeeRate: bigint;
      db: Database;
      /** Signs a payout (default: signTransfer); injectable so tests can count signatures. */
      sign?: (tx: UnsignedTransfer, key: Uint8Array) => TransferTx;
      /** Units per byte the mempool asks of a newcomer now (default: the mempool's own rolling floor). */
      mempoolMinFeeRate?: () => number;
    },
    server: FoundBlockSource,
  ) {
    this.journal = new PayoutJournal(o.db, parseAddress(o.address));
    this.balances = new PoolBalances(o.db, o.threshold);
    this.finalDepth = Math.max(o.confirmations, FINAL_DEPTH);
    this.maxKept = PAYOUT_BATCH * (this.finalDepth + 1);
    server.on('block', (b) => {
      void this.queue.run(async () => {
        // Recorded after the block itself is on disk, so a record never names a block a crash took back.
        await this.o.chain.settled();
        await this.o.db.put(pendingKey(b.hash), encodePending(b));
        // Waiting only once recorded: credited before, its record would be credited again after a restart.
        this.waiting.push(b);
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
    await this.credit();
    // A payout dropped from the mempool that cannot go back yet holds its nonce: nothing new is signed after it.
    if (await this.resend()) await this.pay();
  }

  /** Credits the found blocks deep enough in the main chain, and records those orphaned for good. */
  private async credit(): Promise<void> {
    const { chain, address } = this.o;
    for (const b of [...this.waiting]) {
      const entry = chain.getEntry(b.hash);
      if (!entry || !chain.isMain(entry)) {
        if (entry && chain.height - entry.height > FINAL_DEPTH) {
          this.take(b);
          await this.o.db.del(pendingKey(b.hash));
          this.record({ blockHeight: b.height, blockHash: b.hash, address: '', amount: '0', fee: '0', txid: null, status: 'orphaned' });
        }
        continue;
      }
      if (chain.height - entry.height + 1 < this.o.confirmations) continue;
      await this.balances.credit(b, address, [{ type: 'del', key: pendingKey(b.hash) }]);
      this.take(b);
      const own = b.split.get(address);
      if (own !== undefined) this.record({ blockHeight: b.height, blockHash: b.hash, address, amount: own.toString(), fee: '0', txid: null, status: 'sent' });
    }
  }

  /** Blocks found before a restart are still owed to their miners, balances still due, and payouts not yet final still sent. */
  async load(): Promise<void> {
    const { entries, unreadable } = await this.journal.load();
    for (const e of entries) this.unconfirmed.set(e.tx.nonce, e);
    if (entries.length > 0) this.o.log.info(`pool: ${entries.length} payout(s) sent and not yet final (nonces ${entries[0]!.tx.nonce}–${entries.at(-1)!.tx.nonce})`);
    // Left in place for the operator: their nonces are unknown, so nothing here may reuse them knowingly.
    if (unreadable > 0) this.o.log.error(`pool: ${unreadable} saved payout(s) could not be read; their miners may be unpaid`);
    for (const [address, rows] of await this.journal.others()) {
      this.o.log.error(`pool: ${rows} saved payout(s) from ${address}, not this pool's address, are neither sent again nor settled; their miners may be unpaid`);
    }
    const unreadableBalances = await this.balances.load();
    if (unreadableBalances > 0) this.o.log.error(`pool: ${unreadableBalances} saved balance(s) could not be read; their miners may be unpaid`);
    for await (const [, v] of this.o.db.iterator({ gte: key(Prefix.poolPending), lt: key(Prefix.poolPending + 1) })) {
      this.waiting.push(decodePending(v));
    }
    // Left by versions that paid each block's split directly: a crash between a payout's journal
    // entry and its block's record left the share paid and still owed. A credit deletes its block's
    // record in the same batch, so no journal entry of this version names a block still waiting.
    const byHash = new Map(this.waiting.map((b) => [b.hash, b]));
    const paid = new Set<FoundBlock>();
    for (const { record } of entries) {
      const b = byHash.get(record.blockHash);
      if (b?.split.delete(record.address)) paid.add(b);
    }
    await this.o.db.batch([...paid].map((b) => ({ type: 'put' as const, key: pendingKey(b.hash), value: encodePending(b) })));
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

  /**
   * Offers again, in nonce order, the unmined payouts the mempool no longer holds; false while one is
   * refused. A journalled payout may have been relayed, and a peer may still hold or mine it: like a
   * wallet's broadcast transaction it keeps its nonce whatever the mempool here says of it now (a
   * reorg that took a pool coinbase refuses it for funds only for a while), until the chain passes
   * that nonce (settleMined). Nothing new is signed meanwhile, and the log names what waits on what.
   */
  private async resend(): Promise<boolean> {
    if (this.unconfirmed.size === 0) return true;
    await this.settleMined();
    const view = this.o.mempool.accountView(parseAddress(this.o.address));
    const held = new Set(view.sends.map((e) => e.id));
    const kept = [...this.unconfirmed].filter(([n]) => n >= view.account.nonce).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [n, { tx, record }] of kept) {
      if (held.has(txId(tx))) continue;
      try {
        await this.o.mempool.add(tx);
        this.o.log.info(`pool: payout ${txId(tx)} (nonce ${n}) was dropped from the mempool and is sent again`);
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        if (e.code === 'txn-already-known') continue;
        if (NONCE_PASSED.has(e.code)) return false;
        const why = `payout ${txId(tx)} (nonce ${n}) to ${record.address} through block ${record.blockHeight} is refused by the mempool (${e.code})`;
        const waits = `it keeps its nonce until the chain passes it, and ${kept.length - 1} other unmined payout(s) and ${this.balances.dueCount} balance(s) due wait for it`;
        if (e.code === 'too-many-pending' || FEE_REFUSALS.has(e.code)) this.o.log.warn(`pool: ${why}; ${waits}`);
        else this.o.log.error(`pool: ${why}, though it may have been relayed; ${waits}`);
        return false;
      }
    }
    return true;
  }

  /**
   * Journal entries whose nonce the chain has passed: one mined `finalDepth` deep in the main
   * chain is final and leaves the journal; one the chain does not hold lost its nonce to another
   * transaction (never one signed here) and is recorded as failed, loudly.
   */
  private async settleMined(): Promise<void> {
    const { chain } = this.o;
    const from = parseAddress(this.o.address);
    const done: bigint[] = [];
    const lost: Payout[] = [];
    for (const n of this.minedIn.keys()) if (!this.unconfirmed.has(n)) this.minedIn.delete(n);
    for (const [n, { tx, record }] of [...this.unconfirmed]) {
      if (n >= chain.getAccountSync(from).nonce) continue;
      const known = this.minedIn.get(n);
      const block = known && chain.isMain(known) ? known : (await chain.getTxLocation(txHash(tx)))?.entry;
      if (block && chain.isMain(block)) {
        this.minedIn.set(n, block);
        if (chain.height - block.height + 1 >= this.finalDepth) done.push(n);
        continue;
      }
      this.minedIn.delete(n);
      // Read again after the lookup, which waits for blocks in flight: a reorg may have given the nonce back.
      if (n >= chain.getAccountSync(from).nonce) continue;
      done.push(n);
      lost.push({ ...record, status: 'failed', error: 'nonce-used-by-another-transaction' });
      this.o.log.error(`pool: payout ${record.txid} (nonce ${n}) to ${record.address} was never mined: another transaction took its nonce`);
    }
    if (done.length === 0) return;
    await this.o.db.batch(done.map((n) => this.journal.del(n)));
    for (const n of done) {
      this.unconfirmed.delete(n);
      this.minedIn.delete(n);
    }
    for (const p of lost) this.record(p);
  }

  /** Pays the balances due, largest first, as many as the batch allows. */
  private async pay(): Promise<void> {
    const { mempool, params, key, address } = this.o;
    const from = parseAddress(address);
    // Account and pending sends read in one step: the next nonce is never one already used. Only the
    // pool's own sends count against the batch: anyone can pay the pool's address, and 48 such
    // payments pending held every payout back.
    const view = mempool.accountView(from);
    let budget = Math.min(PAYOUT_BATCH - view.sends.length, this.maxKept - this.unconfirmed.size);
    if (budget <= 0 || this.balances.dueCount === 0) return;
    let nonce = view.nextNonce;
    let paid = 0;
    const refused = new Map<string, number>();
    // A payout is a plain transfer, whose encoding has one fixed size: the fee is known before signing.
    // Priced at the mempool's floor while a flood has raised it: at the configured rate it would be refused.
    const floor = (this.o.mempoolMinFeeRate ?? (() => mempool.minFeeRate()))();
    const fee = feeFor(signedTransferSize(0), this.o.minFeeRate, floor);
    const sign = this.o.sign ?? signTransfer;
    for (const [to, owed] of this.balances.largest()) {
      // Largest first: the rest would be all fee too, and wait for more credit or a lower floor.
      if (budget <= 0 || owed.amount <= fee) break;
      // One dropped from the mempool since resend() read it: its nonce is signed once only, and it goes back next pass.
      if (this.unconfirmed.has(nonce)) break;
      const tx = sign({ kind: 'transfer', chainId: params.chainId, nonce, fee, to: parseAddress(to), amount: owed.amount - fee, data: new Uint8Array() }, key);
      const sent: Payout = { blockHeight: owed.blockHeight, blockHash: owed.blockHash, address: to, amount: (owed.amount - fee).toString(), fee: fee.toString(), txid: txId(tx), status: 'sent' };
      // Journalled, and the balance taken, in one batch before the mempool sees it. A crash before
      // loses only a transaction nobody else has seen (the balance is still owed, and signed again,
      // same nonce); after it, load() sends this one transaction again, and the balance is gone.
      this.unconfirmed.set(tx.nonce, { tx, record: sent });
      await this.balances.take(to, [this.journal.put({ tx, record: sent })]);
      // A refused one takes its turn too: a pass signs at most a batch.
      budget--;
      try {
        await mempool.add(tx);
        this.record(sent);
        nonce++;
        paid++;
      } catch (e) {
        // Anything but a refusal may have admitted it (a failed write): it stays journalled, to be sent again.
        if (!(e instanceof RuleError)) throw e;
        // Refused, so never relayed: the undo lands before its nonce can be signed again.
        this.unconfirmed.delete(tx.nonce);
        await this.balances.restore(to, owed, [this.journal.del(tx.nonce)]);
        // The sender limit and a fee refusal only say "later" (every payout here pays the same fee).
        if (e.code === 'too-many-pending' || FEE_REFUSALS.has(e.code)) break;
        refused.set(e.code, (refused.get(e.code) ?? 0) + 1);
      }
    }
    if (refused.size > 0) {
      const codes = [...refused].map(([c, n]) => `${n} ${c}`).join(', ');
      this.o.log.error(`pool: payouts refused by the mempool (${codes}); their balances stay owed and are tried again at the next block`);
    }
    if (paid > 0) this.o.log.info(`pool: ${paid} payout(s) sent, ${this.balances.dueCount} balance(s) due still owed`);
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

import {
  RuleError,
  reject,
  addressKey,
  checkTransferSanity,
  checkTransferSignature,
  transferSender,
  contractPayload,
  decodeTx,
  encodeTx,
  formatHck,
  txSize,
  hashToHex,
  intrinsicGas,
  isContractTx,
  minGasPriceForShape,
  minRelayFee,
  txHash,
  txSender,
  type Account,
  type Block,
  type ConsensusParams,
  type SignatureBackend,
  type TransferTx,
} from '@hackcoin/core';
import { hash } from 'node:crypto';
import { selectPackages } from './package-select.js';
import type { Chain } from '../chain/chain.js';
import type { Database, BatchOp } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { GroupWriter } from '../store/group-writer.js';
import type { Logger } from '../util/logger.js';
import { SerialQueue } from '../util/serial-queue.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { OldestFirst } from '../util/oldest-first.js';
import { makeMempoolEntry, type MempoolEntry } from './entry.js';
import { EvictionIndex } from './eviction-index.js';
import { AddressIndex, type AddressReads } from './address-index.js';
import { RollingMinFee } from './rolling-min-fee.js';
import type { PreparedSignatures, SignatureVerifier } from '../verify/signature-verifier.js';

/** 300 MB, like Bitcoin Core's default -maxmempool, of memory (see ENTRY_OVERHEAD). */
const DEFAULT_MAX_BYTES = 300 * 1024 * 1024;
/**
 * Heap an entry holds beyond its encoding: the decoded transaction, its entry, hashes, indexes by id,
 * sender, address and eviction (measured ~2,350 bytes for a 147-byte transfer, and up to ~320 more
 * since the address index keeps a list node per entry and a slot per sender: most with one sender
 * per transaction, a flood's shape). The byte bound counted encodings alone, so 50,000 transfers
 * held ~117 MB it never saw; as Core's DynamicMemoryUsage, it counts both.
 */
export const ENTRY_OVERHEAD = 2_700;
/**
 * Bytes of disconnected blocks' transfers held to be offered back after a reorg (Core's
 * MAX_DISCONNECTED_TX_POOL_SIZE): past it, those of the blocks nearest the old tip go first, as
 * their senders' earlier nonces, in deeper blocks, are what the rest need. A reorg of hundreds
 * of full blocks otherwise held every one of their transactions decoded until it ended.
 */
export const MAX_RETURNED_BYTES = 20 * 1024 * 1024;
/**
 * Contract transactions refused for their payload alone, remembered by id (Core's recentRejects).
 * Such a verdict holds whatever the chain does, so it is never cleared; reaching it took preparing
 * a deploy's source (up to ~0.6 s of the main thread) for a refusal that costs the sender nothing.
 */
const REFUSED_PAYLOADS = 4_096;

/** What a refusal needs to be thrown again: a stored Error would keep its stack alive. */
type Refusal = Pick<RuleError, 'code' | 'detail' | 'score'>;

/**
 * Transactions, and deploy sources by hash, that failed while a template was assembled (see
 * evictFailed), remembered until the tip moves: the same source in a new transaction, under
 * another nonce or key, fails the same way.
 */
const FAILED_IN_TEMPLATE = 4_096;

export type RemovalReason = 'block' | 'replaced' | 'evicted' | 'invalid';

export interface MempoolEvents extends Record<string, unknown[]> {
  'tx:added': [entry: MempoolEntry];
  'tx:removed': [entry: MempoolEntry, reason: RemovalReason];
}

export interface MempoolOptions {
  chain: Chain;
  db: Database;
  params: ConsensusParams;
  backend: SignatureBackend;
  log: Logger;
  maxTxs: number;
  /** Bound on the encoded size of all pending transactions (contract payloads can be large). */
  maxBytes?: number;
  /** Bytes of disconnected blocks' transfers held for a reorg's end (default MAX_RETURNED_BYTES). */
  maxReturnedBytes?: number;
  /** Base units per byte. */
  minFeeRate: bigint;
  maxPendingPerSender?: number;
  /** Checks signatures on worker threads, so a flood of transactions does not stall the API; else inline. */
  verifier?: SignatureVerifier;
  /** Unix seconds; injectable so tests can move the clock. */
  now?: () => number;
}

/**
 * Fee-ordered pool of valid transfers waiting for a block. Per sender it
 * holds a gap-free run of nonces starting at the account's next nonce whose
 * total cost the balance covers, so any prefix of a sender's run is valid in
 * the next block. Persisted under its own key prefix so it survives restarts.
 */
export class Mempool extends TypedEmitter<MempoolEvents> {
  private readonly byId = new Map<string, MempoolEntry>();
  private readonly bySender = new Map<string, Map<bigint, MempoolEntry>>();
  /** Pending transactions by sender and recipient: a wallet's view without a pass over the pool. */
  private readonly byAddress = new AddressIndex();
  private readonly queue = new SerialQueue();
  /** Transfers of disconnected blocks, tip first, and their encoded sizes (see MAX_RETURNED_BYTES). */
  private returned: TransferTx[] = [];
  private returnedSizes: number[] = [];
  private returnedBytes = 0;
  private readonly maxReturnedBytes: number;
  private readonly touched = new Set<string>();
  /** A block was disconnected since the last tip change: every sender's balance may have dropped. */
  private disconnected = false;
  private totalBytes = 0;
  private changes = 0;
  private readonly maxPending: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly evictable = new EvictionIndex((k) => this.bySender.get(k));
  private readonly rollingFee: RollingMinFee;
  private readonly refusedPayloads = new Map<string, Refusal>();
  private readonly refusedOldest = new OldestFirst(this.refusedPayloads);
  /** `id:<txid>` and `source:<hash>` keys (see FAILED_IN_TEMPLATE). */
  private readonly failedInTemplate = new Set<string>();
  private readonly failedOldest = new OldestFirst(this.failedInTemplate);
  /** Every write of the pool, in order; those submitted while one lands go out as one batch. */
  private readonly writer: GroupWriter;

  constructor(private readonly o: MempoolOptions) {
    super();
    this.maxPending = o.maxPendingPerSender ?? 64;
    this.maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxReturnedBytes = o.maxReturnedBytes ?? MAX_RETURNED_BYTES;
    this.now = o.now ?? (() => Math.floor(Date.now() / 1000));
    this.rollingFee = new RollingMinFee(Number(o.minFeeRate));
    this.writer = new GroupWriter((ops) => o.db.batch(ops));
    o.chain.on('block:connected', (_e, block) => this.onConnected(block));
    o.chain.on('block:disconnected', (_e, block) => {
      this.disconnected = true;
      this.holdReturned(block);
    });
    // Nobody awaits this pass: a failure left unhandled would end the process (Node exits on an unhandled rejection).
    o.chain.on('tip', () => {
      // As Core clears its recent rejects on every new tip: what failed may pass on another state.
      this.failedInTemplate.clear();
      void this.queue.run(() => this.afterTipChange()).catch((e: unknown) => this.o.log.error(`mempool: re-checking pending transactions after a new tip failed: ${describe(e)}`));
    });
  }

  get size(): number {
    return this.byId.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Changes with every transaction added or removed: a template built at the same version holds the same selection. */
  get version(): number {
    return this.changes;
  }

  /**
   * Units per byte a newcomer must pay now: the configured minimum, or more while the pool has
   * lately been full (Core's mempoolminfee).
   */
  minFeeRate(): number {
    return Math.max(Number(this.o.minFeeRate), this.rollingFee.current(this.now(), this.fullness()));
  }

  /** The pool's share of the nearer of its two bounds, 0 to 1. */
  private fullness(): number {
    return Math.max(this.byId.size / this.o.maxTxs, this.usage() / this.maxBytes);
  }

  /** Memory the entries hold, as the byte bound counts it. */
  private usage(): number {
    return this.totalBytes + this.byId.size * ENTRY_OVERHEAD;
  }

  get(id: string): MempoolEntry | undefined {
    return this.byId.get(id);
  }

  entries(): MempoolEntry[] {
    return [...this.byId.values()].sort((a, b) => b.feeRate - a.feeRate);
  }

  /**
   * Every entry, in no order, without a copy: rebuilding a compact block reads the pool once per
   * copy of a header, and a sorted copy of 50,000 entries each time was work anyone could ask for.
   * Not to be held across an await.
   */
  values(): IterableIterator<MempoolEntry> {
    return this.byId.values();
  }

  /** An address's pending transactions, counted and newest first, without a pass over them. Not to be held across an await. */
  get addresses(): AddressReads {
    return this.byAddress;
  }

  /** Every pending transaction from or to the address, by nonce: a pass over all of them (routes read `addresses`). */
  pendingFor(address: Uint8Array): MempoolEntry[] {
    const k = addressKey(address);
    const out = new Set<MempoolEntry>(this.bySender.get(k)?.values());
    for (const e of this.byAddress.paying(k)) out.add(e);
    return [...out].sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1));
  }

  /**
   * An address as a sender sees it: the confirmed account, its own pending
   * sends still ahead of it (in nonce order) and the next nonce to use, read in one
   * synchronous step so the three always agree. Sends the confirmed nonce
   * has passed are skipped should any remain (a block removes those it
   * confirmed or conflicted with as it connects). Payments to the address are left
   * out: anyone can add those, so they would cost every caller a pass over
   * what strangers sent (see api/address-view.ts for an address's whole view).
   */
  accountView(address: Uint8Array): { account: Account; sends: MempoolEntry[]; nextNonce: bigint } {
    const account = this.o.chain.getAccountSync(address);
    const sends = [...(this.bySender.get(addressKey(address))?.values() ?? [])]
      .filter((e) => e.tx.nonce >= account.nonce)
      .sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1));
    return { account, sends, nextNonce: this.nextNonce(address, account.nonce) };
  }

  /** Next nonce a sender should use, counting its pending transactions. */
  nextNonce(address: Uint8Array, confirmed: bigint): bigint {
    const run = this.bySender.get(addressKey(address));
    let n = confirmed;
    while (run?.has(n)) n++;
    return n;
  }

  /**
   * Resolves once the transaction is admitted and on disk. The queue moves on to the next
   * admission while this one's write lands, so a relayed batch is a few writes, not one each.
   */
  async add(tx: TransferTx): Promise<MempoolEntry> {
    const checked = this.checkAhead(tx);
    const { entry, written } = await this.queue.run(async () => {
      const prepared = await checked;
      const admitted = await this.addInner(tx, true, prepared);
      prepared?.cacheFor(tx);
      return admitted;
    });
    await written;
    return entry;
  }

  /**
   * Starts the signature check on a worker while the transactions queued before it are admitted; a
   * known one costs none, nor does one the fee, nonce or funds rules refuse as things stand (if they
   * changed by its turn, it is checked there).
   */
  private checkAhead(tx: TransferTx): Promise<PreparedSignatures | undefined> | undefined {
    if (!this.o.verifier) return undefined;
    try {
      const id = hashToHex(txHash(tx));
      if (this.byId.has(id)) return undefined;
      checkTransferSanity(tx, this.o.params);
      this.refuseAgain(id, tx);
      const entry = makeMempoolEntry(tx, this.o.backend, this.o.params, this.now());
      const minFee = this.checkFees(entry, false);
      const account = this.o.chain.getAccountSync(entry.sender);
      if (tx.nonce < account.nonce || account.balance < tx.amount + tx.fee) return undefined;
      // The run's rules too (a replacement's bump, the per-sender bound, funds behind the earlier
      // nonces): what they refuse is refused in its turn before its signature is looked at. A nonce
      // gap alone is checked all the same, as addInner checks its signature before calling it one.
      this.checkRun(entry, account, minFee, false);
    } catch (e) {
      if (!(e instanceof RuleError && e.code === 'bad-txns-nonce-gap')) return undefined; // judged, with its rule name, in the queue
    }
    return this.o.verifier.prepare([tx]).catch(() => undefined);
  }

  async load(): Promise<void> {
    const txs: TransferTx[] = [];
    const stale: Uint8Array[] = [];
    for await (const [k, v] of this.o.db.iterator({ gte: key(Prefix.mempool), lt: key(Prefix.mempool + 1) })) {
      try {
        const tx = decodeTx(v);
        if (tx.kind === 'transfer') txs.push(tx);
        else stale.push(k);
      } catch {
        stale.push(k);
      }
    }
    const writes = [this.writer.submit(stale.map((k) => ({ type: 'del' as const, key: k })))];
    txs.sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0));
    // One batch on the verify pool; each transaction admitted goes into the signature cache for the block that confirms it.
    const checked = await this.o.verifier?.prepare(txs).catch(() => undefined);
    await this.queue.run(async () => {
      for (const tx of txs) {
        try {
          writes.push((await this.addInner(tx, false, checked, true)).written);
          checked?.cacheFor(tx);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          writes.push(this.writer.submit([{ type: 'del', key: key(Prefix.mempool, txHash(tx)) }]));
        }
      }
    });
    await Promise.all(writes);
    if (txs.length > 0) this.o.log.info(`mempool: restored ${this.size} of ${txs.length} saved transaction(s)`);
  }

  /**
   * Transactions for a block template, by package (see selectPackages): a sender's next nonces
   * together, highest total fee rate first. Contract transactions' declared gas is counted against
   * the block's gas limit as assembly counts it, so one that would pass it spends none of the byte
   * or count budget that assembly would then leave unused.
   */
  select(maxTxs: number, maxBytes: number, skip: ReadonlySet<string> = new Set()): TransferTx[] {
    const runs: MempoolEntry[][] = [];
    for (const run of this.bySender.values()) runs.push([...run.values()].sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1)));
    return selectPackages(runs, { maxTxs, maxBytes, maxGas: this.o.params.maxBlockGas, skip });
  }

  /**
   * Drops a transaction that failed while a block template was assembled
   * (not under a rule, so it cannot be judged and would stop every template),
   * with the same sender's later nonces, which it leaves behind a gap. It is
   * remembered, by id and for a deploy by source, and refused if it comes back
   * before the tip moves (Core's recentRejects): it is never mined, so it costs its sender nothing,
   * and each return had every mining node run it, and what comes before it in
   * a template, again. Refused with score 0: the peers that relay it never ran
   * it, and would relay it honestly.
   */
  evictFailed(tx: TransferTx, why: string): Promise<number> {
    return this.queue.run(async () => {
      const id = hashToHex(txHash(tx));
      const source = deploySource(tx, this.o.params);
      for (const k of [`id:${id}`, ...(source === undefined ? [] : [`source:${sourceHash(source)}`])]) {
        this.failedInTemplate.add(k);
        if (this.failedInTemplate.size > FAILED_IN_TEMPLATE) this.failedOldest.evict();
      }
      const failed = this.byId.get(id);
      if (!failed) return 0;
      this.o.log.warn(`mempool: evicting ${failed.id}, which failed while a block template was built: ${why}`);
      const ops: BatchOp[] = [];
      const run = [...(this.bySender.get(failed.senderKey)?.values() ?? [])];
      for (const e of run) if (e.tx.nonce >= failed.tx.nonce) this.removeEntry(e, 'invalid', ops);
      await this.writer.submit(ops);
      return ops.length;
    });
  }

  /**
   * The fee rules, on what the transaction is sure to pay (entry.fee), as eviction and selection
   * rank it. Returns the relay minimum, which a replacement's bump is at least: core's minRelayFee,
   * over the vsize, as wallets price it. Over the size alone, a call declaring 50M gas at gas price
   * 1 was relayed for ~21,600 units, and four such filled a block's gas, run by every mining node.
   */
  private checkFees(entry: MempoolEntry, returning: boolean): bigint {
    const { minFeeRate, params } = this.o;
    const minFee = minRelayFee(minFeeRate, entry.size, entry.gasLimit, params);
    if (entry.fee < minFee) reject('min-fee-not-met', minFeeDetail(entry, minFee, minFeeRate, params), 0);
    const floor = returning ? 0 : this.rollingFee.current(this.now(), this.fullness());
    if (entry.feeRate < floor) {
      reject('mempool-min-fee-not-met', `fee rate ${entry.feeRate.toFixed(2)} below the ${floor.toFixed(2)} units/byte a recently full mempool asks`, 0);
    }
    return minFee;
  }

  /** A replacement pays the one it replaces plus a tenth of that, at least its own relay minimum (over its vsize). */
  private checkBump(entry: MempoolEntry, existing: MempoolEntry, minFee: bigint): void {
    const needed = existing.fee + bumpOver(existing, minFee);
    if (entry.fee < needed) reject('txn-replace-fee-too-low', `needs a fee of at least ${formatHck(needed)} HCK${sureFeeNote(entry)}`, 0);
    // A contract transaction is run by every template that holds it, at up to its maximum fee's worth of
    // gas, and pays only once mined: replaced by a transfer one bump above its sure fee, a call burning
    // 50M gas was run by every mining node for ~23,000 units, again and again. Its replacement offers
    // at least its maximum plus a tenth, as Ethereum's fee cap bump (geth's 10%).
    if (isContractTx(existing.tx)) {
      const offered = existing.tx.fee + existing.tx.fee / 10n;
      if (entry.tx.fee < offered) {
        reject('txn-replace-fee-too-low', `replacing a contract transaction needs a fee field of at least ${formatHck(offered)} HCK (its gas limit × gas price, plus 10%)`, 0);
      }
    }
  }

  /**
   * Bitcoin Core's rule that a replacement pays for everything it removes: the sender's later
   * nonces it leaves unaffordable (trimSender drops them) are paid for as well, on top of the
   * bump. Without it a replacement of a run's first nonce, one bump above that nonce's fee,
   * dropped the 63 after it, a 1 HCK fee among them: relay a full run, then cancel it almost free.
   * `left`: the balance the replacement and the nonces before it leave.
   */
  private checkDropped(entry: MempoolEntry, existing: MempoolEntry, run: ReadonlyMap<bigint, MempoolEntry>, left: bigint, minFee: bigint): void {
    let fees = 0n;
    let dropped = 0;
    // As trimSender walks the run: the first later nonce the balance no longer covers goes, and every one after it.
    for (let n = entry.tx.nonce + 1n, e = run.get(n); e !== undefined; n++, e = run.get(n)) {
      const cost = e.tx.amount + e.tx.fee;
      if (dropped === 0 && cost <= left) {
        left -= cost;
      } else {
        // A contract transaction dropped is paid as replacing it directly would be (see checkBump): at
        // its sure fee, a later nonce's 50M-gas call was rotated out for 0.06% of its maximum.
        fees += isContractTx(e.tx) ? e.tx.fee + e.tx.fee / 10n : e.fee;
        dropped++;
      }
    }
    if (dropped === 0) return;
    const needed = existing.fee + fees + bumpOver(existing, minFee);
    if (entry.fee < needed) {
      reject(
        'txn-replace-fee-too-low',
        `needs a fee of at least ${formatHck(needed)} HCK${sureFeeNote(entry)}: it leaves ${dropped} later nonce(s) unaffordable, paying ${formatHck(fees)} HCK in fees`,
        0,
      );
    }
  }

  /**
   * The sender's run (a new one if it has none), as `entry` would join it: a replacement's bump, the next nonce, the per-sender
   * bound (what the entry displaces, for a returning one), the funds its earlier nonces leave and, for a replacement, the
   * fees of the later nonces it would drop.
   */
  private checkRun(
    entry: MempoolEntry,
    account: Account,
    minFee: bigint,
    returning: boolean,
  ): { run: Map<bigint, MempoolEntry>; existing?: MempoolEntry; displaced?: MempoolEntry } {
    const tx = entry.tx;
    const run = this.bySender.get(entry.senderKey) ?? new Map<bigint, MempoolEntry>();
    const existing = run.get(tx.nonce);
    let displaced: MempoolEntry | undefined;
    if (existing) this.checkBump(entry, existing, minFee);
    else {
      let expected = account.nonce;
      while (run.has(expected)) expected++;
      if (tx.nonce > expected) reject('bad-txns-nonce-gap', `next nonce is ${expected}`, 0);
      if (run.size >= this.maxPending) {
        // A reorg's returned transaction comes before the sender's whole run: refusing it would drop the run for
        // the gap. It takes the place of the run's last nonce instead, which keeps the bound.
        const tail = tailOf(run);
        if (!returning || tail.tx.nonce < tx.nonce) reject('too-many-pending', `at most ${this.maxPending} per sender`, 0);
        displaced = tail;
      }
    }
    let spent = 0n;
    // Entries below the account's nonce are confirmed and only wait for their block's event.
    for (const e of run.values()) if (e.tx.nonce < tx.nonce && e.tx.nonce >= account.nonce) spent += e.tx.amount + e.tx.fee;
    const cost = tx.amount + tx.fee;
    if (account.balance < spent + cost) {
      reject('bad-txns-insufficient-funds', `balance ${formatHck(account.balance)} HCK, pending ${formatHck(spent)} HCK, needs ${formatHck(cost)} HCK`, 0);
    }
    // After the funds check, so that what it refused before it still refuses under the same rule.
    if (existing) this.checkDropped(entry, existing, run, account.balance - spent - cost, minFee);
    return { run, ...(existing ? { existing } : {}), ...(displaced ? { displaced } : {}) };
  }

  /** checkRun, with the signature checked before a nonce gap is reported (see addInner). */
  private checkRunSigned(tx: TransferTx, entry: MempoolEntry, account: Account, minFee: bigint, returning: boolean, backend: SignatureBackend): ReturnType<Mempool['checkRun']> {
    // A lower bound of the funds rule checkRun applies, before the gap rule: an account that cannot pay
    // even this transaction alone gets nothing checked or held.
    if (account.balance < tx.amount + tx.fee) {
      reject('bad-txns-insufficient-funds', `balance ${formatHck(account.balance)} HCK, needs ${formatHck(tx.amount + tx.fee)} HCK`, 0);
    }
    try {
      return this.checkRun(entry, account, minFee, returning);
    } catch (e) {
      if (e instanceof RuleError && e.code === 'bad-txns-nonce-gap') checkTransferSignature(tx, backend);
      throw e;
    }
  }

  /**
   * The rules `add` applies before a contract's payload is prepared (fees, nonce, the sender's run
   * and funds), for a caller about to spend work on `tx` first: the deploy route prepares a source
   * only for a sender that pays to be heard. `tx` must have passed checkTransferSanity and its
   * signature check. A nonce the chain has passed is `bad-txns-nonce-too-low` here, without the
   * index lookup that tells `add` it is `txn-in-chain`. A transaction whose payload was refused
   * lately is refused again first, under the same rule, so the caller does not prepare it again.
   */
  precheck(tx: TransferTx): void {
    this.refuseAgain(hashToHex(txHash(tx)), tx);
    const entry = makeMempoolEntry(tx, this.o.backend, this.o.params, this.now());
    const minFee = this.checkFees(entry, false);
    const account = this.o.chain.getAccountSync(entry.sender);
    if (tx.nonce < account.nonce) reject('bad-txns-nonce-too-low', `account nonce is ${account.nonce}`, 0);
    this.checkRun(entry, account, minFee, false);
  }

  /**
   * Admits `tx` in memory; `written` settles when its batch (with any evictions it made) lands.
   * `returning`: from a disconnected block or saved before a restart, so not held to the
   * rolling floor (Core's bypass_limits): it was accepted once, and dropping it could leave a
   * transaction a reorg unconfirmed nowhere. At the per-sender bound it displaces its sender's
   * last nonce when that comes after it.
   */
  private async addInner(tx: TransferTx, persist: boolean, checked?: SignatureBackend, returning = false): Promise<{ entry: MempoolEntry; written: Promise<void> }> {
    const { params, backend, chain } = this.o;
    checkTransferSanity(tx, params);
    const id = hashToHex(txHash(tx));
    if (this.byId.has(id)) reject('txn-already-known', '', 0);
    // Before the signature: the id commits to the payload, and the payload alone was refused.
    this.refuseAgain(id, tx);
    // A key that is not a point is refused here, under its rule; the signature waits for the cheap rules below.
    transferSender(tx, checked ?? backend);
    // Loaded here: the account must be read in the same tick as the sender's run below.
    const executor = isContractTx(tx) ? await chain.executor() : undefined;
    const entry = makeMempoolEntry(tx, backend, params, this.now());
    const minFee = this.checkFees(entry, returning);

    // Read in the same tick as the sender's run below, so the two agree (see Chain.getAccountSync).
    const account = chain.getAccountSync(entry.sender);
    if (tx.nonce < account.nonce) {
      if (await chain.getTxLocation(entry.hash)) reject('txn-in-chain', '', 0);
      reject('bad-txns-nonce-too-low', `account nonce is ${account.nonce}`, 0);
    }
    // The fee, nonce, run and funds rules come before the signature, as Core checks inputs and fees
    // before scripts: keys are free, and junk from accounts that cannot pay, refused as innocent and
    // replayable after every block, cost a signature check each. A transaction with a nonce gap is
    // checked first all the same: the nonce-gap pool holds only what its signer sent.
    const { run, existing, displaced } = this.checkRunSigned(tx, entry, account, minFee, returning, checked ?? backend);
    checkTransferSignature(tx, checked ?? backend);
    // The VM's static rules, exactly as a block applies them: never admit what a block must reject.
    // Last of the checks: preparing a deploy's source costs up to seconds, and keys that cannot
    // pay the fee (or send a nonce that could not be mined) got it for free when it came first.
    try {
      executor?.checkPayload?.(contractPayload(tx, params));
    } catch (e) {
      if (e instanceof RuleError) this.rememberRefusal(id, e);
      throw e;
    }
    const ops: BatchOp[] = [];
    try {
      if (displaced) this.removeEntry(displaced, 'evicted', ops);
      if (!existing && this.byId.size >= this.o.maxTxs) this.evictFor(entry, ops);
      while (this.byId.size > 0 && this.usage() + entry.size + (existing ? -existing.size : ENTRY_OVERHEAD) > this.maxBytes) this.evictFor(entry, ops);
    } catch (e) {
      // Refused after making some room: what was evicted from memory leaves the disk too.
      if (ops.length > 0) this.writer.submit(ops).catch(() => undefined);
      throw e;
    }
    if (existing) {
      this.removeEntry(existing, 'replaced', ops);
      // A richer replacement may leave later nonces unaffordable.
      this.bySender.set(entry.senderKey, run);
    }
    run.set(tx.nonce, entry);
    this.bySender.set(entry.senderKey, run);
    this.byId.set(entry.id, entry);
    this.byAddress.add(entry);
    this.evictable.touch(entry.senderKey);
    this.totalBytes += entry.size;
    this.changes++;
    if (persist) ops.push({ type: 'put', key: key(Prefix.mempool, entry.hash), value: encodeTx(tx) });
    if (existing) this.trimSender(entry.senderKey, account, ops);
    const written = this.writer.submit(ops);
    // Handled by whoever awaits it; this copy only keeps a failure from going unhandled meanwhile.
    written.catch(() => undefined);
    this.o.log.debug('accepted tx %s', entry.id);
    this.emit('tx:added', entry);
    return { entry, written };
  }

  /**
   * Throws again the refusal of a payload `id` carried, if it is remembered, or refuses a deploy
   * whose source failed in a template (see evictFailed). `tx` must have passed checkTransferSanity.
   */
  private refuseAgain(id: string, tx: TransferTx): void {
    const refusal = this.refusedPayloads.get(id);
    if (refusal) throw new RuleError(refusal.code, refusal.detail, refusal.score);
    if (this.failedInTemplate.size === 0) return;
    if (this.failedInTemplate.has(`id:${id}`)) reject('txn-already-known', 'it failed while a block template was assembled on this tip', 0);
    const source = deploySource(tx, this.o.params);
    if (source !== undefined && this.failedInTemplate.has(`source:${sourceHash(source)}`)) {
      reject('txn-already-known', 'a deploy of this source failed while a block template was assembled on this tip', 0);
    }
  }

  private rememberRefusal(id: string, e: RuleError): void {
    this.refusedPayloads.set(id, { code: e.code, detail: e.detail, score: e.score });
    if (this.refusedPayloads.size > REFUSED_PAYLOADS) this.refusedOldest.evict();
  }

  /**
   * Makes room by dropping the lowest-scoring suffix of any other sender's run (last nonces first,
   * so no gap is ever left), judged by its total fee over its total size as Core judges a
   * transaction with its descendants, if that pays less per byte than the newcomer; then raises
   * the rolling floor above it. The newcomer's own sender is passed over: its nonces all come
   * before the newcomer's, which would be left behind a gap.
   */
  private evictFor(entry: MempoolEntry, ops: BatchOp[]): void {
    const worst = this.evictable.lowest(entry.senderKey);
    if (!worst || worst.feeRate >= this.withAncestorsRate(entry)) {
      const cheapest = worst ? `: the cheapest evictable package pays ${worst.feeRate.toFixed(2)} units/byte` : '';
      reject('mempool-full', `fee rate too low for a full mempool${cheapest}`, 0);
    }
    const run = this.bySender.get(worst.senderKey)!;
    for (let n = worst.to; n >= worst.from; n--) {
      const e = run.get(n);
      if (e) this.removeEntry(e, 'evicted', ops);
    }
    this.rollingFee.evicted(worst.feeRate);
  }

  /**
   * The fee rate of `entry` with its sender's pending nonces before it, which a miner must take
   * first (Core's ancestor score): judged by its own rate, one rich last nonce over 63 at the
   * minimum evicted packages paying up to 64 times what the run pays as a whole, and the run,
   * then the cheapest, went at the next arrival, its relay paid by nobody.
   */
  private withAncestorsRate(entry: MempoolEntry): number {
    let fee = Number(entry.fee);
    let vsize = entry.vsize;
    for (const e of this.bySender.get(entry.senderKey)?.values() ?? []) {
      if (e.tx.nonce >= entry.tx.nonce) continue;
      fee += Number(e.fee);
      vsize += e.vsize;
    }
    return fee / vsize;
  }

  private removeEntry(e: MempoolEntry, reason: RemovalReason, ops: BatchOp[]): void {
    if (!this.byId.delete(e.id)) return;
    this.totalBytes -= e.size;
    this.changes++;
    const run = this.bySender.get(e.senderKey);
    if (run?.get(e.tx.nonce) === e) run.delete(e.tx.nonce);
    if (run && run.size === 0) this.bySender.delete(e.senderKey);
    this.evictable.touch(e.senderKey);
    this.byAddress.remove(e);
    ops.push({ type: 'del', key: key(Prefix.mempool, e.hash) });
    this.emit('tx:removed', e, reason);
  }

  /** Keeps the longest gap-free, affordable run of a sender's nonces from the account's nonce. */
  private trimSender(senderKey: string, account: Account, ops: BatchOp[]): void {
    const run = this.bySender.get(senderKey);
    if (!run) return;
    let balance = account.balance;
    let expected = account.nonce;
    const sorted = [...run.values()].sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1));
    for (const e of sorted) {
      const cost = e.tx.amount + e.tx.fee;
      const ok = e.tx.nonce === expected && cost <= balance;
      if (ok) {
        balance -= cost;
        expected++;
      } else {
        this.removeEntry(e, 'invalid', ops);
      }
    }
  }

  private holdReturned(block: Block): void {
    for (const tx of block.txs) {
      if (tx.kind !== 'transfer') continue;
      const size = txSize(tx);
      this.returned.push(tx);
      this.returnedSizes.push(size);
      this.returnedBytes += size;
    }
    let drop = 0;
    while (this.returnedBytes > this.maxReturnedBytes) this.returnedBytes -= this.returnedSizes[drop++]!;
    if (drop === 0) return;
    this.returned = this.returned.slice(drop);
    this.returnedSizes = this.returnedSizes.slice(drop);
    this.o.log.warn(`mempool: a reorg returned more than ${this.maxReturnedBytes} bytes of transactions; ${drop} from the blocks nearest the old tip were dropped`);
  }

  private takeReturned(): TransferTx[] {
    const back = this.returned;
    this.returned = [];
    this.returnedSizes = [];
    this.returnedBytes = 0;
    return back;
  }

  private onConnected(block: Block): void {
    this.rollingFee.blockConnected(this.now());
    const ops: BatchOp[] = [];
    for (const tx of block.txs) {
      if (tx.kind !== 'transfer') continue;
      const e = this.byId.get(hashToHex(txHash(tx)));
      if (e) {
        this.touched.add(e.senderKey);
        this.removeEntry(e, 'block', ops);
        continue;
      }
      // Core's removeConflicts, at once: a pending transaction at a nonce the block used can never be
      // mined. Left to the re-check queued behind every admission waiting, it stayed listed and
      // counted in its recipient's pending figures, and held its place in its sender's run.
      const senderKey = addressKey(txSender(tx, this.o.backend));
      this.touched.add(senderKey);
      const conflict = this.bySender.get(senderKey)?.get(tx.nonce);
      if (conflict) this.removeEntry(conflict, 'invalid', ops);
    }
    // After the block's own batch (written behind): a crash between them must not lose both.
    if (ops.length > 0) {
      void this.queue
        .run(async () => {
          await this.o.chain.settled();
          await this.writer.submit(ops);
        })
        .catch((e: unknown) => this.o.log.error(`mempool: could not remove a connected block's transactions from disk: ${describe(e)}`));
    }
  }

  /**
   * After the tip moves: return the transactions of disconnected blocks that
   * the new chain did not include, then re-check every sender whose account
   * may have changed (all of them after a reorg).
   */
  private async afterTipChange(): Promise<void> {
    // Even a reorg that disconnects only coinbases can leave pending spends unaffordable.
    const reorged = this.disconnected;
    this.disconnected = false;
    // Blocks are disconnected tip first: re-add in nonce order, or a sender's later nonces would hit a gap.
    const back = this.takeReturned().sort((a, b) => (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0));
    const writes: Promise<void>[] = [];
    // Every returned transfer was in a block this chain connected, which it did only once each of
    // the block's signatures checked: they are not checked again. A deep reorg there and back
    // (one cheap invalid block on an equal-work branch) otherwise checked every signature of
    // both branches a second time here.
    const base = this.o.backend;
    const verified: SignatureBackend = { verify: () => true, decompress: (k) => base.decompress(k), address: base.address && ((k) => base.address!(k)) };
    for (const tx of back) {
      try {
        writes.push((await this.addInner(tx, true, verified, true)).written);
      } catch (e) {
        // One transaction's local failure (the VM not loading, a read) must not cost the rest of
        // the reorg's transactions their way back, nor the re-check of every sender below.
        if (!(e instanceof RuleError)) this.o.log.error(`mempool: could not return ${hashToHex(txHash(tx))} from a disconnected block: ${describe(e)}`);
      }
    }
    const senders = reorged ? [...this.bySender.keys()] : [...this.touched].filter((k) => this.bySender.has(k));
    this.touched.clear();
    if (senders.length > 0) {
      const tip = this.o.chain.tip;
      const accounts = await this.o.chain.getAccounts(senders);
      if (this.o.chain.tip !== tip) {
        // The tip moved during the read, and its own pass is queued behind this one: it trims these
        // senders too, once its block's transactions have left the runs or its reorg's have come back.
        // Trimmed here, against the read, a block confirming more nonces made every later one look like
        // a gap; against a fresh read, a reorg's transactions not yet returned did. Either way valid,
        // fee-paying transactions were dropped for good.
        for (const k of senders) this.touched.add(k);
      } else {
        const ops: BatchOp[] = [];
        for (const k of senders) this.trimSender(k, accounts.get(k) ?? { balance: 0n, nonce: 0n }, ops);
        writes.push(this.writer.submit(ops));
      }
    }
    await Promise.all(writes);
    if (back.length > 0) this.o.log.info(`mempool: ${back.length} transaction(s) from disconnected blocks considered, ${this.size} pending`);
  }
}

/**
 * What a replacement pays above the fees it removes: a tenth of the replaced fee, at least its own
 * relay minimum, over its vsize as a newcomer's: a replacement declaring 50M gas takes a quarter of
 * a block's gas whatever it replaces.
 */
function bumpOver(existing: MempoolEntry, minFee: bigint): bigint {
  return existing.fee / 10n > minFee ? existing.fee / 10n : minFee;
}

/**
 * Why a transaction is below the relay minimum, in terms its sender can act on: for a contract
 * transaction, that its declared gas counts as block space and the gas price that would meet it.
 * "About": the price is written in the payload, and a longer one changes the size a little.
 */
function minFeeDetail(entry: MempoolEntry, minFee: bigint, minFeeRate: bigint, params: ConsensusParams): string {
  const below = `fee ${formatHck(entry.fee)} HCK${sureFeeNote(entry)} below ${formatHck(minFee)} HCK (${minFeeRate} base units/byte`;
  if (!isContractTx(entry.tx)) return `${below})`;
  const shape = { size: entry.size, gasLimit: entry.gasLimit, intrinsicGas: intrinsicGas(entry.tx, params, contractPayload(entry.tx, params)) };
  const price = minGasPriceForShape(minFeeRate, shape, params);
  if (entry.vsize <= entry.size) return `${below}); a gas price of about ${price} meets it`;
  return (
    `${below} over ${Math.ceil(entry.vsize)} bytes: its declared gas limit of ${entry.gasLimit} counts as the block space it holds, ` +
    `${params.maxBlockSize} bytes per ${params.maxBlockGas} gas); a gas price of about ${price} meets it at this gas limit, or declare less gas`
  );
}

/** For a contract transaction, says which of its fees the replacement rules count. */
function sureFeeNote(entry: MempoolEntry): string {
  return isContractTx(entry.tx) ? ' (intrinsic gas × gas price)' : '';
}

/** A sender's last pending nonce (runs are never empty: an emptied run is deleted). */
function tailOf(run: ReadonlyMap<bigint, MempoolEntry>): MempoolEntry {
  let tail: MempoolEntry | undefined;
  for (const e of run.values()) if (!tail || e.tx.nonce > tail.tx.nonce) tail = e;
  return tail!;
}

/** A deploy's source, or undefined for anything else. `tx` must have passed checkTransferSanity. */
function deploySource(tx: TransferTx, params: ConsensusParams): string | undefined {
  if (!isContractTx(tx)) return undefined;
  const payload = contractPayload(tx, params);
  return payload.type === 'deploy' ? payload.code : undefined;
}

/** Over UTF-16 code units, as the VM remembers refused sources: UTF-8 would merge sources differing in lone surrogates. */
function sourceHash(source: string): string {
  return hash('sha256', Buffer.from(source, 'utf16le'), 'hex');
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

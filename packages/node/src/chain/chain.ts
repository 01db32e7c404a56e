import {
  blockTxsAt,
  type Transaction,
  RuleError,
  reject,
  blockAccounts,
  checkBlockSignatures,
  commitTransition,
  transitionBlock,
  blockCoinbase,
  blockHash,
  checkBlockSanity,
  checkHeaderContext,
  decodeAccount,
  decodeCompact,
  hashMeetsTarget,
  headerHash,
  decodeBlock,
  encodeAccount,
  encodeBlock,
  genesisBlock,
  hashToHex,
  hexToBytes,
  medianTimePast,
  nextWorkRequired,
  workFromBits,
  type Account,
  type Block,
  type BlockHeader,
  type ConsensusParams,
  type SignatureBackend,
  type TrieNodeReader,
  type HistoryCursor,
  addressKey,
} from '@hackcoin/core';
import type { Database, BatchOp } from '../store/db.js';
import { Prefix, key, u32be, META_TIP, META_NETWORK } from '../store/keys.js';
import type { Logger } from '../util/logger.js';
import { SerialQueue } from '../util/serial-queue.js';
import { OldestFirst } from '../util/oldest-first.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { Status, ancestorAt, decodeEntry, encodeEntry, makeEntry, type ChainEntry } from './entry.js';
import { decodeFullUndo, encodeUndo } from './undo.js';
import { accountLoader } from './account-loader.js';
import { ContractChainState } from '../contracts/chain-state.js';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import type { ContractExecutor } from '@hackcoin/core';
import { indexOps, storedReceipts } from './indexes.js';
import { ByteArena } from './byte-arena.js';
import { OrphanPool } from './orphans.js';
import { TrieNodeStore, type Flush, type FlushPolicy } from './trie-store.js';
import { AccountCache } from './account-cache.js';
import type { SignatureVerifier } from '../verify/signature-verifier.js';
import type { BlockSignatures } from '../verify/block-signatures.js';

/**
 * What an activation changed, net, as Core's UpdatedBlockTip describes it once all its steps are
 * done: the common ancestor of the tip it started from and the tip it ended on, and the blocks on
 * each side of it. Blocks connected and disconnected on the way (a fork tried up to an invalid
 * block, then a fallback) were each reported by their own events and are not counted here.
 */
export interface ReorgInfo {
  from: ChainEntry;
  to: ChainEntry;
  fork: ChainEntry;
  /**
   * The blocks of `from`'s chain above the fork, tip first. Entries, not blocks: a deep reorg must
   * not hold every block it took off in memory.
   */
  disconnected: ChainEntry[];
  /** Blocks of `to`'s chain above the fork. */
  connected: number;
}

export interface ChainEvents extends Record<string, unknown[]> {
  'block:connected': [entry: ChainEntry, block: Block];
  'block:disconnected': [entry: ChainEntry, block: Block];
  /**
   * Fired once per activation that connected or disconnected any block, after all of them, also
   * when it ended on the tip it started from: the mempool takes back the transactions of blocks
   * disconnected on the way.
   */
  tip: [entry: ChainEntry];
  /** Before `tip`, when the activation left blocks of the chain it started from off the main chain. */
  reorg: [info: ReorgInfo];
  /**
   * A stored block broke a rule when an activation tried to connect it (`error`), or descends
   * from one that did (`invalid-ancestor`); fired for each block newly marked invalid. The block
   * passed to processBlock is also rejected with its error.
   */
  'block:invalid': [entry: ChainEntry, error: RuleError];
  /**
   * A held orphan broke a rule when its parent arrived (a header rule against the parent, its
   * coinbase height) and was dropped unstored: it has no entry, so no `block:invalid`.
   */
  'orphan:invalid': [id: string, error: RuleError];
  /** Milliseconds a connected block took to validate and connect (for the metrics). */
  'block:processed': [ms: number];
  /** Where the connect of a main-chain block spent its time. */
  'block:phases': [entry: ChainEntry, phases: ConnectPhases];
  /** The state tree at `entry` went to LevelDB in a batch, `nodes` of it not there before. */
  'state:flushed': [entry: ChainEntry, nodes: number];
  /**
   * The chain could not get back to a tip it had after a local failure: it accepts no more
   * blocks, and the node must stop. The database still holds a consistent chain (every
   * connect and disconnect is one batch), which the next start continues from.
   */
  halt: [reason: string];
}

/**
 * Milliseconds of one block's connect by phase, as geth's and bcoin's block
 * timings split them: operators see which part a slow block strained, and the
 * benches take the state root's share from real connects.
 */
export interface ConnectPhases {
  /** Signature checks on this thread, and the wait for the verify pool's verdict. */
  signatures: number;
  /** The wait for the block's accounts from LevelDB, beyond the work done meanwhile. */
  read: number;
  /** Transfers, contract calls and the coinbase credit. */
  transition: number;
  stateRoot: number;
  /** Encoding the block, its undo data and index rows for the batch. */
  assemble: number;
  write: number;
}

interface Activation {
  /** The rule the candidate block broke. */
  error?: RuleError;
  /** A local (non-rule) failure stopped the activation and the previous tip was restored. */
  deferred?: boolean;
}

const BLOCK_CACHE_SIZE = 32;
/**
 * Local failures of one block's connect (not a rule: the host's stack, a bug), spread over at
 * least LOCAL_FAILURE_SPAN_S, after which the block and its descendants are set aside for
 * SET_ASIDE_S. Every activation retries the best chain, and a block that failed the same way each
 * time kept the node off every other chain for as long as its branch had the most work, no one
 * blamed: three tips mined on ours came back deferred. The span keeps a hiccup (a read failing for
 * a moment, while a sync hands the chain four blocks at once) from setting an honest block aside,
 * and the expiry brings one back that a longer fault did.
 */
const MAX_LOCAL_FAILURES = 3;
const LOCAL_FAILURE_SPAN_S = 60;
const SET_ASIDE_S = 600;
/** Blocks whose local failures are counted, at most (those of a block that then connects are forgotten). */
const MAX_COUNTED_FAILURES = 1_024;
/** Blocks set aside at once, at most (each took three failures of a block with valid proof of work). */
const MAX_SET_ASIDE = 64;

/** A non-rule failure while connecting `entry`. */
class LocalFailure extends Error {
  override name = 'LocalFailure';
  constructor(
    readonly entry: ChainEntry,
    override readonly cause: unknown,
  ) {
    super(describe(cause));
  }
}

/**
 * `ignored`: an unsolicited block with less work than the tip, dropped without being stored.
 * `deferred`: the block was not judged because of a local failure (I/O, a bug); it is neither
 * invalid nor connected, stays known when it could be stored, and the next activation (or
 * restart) tries it again.
 */
export type BlockStatus = 'connected' | 'side' | 'orphan' | 'duplicate' | 'ignored' | 'deferred';

/**
 * State-tree nodes kept in memory by default (STATE_CACHE_MB), at least the levels every block
 * walks; memory is taken only as the state grows. A 150,000-account tree has ~300,000 nodes,
 * ~56 MB with the cache's overhead, and at most half the budget is live (two generations), so
 * with 96 MiB a sync of such a chain read the deep levels from LevelDB, one read per node:
 * 8,400–8,650 tx/s against 9,150–9,400 with 384 MiB, for ~45 MB more RSS (bench "initial sync").
 */
const TRIE_CACHE_BYTES = 384 * 1024 * 1024;
/** Accounts kept after a block writes them (~100 bytes each): a few blocks' worth of 2,000. */
const ACCOUNT_CACHE_ENTRIES = 32_768;
/**
 * The state tree is written every 16 blocks, or once the nodes created since the last flush
 * take 24 MiB (about 17 blocks of 1,000 transfers). Memory holds those of two intervals.
 */
export const STATE_FLUSH: FlushPolicy = { blocks: 16, bytes: 24 * 1024 * 1024 };
/**
 * A flush writes the tree this many blocks below the tip and keeps the trees above it in
 * memory: a reorg that shallow never replays blocks, and a light client proving a balance
 * six confirmations deep always finds the tree it asks for.
 */
const STATE_FLUSH_LAG = 8;

export interface ChainOptions {
  db: Database;
  params: ConsensusParams;
  backend: SignatureBackend;
  log: Logger;
  /** Seconds; injectable so tests can move the clock. */
  now?: () => number;
  /** The contract VM; by default the QuickJS engine, loaded on first use. */
  executor?: ContractExecutor;
  /** Checks blocks' signatures on worker threads; without it they are checked inline. */
  verifier?: SignatureVerifier;
  /** Budget of the state-tree node cache; default TRIE_CACHE_BYTES. */
  trieCacheBytes?: number;
  /** When the state tree is written (blocks 1: every block's tree stays provable, an archive node); default STATE_FLUSH. */
  stateFlush?: FlushPolicy;
}

/**
 * The block tree, the active (most-work) chain and the state it implies.
 * Every connect and disconnect is one atomic LevelDB batch that moves the
 * state, the indexes and the tip pointer together, so a crash at any moment
 * leaves a consistent chain.
 */
export class Chain extends TypedEmitter<ChainEvents> {
  readonly params: ConsensusParams;
  private readonly db: Database;
  private readonly backend: SignatureBackend;
  private readonly verifier: SignatureVerifier | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly index = new Map<string, ChainEntry>();
  private readonly queue = new SerialQueue();
  private readonly orphans = new OrphanPool();
  private main: ChainEntry[] = [];
  private readonly blockCache = new Map<string, Block>();
  /**
   * Blocks that extend the tip are written in the same batch that connects them (one LevelDB
   * write per block instead of two); until then they wait here.
   */
  private readonly unstored = new Map<string, Block>();
  /**
   * The batch of the last plain block connected, while LevelDB applies it on its own thread
   * (write-behind: the next block's signature checks and state transition overlap the write,
   * as Core's chainstate cache defers its flush). At most one is in flight: the next block
   * waits for it only before submitting its own (two gained nothing in the sync bench); other
   * reads and writes wait for it, and account reads see its accounts here.
   */
  private inFlight: { done: Promise<void>; accounts: ReadonlyMap<string, { account: Account }> } | undefined;
  private contractState!: ContractChainState;
  private readonly trie: TrieNodeStore;
  private readonly stateFlush: FlushPolicy;
  private readonly accounts = new AccountCache(ACCOUNT_CACHE_ENTRIES);
  private halted: string | undefined;
  /** A local failure left a block unjudged: the next activation looks for the best chain again. */
  private retryBest = false;
  /** Local failures by block id: how many, and when the first was (see MAX_LOCAL_FAILURES). */
  private readonly localFailures = new Map<string, { count: number; since: number }>();
  private readonly oldestFailure = new OldestFirst(this.localFailures);
  /** Blocks set aside, until when (our clock, seconds): neither they nor their descendants are tried meanwhile. */
  private readonly setAside = new Map<ChainEntry, number>();
  private contractExecutor: ContractExecutor | undefined;

  private constructor(opts: ChainOptions) {
    super();
    this.db = opts.db;
    this.params = opts.params;
    this.backend = opts.backend;
    this.verifier = opts.verifier;
    this.log = opts.log;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.contractExecutor = opts.executor;
    this.stateFlush = opts.stateFlush ?? STATE_FLUSH;
    this.trie = new TrieNodeStore(opts.db, opts.trieCacheBytes ?? TRIE_CACHE_BYTES, this.stateFlush);
  }

  static async open(opts: ChainOptions & { reindex?: boolean }): Promise<Chain> {
    const chain = new Chain(opts);
    await chain.load(opts.reindex === true);
    return chain;
  }

  get tip(): ChainEntry {
    return this.main[this.main.length - 1]!;
  }

  get height(): number {
    return this.main.length - 1;
  }

  get genesis(): ChainEntry {
    return this.main[0]!;
  }

  /**
   * The state tree's nodes: the committed state at the root of any block whose tree is held,
   * for proofs and templates. Without `replacing`: only a connect may drop the nodes it
   * replaces from the cache, or each template built on the tip would send the next connect to
   * LevelDB.
   */
  readonly stateNodes: TrieNodeReader = { node: (hash) => this.trie.node(hash) };

  /** Committed contract code and storage (mirrors LevelDB), receipts and events. */
  get contracts(): ContractChainState {
    return this.contractState;
  }

  /** The contract VM, loaded on first use so chains of plain transfers never pay for it. */
  async executor(): Promise<ContractExecutor> {
    this.contractExecutor ??= new QuickJsExecutor(await loadContractEngine());
    return this.contractExecutor;
  }

  /** Templates derive senders exactly as validation will. */
  get backendForTemplates(): SignatureBackend {
    return this.backend;
  }

  getEntry(id: string): ChainEntry | undefined {
    return this.index.get(id);
  }

  getEntryByHeight(height: number): ChainEntry | undefined {
    return this.main[height];
  }

  isMain(entry: ChainEntry): boolean {
    return this.main[entry.height] === entry;
  }

  get blockCount(): number {
    return this.index.size;
  }

  /**
   * Stored valid blocks off the best chain with no more work than the tip: forks that lost.
   * A block still being connected (or deferred by a local failure) has more work than the
   * tip and is a candidate, not a side block.
   */
  get sideBlockCount(): number {
    const tip = this.tip;
    let n = 0;
    for (const e of this.index.values()) {
      if (e.status & Status.invalid || !(e.status & Status.haveData) || e.chainWork > tip.chainWork) continue;
      if (!this.isMain(e)) n++;
    }
    return n;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  /** Decoded blocks are immutable and explorers ask for the same recent ones repeatedly. */
  async getBlock(entry: ChainEntry): Promise<Block | null> {
    await this.settled();
    const cached = this.blockCache.get(entry.id) ?? this.unstored.get(entry.id);
    if (cached) return cached;
    const raw = await this.db.get(key(Prefix.block, entry.hash));
    if (!raw) return null;
    const block = decodeBlock(raw);
    if (this.blockCache.size >= BLOCK_CACHE_SIZE) this.blockCache.delete(this.blockCache.keys().next().value as string);
    this.blockCache.set(entry.id, block);
    return block;
  }

  /**
   * Whether a peer may be sent this block: on the main chain, or validated when it was connected
   * (Core's BlockRequestAllowed). A stored side block nobody validated, or one found invalid,
   * would get the node that serves it banned by the peer that checks it.
   */
  canServe(entry: ChainEntry): boolean {
    if (entry.status & Status.invalid || !(entry.status & Status.haveData)) return false;
    return this.isMain(entry) || (entry.status & Status.valid) !== 0;
  }

  /**
   * Transaction `index` of a stored block, decoding only it unless the block is cached decoded;
   * null if the block's data or that transaction is not there.
   */
  async getTx(entry: ChainEntry, index: number): Promise<Transaction | null> {
    return (await this.getTxs(entry, [index])).txs[0]!;
  }

  /**
   * Several transactions of one stored block, reading the block once (or none when it is cached
   * decoded); `read` is the bytes read from the database.
   */
  async getTxs(entry: ChainEntry, indexes: readonly number[]): Promise<{ txs: (Transaction | null)[]; read: number }> {
    await this.settled();
    const cached = this.blockCache.get(entry.id) ?? this.unstored.get(entry.id);
    if (cached) return { txs: indexes.map((i) => cached.txs[i] ?? null), read: 0 };
    const raw = await this.db.get(key(Prefix.block, entry.hash));
    if (!raw) return { txs: indexes.map(() => null), read: 0 };
    return { txs: blockTxsAt(raw, indexes).map((tx) => tx ?? null), read: raw.length };
  }

  async getRawBlock(entry: ChainEntry): Promise<Uint8Array | null> {
    await this.settled();
    return (await this.db.get(key(Prefix.block, entry.hash))) ?? null;
  }

  async getAccount(address: Uint8Array): Promise<Account> {
    await this.settled();
    const raw = await this.db.get(key(Prefix.account, address));
    return raw ? decodeAccount(raw) : { balance: 0n, nonce: 0n };
  }

  /**
   * Resolves once every connected block is in LevelDB. The chain's own reads wait for it, so
   * an answer never shows a block a crash could still take back; it rejects if the write
   * failed, which halts the chain.
   */
  settled(): Promise<void> {
    return this.inFlight?.done ?? Promise.resolve();
  }

  /**
   * The account as stored right now. Read in the same tick as the mempool, it
   * gives one consistent view: a block's state is readable before its
   * `block:connected` event lets the mempool drop the block's transactions.
   */
  getAccountSync(address: Uint8Array): Account {
    return this.accountSync(address) ?? { balance: 0n, nonce: 0n };
  }

  /** The stored account, or the one a batch still in flight writes; undefined when absent. */
  private accountSync(address: Uint8Array): Account | undefined {
    const written = this.writtenAccount(addressKey(address));
    if (written) return written;
    const raw = this.db.getSync(key(Prefix.account, address));
    return raw ? decodeAccount(raw) : undefined;
  }

  /**
   * A copy of the account as the chain last wrote it, without LevelDB: the cache holds what
   * the newest batch wrote (it is updated when a batch is submitted), and a batch in flight
   * answers for an account the cache has dropped. Undefined: ask LevelDB, which has it.
   */
  private writtenAccount(k: string): Account | undefined {
    const cached = this.accounts.get(k);
    if (cached) return cached;
    const writing = this.inFlight?.accounts.get(k);
    return writing && { ...writing.account };
  }

  /**
   * Synchronous account reads for state transitions: `keys` are batch-read
   * first, any other account a contract reaches is read on demand.
   */
  async accountReader(keys: readonly string[]): Promise<(k: string) => Account | undefined> {
    return accountLoader(keys, await this.getAccounts(keys), (k) => this.accountSync(hexToBytes(k)));
  }

  /** Batch read keyed by lowercase hex address; absent accounts are omitted. */
  async getAccounts(keys: readonly string[]): Promise<Map<string, Account>> {
    return this.readAccounts(keys, keys.map((k) => hexToBytes(k)));
  }

  /** accountReader for a block's accounts, whose addresses it already has as bytes. */
  private async blockAccountReader(accounts: ReadonlyMap<string, Uint8Array>): Promise<(k: string) => Account | undefined> {
    const keys = [...accounts.keys()];
    return accountLoader(keys, await this.readAccounts(keys, [...accounts.values()]), (k) => this.accountSync(hexToBytes(k)));
  }

  /**
   * Reads at once, without waiting for batches in flight, so LevelDB reads while a block's
   * signatures are checked: only accounts no batch in flight writes go to LevelDB, so whether
   * a batch lands during the read changes nothing.
   */
  private async readAccounts(keys: readonly string[], addresses: readonly Uint8Array[]): Promise<Map<string, Account>> {
    const out = new Map<string, Account>();
    const arena = new ByteArena();
    const missed: string[] = [];
    const missedKeys: Uint8Array[] = [];
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const written = this.writtenAccount(k);
      if (written) {
        out.set(k, written);
      } else {
        missed.push(k);
        missedKeys.push(arena.key(Prefix.account, addresses[i]!));
      }
    }
    if (missed.length === 0) return out;
    const values = await this.db.getMany(missedKeys);
    values.forEach((v, i) => {
      if (v) out.set(missed[i]!, decodeAccount(v));
    });
    return out;
  }

  async getTxLocation(hash: Uint8Array): Promise<{ entry: ChainEntry; index: number } | null> {
    await this.settled();
    const raw = await this.db.get(key(Prefix.tx, hash));
    if (!raw) return null;
    const entry = this.index.get(hashToHex(raw.subarray(0, 32)));
    if (!entry) return null;
    const index = new DataView(raw.buffer, raw.byteOffset).getUint32(36, false);
    return { entry, index };
  }

  /**
   * Main-chain transaction hashes touching an address, newest first, from `from`: a count of rows to
   * skip (each one read and dropped), or a cursor whose key the iterator seeks to, so any depth costs
   * what the first page does.
   */
  async addressTxs(address: Uint8Array, from: number | HistoryCursor, limit: number): Promise<{ hash: Uint8Array; height: number; index: number }[]> {
    const prefix = key(Prefix.addressTx, address);
    const upper =
      typeof from === 'number'
        ? key(Prefix.addressTx, address, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
        : key(Prefix.addressTx, address, u32be(from.height), u32be(from.index));
    const offset = typeof from === 'number' ? from : 0;
    const out: { hash: Uint8Array; height: number; index: number }[] = [];
    let skipped = 0;
    await this.settled();
    for await (const [k, v] of this.db.iterator({ gte: prefix, lt: upper, reverse: true })) {
      if (skipped++ < offset) continue;
      const view = new DataView(k.buffer, k.byteOffset, k.byteLength);
      out.push({ hash: v, height: view.getUint32(21, false), index: view.getUint32(25, false) });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Compact bits the child of `parent` must carry. */
  nextBits(parent: ChainEntry): number {
    return nextWorkRequired(
      {
        height: parent.height + 1,
        prevBits: parent.header.bits,
        timeAt: (h) => ancestorAt(parent, h)!.header.time,
      },
      this.params,
    );
  }

  medianTimePast(entry: ChainEntry): number {
    const times: number[] = [];
    let e: ChainEntry | null = entry;
    for (let i = 0; i < this.params.medianTimeSpan && e; i++, e = e.parent) times.push(e.header.time);
    return medianTimePast(times);
  }

  /** Block locator as Bitcoin builds it: dense near the tip, exponentially sparse further back. */
  locator(from: ChainEntry = this.tip): string[] {
    const out: string[] = [];
    let step = 1;
    let e: ChainEntry | null = from;
    while (e) {
      out.push(e.id);
      if (e.height === 0) break;
      if (out.length >= 10) step *= 2;
      e = ancestorAt(e, Math.max(0, e.height - step));
    }
    return out;
  }

  /** Why the chain stopped accepting blocks, if it did (see the `halt` event). */
  get haltReason(): string | undefined {
    return this.halted;
  }

  /**
   * Validates and stores a block, then switches to the most-work chain if it
   * changed. Rejections throw a RuleError naming the rule; nothing else is
   * thrown: a local failure answers `deferred`.
   */
  /** Bytes of state-tree nodes created since the state tree was last written (they are only in memory). */
  get unflushedStateBytes(): number {
    return this.trie.unflushedBytes;
  }

  /** Resolves once the block being processed (and any queued before this call) is done; for shutdown. */
  drain(): Promise<void> {
    return this.queue.run(async () => {
      await this.settled().catch(() => undefined);
    });
  }

  /**
   * drain(), then the state trees of the tip and the STATE_FLUSH_LAG blocks below it (Core
   * flushes its chainstate at shutdown): the next start replays nothing, and proofs and shallow
   * reorgs find the trees they found before.
   */
  close(): Promise<void> {
    return this.queue.run(async () => {
      await this.settled().catch(() => undefined);
      if (this.halted !== undefined) return;
      const flush = this.trie.flush([this.tip.stateRoot, ...this.rootsBelow(this.tip, STATE_FLUSH_LAG)], []);
      await this.write([flush.op]);
      this.trie.landed(flush);
      this.emit('state:flushed', this.tip, flush.nodes);
    });
  }

  processBlock(block: Block, opts: { unsolicited?: boolean } = {}): Promise<{ status: BlockStatus; entry?: ChainEntry }> {
    this.prefetchSignatures(block, opts.unsolicited === true);
    return this.queue.run(async () => {
      if (this.halted) return { status: 'deferred' };
      try {
        const started = performance.now();
        const result = await this.processBlockInner(block, opts.unsolicited === true);
        if (result.status === 'connected') this.emit('block:processed', performance.now() - started);
        return result;
      } catch (e) {
        if (e instanceof RuleError) throw e;
        this.log.error(`block ${hashToHex(blockHash(block))} could not be processed (local failure, not judged): ${describe(e)}`);
        return { status: 'deferred' };
      }
    });
  }

  private async processBlockInner(block: Block, unsolicited: boolean): Promise<{ status: BlockStatus; entry?: ChainEntry }> {
    const hash = blockHash(block);
    const id = hashToHex(hash);
    const known = this.index.get(id);
    if (known) {
      if (known.status & Status.invalid) reject('duplicate', 'block is known to be invalid');
      return { status: 'duplicate', entry: known };
    }
    if (this.orphans.has(id)) return { status: 'orphan' };
    const parent = this.index.get(hashToHex(block.header.prevHash));
    // The bars a header alone decides come before the block's sanity rules, which hash and parse
    // up to a block's size of payloads (~200 ms for 2 MB of contract calls): a block that cannot be
    // kept whatever its body holds costs its sender only a header's work at an easy target, and
    // was checked whole, unblamed, as often as it was sent.
    if (!parent) {
      // An orphan's difficulty cannot be checked yet; one retarget step easier than the tip is the
      // most an honest block ahead of us can be, so cheaper ones are not worth holding.
      const tipTarget = decodeCompact(this.tip.header.bits).target;
      if (decodeCompact(block.header.bits).target > tipTarget * BigInt(this.params.maxRetargetFactor)) {
        return { status: 'ignored' };
      }
    } else if (unsolicited && this.belowTipWork(parent, block)) {
      // Like Bitcoin Core, a block nobody asked for is stored only if its chain has at least the
      // tip's work: otherwise cheap blocks on old low-difficulty forks could fill the disk.
      this.log.debug('ignoring unsolicited low-work block %s', hashToHex(hash));
      return { status: 'ignored' };
    }
    checkBlockSanity(block, this.params);
    if (!parent) {
      this.orphans.add(id, block);
      this.log.debug('orphan block %s (parent unknown)', id);
      return { status: 'orphan' };
    }
    const entry = await this.acceptBlock(block, parent);
    const activation = await this.activateBestChain(entry, block);
    if (activation.error) throw activation.error;
    await this.processOrphans(entry);
    if (this.isMain(entry)) return { status: 'connected', entry };
    return { status: activation.deferred ? 'deferred' : 'side', entry };
  }

  private async acceptBlock(block: Block, parent: ChainEntry): Promise<ChainEntry> {
    if (parent.status & Status.invalid) reject('invalid-ancestor');
    this.checkHeaderOn(block.header, parent);
    const coinbase = blockCoinbase(block)!;
    if (coinbase.height !== parent.height + 1) reject('bad-cb-height', `coinbase says ${coinbase.height}`);
    const entry = makeEntry(block.header, parent, workFromBits(block.header.bits), Status.haveData, coinbase.stateRoot);
    if (parent === this.tip) {
      this.unstored.set(entry.id, block);
    } else {
      await this.write([
        { type: 'put', key: key(Prefix.entry, entry.hash), value: encodeEntry(entry) },
        { type: 'put', key: key(Prefix.block, entry.hash), value: encodeBlock(block) },
      ]);
    }
    this.index.set(entry.id, entry);
    return entry;
  }

  /** The header rules that need its parent: difficulty, median time past, not too far ahead of our clock, timewarp. */
  private checkHeaderOn(header: BlockHeader, parent: ChainEntry): void {
    checkHeaderContext(
      header,
      { expectedBits: this.nextBits(parent), medianTimePast: this.medianTimePast(parent), now: this.now(), height: parent.height + 1, prevTime: parent.header.time },
      this.params,
    );
  }

  private async processOrphans(parent: ChainEntry): Promise<void> {
    const pending = [parent];
    while (pending.length > 0) {
      const p = pending.pop()!;
      for (const block of this.orphans.takeChildren(p.id)) {
        try {
          checkBlockSanity(block, this.params);
          const entry = await this.acceptBlock(block, p);
          await this.activateBestChain(entry, block);
          if (!(entry.status & Status.invalid)) pending.push(entry);
        } catch (e) {
          if (e instanceof RuleError) {
            const id = hashToHex(blockHash(block));
            this.log.debug('orphan %s rejected: %s', id, e.message);
            this.emit('orphan:invalid', id, e);
          } else this.log.error(`orphan ${hashToHex(blockHash(block))} could not be stored (local failure): ${describe(e)}`);
        }
      }
    }
  }

  /** A chain ending in `block` on `parent` has less work than the tip: not worth storing unasked, nor checking early. */
  private belowTipWork(parent: ChainEntry, block: Block): boolean {
    return parent.chainWork + workFromBits(block.header.bits) < this.tip.chainWork;
  }

  /**
   * The valid block with the most work; of equal work, `preferred` (by default the tip). After a
   * failed activation the caller prefers the tip it started from, as Core ranks candidates of
   * equal work by arrival: otherwise a fork of equal work, with an invalid block on top to make
   * us try it, would keep us on its prefix while every node that never saw the invalid block
   * stays where it was.
   */
  private findBest(preferred: ChainEntry = this.tip): ChainEntry {
    const aside = this.setAsideTest();
    let best = preferred.status & Status.invalid || aside?.(preferred) ? this.tip : preferred;
    if (this.tip.chainWork > best.chainWork) best = this.tip;
    for (const e of this.index.values()) {
      if (e.status & Status.invalid || !(e.status & Status.haveData)) continue;
      if (e.chainWork > best.chainWork && !aside?.(e)) best = e;
    }
    return best;
  }

  /**
   * Whether an entry is, or descends from, a block set aside after repeated local failures;
   * undefined while none is. Verdicts are remembered along each walk, so a scan of the whole index
   * walks each entry's ancestry once, not once per entry and per block set aside.
   */
  private setAsideTest(): ((e: ChainEntry) => boolean) | undefined {
    const now = this.now();
    for (const [a, until] of this.setAside) {
      if (until > now) continue;
      this.setAside.delete(a);
      // Its branch is back in the running: the next activation ranks every candidate again, or a block
      // on our own tip, lighter than that branch, kept us off it until one more of its blocks came.
      this.retryBest = true;
    }
    if (this.setAside.size === 0) return undefined;
    const known = new Map<ChainEntry, boolean>();
    let lowest = Infinity;
    for (const a of this.setAside.keys()) {
      known.set(a, true);
      lowest = Math.min(lowest, a.height);
    }
    return (e) => {
      const walked: ChainEntry[] = [];
      let verdict = false;
      for (let x: ChainEntry | null = e; x; x = x.parent) {
        const v = known.get(x);
        if (v !== undefined) {
          verdict = v;
          break;
        }
        if (x.height <= lowest) break;
        walked.push(x);
      }
      for (const w of walked) known.set(w, verdict);
      return verdict;
    };
  }

  private countLocalFailure(entry: ChainEntry): void {
    const now = this.now();
    const seen = this.localFailures.get(entry.id) ?? { count: 0, since: now };
    this.localFailures.delete(entry.id);
    const count = seen.count + 1;
    if (count < MAX_LOCAL_FAILURES || now - seen.since < LOCAL_FAILURE_SPAN_S) {
      this.localFailures.set(entry.id, { count, since: seen.since });
      if (this.localFailures.size > MAX_COUNTED_FAILURES) this.oldestFailure.evict();
      return;
    }
    this.setAside.set(entry, now + SET_ASIDE_S);
    if (this.setAside.size > MAX_SET_ASIDE) this.setAside.delete(this.setAside.keys().next().value!);
    this.log.error(`block ${entry.id} at height ${entry.height} failed to connect ${count} times over ${now - seen.since} s, not under a rule (see above); it and its descendants are set aside for ${SET_ASIDE_S} s`);
  }

  private findFork(a: ChainEntry, b: ChainEntry): ChainEntry {
    let x: ChainEntry | null = a;
    let y: ChainEntry | null = b;
    while (x && y && x !== y) {
      if (x.height > y.height) x = x.parent;
      else if (y.height > x.height) y = y.parent;
      else {
        x = x.parent;
        y = y.parent;
      }
    }
    if (!x || x !== y) throw new Error('chains share no ancestor');
    return x;
  }

  /**
   * Moves the active chain to the most-work valid block, like Bitcoin Core's
   * ActivateBestChain: when a block of the new branch fails, it and its
   * descendants are marked invalid and the search restarts, which may lead
   * back to the old chain. Any other failure (I/O, a bug) judges no block:
   * the chain goes back to the tip it started from, or halts if it cannot.
   */
  private async activateBestChain(candidate: ChainEntry | null, candidateBlock?: Block): Promise<Activation> {
    const start = this.tip;
    let candidateError: RuleError | undefined;
    // Every block taken off on the way, whether or not it is back on the main chain at the end.
    const disconnected: ChainEntry[] = [];
    // Asked first: it may find a branch back from being set aside, which asks for a full ranking.
    const aside = this.setAsideTest();
    const target: ChainEntry = candidate && !this.retryBest && !aside?.(candidate) ? candidate : this.findBest();
    let deferred = false;
    try {
      candidateError = await this.moveTo(target, start, candidate, candidateBlock, disconnected);
      // A block held for its connect that the activation went past (it aimed at another branch
      // after a local failure, or one set aside came back) is a side block now: unwritten, a
      // stored child of it would leave an index the next start refuses, --reindex too.
      await this.storeUnstored();
      this.retryBest = false;
    } catch (err) {
      deferred = true;
      this.retryBest = true;
      this.log.error(`could not move the chain towards ${target.id} (height ${target.height}): ${describe(err)}; returning to ${start.id} (height ${start.height})`);
      if (err instanceof LocalFailure) this.countLocalFailure(err.entry);
      await this.restoreTip(start, disconnected);
    }
    if (this.tip !== start || disconnected.length > 0) this.announce(start);
    return { error: candidateError, deferred };
  }

  /**
   * The activation's net change, as Core's UpdatedBlockTip reports it after every step: a reorg
   * only if blocks of the chain it started from are off the main chain now, counted from the
   * common ancestor; none when it came back to `start` (after an invalid block or a local
   * failure) or only extended it.
   */
  private announce(start: ChainEntry): void {
    const tip = this.tip;
    const fork = this.findFork(start, tip);
    if (fork !== start) {
      const disconnected: ChainEntry[] = [];
      for (let e: ChainEntry | null = start; e && e !== fork; e = e.parent) disconnected.push(e);
      this.log.info(`reorg: ${start.id} (${start.height}) → ${tip.id} (${tip.height}), fork at ${fork.height}, ${disconnected.length} block(s) disconnected`);
      this.emit('reorg', { from: start, to: tip, fork, disconnected, connected: tip.height - fork.height });
    }
    this.emit('tip', tip);
  }

  /** The activation loop proper; rule failures are handled here, anything else is thrown. */
  private async moveTo(first: ChainEntry, start: ChainEntry, candidate: ChainEntry | null, candidateBlock: Block | undefined, disconnected: ChainEntry[]): Promise<RuleError | undefined> {
    let candidateError: RuleError | undefined;
    let target = first;
    for (;;) {
      // Never to another chain of merely equal work (the first seen stays), except back to where we started.
      if (target === this.tip || target.chainWork < this.tip.chainWork || (target.chainWork === this.tip.chainWork && target !== start)) break;
      const path = await this.disconnectTowards(target, disconnected);
      let failed = false;
      for (const e of path) {
        try {
          const block = e === candidate && candidateBlock ? candidateBlock : await this.getBlock(e);
          if (!block) throw new Error(`block data missing for ${e.id}`);
          await this.connectTip(e, block);
        } catch (err) {
          if (!(err instanceof RuleError)) throw new LocalFailure(e, err);
          this.log.warn(`block ${e.id} at height ${e.height} is invalid: ${err.message}`);
          if (e === candidate) candidateError = err;
          // Without this, findBest() picks the same failed block again and activation never ends.
          await this.markInvalid(e, err);
          failed = true;
          break;
        }
      }
      if (!failed) break;
      target = this.findBest(start);
    }
    return candidateError;
  }

  /**
   * Puts back the tip activation started from after a local failure, then
   * writes blocks that were waiting to be stored with their connect, so a
   * block that was not judged is not lost. If even that fails the storage
   * cannot be trusted: the chain halts.
   */
  private async restoreTip(start: ChainEntry, disconnected: ChainEntry[]): Promise<void> {
    try {
      for (const e of await this.disconnectTowards(start, disconnected)) {
        const block = await this.getBlock(e);
        if (!block) throw new Error(`block data missing for ${e.id}`);
        await this.connectTip(e, block);
      }
      await this.storeUnstored();
    } catch (err) {
      this.halt(`could not restore tip ${start.id} (height ${start.height}) after a local failure: ${describe(err)}`);
    }
  }

  /** Writes the blocks still waiting to be stored with their connect, each with its entry. */
  private async storeUnstored(): Promise<void> {
    for (const [id, block] of this.unstored) {
      const e = this.index.get(id)!;
      await this.write([
        { type: 'put', key: key(Prefix.entry, e.hash), value: encodeEntry(e) },
        { type: 'put', key: key(Prefix.block, e.hash), value: encodeBlock(block) },
      ]);
      this.unstored.delete(id);
    }
  }

  /** `stored`: the height of the last tip written, when the tip in memory is not (a failed write-behind). */
  private halt(reason: string, stored = this.height): void {
    // The first reason is the cause; later failures are its consequences.
    if (this.halted !== undefined) return;
    this.halted = reason;
    this.log.error(`chain halted: ${reason}. The stored chain is consistent at its last written tip (height ${stored}); restart the node to continue from it.`);
    this.emit('halt', reason);
  }

  private async markInvalid(entry: ChainEntry, error: RuleError): Promise<void> {
    const ops: BatchOp[] = [];
    const marked: ChainEntry[] = [];
    const descends = descendantsOf(entry, this.index.values());
    for (const e of this.index.values()) {
      if (descends(e)) {
        if (!(e.status & Status.invalid)) marked.push(e);
        e.status |= Status.invalid;
        // An invalid block that was never written keeps only its header entry, without data.
        if (this.unstored.delete(e.id)) e.status &= ~Status.haveData;
        ops.push({ type: 'put', key: key(Prefix.entry, e.hash), value: encodeEntry(e) });
      }
    }
    await this.write(ops);
    for (const e of marked) this.emit('block:invalid', e, e === entry ? error : new RuleError('invalid-ancestor', `descends from ${entry.id}`));
  }

  /**
   * A batch after any still in flight: LevelDB applies batches in the order they are submitted
   * only one at a time. A failed write halts the chain and nothing is written after it: LevelDB
   * may have logged part of the batch, and on recovery it drops the rest of that log block, so a
   * later batch could survive one it depends on (Core aborts on a failed write too).
   */
  private async write(ops: BatchOp[]): Promise<void> {
    await this.settled();
    await this.submit(ops, 'a chain write failed', this.height);
  }

  /** One batch to LevelDB unless the chain halted; a failure halts it (`stored`: the height then on disk). */
  private submit(ops: BatchOp[], what: string, stored: number): Promise<void> {
    if (this.halted !== undefined) return Promise.reject(new Error(`chain halted: ${this.halted}`));
    return this.db.batch(ops).catch((e: unknown) => {
      this.halt(`${what}: ${describe(e)}`, stored);
      throw e;
    });
  }

  /**
   * Submits a plain block's batch without waiting for LevelDB to apply it. Until it lands,
   * its accounts and state-tree nodes are read from memory. If it fails the chain halts at
   * once (Core's AbortNode): the database holds the consistent chain up to the block before,
   * as every batch is atomic, and no later batch may be logged after a torn one.
   */
  private writeBehind(entry: ChainEntry, ops: BatchOp[], accounts: ReadonlyMap<string, { account: Account }>, flush: Flush | undefined): void {
    if (this.inFlight) throw new Error('a block batch submitted while another is in flight');
    const done = this.submit(ops, `block ${entry.id} at height ${entry.height} could not be written`, entry.height - 1).then(() => {
      if (this.inFlight === flight) this.inFlight = undefined;
      if (flush) this.trie.landed(flush);
    });
    // Readers see the failure through settled(); this copy only keeps it from being unhandled.
    done.catch(() => undefined);
    const flight = { done, accounts };
    this.inFlight = flight;
  }

  /**
   * The flush for the block `tip`: the state tree STATE_FLUSH_LAG blocks below it, the trees
   * above kept in memory. Only blocks connected since the last flush can be kept (the others'
   * nodes are about to leave memory), so when fewer were, the tree nearer the tip is written
   * with those below it down to that depth.
   */
  private flushBelow(tip: ChainEntry): { flush: Flush; at: ChainEntry } {
    // An archive node writes every tree as it is connected, side branches' too.
    if (this.stateFlush.blocks === 1) return { flush: this.trie.flush([tip.stateRoot], []), at: tip };
    const keep: Uint8Array[] = [];
    let point = tip;
    while (keep.length < STATE_FLUSH_LAG && point.parent && this.trie.holds(point.id)) {
      keep.push(point.stateRoot);
      point = point.parent;
    }
    // Fewer kept (a flush due by bytes, or soon after a restart): the trees down to the lag's
    // depth are written as well, so those of the last blocks are complete after any flush.
    return { flush: this.trie.flush([point.stateRoot, ...this.rootsBelow(point, STATE_FLUSH_LAG - keep.length)], keep), at: point };
  }

  /** The state roots of up to `count` ancestors of `entry`, nearest first. */
  private rootsBelow(entry: ChainEntry, count: number): Uint8Array[] {
    const roots: Uint8Array[] = [];
    for (let e = entry.parent; e && roots.length < count; e = e.parent) roots.push(e.stateRoot);
    return roots;
  }

  /**
   * Disconnects down to the fork with `target`'s chain, and further while the tip's state tree
   * is not complete; returns the blocks to connect to reach `target`, lowest first.
   */
  private async disconnectTowards(target: ChainEntry, disconnected: ChainEntry[]): Promise<ChainEntry[]> {
    const fork = this.findFork(this.tip, target);
    while (this.tip !== fork) disconnected.push(await this.disconnectTip());
    const path: ChainEntry[] = [];
    for (let e: ChainEntry | null = target; e && e !== fork; e = e.parent) path.push(e);
    return [...(await this.rewindToCompleteTree(disconnected)), ...path.reverse()];
  }

  /**
   * Disconnects blocks until the tip's state tree is complete (written by a flush, or built
   * since), after a crash lost the nodes in memory or a reorg went below them; returns them
   * lowest first, to be connected again.
   */
  private async rewindToCompleteTree(disconnected: ChainEntry[]): Promise<ChainEntry[]> {
    const replay: ChainEntry[] = [];
    while (!this.trie.hasTree(this.tip.stateRoot)) {
      if (!this.tip.parent) throw new Error('the genesis state tree is missing');
      replay.push(this.tip);
      disconnected.push(await this.disconnectTip());
    }
    return replay.reverse();
  }

  /**
   * Starts a block's signature checks on the verify pool while the blocks queued before it
   * connect. Only for a new block whose header carries real work (the orphan pool's bar), so a
   * stranger cannot make us verify junk or repeats for free; and one nobody asked for only when
   * its parent is known and its chain has at least the tip's work, the bar it must pass to be
   * stored: an orphan or a low-work block was queued for checks and then dropped, and each copy
   * sent again was checked again. Blocks we asked for (sync) come from a header chain with more
   * work, and their parents are often still queued.
   */
  private prefetchSignatures(block: Block, unsolicited: boolean): void {
    if (!this.verifier) return;
    try {
      const target = decodeCompact(block.header.bits).target;
      if (target > decodeCompact(this.tip.header.bits).target * BigInt(this.params.maxRetargetFactor)) return;
      const hash = headerHash(block.header);
      if (!hashMeetsTarget(hash, target)) return;
      // A block sent again costs nothing more than it did before the pool.
      const id = hashToHex(hash);
      if (this.index.has(id) || this.orphans.has(id)) return;
      const parent = this.index.get(hashToHex(block.header.prevHash));
      if (unsolicited) {
        if (!parent || parent.status & Status.invalid) return;
        if (this.belowTipWork(parent, block)) return;
      }
      // Every rule a block can fail without being stored before any signature, as Core checks
      // headers and CheckBlock before it runs a script: such a block (too far ahead, a wrong
      // coinbase height, a sanity rule) is refused unstored, and through compact relay unblamed,
      // so every copy sent again would be checked again. The work is not repeated in the queue:
      // the merkle root and transaction hashes are cached on the block.
      if (parent && parent.status & Status.invalid) return;
      checkBlockSanity(block, this.params);
      if (parent) {
        this.checkHeaderOn(block.header, parent);
        if (blockCoinbase(block)?.height !== parent.height + 1) return;
      }
    } catch {
      return; // judged, with its rule name, in the queue
    }
    this.verifier.forBlock(block);
  }

  /**
   * The block's signatures are checked on the verify pool while its state transition runs
   * (Core's CCheckQueue); the serial path checks every signature before any state rule, so a
   * failed signature outranks whatever the transition concluded.
   */
  private async connectTip(entry: ChainEntry, block: Block): Promise<void> {
    const sigs = entry.status & Status.valid ? undefined : this.verifier?.forBlock(block);
    try {
      await this.connectChecked(entry, block, sigs?.backend ?? this.backend, sigs);
    } catch (e) {
      await sigs?.settle();
      throw e;
    }
  }

  private async connectChecked(entry: ChainEntry, block: Block, backend: SignatureBackend, sigs: BlockSignatures | undefined): Promise<void> {
    // A halted chain moves its tip no further, not even in memory.
    if (this.halted !== undefined) throw new Error(`chain halted: ${this.halted}`);
    const started = performance.now();
    // LevelDB reads the block's accounts on its own thread while the signatures are checked here.
    const reading = this.blockAccountReader(blockAccounts(block, backend));
    // Awaited below; marked handled in case the work in between throws first.
    reading.catch(() => undefined);
    // A block that passed every rule once has the same signatures now: its transactions' hashes
    // cover them, and the entry's hash covers those. A reorg back to it (or away and back again)
    // checks its state, not its signatures, as Core's script cache spares a reconnected block:
    // one cheap invalid block on a deep equal-work branch made every node check twice the
    // branch's depth of blocks' signatures again, each time it was sent.
    if (!(entry.status & Status.valid)) checkBlockSignatures(block, backend);
    const checked = performance.now();
    const hasContracts = block.txs.some((tx) => tx.kind === 'transfer' && tx.data.length > 0);
    const contracts = hasContracts
      ? { executor: await this.executor(), state: this.contractState, time: this.tip.header.time }
      : undefined;
    // Built while LevelDB reads the accounts, as neither depends on them; the index rows of
    // contract transactions need their receipts, so those blocks index after the transition.
    const arena = new ByteArena();
    const raw = this.unstored.has(entry.id) ? encodeBlock(block) : undefined;
    const plainIndex = hasContracts ? undefined : indexOps(block, entry.hash, entry.height, this.backend, false, undefined, arena);
    const indexed = performance.now();
    const load = await reading;
    const loaded = performance.now();
    const pending = transitionBlock(block, entry.height, load, this.params, backend, contracts);
    const transitioned = performance.now();
    const t = commitTransition(pending, { root: this.tip.stateRoot, nodes: this.trie });
    const committed = performance.now();
    const ops: BatchOp[] = [];
    if (raw) ops.push({ type: 'put', key: key(Prefix.block, entry.hash), value: raw });
    for (const { address, account } of t.changes.values()) {
      ops.push({ type: 'put', key: arena.key(Prefix.account, address), value: encodeAccount(account) });
    }
    const c = hasContracts ? this.contractState.connect(t, block, entry.height, this.backend) : undefined;
    // Appended in loops: a spread passes every element as an argument, and a big block's
    // thousands of operations would meet the engine's argument limit.
    if (c) append(ops, c.ops);
    ops.push({ type: 'put', key: key(Prefix.undo, entry.hash), value: encodeUndo(t.previous, c?.undo) });
    append(ops, plainIndex ?? indexOps(block, entry.hash, entry.height, this.backend, false, t.receipts, arena));
    ops.push({ type: 'put', key: key(Prefix.height, u32be(entry.height)), value: entry.hash });
    ops.push({ type: 'put', key: key(Prefix.meta, META_TIP), value: entry.hash });
    const assembled = performance.now();
    // Nothing of a block whose signatures fail is written.
    await sigs?.settle();
    // Every rule passed: servable to peers even after a reorg takes it off the main chain. A block
    // reconnected by a reorg is marked already, and its entry is on disk as it is.
    if (!(entry.status & Status.valid)) {
      entry.status |= Status.valid;
      ops.push({ type: 'put', key: key(Prefix.entry, entry.hash), value: encodeEntry(entry) });
    }
    const settled = performance.now();
    // Bounded: a chain that connects faster than LevelDB writes waits here instead of holding more.
    if (!c) await this.settled();
    // An earlier block's write may have failed meanwhile, as this block's reads do not wait for it.
    if (this.halted !== undefined) throw new Error(`chain halted: ${this.halted}`);
    this.trie.connected(entry.id, entry.stateRoot, t.trieNodes);
    const flushed = this.trie.flushDue() ? this.flushBelow(entry) : undefined;
    const flush = flushed?.flush;
    if (flush) ops.push(flush.op);
    // Contract blocks also change contract storage, code, receipts and events, which have no
    // in-flight view: those are written before the next read.
    if (c) {
      await this.write(ops);
      if (flush) this.trie.landed(flush);
    } else this.writeBehind(entry, ops, t.changes, flush);
    try {
      this.unstored.delete(entry.id);
      this.trie.forgetReplaced(t.trieNodes);
      for (const [k, { account }] of t.changes) this.accounts.set(k, account);
      c?.apply();
      this.main.push(entry);
      this.localFailures.delete(entry.id);
    } catch (e) {
      // The batch is on its way to disk: a tip left behind it in memory would judge this block
      // again against its own state and mark a valid block invalid.
      this.halt(`block ${entry.id} at height ${entry.height} was written but not applied in memory: ${describe(e)}`, entry.height);
      throw e;
    }
    const written = performance.now();
    if (flushed) this.emit('state:flushed', flushed.at, flushed.flush.nodes);
    this.emit('block:connected', entry, block);
    this.emit('block:phases', entry, {
      signatures: checked - started + (settled - assembled),
      read: loaded - indexed,
      transition: transitioned - loaded,
      stateRoot: committed - transitioned,
      assemble: indexed - checked + (assembled - committed),
      write: written - settled,
    });
  }

  private async disconnectTip(): Promise<ChainEntry> {
    const entry = this.tip;
    const parent = entry.parent;
    if (!parent) throw new Error('cannot disconnect the genesis block');
    const block = await this.getBlock(entry);
    await this.settled();
    const rawUndo = await this.db.get(key(Prefix.undo, entry.hash));
    if (!block || !rawUndo) throw new Error(`missing block or undo data for ${entry.id}`);
    const ops: BatchOp[] = [];
    const undo = decodeFullUndo(rawUndo);
    // Read before the batch deletes them: the receipts name the internal-transfer index rows to remove.
    const receipts = await storedReceipts(block, (hash) => this.contractState.receipt(hash));
    const c = this.contractState.disconnect(block, undo.contracts);
    append(ops, c.ops);
    for (const [k, prev] of undo.accounts) {
      const accKey = key(Prefix.account, hexToBytes(k));
      ops.push(prev ? { type: 'put', key: accKey, value: encodeAccount(prev) } : { type: 'del', key: accKey });
    }
    ops.push({ type: 'del', key: key(Prefix.undo, entry.hash) });
    append(ops, indexOps(block, entry.hash, entry.height, this.backend, true, receipts));
    ops.push({ type: 'del', key: key(Prefix.height, u32be(entry.height)) });
    ops.push({ type: 'put', key: key(Prefix.meta, META_TIP), value: parent.hash });
    await this.write(ops);
    for (const [k, prev] of undo.accounts) {
      if (prev) this.accounts.set(k, prev);
      else this.accounts.delete(k);
    }
    c.apply();
    this.main.pop();
    this.emit('block:disconnected', entry, block);
    return entry;
  }

  private async load(reindex: boolean): Promise<void> {
    this.contractState = await ContractChainState.load(this.db);
    const network = await this.db.get(key(Prefix.meta, META_NETWORK));
    const netName = new TextEncoder().encode(this.params.network);
    if (network && new TextDecoder().decode(network) !== this.params.network) {
      throw new Error(`data directory belongs to network "${new TextDecoder().decode(network)}", not "${this.params.network}"`);
    }
    const genesis = genesisBlock(this.params);
    const genesisEntry = makeEntry(genesis.header, null, workFromBits(genesis.header.bits), Status.haveData, blockCoinbase(genesis)!.stateRoot);

    const stored: { hash: Uint8Array; e: ReturnType<typeof decodeEntry> }[] = [];
    for await (const [k, v] of this.db.iterator({ gte: key(Prefix.entry), lt: key(Prefix.entry + 1) })) {
      stored.push({ hash: k.slice(1), e: decodeEntry(v) });
    }
    if (stored.length === 0) {
      await this.db.batch([
        { type: 'put', key: key(Prefix.meta, META_NETWORK), value: netName },
        { type: 'put', key: key(Prefix.entry, genesisEntry.hash), value: encodeEntry(genesisEntry) },
        { type: 'put', key: key(Prefix.block, genesisEntry.hash), value: encodeBlock(genesis) },
        { type: 'put', key: key(Prefix.height, u32be(0)), value: genesisEntry.hash },
        { type: 'put', key: key(Prefix.meta, META_TIP), value: genesisEntry.hash },
      ]);
      stored.push({ hash: genesisEntry.hash, e: decodeEntry(encodeEntry(genesisEntry)) });
      this.log.info(`new ${this.params.network} chain, genesis ${genesisEntry.id}`);
    }

    stored.sort((a, b) => a.e.height - b.e.height);
    for (const { hash, e } of stored) {
      const parent = e.height === 0 ? null : this.index.get(hashToHex(e.header.prevHash));
      if (e.height > 0 && !parent) throw new Error(`block index corrupt: parent of ${hashToHex(hash)} missing (try --reindex)`);
      const entry: ChainEntry = { hash, id: hashToHex(hash), header: e.header, height: e.height, chainWork: e.chainWork, status: e.status, stateRoot: e.stateRoot, parent: parent ?? null };
      this.index.set(entry.id, entry);
    }
    const g = this.index.get(genesisEntry.id);
    if (!g) throw new Error(`data directory has a different genesis block than ${this.params.network}`);

    if (reindex) {
      const oldTipHash = await this.db.get(key(Prefix.meta, META_TIP));
      await this.wipeState();
      this.main = [g];
      this.log.info('reindex: state and indexes cleared, reconnecting stored blocks');
      // Reconnect the previous tip first, so an equal-work side branch cannot win the tie.
      const oldTip = oldTipHash ? this.index.get(hashToHex(oldTipHash)) : undefined;
      if (oldTip && oldTip !== g) await this.activateBestChain(oldTip);
    } else {
      const tipHash = await this.db.get(key(Prefix.meta, META_TIP));
      const tip = tipHash ? this.index.get(hashToHex(tipHash)) : undefined;
      if (!tip) throw new Error('chain tip pointer missing or unknown (try --reindex)');
      const main: ChainEntry[] = [];
      for (let e: ChainEntry | null = tip; e; e = e.parent) main.push(e);
      this.main = main.reverse();
      await this.checkConsistency();
      await this.replayUnflushed();
    }
    // A stored block that cannot be connected for a local reason leaves the node on the chain it
    // has (the next block or restart retries); only a storage that cannot get back stops it.
    await this.activateBestChain(null);
    await this.settled().catch(() => undefined);
    if (this.halted) throw new Error(`chain halted at start-up: ${this.halted}`);
    this.log.info(`chain ready: height ${this.height}, tip ${this.tip.id}, ${this.index.size} blocks known`);
  }

  /**
   * After a crash the state tree of the last blocks was only in memory: they are disconnected
   * down to the last tree written and connected again (Core's ReplayBlocks).
   */
  private async replayUnflushed(): Promise<void> {
    const stopped = this.tip;
    const replay = await this.rewindToCompleteTree([]);
    if (replay.length === 0) return;
    this.log.info(`state tree stored at height ${this.tip.height}: connecting ${replay.length} block(s) again up to ${stopped.id}`);
    const { error, deferred } = await this.activateBestChain(stopped);
    if (this.tip !== stopped) this.log.warn(`replay stopped at height ${this.tip.height}${error ? `: ${error.message}` : deferred ? ' (local failure)' : ''}`);
  }

  /** The tip pointer, height index and state move in one batch; verify they agree. */
  private async checkConsistency(): Promise<void> {
    const tip = this.tip;
    const atTip = await this.db.get(key(Prefix.height, u32be(tip.height)));
    const above = await this.db.get(key(Prefix.height, u32be(tip.height + 1)));
    const undoOk = tip.height === 0 || (await this.db.get(key(Prefix.undo, tip.hash))) !== undefined;
    if (!atTip || hashToHex(atTip) !== tip.id || above || !undoOk) {
      throw new Error(`chain state inconsistent at height ${tip.height} (restart with --reindex to rebuild)`);
    }
    this.log.info(`consistency check passed: tip ${tip.id} at height ${tip.height}`);
  }

  private async wipeState(): Promise<void> {
    this.contractState.clear();
    this.accounts.clear();
    for (const prefix of [Prefix.account, Prefix.undo, Prefix.tx, Prefix.addressTx, Prefix.height,
      Prefix.contractCode, Prefix.contractStorage, Prefix.receipt, Prefix.contractEvent, Prefix.contractIndex]) {
      await this.db.clear({ gte: key(prefix), lt: key(prefix + 1) });
    }
    // A reindex judges every block again, signatures included: one that passed once is reconnected
    // without its signatures otherwise (connectChecked).
    for (const e of this.index.values()) {
      if (e.status & (Status.invalid | Status.valid)) {
        e.status &= ~(Status.invalid | Status.valid);
        await this.db.put(key(Prefix.entry, e.hash), encodeEntry(e));
      }
    }
    const g = this.main[0] ?? [...this.index.values()].find((e) => e.height === 0)!;
    await this.db.batch([
      { type: 'put', key: key(Prefix.height, u32be(0)), value: g.hash },
      { type: 'put', key: key(Prefix.meta, META_TIP), value: g.hash },
    ]);
  }
}

function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Whether an entry is `root` or descends from it, answered for a whole index in one pass:
 * each walk up stops at the first entry already judged, so every entry is visited about once
 * (a walk per entry from its own height would cost the index size times the chain's depth).
 */
function descendantsOf(root: ChainEntry, entries: Iterable<ChainEntry>): (e: ChainEntry) => boolean {
  const judged = new Map<ChainEntry, boolean>([[root, true]]);
  for (const e of entries) {
    const path: ChainEntry[] = [];
    let at: ChainEntry | null = e;
    let verdict = false;
    for (;;) {
      if (!at || at.height <= root.height) {
        verdict = at === root;
        break;
      }
      const known = judged.get(at);
      if (known !== undefined) {
        verdict = known;
        break;
      }
      path.push(at);
      at = at.parent;
    }
    for (const p of path) judged.set(p, verdict);
  }
  return (e) => judged.get(e) ?? false;
}

/**
 * Test fixture: a real regtest Chain + Mempool over a classic-level database
 * in a temp directory (no mocks), deterministic wallets, a template-based
 * miner and a hand-built block factory (Branch) for side branches, forks and
 * deliberately broken blocks with controllable timestamps and bits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COIN,
  RuleError,
  type RejectCode,
  NETWORKS,
  StateWorkspace,
  addressFromPublicKey,
  addressKey,
  applyTransfer,
  blockSubsidy,
  computeMerkleRoot,
  decodeCompact,
  hashMeetsTarget,
  headerHash,
  medianTimePast,
  TreeWriter,
  bytesToHex,
  commitState,
  nextWorkRequired,
  publicKeyFromPrivate,
  signTransfer,
  txSender,
  utf8ToBytes,
  type Account,
  type Block,
  type ContractExecutor,
  type BlockHeader,
  type CoinbaseTx,
  type ConsensusParams,
  type SignatureBackend,
  type TransferTx,
  type TrieNodeReader,
} from '@hackcoin/core';
import { Chain } from '../chain/chain.js';
import type { FlushPolicy } from '../chain/trie-store.js';
import { Mempool } from '../mempool/mempool.js';
import { createTemplate } from '../mining/template.js';
import { openDatabase, type Database } from '../store/db.js';
import { key } from '../store/keys.js';
import { createLogger, type Logger } from '../util/logger.js';
import { loadSignatureBackend } from '../crypto/native-backend.js';
import type { SerialQueue } from '../util/serial-queue.js';

export const REGTEST = NETWORKS.regtest;

/**
 * Regtest with retargeting switched on: every 10 blocks, 30 s spacing, the
 * regtest proof-of-work limit (≈2 hashes per block) and the regtest genesis.
 */
export const RETARGET_PARAMS: ConsensusParams = { ...NETWORKS.regtest, noRetargeting: false, targetSpacing: 30 };

export interface Wallet {
  name: string;
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  address: Uint8Array;
}

function makeWallet(name: string, fill: number): Wallet {
  const privateKey = new Uint8Array(32).fill(fill);
  const publicKey = publicKeyFromPrivate(privateKey);
  return { name, privateKey, publicKey, address: addressFromPublicKey(publicKey) };
}

/** Fixed keys, so failures reproduce. */
export const W = {
  minerA: makeWallet('minerA', 0x0a),
  minerB: makeWallet('minerB', 0x0b),
  alice: makeWallet('alice', 0x11),
  bob: makeWallet('bob', 0x22),
  carol: makeWallet('carol', 0x33),
  dave: makeWallet('dave', 0x44),
} as const;
export const ALL_WALLETS: readonly Wallet[] = Object.values(W);

export interface TxOptions {
  nonce?: bigint;
  fee?: bigint;
  chainId?: number;
  data?: Uint8Array;
}

export interface FixtureOptions {
  params?: ConsensusParams;
  maxTxs?: number;
  maxBytes?: number;
  maxReturnedBytes?: number;
  minFeeRate?: bigint;
  maxPendingPerSender?: number;
  /** Initial value of the chain's clock (seconds). Default: genesis time + 1,000,000, or now if later. */
  now?: number;
  /** Contract VM for the chain (default: the QuickJS engine). */
  executor?: ContractExecutor;
  /** When the chain writes its state tree (default: the node's). */
  stateFlush?: FlushPolicy;
  /** Bytes of the state-tree node cache (default: the node's); a tiny one makes every read show what memory and LevelDB hold. */
  trieCacheBytes?: number;
}

let extraCounter = 0;
function uniqueExtra(tag: string): Uint8Array {
  return utf8ToBytes(`${tag}:${++extraCounter}`);
}

export function quietLogger(): Logger {
  return createLogger('hackcoin:test', true);
}

export class ChainFixture {
  readonly dir: string;
  readonly params: ConsensusParams;
  readonly backend: SignatureBackend;
  readonly log = quietLogger();
  /** The chain's clock; tests move it by assigning clock.now. */
  readonly clock: { now: number };
  db!: Database;
  chain!: Chain;
  mempool!: Mempool;
  private closed = false;

  private constructor(private readonly opts: FixtureOptions) {
    this.params = opts.params ?? REGTEST;
    this.backend = loadSignatureBackend().backend;
    // Never behind the real clock: templates built without a time use Date.now(), which a fixed
    // clock would call "more than 2 h ahead" once the calendar passed it (it did, on 2026-11-30).
    this.clock = { now: opts.now ?? Math.max(this.params.genesis.time + 1_000_000, Math.floor(Date.now() / 1000)) };
    this.dir = mkdtempSync(join(tmpdir(), 'hackcoin-chain-test-'));
  }

  static async create(opts: FixtureOptions = {}): Promise<ChainFixture> {
    const fx = new ChainFixture(opts);
    await fx.open({});
    return fx;
  }

  private async open(o: { reindex?: boolean; loadMempool?: boolean }): Promise<void> {
    this.db = await openDatabase(this.dir);
    this.chain = await Chain.open({
      db: this.db,
      params: this.params,
      backend: this.backend,
      log: this.log,
      now: () => this.clock.now,
      reindex: o.reindex === true,
      ...(this.opts.executor ? { executor: this.opts.executor } : {}),
      ...(this.opts.stateFlush ? { stateFlush: this.opts.stateFlush } : {}),
      ...(this.opts.trieCacheBytes !== undefined ? { trieCacheBytes: this.opts.trieCacheBytes } : {}),
    });
    this.mempool = this.newMempool();
    if (o.loadMempool !== false) await this.mempool.load();
  }

  newMempool(): Mempool {
    return new Mempool({
      chain: this.chain,
      db: this.db,
      params: this.params,
      backend: this.backend,
      log: this.log,
      maxTxs: this.opts.maxTxs ?? 1_000,
      maxBytes: this.opts.maxBytes,
      maxReturnedBytes: this.opts.maxReturnedBytes,
      minFeeRate: this.opts.minFeeRate ?? 1n,
      maxPendingPerSender: this.opts.maxPendingPerSender,
      now: () => this.clock.now,
    });
  }

  /**
   * Closes the chain and its database and opens them again with a fresh Chain (and Mempool
   * unless loadMempool is false, then call mempool.load()). `crash`: without closing the chain,
   * so what it held in memory (the state tree since its last flush) is lost, as in a SIGKILL.
   */
  async reopen(o: { reindex?: boolean; loadMempool?: boolean; crash?: boolean } = {}): Promise<void> {
    await this.settle();
    if (!o.crash) await this.chain.close();
    await this.db.close();
    await this.open(o);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.settle();
    } finally {
      await this.db.close();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Waits until every queued mempool task (block removals, post-tip re-checks) has run and the chain's writes have landed. */
  async settle(): Promise<void> {
    const queue = (this.mempool as unknown as { queue: SerialQueue }).queue;
    await queue.run(async () => undefined);
    await this.chain.settled().catch(() => undefined);
  }

  /** A signed transfer (nonce 0 and fee 1,000 unless given). */
  tx(from: Wallet, to: Wallet | Uint8Array, amount: bigint, o: TxOptions = {}): TransferTx {
    return signTransfer(
      {
        kind: 'transfer',
        chainId: o.chainId ?? this.params.chainId,
        nonce: o.nonce ?? 0n,
        fee: o.fee ?? 1_000n,
        to: to instanceof Uint8Array ? to : to.address,
        amount,
        data: o.data ?? new Uint8Array(0),
      },
      from.privateKey,
    );
  }

  /**
   * Mines `count` blocks on the tip with createTemplate (mempool transactions
   * included) and a nonce loop. Block times default to parent time + 1.
   */
  /** A contract call to bob, where no contract lives: it fails at once and pays its intrinsic gas. */
  callToNoContract(from: Wallet, nonce: bigint, gasLimit: number, gasPrice: bigint, args: unknown[] = []): TransferTx {
    const data = utf8ToBytes(JSON.stringify({ type: 'call', fn: 'f', args, gasLimit, gasPrice: gasPrice.toString() }));
    return signTransfer({ kind: 'transfer', chainId: this.params.chainId, nonce, fee: BigInt(gasLimit) * gasPrice, to: W.bob.address, amount: 0n, data }, from.privateKey);
  }

  /** The rule the mempool refuses `tx` under, or null when it admits it; anything but a RuleError fails the test. */
  async refusal(tx: TransferTx): Promise<RejectCode | null> {
    const err = await this.mempool.add(tx).then(
      () => null,
      (e: unknown) => e,
    );
    if (err === null) return null;
    if (!(err instanceof RuleError)) throw err;
    return err.code;
  }

  /** Mines two blocks, then pays alice, bob, carol and dave 20 HCK each from minerA (their nonces stay 0). */
  async fundWallets(): Promise<void> {
    await this.mine(2);
    const block = (await this.branch()).next({
      miner: W.minerA,
      txs: [W.alice, W.bob, W.carol, W.dave].map((w, i) => this.tx(W.minerA, w, 20n * COIN, { nonce: BigInt(i) })),
    });
    const { status } = await this.chain.processBlock(block);
    if (status !== 'connected') throw new Error(`funding block was ${status}`);
    await this.settle();
  }

  async mine(count = 1, o: { miner?: Wallet; time?: number } = {}): Promise<Block[]> {
    const blocks: Block[] = [];
    for (let i = 0; i < count; i++) {
      const tip = this.chain.tip;
      const t = await createTemplate(
        this.chain,
        this.mempool,
        (o.miner ?? W.minerA).address,
        uniqueExtra('mine'),
        o.time ?? tip.header.time + 1,
      );
      const header = { ...t.header };
      while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
      const block: Block = { header, txs: t.txs };
      const res = await this.chain.processBlock(block);
      if (res.status !== 'connected') throw new Error(`mined block was not connected: ${res.status}`);
      await this.settle();
      blocks.push(block);
    }
    return blocks;
  }

  async account(w: Wallet | Uint8Array): Promise<Account> {
    return this.chain.getAccount(w instanceof Uint8Array ? w : w.address);
  }

  async balance(w: Wallet | Uint8Array): Promise<bigint> {
    return (await this.account(w)).balance;
  }

  /** Every wallet's account, read synchronously as the chain holds it (usable inside chain event listeners). */
  accountsSync(): Record<string, Account> {
    const out: Record<string, Account> = {};
    for (const w of ALL_WALLETS) out[w.name] = this.chain.getAccountSync(w.address);
    return out;
  }

  async accounts(): Promise<Record<string, Account>> {
    const out: Record<string, Account> = {};
    for (const w of ALL_WALLETS) out[w.name] = await this.account(w);
    return out;
  }

  /** All key/value pairs under a store prefix, hex-encoded, for exact comparisons. */
  async dump(prefix: number): Promise<[string, string][]> {
    await this.chain.settled();
    const out: [string, string][] = [];
    for await (const [k, v] of this.db.iterator({ gte: key(prefix), lt: key(prefix + 1) })) {
      out.push([Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex')]);
    }
    return out;
  }

  /**
   * A hand-built block factory starting at the current tip (state snapshot of all fixture
   * wallets). It reads the fork's state tree when it builds each block: build a branch's blocks
   * before the chain moves on by more than a flush interval, or the fork's tree may be gone.
   */
  async branch(): Promise<Branch> {
    const tip = this.chain.tip;
    const headers: BlockHeader[] = [];
    const hashes: Uint8Array[] = [];
    for (let h = 0; h <= tip.height; h++) {
      const e = this.chain.getEntryByHeight(h)!;
      headers.push(e.header);
      hashes.push(e.hash);
    }
    const keys = ALL_WALLETS.map((w) => addressKey(w.address));
    const accounts = await this.chain.getAccounts(keys);
    return new Branch(this.params, this.backend, headers, hashes, tip.stateRoot, accounts, new FixtureNodes(this.chain.stateNodes));
  }
}

/** The fixtures a test file opened, so that one afterEach hook closes them all. */
export class OpenFixtures {
  private readonly open: ChainFixture[] = [];

  async create(opts: FixtureOptions = {}): Promise<ChainFixture> {
    const fx = await ChainFixture.create(opts);
    this.open.push(fx);
    return fx;
  }

  async closeAll(): Promise<void> {
    for (const fx of this.open.splice(0)) await fx.close();
  }
}

/** The chain's state-tree nodes plus those a fixture's hand-built blocks created (shared by clones: nodes are content-addressed). */
class FixtureNodes implements TrieNodeReader {
  readonly own = new Map<string, Uint8Array>();
  constructor(private readonly base: TrieNodeReader) {}
  node(hash: Uint8Array): Uint8Array | undefined {
    return this.own.get(bytesToHex(hash)) ?? this.base.node(hash);
  }
}

export interface BlockSpec {
  /** Transfers, included exactly as given (no filtering). */
  txs?: TransferTx[];
  miner?: Wallet;
  time?: number;
  bits?: number;
  coinbaseAmount?: bigint;
  coinbaseHeight?: number;
  stateRoot?: Uint8Array;
  merkleRoot?: Uint8Array;
  extra?: Uint8Array;
  /** 'fail' picks a nonce whose hash is above the target. */
  pow?: 'ok' | 'fail';
}

/**
 * Builds blocks by hand on top of a given chain of headers, tracking the
 * account state of the fixture wallets so valid blocks carry the right state
 * root. next() always advances, so children of deliberately broken blocks can
 * be built; clone() forks the builder.
 */
export class Branch {
  constructor(
    readonly params: ConsensusParams,
    private readonly backend: SignatureBackend,
    readonly headers: BlockHeader[],
    readonly hashes: Uint8Array[],
    public stateRoot: Uint8Array,
    public accounts: Map<string, Account>,
    private readonly nodes: FixtureNodes,
  ) {}

  get height(): number {
    return this.headers.length - 1;
  }

  get tipHeader(): BlockHeader {
    return this.headers[this.height]!;
  }

  clone(): Branch {
    const accounts = new Map<string, Account>();
    for (const [k, a] of this.accounts) accounts.set(k, { ...a });
    return new Branch(this.params, this.backend, [...this.headers], [...this.hashes], this.stateRoot, accounts, this.nodes);
  }

  account(w: Wallet): Account {
    return this.accounts.get(addressKey(w.address)) ?? { balance: 0n, nonce: 0n };
  }

  medianTimePast(): number {
    return medianTimePast(this.headers.slice(-this.params.medianTimeSpan).map((h) => h.time));
  }

  expectedBits(): number {
    const height = this.height + 1;
    return nextWorkRequired(
      { height, prevBits: this.tipHeader.bits, timeAt: (h) => this.headers[h]!.time },
      this.params,
    );
  }

  next(spec: BlockSpec = {}): Block {
    const height = this.height + 1;
    const txs = spec.txs ?? [];
    const miner = (spec.miner ?? W.minerB).address;
    const bits = spec.bits ?? this.expectedBits();
    const time = spec.time ?? Math.max(this.tipHeader.time + 1, this.medianTimePast() + 1);

    const ws = new StateWorkspace((k) => this.accounts.get(k));
    let fees = 0n;
    for (const tx of txs) {
      try {
        applyTransfer(tx, ws.get(txSender(tx, this.backend)), ws.get(tx.to));
        fees += tx.fee;
      } catch {
        // deliberately invalid transaction: the block will be rejected anyway
      }
    }
    const amount = spec.coinbaseAmount ?? blockSubsidy(height, this.params) + fees;
    ws.get(miner).balance += amount;
    const writer = new TreeWriter(this.nodes);
    const trueRoot = commitState(writer, this.stateRoot, ws.changes());
    for (const [k, rec] of writer.created) this.nodes.own.set(k, rec);
    const coinbase: CoinbaseTx = {
      kind: 'coinbase',
      chainId: this.params.chainId,
      height: spec.coinbaseHeight ?? height,
      to: miner,
      amount,
      stateRoot: spec.stateRoot ?? trueRoot,
      extra: spec.extra ?? uniqueExtra('branch'),
    };
    const all = [coinbase, ...txs];
    const header: BlockHeader = {
      version: this.params.blockVersion,
      prevHash: this.hashes[this.height]!,
      merkleRoot: spec.merkleRoot ?? computeMerkleRoot(all),
      time,
      bits,
      nonce: 0,
    };
    const target = decodeCompact(bits).target;
    const want = spec.pow !== 'fail';
    while (hashMeetsTarget(headerHash(header), target) !== want) header.nonce++;

    this.headers.push(header);
    this.hashes.push(headerHash(header));
    // Children of a block with a forged root build on the state it should have had.
    this.stateRoot = trueRoot;
    const accounts = new Map<string, Account>();
    for (const [k, a] of this.accounts) accounts.set(k, { ...a });
    for (const [k, c] of ws.changes()) accounts.set(k, { ...c.account });
    this.accounts = accounts;
    return { header, txs: all };
  }
}

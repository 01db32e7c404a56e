import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONTRACT_EXAMPLES,
  RuleError,
  ZERO_ADDRESS,
  addressKey,
  contractAddress,
  encodeBlock,
  encodeTx,
  formatAddress,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  intrinsicGas,
  signTransfer,
  txHash,
  utf8ToBytes,
  type Block,
  type TransferTx,
} from '@hackcoin/core';
import { ChainFixture, RETARGET_PARAMS, REGTEST, W, type FixtureOptions, type Wallet } from '../test-support/chain-fixture.js';
import { decodeTxOrReject } from '../test-support/fuzz.js';
import { createTemplate, retimeTemplate, stillCurrent, type BlockTemplate } from './template.js';

/**
 * Differential property: whatever sequence of transactions the mempool admits through its real
 * path (API and relay both call Mempool.add on decoded bytes), the block the miner builds from
 * its template is accepted by the same chain and by a second, fresh chain fed the same blocks,
 * and after every block or reorg the mempool holds only what the new tip allows. A transaction
 * the mempool accepts that makes the template invalid stops mining on every node.
 *
 * HACKCOIN_TEMPLATE_RUNS sets the number of cases (a fresh random seed unless
 * HACKCOIN_FUZZ_SEED is given); HACKCOIN_TEMPLATE_STATS names a file for the counts exercised.
 */
const RUNS = Number(process.env.HACKCOIN_TEMPLATE_RUNS) || 0;
const SEED = process.env.HACKCOIN_FUZZ_SEED !== undefined ? Number(process.env.HACKCOIN_FUZZ_SEED) : RUNS > 0 ? undefined : 0x7e3a;
/** With HACKCOIN_FUZZ_SEED, replays the counterexample fast-check printed for that seed. */
const PATH = process.env.HACKCOIN_FUZZ_PATH;

const SENDERS: readonly Wallet[] = [W.alice, W.bob, W.carol, W.dave, W.minerB];
const RECIPIENTS: readonly Wallet[] = [...SENDERS, W.minerA];
const MINERS: readonly Wallet[] = [W.minerA, W.minerB];
const MAX_PENDING = 10;
/** A 'few' pool's bound; a 'small' one holds about two 64 KB payloads. */
const FEW_TXS = 12;
const SMALL_BYTES = 150_000;

/** Contracts beside the examples: one that never stops, one that always reverts, one that pays out its whole balance. */
const TOYS = `export function init() { storage.set('n', 0); }
export function spin() { while (true) {} }
export function boom() { require(false, 'boom'); }
export function pay(to) { transfer(to, balance()); return balance(); }
export function bump() { storage.set('n', storage.get('n') + 1); }
`;
type Example = keyof typeof CONTRACT_EXAMPLES | 'toys';
const EXAMPLES: readonly Example[] = ['token', 'voting', 'auction', 'multisig', 'toys'];

type NonceMode = 'next' | 'gap' | 'dup' | 'low' | 'confirmed';
type AmountMode = { k: 'small' } | { k: 'zero' } | { k: 'near'; delta: number } | { k: 'huge' };
type FeeMode = 'min-1' | 'min' | 'min+1' | 'normal' | 'high';
type GasMode = 'enough' | 'tight' | 'below-intrinsic' | 'huge' | 'over-max';

type Action =
  | { t: 'transfer'; from: number; to: number; nonce: NonceMode; amount: AmountMode; fee: FeeMode }
  | { t: 'replace'; from: number; pick: number; fee: 'bump' | 'bump-1' | 'lower' | 'double'; amount: AmountMode }
  | { t: 'deploy'; from: number; example: Example; gas: GasMode; price: bigint; value: AmountMode; nonce: NonceMode }
  | { t: 'call'; from: number; target: number; fn: number; arg: number; gas: GasMode; price: bigint; value: AmountMode; nonce: NonceMode }
  | { t: 'big'; from: number; count: number; kb: number; deploy: boolean; huge: boolean }
  | { t: 'flood'; count: number; kb: number }
  | { t: 'mine'; miner: number; how: 'fresh' | 'retimed' | 'stale'; step: number }
  | { t: 'reorg'; conflict: boolean }
  | { t: 'restart' };

/** Per case: retargeting on or off, and a mempool roomy or small enough to evict and raise its floor. */
interface Setup {
  retarget: boolean;
  pool: 'roomy' | 'few' | 'small';
}
const setup: fc.Arbitrary<Setup> = fc.record({ retarget: fc.boolean(), pool: fc.constantFrom('roomy' as const, 'roomy' as const, 'few' as const, 'small' as const) });

const nonceMode = fc.oneof(
  { weight: 10, arbitrary: fc.constant<NonceMode>('next') },
  fc.constantFrom<NonceMode>('gap', 'dup', 'low', 'confirmed'),
);
const amountMode: fc.Arbitrary<AmountMode> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<AmountMode>({ k: 'small' }) },
  { weight: 2, arbitrary: fc.constant<AmountMode>({ k: 'zero' }) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 2 }).map((delta): AmountMode => ({ k: 'near', delta })) },
  { weight: 1, arbitrary: fc.constant<AmountMode>({ k: 'huge' }) },
);
const feeMode = fc.oneof({ weight: 4, arbitrary: fc.constant<FeeMode>('normal') }, fc.constantFrom<FeeMode>('min-1', 'min', 'min+1', 'high'));
const gasMode = fc.oneof(
  { weight: 5, arbitrary: fc.constant<GasMode>('enough') },
  { weight: 2, arbitrary: fc.constant<GasMode>('tight') },
  fc.constantFrom<GasMode>('below-intrinsic', 'huge', 'over-max'),
);
const gasPrice = fc.oneof({ weight: 6, arbitrary: fc.constant(1n) }, fc.constantFrom(0n, 2n, 7n));
// Alice sends most, so her runs reach the per-sender bound and her balance runs low.
const sender = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, fc.nat({ max: SENDERS.length - 1 }));

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('transfer' as const), from: sender, to: fc.nat({ max: RECIPIENTS.length + 1 }), nonce: nonceMode, amount: amountMode, fee: feeMode }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('replace' as const), from: sender, pick: fc.nat({ max: 7 }), fee: fc.constantFrom('bump' as const, 'bump-1' as const, 'lower' as const, 'double' as const), amount: amountMode }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('deploy' as const), from: sender, example: fc.constantFrom(...EXAMPLES), gas: gasMode, price: gasPrice, value: amountMode, nonce: nonceMode }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('call' as const), from: sender, target: fc.nat({ max: 15 }), fn: fc.nat({ max: 63 }), arg: fc.nat({ max: 7 }), gas: gasMode, price: gasPrice, value: amountMode, nonce: nonceMode }) },
  // Up to 10 payloads of up to 66 KB from one sender: with several senders, templates reach the block's byte and gas limits.
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('big' as const),
      from: sender,
      count: fc.integer({ min: 1, max: 10 }),
      kb: fc.oneof(fc.integer({ min: 1, max: 66 }), fc.constantFrom(62, 63, 64)),
      deploy: fc.boolean().chain((d) => (d ? fc.boolean() : fc.constant(false))),
      huge: fc.boolean().chain((h) => (h ? fc.boolean() : fc.constant(false))),
    }),
  },
  // Every sender at once: more 64 KB calls than one block's bytes hold.
  { weight: 1, arbitrary: fc.record({ t: fc.constant('flood' as const), count: fc.integer({ min: 5, max: 10 }), kb: fc.constantFrom(60, 63, 64) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('mine' as const), miner: fc.nat({ max: 1 }), how: fc.constantFrom('fresh' as const, 'retimed' as const, 'stale' as const), step: fc.constantFrom(0, 1, 1, 30, 30, 45, 600, 3_000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reorg' as const), conflict: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'restart' as const }) },
);

/** Counts over all cases, for the assertions on coverage and the optional stats file. */
class Stats {
  readonly n = new Map<string, number>();
  add(k: string, by = 1): void {
    this.n.set(k, (this.n.get(k) ?? 0) + by);
  }
  get(k: string): number {
    return this.n.get(k) ?? 0;
  }
  max(k: string, v: number): void {
    this.n.set(k, Math.max(this.get(k), v));
  }
}

const id = (tx: TransferTx): string => hashToHex(txHash(tx));
const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

/** One case: a chain under test (a), a fresh follower (b) that builds competing blocks, and the contracts deployed so far. */
class Scenario {
  readonly contracts: Uint8Array[] = [];
  private extra = 0;
  /** The miners' clock: blocks come at the pace the case chooses, as a real miner's clock would stamp them. */
  private now = Math.floor(Date.now() / 1000);

  constructor(
    readonly a: ChainFixture,
    readonly b: ChainFixture,
    readonly stats: Stats,
    private readonly pool: Setup['pool'],
  ) {}

  static async create(stats: Stats, c: Setup): Promise<Scenario> {
    const params = c.retarget ? RETARGET_PARAMS : REGTEST;
    const pool: FixtureOptions = c.pool === 'few' ? { maxTxs: FEW_TXS } : c.pool === 'small' ? { maxBytes: SMALL_BYTES } : {};
    const a = await ChainFixture.create({ params, maxPendingPerSender: MAX_PENDING, ...pool });
    fixtures.push(a);
    const b = await ChainFixture.create({ params, maxPendingPerSender: MAX_PENDING });
    fixtures.push(b);
    await a.fundWallets();
    const s = new Scenario(a, b, stats, c.pool);
    s.now = Math.max(s.now, a.chain.tip.header.time);
    await s.syncFollower(a.chain.height);
    return s;
  }

  private tick(step: number): number {
    this.now += step;
    this.a.clock.now = this.now;
    this.b.clock.now = this.now;
    return this.now;
  }

  /** Payloads of `kb` KB: calls with a long argument list (reverts past 4,096 elements or so), or deploys padded with a comment. */
  async big(act: Extract<Action, { t: 'big' }>): Promise<void> {
    const from = SENDERS[act.from]!;
    const bytes = act.kb * 1_024;
    for (let i = 0; i < act.count; i++) {
      const nonce = await this.nonceFor(from, 'next');
      const body = act.deploy
        ? { type: 'deploy', code: `${TOYS}// ${'x'.repeat(Math.max(0, Math.min(bytes, 50_000) - TOYS.length - 3))}`, init: [] }
        : { type: 'call', fn: 'bump', args: new Array<number>(Math.floor(bytes / 2)).fill(1) };
      const to = act.deploy ? ZERO_ADDRESS : (this.contracts[i % Math.max(1, this.contracts.length)] ?? W.bob.address);
      const tx = this.contractTx(from, to, nonce, body, act.huge ? 'huge' : 'enough', 1n, { k: 'zero' });
      const rule = await this.submit(tx, act.deploy ? 'big-deploy' : 'big-call');
      if (rule === null && act.deploy) this.contracts.push(contractAddress(from.address, nonce));
      if (rule !== null) return;
    }
  }

  /** Closes and reopens the chain under test: the mempool is reloaded from disk under the same rules. */
  async restart(): Promise<void> {
    await this.a.reopen();
    this.stats.add('restarts');
  }

  private nextExtra(): Uint8Array {
    return utf8ToBytes(`prop:${++this.extra}`);
  }

  /** Submits through the real admission path (decoded bytes into Mempool.add); only a RuleError may refuse. */
  async submit(tx: TransferTx, kind: string): Promise<string | null> {
    try {
      await this.a.mempool.add(decodeTxOrReject(encodeTx(tx)) as TransferTx);
      this.stats.add(`admitted:${kind}`);
      return null;
    } catch (e) {
      if (!(e instanceof RuleError)) throw new Error(`mempool threw ${String(e)} (not a RuleError) for a ${kind}`, { cause: e });
      this.stats.add(`rule:${e.code}`);
      return e.code;
    }
  }

  private async nonceFor(w: Wallet, mode: NonceMode): Promise<bigint> {
    const view = this.a.mempool.accountView(w.address);
    const pending = view.sends;
    switch (mode) {
      case 'next':
        return view.nextNonce;
      case 'gap':
        return view.nextNonce + 1n;
      case 'dup':
        return pending[0]?.tx.nonce ?? view.nextNonce;
      case 'low':
        return view.account.nonce > 0n ? view.account.nonce - 1n : 0n;
      case 'confirmed':
        return view.account.nonce;
    }
  }

  /** What `w` can still spend at `nonce` after its pending transactions below it and `fee`. */
  private spendable(w: Wallet, nonce: bigint, fee: bigint): bigint {
    const view = this.a.mempool.accountView(w.address);
    let left = view.account.balance - fee;
    for (const e of view.sends) if (e.tx.nonce < nonce) left -= e.tx.amount + e.tx.fee;
    return left;
  }

  private amountOf(mode: AmountMode, w: Wallet, nonce: bigint, fee: bigint): bigint {
    const left = this.spendable(w, nonce, fee);
    switch (mode.k) {
      case 'small':
        return 1_000n + (left > 0n ? left / 50n : 0n);
      case 'zero':
        return 0n;
      case 'near': {
        const v = left + BigInt(mode.delta);
        return v < 0n ? 0n : v;
      }
      case 'huge':
        return (1n << 64n) - 1n;
    }
  }

  private recipient(i: number): Uint8Array {
    if (i < RECIPIENTS.length) return RECIPIENTS[i]!.address;
    return this.contracts.length > 0 ? this.contracts[i % this.contracts.length]! : W.minerA.address;
  }

  /** A transfer whose fee is `mode` relative to the minimum relay fee of its own size. */
  async transfer(act: Extract<Action, { t: 'transfer' }>): Promise<void> {
    const from = SENDERS[act.from]!;
    const nonce = await this.nonceFor(from, act.nonce);
    const to = act.to === RECIPIENTS.length + 1 ? from.address : this.recipient(act.to);
    const offset = { 'min-1': -1n, min: 0n, 'min+1': 1n, normal: 0n, high: 0n }[act.fee];
    let fee = act.fee === 'high' ? 250_000n : 1_000n;
    let tx = this.a.tx(from, to, this.amountOf(act.amount, from, nonce, fee), { nonce, fee });
    // Fees relative to the minimum relay fee of the transaction's own size (which the fee's encoding may change).
    for (let i = 0; i < 4 && act.fee !== 'normal' && act.fee !== 'high'; i++) {
      fee = BigInt(encodeTx(tx).length) + offset;
      tx = this.a.tx(from, to, this.amountOf(act.amount, from, nonce, fee), { nonce, fee });
    }
    await this.submit(tx, 'transfer');
  }

  async replace(act: Extract<Action, { t: 'replace' }>): Promise<void> {
    const from = SENDERS[act.from]!;
    const own = this.a.mempool.pendingFor(from.address).filter((e) => addressKey(e.sender) === addressKey(from.address));
    const old = own[act.pick % Math.max(1, own.length)];
    if (!old || old.tx.data.length > 0) return;
    const bump = old.fee / 10n > BigInt(old.size) ? old.fee / 10n : BigInt(old.size);
    const fee = { bump: old.fee + bump, 'bump-1': old.fee + bump - 1n, lower: old.fee - 1n, double: old.fee * 2n }[act.fee];
    const amount = act.amount.k === 'small' ? old.tx.amount : this.amountOf(act.amount, from, old.tx.nonce, fee);
    await this.submit(this.a.tx(from, old.tx.to, amount, { nonce: old.tx.nonce, fee }), 'replacement');
  }

  /** A deploy or call payload signed with gas `mode` relative to its intrinsic gas. */
  private contractTx(from: Wallet, to: Uint8Array, nonce: bigint, body: Record<string, unknown>, mode: GasMode, price: bigint, value: AmountMode): TransferTx {
    const { params } = this.a;
    const type = body.type as 'deploy' | 'call';
    const code = typeof body.code === 'string' ? body.code : '';
    let gasLimit = 100_000;
    let data = new Uint8Array(0);
    for (let i = 0; i < 4; i++) {
      data = utf8ToBytes(JSON.stringify({ ...body, gasLimit, gasPrice: price.toString() }));
      const intrinsic = intrinsicGas({ data }, params, type === 'deploy' ? { type, code } : { type });
      gasLimit = {
        enough: intrinsic + 3_000_000,
        tight: intrinsic + 50,
        'below-intrinsic': intrinsic - 1,
        huge: params.maxTxGas,
        'over-max': params.maxTxGas + 1,
      }[mode];
    }
    data = utf8ToBytes(JSON.stringify({ ...body, gasLimit, gasPrice: price.toString() }));
    const fee = BigInt(gasLimit) * price;
    const amount = this.amountOf(value, from, nonce, fee);
    return signTransfer({ kind: 'transfer', chainId: params.chainId, nonce, fee, to, amount, data }, from.privateKey);
  }

  async deploy(act: Extract<Action, { t: 'deploy' }>): Promise<void> {
    const from = SENDERS[act.from]!;
    const nonce = await this.nonceFor(from, act.nonce);
    const h = this.a.chain.height;
    const init: Record<Example, unknown[]> = {
      token: ['Tok', 'TK', 0, 1_000_000],
      voting: [['x', 'y', 'z'], h + 3],
      auction: [formatAddress(from.address), h + 4],
      multisig: [[W.alice, W.bob, W.carol].map((w) => formatAddress(w.address)), 1],
      toys: [],
    };
    const code = act.example === 'toys' ? TOYS : CONTRACT_EXAMPLES[act.example];
    const tx = this.contractTx(from, ZERO_ADDRESS, nonce, { type: 'deploy', code, init: init[act.example] }, act.gas, act.price, act.value);
    const address = contractAddress(from.address, nonce);
    if ((await this.submit(tx, 'deploy')) === null && !this.contracts.some((c) => addressKey(c) === addressKey(address))) this.contracts.push(address);
  }

  async call(act: Extract<Action, { t: 'call' }>): Promise<void> {
    const from = SENDERS[act.from]!;
    const nonce = await this.nonceFor(from, act.nonce);
    const target = this.contracts.length > 0 ? this.contracts[act.target % this.contracts.length]! : W.bob.address;
    const someone = formatAddress(RECIPIENTS[act.arg % RECIPIENTS.length]!.address);
    const calls: [string, unknown[]][] = [
      ['transfer', [someone, act.arg * 10]],
      ['approve', [someone, 100]],
      ['transferFrom', [formatAddress(from.address), someone, act.arg]],
      ['vote', [act.arg % 4]],
      ['bid', []],
      ['withdraw', []],
      ['claim', []],
      ['deposit', []],
      ['submit', [someone, 1_000 * act.arg]],
      ['confirm', [act.arg % 3]],
      ['execute', [act.arg % 3]],
      ['spin', []],
      ['boom', []],
      ['pay', [someone]],
      ['bump', []],
      ['nope', [act.arg]],
    ];
    const [fn, args] = calls[act.fn % calls.length]!;
    await this.submit(this.contractTx(from, target, nonce, { type: 'call', fn, args }, act.gas, act.price, act.value), 'call');
  }

  /** Builds the template as the miner does, mines its nonce and processes it; the chain must connect it. */
  async mine(act: Extract<Action, { t: 'mine' }>, late?: () => Promise<void>): Promise<void> {
    const { a } = this;
    const now = this.tick(act.step);
    const miner = MINERS[act.miner]!.address;
    let t: BlockTemplate = await createTemplate(a.chain, a.mempool, miner, this.nextExtra(), now);
    if (act.how === 'retimed' && stillCurrent(t, a.chain, a.mempool)) t = retimeTemplate(t, a.chain, this.nextExtra(), t.header.time + 1);
    // Mining threads keep the old work while transactions arrive: the stale template must still be valid.
    if (act.how === 'stale' && late) await late();
    const block = solve(t);
    const outcome = await a.chain.processBlock(block).then(
      (r) => r.status,
      (e: unknown) => (e instanceof RuleError ? `refused: ${e.code} ${e.message}` : `threw: ${String(e)}`),
    );
    const summary = t.txs.slice(1).map((tx) => describeTx(tx as TransferTx));
    expect(outcome, `block from the template at height ${t.height} with ${summary.length} tx(s): ${summary.join('; ')}`).toBe('connected');
    await a.settle();
    this.stats.add('blocks');
    this.stats.add('template-txs', t.txs.length - 1);
    const size = encodeBlock(block).length;
    if (size > 1_000_000) this.stats.add('blocks-over-1MB');
    this.stats.max('max-block-bytes', size);
    for (const tx of t.txs.slice(1) as TransferTx[]) {
      expect(a.mempool.get(id(tx)), 'a mined transaction stays in the mempool').toBeUndefined();
      if (tx.data.length > 0) {
        const receipt = await a.chain.contracts.receipt(txHash(tx));
        this.stats.add(`receipt:${receipt?.status ?? 'none'}`);
      }
    }
  }

  /** Feeds the follower the chain under test's main-chain blocks up to `height`. */
  async syncFollower(height: number): Promise<void> {
    const { a, b } = this;
    const mine = b.chain.tip;
    expect(a.chain.getEntryByHeight(mine.height)?.id, 'the follower is on the main chain').toBe(mine.id);
    for (let h = mine.height + 1; h <= height; h++) {
      const block = (await a.chain.getBlock(a.chain.getEntryByHeight(h)!))!;
      const r = await b.chain.processBlock(block).then(
        (x) => x.status,
        (e: unknown) => (e instanceof RuleError ? `refused: ${e.code}` : `threw: ${String(e)}`),
      );
      expect(r, `the follower's verdict on block ${h}`).toBe('connected');
    }
    await b.settle();
  }

  /**
   * The tip is replaced by a two-block branch the follower mines from its own mempool, which may
   * double-spend a transfer of the old tip. Every transfer of the old tip must then be in the new
   * chain, back in the mempool, or refused by it under a rule: none may be lost.
   */
  async reorg(act: Extract<Action, { t: 'reorg' }>): Promise<void> {
    const { a, b } = this;
    if (a.chain.height < 5) return;
    const oldTip = a.chain.tip;
    await this.syncFollower(oldTip.height - 1);
    const old = (await a.chain.getBlock(oldTip))!.txs.slice(1) as TransferTx[];
    const oldBytes = old.reduce((n, tx) => n + encodeTx(tx).length, 0);
    const poolFull = this.pool === 'few' ? a.mempool.size + old.length > FEW_TXS : this.pool === 'small' && a.mempool.bytes + oldBytes > SMALL_BYTES;
    if (act.conflict && old.length > 0) {
      const first = old[0]!;
      const from = SENDERS.find((w) => addressKey(w.address) === addressKey(senderOf(first)));
      if (from) {
        const rival = b.tx(from, W.minerA, 1n, { nonce: first.nonce, fee: 2_000n });
        await b.mempool.add(rival).then(
          () => this.stats.add('double-spends'),
          (e: unknown) => {
            if (!(e instanceof RuleError)) throw e;
          },
        );
      }
    }
    const branch: Block[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await createTemplate(b.chain, b.mempool, W.minerB.address, this.nextExtra(), this.tick(30));
      const block = solve(t);
      expect((await b.chain.processBlock(block)).status).toBe('connected');
      await b.settle();
      branch.push(block);
    }
    for (const block of branch) {
      const r = await a.chain.processBlock(block).then(
        (x) => x.status,
        (e: unknown) => (e instanceof RuleError ? `refused: ${e.code}` : `threw: ${String(e)}`),
      );
      expect(['side', 'connected']).toContain(r);
    }
    await a.settle();
    expect(a.chain.tip.id).toBe(b.chain.tip.id);
    this.stats.add('reorgs');
    for (const tx of old) {
      if (await a.chain.getTxLocation(txHash(tx))) continue;
      if (a.mempool.get(id(tx))) {
        this.stats.add('returned-to-mempool');
        continue;
      }
      const rule = await this.submit(tx, 'lost-check');
      // As in Core, a returned transaction competes for room in a full pool on its fee rate (with its sender's later nonces).
      if (rule === null && poolFull) {
        this.stats.add('lost-in-full-pool');
        continue;
      }
      expect(rule, `transaction ${describeTx(tx)} of a disconnected block was dropped but the mempool admits it`).not.toBeNull();
      this.stats.add('returned-invalid');
    }
  }

  /** Every pending run starts at its sender's confirmed nonce, has no gap and is covered by the confirmed balance. */
  async checkMempool(): Promise<void> {
    const { a } = this;
    await a.settle();
    const runs = new Map<string, TransferTx[]>();
    for (const e of a.mempool.entries()) runs.set(e.senderKey, [...(runs.get(e.senderKey) ?? []), e.tx]);
    for (const [k, txs] of runs) {
      const entry = a.mempool.entries().find((e) => e.senderKey === k)!;
      const account = await a.chain.getAccount(entry.sender);
      txs.sort((x, y) => (x.nonce < y.nonce ? -1 : 1));
      let cost = 0n;
      txs.forEach((tx, i) => {
        expect(tx.nonce, `pending nonce ${i} of ${k}`).toBe(account.nonce + BigInt(i));
        cost += tx.amount + tx.fee;
      });
      expect(cost <= account.balance, `pending of ${k} cost ${cost}, balance ${account.balance}`).toBe(true);
    }
  }

  /** Every admitted transaction is mined within a few blocks: none sits in the mempool forever. */
  async drain(): Promise<void> {
    for (let i = 0; i < 40 && this.a.mempool.size > 0; i++) await this.mine({ t: 'mine', miner: 0, how: 'fresh', step: 30 });
    const left = this.a.mempool.entries().map((e) => describeTx(e.tx));
    expect(left, 'transactions no template includes').toEqual([]);
  }

  /** The follower, fed the same main chain, reaches the same tip, state root and accounts. */
  async compareWithFollower(): Promise<void> {
    const { a, b } = this;
    await this.syncFollower(a.chain.height);
    expect(hashToHex(b.chain.tip.stateRoot)).toBe(hashToHex(a.chain.tip.stateRoot));
    expect(b.chain.tip.id).toBe(a.chain.tip.id);
    for (const address of [...RECIPIENTS.map((w) => w.address), ...this.contracts]) {
      expect(await b.chain.getAccount(address)).toEqual(await a.chain.getAccount(address));
    }
  }
}

function solve(t: BlockTemplate): Block {
  const header = { ...t.header };
  while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
  return { header, txs: t.txs };
}

function senderOf(tx: TransferTx): Uint8Array {
  for (const w of SENDERS) if (tx.publicKey.every((x, i) => x === w.publicKey[i])) return w.address;
  return ZERO_ADDRESS;
}

function describeTx(tx: TransferTx): string {
  const who = SENDERS.find((w) => addressKey(w.address) === addressKey(senderOf(tx)))?.name ?? '?';
  const data = tx.data.length > 0 ? ` data=${new TextDecoder().decode(tx.data).slice(0, 80)}` : '';
  return `${who}#${tx.nonce} amount=${tx.amount} fee=${tx.fee}${data}`;
}

describe('templates built from any admitted mempool are valid blocks', () => {
  it('random transfers, replacements, deploys and calls, mined and reorged: every template connects, the mempool stays consistent, a second chain agrees', async () => {
    const stats = new Stats();
    await fc.assert(
      fc.asyncProperty(setup, fc.array(action, { minLength: 20, maxLength: 60 }), async (c, actions) => {
        const s = await Scenario.create(stats, c);
        try {
          for (let i = 0; i < actions.length; i++) {
            const act = actions[i]!;
            stats.add(`action:${act.t}`);
            if (act.t === 'transfer') await s.transfer(act);
            else if (act.t === 'replace') await s.replace(act);
            else if (act.t === 'deploy') await s.deploy(act);
            else if (act.t === 'call') await s.call(act);
            else if (act.t === 'reorg') await s.reorg(act);
            else if (act.t === 'big') await s.big(act);
            else if (act.t === 'flood') for (let from = 0; from < SENDERS.length; from++) await s.big({ t: 'big', from, count: act.count, kb: act.kb, deploy: false, huge: false });
            else if (act.t === 'restart') await s.restart();
            else {
              // A stale template meets the next transfer of the sequence, admitted after it was built.
              const next = actions[i + 1];
              const late = act.how === 'stale' && next?.t === 'transfer' ? () => s.transfer(next) : undefined;
              await s.mine(act, late);
              if (late) i++;
            }
            await s.checkMempool();
          }
          await s.drain();
          await s.compareWithFollower();
          stats.add('cases');
        } finally {
          for (const f of fixtures.splice(0)) await f.close();
        }
      }),
      { numRuns: RUNS > 0 ? RUNS : 25, ...(SEED !== undefined && Number.isSafeInteger(SEED) ? { seed: SEED } : {}), ...(PATH ? { path: PATH } : {}) },
    );
    if (process.env.HACKCOIN_TEMPLATE_STATS) writeFileSync(process.env.HACKCOIN_TEMPLATE_STATS, JSON.stringify(Object.fromEntries([...stats.n].sort()), null, 1));
    // The default run (fixed seed) reaches past admission: contract transactions mined with every outcome, reorgs,
    // restarts, blocks past 1 MB, refusals under several rules. Other seeds and short runs may miss one.
    if (RUNS > 0 || process.env.HACKCOIN_FUZZ_SEED !== undefined) return;
    expect(stats.get('blocks')).toBeGreaterThan(50);
    expect(stats.get('blocks-over-1MB')).toBeGreaterThan(0);
    expect(stats.get('restarts')).toBeGreaterThan(0);
    expect(stats.get('receipt:success')).toBeGreaterThan(0);
    expect(stats.get('receipt:reverted')).toBeGreaterThan(0);
    expect(stats.get('receipt:out-of-gas')).toBeGreaterThan(0);
    expect(stats.get('reorgs')).toBeGreaterThan(0);
    expect([...stats.n.keys()].filter((k) => k.startsWith('rule:')).length).toBeGreaterThanOrEqual(6);
  }, RUNS > 0 ? 24 * 3_600_000 : 180_000);
});

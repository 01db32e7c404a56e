import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressKey, hashToHex, txHash, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, type FixtureOptions, type Wallet } from '../test-support/chain-fixture.js';
import { makeMempoolEntry, type MempoolEntry } from './entry.js';
import { ENTRY_OVERHEAD } from './mempool.js';
import type { RemovalReason } from './mempool.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** Encoded size of a plain transfer, so a fee of n × SIZE pays n units per byte. */
const SIZE = 147n;
const SENDERS = [W.alice, W.bob, W.carol, W.dave];

async function funded(opts: FixtureOptions): Promise<ChainFixture> {
  const fx = await ChainFixture.create(opts);
  fixtures.push(fx);
  await fx.fundWallets();
  return fx;
}

const id = (tx: TransferTx): string => hashToHex(txHash(tx));

function removals(fx: ChainFixture): { nonce: bigint; sender: string; reason: RemovalReason }[] {
  const out: { nonce: bigint; sender: string; reason: RemovalReason }[] = [];
  fx.mempool.on('tx:removed', (e, reason) => out.push({ nonce: e.tx.nonce, sender: e.senderKey, reason }));
  return out;
}

/** Each sender's pooled transactions, in nonce order. */
function runs(fx: ChainFixture): Map<string, MempoolEntry[]> {
  const out = new Map<string, MempoolEntry[]>();
  for (const e of fx.mempool.entries()) out.set(e.senderKey, [...(out.get(e.senderKey) ?? []), e]);
  for (const run of out.values()) run.sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1));
  return out;
}

/** The nonces `w` has pooled must run without a gap from its account's next nonce. */
function expectContiguous(fx: ChainFixture, w: Wallet): void {
  const from = fx.chain.getAccountSync(w.address).nonce;
  const nonces = (runs(fx).get(addressKey(w.address)) ?? []).map((e) => e.tx.nonce);
  expect(nonces).toEqual(nonces.map((_, i) => from + BigInt(i)));
}

/** The lowest aggregate fee rate (total fee / total virtual size) of any suffix of the run, scored from scratch. */
function worstSuffixRate(run: readonly MempoolEntry[]): number {
  let worst = Infinity;
  for (let i = 0; i < run.length; i++) {
    const rest = run.slice(i);
    const fee = rest.reduce((s, e) => s + e.fee, 0n);
    const vsize = rest.reduce((s, e) => s + e.vsize, 0);
    worst = Math.min(worst, Number(fee) / vsize);
  }
  return worst;
}

describe('eviction by package (suffix) fee rate', () => {
  it('a newcomer paying 50× is admitted over a run of 126 minimum-fee nonces pinned by a richer tail, which goes whole, last nonce first, leaving no gap', async () => {
    const fx = await funded({ maxTxs: 128, maxPendingPerSender: 128 });
    const removed = removals(fx);
    // 126 at the minimum rate, then a 2-nonce tail paying a bit more than the newcomer will.
    for (let n = 0n; n < 128n; n++) await fx.mempool.add(fx.tx(W.alice, W.bob, 1n, { nonce: n, fee: (n < 126n ? 1n : 55n) * SIZE }));
    expect(fx.mempool.size).toBe(128);

    const newcomer = fx.tx(W.carol, W.bob, 1n, { fee: 50n * SIZE });
    expect(await fx.refusal(newcomer)).toBeNull();
    expect(fx.mempool.get(id(newcomer))).toBeDefined();
    expect(fx.mempool.size).toBeLessThanOrEqual(128);
    // The whole run is alice's worst suffix: (126 × 1 + 2 × 55) / 128 units per byte.
    const packageRate = (126 + 2 * 55) / 128;
    expect(removed.map((r) => r.reason)).toEqual(Array(128).fill('evicted'));
    expect(removed.map((r) => r.nonce)).toEqual(Array.from({ length: 128 }, (_, i) => BigInt(127 - i)));
    expectContiguous(fx, W.alice);
    expect(fx.mempool.nextNonce(W.alice.address, 0n)).toBe(0n);
    expect(fx.mempool.minFeeRate()).toBeCloseTo(packageRate + 1, 9);
    // What stays is mined.
    await fx.mine(1);
    expect(fx.mempool.size).toBe(0);
    expect((await fx.account(W.carol)).nonce).toBe(1n);
  });

  it('a sender whose high-fee tail sits on a low-fee head is judged by the package, not by the tail', async () => {
    const fx = await funded({ maxTxs: 3 });
    const removed = removals(fx);
    const a0 = fx.tx(W.alice, W.dave, 1n, { nonce: 0n, fee: 1n * SIZE });
    const a1 = fx.tx(W.alice, W.dave, 1n, { nonce: 1n, fee: 12n * SIZE });
    const b0 = fx.tx(W.bob, W.dave, 1n, { fee: 10n * SIZE });
    for (const tx of [a0, a1, b0]) await fx.mempool.add(tx);

    // Alice's package pays 6.5 per byte: a newcomer at 6 is refused, bob at 10 outranks it.
    expect(await fx.refusal(fx.tx(W.carol, W.dave, 1n, { fee: 6n * SIZE }))).toBe('mempool-full');
    expect(fx.mempool.size).toBe(3);
    // At 11 it beats the package, though not alice's tail at 12: the package goes, bob at 10 stays.
    const c0 = fx.tx(W.carol, W.dave, 1n, { fee: 11n * SIZE });
    expect(await fx.refusal(c0)).toBeNull();
    expect(new Set(fx.mempool.entries().map((e) => e.id))).toEqual(new Set([id(b0), id(c0)]));
    expect(removed).toEqual([
      { nonce: 1n, sender: addressKey(W.alice.address), reason: 'evicted' },
      { nonce: 0n, sender: addressKey(W.alice.address), reason: 'evicted' },
    ]);
    expect(fx.mempool.minFeeRate()).toBeCloseTo(6.5 + 1, 9);
  });

  it('a newcomer is judged with its sender\'s nonces before it: a rich last nonce over nine at the minimum evicts nobody paying more than the run', async () => {
    const fx = await funded({ maxTxs: 11 });
    for (let n = 0n; n < 9n; n++) await fx.mempool.add(fx.tx(W.alice, W.carol, 1n, { nonce: n, fee: SIZE }));
    const bob = [0n, 1n].map((nonce) => fx.tx(W.bob, W.carol, 1n, { nonce, fee: 50n * SIZE }));
    for (const tx of bob) await fx.mempool.add(tx);
    // Alice's run with it pays (9 + 100) / 10 = 10.9 per byte, less than bob's 50: the pool is full for it.
    expect(await fx.refusal(fx.tx(W.alice, W.carol, 1n, { nonce: 9n, fee: 100n * SIZE }))).toBe('mempool-full');
    expect(bob.every((tx) => fx.mempool.get(id(tx)))).toBe(true);
    // Paying for the run as a whole, (9 + 500) / 10 = 50.9 per byte, it takes bob's last nonce's place.
    expect(await fx.refusal(fx.tx(W.alice, W.carol, 1n, { nonce: 9n, fee: 500n * SIZE }))).toBeNull();
    expect(bob.map((tx) => fx.mempool.get(id(tx)) !== undefined)).toEqual([true, false]);
  });

  it('under a flood of adds (and blocks) the pool keeps its bounds, every sender its nonces gap-free from the account, and refuses a full pool only when no other sender has a cheaper suffix', async () => {
    const sender = fc.nat({ max: SENDERS.length - 1 });
    // Rates are multiples of what the pool asks now, so the rolling floor does not refuse most of them.
    const add = fc.record({
      kind: fc.constant('add' as const),
      sender,
      times: fc.constantFrom(1, 2, 3, 10, 50),
      // 'next': the sender's next nonce; 'replace': one it has pending; 'call': a larger contract call.
      nonce: fc.constantFrom('next', 'next', 'next', 'replace', 'call'),
      pick: fc.nat(),
    });
    // The pinning shape: a few nonces at the asked rate under a tail paying 100 times it.
    const pin = fc.record({ kind: fc.constant('pin' as const), sender, heads: fc.integer({ min: 1, max: 5 }) });
    const op = fc.oneof({ weight: 10, arbitrary: add }, { weight: 3, arbitrary: pin }, { weight: 1, arbitrary: fc.constant({ kind: 'mine' as const }) });
    const bounds = fc.record({ maxTxs: fc.integer({ min: 3, max: 12 }), maxBytes: fc.integer({ min: 4 * (147 + ENTRY_OVERHEAD), max: 16 * (147 + ENTRY_OVERHEAD) }), maxPendingPerSender: fc.integer({ min: 2, max: 8 }) });

    const seen = { full: 0, evicted: 0 };
    const submit = async (fx: ChainFixture, s: number, times: number, nonceKind: string, pick: number): Promise<void> => {
      const w = SENDERS[s]!;
      const next = fx.mempool.accountView(w.address).nextNonce;
      const confirmed = fx.chain.getAccountSync(w.address).nonce;
      const pending = next - confirmed;
      const nonce = nonceKind === 'replace' && pending > 0n ? confirmed + (BigInt(pick) % pending) : next;
      const rate = BigInt(Math.ceil(fx.mempool.minFeeRate())) * BigInt(times);
      const tx =
        nonceKind === 'call'
          ? fx.callToNoContract(w, nonce, 40_000 + (pick % 4) * 10_000, rate, ['x'.repeat(pick % 300)])
          : fx.tx(w, SENDERS[(s + 1) % SENDERS.length]!, 1n, { nonce, fee: rate * SIZE + BigInt(pick % 100) });
      const code = await fx.refusal(tx);
      if (code !== 'mempool-full') return;
      seen.full++;
      // Nothing evictable paid less per byte than the newcomer with the sender's nonces before it: no pinning.
      const entry = makeMempoolEntry(tx, fx.backend, fx.params, 0);
      const before = (runs(fx).get(addressKey(w.address)) ?? []).filter((e) => e.tx.nonce < tx.nonce);
      const newcomer = (Number(entry.fee) + before.reduce((n, e) => n + Number(e.fee), 0)) / (entry.vsize + before.reduce((n, e) => n + e.vsize, 0));
      for (const [k, run] of runs(fx)) if (k !== addressKey(w.address)) expect(worstSuffixRate(run)).toBeGreaterThanOrEqual(newcomer);
    };

    await fc.assert(
      fc.asyncProperty(bounds, fc.array(op, { minLength: 10, maxLength: 50 }), async (opts, ops) => {
        const fx = await funded(opts);
        fx.mempool.on('tx:removed', (_e, reason) => void (reason === 'evicted' && seen.evicted++));
        try {
          for (const o of ops) {
            if (o.kind === 'mine') await fx.mine(1);
            else if (o.kind === 'add') await submit(fx, o.sender, o.times, o.nonce, o.pick);
            else {
              for (let i = 0; i < o.heads; i++) await submit(fx, o.sender, 1, 'next', i);
              await submit(fx, o.sender, 100, 'next', 0);
            }
            expect(fx.mempool.size).toBeLessThanOrEqual(opts.maxTxs);
            expect(fx.mempool.bytes).toBeLessThanOrEqual(opts.maxBytes);
            expect(fx.mempool.bytes).toBe(fx.mempool.entries().reduce((n, e) => n + e.size, 0));
            for (const w of SENDERS) expectContiguous(fx, w);
          }
        } finally {
          fixtures.splice(fixtures.indexOf(fx), 1);
          await fx.close();
        }
      }),
      // Each run opens a chain: shrinking a failure would take minutes, the failing case is reported as found.
      { numRuns: 30, endOnFailure: true },
    );
    // The flood did fill the pool: newcomers evicted others and some were refused.
    expect(seen.evicted).toBeGreaterThan(0);
    expect(seen.full).toBeGreaterThan(0);
  }, 120_000);
});

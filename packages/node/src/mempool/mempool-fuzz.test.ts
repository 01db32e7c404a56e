import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COIN,
  ZERO_ADDRESS,
  addressKey,
  contractAddress,
  encodeTx,
  signTransfer,
  utf8ToBytes,
  type TransferTx,
  type UnsignedTransfer,
} from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import { VerdictTally, decodeTxOrReject, fuzzRuns, fuzzSeed, fuzzTimeout, mutatedBytes, verdictOf } from '../test-support/fuzz.js';

/**
 * Adversarial tier for transactions: random and mutated transfers and
 * contract transactions (hostile payloads, sources and arguments: deeply
 * nested, huge, mistyped) go to mempool admission. The only outcomes allowed
 * are admission or a RuleError naming its rule; whatever was admitted must
 * then fit in a block that the same chain accepts.
 */
const U64_MAX = (1n << 64n) - 1n;
const TOKEN = 'export function init(n) { storage.set("n", n); }\nexport function add(k) { storage.set("n", storage.get("n") + k); return storage.get("n"); }\n';

let fx: ChainFixture;
let contract: Uint8Array;
let seeds: TransferTx[];

function payloadTx(from: Wallet, nonce: bigint, to: Uint8Array, payload: Record<string, unknown>, gasLimit = 200_000, gasPrice = 1n): TransferTx {
  const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: gasPrice.toString() }));
  return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(gasLimit) * gasPrice, to, amount: 0n, data }, from.privateKey);
}

beforeAll(async () => {
  fx = await ChainFixture.create({ maxPendingPerSender: 1_000, maxTxs: 100_000 });
  await fx.mine(3);
  await fx.mine(2, { miner: W.minerB });
  await fx.mempool.add(payloadTx(W.minerB, 0n, ZERO_ADDRESS, { type: 'deploy', code: TOKEN, init: [1] }));
  await fx.mine(1);
  contract = contractAddress(W.minerB.address, 0n);
  seeds = [
    fx.tx(W.minerA, W.alice, COIN),
    payloadTx(W.minerA, 0n, ZERO_ADDRESS, { type: 'deploy', code: TOKEN, init: [5] }),
    payloadTx(W.minerA, 0n, contract, { type: 'call', fn: 'add', args: [2] }),
  ];
}, 60_000);

afterAll(async () => {
  await fx.close();
});

const u64 = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(0n, 1n, 2n, U64_MAX, 1_000_000n, 200_000n));
const depth = fc.integer({ min: 50, max: 20_000 });
const nestedArray = depth.map((d) => `${'['.repeat(d)}${']'.repeat(d)}`);
const nestedObject = depth.map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`);
const hostileSource = fc.oneof(
  fc.string({ maxLength: 200 }),
  depth.map((d) => `export function init() { return a${'.b'.repeat(d)}; }`),
  depth.map((d) => `export function init() { return ${'('.repeat(d)}1${')'.repeat(d)}; }`),
  depth.map((d) => `export function init() { return ${'['.repeat(d)}${']'.repeat(d)}; }`),
  depth.map((d) => `export function init() { ${'{'.repeat(d)}${'}'.repeat(d)} }`),
  fc.integer({ min: 1, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => `export function f${i}() {}`).join('\n')),
  fc.constantFrom('export function init() { while (true) {} }', 'export function init() { return "x".repeat(1e9); }', 'export function init() { storage.set("k".repeat(100000), 1); }', 'export function init() { const f = () => f(); f(); }', 'export function init() { return this.constructor.constructor("return process")(); }'),
);
const hostileArgs = fc.oneof(
  fc.json({ maxDepth: 5 }),
  nestedArray,
  nestedObject,
  fc.constantFrom('"x"', '[1e400]', '[-0]', '[null]', '{}', '[' + '"x",'.repeat(10_000) + '1]'),
);

/** JSON text of a contract payload, built by hand so it can be malformed, mistyped or hostile. */
const hostilePayload: fc.Arbitrary<{ text: string; gasLimit: bigint }> = fc
  .tuple(
    fc.oneof(
      fc.tuple(hostileSource.map((s) => JSON.stringify(s)), hostileArgs).map(([code, init]) => `"type":"deploy","code":${code},"init":${init}`),
      fc.tuple(fc.oneof(fc.constantFrom('"add"', '"init"', '"constructor"', '"__proto__"', '"toString"'), fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s))), hostileArgs).map(([fn, args]) => `"type":"call","fn":${fn},"args":${args}`),
      fc.json({ maxDepth: 4 }).map((j) => `"type":${j}`),
    ),
    fc.oneof({ weight: 4, arbitrary: fc.constant(200_000n) }, fc.constantFrom(1n, 0n, 50_000_000n, 50_000_001n), u64),
    fc.oneof({ weight: 4, arbitrary: fc.constant('"1"') }, fc.constantFrom('1', '"0"', '"-1"', '"1e3"', '"99999999999999999999"')),
  )
  .map(([body, gasLimit, gasPrice]) => ({ text: `{${body},"gasLimit":${gasLimit},"gasPrice":${gasPrice}}`, gasLimit }));

type Field = (tx: TransferTx) => UnsignedTransfer;
const unsigned = (tx: TransferTx): UnsignedTransfer => {
  const { publicKey: _p, signature: _s, ...u } = tx;
  return u;
};
const field: fc.Arbitrary<Field> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map((chainId): Field => (tx) => ({ ...unsigned(tx), chainId })),
  u64.map((nonce): Field => (tx) => ({ ...unsigned(tx), nonce })),
  u64.map((fee): Field => (tx) => ({ ...unsigned(tx), fee })),
  u64.map((amount): Field => (tx) => ({ ...unsigned(tx), amount })),
  fc.oneof(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.constant(ZERO_ADDRESS)).map((to): Field => (tx) => ({ ...unsigned(tx), to })),
  fc.uint8Array({ maxLength: 300 }).map((data): Field => (tx) => ({ ...unsigned(tx), data })),
  fc.constantFrom(65_536, 65_537, 200_000).map((n): Field => (tx) => ({ ...unsigned(tx), data: new Uint8Array(n).fill(0x20) })),
  { weight: 6, arbitrary: hostilePayload.map(({ text, gasLimit }): Field => (tx) => ({ ...unsigned(tx), data: utf8ToBytes(text), fee: gasLimit <= U64_MAX ? gasLimit : tx.fee })) },
);

/** A mutated transaction, signed again by its sender (most cases) or left with a broken or foreign signature. */
const mutatedTx: fc.Arbitrary<TransferTx> = fc
  .tuple(fc.nat({ max: 2 }), fc.array(field, { minLength: 1, maxLength: 3 }), fc.nat({ max: 5 }))
  .map(([s, fields, signing]) => {
    const seed = seeds[s]!;
    const u = fields.reduce<TransferTx>((tx, f) => ({ ...f(tx), publicKey: tx.publicKey, signature: tx.signature }), seed);
    if (signing === 0) return u;
    if (signing === 1) return signTransfer(unsigned(u), W.bob.privateKey);
    return signTransfer(unsigned(u), W.minerA.privateKey);
  });

async function admit(tx: TransferTx): Promise<string> {
  await fx.mempool.add(tx);
  return 'admitted';
}

describe('adversarial tier: transactions into the mempool', () => {
  it('mutated transfers and contract transactions are admitted or rejected under a named rule, and what was admitted is mined', async () => {
    const tally = new VerdictTally();
    await fc.assert(
      fc.asyncProperty(mutatedTx, fc.boolean(), async (tx, inSequence) => {
        // Half the cases take the sender's next free nonce, so admissions go on past the first.
        const next = fx.mempool.accountView(W.minerA.address).nextNonce;
        const sequenced = inSequence && tx.publicKey.every((b, i) => b === W.minerA.publicKey[i]) ? signTransfer({ ...unsigned(tx), nonce: next }, W.minerA.privateKey) : tx;
        tally.add(await verdictOf(() => admit(sequenced)));
        // The per-address indexes say what a pass over the whole pool says.
        for (const address of [W.minerA.address, W.bob.address, sequenced.to]) {
          const k = addressKey(address);
          const scanned = fx.mempool.entries().filter((e) => e.senderKey === k || e.recipientKey === k);
          expect(new Set(fx.mempool.pendingFor(address).map((e) => e.id))).toEqual(new Set(scanned.map((e) => e.id)));
        }
      }),
      { numRuns: fuzzRuns(1_200), ...fuzzSeed() },
    );
    expect(tally.distinct().length).toBeGreaterThanOrEqual(8);
    expect(tally.distinct()).toEqual(expect.arrayContaining(['accepted:admitted', 'bad-txns-sig', 'bad-txns-contract-payload']));
    expect(tally.counts.get('accepted:admitted')).toBeGreaterThanOrEqual(30);
    // Every admitted transaction leaves the mempool in valid blocks the same chain accepts.
    const height = fx.chain.height;
    for (let i = 0; i < 20 && fx.mempool.size > 0; i++) await fx.mine(1);
    expect(fx.mempool.size).toBe(0);
    expect(fx.chain.height).toBeGreaterThan(height);
  }, fuzzTimeout());

  it('byte-mutated transactions are decoded and admitted, or rejected under a named rule', async () => {
    const tally = new VerdictTally();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 2 }).chain((s) => mutatedBytes(encodeTx(seeds[s]!))), async (bytes) => {
        tally.add(
          await verdictOf(async () => {
            const tx = decodeTxOrReject(bytes);
            if (tx.kind !== 'transfer') return 'coinbase (not submittable)';
            return admit(tx);
          }),
        );
      }),
      { numRuns: fuzzRuns(1_200), ...fuzzSeed() },
    );
    expect(tally.distinct()).toEqual(expect.arrayContaining(['bad-txns-decode']));
  }, fuzzTimeout());
});

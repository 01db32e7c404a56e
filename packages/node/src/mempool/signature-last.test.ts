import { afterEach, describe, expect, it } from 'vitest';
import { COIN, type SignatureBackend, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { SignatureVerifier } from '../verify/signature-verifier.js';
import { Mempool } from './mempool.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A mempool over the fixture's chain whose signature checks (ahead on the verifier, or in its turn) are counted. */
async function countingPool() {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.mine(2);
  const checks = { count: 0 };
  const base = fx.backend;
  const backend: SignatureBackend = {
    verify: (digest, signature, publicKey) => (checks.count++, base.verify(digest, signature, publicKey)),
    decompress: (k) => base.decompress(k),
    address: base.address && ((k) => base.address!(k)),
  };
  const pool = new Mempool({ chain: fx.chain, db: fx.db, params: fx.params, backend, log: fx.log, maxTxs: 1000, minFeeRate: 1n, verifier: new SignatureVerifier(backend, undefined) });
  const refusal = (tx: TransferTx) => pool.add(tx).then(() => null, (e: { code?: string }) => e.code ?? String(e));
  return { fx, checks, refusal };
}

const forged = (tx: TransferTx): TransferTx => ({ ...tx, signature: tx.signature.map((b, i) => (i === 40 ? b ^ 1 : b)) });

describe('mempool admission checks signatures last', () => {
  it('refuses what the fee, nonce and funds rules refuse without a signature check, ahead or in its turn', async () => {
    const { fx, checks, refusal } = await countingPool();
    // Alice holds nothing; minerA mined two blocks.
    expect(await refusal(forged(fx.tx(W.alice, W.bob, COIN, { nonce: 0n })))).toBe('bad-txns-insufficient-funds');
    expect(await refusal(forged(fx.tx(W.alice, W.bob, 0n, { nonce: 7n })))).toBe('bad-txns-insufficient-funds');
    expect(await refusal(forged(fx.tx(W.minerA, W.bob, 0n, { nonce: 0n, fee: 0n })))).toBe('min-fee-not-met');
    expect(checks.count).toBe(0);
  });

  it('still checks the signature of what passes them, and of a transaction with a nonce gap before calling it one', async () => {
    const { fx, checks, refusal } = await countingPool();
    expect(await refusal(forged(fx.tx(W.minerA, W.bob, 1n, { nonce: 5n })))).toBe('bad-txns-sig');
    expect(await refusal(forged(fx.tx(W.minerA, W.bob, 1n, { nonce: 0n })))).toBe('bad-txns-sig');
    expect(await refusal(fx.tx(W.minerA, W.bob, 1n, { nonce: 5n }))).toBe('bad-txns-nonce-gap');
    expect(await refusal(fx.tx(W.minerA, W.bob, 1n, { nonce: 0n }))).toBeNull();
    expect(checks.count).toBeGreaterThanOrEqual(4);
  });

  it('refuses what the sender-run rules refuse (a replacement bump, the per-sender bound) without a signature check ahead on the verifier', async () => {
    const { fx, checks, refusal } = await countingPool();
    expect(await refusal(fx.tx(W.minerA, W.bob, 1n, { nonce: 0n, fee: 1_000n }))).toBeNull();
    for (let n = 1n; n < 64n; n++) expect(await refusal(fx.tx(W.minerA, W.bob, 1n, { nonce: n, fee: 1_000n }))).toBeNull();
    const checked = checks.count;
    // A replacement one unit above the fee it replaces, and a 65th nonce: forged, refused by rule, nothing verified.
    expect(await refusal(forged(fx.tx(W.minerA, W.bob, 1n, { nonce: 0n, fee: 1_001n })))).toBe('txn-replace-fee-too-low');
    expect(await refusal(forged(fx.tx(W.minerA, W.bob, 1n, { nonce: 64n, fee: 1_000n })))).toBe('too-many-pending');
    expect(checks.count).toBe(checked);
    // A nonce gap is still checked ahead, as it is in its turn before it is called one.
    expect(await refusal(forged(fx.tx(W.minerA, W.bob, 1n, { nonce: 70n, fee: 1_000n })))).toBe('bad-txns-sig');
    expect(checks.count).toBeGreaterThan(checked);
  });
});

import { describe, expect, it } from 'vitest';
import { NETWORKS } from '../consensus/params.js';
import { bytesToHex, utf8ToBytes } from '../encoding/bytes.js';
import { formatAddress } from '../primitives/address.js';
import { decodeTx, encodeTx, txSender, txSize, verifyTransferSignature } from '../primitives/transaction.js';
import { buildSignedTransfer, buildTransfer, feeForSize, signedTransferSize, type FeeEstimate } from './builder.js';
import { WalletError } from './errors.js';
import { NonceTracker } from './nonce.js';
import { Wallet } from './wallet.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const params = NETWORKS.regtest;
const TO = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
const RATES: FeeEstimate = { slow: 1n, normal: 5n, fast: 20n };

async function sender() {
  const wallet = await Wallet.fromMnemonic(MNEMONIC);
  const from = wallet.newAddress('main');
  return { wallet, from, key: wallet.keyFor(from.address) };
}

describe('transfer builder', () => {
  it('builds a plain transfer that verifies and whose sender is the derived address', async () => {
    const { from, key } = await sender();
    const tx = buildSignedTransfer({ params, to: TO, amount: '1.5', fee: 'normal', feeEstimate: RATES, nonce: 0n }, key);
    expect(tx).toMatchObject({ chainId: params.chainId, amount: 150_000_000n, nonce: 0n });
    expect(tx.data).toHaveLength(0);
    expect(verifyTransferSignature(tx)).toBe(true);
    expect(formatAddress(txSender(tx))).toBe(from.address);
    expect(formatAddress(tx.to)).toBe(TO);
    // Survives the wire format.
    const decoded = decodeTx(encodeTx(tx));
    expect(decoded.kind === 'transfer' && verifyTransferSignature(decoded)).toBe(true);
  });

  it('carries a contract payload and prices it by size', async () => {
    const { key } = await sender();
    // Non-empty data must be a contract payload whose fee is gasLimit × gasPrice (docs/consensus.md).
    const data = utf8ToBytes(JSON.stringify({ type: 'call', fn: 'f', args: ['deadbeef'.repeat(100)], gasLimit: 100_000, gasPrice: '1' }));
    const tx = buildSignedTransfer({ params, to: TO, amount: 0n, data, fee: { custom: 100_000n }, nonce: 3n }, key);
    expect(bytesToHex(tx.data)).toBe(bytesToHex(data));
    expect(txSize(tx)).toBe(signedTransferSize(data.length));
    expect(tx.fee).toBe(100_000n);
    expect(verifyTransferSignature(tx)).toBe(true);
    // A size-priced fee cannot match gasLimit × gasPrice, and the builder's sanity check says so.
    expect(() => buildSignedTransfer({ params, to: TO, amount: 0n, data, fee: 'fast', feeEstimate: RATES, nonce: 3n }, key)).toThrow(/bad-txns-contract-fee/);
  });

  it('a tampered signed transfer no longer verifies', async () => {
    const { key } = await sender();
    const tx = buildSignedTransfer({ params, to: TO, amount: 5n, fee: { custom: 1000n }, nonce: 0n }, key);
    expect(verifyTransferSignature({ ...tx, amount: 6n })).toBe(false);
  });

  it('refuses oversized data, bad amounts and unknown recipients', () => {
    const base = { params, to: TO, fee: { custom: 0n }, nonce: 0n } as const;
    expect(() => buildTransfer({ ...base, amount: 1n, data: new Uint8Array(params.maxTxDataSize + 1) })).toThrow(WalletError);
    expect(() => buildTransfer({ ...base, amount: -1n })).toThrow(WalletError);
    expect(() => buildTransfer({ ...base, amount: '1.123456789' })).toThrow(/invalid HCK amount/);
    expect(() => buildTransfer({ ...base, amount: 1n, to: '0x9858efFD232B4033E47d90003D41EC34EcaEda94' })).toThrow(/checksum/);
    expect(() => buildTransfer({ ...base, amount: (1n << 64n) - 1n, fee: { custom: 1n } })).toThrow(/overflows/);
  });
});

describe('fees', () => {
  it('presets multiply the per-byte rate by the signed size', () => {
    const size = signedTransferSize(0);
    expect(size).toBe(1 + 4 + 8 + 8 + 20 + 8 + 1 + 33 + 64);
    expect(feeForSize('slow', size, RATES)).toBe(BigInt(size));
    expect(feeForSize('normal', size, RATES)).toBe(5n * BigInt(size));
    expect(feeForSize('fast', size, RATES)).toBe(20n * BigInt(size));
  });

  it('a custom fee is used as given', () => {
    expect(feeForSize({ custom: 12_345n }, 999, RATES)).toBe(12_345n);
    expect(feeForSize({ custom: 7n }, 999)).toBe(7n);
  });

  it('a preset needs an estimate, and rates and fees must be sane', () => {
    expect(() => feeForSize('normal', 100)).toThrow(WalletError);
    expect(() => feeForSize('normal', 100, { ...RATES, normal: -1n })).toThrow(WalletError);
    expect(() => feeForSize({ custom: -5n }, 100)).toThrow(WalletError);
    expect(() => feeForSize('turbo' as 'fast', 100, RATES)).toThrow(WalletError);
  });
});

describe('NonceTracker', () => {
  it('starts after the confirmed nonce and the pending transfers, then counts up', () => {
    const t = new NonceTracker(5n, 2);
    expect(t.peek()).toBe(7n);
    expect([t.take(), t.take(), t.take()]).toEqual([7n, 8n, 9n]);
    expect(t.peek()).toBe(10n);
  });

  it('releases only the newest nonce', () => {
    const t = new NonceTracker(0n);
    t.take();
    const second = t.take();
    expect(() => t.release(0n)).toThrow(WalletError);
    t.release(second);
    expect(t.peek()).toBe(1n);
  });

  it('sync never moves backwards; reset does', () => {
    const t = new NonceTracker(0n);
    t.take();
    t.take();
    t.sync(1n, 0);
    expect(t.peek()).toBe(2n);
    t.sync(4n, 1n);
    expect(t.peek()).toBe(5n);
    t.reset(3n);
    expect(t.peek()).toBe(3n);
    expect(() => new NonceTracker(-1n)).toThrow(WalletError);
  });

  it('sequences several pending transfers from one address, consuming a nonce only on success', async () => {
    const { key } = await sender();
    const nonce = new NonceTracker(4n, 1);
    const send = (amount: bigint) =>
      buildSignedTransfer({ params, to: TO, amount, fee: 'slow', feeEstimate: RATES, nonce }, key);
    const txs = [send(1n), send(2n), send(3n)];
    expect(txs.map((t) => t.nonce)).toEqual([5n, 6n, 7n]);
    expect(() => send(-1n)).toThrow(WalletError);
    expect(send(4n).nonce).toBe(8n);
    expect(buildTransfer({ params, to: TO, amount: 1n, fee: 'slow', feeEstimate: RATES, nonce }).nonce).toBe(9n);
    expect(nonce.peek()).toBe(9n);
  });
});

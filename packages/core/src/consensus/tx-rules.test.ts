import { describe, it, expect } from 'vitest';
import { applyTransfer, checkTransferSanity, checkTransferSignature, transferSender } from './tx-rules.js';
import { RuleError, type RejectCode } from './errors.js';
import { NETWORKS } from './params.js';
import { signTransfer, type TransferTx, type UnsignedTransfer } from '../primitives/transaction.js';
import { hexToBytes, utf8ToBytes } from '../encoding/bytes.js';
import { formatAddress, parseAddress } from '../primitives/address.js';
import { InvalidKeyError, nobleBackend, type SignatureBackend } from '../crypto/keys.js';
import type { Account } from '../state/account.js';
import { expectReject } from '../test-support/expect-reject.js';

const params = NETWORKS.regtest;
const PRIV = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
const TO = parseAddress('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
const U64_MAX = (1n << 64n) - 1n;

function transfer(over: Partial<UnsignedTransfer> = {}): TransferTx {
  return signTransfer(
    { kind: 'transfer', chainId: params.chainId, nonce: 0n, fee: 100n, to: TO, amount: 1_000n, data: new Uint8Array(0), ...over },
    PRIV,
  );
}

describe('checkTransferSanity', () => {
  it('accepts a well-formed transfer', () => {
    expect(checkTransferSanity(transfer(), params)).toBeUndefined();
  });

  it("rejects another network's chainId with bad-txns-chainid", () => {
    const err = expectReject(() => checkTransferSanity(transfer({ chainId: NETWORKS.main.chainId }), params), 'bad-txns-chainid', 100);
    expect(err.message).toMatch(/^bad-txns-chainid: /);
    expect(err.name).toBe('RuleError');
    expectReject(() => checkTransferSanity(transfer(), NETWORKS.main), 'bad-txns-chainid');
  });

  it('rejects data over maxTxDataSize (boundary is inclusive)', () => {
    // Non-empty data is a contract payload: pad a valid call payload to an exact size.
    const sized = (n: number): Partial<UnsignedTransfer> => {
      const head = '{"type":"call","fn":"f","args":["';
      const tail = '"],"gasLimit":2000000,"gasPrice":"1"}';
      return { fee: 2_000_000n, data: utf8ToBytes(head + 'x'.repeat(n - head.length - tail.length) + tail) };
    };
    expect(() => checkTransferSanity(transfer(sized(params.maxTxDataSize)), params)).not.toThrow();
    expectReject(() => checkTransferSanity(transfer(sized(params.maxTxDataSize + 1)), params), 'bad-txns-data-length');
    expectReject(() => checkTransferSanity(transfer({ data: new Uint8Array(10) }), params), 'bad-txns-contract-payload');
  });

  it('rejects amount + fee above u64', () => {
    expectReject(() => checkTransferSanity(transfer({ amount: U64_MAX, fee: 1n }), params), 'bad-txns-amount-overflow');
    expect(() => checkTransferSanity(transfer({ amount: U64_MAX - 5n, fee: 5n }), params)).not.toThrow();
  });
});

describe('checkTransferSignature', () => {
  it('returns the sender address for a valid signature', () => {
    const sender = checkTransferSignature(transfer(), nobleBackend);
    expect(formatAddress(sender)).toBe('0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F');
  });

  it('rejects a bad signature and an invalid public key with bad-txns-sig', () => {
    const tx = transfer();
    const sig = tx.signature.slice();
    sig[10]! ^= 0xff;
    expectReject(() => checkTransferSignature({ ...tx, signature: sig }, nobleBackend), 'bad-txns-sig');
    const badKey = new Uint8Array(33);
    badKey[0] = 2;
    badKey[32] = 5; // x = 5 is not on the curve
    expectReject(() => checkTransferSignature({ ...tx, publicKey: badKey }, nobleBackend), 'bad-txns-sig');
    expectReject(() => checkTransferSignature({ ...tx, amount: tx.amount + 1n }, nobleBackend), 'bad-txns-sig');
  });
});

describe('transferSender', () => {
  /** A backend whose key conversion fails for reasons of its own: an addon's error, a stack overflow, memory. */
  const failing = (e: Error): SignatureBackend => ({
    verify: (d, s, p) => nobleBackend.verify(d, s, p),
    decompress: () => {
      throw e;
    },
  });
  const thrownBy = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error('expected a throw');
  };

  it('passes on a failure of the backend as it was thrown, never as bad-txns-sig', () => {
    for (const e of [new Error('napi: publicKeyConvert failed'), new RangeError('Maximum call stack size exceeded'), new RangeError('Array buffer allocation failed')]) {
      // A fresh transaction each time: senders are cached per transaction object.
      const fromSender = thrownBy(() => transferSender(transfer(), failing(e)));
      // Before: each became RuleError('bad-txns-sig'), which marks the block invalid for good.
      expect(fromSender).not.toBeInstanceOf(RuleError);
      expect(fromSender).toBe(e);
      expect(thrownBy(() => checkTransferSignature(transfer(), failing(e)))).toBe(e);
    }
  });

  it('still rejects a key that is not a point with bad-txns-sig, from noble or a backend that says so', () => {
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5; // x = 5 is not on the curve
    expectReject(() => transferSender({ ...transfer(), publicKey: offCurve }, nobleBackend), 'bad-txns-sig');
    const tooBig = new Uint8Array(33).fill(0xff);
    tooBig[0] = 3; // x ≥ p
    expectReject(() => transferSender({ ...transfer(), publicKey: tooBig }, nobleBackend), 'bad-txns-sig');
    expectReject(() => transferSender(transfer(), failing(new InvalidKeyError('not a point'))), 'bad-txns-sig');
  });
});

describe('applyTransfer', () => {
  it('moves amount, burns nothing but the fee, and bumps the nonce', () => {
    const sender: Account = { balance: 10_000n, nonce: 0n };
    const recipient: Account = { balance: 5n, nonce: 3n };
    applyTransfer(transfer(), sender, recipient);
    expect(sender).toEqual({ balance: 10_000n - 1_000n - 100n, nonce: 1n });
    expect(recipient).toEqual({ balance: 1_005n, nonce: 3n });
  });

  it('a payment to oneself costs only the fee', () => {
    const me: Account = { balance: 10_000n, nonce: 4n };
    applyTransfer(transfer({ nonce: 4n, amount: 9_000n }), me, me);
    expect(me).toEqual({ balance: 9_900n, nonce: 5n });
  });

  it('allows spending the exact balance', () => {
    const sender: Account = { balance: 1_100n, nonce: 0n };
    const recipient: Account = { balance: 0n, nonce: 0n };
    applyTransfer(transfer(), sender, recipient);
    expect(sender.balance).toBe(0n);
    expect(recipient.balance).toBe(1_000n);
  });

  it('rejects a replayed nonce with bad-txns-nonce-too-low (score 0)', () => {
    const sender: Account = { balance: 10_000n, nonce: 2n };
    expectReject(() => applyTransfer(transfer({ nonce: 1n }), sender, { balance: 0n, nonce: 0n }), 'bad-txns-nonce-too-low', 0);
  });

  it('rejects a future nonce with bad-txns-nonce-gap (score 0)', () => {
    const sender: Account = { balance: 10_000n, nonce: 2n };
    expectReject(() => applyTransfer(transfer({ nonce: 3n }), sender, { balance: 0n, nonce: 0n }), 'bad-txns-nonce-gap', 0);
  });

  it('rejects amount + fee above the balance with bad-txns-insufficient-funds', () => {
    const sender: Account = { balance: 1_099n, nonce: 0n };
    expectReject(() => applyTransfer(transfer(), sender, { balance: 0n, nonce: 0n }), 'bad-txns-insufficient-funds', 0);
    // Fee alone counts: amount fits, amount + fee does not.
    const exact: Account = { balance: 1_000n, nonce: 0n };
    expectReject(() => applyTransfer(transfer(), exact, exact), 'bad-txns-insufficient-funds');
  });

  it('leaves both accounts untouched when it rejects', () => {
    const cases: Array<[TransferTx, Account, Account, RejectCode]> = [
      [transfer({ nonce: 0n }), { balance: 10_000n, nonce: 1n }, { balance: 0n, nonce: 0n }, 'bad-txns-nonce-too-low'],
      [transfer({ nonce: 5n }), { balance: 10_000n, nonce: 1n }, { balance: 0n, nonce: 0n }, 'bad-txns-nonce-gap'],
      [transfer(), { balance: 10n, nonce: 0n }, { balance: 0n, nonce: 0n }, 'bad-txns-insufficient-funds'],
      [transfer(), { balance: 10_000n, nonce: 0n }, { balance: U64_MAX - 999n, nonce: 0n }, 'bad-txns-amount-overflow'],
    ];
    for (const [tx, sender, recipient, code] of cases) {
      const before = [{ ...sender }, { ...recipient }];
      expectReject(() => applyTransfer(tx, sender, recipient), code);
      expect([sender, recipient], code).toEqual(before);
    }
  });

  it('a recipient balance reaching exactly u64 max is fine', () => {
    const recipient: Account = { balance: U64_MAX - 1_000n, nonce: 0n };
    applyTransfer(transfer(), { balance: 10_000n, nonce: 0n }, recipient);
    expect(recipient.balance).toBe(U64_MAX);
  });
});

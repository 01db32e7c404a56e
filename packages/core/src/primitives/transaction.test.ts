import { describe, it, expect } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  decodeTx,
  encodeTx,
  readTx,
  signTransfer,
  transferSigHash,
  txHash,
  txId,
  txSender,
  txSize,
  verifyTransferSignature,
  type CoinbaseTx,
  type TransferTx,
  type UnsignedTransfer,
} from './transaction.js';
import { addressFromPublicKey, nobleBackend, publicKeyFromPrivate } from '../crypto/keys.js';
import { bytesToHex, hexToBytes, reverseBytes } from '../encoding/bytes.js';
import { BufferReader, DecodeError } from '../encoding/reader.js';
import { formatAddress, parseAddress } from './address.js';
import { NETWORKS } from '../consensus/params.js';

const PRIV = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
const SENDER = '0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F';
const TO = parseAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
const CHAIN = NETWORKS.regtest.chainId;

const le = (n: bigint, bytes: number): string => {
  let s = '';
  for (let i = 0; i < bytes; i++) s += ((n >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0');
  return s;
};

function unsigned(over: Partial<UnsignedTransfer> = {}): UnsignedTransfer {
  return {
    kind: 'transfer',
    chainId: CHAIN,
    nonce: 7n,
    fee: 1_000n,
    to: TO,
    amount: 150_000_000n,
    data: hexToBytes('cafe'),
    ...over,
  };
}

function coinbase(over: Partial<CoinbaseTx> = {}): CoinbaseTx {
  return {
    kind: 'coinbase',
    chainId: CHAIN,
    height: 123_456,
    to: TO,
    amount: 5_000_001_000n,
    stateRoot: new Uint8Array(32).fill(0xab),
    extra: hexToBytes('0102030405'),
    ...over,
  };
}

/** An independent sha256d (straight from @noble/hashes). */
const sha256d = (b: Uint8Array): Uint8Array => sha256(sha256(b));

describe('coinbase encoding', () => {
  it('has the documented byte layout', () => {
    const cb = coinbase();
    const expected =
      '00' +
      le(BigInt(CHAIN), 4) +
      le(123_456n, 4) +
      bytesToHex(TO) +
      le(5_000_001_000n, 8) +
      'ab'.repeat(32) +
      '05' +
      '0102030405';
    expect(bytesToHex(encodeTx(cb))).toBe(expected);
    expect(txSize(cb)).toBe(1 + 4 + 4 + 20 + 8 + 32 + 1 + 5);
  });

  it('round-trips through decodeTx', () => {
    const cb = coinbase();
    const decoded = decodeTx(encodeTx(cb));
    expect(decoded).toEqual(cb);
    expect(txId(decoded)).toBe(txId(cb));
  });

  it('txId is the byte-reversed sha256d of the encoding', () => {
    const cb = coinbase();
    const raw = encodeTx(cb);
    expect(txHash(cb)).toEqual(sha256d(raw));
    expect(txId(cb)).toBe(bytesToHex(reverseBytes(sha256d(raw))));
  });

  it('height makes otherwise identical coinbases distinct', () => {
    expect(txId(coinbase({ height: 1 }))).not.toBe(txId(coinbase({ height: 2 })));
  });
});

describe('transfer encoding and signing', () => {
  const tx = signTransfer(unsigned(), PRIV);

  it('signTransfer attaches the compressed public key and a 64-byte signature', () => {
    expect(tx.publicKey).toEqual(publicKeyFromPrivate(PRIV));
    expect(tx.publicKey.length).toBe(33);
    expect(tx.signature.length).toBe(64);
  });

  it('has the documented byte layout', () => {
    const expected =
      '01' +
      le(BigInt(CHAIN), 4) +
      le(7n, 8) +
      le(1_000n, 8) +
      bytesToHex(TO) +
      le(150_000_000n, 8) +
      '02cafe' +
      bytesToHex(tx.publicKey) +
      bytesToHex(tx.signature);
    expect(bytesToHex(encodeTx(tx))).toBe(expected);
    expect(txSize(tx)).toBe(1 + 4 + 8 + 8 + 20 + 8 + 1 + 2 + 33 + 64);
  });

  it('the sighash is sha256d of the unsigned prefix', () => {
    const raw = encodeTx(tx);
    const unsignedPart = raw.subarray(0, raw.length - 33 - 64);
    expect(transferSigHash(tx)).toEqual(sha256d(unsignedPart));
  });

  it('round-trips through decodeTx and still verifies', () => {
    const decoded = decodeTx(encodeTx(tx)) as TransferTx;
    expect(decoded).toEqual(tx);
    expect(verifyTransferSignature(decoded)).toBe(true);
    expect(txId(decoded)).toBe(txId(tx));
    expect(txId(tx)).toBe(bytesToHex(reverseBytes(sha256d(encodeTx(tx)))));
  });

  it('a decoded transaction keeps its own bytes: later writes to the input change nothing', () => {
    const wire = Uint8Array.from([...encodeTx(tx), ...encodeTx(coinbase())]);
    const r = new BufferReader(wire);
    const [a, b] = [readTx(r) as TransferTx, readTx(r) as CoinbaseTx];
    wire.fill(0x55);
    expect(a).toEqual(tx);
    expect(b).toEqual(coinbase());
    expect(encodeTx(a)).toEqual(encodeTx(tx));
    expect(verifyTransferSignature(a)).toBe(true);
  });

  it('signatures are deterministic (RFC 6979): same tx, same id', () => {
    expect(txId(signTransfer(unsigned(), PRIV))).toBe(txId(tx));
  });

  it('verifyTransferSignature accepts the signed transfer', () => {
    expect(verifyTransferSignature(tx)).toBe(true);
    expect(verifyTransferSignature(tx, nobleBackend)).toBe(true);
  });

  it('txSender equals addressFromPublicKey (the EIP-155 example address)', () => {
    expect(txSender(tx)).toEqual(addressFromPublicKey(tx.publicKey));
    expect(formatAddress(txSender(tx))).toBe(SENDER);
  });

  it('any flipped byte in the signature breaks it', () => {
    for (const i of [0, 1, 31, 32, 33, 63]) {
      const sig = tx.signature.slice();
      sig[i]! ^= 0x01;
      expect(verifyTransferSignature({ ...tx, signature: sig }), `byte ${i}`).toBe(false);
    }
  });

  it('changing any signed field breaks it', () => {
    const to = tx.to.slice();
    to[19]! ^= 1;
    const data = tx.data.slice();
    data[0]! ^= 1;
    for (const [name, changed] of [
      ['amount', { ...tx, amount: tx.amount + 1n }],
      ['nonce', { ...tx, nonce: tx.nonce + 1n }],
      ['fee', { ...tx, fee: tx.fee - 1n }],
      ['chainId', { ...tx, chainId: NETWORKS.main.chainId }],
      ['to', { ...tx, to }],
      ['data', { ...tx, data }],
      ['data (appended)', { ...tx, data: hexToBytes('cafe00') }],
    ] as const) {
      expect(verifyTransferSignature(changed), name).toBe(false);
    }
  });

  it('a signature by another key fails for the claimed public key', () => {
    const other = signTransfer(unsigned(), hexToBytes('11'.repeat(32)));
    expect(verifyTransferSignature({ ...tx, signature: other.signature })).toBe(false);
    expect(verifyTransferSignature({ ...other, publicKey: tx.publicKey })).toBe(false);
  });

  it('the high-S twin of the signature is rejected', () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt('0x' + bytesToHex(tx.signature.subarray(32)));
    const highS = hexToBytes((n - s).toString(16).padStart(64, '0'));
    const sig = new Uint8Array(64);
    sig.set(tx.signature.subarray(0, 32));
    sig.set(highS, 32);
    expect(nobleBackend.verify(transferSigHash(tx), sig, tx.publicKey)).toBe(false);
    expect(verifyTransferSignature({ ...tx, signature: sig })).toBe(false);
  });
});

describe('transaction decoding errors', () => {
  const tx = signTransfer(unsigned(), PRIV);

  it('rejects an unknown version byte', () => {
    const raw = encodeTx(tx).slice();
    raw[0] = 2;
    expect(() => decodeTx(raw)).toThrow('unknown transaction version 2');
  });

  it('rejects truncation at every length', () => {
    const raw = encodeTx(tx);
    for (let n = 0; n < raw.length; n++) {
      expect(() => decodeTx(raw.subarray(0, n)), `length ${n}`).toThrow(DecodeError);
    }
    const cbRaw = encodeTx(coinbase());
    for (let n = 0; n < cbRaw.length; n++) {
      expect(() => decodeTx(cbRaw.subarray(0, n)), `coinbase length ${n}`).toThrow(DecodeError);
    }
  });

  it('rejects trailing bytes', () => {
    const raw = encodeTx(tx);
    const long = new Uint8Array(raw.length + 1);
    long.set(raw);
    expect(() => decodeTx(long)).toThrow('trailing bytes');
  });

  it('rejects a coinbase extra longer than 255 bytes', () => {
    const raw = encodeTx(coinbase({ extra: new Uint8Array(256) }));
    expect(() => decodeTx(raw)).toThrow('field longer than 255 bytes');
    expect(decodeTx(encodeTx(coinbase({ extra: new Uint8Array(255) })))).toEqual(coinbase({ extra: new Uint8Array(255) }));
  });

  it('decoded fields do not alias the input buffer', () => {
    const raw = encodeTx(tx).slice();
    const decoded = decodeTx(raw) as TransferTx;
    raw.fill(0);
    expect(verifyTransferSignature(decoded)).toBe(true);
    expect(txId(decoded)).toBe(txId(tx));
  });

  it('rejects wrong-length address/key/signature fields when encoding', () => {
    expect(() => encodeTx({ ...tx, to: new Uint8Array(19) })).toThrow(RangeError);
    expect(() => encodeTx({ ...tx, publicKey: new Uint8Array(65) })).toThrow(RangeError);
    expect(() => encodeTx({ ...tx, signature: new Uint8Array(65) })).toThrow(RangeError);
    expect(() => encodeTx(coinbase({ stateRoot: new Uint8Array(31) }))).toThrow(RangeError);
  });
});

describe('sighash cache', () => {
  it('a decoded transfer has the same sighash as the unsigned fields', () => {
    const tx = signTransfer(unsigned({ data: new Uint8Array(300).fill(1) }), PRIV);
    const decoded = decodeTx(encodeTx(tx).slice()) as TransferTx;
    expect(transferSigHash(decoded)).toEqual(transferSigHash(unsigned({ data: new Uint8Array(300).fill(1) })));
    expect(transferSigHash(tx)).toEqual(transferSigHash(decoded));
  });
});

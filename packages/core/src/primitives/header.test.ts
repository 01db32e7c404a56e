import { describe, it, expect } from 'vitest';
import { decodeHeader, encodeHeader, headerHash, headerId, HEADER_SIZE, type BlockHeader } from './header.js';
import { bytesToHex, hashToHex, hexToBytes, hexToHash } from '../encoding/bytes.js';
import { hashMeetsTarget, targetFromBits } from '../consensus/pow.js';
import { DecodeError } from '../encoding/reader.js';

const BITCOIN_GENESIS: BlockHeader = {
  version: 1,
  prevHash: new Uint8Array(32),
  merkleRoot: hexToHash('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b'),
  time: 1231006505,
  bits: 0x1d00ffff,
  nonce: 2083236893,
};
const BITCOIN_GENESIS_HEX =
  '01000000' +
  '0000000000000000000000000000000000000000000000000000000000000000' +
  '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a' +
  '29ab5f49' +
  'ffff001d' +
  '1dac2b7c';

const BLOCK_100000: BlockHeader = {
  version: 1,
  prevHash: hexToHash('000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250'),
  merkleRoot: hexToHash('f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766'),
  time: 1293623863,
  bits: 0x1b04864c,
  nonce: 274148111,
};
const BLOCK_100000_HEX =
  '0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710';

const NO_LIMIT = (1n << 256n) - 1n;

describe('Bitcoin genesis header', () => {
  it('encodes to the published 80 bytes', () => {
    const raw = encodeHeader(BITCOIN_GENESIS);
    expect(raw.length).toBe(HEADER_SIZE);
    expect(bytesToHex(raw)).toBe(BITCOIN_GENESIS_HEX);
  });

  it('hashes to 000000000019d6689c…', () => {
    expect(headerId(BITCOIN_GENESIS)).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(hashToHex(headerHash(BITCOIN_GENESIS))).toBe(headerId(BITCOIN_GENESIS));
    // Internal order has the zeros at the end.
    expect(bytesToHex(headerHash(BITCOIN_GENESIS)).endsWith('00000000')).toBe(true);
  });

  it('meets its own target, and fails with the nonce changed', () => {
    const target = targetFromBits(BITCOIN_GENESIS.bits, NO_LIMIT)!;
    expect(hashMeetsTarget(headerHash(BITCOIN_GENESIS), target)).toBe(true);
    expect(hashMeetsTarget(headerHash({ ...BITCOIN_GENESIS, nonce: BITCOIN_GENESIS.nonce + 1 }), target)).toBe(false);
  });

  it('decodes back field for field', () => {
    expect(decodeHeader(hexToBytes(BITCOIN_GENESIS_HEX))).toEqual(BITCOIN_GENESIS);
  });
});

describe('Bitcoin block 100000 header', () => {
  it('encodes to the published bytes and hashes to 000000000003ba27…', () => {
    expect(bytesToHex(encodeHeader(BLOCK_100000))).toBe(BLOCK_100000_HEX);
    expect(headerId(BLOCK_100000)).toBe('000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506');
    expect(hashMeetsTarget(headerHash(BLOCK_100000), targetFromBits(0x1b04864c, NO_LIMIT)!)).toBe(true);
  });

  it('round-trips through decodeHeader', () => {
    const decoded = decodeHeader(hexToBytes(BLOCK_100000_HEX));
    expect(decoded).toEqual(BLOCK_100000);
    expect(headerId(decoded)).toBe('000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506');
  });

  it('every field is covered by the hash', () => {
    const id = headerId(BLOCK_100000);
    const prev = BLOCK_100000.prevHash.slice();
    prev[0]! ^= 1;
    const merkle = BLOCK_100000.merkleRoot.slice();
    merkle[31]! ^= 0x80;
    for (const changed of [
      { ...BLOCK_100000, version: 2 },
      { ...BLOCK_100000, prevHash: prev },
      { ...BLOCK_100000, merkleRoot: merkle },
      { ...BLOCK_100000, time: BLOCK_100000.time + 1 },
      { ...BLOCK_100000, bits: BLOCK_100000.bits + 1 },
      { ...BLOCK_100000, nonce: (BLOCK_100000.nonce ^ 0x80000000) >>> 0 },
    ]) {
      expect(headerId(changed)).not.toBe(id);
    }
  });
});

describe('header decoding errors', () => {
  it('rejects truncated and over-long input', () => {
    const raw = hexToBytes(BLOCK_100000_HEX);
    expect(() => decodeHeader(raw.subarray(0, 79))).toThrow(DecodeError);
    const long = new Uint8Array(81);
    long.set(raw);
    expect(() => decodeHeader(long)).toThrow('trailing bytes');
  });

  it('rejects hashes of the wrong length when encoding', () => {
    expect(() => encodeHeader({ ...BLOCK_100000, prevHash: new Uint8Array(31) })).toThrow(RangeError);
  });

  it('decoded hashes do not alias the input buffer', () => {
    const raw = hexToBytes(BLOCK_100000_HEX);
    const h = decodeHeader(raw);
    raw.fill(0);
    expect(headerId(h)).toBe('000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506');
  });
});

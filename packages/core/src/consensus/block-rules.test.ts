import { describe, it, expect } from 'vitest';
import { checkBlockSanity, checkHeaderContext, checkProofOfWork, type HeaderContext } from './block-rules.js';
import { NETWORKS, type ConsensusParams } from './params.js';
import { hashMeetsTarget, targetFromBits } from './pow.js';
import { powLimit } from './difficulty.js';
import { computeMerkleRoot, type Block } from '../primitives/block.js';
import { headerHash, type BlockHeader } from '../primitives/header.js';
import { signTransfer, type CoinbaseTx, type Transaction, type TransferTx } from '../primitives/transaction.js';
import { hexToBytes } from '../encoding/bytes.js';
import { parseAddress } from '../primitives/address.js';
import { genesisBlock } from './genesis.js';
import { expectReject } from '../test-support/expect-reject.js';

const params = NETWORKS.regtest;
const PRIV = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
const MINER = parseAddress('0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB');
const TO = parseAddress('0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb');

function coinbase(over: Partial<CoinbaseTx> = {}): CoinbaseTx {
  return {
    kind: 'coinbase',
    chainId: params.chainId,
    height: 1,
    to: MINER,
    amount: 50n * 100_000_000n + 200n,
    stateRoot: new Uint8Array(32).fill(7),
    extra: hexToBytes('deadbeef'),
    ...over,
  };
}

function transfer(nonce: bigint, chainId = params.chainId): TransferTx {
  return signTransfer(
    { kind: 'transfer', chainId, nonce, fee: 100n, to: TO, amount: 1_000n + nonce, data: new Uint8Array(0) },
    PRIV,
  );
}

/** Finds the first nonce that meets the header's own target. */
function mine(header: BlockHeader, p: ConsensusParams = params): BlockHeader {
  const target = targetFromBits(header.bits, powLimit(p));
  if (target === null) throw new Error('bad bits in test');
  for (let nonce = 0; nonce < 1_000_000; nonce++) {
    const h = { ...header, nonce };
    if (hashMeetsTarget(headerHash(h), target)) return h;
  }
  throw new Error('no nonce found');
}

/** A valid regtest block over txs, with the merkle root committed and the header mined. */
function buildBlock(txs: Transaction[], bits = params.powLimitBits, p: ConsensusParams = params): Block {
  const header = mine(
    {
      version: p.blockVersion,
      prevHash: headerHash(genesisBlock(p).header),
      merkleRoot: computeMerkleRoot(txs),
      time: p.genesis.time + 60,
      bits,
      nonce: 0,
    },
    p,
  );
  return { header, txs };
}

const T1 = transfer(0n);
const T2 = transfer(1n);
const VALID = buildBlock([coinbase(), T1, T2]);

describe('checkProofOfWork', () => {
  it('accepts the mined block', () => {
    expect(checkProofOfWork(VALID.header, params)).toBeUndefined();
  });

  it('rejects a bad nonce at a hard target with high-hash', () => {
    const hard = { ...VALID.header, bits: 0x1d00ffff };
    expect(targetFromBits(0x1d00ffff, powLimit(params))).not.toBeNull();
    expect(hashMeetsTarget(headerHash(hard), 0xffffn << 208n)).toBe(false);
    expectReject(() => checkProofOfWork(hard, params), 'high-hash');
  });

  it('rejects bits that are negative, zero, overflowing or above powLimit with bad-diffbits', () => {
    for (const bits of [0, 0x04923456, 0x01003456, 0xff123456, 0x2100ffff]) {
      expectReject(() => checkProofOfWork({ ...VALID.header, bits }, params), 'bad-diffbits');
    }
    // regtest-easy bits are above main's limit
    expectReject(() => checkProofOfWork(VALID.header, NETWORKS.main), 'bad-diffbits');
  });
});

describe('checkBlockSanity', () => {
  it('accepts a valid regtest block', () => {
    expect(checkBlockSanity(VALID, params)).toBeUndefined();
    expect(checkBlockSanity(buildBlock([coinbase()]), params)).toBeUndefined();
  });

  it('bad-merkle-root when the transactions do not match the header', () => {
    expectReject(() => checkBlockSanity({ header: VALID.header, txs: [coinbase(), T1] }, params), 'bad-merkle-root');
    expectReject(() => checkBlockSanity({ header: VALID.header, txs: [coinbase(), T2, T1] }, params), 'bad-merkle-root');
    expectReject(() => checkBlockSanity({ header: VALID.header, txs: [coinbase({ height: 2 }), T1, T2] }, params), 'bad-merkle-root');
  });

  it('bad-cb-missing for an empty block or a block not starting with a coinbase', () => {
    expectReject(() => checkBlockSanity(buildBlock([]), params), 'bad-cb-missing');
    expectReject(() => checkBlockSanity(buildBlock([T1, T2]), params), 'bad-cb-missing');
  });

  it('bad-cb-multiple for a second coinbase', () => {
    expectReject(() => checkBlockSanity(buildBlock([coinbase(), T1, coinbase({ height: 2 })]), params), 'bad-cb-multiple');
  });

  it('bad-txns-duplicate for a repeated transaction', () => {
    expectReject(() => checkBlockSanity(buildBlock([coinbase(), T1, T1]), params), 'bad-txns-duplicate');
    // A separately built but identical transaction is the same transaction.
    expectReject(() => checkBlockSanity(buildBlock([coinbase(), T1, T2, transfer(0n)]), params), 'bad-txns-duplicate');
  });

  it('bad-txns-duplicate closes CVE-2012-2459: the mutated block keeps the valid header', () => {
    // [cb, T1, T2] and [cb, T1, T2, T2] have the same merkle root, so the original
    // header (and its proof of work) fits the mutated body too.
    const mutated: Block = { header: VALID.header, txs: [coinbase(), T1, T2, T2] };
    expect(computeMerkleRoot(mutated.txs)).toEqual(VALID.header.merkleRoot);
    expectReject(() => checkBlockSanity(mutated, params), 'bad-txns-duplicate');
  });

  it('high-hash before anything else', () => {
    expectReject(() => checkBlockSanity({ ...VALID, header: { ...VALID.header, bits: 0x1d00ffff } }, params), 'high-hash');
  });

  it('bad-diffbits for bits above the limit', () => {
    expectReject(() => checkBlockSanity({ ...VALID, header: { ...VALID.header, bits: 0x2100ffff } }, params), 'bad-diffbits');
    expectReject(() => checkBlockSanity(VALID, NETWORKS.main), 'bad-diffbits');
  });

  it('bad-cb-chainid for a coinbase of another network', () => {
    expectReject(() => checkBlockSanity(buildBlock([coinbase({ chainId: NETWORKS.main.chainId })]), params), 'bad-cb-chainid');
  });

  it('bad-cb-extra for a coinbase extra over maxCoinbaseExtra', () => {
    expect(() => checkBlockSanity(buildBlock([coinbase({ extra: new Uint8Array(params.maxCoinbaseExtra) })]), params)).not.toThrow();
    expectReject(
      () => checkBlockSanity(buildBlock([coinbase({ extra: new Uint8Array(params.maxCoinbaseExtra + 1) })]), params),
      'bad-cb-extra',
    );
  });

  it('bad-txns-chainid for a transfer of another network inside the block', () => {
    expectReject(() => checkBlockSanity(buildBlock([coinbase(), transfer(0n, NETWORKS.test.chainId)]), params), 'bad-txns-chainid');
  });

  it('bad-blk-txns and bad-blk-length against the limits', () => {
    const few = { ...params, maxBlockTxs: 2 };
    expect(() => checkBlockSanity(buildBlock([coinbase(), T1], few.powLimitBits, few), few)).not.toThrow();
    expectReject(() => checkBlockSanity(VALID, few), 'bad-blk-txns');
    const small = { ...params, maxBlockSize: 300 };
    expectReject(() => checkBlockSanity(VALID, small), 'bad-blk-length');
  });
});

describe('checkHeaderContext', () => {
  const header = VALID.header;
  const ok: HeaderContext = { expectedBits: header.bits, medianTimePast: header.time - 1, now: header.time, height: 1, prevTime: header.time - 1 };

  it('accepts a header that fits its context', () => {
    expect(checkHeaderContext(header, ok, params)).toBeUndefined();
    // Up to exactly 2 hours in the future is fine.
    expect(() => checkHeaderContext(header, { ...ok, now: header.time - params.maxFutureBlockTime }, params)).not.toThrow();
  });

  it('time-too-old at or below the median time past', () => {
    expectReject(() => checkHeaderContext(header, { ...ok, medianTimePast: header.time }, params), 'time-too-old');
    expectReject(() => checkHeaderContext(header, { ...ok, medianTimePast: header.time + 100 }, params), 'time-too-old');
  });

  it('time-too-new more than 2 hours ahead, with misbehaviour score 0', () => {
    const err = expectReject(
      () => checkHeaderContext(header, { ...ok, now: header.time - params.maxFutureBlockTime - 1 }, params),
      'time-too-new',
    );
    expect(err.score).toBe(0);
    expect(params.maxFutureBlockTime).toBe(7200);
  });

  it('bad-diffbits when bits differ from the expected value', () => {
    expectReject(() => checkHeaderContext(header, { ...ok, expectedBits: 0x1d00ffff }, params), 'bad-diffbits');
    expectReject(() => checkHeaderContext({ ...header, bits: header.bits - 1 }, ok, params), 'bad-diffbits');
  });

  it('time-timewarp-attack: the first block of a retarget window at most maxTimewarp before its parent', () => {
    const main = NETWORKS.main;
    const h = { ...header, bits: main.powLimitBits };
    const start: HeaderContext = { ...ok, expectedBits: h.bits, medianTimePast: h.time - 5_000, height: 20, prevTime: h.time + main.maxTimewarp };
    expect(main.maxTimewarp).toBe(600);
    expect(() => checkHeaderContext(h, start, main)).not.toThrow();
    expectReject(() => checkHeaderContext(h, { ...start, prevTime: start.prevTime + 1 }, main), 'time-timewarp-attack');
    // Inside a window, and on regtest (no retargeting), only the median-time-past rule bounds a step back.
    expect(() => checkHeaderContext(h, { ...start, height: 21, prevTime: start.prevTime + 1 }, main)).not.toThrow();
    expect(() => checkHeaderContext(header, { ...start, expectedBits: header.bits, prevTime: start.prevTime + 1 }, params)).not.toThrow();
  });

  it('bad-version below the network block version', () => {
    expectReject(() => checkHeaderContext({ ...header, version: 0 }, ok, params), 'bad-version');
    expect(() => checkHeaderContext({ ...header, version: 2 }, ok, params)).not.toThrow();
  });
});

import { describe, it, expect } from 'vitest';
import { genesisBlock } from './genesis.js';
import { checkBlockSanity, checkProofOfWork } from './block-rules.js';
import { getParams, NETWORKS, type NetworkName } from './params.js';
import { headerId, headerHash } from '../primitives/header.js';
import { txHash, utf8ToBytes } from '../index.js';
import { hashMeetsTarget, targetFromBits } from './pow.js';
import { powLimit } from './difficulty.js';

// Pinned: any change to header/tx encoding, hashing or genesis parameters changes these.
const IDS: Record<NetworkName, string> = {
  main: '0000946f661afbd217f4c629c0caf51bfb067dafcef550b73a084ef5ffd390ae',
  test: '0000da05a4a02df631bd2fe7c24e7e765cefc0815ab13b01264d04dd8384018d',
  regtest: '5deb2e337542e7a3b746ea4400ea6e2ab78f2b6fba7408182610fa50beac9ec7',
};

describe('genesis blocks', () => {
  for (const name of ['main', 'test', 'regtest'] as const) {
    describe(name, () => {
      const params = NETWORKS[name];
      const g = genesisBlock(params);

      it('has the pinned id', () => {
        expect(headerId(g.header)).toBe(IDS[name]);
      });

      it('passes checkProofOfWork and checkBlockSanity', () => {
        expect(checkProofOfWork(g.header, params)).toBeUndefined();
        expect(checkBlockSanity(g, params)).toBeUndefined();
      });

      it('is built from the genesis spec', () => {
        expect(g.header.version).toBe(params.blockVersion);
        expect(g.header.prevHash).toEqual(new Uint8Array(32));
        expect(g.header.time).toBe(params.genesis.time);
        expect(g.header.bits).toBe(params.genesis.bits);
        expect(g.header.bits).toBe(params.powLimitBits);
        expect(g.header.nonce).toBe(params.genesis.nonce);
        expect(g.txs.length).toBe(1);
        const cb = g.txs[0]!;
        expect(cb.kind).toBe('coinbase');
        if (cb.kind !== 'coinbase') return;
        expect(cb.height).toBe(0);
        expect(cb.amount).toBe(0n);
        expect(cb.to).toEqual(new Uint8Array(20));
        expect(cb.stateRoot).toEqual(new Uint8Array(32));
        expect(cb.chainId).toBe(params.chainId);
        expect(cb.extra).toEqual(utf8ToBytes(params.genesis.message));
        expect(g.header.merkleRoot).toEqual(txHash(cb));
      });

      it('is the first nonce meeting the target (mined honestly from 0)', () => {
        const target = targetFromBits(g.header.bits, powLimit(params))!;
        expect(hashMeetsTarget(headerHash(g.header), target)).toBe(true);
        // Spot-check the nonce just below does not meet it.
        if (g.header.nonce > 0) {
          expect(hashMeetsTarget(headerHash({ ...g.header, nonce: g.header.nonce - 1 }), target)).toBe(false);
        }
      });

      it('is deterministic', () => {
        expect(headerId(genesisBlock(params).header)).toBe(IDS[name]);
      });
    });
  }

  it('networks have distinct chain ids and genesis ids', () => {
    const ids = new Set(Object.values(NETWORKS).map((p) => p.chainId));
    expect(ids.size).toBe(3);
    expect(new Set(Object.values(IDS)).size).toBe(3);
  });

  it('getParams resolves known networks and rejects others', () => {
    expect(getParams('main')).toBe(NETWORKS.main);
    expect(getParams('regtest').noRetargeting).toBe(true);
    expect(() => getParams('mainnet')).toThrow('unknown network "mainnet" (expected main, test or regtest)');
  });
});

import { describe, expect, it } from 'vitest';
import { LightClient, NETWORKS, encodeHeader, genesisBlock, hashMeetsTarget, headerHash, targetFromBits, type BlockHeader, type ProofSource } from '@hackcoin/core';
import { asSavedHeaders } from './header-store';
import { verifyAccount, verifyStorage } from './verified-state';

const params = NETWORKS.regtest;

/** `n` regtest headers after genesis, a second apart (regtest's spacing, no retargeting). */
function regtestHeaders(n: number): Uint8Array[] {
  const limit = targetFromBits(params.powLimitBits, 1n << 256n)!;
  let parent = genesisBlock(params).header;
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const h: BlockHeader = { version: 1, prevHash: headerHash(parent), merkleRoot: new Uint8Array(32), time: parent.time + 1, bits: params.powLimitBits, nonce: 0 };
    while (!hashMeetsTarget(headerHash(h), limit)) h.nonce++;
    out.push(encodeHeader(h));
    parent = h;
  }
  return out;
}

describe('the headers the wallet stores', () => {
  const all = regtestHeaders(2_600);
  const now = genesisBlock(params).header.time + 10_000;
  const node: ProofSource = {
    headers: async (from) => ({ headers: all.slice(from - 1, from - 1 + 2_000), chainWork: 0n }),
    accountProof: () => Promise.reject(new Error('not used')),
    storageProof: () => Promise.reject(new Error('not used')),
  };

  it('let a reload past the window carry on from its tip, asking the node for nothing before it', async () => {
    const first = new LightClient(node, params, 6, () => now);
    await first.sync();
    expect(first.headers.lowest).toBeGreaterThan(1);
    const stored = asSavedHeaders(first.headers.saved());
    expect(stored!.headers.length).toBeLessThan(2_100);
    const asked: number[] = [];
    const reloaded = new LightClient({ ...node, headers: (from) => (asked.push(from), node.headers(from)) }, params, 6, () => now);
    expect(reloaded.headers.restore(stored!, now)).toBe(true);
    await reloaded.sync();
    expect(asked).toEqual([2_601]);
    expect([reloaded.headers.tip.id, reloaded.headers.tip.chainWork, reloaded.anchor.id]).toEqual([first.headers.tip.id, first.headers.tip.chainWork, first.anchor.id]);
  });

  it('are not taken from an older wallet, which kept a list from height 1, nor from anything else', () => {
    expect(asSavedHeaders({ 1: all[0], 2: all[1] })).toBeUndefined();
    expect(asSavedHeaders({ height: 0, chainWork: 1n, headers: [] })).toBeUndefined();
    expect(asSavedHeaders({ height: 5, chainWork: '1', headers: [] })).toBeUndefined();
    expect(asSavedHeaders(undefined)).toBeUndefined();
  });
});

describe('verifying an address', () => {
  it('refuses a mixed-case spelling with a bad checksum on its own, before any run it could share with the valid spelling', async () => {
    const valid = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
    const badChecksum = '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
    await expect(verifyAccount('regtest', badChecksum)).rejects.toThrow(/checksum/);
    await expect(verifyStorage('regtest', badChecksum, 'x')).rejects.toThrow(/checksum/);
    expect(valid.toLowerCase()).toBe(badChecksum.toLowerCase());
  });
});

import { describe, expect, it } from 'vitest';
import { HeaderChain, NETWORKS, encodeHeader, genesisBlock, hashMeetsTarget, headerHash, targetFromBits, type BlockHeader } from '@hackcoin/core';
import { storableHeaders, verifyAccount, verifyStorage } from './verified-state';

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

describe('the headers the wallet caches', () => {
  const all = regtestHeaders(2_600);
  const now = genesisBlock(params).header.time + 10_000;

  it('are the whole chain from height 1 while the light client holds it all', () => {
    const chain = HeaderChain.fromGenesis(params);
    chain.submit(all.slice(0, 1_500), 1, now);
    expect(storableHeaders(chain)).toEqual(all.slice(0, 1_500));
  });

  it('are none once the client keeps only its recent window, where reading from height 1 threw', () => {
    const chain = HeaderChain.fromGenesis(params);
    for (let i = 0; i < all.length; i += 2_000) chain.submit(all.slice(i, i + 2_000), i + 1, now);
    expect(chain.height).toBe(2_600);
    expect(chain.lowest).toBeGreaterThan(1);
    expect(storableHeaders(chain)).toBeUndefined();
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

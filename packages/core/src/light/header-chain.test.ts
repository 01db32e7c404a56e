import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { HeaderChain, MAX_HEADER_BATCH } from './header-chain.js';
import { NETWORKS, type ConsensusParams } from '../consensus/params.js';
import { genesisBlock } from '../consensus/genesis.js';
import { nextWorkRequired, medianTimePast } from '../consensus/difficulty.js';
import { targetFromBits, hashMeetsTarget, workFromBits } from '../consensus/pow.js';
import { encodeHeader, headerHash, type BlockHeader } from '../primitives/header.js';
import { expectReject } from '../test-support/expect-reject.js';

/** The test network's rules with an easy limit, so headers mine in a few hashes and retargets still run. */
const params: ConsensusParams = {
  ...NETWORKS.test,
  powLimitBits: 0x207fffff,
  genesis: { ...NETWORKS.test.genesis, bits: 0x207fffff },
};
const LIMIT = targetFromBits(0x207fffff, 1n << 256n)!;
const NOW = params.genesis.time + 1_000_000;

function mine(h: BlockHeader): BlockHeader {
  const target = targetFromBits(h.bits, LIMIT)!;
  const out = { ...h };
  while (!hashMeetsTarget(headerHash(out), target)) out.nonce++;
  return out;
}

/** Honest headers after `base` (a list that starts at genesis), one per gap from `gaps` seconds. */
function extend(base: readonly BlockHeader[], gaps: readonly number[], tag = 0): BlockHeader[] {
  const chain = [...base];
  for (const gap of gaps) {
    const height = chain.length;
    const parent = chain[height - 1]!;
    const bits = nextWorkRequired({ height, prevBits: parent.bits, timeAt: (h) => chain[h]!.time }, params);
    const mtp = medianTimePast(chain.slice(-params.medianTimeSpan).map((x) => x.time));
    const time = Math.max(mtp + 1, parent.time + gap);
    chain.push(mine({ version: 1, prevHash: headerHash(parent), merkleRoot: new Uint8Array(32).fill(tag), time, bits, nonce: 0 }));
  }
  return chain.slice(base.length);
}

const GENESIS = genesisBlock(params).header;
const gapsArb = fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 30 });

describe('HeaderChain', () => {
  it('accepts an honest chain across retargets and sums its work', () => {
    fc.assert(
      fc.property(gapsArb, (gaps) => {
        const headers = extend([GENESIS], gaps);
        const chain = HeaderChain.fromGenesis(params);
        expect(chain.submit(headers.map(encodeHeader), 1, NOW)).toBe(true);
        expect(chain.height).toBe(gaps.length);
        const work = [GENESIS, ...headers].reduce((s, h) => s + workFromBits(h.bits), 0n);
        expect(chain.tip.chainWork).toBe(work);
        expect(chain.tip.hash).toEqual(headerHash(headers[headers.length - 1]!));
      }),
      { numRuns: 15 },
    );
  });

  it('rejects a header whose bits are not what the retarget rule demands', () => {
    const headers = extend([GENESIS], new Array(12).fill(1));
    // Fast blocks: the retarget at height 10 must make the target harder.
    expect(headers[9]!.bits).not.toBe(headers[8]!.bits);
    const forged = [...headers.slice(0, 9), mine({ ...headers[9]!, bits: headers[8]!.bits })];
    expectReject(() => HeaderChain.fromGenesis(params).submit(forged.map(encodeHeader), 1, NOW), 'bad-diffbits');
  });

  it('rejects insufficient proof of work, a broken link, a stale time and a time warp', () => {
    const headers = extend([GENESIS], new Array(12).fill(30));
    const raw = headers.map(encodeHeader);
    let bad = { ...headers[3]! };
    while (hashMeetsTarget(headerHash(bad), targetFromBits(bad.bits, LIMIT)!)) bad = { ...bad, nonce: bad.nonce + 1 };
    expectReject(() => HeaderChain.fromGenesis(params).submit([...raw.slice(0, 3), encodeHeader(bad)], 1, NOW), 'high-hash');

    const unlinked = mine({ ...headers[2]!, prevHash: new Uint8Array(32).fill(7) });
    expectReject(() => HeaderChain.fromGenesis(params).submit([raw[0]!, raw[1]!, encodeHeader(unlinked)], 1, NOW), 'bad-prevblk');

    const old = mine({ ...headers[5]!, time: GENESIS.time });
    expectReject(() => HeaderChain.fromGenesis(params).submit([...raw.slice(0, 5), encodeHeader(old)], 1, NOW), 'time-too-old');

    const future = mine({ ...headers[0]!, time: NOW + params.maxFutureBlockTime + 1 });
    expectReject(() => HeaderChain.fromGenesis(params).submit([encodeHeader(future)], 1, NOW), 'time-too-new');

    // Height 10 opens a window: it may not step back more than maxTimewarp behind height 9.
    const leap = extend([GENESIS], [...new Array(8).fill(30), 2_000]);
    const warped = extend([GENESIS, ...leap], [0])[0]!;
    const back = mine({ ...warped, time: leap[8]!.time - params.maxTimewarp - 1 });
    const mtp = medianTimePast([GENESIS, ...leap].slice(-11).map((h) => h.time));
    expect(back.time).toBeGreaterThan(mtp);
    expectReject(() => HeaderChain.fromGenesis(params).submit([...leap, back].map(encodeHeader), 1, NOW), 'time-timewarp-attack');
  });

  it('starts from its own network genesis only', () => {
    const other = extend([genesisBlock(NETWORKS.regtest).header], [1, 1]);
    expectReject(() => HeaderChain.fromGenesis(params).submit(other.map(encodeHeader), 1, NOW), 'bad-prevblk');
  });

  it('follows the branch with the most work whatever order branches arrive in', () => {
    fc.assert(
      fc.property(gapsArb, gapsArb, fc.integer({ min: 0, max: 10 }), fc.boolean(), (gapsA, gapsB, forkAt, aFirst) => {
        const trunk = extend([GENESIS], new Array(forkAt).fill(60));
        const a = extend([GENESIS, ...trunk], gapsA, 1);
        const b = extend([GENESIS, ...trunk], gapsB, 2);
        const chain = HeaderChain.fromGenesis(params);
        chain.submit(trunk.map(encodeHeader), 1, NOW);
        const from = trunk.length + 1;
        const order = aFirst ? [a, b] : [b, a];
        for (const branch of order) chain.submit(branch.map(encodeHeader), from, NOW);
        const work = (br: BlockHeader[]): bigint => br.reduce((s, h) => s + workFromBits(h.bits), 0n);
        const [first, second] = order;
        const expected = work(second!) > work(first!) ? second! : first!;
        expect(chain.tip.hash).toEqual(headerHash(expected[expected.length - 1]!));
        expect(chain.height).toBe(trunk.length + expected.length);
      }),
      { numRuns: 15 },
    );
  });

  it('keeps its chain when a batch fails part way', () => {
    const headers = extend([GENESIS], [60, 60, 60]);
    const chain = HeaderChain.fromGenesis(params);
    chain.submit(headers.slice(0, 1).map(encodeHeader), 1, NOW);
    const broken = [...headers.slice(1).map(encodeHeader)];
    broken[1] = new Uint8Array(80);
    expectReject(() => chain.submit(broken, 2, NOW), 'bad-prevblk');
    expect(chain.height).toBe(1);
    expectReject(() => chain.submit([new Uint8Array(79)], 2, NOW), 'bad-blk-length');
  });
  it('adopts a heavier branch from height 1 after its window slid and shrank, holding exactly that branch', () => {
    const a = extend([GENESIS], new Array(MAX_HEADER_BATCH + 13).fill(30));
    const chain = HeaderChain.fromGenesis(params);
    chain.submit(a.slice(0, MAX_HEADER_BATCH).map(encodeHeader), 1, NOW);
    chain.submit(a.slice(MAX_HEADER_BATCH).map(encodeHeader), MAX_HEADER_BATCH + 1, NOW);
    expect(chain.lowest).toBeGreaterThan(1);
    // A heavier branch from height 14 (faster blocks raise the difficulty) leaves the window short of its capacity.
    const b = extend([GENESIS, ...a.slice(0, 13)], new Array(60).fill(0), 1);
    expect(chain.submit(b.map(encodeHeader), 14, NOW)).toBe(true);
    expect(chain.height).toBe(73);
    // Heavier still, from height 1: its parent is the genesis anchor.
    const c = extend([GENESIS], new Array(80).fill(0), 2);
    expect(chain.submit(c.map(encodeHeader), 1, NOW)).toBe(true);
    expect([chain.height, chain.tip.height, chain.lowest]).toEqual([80, 80, 1]);
    for (const h of [1, 40, 80]) expect(chain.at(h)!.hash).toEqual(headerHash(c[h - 1]!));
  });

  it('follows a heavier fork from its lowest header after a reorg to a shorter branch, and refuses one below it', () => {
    const a = extend([GENESIS], new Array(MAX_HEADER_BATCH + 100).fill(params.targetSpacing));
    const chain = HeaderChain.fromGenesis(params);
    chain.submit(a.slice(0, MAX_HEADER_BATCH).map(encodeHeader), 1, NOW);
    chain.submit(a.slice(MAX_HEADER_BATCH).map(encodeHeader), MAX_HEADER_BATCH + 1, NOW);
    // Fast blocks from the deepest fork allowed outweigh a's 2,000 within 50: the tip drops from 2,100 to 150.
    const b = extend([GENESIS, ...a.slice(0, 100)], new Array(50).fill(0), 1);
    expect(chain.submit(b.map(encodeHeader), 101, NOW)).toBe(true);
    expect(chain.height).toBe(150);
    const trunk = [...a.slice(0, 100), ...b];
    // The median time and retarget checks of a fork from the lowest header reach ten headers below it.
    const low = chain.lowest;
    expect(chain.at(low)!.hash).toEqual(headerHash(trunk[low - 1]!));
    const c = extend([GENESIS, ...trunk.slice(0, low)], new Array(151 - low).fill(0), 2);
    expect(chain.submit(c.map(encodeHeader), low + 1, NOW)).toBe(true);
    expect(chain.tip.hash).toEqual(headerHash(c[c.length - 1]!));
    expect(chain.height).toBe(151);
    expect(chain.lowest).toBe(low);

    const under = extend([GENESIS, ...trunk.slice(0, low - 1)], new Array(160 - low).fill(0), 3);
    expect(expectReject(() => chain.submit(under.map(encodeHeader), low, NOW), 'bad-prevblk').detail).toMatch(/below the headers held/);
    expect(chain.tip.hash).toEqual(headerHash(c[c.length - 1]!));
  });

  it('holds only its recent window and still follows a fork as deep as the reorg limit', () => {
    const headers = extend([GENESIS], new Array(5_000).fill(30));
    const raw = headers.map(encodeHeader);
    const chain = HeaderChain.fromGenesis(params);
    for (let i = 0; i < raw.length; i += MAX_HEADER_BATCH) chain.submit(raw.slice(i, i + MAX_HEADER_BATCH), i + 1, NOW);
    // Readable from the deepest fork point the reorg limit allows.
    expect(chain.height).toBe(5_000);
    expect(chain.lowest).toBe(5_000 - MAX_HEADER_BATCH);
    expect(chain.at(chain.lowest - 1)).toBeUndefined();
    expect(chain.at(chain.lowest)!.hash).toEqual(headerHash(headers[chain.lowest - 1]!));
    expect(chain.at(0)!.hash).toEqual(headerHash(GENESIS));
    expect(chain.tip.chainWork).toBe([GENESIS, ...headers].reduce((s, h) => s + workFromBits(h.bits), 0n));

    // The deepest branch allowed (it reaches back below its fork point for median time and retarget) is checked, not taken: equal work.
    const deepest = 5_000 - MAX_HEADER_BATCH + 1;
    const equal = extend([GENESIS, ...headers.slice(0, deepest - 1)], new Array(MAX_HEADER_BATCH).fill(30), 1);
    expect(chain.submit(equal.map(encodeHeader), deepest, NOW)).toBe(false);
    const heavier = extend([GENESIS, ...headers.slice(0, deepest)], new Array(MAX_HEADER_BATCH).fill(30), 2);
    expect(chain.submit(heavier.map(encodeHeader), deepest + 1, NOW)).toBe(true);
    expect(chain.height).toBe(5_001);
    expect(chain.at(deepest)!.hash).toEqual(headerHash(headers[deepest - 1]!));
    expect(chain.at(deepest + 1)!.hash).toEqual(headerHash(heavier[0]!));
    expect(chain.lowest).toBe(5_001 - MAX_HEADER_BATCH);
    expectReject(() => chain.submit(equal.map(encodeHeader), deepest, NOW), 'bad-prevblk');
  });
});

describe('HeaderChain saved and restored', () => {
  const headers = extend([GENESIS], new Array(3_000).fill(params.targetSpacing));
  const synced = HeaderChain.fromGenesis(params);
  for (let i = 0; i < headers.length; i += MAX_HEADER_BATCH) synced.submit(headers.slice(i, i + MAX_HEADER_BATCH).map(encodeHeader), i + 1, NOW);

  it('resumes a slid window with its tip, work and readable headers, and follows the deepest fork as before', () => {
    const saved = synced.saved();
    // Bounded by the window: the reorg limit, its fork point and the look-back below it.
    expect(saved.headers.length).toBe(MAX_HEADER_BATCH + Math.max(params.medianTimeSpan, params.retargetInterval + 1));
    const chain = HeaderChain.fromGenesis(params);
    expect(chain.restore(saved, NOW)).toBe(true);
    expect([chain.height, chain.lowest, chain.tip.id, chain.tip.chainWork]).toEqual([3_000, synced.lowest, synced.tip.id, synced.tip.chainWork]);
    expect(chain.at(chain.lowest)!.id).toBe(synced.at(synced.lowest)!.id);
    expect(chain.at(chain.lowest - 1)).toBeUndefined();
    // From the lowest header, whose checks read the whole look-back: two fast windows make it outweigh 2,000 blocks within 150.
    const gaps = [...new Array(20).fill(0), ...new Array(130).fill(params.targetSpacing)];
    const heavier = extend([GENESIS, ...headers.slice(0, chain.lowest)], gaps, 1);
    expect(chain.submit(heavier.map(encodeHeader), chain.lowest + 1, NOW)).toBe(true);
    expect(chain.tip.hash).toEqual(headerHash(heavier[heavier.length - 1]!));
  });

  it('checks a window that never slid from genesis, trusting nothing saved', () => {
    const short = HeaderChain.fromGenesis(params);
    short.submit(headers.slice(0, 30).map(encodeHeader), 1, NOW);
    const saved = short.saved();
    expect(saved.height).toBe(1);
    const chain = HeaderChain.fromGenesis(params);
    expect(chain.restore(saved, NOW)).toBe(true);
    expect(chain.tip.id).toBe(short.tip.id);
    // Even the first headers, which a slid window takes as saved, are checked against genesis.
    const forged = [...saved.headers.slice(0, 4), encodeHeader(mine({ ...headers[4]!, time: GENESIS.time }))];
    const fresh = HeaderChain.fromGenesis(params);
    expectReject(() => fresh.restore({ ...saved, headers: forged }, NOW), 'time-too-old');
    expect(fresh.height).toBe(0);
  });

  it('refuses a slid window with a bad header past its look-back, or one too short to hold what it keeps, leaving only genesis', () => {
    const saved = synced.saved();
    const lookBack = Math.max(params.medianTimeSpan, params.retargetInterval + 1);
    const i = lookBack + 5;
    const forged = [...saved.headers];
    forged[i] = encodeHeader(mine({ ...headers[saved.height + i - 1]!, time: GENESIS.time }));
    const chain = HeaderChain.fromGenesis(params);
    expectReject(() => chain.restore({ ...saved, headers: forged }, NOW), 'time-too-old');
    expect(chain.height).toBe(0);
    const unlinked = [...saved.headers];
    unlinked[1] = encodeHeader(mine({ ...headers[saved.height]!, prevHash: new Uint8Array(32).fill(7) }));
    expectReject(() => chain.restore({ ...saved, headers: unlinked }, NOW), 'bad-prevblk');
    expect(chain.height).toBe(0);
    expect(chain.restore({ ...saved, headers: saved.headers.slice(0, -1) }, NOW)).toBe(false);
    expect(chain.height).toBe(0);
    // A client that keeps more than was saved syncs from genesis instead.
    expect(HeaderChain.fromGenesis(params, MAX_HEADER_BATCH * 2).restore(saved, NOW)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { NETWORKS, decodeCompact, decodeHeader, hashMeetsTarget, hashToHex, headerHash, medianTimePast, workFromBits, type BlockHeader } from '@hackcoin/core';
import { Status, makeEntry, type ChainEntry } from '../chain/entry.js';
import { decodeHeaders } from './messages.js';
import { LIMITS } from './protocol.js';
import { headersAfter } from './serve.js';
import { Syncer } from './sync.js';
import type { SyncClient } from './sync-client.js';
import { FakePeers, testLog } from './test-peers.js';

/**
 * Forks deeper than the block locator is dense. Past its first ten entries the locator's steps
 * double, so it has a gap of 2,048 blocks around 2,060 deep: a peer on a fork from inside that
 * gap answers with 2,000 headers we already have. These chains are headers only, in memory (a
 * few thousand LevelDB blocks would take the test a minute), under the real Syncer and server.
 */
const params = NETWORKS.regtest;
const target = decodeCompact(params.powLimitBits).target;
const T0 = Math.floor(Date.now() / 1000) - 100_000;

class HeaderChain {
  readonly params = params;
  private readonly index = new Map<string, ChainEntry>();
  private readonly main: ChainEntry[];

  constructor(genesis: ChainEntry) {
    this.index.set(genesis.id, genesis);
    this.main = [genesis];
  }

  /** A copy sharing this chain's first `height + 1` blocks. */
  branch(height: number): HeaderChain {
    const c = new HeaderChain(this.main[0]!);
    for (const e of this.main.slice(1, height + 1)) c.push(e);
    return c;
  }

  push(e: ChainEntry): void {
    this.index.set(e.id, e);
    this.main.push(e);
  }

  extend(n: number, salt: number): void {
    for (let i = 0; i < n; i++) this.push(child(this.tip, salt));
  }

  get tip(): ChainEntry {
    return this.main[this.main.length - 1]!;
  }
  get height(): number {
    return this.tip.height;
  }
  getEntry(id: string): ChainEntry | undefined {
    return this.index.get(id);
  }
  getEntryByHeight(h: number): ChainEntry | undefined {
    return this.main[h];
  }
  isMain(e: ChainEntry): boolean {
    return this.main[e.height] === e;
  }
  canServe(): boolean {
    return true;
  }
  async getRawBlock(): Promise<null> {
    return null;
  }
  nextBits(): number {
    return params.powLimitBits;
  }
  medianTimePast(e: ChainEntry): number {
    const times: number[] = [];
    for (let x: ChainEntry | null = e; x && times.length < params.medianTimeSpan; x = x.parent) times.push(x.header.time);
    return medianTimePast(times);
  }
  /** Core's locator: ten steps of one, then doubling. */
  locator(): string[] {
    const out: string[] = [];
    let step = 1;
    for (let h = this.height; ; h -= step) {
      out.push(this.main[Math.max(0, h)]!.id);
      if (h <= 0) break;
      if (out.length >= 10) step *= 2;
    }
    return out;
  }
}

function mined(h: BlockHeader): BlockHeader {
  while (!hashMeetsTarget(headerHash(h), target)) h.nonce++;
  return h;
}

function child(parent: ChainEntry, salt: number): ChainEntry {
  const h = mined({ version: 1, prevHash: parent.hash, merkleRoot: new Uint8Array(32).fill(salt), time: T0 + parent.height + 1, bits: params.powLimitBits, nonce: 0 });
  return makeEntry(h, parent, workFromBits(h.bits), Status.haveData | Status.valid, new Uint8Array(32));
}

const genesisHeader = mined({ version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: T0, bits: params.powLimitBits, nonce: 0 });
const genesis = makeEntry(genesisHeader, null, workFromBits(genesisHeader.bits), Status.haveData | Status.valid, new Uint8Array(32));

/** Ours and a peer's chain sharing `shared` blocks; ours then runs `depth` blocks on, the peer's `depth + 20`. */
function forked(shared: number, depth: number): { ours: HeaderChain; theirs: HeaderChain } {
  const base = new HeaderChain(genesis);
  base.extend(shared, 0);
  const ours = base.branch(shared);
  ours.extend(depth, 1);
  const theirs = base.branch(shared);
  theirs.extend(depth + 20, 2);
  return { ours, theirs };
}

/** Syncs `ours` from one peer whose answers `answer` gives; what it asked for and what it was blamed for. */
async function syncFrom(ours: HeaderChain, claim: ChainEntry, answer: (locator: Uint8Array[]) => BlockHeader[]) {
  const peers = new FakePeers();
  const headerAnswers: number[] = [];
  const bodiesAsked: string[] = [];
  const client: SyncClient = {
    async headers(_id, locator) {
      const hs = answer(locator);
      headerAnswers.push(hs.length);
      return hs;
    },
    async blocks(_id, hashes) {
      bodiesAsked.push(...hashes.map(hashToHex));
      return [];
    },
    async bodies(_id, hashes) {
      bodiesAsked.push(...hashes.map(hashToHex));
      return { blocks: [], bytes: 0 };
    },
  };
  const syncer = new Syncer({
    chain: ours as never,
    peers,
    client,
    intake: {} as never,
    log: testLog,
    minChainWork: 0n,
    refreshStatus: () => undefined,
    onProgress: () => undefined,
    onDone: () => undefined,
  });
  peers.add('peer', { chainWork: claim.chainWork, height: claim.height, bestHash: claim.hash });
  syncer.trigger();
  await syncer.whenIdle();
  return { peers, headerAnswers, bodiesAsked };
}

describe('Syncer on a fork below the locator gap', () => {
  it('asks on past 2,000 headers of our own chain and fetches the bodies of the heavier fork 2,080 deep, blaming no one', async () => {
    const { ours, theirs } = forked(2_100, 2_080);
    const r = await syncFrom(ours, theirs.tip, (locator) => decodeHeaders(headersAfter(theirs as never, locator, LIMITS.maxHeaders)).map(decodeHeader));
    expect(r.headerAnswers[0]).toBe(LIMITS.maxHeaders);
    expect(r.peers.offences).toEqual([]);
    // The first body asked for is the first block of the peer's branch, past the last block we share.
    expect(r.bodiesAsked[0]).toBe(theirs.getEntryByHeight(2_101)!.id);
  });

  it('still drops a peer that answers every locator with the same full batch of our chain, after one extra round', async () => {
    const { ours, theirs } = forked(2_100, 2_080);
    const ownBatch = decodeHeaders(headersAfter(ours as never, [genesis.hash], LIMITS.maxHeaders)).map(decodeHeader);
    const r = await syncFrom(ours, theirs.tip, () => ownBatch);
    expect(r.headerAnswers).toEqual([LIMITS.maxHeaders, LIMITS.maxHeaders]);
    expect(r.peers.offences.map((o) => o.offence)).toEqual(['noProgress']);
    expect(r.bodiesAsked).toEqual([]);
  });
});

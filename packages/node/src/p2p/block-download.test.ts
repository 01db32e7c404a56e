import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, encodeBlock, hashToHex, type Block } from '@hackcoin/core';
import { ChainFixture } from '../test-support/chain-fixture.js';
import { BlockDownload, DOWNLOAD } from './block-download.js';
import { DownloadMemory } from './download-sources.js';
import { LIMITS } from './protocol.js';
import { BlockIntake, type IntakeResult } from './block-intake.js';
import { RequestPacer } from './request-pacer.js';
import { decodeSyncRequest, encodeRawList } from './messages.js';
import { ReceiveBudget } from './receive-budget.js';
import { WireSyncClient, blocksAnswerMax, type Bodies, type Requester, type SyncClient } from './sync-client.js';
import { FakePeers, testLog } from './test-peers.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

type Client = Pick<SyncClient, 'bodies'>;

function sized(blocks: Block[]): Bodies {
  return { blocks, bytes: blocks.reduce((n, b) => n + encodeBlock(b).length, 0) };
}

/**
 * `counts` runs of blocks mined on a remote chain for a local one to download: the runs, the blocks
 * by id, the peers, and the download's collaborators over a `client` the test writes.
 */
async function remoteRuns(...counts: number[]) {
  const remote = await ChainFixture.create();
  const local = await ChainFixture.create();
  fixtures.push(remote, local);
  const runs: Block[][] = [];
  for (const n of counts) runs.push(await remote.mine(n));
  const byId = new Map(runs.flat().map((b) => [hashToHex(blockHash(b)), b]));
  const peers = new FakePeers();
  const served = (hashes: readonly Uint8Array[]): Bodies => sized(hashes.map((h) => byId.get(hashToHex(h))!));
  const depsOver = (client: Client) => ({ peers, client, intake: new BlockIntake(local.chain, peers, testLog), log: testLog, pacer: new RequestPacer(), onConnected: () => undefined });
  return { remote, local, runs, byId, peers, served, depsOver };
}

describe('BlockDownload', () => {
  it('spreads chunks over peers, keeps at most two in flight per peer, and connects in order whatever order answers come in', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(60);
    const byId = new Map(blocks.map((b) => [hashToHex(blockHash(b)), b]));
    const peers = new FakePeers();
    const sources = ['a', 'b', 'c'].map((id) => peers.add(id, { chainWork: remote.chain.tip.chainWork }));
    const inFlight = new Map<string, number>();
    let maxInFlight = 0;
    const served = new Map<string, number>();
    const client: Client = {
      async bodies(peerId, hashes) {
        inFlight.set(peerId, (inFlight.get(peerId) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, inFlight.get(peerId)!);
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        inFlight.set(peerId, inFlight.get(peerId)! - 1);
        served.set(peerId, (served.get(peerId) ?? 0) + hashes.length);
        return sized(hashes.map((h) => byId.get(hashToHex(h))!));
      },
    };
    const connected: number[] = [];
    local.chain.on('block:connected', (e) => connected.push(e.height));
    const dl = new BlockDownload({ peers, client, intake: new BlockIntake(local.chain, peers, testLog), log: testLog, pacer: new RequestPacer(), onConnected: () => undefined }, blocks.map(blockHash), () => sources);
    expect(await dl.run()).toBe(60);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(connected).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(maxInFlight).toBeLessThanOrEqual(DOWNLOAD.chunksPerPeer);
    expect(served.size).toBe(3);
  });

  it('drops a peer that lacks the blocks, and stops at an invalid block, penalising its sender', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(20);
    const byId = new Map(blocks.map((b) => [hashToHex(blockHash(b)), b]));
    const broken: Block = { ...blocks[10]!, txs: blocks[10]!.txs.slice(0, 0) };
    const peers = new FakePeers();
    const sources = [peers.add('empty', { chainWork: 1n }), peers.add('forger', { chainWork: 1n })];
    const client: Client = {
      async bodies(peerId, hashes) {
        if (peerId === 'empty') return sized([]);
        return sized(hashes.map((h) => (hashToHex(h) === hashToHex(blockHash(blocks[10]!)) ? broken : byId.get(hashToHex(h))!)));
      },
    };
    const dl = new BlockDownload({ peers, client, intake: new BlockIntake(local.chain, peers, testLog), log: testLog, pacer: new RequestPacer(), onConnected: () => undefined }, blocks.map(blockHash), () => sources);
    const got = await dl.run();
    expect(got).toBe(10);
    expect(local.chain.height).toBe(10);
    expect(peers.offencesOf('forger')).toEqual(['invalidBlock']);
    expect(peers.offencesOf('empty')).toEqual([]);
  });

  it('hands the chain the next blocks while one connects, and never blocks of two senders at once', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(48);
    const byId = new Map(blocks.map((b) => [hashToHex(blockHash(b)), b]));
    const peers = new FakePeers();
    const sources = ['a', 'b'].map((id) => peers.add(id, { chainWork: remote.chain.tip.chainWork }));
    const client: Client = { bodies: async (_peerId, hashes) => sized(hashes.map((h) => byId.get(hashToHex(h))!)) };
    const intake = new BlockIntake(local.chain, peers, testLog);
    const unjudged = new Map<string, number>();
    let most = 0;
    let mixed = false;
    const watched = {
      async accept(from: string, block: Block, opts: { unsolicited: boolean }): Promise<IntakeResult> {
        unjudged.set(from, (unjudged.get(from) ?? 0) + 1);
        most = Math.max(most, [...unjudged.values()].reduce((a, b) => a + b, 0));
        if ([...unjudged.values()].filter((n) => n > 0).length > 1) mixed = true;
        try {
          return await intake.accept(from, block, opts);
        } finally {
          unjudged.set(from, unjudged.get(from)! - 1);
        }
      },
    };
    const dl = new BlockDownload({ peers, client, intake: watched, log: testLog, pacer: new RequestPacer(), onConnected: () => undefined }, blocks.map(blockHash), () => sources);
    expect(await dl.run()).toBe(48);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(most).toBe(DOWNLOAD.aheadBlocks);
    expect(mixed).toBe(false);
  });

  it('does not charge the honest peer serving the blocks after a forger\'s invalid one with their invalid ancestor', async () => {
    const local = await ChainFixture.create();
    fixtures.push(local);
    const branch = await local.branch();
    // Chunk 0 and 1 from the forger, chunk 2 from the honest peer; the last block of chunk 1 has a forged state root,
    // so it is stored and fails only when connected, and its children are "invalid-ancestor".
    const blocks = Array.from({ length: 3 * DOWNLOAD.chunk }, (_, i) => branch.next(i === 2 * DOWNLOAD.chunk - 1 ? { stateRoot: new Uint8Array(32).fill(7) } : {}));
    const byId = new Map(blocks.map((b) => [hashToHex(blockHash(b)), b]));
    const peers = new FakePeers();
    const sources = [peers.add('forger', { chainWork: 1n }), peers.add('honest', { chainWork: 1n })];
    const client: Client = { bodies: async (_peerId, hashes) => sized(hashes.map((h) => byId.get(hashToHex(h))!)) };
    const dl = new BlockDownload({ peers, client, intake: new BlockIntake(local.chain, peers, testLog), log: testLog, pacer: new RequestPacer(), onConnected: () => undefined }, blocks.map(blockHash), () => sources);
    expect(await dl.run()).toBe(2 * DOWNLOAD.chunk - 1);
    await local.settle();
    expect(local.chain.height).toBe(2 * DOWNLOAD.chunk - 1);
    expect(peers.offencesOf('forger')).toEqual(['invalidBlock']);
    expect(peers.offencesOf('honest')).toEqual([]);
  });

  it('holds at most its byte bound of downloaded blocks beyond the window\'s front, and still finishes', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(64);
    const byId = new Map(blocks.map((b) => [hashToHex(blockHash(b)), b]));
    const peers = new FakePeers();
    const sources = ['a', 'b'].map((id) => peers.add(id, { chainWork: remote.chain.tip.chainWork }));
    let received = 0;
    let handed = 0;
    let most = 0;
    const client: Client = {
      async bodies(_peerId, hashes) {
        received += hashes.length;
        most = Math.max(most, received - handed);
        return sized(hashes.map((h) => byId.get(hashToHex(h))!));
      },
    };
    const intake = new BlockIntake(local.chain, peers, testLog);
    const counting = {
      accept(from: string, block: Block, opts: { unsolicited: boolean }): Promise<IntakeResult> {
        handed++;
        return intake.accept(from, block, opts);
      },
    };
    // Less than a chunk: once one is held, only the window's front is asked for.
    const windowBytes = encodeBlock(blocks[0]!).length;
    const dl = new BlockDownload({ peers, client, intake: counting, log: testLog, pacer: new RequestPacer(), onConnected: () => undefined }, blocks.map(blockHash), () => sources, { windowBytes });
    expect(await dl.run()).toBe(64);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    // The first requests, sent before any answer came: unbounded, the client would be asked for all 64 at once.
    expect(most).toBeLessThanOrEqual(DOWNLOAD.chunksPerPeer * sources.length * DOWNLOAD.chunk);
  });

  it('asks for small blocks several chunks at a time, and keeps each peer within its request budget', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(100);
    const byId = new Map(blocks.map((b) => [hashToHex(blockHash(b)), b]));
    const peers = new FakePeers();
    const sources = ['a', 'b'].map((id) => peers.add(id, { chainWork: remote.chain.tip.chainWork }));
    const asked = new Map<string, number[]>();
    const sizes: number[] = [];
    const client: Client = {
      async bodies(peerId, hashes) {
        asked.set(peerId, [...(asked.get(peerId) ?? []), Date.now()]);
        sizes.push(hashes.length);
        return sized(hashes.map((h) => byId.get(hashToHex(h))!));
      },
    };
    const windowMs = 200;
    const pacer = new RequestPacer(1, windowMs);
    const dl = new BlockDownload({ peers, client, intake: new BlockIntake(local.chain, peers, testLog), log: testLog, pacer, onConnected: () => undefined }, blocks.map(blockHash), () => sources, { stallMs: 200 });
    expect(await dl.run()).toBe(100);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    // Sizes unknown: the first request of each peer is one chunk; then as many as a request may carry.
    expect(sizes.slice(0, 2)).toEqual([DOWNLOAD.chunk, DOWNLOAD.chunk]);
    expect(Math.max(...sizes)).toBe(LIMITS.maxBlocksPerRequest);
    for (const times of asked.values()) {
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(windowMs - 5);
    }
  });
});

describe('BlockDownload: a peer sitting on a request', () => {
  /**
   * `count` blocks from `sources` (in that order, 'honest' answering in 10 ms); 'sitter' sits on its
   * first request until a stand-in for the 20 s request timeout and answers any later one with nothing.
   */
  async function withSitter(count: number, order: ('honest' | 'sitter')[]) {
    const { remote, local, runs, peers, served, depsOver } = await remoteRuns(count);
    const blocks = runs[0]!;
    const sources = order.map((id) => peers.add(id, { chainWork: 1n }));
    let asked = 0;
    const sat = { timedOut: false };
    const client: Client = {
      async bodies(peerId, hashes) {
        if (peerId === 'sitter') {
          if (++asked > 1) return sized([]);
          await new Promise((r) => setTimeout(r, 3_000));
          sat.timedOut = true;
          throw new Error('timed out');
        }
        await new Promise((r) => setTimeout(r, 10));
        return served(hashes);
      },
    };
    return { dl: new BlockDownload(depsOver(client), blocks.map(blockHash), () => sources, { stallMs: 100 }), remote, local, sat };
  }

  it('still loses the request it holds at the window front to the stall rule after answering another with nothing, so the download does not wait for its timeout', async () => {
    const { dl, remote, local, sat } = await withSitter(40, ['honest', 'sitter']);
    expect(await dl.run()).toBe(40);
    expect(sat.timedOut).toBe(false);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
  });

  it('as the header source of a download of one chunk, is rotated out for a peer never asked yet', async () => {
    const { dl, remote, local, sat } = await withSitter(DOWNLOAD.chunk, ['sitter', 'honest']);
    expect(await dl.run()).toBe(DOWNLOAD.chunk);
    expect(sat.timedOut).toBe(false);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
  });
});

describe('BlockDownload: one slow source', () => {
  /**
   * Three chunks of blocks behind a thin link: each answer of `slow-link` takes three stall times,
   * well inside the request timeout. `mute`, when there, claims work, sits on each request and fails it.
   */
  async function thinLink(withMute: boolean) {
    const { remote, local, runs, peers, served, depsOver } = await remoteRuns(3 * DOWNLOAD.chunk);
    const blocks = runs[0]!;
    const sources = [peers.add('slow-link', { chainWork: 1n }), ...(withMute ? [peers.add('mute', { chainWork: 1n })] : [])];
    const asked = { blocks: 0 };
    const client: Client = {
      async bodies(peerId, hashes) {
        if (peerId === 'mute') {
          await new Promise((r) => setTimeout(r, 400));
          throw new Error('timed out');
        }
        asked.blocks += hashes.length;
        await new Promise((r) => setTimeout(r, 150));
        return served(hashes);
      },
    };
    const dl = new BlockDownload(depsOver(client), blocks.map(blockHash), () => sources, { stallMs: 50 });
    return { dl, remote, local, slow: sources[0]!, asked };
  }

  it('waits for the only peer that has the blocks, however often it is slower than the stall time, as Core marks a staller only when another peer could take its blocks', async () => {
    const { dl, remote, local, slow, asked } = await thinLink(false);
    expect(await dl.run()).toBe(3 * DOWNLOAD.chunk);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    // Each block asked for once: no answer was thrown away as late.
    expect(asked.blocks).toBe(3 * DOWNLOAD.chunk);
    expect(slow.syncBackoffUntil ?? 0).toBeLessThan(Date.now());
  });

  it('is not rotated out for a peer that claims work and serves nothing', async () => {
    const { dl, remote, local } = await thinLink(true);
    expect(await dl.run()).toBe(3 * DOWNLOAD.chunk);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
  });
});

describe('BlockDownload: a slow source beside a peer that claims work and serves little or nothing', () => {
  /**
   * `count` blocks; `slow-link` answers each request in three stall times (150 ms against 50: a thin
   * link, well inside the request timeout). `other` answers every request with nothing ('mute'), or
   * its first with one real block and sits on the rest until a stand-in for the request timeout ('dribbler').
   */
  async function slowBeside(count: number, other: 'mute' | 'dribbler', first: 'slow-link' | 'other' = 'slow-link') {
    const { remote, local, runs, byId, peers, served, depsOver } = await remoteRuns(count);
    const blocks = runs[0]!;
    const slow = peers.add('slow-link', { chainWork: 1n });
    const attacker = peers.add(other, { chainWork: 1n });
    const asked = new Map<string, string[]>();
    let otherCalls = 0;
    const client: Client = {
      async bodies(peerId, hashes) {
        asked.set(peerId, [...(asked.get(peerId) ?? []), ...hashes.map(hashToHex)]);
        if (peerId === 'mute') return sized([]);
        if (peerId === 'dribbler') {
          if (++otherCalls === 1) return sized([byId.get(hashToHex(hashes[0]!))!]);
          await new Promise((r) => setTimeout(r, 400));
          throw new Error('timed out');
        }
        await new Promise((r) => setTimeout(r, 150));
        return served(hashes);
      },
    };
    const sources = first === 'slow-link' ? [slow, attacker] : [attacker, slow];
    const dl = new BlockDownload(depsOver(client), blocks.map(blockHash), () => sources, { stallMs: 50 });
    return { dl, remote, local, slow, asked, peers };
  }

  it('keeps waiting for the slow header source of a download of two chunks, when the peer never asked is asked too and has nothing', async () => {
    const { dl, remote, local, slow, asked, peers } = await slowBeside(2 * DOWNLOAD.chunk, 'mute');
    expect(await dl.run()).toBe(2 * DOWNLOAD.chunk);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    // Its answers were taken, not thrown away as late and asked for again, and it was not rested.
    expect(asked.get('slow-link')!.length).toBe(2 * DOWNLOAD.chunk);
    expect(slow.syncBackoffUntil).toBeLessThan(Date.now());
    expect(peers.offences).toEqual([]);
  });

  it("connects every block when a peer serves one block of a later chunk and then sits on its requests: the slow source's answers are kept", async () => {
    const { dl, remote, local, slow, asked } = await slowBeside(5 * DOWNLOAD.chunk, 'dribbler');
    expect(await dl.run()).toBe(5 * DOWNLOAD.chunk);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(asked.get('dribbler')!.length).toBeGreaterThan(0);
    // No block asked twice of the slow source: none of its answers was discarded.
    expect(new Set(asked.get('slow-link')!).size).toBe(asked.get('slow-link')!.length);
    expect(slow.syncBackoffUntil).toBeLessThan(Date.now());
  });
});

describe("BlockDownload: a session's downloads share what they learn of their sources", () => {
  it('asks nothing, in the next download, of a peer whose request failed (its rest over) or that was benched for holding up the front', async () => {
    const { remote, local, runs, peers, served, depsOver } = await remoteRuns(5 * DOWNLOAD.chunk, 2 * DOWNLOAD.chunk);
    const [first, second] = runs as [Block[], Block[]];
    // The staller first, so it is given the window's front.
    const sources = ['staller', 'failer', 'honest'].map((id) => peers.add(id, { chainWork: 1n }));
    const asks = new Map<string, number>();
    const client: Client = {
      async bodies(peerId, hashes) {
        asks.set(peerId, (asks.get(peerId) ?? 0) + 1);
        if (peerId === 'staller') return new Promise<Bodies>(() => undefined);
        if (peerId === 'failer') throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 10));
        return served(hashes);
      },
    };
    const memory = new DownloadMemory(100);
    const deps = depsOver(client);
    expect(await new BlockDownload(deps, first.map(blockHash), () => sources, { memory }).run()).toBe(first.length);
    expect(asks.get('staller')).toBeGreaterThan(0);
    expect(asks.get('failer')).toBeGreaterThan(0);
    asks.clear();
    sources[1]!.syncBackoffUntil = 0;
    expect(await new BlockDownload(deps, second.map(blockHash), () => sources, { memory }).run()).toBe(second.length);
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect([...asks.keys()]).toEqual(['honest']);
  });

  describe('with the wire client and its receive budget', () => {
    /** Serves the remote's blocks at once. */
    function servingRequester(byId: Map<string, Block>) {
      const asked: { peerId: string; hashes: number }[] = [];
      const requester: Requester = {
        async request(peerId, _protocol, payload) {
          const req = decodeSyncRequest(payload);
          if (req.type !== 'blocks') throw new Error(`unexpected ${req.type} request`);
          asked.push({ peerId, hashes: req.hashes.length });
          return encodeRawList(req.hashes.map((h) => encodeBlock(byId.get(hashToHex(h))!)));
        },
      };
      return { asked, requester };
    }

    it('does not count a request waiting on our receive budget as its peer stalling: nobody else is asked, and the peer is not benched', async () => {
      const { runs, byId, peers, depsOver, local } = await remoteRuns(8);
      const blocks = runs[0]!;
      const sources = ['a', 'b'].map((id) => peers.add(id, { chainWork: 1n }));
      const max = Math.max(...blocks.map((b) => encodeBlock(b).length));
      const budget = new ReceiveBudget(2 * blocksAnswerMax(8, max));
      // a already holds all of it (another answer of a's on its way): a's next request waits for it.
      const held = await budget.take('a', budget.limit, blocksAnswerMax(1, max));
      setTimeout(() => held.release(), 300);
      const { asked, requester } = servingRequester(byId);
      const client = new WireSyncClient(requester, '/sync', peers, new BlockIntake(local.chain, peers, testLog), max, budget);
      const memory = new DownloadMemory(50);
      const dl = new BlockDownload(depsOver(client), blocks.map(blockHash), () => sources, { memory });

      expect(await dl.run()).toBe(8);
      expect(local.chain.height).toBe(8);
      // Waited six stall times on our budget, then asked and answered at once.
      expect(asked).toEqual([{ peerId: 'a', hashes: 8 }]);
      expect(memory.isBenched(sources[0]!)).toBe(false);
      expect(memory.stallMs).toBe(50);
      expect(budget.used).toBe(0);
    });
  });
});

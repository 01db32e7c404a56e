import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blockHash, encodeCompact, decodeBlock, decodeCompact, decodeHeader, hashToHex, hexToHash, headerHash, workFromBits, type Block, type BlockHeader } from '@hackcoin/core';
import { Status } from '../chain/entry.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { BlockDownload } from './block-download.js';
import { BlockIntake } from './block-intake.js';
import { FrameError } from './frames.js';
import { Syncer, type SyncDeps } from './sync.js';
import { decodeHeaders } from './messages.js';
import { headersAfter } from './serve.js';
import { ChainsClient, FakePeers, testLog, type Behaviour } from './test-peers.js';

const fixtures: ChainFixture[] = [];
async function fixture(): Promise<ChainFixture> {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  return fx;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A local node (real chain in LevelDB) syncing from remote chains through the real Syncer, intake and download. */
function harness(local: ChainFixture, remotes: Record<string, { fx: ChainFixture; claim?: bigint; behaviour?: Behaviour; direction?: 'inbound' | 'outbound' }>, tuning?: SyncDeps['tuning']) {
  const peers = new FakePeers();
  const client = new ChainsClient(new Map(Object.entries(remotes).map(([id, r]) => [id, { chain: r.fx.chain, behaviour: r.behaviour }])));
  let syncer: Syncer | undefined;
  const intake = new BlockIntake(local.chain, peers, testLog, () => syncer?.downloadWork() ?? 0n);
  const statusAsks: string[] = [];
  syncer = new Syncer({
    chain: local.chain,
    peers,
    client,
    intake,
    log: testLog,
    minChainWork: 0n,
    refreshStatus: (id) => statusAsks.push(id),
    onProgress: () => undefined,
    onDone: () => undefined,
    now: () => local.clock.now * 1000,
    tuning,
  });
  for (const [id, r] of Object.entries(remotes)) {
    peers.add(id, { chainWork: r.claim ?? r.fx.chain.tip.chainWork, height: r.fx.chain.height, bestHash: r.fx.chain.tip.hash }, r.direction);
  }
  const run = async () => {
    syncer.trigger();
    await syncer.whenIdle();
  };
  return { peers, client, syncer, run, statusAsks, intake };
}

/** A second chain sharing the first `shared` blocks of `from`. */
async function copyOf(from: Block[], shared: number): Promise<ChainFixture> {
  const fx = await fixture();
  for (const b of from.slice(0, shared)) await fx.chain.processBlock(b);
  return fx;
}

/** Serves a chain's blocks one request at a time, each after `ms`; `onAsk` hears each request. */
function slowBlocks(chain: ChainFixture['chain'], ms: number, onAsk?: () => void): Behaviour['blocks'] {
  let queue: Promise<unknown> = Promise.resolve();
  return (hashes) => {
    onAsk?.();
    const answer = queue.then(async () => {
      await new Promise((r) => setTimeout(r, ms));
      const out: Block[] = [];
      for (const hash of hashes) {
        const e = chain.getEntry(hashToHex(hash));
        const raw = e && (await chain.getRawBlock(e));
        if (!raw) break;
        out.push(decodeBlock(raw));
      }
      return out;
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
}

/** What a peer serving `chain` answers a headers request with, at most `n` headers. */
function headerBatch(chain: ChainFixture['chain'], locator: Uint8Array[], n = 2_000): BlockHeader[] {
  return decodeHeaders(headersAfter(chain, locator, n)).map(decodeHeader);
}

/** `chain`'s block `hash` with its last transaction repeated: the header's hash, a body it does not commit to. */
async function mutatedCopy(chain: ChainFixture['chain'], hash: Uint8Array): Promise<Block> {
  const b = decodeBlock((await chain.getRawBlock(chain.getEntry(hashToHex(hash))!))!);
  return { header: b.header, txs: [...b.txs, b.txs[b.txs.length - 1]!] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An honest peer serving 10-header batches and slow bodies, and a fork's peer that shows its headers
 * (`n` a batch) once the honest bodies are first asked for, and serves no body.
 */
function honestThenFork(honest: ChainFixture, fork: ChainFixture, n: number): { honestPeer: Behaviour; forkPeer: Behaviour } {
  let asked = false;
  return {
    honestPeer: { headers: async (locator) => headerBatch(honest.chain, locator, 10), blocks: slowBlocks(honest.chain, 300, () => (asked = true)) },
    forkPeer: {
      headers: async (locator) => {
        while (!asked) await sleep(5);
        return headerBatch(fork.chain, locator, n);
      },
      blocks: async () => [],
    },
  };
}

describe('Syncer: headers-first with anti-DoS', () => {
  it('asks a peer gossiping 1,000 orphans in a burst for its status twice: once at once, once after the burst', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(3);
    const local = await copyOf(blocks, 1);
    const h = harness(local, { pool: { fx: remote } });
    for (let i = 0; i < 1_000; i++) h.syncer.onOrphan('pool');
    expect(h.statusAsks).toEqual(['pool']);
    await new Promise((r) => setTimeout(r, 400));
    expect(h.statusAsks).toEqual(['pool', 'pool']);
  });

  it('reports stalled, not synced, when it loses every peer while behind, until a peer confirms its tip', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(12);
    const local = await copyOf(blocks, 4);
    const h = harness(local, { pool: { fx: remote } });
    expect(h.syncer.progress().state).toBe('syncing');
    h.peers.map.delete('pool'); // banned or gone, as the pool did to an honest node at 100 blocks/s
    expect(h.syncer.progress()).toMatchObject({ state: 'stalled', height: 4, targetHeight: 12 });

    h.peers.add('pool', { chainWork: remote.chain.tip.chainWork, height: 12, bestHash: remote.chain.tip.hash });
    await h.run();
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(h.syncer.progress().state).toBe('synced');
  });

  it('syncs a longer chain from an honest peer, bodies for exactly the missing blocks', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(30);
    const local = await copyOf(blocks, 5);
    const h = harness(local, { honest: { fx: remote } });
    await h.run();
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(h.client.served.get('honest')).toEqual({ headers: 25, blocks: 25 });
    expect(h.peers.offences).toEqual([]);
  });

  it('stores no block of a low-work fork from genesis and penalises the peer that claimed more work', async () => {
    const local = await fixture();
    await local.mine(30);
    const attacker = await fixture();
    await attacker.mine(10, { miner: W.minerB });
    const before = local.chain.blockCount;
    const h = harness(local, { attacker: { fx: attacker, claim: 10n ** 30n } });
    await h.run();
    expect(local.chain.blockCount).toBe(before);
    expect(local.chain.height).toBe(30);
    expect(h.client.served.get('attacker')!.blocks).toBe(0);
    expect(h.peers.offencesOf('attacker')).toEqual(['lowWork']);
    expect(h.peers.banned.has('attacker')).toBe(true);
  });

  it('bans peers that claim more work and send no headers, and syncs from the honest one (eight such peers held every session slot for good)', async () => {
    const honest = await fixture();
    await honest.mine(40);
    const local = await fixture();
    const liars = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`liar${i}`, { fx: local, claim: 10n ** 30n, behaviour: { headers: async () => [] }, direction: 'inbound' as const }]));
    const h = harness(local, { ...liars, honest: { fx: honest } });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    for (let i = 0; i < 8; i++) expect(h.peers.offencesOf(`liar${i}`)).toEqual(['lowWork']);
    expect(h.peers.offencesOf('honest')).toEqual([]);
  });

  it('asks outbound peers first: an inbound claim of more work is free to make', async () => {
    const honest = await fixture();
    await honest.mine(10);
    const local = await fixture();
    const asked: string[] = [];
    const slow = (id: string) => ({ headers: async () => { asked.push(id); await new Promise((r) => setTimeout(r, 50)); return []; } });
    const inbound = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`in${i}`, { fx: local, claim: 10n ** 30n, behaviour: slow(`in${i}`), direction: 'inbound' as const }]));
    // Claiming less than every inbound peer, it still takes one of the four session slots at once.
    const h = harness(local, { ...inbound, out: { fx: honest } });
    h.syncer.trigger();
    await new Promise((r) => setImmediate(r));
    expect([(h.client.served.get('out')?.headers ?? 0) > 0, asked.length]).toEqual([true, 3]);
    await h.syncer.whenIdle();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
  });

  it('ends a headers session that has not beaten our tip by its deadline, unbanned, and gives its slot to the next peer', async () => {
    const local = await fixture();
    const honest = await copyOf(await local.mine(20), 20);
    await honest.mine(30);
    // A fork from genesis with less work than our tip, dripped in full batches, each answer taking
    // ten minutes of our clock: every batch extends it, so only a deadline ends the session early.
    const alt = await fixture();
    const fork = (await alt.mine(19, { miner: W.alice })).map((b) => b.header);
    const drip = (id: string, sent: Record<string, number>) => ({
      headers: async (locator: Uint8Array[]) => {
        const from = fork.findIndex((hd) => hashToHex(headerHash(hd)) === hashToHex(locator[0]!)) + 1;
        sent[id] = (sent[id] ?? 0) + 1;
        local.clock.now += 600;
        return fork.slice(from, from + 5);
      },
    });
    const sent: Record<string, number> = {};
    const drippers = Object.fromEntries(['d0', 'd1', 'd2', 'd3'].map((id) => [id, { fx: alt, claim: 10n ** 30n, behaviour: drip(id, sent), direction: 'inbound' as const }]));
    const h = harness(local, { ...drippers, honest: { fx: honest, direction: 'inbound' } }, { maxHeaders: 5, presyncBaseMs: 15 * 60_000 });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    for (const id of ['d0', 'd1', 'd2', 'd3']) {
      // The four sessions share our clock: past 15 minutes (plus a few for our tip's age) after at most
      // two answers each, before the fork's fourth batch, which would end it short of the claim (lowWork).
      expect([id, sent[id]! <= 2, h.peers.offencesOf(id), h.peers.get(id)!.syncFailures]).toEqual([id, true, [], 1]);
    }
  });

  it('lets a slow honest peer run past the headers deadline while no other peer waits for a slot', async () => {
    const local = await fixture();
    await local.mine(25);
    // A heavier fork from genesis, five headers an answer, each taking 1,000 s of our clock: it beats our
    // tip after six answers (100 min), past the 15-minute deadline. Ended there, it failed on every try.
    const alt = await fixture();
    const fork = (await alt.mine(30, { miner: W.alice })).map((b) => b.header);
    const slow = {
      headers: async (locator: Uint8Array[]) => {
        const from = fork.findIndex((hd) => hashToHex(headerHash(hd)) === hashToHex(locator[0]!)) + 1;
        local.clock.now += 1_000;
        return fork.slice(from, from + 5);
      },
    };
    const h = harness(local, { slow: { fx: alt, behaviour: slow } }, { maxHeaders: 5, presyncBaseMs: 15 * 60_000 });
    await h.run();
    expect([local.chain.tip.id, h.peers.get('slow')!.syncFailures, h.peers.offencesOf('slow')]).toEqual([alt.chain.tip.id, 0, []]);
  });

  it('drops a peer that replays headers we have, and still syncs from the honest one', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(40);
    const local = await copyOf(blocks, 20);
    const known = blocks.slice(0, 20).map((b) => b.header);
    const h = harness(local, {
      replayer: { fx: local, claim: 10n ** 30n, behaviour: { headers: async () => known } },
      honest: { fx: honest },
    });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(h.peers.offencesOf('replayer')).toEqual(['noProgress']);
    expect(h.peers.offencesOf('honest')).toEqual([]);
    expect(h.peers.get('replayer')!.offersMoreThan(local.chain.tip.chainWork)).toBe(false);
  });

  it('reads a peer whose chain reorganised away the trail tip between two batches again from where it meets ours, unpenalised, and syncs its new chain', async () => {
    const local = await fixture();
    const shared = await local.mine(2);
    await local.mine(10);
    // The peer first shows fork A (10 headers a batch: not yet past our tip), then reorganises to the heavier B.
    const a = await copyOf(shared, 2);
    await a.mine(20, { miner: W.minerB });
    const b = await copyOf(shared, 2);
    await b.mine(30, { miner: W.carol });
    let batches = 0;
    const reorging: Behaviour = { headers: async (locator) => headerBatch(batches++ === 0 ? a.chain : b.chain, locator, 10) };
    const h = harness(local, { peer: { fx: b, behaviour: reorging } }, { maxHeaders: 10 });
    await h.run();
    expect(h.peers.offences).toEqual([]);
    expect(local.chain.tip.id).toBe(b.chain.tip.id);
  });

  it('ends unpenalised, after a few restarts, the reading of a peer that answers every follow-up from our locator with the same batch', async () => {
    const local = await fixture();
    const shared = await local.mine(2);
    await local.mine(10);
    const a = await copyOf(shared, 2);
    await a.mine(20, { miner: W.minerB });
    // Skips the trail's tip each follow-up leads with.
    const replayer: Behaviour = { headers: async (locator) => headerBatch(a.chain, locator.length > 3 ? locator.slice(1) : locator, 10) };
    const h = harness(local, { peer: { fx: a, behaviour: replayer } }, { maxHeaders: 10 });
    const tip = local.chain.tip;
    await h.run();
    expect(h.peers.offences).toEqual([]);
    expect(local.chain.tip).toBe(tip);
    // The first batch, then one per restart (3) and the one past them.
    expect(h.client.served.get('peer')!.headers).toBe(5 * 10);
  });

  it('rejects headers whose bits are not what the retarget rule expects, before any body', async () => {
    const local = await fixture();
    const blocks = await local.mine(5);
    const attacker = await copyOf(blocks, 5);
    const branch = await attacker.branch();
    const harder = encodeCompact(decodeCompact(branch.tipHeader.bits).target / 4n);
    const forged: BlockHeader[] = [];
    for (let i = 0; i < 3; i++) forged.push(branch.next({ bits: harder }).header);
    const h = harness(local, { attacker: { fx: attacker, claim: 10n ** 30n, behaviour: { headers: async () => forged } } });
    await h.run();
    expect(h.peers.offencesOf('attacker')).toEqual(['invalidHeader']);
    expect(h.client.served.get('attacker')!.blocks).toBe(0);
    expect(local.chain.height).toBe(5);
  });

  it('rejects headers that build on a block known to be invalid, before any body', async () => {
    const local = await fixture();
    const blocks = await local.mine(5);
    const attacker = await copyOf(blocks, 5);
    const branch = await attacker.branch();
    const invalid = branch.next({ stateRoot: new Uint8Array(32).fill(1) });
    await expect(local.chain.processBlock(invalid, { unsolicited: true })).rejects.toMatchObject({ code: 'bad-state-root' });
    const children: BlockHeader[] = [];
    for (let i = 0; i < 8; i++) children.push(branch.next().header);
    const h = harness(local, { attacker: { fx: attacker, claim: 10n ** 30n, behaviour: { headers: async () => children } } });
    await h.run();
    expect(h.peers.offencesOf('attacker')).toEqual(['invalidHeader']);
    expect(h.client.served.get('attacker')!.blocks).toBe(0);
    expect(local.chain.height).toBe(5);
  });

  it('downloads the heaviest chain first when a fast peer offers a lighter fork of our tip, and never fetches the lighter one', async () => {
    // helper-119's F1: a node behind was fed a cheap chain built on its own tip by the peer that answered first.
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    const cheap = await copyOf(blocks, 5);
    await cheap.mine(8, { miner: W.minerB });
    await honest.mine(30);
    const late: Behaviour = {
      headers: async (locator) => {
        await new Promise((r) => setTimeout(r, 150));
        return headerBatch(honest.chain, locator);
      },
    };
    const h = harness(local, { fast: { fx: cheap, claim: 10n ** 30n }, honest: { fx: honest, behaviour: late } });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(h.client.served.get('fast')!.blocks).toBe(0);
    expect(local.chain.getEntry(cheap.chain.tip.id)).toBeUndefined();
    expect(h.client.served.get('honest')!.blocks).toBe(30);
  });

  it('stops a download toward a lighter fork when headers of a heavier chain arrive, and stores none of the fork', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    const fork = await copyOf(blocks, 5);
    await fork.mine(16, { miner: W.minerB });
    await honest.mine(30);
    // The fork's peer is the only one at first (it connected first after a restart), and slow to serve its blocks.
    const h = harness(local, { fork: { fx: fork, claim: 10n ** 30n, behaviour: { blocks: slowBlocks(fork.chain, 1_000) }, direction: 'inbound' }, honest: { fx: honest } });
    h.peers.map.delete('honest');
    h.syncer.trigger();
    await new Promise((r) => setTimeout(r, 100));
    h.peers.add('honest', { chainWork: honest.chain.tip.chainWork, height: 35, bestHash: honest.chain.tip.hash });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    const forkBlocks = Array.from({ length: 16 }, (_, i) => fork.chain.getEntryByHeight(6 + i)!.id);
    expect(forkBlocks.filter((id) => local.chain.getEntry(id))).toEqual([]);
  });

  it('syncs the honest chain after a heavier fork whose peer serves no bodies stopped its download, and that fork stops nothing again', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    await honest.mine(30);
    // More work than one 10-header honest batch above our tip, shown once that batch's bodies are asked for.
    const fork = await copyOf(blocks, 5);
    await fork.mine(12, { miner: W.minerB });
    const { honestPeer, forkPeer } = honestThenFork(honest, fork, 12);
    const stop = vi.spyOn(BlockDownload.prototype, 'stop');
    const h = harness(local, { honest: { fx: honest, behaviour: honestPeer }, fork: { fx: fork, behaviour: forkPeer, direction: 'inbound' } }, { maxHeaders: 10, presyncWaitMs: 100 });
    await h.run();
    // The fork's peer is rested after its failed download; its headers, shown again, stop no honest download.
    for (let i = 0; i < 200 && local.chain.tip.id !== honest.chain.tip.id; i++) {
      h.syncer.trigger();
      await h.syncer.whenIdle();
      await sleep(20);
    }
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(h.client.served.get('fork')!.blocks).toBe(0);
    expect(h.peers.offencesOf('honest')).toEqual([]);
    expect(h.peers.get('honest')!.syncFailures).toBe(0);
  });

  it('a redownload stopped for a heavier fork that is never served goes on with the honest chain, unfailed', async () => {
    const honest = await fixture();
    const shared = await honest.mine(40);
    const local = await copyOf(shared, 2);
    // We sit on a six-block minority fork; a peer shows five more on our own tip and serves none of them.
    const minority = await local.mine(6, { miner: W.minerB });
    const fork = await copyOf([...shared.slice(0, 2), ...minority], 8);
    await fork.mine(5, { miner: W.minerB });
    const { honestPeer, forkPeer } = honestThenFork(honest, fork, 10);
    const stop = vi.spyOn(BlockDownload.prototype, 'stop');
    const h = harness(local, { honest: { fx: honest, behaviour: honestPeer }, fork: { fx: fork, behaviour: forkPeer, direction: 'inbound' } }, { maxHeaders: 10, hold: 5, commitEvery: 4, presyncWaitMs: 100 });
    await h.run();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(h.peers.get('honest')!.syncFailures).toBe(0);
  });

  it('a stranger serving mutated copies of honest blocks is banned, and neither rests the honest peer nor lets a lighter fork download meanwhile', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    await honest.mine(40);
    const fork = await copyOf(blocks, 5);
    const forkBlocks = await fork.mine(30, { miner: W.minerB });
    // Asked for honest blocks as a source claiming enough work, it sends each with its last transaction repeated.
    const mutator: Behaviour = {
      blocks: async (hashes) => {
        const out: Block[] = [];
        for (const hash of hashes) out.push(await mutatedCopy(honest.chain, hash));
        return out;
      },
    };
    const h = harness(
      local,
      { honest: { fx: honest, behaviour: { blocks: slowBlocks(honest.chain, 100) } }, fork: { fx: fork, claim: 10n ** 30n }, mutator: { fx: honest, behaviour: mutator } },
      { presyncWaitMs: 300 },
    );
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(new Set(h.peers.offences.filter((o) => o.peerId !== 'fork').map((o) => `${o.peerId} ${o.offence}`))).toEqual(new Set(['mutator invalidBlock']));
    expect(h.peers.banned.has('mutator')).toBe(true);
    expect(h.peers.get('honest')!.syncFailures).toBe(0);
    expect(forkBlocks.filter((b) => local.chain.getEntry(hashToHex(blockHash(b))))).toEqual([]);
  });

  it('takes an honest block at the tip by gossip once a heavier trail whose bodies are withheld has stalled for its first stall time', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(10);
    const local = await copyOf(blocks, 10);
    const withheld = await copyOf(blocks, 10);
    await withheld.mine(2, { miner: W.minerB });
    const [next] = await honest.mine(1);
    const liar: Behaviour = { blocks: () => new Promise<Block[]>(() => undefined) };
    const h = harness(local, { liar: { fx: withheld, behaviour: liar } }, { presyncWaitMs: 100, stallMs: 400 });
    h.syncer.trigger();
    await new Promise((r) => setTimeout(r, 150));
    // Its bodies may yet come: for one stall time a lighter block is not stored...
    expect((await h.intake.accept('gossip', next!, { unsolicited: true })).status).toBe('ignored');
    await new Promise((r) => setTimeout(r, 500));
    // ...and then it is, though the withheld download still holds the slot.
    expect(h.syncer.active).toBe(true);
    expect(await h.intake.accept('gossip', next!, { unsolicited: true })).toEqual({ id: hashToHex(blockHash(next!)), status: 'connected' });
    h.syncer.stop();
  });

  it('lets the gossip floor lapse one stall time after the last chunk connected, while a sole source sits on the rest', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(3);
    const local = await copyOf(blocks, 3);
    await remote.mine(30);
    let requests = 0;
    const sitter: Behaviour = {
      blocks: async (hashes) => {
        if (requests++ > 0) return new Promise<Block[]>(() => undefined);
        const out: Block[] = [];
        for (const hash of hashes) out.push(decodeBlock((await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(hash))!))!));
        return out;
      },
    };
    const h = harness(local, { sitter: { fx: remote, behaviour: sitter } }, { stallMs: 300 });
    h.syncer.trigger();
    for (let i = 0; i < 100 && local.chain.height < 11; i++) await sleep(10);
    expect(local.chain.height).toBe(11);
    expect(h.syncer.downloadWork()).toBe(remote.chain.tip.chainWork);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.syncer.active).toBe(true);
    expect(h.syncer.downloadWork()).toBe(0n);
    h.syncer.stop();
  });

  it('holds each block of a chunk against the peer that sent it: a stranger sending one mutated block and then nothing is banned, not the honest peer that finished the chunk', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    await honest.mine(40);
    let first = true;
    const mutator: Behaviour = {
      blocks: async (hashes) => {
        if (!first) return [];
        first = false;
        return [await mutatedCopy(honest.chain, hashes[0]!)];
      },
    };
    const h = harness(local, { honest: { fx: honest, behaviour: { blocks: slowBlocks(honest.chain, 50) } }, mutator: { fx: honest, behaviour: mutator, direction: 'inbound' } }, { presyncWaitMs: 50 });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(new Set(h.peers.offences.map((o) => o.peerId))).toEqual(new Set(['mutator']));
    expect(h.peers.banned.has('honest')).toBe(false);
  });

  it('a heavier fork served one chunk and then stalled stops the honest download once; shown again by another peer it stops nothing', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    await honest.mine(60);
    // Heavier than one 10-header honest batch, lighter than the honest chain.
    const fork = await copyOf(blocks, 5);
    await fork.mine(40, { miner: W.minerB });
    let honestAsks = 0;
    const honestPeer: Behaviour = { headers: async (locator) => headerBatch(honest.chain, locator, 10), blocks: slowBlocks(honest.chain, 300, () => honestAsks++) };
    const open = [false, false];
    const presenter = (k: number): Behaviour => {
      let served = false;
      return {
        headers: async (locator) => {
          while (!open[k] || honestAsks === 0) await sleep(5);
          return headerBatch(fork.chain, locator, 40);
        },
        blocks: async (hashes) => {
          const out: Block[] = [];
          for (const hash of hashes.slice(0, 8)) {
            const e = fork.chain.getEntry(hashToHex(hash));
            if (!e) break;
            out.push(decodeBlock((await fork.chain.getRawBlock(e))!));
          }
          if (out.length === 0 || !served) {
            served ||= out.length > 0;
            return out;
          }
          await new Promise((r) => setTimeout(r, 300));
          throw new Error('timed out');
        },
      };
    };
    const stop = vi.spyOn(BlockDownload.prototype, 'stop');
    const h = harness(
      local,
      { honest: { fx: honest, behaviour: honestPeer }, p0: { fx: fork, behaviour: presenter(0), direction: 'inbound' }, p1: { fx: fork, behaviour: presenter(1), direction: 'inbound' } },
      { maxHeaders: 10, presyncWaitMs: 100 },
    );
    h.syncer.trigger();
    open[0] = true;
    for (let i = 0; i < 200 && h.peers.get('p0')!.syncFailures === 0; i++) await sleep(20);
    expect(h.peers.get('p0')!.syncFailures).toBe(1);
    expect(stop).toHaveBeenCalledTimes(1);
    honestAsks = 0;
    open[1] = true;
    for (let i = 0; i < 200 && h.peers.get('p1')!.syncFailures === 0; i++) await sleep(20);
    await h.run();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
  });

  it('ignores a lighter fork gossiped while the honest chain fetches its first chunk', async () => {
    const honest = await fixture();
    const blocks = await honest.mine(5);
    const local = await copyOf(blocks, 5);
    await honest.mine(40);
    const fork = await copyOf(blocks, 5);
    const [forkBlock] = await fork.mine(1, { miner: W.minerB });
    let asked = false;
    const h = harness(local, { honest: { fx: honest, behaviour: { blocks: slowBlocks(honest.chain, 700, () => (asked = true)) } } });
    h.syncer.trigger();
    while (!asked) await sleep(5);
    expect((await h.intake.accept('gossip', forkBlock!, { unsolicited: true })).status).toBe('ignored');
    await h.syncer.whenIdle();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(local.chain.getEntry(hashToHex(blockHash(forkBlock!)))).toBeUndefined();
  });

  it('gives a lighter fork shown between two rounds of an honest download nothing: the honest round goes on first', async () => {
    const honest = await fixture();
    const first = await honest.mine(5);
    const local = await copyOf(first, 5);
    const rest = await honest.mine(30);
    // Forks at 8, once we have it, with more work than our tip after the honest first round (15) and far less than the honest 35.
    const fork = await copyOf([...first, ...rest], 8);
    await fork.mine(8, { miner: W.minerB });
    let waited = false;
    const forkPeer: Behaviour = {
      headers: async (locator) => {
        if (!waited) {
          waited = true;
          while (local.chain.height < 8) await sleep(5);
          return headerBatch(fork.chain, local.chain.locator().map(hexToHash), 10);
        }
        return headerBatch(fork.chain, locator, 10);
      },
    };
    const honestPeer: Behaviour = { headers: async (locator) => headerBatch(honest.chain, locator, 10), blocks: slowBlocks(honest.chain, 300) };
    const h = harness(local, { honest: { fx: honest, behaviour: honestPeer }, fork: { fx: fork, claim: 10n ** 30n, behaviour: forkPeer, direction: 'inbound' } }, { maxHeaders: 10 });
    await h.run();
    expect(local.chain.tip.id).toBe(honest.chain.tip.id);
    expect(local.chain.getEntry(fork.chain.tip.id)).toBeUndefined();
    expect(h.client.served.get('fork')?.blocks ?? 0).toBe(0);
  });

  it('downloads a lighter fork of our tip when the peer claiming more has not shown its headers within the wait', async () => {
    const local = await fixture();
    const blocks = await local.mine(3);
    const other = await copyOf(blocks, 3);
    await other.mine(4, { miner: W.minerB });
    const silent = { headers: () => new Promise<BlockHeader[]>((r) => setTimeout(() => r([]), 4_000)) };
    const h = harness(local, { other: { fx: other }, silent: { fx: local, claim: 10n ** 30n, behaviour: silent } });
    const t0 = Date.now();
    h.syncer.trigger();
    for (let i = 0; i < 200 && local.chain.tip.id !== other.chain.tip.id; i++) await sleep(20);
    expect(local.chain.tip.id).toBe(other.chain.tip.id);
    expect(Date.now() - t0).toBeLessThan(4_000);
    await h.syncer.whenIdle();
    expect(h.peers.offencesOf('silent')).toEqual(['lowWork']);
  });

  it('bans a peer whose fork breaks a rule below the block that makes it the best chain, and keeps the honest tip', async () => {
    const local = await fixture();
    const blocks = await local.mine(5);
    const honestTip = local.chain.tip;
    const attacker = await copyOf(blocks, 2);
    const branch = await attacker.branch();
    // Heights 3 to 6: the state root of 4 is wrong, which only connecting it shows; 6 outweighs our tip.
    const fork = [branch.next(), branch.next({ stateRoot: new Uint8Array(32).fill(1) }), branch.next(), branch.next()];
    const byId = new Map(fork.map((b) => [hashToHex(blockHash(b)), b]));
    const claim = honestTip.chainWork + workFromBits(fork[3]!.header.bits);
    const behaviour: Behaviour = {
      headers: async () => fork.map((b) => b.header),
      blocks: async (hashes) => hashes.map((h) => byId.get(hashToHex(h))!),
    };
    const h = harness(local, { attacker: { fx: attacker, claim, behaviour } });
    await h.run();
    expect(h.client.served.get('attacker')!.blocks).toBe(4);
    expect(local.chain.tip).toBe(honestTip);
    expect(local.chain.getEntry(hashToHex(blockHash(fork[1]!)))!.status & Status.invalid).toBe(Status.invalid);
    // The block that broke the rule, then the two above it, each held against the peer that sent it.
    expect(h.peers.offences.map((o) => [o.peerId, o.offence, o.detail.replace(/^block \w+: /, '')])).toEqual([
      ['attacker', 'invalidBlock', 'bad-state-root'],
      ['attacker', 'invalidBlock', `invalid-ancestor: descends from ${hashToHex(blockHash(fork[1]!))}`],
      ['attacker', 'invalidBlock', `invalid-ancestor: descends from ${hashToHex(blockHash(fork[1]!))}`],
    ]);
    expect(h.peers.banned.has('attacker')).toBe(true);
  });

  it('a chain longer than the header hold is redownloaded and must match the first download', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(40);
    const local = await copyOf(blocks, 2);
    const h = harness(local, { honest: { fx: remote } }, { hold: 10, commitEvery: 8 });
    await h.run();
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    // Every header twice (PRESYNC, REDOWNLOAD), every body once.
    expect(h.client.served.get('honest')).toEqual({ headers: 76, blocks: 38 });
  });

  it('stores nothing when the redownloaded headers differ from the ones first shown', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(30);
    const local = await copyOf(blocks, 2);
    const other = await copyOf(blocks, 2);
    const fake = await other.mine(40, { miner: W.minerB });
    let calls = 0;
    const honestHeaders = blocks.slice(2).map((b) => b.header);
    const h = harness(
      local,
      { switcher: { fx: other, behaviour: { headers: async () => (calls++ === 0 ? honestHeaders : fake.map((b) => b.header)) } } },
      { hold: 10, commitEvery: 8 },
    );
    await h.run();
    expect(local.chain.height).toBe(2);
    expect(h.client.served.get('switcher')!.blocks).toBe(0);
  });

  it('rotates out a peer that stalls the block download; the others finish it', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(40);
    const local = await copyOf(blocks, 1);
    const staller = await copyOf(blocks, 40);
    const h = harness(
      local,
      {
        staller: { fx: staller, claim: 10n ** 30n, behaviour: { blocks: () => new Promise<Block[]>(() => undefined) } },
        honest: { fx: remote },
      },
      { stallMs: 100 },
    );
    const t0 = Date.now();
    await h.run();
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(Date.now() - t0).toBeLessThan(5_000);
    // Each block once from the honest peer: the chunks the staller held were asked of it, not waited for.
    expect(h.client.served.get('honest')!.blocks).toBe(39);
    expect(headerHash(local.chain.tip.header)).toEqual(remote.chain.tip.hash);
  });

  describe('a slow honest peer (three stall times an answer) beside a peer that serves one block and sits on the rest', () => {
    async function slowHonestBeside(shows: 'our tip' | 'the trail tip') {
      const remote = await fixture();
      const blocks = await remote.mine(60);
      const local = await copyOf(blocks, 2);
      let asks = 0;
      const dribbler: Behaviour = {
        blocks: async (hashes) => {
          if (asks++ === 0) return [decodeBlock((await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(hashes[0]!))!))!)];
          await sleep(400);
          throw new Error('timed out');
        },
      };
      // It claims exactly our tip's work, learnt from our statuses: a download source under the old rule, never a session of its own.
      const evil = shows === 'our tip' ? { fx: local, behaviour: dribbler } : { fx: remote, claim: local.chain.tip.chainWork, behaviour: dribbler };
      const h = harness(local, { honest: { fx: remote, behaviour: { blocks: slowBlocks(remote.chain, 150) } }, evil: { ...evil, direction: 'inbound' } }, { stallMs: 50 });
      await h.run();
      return { remote, local, h, asks: () => asks };
    }

    it('asks nothing of it when its best block is only our tip, and syncs without failing or resting the honest peer', async () => {
      const { remote, local, h, asks } = await slowHonestBeside('our tip');
      expect(local.chain.tip.id).toBe(remote.chain.tip.id);
      expect(asks()).toBe(0);
      expect(h.peers.get('honest')!.syncFailures).toBe(0);
      expect(h.peers.get('honest')!.syncBackoffUntil).toBeLessThan(Date.now());
      expect(h.peers.offences).toEqual([]);
    });

    it("asked as a source (its best block is the trail's tip), it holds nothing up for good: the honest answers are kept and the session does not fail", async () => {
      const { remote, local, h, asks } = await slowHonestBeside('the trail tip');
      expect(local.chain.tip.id).toBe(remote.chain.tip.id);
      expect(asks()).toBeGreaterThan(1);
      expect(h.peers.get('honest')!.syncFailures).toBe(0);
      expect(h.peers.get('honest')!.syncBackoffUntil).toBeLessThan(Date.now());
      expect(h.peers.offences).toEqual([]);
    });
  });

  it('fetches an announced block from an honest announcer while the peer that announced it first sits on the request', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(6);
    const local = await copyOf(blocks, 5);
    const next = blocks[5]!;
    const h = harness(local, {
      squatter: { fx: remote, behaviour: { blocks: () => new Promise<Block[]>(() => undefined) } },
      honest: { fx: remote },
    });
    h.syncer.fetchAnnounced(h.peers.get('squatter')!, blockHash(next));
    h.syncer.fetchAnnounced(h.peers.get('honest')!, blockHash(next));
    // A repeat from the same announcer is not a second download.
    h.syncer.fetchAnnounced(h.peers.get('honest')!, blockHash(next));
    for (let i = 0; i < 100 && local.chain.height < 6; i++) await sleep(20);
    expect(local.chain.tip.id).toBe(hashToHex(blockHash(next)));
    expect(h.client.served.get('honest')!.blocks).toBe(1);
  });

  it('asks a peer announcing 16 next blocks for one of them at a time, and rests it when it sits on that request until it times out', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(6);
    const local = await copyOf(blocks, 5);
    let asks = 0;
    let timeOut!: () => void;
    const sitter: Behaviour = {
      blocks: () => {
        asks++;
        return new Promise<Block[]>((_, reject) => (timeOut = () => reject(new FrameError('timeout', 'no complete frame within 20000 ms'))));
      },
    };
    const h = harness(local, { liar: { fx: remote, behaviour: sitter, direction: 'inbound' } });
    const liar = h.peers.get('liar')!;
    // Statuses are free to send: each names another block one above our tip.
    for (let i = 0; i < 16; i++) h.syncer.fetchAnnounced(liar, randomBytes(32));
    await sleep(50);
    expect(asks).toBe(1);

    timeOut();
    await sleep(20);
    // Not scored (slow is not dishonest), but its claims start nothing for a while, longer each time in a row.
    expect(h.peers.offences).toEqual([]);
    expect(liar.syncFailures).toBe(1);
    expect(liar.syncBackoffUntil).toBeGreaterThan(Date.now());
    expect(liar.offersMoreThan(local.chain.tip.chainWork)).toBe(false);
    expect(h.syncer.active).toBe(false);
  });

  it('connects both blocks when a peer announces the next one while its announced block is still on its way', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(7);
    const local = await copyOf(blocks, 5);
    const h = harness(local, { honest: { fx: remote, behaviour: { blocks: slowBlocks(remote.chain, 200) } } });
    const honest = h.peers.get('honest')!;
    const [sixth, seventh] = [blocks[5]!, blocks[6]!].map(blockHash) as [Uint8Array, Uint8Array];
    const workAt = (hash: Uint8Array) => remote.chain.getEntry(hashToHex(hash))!.chainWork;
    honest.status = { ...honest.status!, height: 6, bestHash: sixth, chainWork: workAt(sixth) };
    h.syncer.fetchAnnounced(honest, sixth);
    // Its next block, announced before the first came: not a second fetch from it now, but caught up after.
    honest.status = { ...honest.status, height: 7, bestHash: seventh, chainWork: workAt(seventh) };
    h.syncer.fetchAnnounced(honest, seventh);
    for (let i = 0; i < 150 && local.chain.height < 7; i++) await sleep(20);
    await h.syncer.whenIdle();
    expect(local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(h.client.served.get('honest')!.blocks).toBe(2);
    expect(h.peers.offences).toEqual([]);
  });
});

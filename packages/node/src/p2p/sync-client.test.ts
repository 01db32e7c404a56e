import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import './shim.js';
import { blockHash, hashToHex } from '@hackcoin/core';
import { ChainFixture, REGTEST } from '../test-support/chain-fixture.js';
import { BlockIntake } from './block-intake.js';
import { FrameError } from './frames.js';
import { createHost, type Host } from './libp2p.js';
import { decodeSyncRequest, encodeRawList } from './messages.js';
import { LIMITS, blocksResponseMax } from './protocol.js';
import { RECEIVE_BUDGET_BYTES, ReceiveBudget } from './receive-budget.js';
import { WireSyncClient, type Requester } from './sync-client.js';
import { FakePeers, testLog } from './test-peers.js';
import { Wire } from './wire.js';

const SYNC = '/hackcoin/regtest/sync/1.0.0';
const MAX = REGTEST.maxBlockSize;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function fixture(): Promise<ChainFixture> {
  const fx = await ChainFixture.create();
  stops.push(() => fx.close());
  return fx;
}

async function host(): Promise<Host> {
  const h = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test' });
  stops.push(() => h.stop());
  return h;
}

/** The bytes an answer carrying `n` blocks of the largest size takes, as serve encodes it. */
const fullAnswer = (n: number): number => encodeRawList(Array.from({ length: n }, () => new Uint8Array(MAX))).length;

/** A requester answering from `answer`, recording each request's hashes and the size it allowed the answer. */
function recorder(answer: (hashes: Uint8Array[]) => Promise<Uint8Array> = async () => encodeRawList([])) {
  const asked: { peerId: string; hashes: number; maxResponse: number }[] = [];
  const requester: Requester = {
    async request(peerId, _protocol, payload, maxResponse, _timeoutMs, admit) {
      const req = decodeSyncRequest(payload);
      if (req.type !== 'blocks') throw new Error(`unexpected ${req.type} request`);
      asked.push({ peerId, hashes: req.hashes.length, maxResponse });
      const resp = await answer(req.hashes);
      // As the wire does on the answer's length prefix.
      if (admit && !admit(resp.length)) throw new FrameError('no-room', `no room for ${resp.length} bytes`);
      return resp;
    },
  };
  return { asked, requester };
}

describe('WireSyncClient: blocks answers bounded by what was asked', () => {
  it('refuses a one-block answer whose frame claims 10 MB as soon as its length prefix is in, and bans its sender as oversized', async () => {
    const fx = await fixture();
    const [victim, attacker] = await Promise.all([host(), host()]);
    let trickled = 0;
    // The reviewer's attacker: a length prefix claiming 10 MB (under the old ~10.4 MB cap for any blocks
    // answer), then the claimed bytes trickled, never all of them.
    await attacker.handle(SYNC, async (ex) => {
      await ex.read(LIMITS.requestBytes, 5_000);
      const head = new Uint8Array(4);
      new DataView(head.buffer).setUint32(0, 10_000_000);
      await ex.writeRaw(head);
      await sleep(100);
      try {
        for (let i = 0; i < 100; i++) {
          await ex.writeRaw(new Uint8Array(64 * 1024));
          trickled += 64 * 1024;
          await sleep(100);
        }
      } catch {
        // The victim gave up the stream.
      }
    });
    const attackerId = await victim.dial(attacker.addrs()[0]!);
    const peers = new FakePeers();
    peers.add(attackerId, { chainWork: 1n });
    const client = new WireSyncClient(new Wire(victim, peers), SYNC, peers, new BlockIntake(fx.chain, peers, testLog), MAX, new ReceiveBudget(RECEIVE_BUDGET_BYTES));

    const started = Date.now();
    const err = await client.blocks(attackerId, [randomBytes(32)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FrameError);
    expect((err as FrameError).kind).toBe('oversized');
    // Refused on the prefix: it did not wait out the request's 20 s timeout nor take in the trickle.
    expect(Date.now() - started).toBeLessThan(5_000);
    const read = victim.traffic().find((t) => t.protocol === SYNC)?.bytesIn ?? 0;
    expect(read).toBeLessThan(64 * 1024);
    expect(trickled).toBeLessThan(1024 * 1024);
    expect(peers.offencesOf(attackerId)).toEqual(['oversized']);
  });

  it('lets an answer take what the blocks asked for encode to at most, and no more than any blocks answer', async () => {
    const fx = await fixture();
    const { asked, requester } = recorder();
    const peers = new FakePeers();
    peers.add('p', { chainWork: 1n });
    const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(fx.chain, peers, testLog), MAX, new ReceiveBudget(RECEIVE_BUDGET_BYTES));
    for (const n of [1, 3, 32]) await client.blocks('p', Array.from({ length: n }, () => randomBytes(32)));
    expect(asked.map((a) => a.maxResponse)).toEqual([fullAnswer(1), fullAnswer(3), blocksResponseMax(MAX)]);
    // One block asked for: its answer takes ~2 MB, where it took the ~10.4 MB of a full blocks answer.
    expect(fullAnswer(1)).toBe(MAX + 6);
  });

  it('asks for fewer blocks while other peers hold the receive budget, one at least, and the blocks still come', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(8);
    const local = await fixture();
    const raw = async (hash: Uint8Array) => (await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(hash))!))!;
    const { asked, requester } = recorder(async (hashes) => encodeRawList(await Promise.all(hashes.map(raw))));
    const peers = new FakePeers();
    peers.add('honest', { chainWork: 1n });
    const budget = new ReceiveBudget(6 * fullAnswer(1));
    const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(local.chain, peers, testLog), MAX, budget);
    // Strangers' answers on their way hold all of it.
    const strangers = await Promise.all(['s1', 's2'].map((s) => budget.take(s, 3 * fullAnswer(1), fullAnswer(1))));
    expect(budget.used).toBe(budget.limit);

    const got = await client.blocks('honest', blocks.map(blockHash));
    expect(asked).toEqual([{ peerId: 'honest', hashes: 1, maxResponse: fullAnswer(1) }]);
    expect(got.map((b) => hashToHex(blockHash(b)))).toEqual([hashToHex(blockHash(blocks[0]!))]);

    // With the room back, the rest in one request.
    for (const s of strangers) s.release();
    await client.blocks('honest', blocks.slice(1).map(blockHash));
    expect(asked[1]).toEqual({ peerId: 'honest', hashes: 7, maxResponse: blocksResponseMax(MAX) });
    expect(budget.used).toBe(0);
    expect(peers.offences).toEqual([]);
  });

  it('books a blocks answer at the size of the blocks seen, so 16 requests of 32 small blocks from 8 sources all go out whole', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(32);
    const local = await fixture();
    const raw = async (hash: Uint8Array) => (await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(hash))!))!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = false;
    const { asked, requester } = recorder(async (hashes) => {
      // Every answer but the first waits, so all 16 requests are in flight at once.
      if (held) await gate;
      held = true;
      return encodeRawList(await Promise.all(hashes.map(raw)));
    });
    const peers = new FakePeers();
    const sources = Array.from({ length: 8 }, (_, i) => `source-${i}`);
    for (const id of sources) peers.add(id, { chainWork: 1n });
    const budget = new ReceiveBudget(RECEIVE_BUDGET_BYTES);
    const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(local.chain, peers, testLog), MAX, budget);
    const hashes = blocks.map(blockHash);
    // The first answer, booked at the most 32 blocks may take: nothing is known of their size yet.
    await client.blocks(sources[0]!, hashes);
    const requests = Array.from({ length: 16 }, (_, i) => client.blocks(sources[i % 8]!, hashes));
    await sleep(50);
    expect(asked.slice(1).map((a) => a.hashes)).toEqual(Array(16).fill(32));
    // Each asked answer may still take what 32 blocks may (the protocol's bound, which blames), while the budget holds far less.
    expect(asked.slice(1).every((a) => a.maxResponse === blocksResponseMax(MAX))).toBe(true);
    expect(budget.used).toBeLessThan(budget.limit / 4);
    release();
    for (const got of await Promise.all(requests)) expect(got.map((b) => hashToHex(blockHash(b)))).toEqual(hashes.map(hashToHex));
    expect(budget.used).toBe(0);
    expect(peers.offences).toEqual([]);
  });

  it('asks again, booked at the most it may take and unblamed, when an answer announces more than its booking and no room is free', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(4);
    const local = await fixture();
    const raw = async (hash: Uint8Array) => (await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(hash))!))!;
    let first = true;
    const { asked, requester } = recorder(async (hashes) => {
      const list = await Promise.all(hashes.map(raw));
      // The first answer after sizes are known carries a block padded past its booking (a size jump).
      if (asked.length === 2 && first) {
        first = false;
        return new Uint8Array(MAX);
      }
      return encodeRawList(list);
    });
    const peers = new FakePeers();
    peers.add('honest', { chainWork: 1n });
    const budget = new ReceiveBudget(8 * fullAnswer(1));
    const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(local.chain, peers, testLog), MAX, budget);
    await client.blocks('honest', [blockHash(blocks[0]!)]);
    // Strangers' answers take all the room but 100 kB: enough for three small blocks' booking, not for a full block.
    const each = (budget.limit - 100_000) / 2;
    const strangers = await Promise.all(['s1', 's2'].map((s) => budget.take(s, each, each)));
    const got = await client.blocks('honest', blocks.slice(1).map(blockHash));
    // Booked small, refused on its length prefix, then asked again with room for the most one block may take.
    expect(asked.slice(1).map((a) => a.hashes)).toEqual([3, 1]);
    expect(got.map((b) => hashToHex(blockHash(b)))).toEqual([hashToHex(blockHash(blocks[1]!))]);
    expect(peers.offences).toEqual([]);
    for (const s of strangers) s.release();
    expect(budget.used).toBe(0);
  });
});

describe('WireSyncClient: a request asked again for room', () => {
  it("keeps its peer's stall clock counting from the first ask, so a refused prefix buys the peer no fresh stall period", async () => {
    const remote = await fixture();
    const blocks = await remote.mine(2);
    const local = await fixture();
    let answered = 0;
    const { requester } = recorder(async (hashes) => {
      answered++;
      if (answered === 2) {
        // Slow, then announcing more than its booking with no room free: refused at the prefix.
        await sleep(200);
        return new Uint8Array(MAX);
      }
      return encodeRawList(await Promise.all(hashes.map(async (h) => (await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(h))!))!)));
    });
    const peers = new FakePeers();
    const budget = new ReceiveBudget(4 * fullAnswer(1));
    const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(local.chain, peers, testLog), MAX, budget);
    await client.blocks('p', [blockHash(blocks[0]!)]);
    const strangers = await budget.take('s', budget.limit - 100_000, 1);
    const times: number[] = [];
    const got = await client.bodies('p', [blockHash(blocks[1]!)], (since) => times.push(since));
    expect(got.blocks.map((b) => hashToHex(blockHash(b)))).toEqual([hashToHex(blockHash(blocks[1]!))]);
    const asks = times.filter((t) => t !== Infinity);
    expect(asks).toHaveLength(2);
    // Before: the second ask counted from the retry, 200 ms later.
    expect(asks[1]! - asks[0]!).toBeLessThan(100);
    expect(peers.offences).toEqual([]);
    strangers.release();
  });
});

describe('WireSyncClient: a request waiting for room', () => {
  it('holds what it was granted when a larger block is seen meanwhile: the budget plus one small block a peer, not a large one', async () => {
    // Header-only blocks, named in an answer by their index in the first byte, padded to any size.
    const blocks = Array.from({ length: 64 }, (_, i) => ({
      header: { version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: 1, bits: 0x207fffff, nonce: i },
      txs: [],
    }));
    const index = new Map(blocks.map((b, i) => [hashToHex(blockHash(b)), i]));
    const intake = { decode: (_peer: string, raw: Uint8Array) => blocks[raw[0]!] } as unknown as BlockIntake;
    const answers = new Map<string, (size: number) => void>();
    const { requester } = recorder(async (hashes) => {
      const i = index.get(hashToHex(hashes[0]!))!;
      const size = await new Promise<number>((r) => answers.set(`${i}`, r));
      const raw = new Uint8Array(size);
      raw[0] = i;
      return encodeRawList([raw]);
    });
    const peers = new FakePeers();
    const budget = new ReceiveBudget(4 * 1024 * 1024);
    const client = new WireSyncClient(requester, SYNC, peers, intake, MAX, budget);
    const hash = (i: number) => blockHash(blocks[i]!);
    // Small blocks seen: a block is booked at 16 KiB.
    const seen = client.blocks('w', [hash(0)]);
    await sleep(5);
    answers.get('0')!(100);
    await seen;
    // A request of 32 blocks books ~0.5 MB; strangers hold all the rest but 1 kB.
    const large = client.blocks('a', Array.from({ length: 32 }, (_, i) => hash(1 + i)));
    await sleep(5);
    const strangers = await budget.take('stranger', budget.limit - budget.used - 1000, 1);
    // Eight sources with a request each in flight (at their floor) and a second waiting for room.
    const waiting: Promise<unknown>[] = [];
    for (let p = 0; p < 8; p++) {
      waiting.push(client.blocks(`p${p}`, [hash(40 + p)]));
      await sleep(2);
      waiting.push(client.blocks(`p${p}`, [hash(50 + p)]));
    }
    await sleep(5);
    // The 32-block answer is one honest 520 kB block: seen, then its room freed, which wakes the waiters.
    answers.get('1')!(520_000);
    await large;
    await sleep(5);
    // Before: each woken waiter resized its room to the new estimate, ~1 MB, and 12 MB were held.
    expect(budget.used).toBeLessThanOrEqual(budget.limit + 8 * 17 * 1024);
    strangers.release();
    for (const [i, answer] of answers) if (Number(i) >= 40) answer(100);
    await sleep(5);
    for (const [i, answer] of answers) if (Number(i) >= 50) answer(100);
    await Promise.all(waiting);
    expect(budget.used).toBe(0);
    expect(peers.offences).toEqual([]);
  });
});

describe('Wire: an answer our room refuses', () => {
  it('ends on its length prefix as no-room, reads none of its body and blames nobody', async () => {
    const [local, remote] = await Promise.all([host(), host()]);
    await remote.handle(SYNC, async (ex) => {
      await ex.read(LIMITS.requestBytes, 5_000);
      await ex.write(new Uint8Array(3 * 1024 * 1024)).catch(() => undefined);
    });
    const remoteId = await local.dial(remote.addrs()[0]!);
    const peers = new FakePeers();
    peers.add(remoteId, { chainWork: 1n });
    const announced: number[] = [];
    const err = await new Wire(local, peers)
      .request(remoteId, SYNC, new Uint8Array([1]), 4 * 1024 * 1024, 5_000, (bytes) => {
        announced.push(bytes);
        return false;
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as FrameError).kind).toBe('no-room');
    expect(announced).toEqual([3 * 1024 * 1024]);
    expect(local.traffic().find((t) => t.protocol === SYNC)?.bytesIn ?? 0).toBeLessThan(1024 * 1024);
    expect(peers.offences).toEqual([]);
  });
});

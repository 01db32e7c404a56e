import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import './shim.js';
import { blockHash, hashToHex } from '@hackcoin/core';
import { ChainFixture, REGTEST } from '../test-support/chain-fixture.js';
import { BlockIntake } from './block-intake.js';
import { FrameAssembler, FrameError, encodeFrame } from './frames.js';
import { createHost, type Host } from './libp2p.js';
import { decodeSyncRequest, encodeRawList } from './messages.js';
import { LIMITS, blocksResponseMax } from './protocol.js';
import { RECEIVE_BUDGET_BYTES, ReceiveBudget } from './receive-budget.js';
import { WireSyncClient, blocksAnswerMax, type Requester } from './sync-client.js';
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
    async request(peerId, _protocol, payload, maxResponse) {
      const req = decodeSyncRequest(payload);
      if (req.type !== 'blocks') throw new Error(`unexpected ${req.type} request`);
      asked.push({ peerId, hashes: req.hashes.length, maxResponse });
      return answer(req.hashes);
    },
  };
  return { asked, requester };
}

const tick = () => new Promise((r) => setImmediate(r));

/** An answer as a peer sends it: the frame's announced length (the payload's own unless lying) and the payload. */
interface Sent {
  length?: number;
  payload: Uint8Array;
}

/**
 * A requester that reads answers as the host does, through the real FrameAssembler, and calls
 * `admit` once a length prefix is in and found within the limit, reading none of the body until it
 * settles; an oversized prefix is charged as Wire charges it. The body comes in 64 KiB chunks.
 * `log` records each request, whether its answer waited at the prefix, and how much of its body was read.
 */
function framedRequester(peers: FakePeers, answer: (peerId: string, hashes: Uint8Array[]) => Promise<Sent>) {
  const log: { peerId: string; hashes: number; maxResponse: number; bodyRead: number; waited: boolean; done: boolean }[] = [];
  const requester: Requester = {
    admitsAtPrefix: true,
    async request(peerId, _protocol, payload, maxResponse, timeoutMs, admit) {
      const req = decodeSyncRequest(payload);
      if (req.type !== 'blocks') throw new Error(`unexpected ${req.type} request`);
      const entry = { peerId, hashes: req.hashes.length, maxResponse, bodyRead: 0, waited: false, done: false };
      log.push(entry);
      try {
        const sent = await answer(peerId, req.hashes);
        const frame = encodeFrame(sent.payload);
        const length = sent.length ?? sent.payload.length;
        new DataView(frame.buffer).setUint32(0, length, false);
        const asm = new FrameAssembler(maxResponse);
        try {
          asm.push(frame.subarray(0, 4));
        } catch (e) {
          if (e instanceof FrameError && e.kind === 'oversized') peers.misbehave(peerId, 'oversized', e.message);
          throw e;
        }
        let admitted = false;
        const admitting = admit?.(length).then(() => (admitted = true));
        await tick();
        entry.waited = !admitted;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          admitting,
          new Promise((_, rej) => (timer = setTimeout(() => rej(new FrameError('timeout', 'no frame in time')), timeoutMs))),
        ]).finally(() => clearTimeout(timer));
        for (let at = 4; ; at += 64 * 1024) {
          const chunk = frame.subarray(at, Math.min(frame.length, at + 64 * 1024));
          entry.bodyRead += chunk.length;
          const whole = asm.push(chunk);
          if (whole) return whole;
          await tick();
        }
      } finally {
        entry.done = true;
      }
    },
  };
  return { log, requester };
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

  it('lets 16 requests of 32 small blocks from 8 peers go out whole at once, booking what their answers hold at the length prefix', async () => {
    const remote = await fixture();
    const blocks = await remote.mine(32);
    const local = await fixture();
    const raws = await Promise.all(blocks.map(async (b) => (await remote.chain.getRawBlock(remote.chain.getEntry(hashToHex(blockHash(b)))!))!));
    const peers = new FakePeers();
    for (let p = 0; p < 8; p++) peers.add(`peer${p}`, { chainWork: 1n });
    const budget = new ReceiveBudget(RECEIVE_BUDGET_BYTES);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let mostUsed = 0;
    const { log, requester } = framedRequester(peers, async () => {
      await gate;
      mostUsed = Math.max(mostUsed, budget.used);
      return { payload: encodeRawList(raws) };
    });
    // Mainnet's block size: one block's room is ~2 MB, a full blocks answer ~10.4 MB.
    const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(local.chain, peers, testLog), 2_000_000, budget);
    const runs: Promise<unknown[]>[] = [];
    for (let p = 0; p < 8; p++) for (let k = 0; k < 2; k++) runs.push(client.blocks(`peer${p}`, blocks.map(blockHash)));
    for (let i = 0; i < 50 && log.length < 16; i++) await sleep(5);
    const sent = log.map((r) => r.hashes);
    release();
    const got = await Promise.all(runs);
    expect(sent).toEqual(Array.from({ length: 16 }, () => 32));
    expect(got.map((g) => g.length)).toEqual(Array.from({ length: 16 }, () => 32));
    // The answers were booked at the ~16 KB they hold, not ~10.4 MB each.
    expect(mostUsed).toBeLessThanOrEqual(budget.limit);
    expect(budget.used).toBe(0);
    expect(peers.offences).toEqual([]);
  });

  it('refuses a frame claiming more than the hashes asked for can take before reading its body, and books no more than the budget while 4 peers send the largest answers they may', async () => {
    const fx = await fixture();
    const peers = new FakePeers();
    for (const id of ['liar', 'p0', 'p1', 'p2', 'p3']) peers.add(id, { chainWork: 1n });
    const budget = new ReceiveBudget(RECEIVE_BUDGET_BYTES);
    // Five blocks of the largest size: 10,000,026 bytes, the most an answer to 5 hashes may take.
    const blob = new Uint8Array(MAX);
    const maximal = encodeRawList(Array.from({ length: 5 }, () => blob));
    expect(maximal.length).toBe(blocksAnswerMax(5, MAX));
    let mostUsed = 0;
    let overBooked = 0;
    const { log, requester } = framedRequester(peers, async (peerId) => {
      if (peerId === 'liar') return { length: blocksAnswerMax(1, MAX) + 1, payload: new Uint8Array(64) };
      return { payload: maximal };
    });
    const watch = setInterval(() => {
      mostUsed = Math.max(mostUsed, budget.used);
      // What the answers under way have read of their bodies, against what is booked.
      const read = log.filter((r) => !r.done).reduce((n, r) => n + r.bodyRead, 0);
      if (read > budget.used) overBooked++;
    }, 1);
    try {
      const client = new WireSyncClient(requester, SYNC, peers, new BlockIntake(fx.chain, peers, testLog), MAX, budget);

      const err = await client.blocks('liar', [randomBytes(32)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as FrameError).kind).toBe('oversized');
      expect(log[0]).toMatchObject({ peerId: 'liar', maxResponse: blocksAnswerMax(1, MAX), bodyRead: 0 });
      expect(peers.offencesOf('liar')).toEqual(['oversized']);
      expect(budget.used).toBe(0);

      // 8 answers of ~10 MB: ~80 MB, more than the 64 MiB budget. The last wait at their prefix, reading nothing meanwhile.
      const runs = ['p0', 'p1', 'p2', 'p3'].flatMap((p) => [0, 1].map(() => client.blocks(p, Array.from({ length: 5 }, () => randomBytes(32))).catch((e: unknown) => e)));
      await Promise.all(runs);
      expect(log.slice(1).map((r) => r.hashes)).toEqual(Array.from({ length: 8 }, () => 5));
      expect(log.slice(1).filter((r) => r.waited).length).toBeGreaterThan(0);
      // Every answer was read in the end, whole.
      expect(log.slice(1).every((r) => r.bodyRead === maximal.length)).toBe(true);
    } finally {
      clearInterval(watch);
    }
    expect(mostUsed).toBeGreaterThan(0);
    expect(mostUsed).toBeLessThanOrEqual(budget.limit);
    expect(overBooked).toBe(0);
    expect(budget.used).toBe(0);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeTx, encodeTx, txId, type CoinbaseTx, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { Validation } from './libp2p.js';
import { BlockIntake } from './block-intake.js';
import { decodeRawList, encodeRawList } from './messages.js';
import { Relay, type Gossip } from './relay.js';
import { FakePeers, testLog } from './test-peers.js';
import { TxIntake } from './tx-intake.js';
import type { MempoolEntry } from '../mempool/entry.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A funded sender (alice) and an intake over a real mempool; what it republishes is kept, in order. */
async function setup() {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.mine(2, { miner: W.alice });
  const peers = new FakePeers();
  peers.add('sender', { chainWork: 0n });
  const republished: string[] = [];
  const intake = new TxIntake(fx.mempool, peers, 1 << 17, testLog, (raw) => republished.push(txId(decodeTx(raw))));
  const batch = (txs: TransferTx[]) => intake.acceptBatch('sender', encodeRawList(txs.map(encodeTx)));
  return { fx, peers, intake, republished, batch };
}

describe('TxIntake: what a gossiped batch may carry to be relayed as it is', () => {
  it('does not relay one new transaction riding with 255 copies of a pending one (txbatch-repeated-tx); the new one goes on in our own batch and nobody is penalised', async () => {
    const { fx, peers, republished, batch } = await setup();
    const pending = fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    await fx.mempool.add(pending);
    const fresh = fx.tx(W.alice, W.carol, 2_000n, { nonce: 1n });
    expect(await batch([fresh, ...Array.from({ length: 255 }, () => pending)])).toBe('ignore');
    expect(fx.mempool.get(txId(fresh))).toBeDefined();
    expect(republished).toEqual([txId(fresh)]);
    // An honest node's batch can repeat a transaction: a repeat is not held against its sender.
    expect(peers.offences).toEqual([]);
  });

  it('judges a transaction that comes twice in a batch once, admits it, and does not relay the batch', async () => {
    const { fx, peers, republished, batch } = await setup();
    const add = vi.spyOn(fx.mempool, 'add');
    const fresh = fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    expect(await batch([fresh, fresh])).toBe('ignore');
    expect(add).toHaveBeenCalledTimes(1);
    expect(fx.mempool.size).toBe(1);
    expect(republished).toEqual([txId(fresh)]);
    expect(peers.offences).toEqual([]);
  });

  it('does not relay a batch whose transactions we already had outweigh an eighth of its new ones (txbatch-known-share), and sends the new ones on alone', async () => {
    const { fx, peers, republished, batch } = await setup();
    const known = fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    await fx.mempool.add(known);
    const fresh = fx.tx(W.alice, W.carol, 1_000n, { nonce: 1n });
    expect(await batch([known, fresh])).toBe('ignore');
    expect(fx.mempool.get(txId(fresh))).toBeDefined();
    expect(republished).toEqual([txId(fresh)]);
    expect(peers.offences).toEqual([]);
  });

  it('relays as it is a batch carrying a small share of transactions we already had (an honest node republishes some we got elsewhere)', async () => {
    const { fx, republished, batch } = await setup();
    const known = fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    await fx.mempool.add(known);
    // Ten new transactions of the known one's size: it is a tenth of their bytes.
    const fresh = Array.from({ length: 10 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(i + 1) }));
    expect(await batch([known, ...fresh])).toBe('accept');
    expect(fx.mempool.size).toBe(11);
    expect(republished).toEqual([]);
  });

  it('relays as it is a batch of new transactions only, and ignores one of known transactions only without republishing anything', async () => {
    const { fx, republished, batch } = await setup();
    const txs = [0n, 1n, 2n].map((nonce) => fx.tx(W.alice, W.bob, 1_000n, { nonce }));
    expect(await batch(txs)).toBe('accept');
    expect(await batch(txs)).toBe('ignore');
    expect(republished).toEqual([]);
  });
});

class FakeGossip implements Gossip {
  readonly published: Uint8Array[] = [];
  subscribe(): void {}
  async publish(_topic: string, data: Uint8Array): Promise<number> {
    this.published.push(data);
    return 1;
  }
}

describe('TxIntake: held transactions', () => {
  it('sends a held transaction on once when it is admitted after the ids seen have forgotten it, so our own batch repeats nothing', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(2, { miner: W.alice });
    const peers = new FakePeers();
    peers.add('sender', { chainWork: 0n });
    const gossip = new FakeGossip();
    const intake: TxIntake = new TxIntake(fx.mempool, peers, 1 << 17, testLog, (raw) => relay.republish(raw));
    const relay = new Relay({
      gossip,
      topics: { blocks: 'b', txs: 't' },
      chain: fx.chain,
      mempool: fx.mempool,
      peers,
      intake: new BlockIntake(fx.chain, peers, testLog),
      txIntake: intake,
      log: testLog,
      onOrphan: () => undefined,
      txBatchMs: 20,
    });
    relay.start();
    try {
      const [first, second] = [0n, 1n].map((nonce) => fx.tx(W.alice, W.bob, 1_000n, { nonce })) as [TransferTx, TransferTx];
      const verdict: Validation = await intake.acceptBatch('sender', encodeRawList([encodeTx(second)]));
      expect(verdict).toBe('ignore');
      expect(intake.gaps.holds(second, encodeTx(second))).toBe(true);
      // Held for minutes under load: twenty thousand other ids pushed it out.
      intake.seen.clear();
      await fx.mempool.add(first);
      for (let i = 0; i < 50 && !fx.mempool.get(txId(second)); i++) await sleep(10);
      await sleep(60);
      const sent = gossip.published.flatMap((data) => decodeRawList(data, 256, 1 << 17).map((raw) => txId(decodeTx(raw))));
      expect(sent).toEqual([txId(first), txId(second)]);
    } finally {
      relay.stop();
    }
  });
});

describe('TxIntake: memory a held transaction keeps', () => {
  it('holds a gap transaction that came with filler as its own bytes, not a view keeping the whole message alive', async () => {
    const { fx, intake, batch } = await setup();
    const pending = fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    await fx.mempool.add(pending);
    const gap = fx.tx(W.alice, W.carol, 1_000n, { nonce: 2n });
    expect(await batch([gap, ...Array.from({ length: 255 }, () => pending)])).toBe('ignore');
    expect(intake.gaps.holds(gap, encodeTx(gap))).toBe(true);
    const held = intake.gaps.next({ ...gap, nonce: 1n })!;
    expect(txId(decodeTx(held.raw))).toBe(txId(gap));
    // The message was 256 transactions' bytes (a peer may send 2 MB); the pool counts one's and must keep no more.
    expect(held.raw.buffer.byteLength).toBe(encodeTx(gap).length);
  });
});

describe('TxIntake: batches waiting their turn', () => {
  /** A batch of one of alice's transfers with its signature broken: it decodes, and fails only when judged. */
  const forged = (fx: ChainFixture): Uint8Array => {
    const raw = Uint8Array.from(encodeTx(fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n })));
    raw[raw.length - 1]! ^= 1;
    return encodeRawList([raw]);
  };

  it('charges each waiting batch a fixed overhead besides its bytes, so a group cannot queue tiny messages by the hundred thousand', async () => {
    const { fx, intake, peers } = await setup();
    const data = forged(fx);
    const verdicts = await Promise.all(Array.from({ length: 10_000 }, () => intake.acceptBatch('sender', data)));
    // Past the group's 2 MiB at its bytes + 1,024 a batch, refused at once without blame; the others waited
    // their turn (the first got the sender banned, and the rest were dropped unread).
    const waited = verdicts.filter((v) => v !== 'ignore').length;
    expect(waited).toBe(Math.floor((2 * 1024 * 1024) / (data.length + 1024)));
    expect(verdicts.slice(0, waited).every((v) => v === 'reject')).toBe(true);
    expect(peers.offences).toHaveLength(1);
  });

  it("judges a batch's shape as it arrives: junk is refused and its sender penalised even while the group's bound is full", async () => {
    const { fx, intake, peers } = await setup();
    peers.add('junk', { chainWork: 0n });
    const data = forged(fx);
    const waiting = Array.from({ length: 10_000 }, () => intake.acceptBatch('sender', data));
    // The group's bound is full: one more well-formed batch is ignored, nobody blamed...
    expect(await intake.acceptBatch('junk', data)).toBe('ignore');
    expect(peers.offencesOf('junk')).toEqual([]);
    // ...but junk from the same group is refused on arrival, with blame, not ignored for the bound.
    for (const bytes of [new Uint8Array(8).fill(9), Uint8Array.of(1, 6, 1, 2, 3, 4, 5, 6), Uint8Array.of(0)]) {
      expect(await intake.acceptBatch('junk', bytes)).toBe('reject');
    }
    expect(peers.offencesOf('junk')[0]).toBe('malformed');
    await Promise.all(waiting);
  });
});

describe('TxIntake: what a waiting batch holds', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** Heap and array buffers in use, once collected: V8 frees array buffers' memory behind a collection, so twice, a moment apart. */
  const held = async (): Promise<number> => {
    gc();
    await sleep(20);
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };

  it.each([256, 1])('holds its bytes and little else: the node-wide bound full of %i-transaction batches that never get their turn keeps about what it is charged', async (perBatch) => {
    // The first batch's turn never ends (its mempool admission never settles), so every later one waits. The
    // verdicts are kept, as gossipsub keeps each message until its verdict: nothing here is garbage yet.
    const admissions: (() => void)[] = [];
    let open = false;
    const entry = {} as MempoolEntry;
    const mempool = { get: () => undefined, add: () => (open ? Promise.resolve(entry) : new Promise<MempoolEntry>((resolve) => admissions.push(() => resolve(entry)))) };
    const verdicts: Promise<unknown>[] = [];
    const peers = new FakePeers();
    const intake = new TxIntake(mempool, peers, 1 << 17, testLog, () => undefined);
    const template = { kind: 'transfer', chainId: 1, fee: 1_000n, to: new Uint8Array(20).fill(7), amount: 1n, data: new Uint8Array(0), publicKey: new Uint8Array(33).fill(2), signature: new Uint8Array(64).fill(9) } as const;
    let nonce = 0n;
    const batch = (): Uint8Array => encodeRawList(Array.from({ length: perBatch }, () => encodeTx({ ...template, nonce: nonce++ })));
    // Warmed up first, on an intake of its own, so that what the first use of these paths allocates is not counted.
    await new TxIntake({ get: () => undefined, add: async () => entry }, new FakePeers(), 1 << 17, testLog, () => undefined).acceptBatch('warm-up', batch());
    const before = await held();
    // Sixteen network groups of 2 MiB each: the node-wide 16 MiB fills before any group's share does.
    for (let g = 0; g < 16 && intake.waitingBytes < 16 * 1024 * 1024 - 64 * 1024; g++) {
      peers.add(`peer${g}`, { chainWork: 0n }, 'inbound', `/ip4/${10 + g}.1.0.1/tcp/1`);
      for (;;) {
        const charged = intake.waitingBytes;
        verdicts.push(intake.acceptBatch(`peer${g}`, batch()));
        if (intake.waitingBytes === charged) break;
      }
    }
    // The first batch's turn has begun: its admissions are pending.
    await until(() => admissions.length > 0);
    const charged = intake.waitingBytes;
    expect(charged).toBeGreaterThan(16 * 1024 * 1024 - 64 * 1024);
    // Kept decoded, 256-transaction batches held ~1.9 KB per 150-byte transaction: 170 MB for 16.7 MB charged, and
    // one-transaction batches, charged 256 bytes each besides their own, 67 MB. Now their bytes and ~1 KB a batch, as
    // charged: 1.05 and 0.97 times the charge.
    expect((await held()) - before).toBeLessThan(1.25 * charged);
    expect(peers.offences).toEqual([]);
    expect(admissions).toHaveLength(perBatch);

    // Their turns, once the first ends: each decoded then, its transactions all new.
    open = true;
    for (const admit of admissions) admit();
    expect(new Set(await Promise.all(verdicts))).toEqual(new Set(['accept', 'ignore']));
    expect((await Promise.all(verdicts)).filter((v) => v === 'accept').length).toBeGreaterThan(charged / (perBatch * 150 + 1024) - 2);
    expect(intake.waitingBytes).toBe(0);
  });

  it('decodes a batch again in its turn to the same transactions and verdicts it was judged by on arrival, blaming each junk item once', async () => {
    const { fx, peers, intake, republished } = await setup();
    // A peer that is not banned for one malformed item (as a noban peer is not): its batch waits with its junk.
    const blamed: string[] = [];
    peers.misbehave = (_id, _offence, detail) => (blamed.push(detail), false);
    const [a, b, gap] = [0n, 1n, 3n].map((nonce) => fx.tx(W.alice, W.bob, 1_000n, { nonce })) as [TransferTx, TransferTx, TransferTx];
    const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: 1, height: 9, to: W.bob.address, amount: 1n, stateRoot: new Uint8Array(32), extra: new Uint8Array(0) };
    const junk = [encodeTx(coinbase), Uint8Array.of(1, 2, 3), Uint8Array.of(...encodeTx(b), 0)];
    expect(await intake.acceptBatch('sender', encodeRawList([encodeTx(a), ...junk, encodeTx(b), encodeTx(gap)]))).toBe('reject');
    expect(blamed).toEqual(['coinbase relayed as a transaction', 'undecodable transaction: unexpected end of data', expect.stringMatching(/^undecodable transaction: /)]);
    // Its transfers were still judged in its turn, as decoded then: admitted in order, the gap held with its own bytes.
    expect([...fx.mempool.entries()].map((e) => txId(e.tx))).toEqual([txId(a), txId(b)]);
    expect(republished).toEqual([txId(a), txId(b)]);
    expect(intake.gaps.holds(gap, encodeTx(gap))).toBe(true);

    // A clean batch with a repeat: the same transactions as encoded, the repeat judged once, the batch not relayed.
    const [c, d] = [2n, 3n].map((nonce) => fx.tx(W.alice, W.carol, 2_000n, { nonce })) as [TransferTx, TransferTx];
    expect(await intake.acceptBatch('sender', encodeRawList([c, d, c].map(encodeTx)))).toBe('ignore');
    expect(fx.mempool.get(txId(c))).toBeDefined();
    expect(fx.mempool.get(txId(d))).toBeDefined();
    expect(blamed).toHaveLength(3);
    expect(intake.waitingBytes).toBe(0);
  });
});

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function until(ok: () => boolean, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await sleep(5);
}

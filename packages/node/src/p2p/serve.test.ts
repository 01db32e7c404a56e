import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, decodeBlock, decodeTx, encodeBlock, hashToHex, txHash, type Block } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { Exchange } from './libp2p.js';
import { decodeBlocks, decodeHashes, decodeRawList, encodeSyncRequest, type SyncRequest } from './messages.js';
import { serveSync } from './serve.js';
import { SendBudget } from './send-budget.js';
import { LIMITS } from './protocol.js';
import { FakePeers } from './test-peers.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** One request from `asker` answered by the real sync server over the fixture's chain and mempool. */
async function ask(fx: ChainFixture, peers: FakePeers, req: SyncRequest): Promise<Uint8Array> {
  let out: Uint8Array | undefined;
  const ex: Exchange = {
    peerId: 'asker',
    read: async () => encodeSyncRequest(req),
    write: async (b) => void (out = b),
    writeRaw: async () => undefined,
    close: async () => undefined,
    abort: () => undefined,
  };
  await serveSync({ chain: fx.chain, mempool: fx.mempool, peers, wire: { penalise: () => undefined }, budget: new SendBudget(LIMITS.sendBudgetBytes) }, ex);
  if (!out) throw new Error('no answer');
  return out;
}

const idOf = (b: Block): string => hashToHex(blockHash(b));

describe('serving block bodies', () => {
  it('sends main-chain blocks but not a stored side block nobody validated, nor an invalid one', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(1, { miner: W.alice });
    const b = await fx.branch();
    const sibling = b.clone();
    const onTip = b.next();
    // Equal work beside the tip: stored, not validated. Its child is invalid and is found so.
    const side = sibling.next({ txs: [fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n })] });
    const invalid = sibling.clone().next({ coinbaseAmount: 10n ** 15n });
    expect((await fx.chain.processBlock(onTip)).status).toBe('connected');
    expect((await fx.chain.processBlock(side)).status).toBe('side');
    const peers = new FakePeers();
    peers.add('asker', { chainWork: 0n });

    const bodies = async (...blocks: Block[]) =>
      decodeBlocks(await ask(fx, peers, { type: 'blocks', hashes: blocks.map(blockHash) }), fx.params.maxBlockSize).map((raw) => idOf(decodeBlock(raw)));
    expect(await bodies(onTip)).toEqual([idOf(onTip)]);
    // A peer checking it would ban us for serving it, had it been invalid.
    expect(await bodies(side)).toEqual([]);

    await expect(fx.chain.processBlock(invalid)).rejects.toMatchObject({ code: 'bad-cb-amount' });
    expect(await bodies(invalid)).toEqual([]);
    // Connected on the way (and so validated), it is served even off the main chain.
    expect(await bodies(side)).toEqual([idOf(side)]);
    expect(encodeBlock(decodeBlock(decodeBlocks(await ask(fx, peers, { type: 'blocks', hashes: [blockHash(side)] }), fx.params.maxBlockSize)[0]!))).toEqual(encodeBlock(side));
    expect(peers.offences).toEqual([]);
  });
});

describe('serving a peer that does not read', () => {
  it('builds its next answer of any kind only once the one before it is written: 16 streams asking at once held 16 answers', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const mined = await fx.mine(2, { miner: W.alice });
    const pending = fx.tx(W.alice, W.bob, 1_000n);
    await fx.mempool.add(pending);
    const peers = new FakePeers();
    peers.add('asker', { chainWork: 0n });
    let unblock = (): void => undefined;
    const writes: number[] = [];
    // A blocks answer the peer does not read, then a txs, a headers and another blocks request.
    const requests: SyncRequest[] = [
      { type: 'blocks', hashes: mined.map(blockHash) },
      { type: 'txs', ids: [txHash(pending)] },
      { type: 'headers', locator: [blockHash(mined[0]!)], max: 10 },
      { type: 'blocks', hashes: mined.map(blockHash) },
    ];
    const stream = (n: number, stalls: boolean): Exchange => ({
      peerId: 'asker',
      read: async () => encodeSyncRequest(requests[(n - 1) % requests.length]!),
      write: () => {
        writes.push(n);
        return stalls ? new Promise<void>((r) => (unblock = () => r())) : Promise.resolve();
      },
      writeRaw: async () => undefined,
      close: async () => undefined,
      abort: () => undefined,
    });
    const serve = (ex: Exchange) => serveSync({ chain: fx.chain, mempool: fx.mempool, peers, wire: { penalise: () => undefined }, budget: new SendBudget(LIMITS.sendBudgetBytes) }, ex);
    const first = serve(stream(1, true));
    const others = [2, 3, 4].map((n) => serve(stream(n, false)));
    await new Promise((r) => setTimeout(r, 50));
    expect(writes).toEqual([1]);
    unblock();
    await Promise.all([first, ...others]);
    expect(writes).toEqual([1, 2, 3, 4]);
    // Another peer is not held up by this one.
    peers.add('other', { chainWork: 0n });
    const answered: number[] = [];
    await serveSync({ chain: fx.chain, mempool: fx.mempool, peers, wire: { penalise: () => undefined }, budget: new SendBudget(LIMITS.sendBudgetBytes) }, { ...stream(5, false), peerId: 'other', write: async () => void answered.push(5) });
    expect(answered).toEqual([5]);
  });
});

describe('the node-wide budget of answers not yet read', () => {
  it('holds an answer until its peer has read it; past the budget a blocks answer carries one block, and all of them again once read', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const mined = await fx.mine(3, { miner: W.alice });
    const peers = new FakePeers();
    for (const id of ['stalled', 'syncing']) peers.add(id, { chainWork: 0n });
    const blockBytes = encodeBlock(mined[0]!).length;
    // Room for one answer of the three blocks.
    const budget = new SendBudget(4 * blockBytes);
    let read = (): void => undefined;
    let held = -1;
    const got: Record<string, string[]> = {};
    const exchange = (peerId: string, stalls: boolean): Exchange => ({
      peerId,
      read: async () => encodeSyncRequest({ type: 'blocks', hashes: mined.map(blockHash) }),
      write: async (b) => {
        got[peerId] = decodeBlocks(b, fx.params.maxBlockSize).map((raw) => idOf(decodeBlock(raw)));
        held = budget.used;
        if (stalls) await new Promise<void>((r) => (read = () => r()));
      },
      writeRaw: async () => undefined,
      close: async () => undefined,
      abort: () => undefined,
    });
    const serve = (ex: Exchange) => serveSync({ chain: fx.chain, mempool: fx.mempool, peers, wire: { penalise: () => undefined }, budget }, ex);
    const stalled = serve(exchange('stalled', true));
    for (let i = 0; i < 200 && !got['stalled']; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got['stalled']).toEqual(mined.map(idOf));
    expect(budget.used).toBe(held);
    expect(held).toBeGreaterThan(3 * blockBytes);
    // The stalled answer holds the budget: another peer still gets one block per request.
    await serve(exchange('syncing', false));
    expect(got['syncing']).toEqual([idOf(mined[0]!)]);
    read();
    await stalled;
    expect(budget.used).toBe(0);
    await serve(exchange('syncing', false));
    expect(got['syncing']).toEqual(mined.map(idOf));
  });
});

describe('the budget under peers asking at once', () => {
  it('is taken before the blocks are read: of 8 peers asking together that never read, only those it has room for get more than one block', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const mined = await fx.mine(4, { miner: W.alice });
    const blockBytes = encodeBlock(mined[0]!).length;
    const peers = new FakePeers();
    const budget = new SendBudget(8 * blockBytes);
    const reads: (() => void)[] = [];
    const sizes: number[] = [];
    let most = 0;
    const serve = (peerId: string) => {
      peers.add(peerId, { chainWork: 0n });
      return serveSync({ chain: fx.chain, mempool: fx.mempool, peers, wire: { penalise: () => undefined }, budget }, {
        peerId,
        read: async () => encodeSyncRequest({ type: 'blocks', hashes: mined.map(blockHash) }),
        write: async (b) => {
          sizes.push(decodeBlocks(b, fx.params.maxBlockSize).length);
          most = Math.max(most, budget.used);
          await new Promise<void>((r) => reads.push(r));
        },
        writeRaw: async () => undefined,
        close: async () => undefined,
        abort: () => undefined,
      });
    };
    const all = Array.from({ length: 8 }, (_, i) => serve(`p${i}`));
    for (let i = 0; i < 200 && sizes.length < 8; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sizes.length).toBe(8);
    // The budget has room for two full answers; the first asker took all of it before its reads, so the rest
    // carry their first block only, as past the budget (each ask saw the whole budget free, and all 8 got 4).
    const full = sizes.filter((n) => n === 4).length;
    expect(full).toBeGreaterThanOrEqual(1);
    expect(full).toBeLessThanOrEqual(2);
    expect(sizes.filter((n) => n === 1)).toHaveLength(8 - full);
    // What the budget allows, plus one block for each answer past it.
    expect(most).toBeLessThanOrEqual(8 * blockBytes + (8 - full) * (blockBytes + 64));
    for (const r of reads) r();
    await Promise.all(all);
    expect(budget.used).toBe(0);
  });
});

describe('serving the same block asked for again in one request', () => {
  it('reads and sends it once', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const [a, b] = await fx.mine(2, { miner: W.alice });
    const peers = new FakePeers();
    peers.add('asker', { chainWork: 0n });
    const hashes = [...Array.from({ length: LIMITS.maxBlocksPerRequest - 2 }, () => blockHash(a!)), blockHash(b!), blockHash(a!)];
    const got = decodeBlocks(await ask(fx, peers, { type: 'blocks', hashes }), fx.params.maxBlockSize).map((raw) => idOf(decodeBlock(raw)));
    expect(got).toEqual([idOf(a!), idOf(b!)]);
  });
});

describe('serving transactions by id', () => {
  it('sends each asked transaction once, however often the request names it', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(1, { miner: W.alice });
    const a = fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    const b = fx.tx(W.alice, W.bob, 1_000n, { nonce: 1n });
    for (const tx of [a, b]) await fx.mempool.add(tx);
    const peers = new FakePeers();
    peers.add('asker', { chainWork: 0n });
    const ids = [...Array.from({ length: 200 }, () => txHash(a)), txHash(b), txHash(a)];
    const answer = decodeRawList(await ask(fx, peers, { type: 'txs', ids }), 1_000, 1 << 20);
    expect(answer.map((raw) => hashToHex(txHash(decodeTx(raw))))).toEqual([hashToHex(txHash(a)), hashToHex(txHash(b))]);
  });
});

describe('serving the mempool', () => {
  it('sends the ids once per connection: a repeat, one byte asked, gets an empty list instead of another sort of the pool', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(1, { miner: W.alice });
    for (let n = 0; n < 3; n++) await fx.mempool.add(fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(n) }));
    const peers = new FakePeers();
    peers.add('asker', { chainWork: 0n });
    expect(decodeHashes(await ask(fx, peers, { type: 'mempool' }), 10)).toHaveLength(3);
    expect(decodeHashes(await ask(fx, peers, { type: 'mempool' }), 10)).toHaveLength(0);
    // Another connection is another peer state: it gets its answer.
    peers.add('asker', { chainWork: 0n });
    expect(decodeHashes(await ask(fx, peers, { type: 'mempool' }), 10)).toHaveLength(3);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { blockHash, decodeBlock, decodeTx, encodeBlock, encodeTx, hashToHex, txId, type CoinbaseTx, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { BlockIntake } from './block-intake.js';
import type { Validation } from './libp2p.js';
import { Relay, type CompactCodec, type Gossip } from './relay.js';
import { TxIntake } from './tx-intake.js';
import { decodeRawList, encodeRawList } from './messages.js';
import { FakePeers, testLog } from './test-peers.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});
async function fixture(): Promise<ChainFixture> {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  return fx;
}

class FakeGossip implements Gossip {
  readonly validators = new Map<string, (from: string, data: Uint8Array) => Promise<Validation>>();
  readonly published: { topic: string; bytes: number; data: Uint8Array }[] = [];
  subscribe(topic: string, validate: (from: string, data: Uint8Array) => Promise<Validation>): void {
    this.validators.set(topic, validate);
  }
  async publish(topic: string, data: Uint8Array): Promise<number> {
    this.published.push({ topic, bytes: data.length, data });
    return 1;
  }
}

const topics = { blocks: 'b', txs: 't' };

async function setup(compact?: CompactCodec, downloadWork?: () => bigint) {
  const local = await fixture();
  const peers = new FakePeers();
  peers.add('sender', { chainWork: 0n });
  const gossip = new FakeGossip();
  const orphans: string[] = [];
  const intake = new BlockIntake(local.chain, peers, testLog, downloadWork);
  const republished: Uint8Array[] = [];
  const txIntake = new TxIntake(local.mempool, peers, 1 << 17, testLog, (raw) => {
    republished.push(raw);
    relay.republish(raw);
  });
  const relay = new Relay({
    gossip,
    topics,
    chain: local.chain,
    mempool: local.mempool,
    peers,
    intake,
    txIntake,
    log: testLog,
    onOrphan: (id) => orphans.push(id),
    txBatchMs: 20,
    compact,
  });
  relay.start();
  const block = (data: Uint8Array) => gossip.validators.get('b')!('sender', data);
  const tx = (data: Uint8Array) => gossip.validators.get('t')!('sender', data);
  /** Transaction ids in the messages published on the transaction topic, in order. */
  const publishedTxs = () => r0.gossip.published.filter((p) => p.topic === 't').flatMap((p) => decodeRawList(p.data, 256, 1 << 17).map((raw) => txId(decodeTx(raw))));
  const r0 = { local, peers, gossip, orphans, relay, intake, block, tx, republished, publishedTxs };
  return r0;
}

describe('Relay', () => {
  it('accepts a valid gossiped block, connects it, and does not publish it back', async () => {
    const r = await setup();
    const remote = await fixture();
    const [b] = await remote.mine(1);
    expect(await r.block(encodeBlock(b!))).toBe('accept');
    expect(r.local.chain.tip.id).toBe(remote.chain.tip.id);
    expect(r.gossip.published).toEqual([]);
    expect(r.peers.get('sender')!.lastBlockAt).toBeGreaterThan(0);
    expect(await r.block(encodeBlock(b!))).toBe('ignore');
  });

  it('a block relayed before validation that breaks a rule past its header is ignored, not rejected: its relayer pays neither ban score nor gossip score', async () => {
    // Stands in for the compact codec: whole blocks, handed on as a compact block is once rebuilt.
    const compact: CompactCodec = { topic: 'c', encode: encodeBlock, receive: (_from, data, accept) => accept(decodeBlock(data), { blame: false }) };
    const r = await setup(compact);
    const branch = await r.local.branch();
    const honest = branch.clone().next();
    const badAmount = branch.clone().next({ coinbaseAmount: (honest.txs[0] as CoinbaseTx).amount + 1n });
    const viaCompact = r.gossip.validators.get('c')!;
    expect(await viaCompact('sender', encodeBlock(badAmount))).toBe('ignore');
    expect(r.peers.offences).toEqual([]);
    // The header's own rules are still the sender's fault: bits other than the parent's successor must carry.
    const badBits = branch.clone().next({ bits: 0x2000ffff });
    expect(await viaCompact('sender', encodeBlock(badBits))).toBe('reject');
    expect(r.peers.offencesOf('sender')).toEqual(['invalidPow']);
    expect(r.peers.offences[0]!.detail).toContain('bad-diffbits');
    expect(r.local.chain.height).toBe(0);
  });

  it('stores an equal-work side block but does not forward it: it is unvalidated, and a node one block behind would connect it and blame us for its faults', async () => {
    const r = await setup();
    await r.local.mine(2);
    const branch = await r.local.branch();
    await r.local.mine(1);
    const tip = r.local.chain.tip;
    const invalidSibling = branch.next({ stateRoot: new Uint8Array(32).fill(1) });
    expect(await r.block(encodeBlock(invalidSibling))).toBe('ignore');
    expect(r.local.chain.getEntry(hashToHex(blockHash(invalidSibling)))).toBeDefined();
    expect(r.local.chain.tip).toBe(tip);
    expect(r.peers.offences).toEqual([]);
  });

  it('a gossiped CVE-2012-2459 copy of a block is rejected under mutatedBlock and not counted as carried by gossip, so the honest block is announced when sync brings it', async () => {
    const r = await setup();
    await r.local.mine(2);
    const real = (await r.local.branch()).next({ txs: [0n, 1n].map((nonce) => r.local.tx(W.minerA, W.bob, 10n, { nonce })) });
    const mutated = { header: real.header, txs: [...real.txs, real.txs[2]!] };
    const id = hashToHex(blockHash(real));
    expect(await r.block(encodeBlock(mutated))).toBe('reject');
    expect(r.peers.offencesOf('sender')).toEqual(['mutatedBlock']);
    expect(r.peers.offences[0]!.detail).toMatch(/^bad-txns-duplicate: /);
    expect(r.relay.gossiped.has(id)).toBe(false);
    // Sync brings the honest block: it is the tip, and gossip never carried it.
    expect(await r.intake.accept('syncPeer', real, { unsolicited: false, served: true })).toEqual({ id, status: 'connected' });
    expect(r.relay.gossiped.has(id)).toBe(false);
    expect(r.gossip.published.filter((p) => p.topic === 'b')).toHaveLength(2);
  });

  it('a gossiped block ignored while a heavier chain downloads is not counted as carried by gossip, so it is announced when sync brings it', async () => {
    let downloading = 0n;
    const r = await setup(undefined, () => downloading);
    await r.local.mine(2);
    downloading = r.local.chain.tip.chainWork * 2n;
    const next = (await r.local.branch()).next();
    const id = hashToHex(blockHash(next));
    expect(await r.block(encodeBlock(next))).toBe('ignore');
    expect(r.local.chain.getEntry(id)).toBeUndefined();
    expect(r.relay.gossiped.has(id)).toBe(false);
    expect(r.peers.offences).toEqual([]);
    expect(await r.intake.accept('syncPeer', next, { unsolicited: false, served: true })).toEqual({ id, status: 'connected' });
    expect(r.gossip.published.filter((p) => p.topic === 'b')).toHaveLength(2);
  });

  it('publishes a block made here exactly once', async () => {
    const r = await setup();
    await r.local.mine(1);
    expect(r.gossip.published).toEqual([{ topic: 'b', bytes: expect.any(Number), data: expect.any(Uint8Array) }]);
  });

  it('rejects and penalises bad proof of work and garbage; an orphan asks its sender for status', async () => {
    const r = await setup();
    const remote = await fixture();
    const branch = await remote.branch();
    const badPow = branch.clone().next({ pow: 'fail' });
    expect(await r.block(encodeBlock(badPow))).toBe('reject');
    expect(r.peers.offencesOf('sender')).toEqual(['invalidPow']);

    const r2 = await setup();
    const [, second] = await remote.mine(2);
    expect(await r2.block(encodeBlock(second!))).toBe('ignore');
    expect(r2.orphans).toEqual(['sender']);
    expect(await r2.block(new Uint8Array([1, 2, 3]))).toBe('reject');
    expect(r2.peers.offencesOf('sender')).toEqual(['malformed']);
  });

  it('adds a gossiped batch in order without publishing it back, and relays it on only if it brought something new', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    r.gossip.published.length = 0;
    // Nonce 1 depends on nonce 0: the batch is taken in its own order.
    const txs = [r.local.tx(W.alice, W.bob, 1_000n, { nonce: 0n }), r.local.tx(W.alice, W.carol, 2_000n, { nonce: 1n })];
    expect(await r.tx(encodeRawList(txs.map(encodeTx)))).toBe('accept');
    expect(r.local.mempool.size).toBe(2);
    await sleep(60);
    expect(r.gossip.published).toEqual([]);
    expect(r.peers.get('sender')!.lastTxAt).toBeGreaterThan(0);
    expect(await r.tx(encodeRawList(txs.map(encodeTx)))).toBe('ignore');
    expect(r.peers.offences).toEqual([]);
  });

  it('takes batches validated at the same time one after the other, so a sender’s next nonces are not gaps', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    const txs = [0n, 1n, 2n, 3n].map((nonce) => r.local.tx(W.alice, W.bob, 1_000n, { nonce }));
    const verdicts = await Promise.all([r.tx(encodeRawList(txs.slice(0, 2).map(encodeTx))), r.tx(encodeRawList(txs.slice(2).map(encodeTx)))]);
    expect(verdicts).toEqual(['accept', 'accept']);
    expect(r.local.mempool.size).toBe(4);
  });

  it('bounds the batches one network group has waiting, without holding up another group’s', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    // 'sender' is at 10.0.0.1; a second connection from 10.0.9.9 is the same /16, 'other' is not.
    r.peers.add('sybil', { chainWork: 0n }, 'inbound', '/ip4/10.0.9.9/tcp/4000');
    r.peers.add('other', { chainWork: 0n }, 'inbound', '/ip4/10.1.0.1/tcp/4000');
    // ~600 KB of transactions that decode (junk would be refused on arrival) and break a rule when judged.
    const junkData = new Uint8Array(60_000).fill(7);
    const flood = encodeRawList(Array.from({ length: 10 }, (_, i) => encodeTx(r.local.tx(W.carol, W.bob, 1n, { nonce: BigInt(i), data: junkData }))));
    const validate = r.gossip.validators.get('t')!;
    const fromOther = validate('other', encodeRawList([encodeTx(r.local.tx(W.alice, W.bob, 1_000n))]));
    const verdicts = await Promise.all([r.tx(flood), r.tx(flood), validate('sybil', flood), validate('sybil', flood), fromOther]);
    expect(verdicts).toEqual(['reject', 'reject', 'reject', 'ignore', 'accept']);
    // The group's share is free again once its batches were taken: another of its peers' batch waits and is judged.
    r.peers.add('sybil2', { chainWork: 0n }, 'inbound', '/ip4/10.0.9.10/tcp/4000');
    expect(await validate('sybil2', flood)).toBe('reject');
    expect(r.peers.offencesOf('sybil2')).not.toEqual([]);
  });

  it('holds a batch that overtook the one before it, and admits it when the gap closes', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    const txs = [0n, 1n, 2n, 3n].map((nonce) => r.local.tx(W.alice, W.bob, 1_000n, { nonce }));
    expect(await r.tx(encodeRawList(txs.slice(2).map(encodeTx)))).toBe('ignore');
    expect(r.local.mempool.size).toBe(0);
    expect(await r.tx(encodeRawList(txs.slice(0, 2).map(encodeTx)))).toBe('accept');
    for (let i = 0; i < 50 && r.local.mempool.size < 4; i++) await sleep(10);
    expect(txs.map((t) => r.local.mempool.get(txId(t)) !== undefined)).toEqual([true, true, true, true]);
    expect(r.peers.offences).toEqual([]);
    // Gossip relayed the batch that was accepted; the held ones go on in our own batch.
    await sleep(60);
    expect(r.publishedTxs()).toEqual(txs.slice(2).map(txId));
  });

  it('holds nonce gaps per network group: connections from one /16 cannot push out another group’s', async () => {
    const local = await fixture();
    await local.mine(2, { miner: W.alice });
    await local.mine(2, { miner: W.bob });
    const peers = new FakePeers();
    peers.add('honest', { chainWork: 0n }, 'inbound', '/ip4/10.1.0.1/tcp/4000');
    const intake = new TxIntake(local.mempool, peers, 1 << 17, testLog, () => undefined, { maxTxs: 4, maxBytes: 1 << 20, ttlMs: 60_000 });
    const honest = local.tx(W.bob, W.carol, 1_000n, { nonce: 3n });
    expect(await intake.accept('honest', encodeTx(honest))).toBe('ignore');
    for (let n = 1; n <= 8; n++) {
      const id = `sybil-${n}`;
      peers.add(id, { chainWork: 0n }, 'inbound', `/ip4/10.0.${n}.1/tcp/4000`);
      const gap = local.tx(W.alice, W.carol, 1_000n, { nonce: BigInt(n) });
      // Half of them hang up before the mempool has judged their batch: still charged to 10.0.
      const verdict = n % 2 === 0 ? intake.acceptBatch(id, encodeRawList([encodeTx(gap)])) : intake.accept(id, encodeTx(gap));
      if (n % 2 === 0) peers.map.delete(id);
      expect(await verdict).toBe('ignore');
    }
    expect(intake.gaps.size).toBe(4);
    expect(intake.gaps.holds(honest, encodeTx(honest))).toBe(true);
  });

  it('admits a held transaction when a block confirms the one before it', async () => {
    const r = await setup();
    const funding = await r.local.mine(2, { miner: W.alice });
    const remote = await fixture();
    for (const b of funding) await remote.chain.processBlock(b);
    const [first, second] = [0n, 1n].map((nonce) => r.local.tx(W.alice, W.bob, 1_000n, { nonce }));
    expect(await r.tx(encodeRawList([encodeTx(second!)]))).toBe('ignore');
    await remote.mempool.add(first!);
    const [confirming] = await remote.mine(1);
    await r.local.chain.processBlock(confirming!);
    for (let i = 0; i < 50 && r.local.mempool.size < 1; i++) await sleep(10);
    expect(r.local.mempool.get(txId(second!))).toBeDefined();
    expect(r.local.mempool.get(txId(first!))).toBeUndefined();
  });

  it('does not relay junk that rides with a new transaction, and sends the new one on alone', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    r.gossip.published.length = 0;
    const fresh = r.local.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    // Signed, but from an account that cannot pay: innocent, and free to make.
    const junk = [0n, 1n, 2n].map((n) => r.local.tx(W.carol, W.bob, 1_000n + n, { nonce: 0n }));
    expect(await r.tx(encodeRawList([fresh, ...junk].map(encodeTx)))).toBe('ignore');
    expect(r.local.mempool.size).toBe(1);
    await sleep(60);
    expect(r.publishedTxs()).toEqual([txId(fresh)]);
    expect(r.peers.offences).toEqual([]);
  });

  it('checks a replay of innocent failures, in any order, no more until the tip moves', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    const junk = [0n, 1n, 2n].map((n) => encodeTx(r.local.tx(W.carol, W.bob, 1_000n + n, { nonce: 0n })));
    const add = vi.spyOn(r.local.mempool, 'add');
    expect(await r.tx(encodeRawList(junk))).toBe('ignore');
    expect(add).toHaveBeenCalledTimes(3);
    expect(await r.tx(encodeRawList([...junk].reverse()))).toBe('ignore');
    expect(add).toHaveBeenCalledTimes(3);
    await r.local.mine(1, { miner: W.bob });
    expect(await r.tx(encodeRawList(junk))).toBe('ignore');
    expect(add).toHaveBeenCalledTimes(6);
  });

  it('rejects and penalises undecodable, empty and oversized batches', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    const one = encodeTx(r.local.tx(W.alice, W.bob, 1_000n));
    const bad = [new Uint8Array([9, 9]), encodeRawList([]), encodeRawList(Array.from({ length: 257 }, () => one)), encodeRawList([new Uint8Array([1, 2, 3])])];
    for (const [i, data] of bad.entries()) {
      r.peers.add(`p${i}`, { chainWork: 0n });
      expect(await r.gossip.validators.get('t')!(`p${i}`, data)).toBe('reject');
      expect(r.peers.offencesOf(`p${i}`)).toEqual(['malformed']);
    }
    expect(r.local.mempool.size).toBe(0);
  });

  it('drops unread the batches a peer still had waiting when it was banned', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    const valid = encodeRawList([encodeTx(r.local.tx(W.alice, W.bob, 1_000n))]);
    const add = vi.spyOn(r.local.mempool, 'add');
    expect(await Promise.all([r.tx(new Uint8Array([9, 9])), r.tx(valid)])).toEqual(['reject', 'reject']);
    expect(add).not.toHaveBeenCalled();
    expect(r.peers.offences.map((o) => o.offence)).toEqual(['malformed']);
  });

  it('rejects a batch holding a transaction with a bad signature, keeping the valid ones in it', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    const good = r.local.tx(W.alice, W.bob, 1_000n, { nonce: 0n });
    const signed = r.local.tx(W.alice, W.carol, 2_000n, { nonce: 1n });
    const forged: TransferTx = { ...signed, amount: 3_000n };
    const after = r.local.tx(W.alice, W.bob, 4_000n, { nonce: 1n });
    expect(await r.tx(encodeRawList([good, forged, after].map(encodeTx)))).toBe('reject');
    expect(r.peers.offencesOf('sender')).toEqual(['invalidTx']);
    expect(r.local.mempool.get(txId(good))).toBeDefined();
    expect(r.local.mempool.get(txId(after))).toBeDefined();
    expect(r.local.mempool.size).toBe(2);
  });

  it('sends the transactions made here in one gossip message, in mempool order', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    r.gossip.published.length = 0;
    const mine = [0n, 1n, 2n].map((nonce) => r.local.tx(W.alice, W.bob, 1_000n + nonce, { nonce }));
    for (const t of mine) await r.local.mempool.add(t);
    // One from a peer: gossip relays it already.
    expect(await r.tx(encodeRawList([encodeTx(r.local.tx(W.alice, W.carol, 5n, { nonce: 3n }))]))).toBe('accept');
    await sleep(80);
    expect(r.gossip.published.map((p) => p.topic)).toEqual(['t']);
    const sent = decodeRawList(r.gossip.published[0]!.data, 256, 1 << 17).map((raw) => txId(decodeTx(raw)));
    expect(sent).toEqual(mine.map(txId));
  });
});

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

import { afterEach, describe, expect, it } from 'vitest';
import { encodeBlock, encodeTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { BlockIntake } from './block-intake.js';
import type { Validation } from './libp2p.js';
import { Relay, TxIntake, type Gossip } from './relay.js';
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
  readonly published: { topic: string; bytes: number }[] = [];
  subscribe(topic: string, validate: (from: string, data: Uint8Array) => Promise<Validation>): void {
    this.validators.set(topic, validate);
  }
  async publish(topic: string, data: Uint8Array): Promise<number> {
    this.published.push({ topic, bytes: data.length });
    return 1;
  }
}

const topics = { blocks: 'b', txs: 't' };

async function setup() {
  const local = await fixture();
  const peers = new FakePeers();
  peers.add('sender', { chainWork: 0n });
  const gossip = new FakeGossip();
  const orphans: string[] = [];
  const intake = new BlockIntake(local.chain, peers, testLog);
  const relay = new Relay({
    gossip,
    topics,
    chain: local.chain,
    mempool: local.mempool,
    peers,
    intake,
    txIntake: new TxIntake(local.mempool, peers),
    log: testLog,
    onOrphan: (id) => orphans.push(id),
  });
  relay.start();
  const block = (data: Uint8Array) => gossip.validators.get('b')!('sender', data);
  const tx = (data: Uint8Array) => gossip.validators.get('t')!('sender', data);
  return { local, peers, gossip, orphans, relay, block, tx };
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

  it('publishes a block made here exactly once', async () => {
    const r = await setup();
    await r.local.mine(1);
    expect(r.gossip.published).toEqual([{ topic: 'b', bytes: expect.any(Number) }]);
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

  it('adds a valid gossiped transaction without publishing it back; garbage is penalised', async () => {
    const r = await setup();
    await r.local.mine(2, { miner: W.alice });
    r.gossip.published.length = 0;
    const t = r.local.tx(W.alice, W.bob, 1_000n);
    expect(await r.tx(encodeTx(t))).toBe('accept');
    expect(r.local.mempool.size).toBe(1);
    expect(r.gossip.published).toEqual([]);
    expect(r.peers.get('sender')!.lastTxAt).toBeGreaterThan(0);
    expect(await r.tx(new Uint8Array([9, 9]))).toBe('reject');
    expect(r.peers.offencesOf('sender')).toEqual(['malformed']);
  });
});

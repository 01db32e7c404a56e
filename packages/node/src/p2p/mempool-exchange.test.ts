import { afterEach, describe, expect, it } from 'vitest';
import { encodeTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { Exchange } from './libp2p.js';
import { pullMempool } from './mempool-exchange.js';
import { TxIntake } from './tx-intake.js';
import { serveSync } from './serve.js';
import { SendBudget } from './send-budget.js';
import { LIMITS } from './protocol.js';
import { decodeRawList, decodeSyncRequest, encodeRawList } from './messages.js';
import type { Requester } from './sync-client.js';
import { FakePeers, testLog } from './test-peers.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A requester whose every request is answered by the real sync server over `remote`. */
function wireTo(remote: ChainFixture, remotePeers: FakePeers): Requester {
  return {
    async request(_peerId, _protocol, payload) {
      let out: Uint8Array | undefined;
      const ex: Exchange = {
        peerId: 'asker',
        read: async () => payload,
        write: async (b) => void (out = b),
        writeRaw: async () => undefined,
        close: async () => undefined,
        abort: () => undefined,
      };
      await serveSync({ chain: remote.chain, mempool: remote.mempool, peers: remotePeers, wire: { penalise: () => undefined }, budget: new SendBudget(LIMITS.sendBudgetBytes) }, ex);
      if (!out) throw new Error('no answer');
      return out;
    },
  };
}

describe('mempool exchange on connect', () => {
  it('pulls the pending transactions a peer has and we lack, in nonce order, through the transaction intake', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(2, { miner: W.alice });
    for (const b of blocks) await local.chain.processBlock(b);
    const txs = [remote.tx(W.alice, W.bob, 1_000n, { nonce: 0n }), remote.tx(W.alice, W.bob, 2_000n, { nonce: 1n }), remote.tx(W.alice, W.carol, 3_000n, { nonce: 2n })];
    for (const t of txs) await remote.mempool.add(t);
    await local.mempool.add(txs[0]!);

    const remotePeers = new FakePeers();
    remotePeers.add('asker', { chainWork: 0n });
    const peers = new FakePeers();
    peers.add('remote', { chainWork: 0n });
    const intake = new TxIntake(local.mempool, peers, 1 << 16, testLog, () => undefined);
    const n = await pullMempool(
      { wire: wireTo(remote, remotePeers), protocol: 'sync', peers, has: (id) => local.mempool.get(id) !== undefined, accept: (from, raw) => intake.accept(from, raw), maxTxBytes: 1 << 16 },
      'remote',
    );
    expect(n).toBe(2);
    expect(local.mempool.size).toBe(3);
    expect(peers.offences).toEqual([]);
  });
});

describe('mempool exchange answers', () => {
  it('refuses an answer holding a transaction that was not asked for, admitting none of it, and penalises the peer', async () => {
    const remote = await ChainFixture.create();
    const local = await ChainFixture.create();
    fixtures.push(remote, local);
    const blocks = await remote.mine(2, { miner: W.alice });
    for (const b of blocks) await local.chain.processBlock(b);
    await remote.mempool.add(remote.tx(W.alice, W.bob, 1_000n, { nonce: 0n }));
    const unasked = remote.tx(W.alice, W.carol, 2_000n, { nonce: 1n });
    const remotePeers = new FakePeers();
    remotePeers.add('asker', { chainWork: 0n });
    const honest = wireTo(remote, remotePeers);
    // The peer lists its ids honestly, then pads the transactions it was asked for with one it was not.
    const padding: Requester = {
      async request(peerId, protocol, payload, max, ms) {
        const out = await honest.request(peerId, protocol, payload, max, ms);
        if (decodeSyncRequest(payload).type !== 'txs') return out;
        return encodeRawList([...decodeRawList(out, LIMITS.maxTxsPerRequest, 1 << 16), encodeTx(unasked)]);
      },
    };
    const peers = new FakePeers();
    peers.add('remote', { chainWork: 0n });
    const intake = new TxIntake(local.mempool, peers, 1 << 16, testLog, () => undefined);
    const n = await pullMempool({ wire: padding, protocol: 'sync', peers, has: (id) => local.mempool.get(id) !== undefined, accept: (from, raw) => intake.accept(from, raw), maxTxBytes: 1 << 16 }, 'remote');
    expect(n).toBe(0);
    expect(local.mempool.size).toBe(0);
    expect(peers.offences.map((o) => `${o.peerId} ${o.offence} ${o.detail.split(':')[0]}`)).toEqual(['remote malformed mempool-tx-unasked']);
  });
});

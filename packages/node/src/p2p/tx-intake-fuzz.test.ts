import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { fuzzRuns, fuzzSeed, fuzzTimeout, mutatedBytes } from '../test-support/fuzz.js';
import { encodeRawList } from './messages.js';
import { FakePeers, testLog } from './test-peers.js';
import { TxIntake } from './tx-intake.js';

/**
 * Adversarial tier for gossiped transaction batches: mutated and shuffled
 * batches, each from a new peer, end in a gossip verdict and nothing else. A
 * rejected batch always names its sender's offence, what the mempool admitted
 * still fits in a block the chain accepts, and the nonce-gap pool stays
 * within its bounds.
 */
let fx: ChainFixture;
let seeds: Uint8Array[];

beforeAll(async () => {
  fx = await ChainFixture.create({ maxPendingPerSender: 1_000, maxTxs: 100_000 });
  await fx.mine(2, { miner: W.alice });
  const txs = [0n, 1n, 2n, 3n, 4n, 5n].map((nonce) => encodeTx(fx.tx(W.alice, W.bob, 1_000n + nonce, { nonce })));
  // In order, out of order (a gap), and with a transaction from an account that cannot pay.
  seeds = [encodeRawList(txs.slice(0, 3)), encodeRawList(txs.slice(3)), encodeRawList([txs[5]!, txs[4]!, encodeTx(fx.tx(W.carol, W.bob, 1n))])];
});

afterAll(async () => {
  await fx?.close();
});

describe('gossiped transaction batches under fuzzing', () => {
  it(
    'end accepted, ignored or rejected with an offence; the mempool stays minable and the gap pool bounded',
    async () => {
      const peers = new FakePeers();
      const republished: Uint8Array[] = [];
      const intake = new TxIntake(fx.mempool, peers, 1 << 17, testLog, (raw) => republished.push(raw), { maxTxs: 8, maxBytes: 4_096, ttlMs: 60_000 });
      const verdicts = new Map<string, number>();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: seeds.length - 1 }).chain((s) => fc.oneof(mutatedBytes(seeds[s]!), fc.constant(seeds[s]!))), async (bytes) => {
          const peer = `p${n++}`;
          peers.add(peer, { chainWork: 0n });
          const v = await intake.acceptBatch(peer, bytes);
          expect(['accept', 'ignore', 'reject']).toContain(v);
          if (v === 'reject') expect(peers.offencesOf(peer).length).toBeGreaterThan(0);
          expect(intake.gaps.size).toBeLessThanOrEqual(8);
          verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
        }),
        { numRuns: fuzzRuns(300), ...fuzzSeed() },
      );
      // The cases reached every outcome, so the property was not vacuous.
      expect([...verdicts.keys()].sort()).toEqual(['accept', 'ignore', 'reject']);
      const height = fx.chain.height;
      await fx.mine(1);
      expect(fx.chain.height).toBe(height + 1);
    },
    fuzzTimeout(),
  );
});

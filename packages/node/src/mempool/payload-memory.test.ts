import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleError, encodeTx, signTransfer, utf8ToBytes, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { NonceGapPool } from '../p2p/nonce-gap-pool.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** ~64 KB of `[{},{},…]`: the call arguments that cost most heap per encoded byte once parsed (~21x). */
const HEAVY_ARGS = `[${Array(21_800).fill('{}').join(',')}]`;

function heavyCall(fx: ChainFixture, nonce: bigint): TransferTx {
  const gasLimit = fx.params.contractTxBaseGas + 16 * (HEAVY_ARGS.length + 100);
  const data = utf8ToBytes(`{"type":"call","fn":"f","args":${HEAVY_ARGS},"gasLimit":${gasLimit},"gasPrice":"1"}`);
  return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(gasLimit), to: W.bob.address, amount: 0n, data }, W.minerA.privateKey);
}

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('memory of pending contract calls', () => {
  it('the mempool and the nonce-gap pool hold about the bytes they count, not the parsed payloads', async () => {
    const fx = await ChainFixture.create({ maxPendingPerSender: 1_000 });
    fixtures.push(fx);
    await fx.mine(2);
    const txs = Array.from({ length: 240 }, (_, i) => heavyCall(fx, BigInt(i)));
    const gap = new NonceGapPool({ maxTxs: 1_000, maxBytes: 100 * 1024 * 1024, ttlMs: 60_000 });
    const before = heapAfterGc();
    for (const tx of txs.slice(0, 160)) await fx.mempool.add(tx);
    // Nonces past a gap are parsed by the mempool, refused, and held by the gap pool as gossip does.
    let held = 0;
    for (const tx of txs.slice(170)) {
      const err = await fx.mempool.add(tx).then(() => null, (e: unknown) => e);
      expect((err as RuleError).code).toBe('bad-txns-nonce-gap');
      const raw = encodeTx(tx);
      gap.add({ tx, raw, from: 'peer', group: 'g' });
      held += raw.length;
    }
    txs.length = 0;
    const grown = heapAfterGc() - before;
    expect(fx.mempool.size).toBe(160);
    expect(gap.size).toBe(70);
    const counted = fx.mempool.bytes + held;
    expect(counted).toBeGreaterThan(15_000_000);
    // Each transaction is held once encoded and once decoded (~2x its bytes), plus the bounded payload
    // cache (~1 MiB of payloads, ~22 MB parsed). Before, every held call kept ~1.4 MB of parsed args.
    expect(grown).toBeLessThan(3 * counted + 40 * 1024 * 1024);
  });
});

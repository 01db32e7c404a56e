import { describe, expect, it } from 'vitest';
import { runSim } from '../../../scripts/sim.js';

/**
 * The simulation tier in small: 8 real node processes, each on its own
 * loopback IP, one hostile peer (a liar with a low-work fork behind a huge
 * work claim), a scripted miner and a transaction load. The 50-node, 5-hostile
 * run is `npm run sim -- --nodes 50 --hostile 5`.
 */
describe('simulation: 8 nodes, 1 hostile', () => {
  it('every honest node converges on every block and the hostile peer is banned', async () => {
    const r = await runSim({ nodes: 8, hostile: 1, blocks: 6, txsPerBlock: 2, intervalMs: 300, batch: 2, print: (s) => process.stderr.write(`${s}\n`) });
    process.stderr.write(`${JSON.stringify(r)}\n`);
    expect(r.convergedBlocks).toBe(6);
    expect(r.sameTipAtEnd).toBe(true);
    expect(r.hostileBanned).toBe(1);
    expect(r.txsConfirmed).toBeGreaterThan(0);
  }, 600_000);
});

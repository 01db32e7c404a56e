import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';
import { StratumTestMiner, type MinerReport } from './helpers/stratum-miner.js';

/** STRATUM_MINER_SECONDS=30 for the full run the issue asks for; npm test uses a shorter one. */
const SECONDS = Number(process.env.STRATUM_MINER_SECONDS ?? 10);
const newAddress = () => formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));

describe('a spec-following Stratum miner at native hashing speed on regtest', () => {
  let pool: TestNode | undefined;
  let peer: TestNode | undefined;
  let miner: StratumTestMiner | undefined;
  afterAll(async () => {
    miner?.close();
    await peer?.stop();
    await pool?.stop();
    if (peer) removeDir(peer.dataDir);
    if (pool) removeDir(pool.dataDir);
  });

  it(`gets >= 90 % of its shares accepted over ${SECONDS} s, finds >= 1 block/s that a second node accepts, and never sees a share difficulty above the block's`, async () => {
    pool = await startNode({ env: { STRATUM_PORT: '0' } });
    peer = await startNode({ env: { BOOTSTRAP_NODES: pool.url } });
    await waitFor(async () => (await peer!.api('/api/network/status')).peers.total >= 1, 30_000, 'peer connection');
    const port = Number(/stratum\+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(pool.output())![1]);
    miner = new StratumTestMiner();
    expect(miner.backend).toMatch(/^native/);
    await miner.connect(port, `${newAddress()}.cpu0`);
    const report: MinerReport = await miner.mine(SECONDS);
    const ratio = report.accepted / report.submitted;
    const blocksPerSecond = report.blocks / report.seconds;
    process.stderr.write(
      `stratum miner: ${report.submitted} submitted, ${report.accepted} accepted (${(ratio * 100).toFixed(1)} %), rejected ${JSON.stringify(report.rejected)}, ` +
        `${report.blocks} blocks in ${report.seconds.toFixed(1)} s = ${blocksPerSecond.toFixed(1)} blocks/s, ${(report.hashes / report.seconds / 1e6).toFixed(2)} MH/s, ` +
        `jobs ${report.jobs} (${report.cleanJobs} clean), max share/block difficulty ${report.maxDifficultyRatio}\n`,
    );
    expect(report.submitted).toBeGreaterThan(0);
    expect(ratio).toBeGreaterThanOrEqual(0.9);
    expect(blocksPerSecond).toBeGreaterThanOrEqual(1);
    expect(report.maxDifficultyRatio).toBeLessThanOrEqual(1);

    const stats = await pool.api('/api/pool/stats');
    expect(stats.workers[0].accepted).toBe(report.accepted);
    expect(stats.workers[0].stale + stats.workers[0].duplicate + stats.workers[0].lowDifficulty + stats.workers[0].invalid).toBe(report.submitted - report.accepted);
    // Every block the pool found is on the main chain of the second node.
    const tip = (await pool.api('/api/node/info')) as { height: number; bestHash: string };
    expect(tip.height).toBeGreaterThanOrEqual(report.blocks);
    await waitFor(async () => (await peer!.api('/api/node/info')).bestHash === tip.bestHash, 60_000, 'the second node to reach the pool tip');
  }, (SECONDS + 150) * 1000);
});

describe('the same miner on the test network, across retargets', () => {
  let pool: TestNode | undefined;
  let miner: StratumTestMiner | undefined;
  afterAll(async () => {
    miner?.close();
    await pool?.stop();
    if (pool) removeDir(pool.dataDir);
  });

  it('keeps the share difficulty at or under the block difficulty as the network difficulty rises, with >= 90 % accepted', async () => {
    // Genesis difficulty 1.5e-5 and a retarget every 10 blocks: a native-speed miner crosses several retargets in seconds.
    pool = await startNode({ network: 'test', env: { STRATUM_PORT: '0', P2P: 'false', STRATUM_SHARE_INTERVAL: '1' } });
    const port = Number(/stratum\+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(pool.output())![1]);
    miner = new StratumTestMiner();
    await miner.connect(port, `${newAddress()}.cpu0`);
    const report = await miner.mine(SECONDS);
    const ratio = report.accepted / report.submitted;
    process.stderr.write(
      `test-network miner: ${report.submitted} submitted, ${(ratio * 100).toFixed(1)} % accepted, rejected ${JSON.stringify(report.rejected)}, ${report.blocks} blocks, ` +
        `${(report.hashes / report.seconds / 1e6).toFixed(2)} MH/s, block targets ${report.nbits.join(' ')}, ${report.difficulties.length} share difficulties, max share/block ${report.maxDifficultyRatio}\n`,
    );
    expect(report.nbits.length).toBeGreaterThanOrEqual(2);
    expect(report.maxDifficultyRatio).toBeLessThanOrEqual(1);
    expect(ratio).toBeGreaterThanOrEqual(0.9);
    const info = await pool.api('/api/node/info');
    expect(info.height).toBeGreaterThanOrEqual(10);
  }, (SECONDS + 90) * 1000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';
import { StratumTestMiner, type MinerReport } from './helpers/stratum-miner.js';

/** STRATUM_MINER_SECONDS=30 for the full run the issue asks for; npm test uses a shorter one. */
const SECONDS = Number(process.env.STRATUM_MINER_SECONDS ?? 10);
/** Upper bounds for the catch-up wait: regtest pools find up to ~120 blocks/s; a loaded 2-core host syncs >= 10 blocks/s. */
const MAX_BLOCKS_PER_SECOND = 150;
const SYNC_MS_PER_BLOCK = 100;
/** A peer whose height does not move for this long is stuck, not slow: that is a relay bug to report. */
const STALL_MS = 30_000;

/**
 * Waits for `node` to reach `tip`, for as long as it keeps making progress (up to SYNC_MS_PER_BLOCK
 * per block), so a slow host is not mistaken for lost blocks while a stuck sync still fails fast.
 */
async function catchUp(node: TestNode, tip: { height: number; bestHash: string }): Promise<{ height: number; bestHash: string; trace: string }> {
  const started = Date.now();
  const end = started + 30_000 + tip.height * SYNC_MS_PER_BLOCK;
  let last = { height: -1, at: started };
  const trace: string[] = [];
  for (;;) {
    const info = (await node.api('/api/node/info')) as { height: number; bestHash: string };
    const now = Date.now();
    if (info.height !== last.height) {
      last = { height: info.height, at: now };
      if (trace.length < 40) trace.push(`${info.height}@${((now - started) / 1000).toFixed(1)}s`);
    }
    if (info.bestHash === tip.bestHash || now > end || now - last.at > STALL_MS) {
      if (info.bestHash !== tip.bestHash) {
        const sync = await node.api('/api/network/status').catch((e: Error) => e.message);
        trace.push(`gave up at ${info.height} of ${tip.height} (${now - last.at > STALL_MS ? 'stalled' : 'too slow'}); network ${JSON.stringify(sync).slice(0, 600)}`);
      }
      return { ...info, trace: trace.join(' ') };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

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
    // The miner has stopped, so the pool's tip is final: every block the pool found is on the main chain of
    // the second node once it has caught up (equal tips mean equal chains down to genesis).
    const tip = (await pool.api('/api/node/info')) as { height: number; bestHash: string };
    expect(tip.height).toBeGreaterThanOrEqual(report.blocks);
    const reached = await catchUp(peer, tip);
    process.stderr.write(`second node: ${reached.trace}\n`);
    if (reached.bestHash !== tip.bestHash) {
      const peerLines = (n: TestNode) => n.output().split('\n').filter((l) => /peer|disconnect|ban|sync|dial|connect/i.test(l)).slice(-15).join('\n');
      process.stderr.write(`second node log:\n${peerLines(peer)}\npool log:\n${peerLines(pool)}\n`);
    }
    // An honest peer relaying a fast chain must not look like a flood to the pool.
    expect((await pool.api('/api/network/status')).bans, 'bans by the pool').toBe(0);
    expect(reached.bestHash).toBe(tip.bestHash);
    expect(reached.height).toBe(tip.height);
  }, (SECONDS * (1 + MAX_BLOCKS_PER_SECOND * SYNC_MS_PER_BLOCK / 1000) + 150) * 1000);
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';

describe('miner control while mining', () => {
  let node: TestNode;
  const address = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('starts, changes threads and intensity at run time, and stops', async () => {
    const started = await node.api('/api/mining/start', { body: { address, threads: 1, intensity: 'high' } });
    expect(started.running).toBe(true);
    expect(started.threads).toBe(1);
    await waitFor(async () => (await node.api('/api/node/info')).height >= 3, 20_000, 'first blocks');

    const tuned = await node.api('/api/mining/start', { body: { threads: 2, intensity: 40 } });
    expect(tuned.threads).toBe(2);
    expect(tuned.intensity).toBe(40);
    const two = await waitFor(async () => {
      const s = await node.api('/api/mining/status');
      return s.threadHashrates.length === 2 ? s : undefined;
    }, 10_000, 'second thread');
    expect(two.running).toBe(true);
    expect(two.address).toBe(address);

    const balance = BigInt((await node.api(`/api/address/${address}`)).balance);
    expect(balance).toBeGreaterThan(0n);

    const stopped = await node.api('/api/mining/stop', { body: {} });
    expect(stopped.running).toBe(false);
    const h = (await node.api('/api/node/info')).height;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await node.api('/api/node/info')).height).toBe(h);
    const bad = await node.request('/api/mining/start', { body: { threads: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/threads/);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';

const address = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the built-in miner on regtest, then SIGTERM', () => {
  let node: TestNode | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    await node?.stop();
    if (dataDir) removeDir(dataDir);
  });

  it('mines with two threads without leaving side blocks of its own, then shuts down cleanly within 5 s and restarts on the same chain', async () => {
    node = await startNode({ env: { P2P: 'false', MINING_ADDRESS: address, THREADS: '2', METRICS_PORT: '0', LOG_FORMAT: 'json' } });
    dataDir = node.dataDir;
    const metricsPort = Number(/metrics listening on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(node.output())![1]);
    await waitFor(async () => (await node!.api('/api/node/info')).height >= 150, 60_000, '150 mined blocks');
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(sample(text, 'hackcoin_chain_side_blocks')).toBe(0);
    expect(sample(text, 'hackcoin_chain_reorgs_total')).toBe(0);

    // LOG_FORMAT=json: every log line is one object with level, time, subsystem and message.
    const lines = node.output().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(Object.keys(JSON.parse(l)).sort()).toEqual(['level', 'message', 'subsystem', 'time']);

    const sent = Date.now();
    const exit = new Promise<number | null>((r) => node!.proc.once('exit', (code) => r(code)));
    node.proc.kill('SIGTERM');
    const code = await exit;
    const took = Date.now() - sent;
    expect(code).toBe(0);
    expect(took).toBeLessThan(5_000);
    expect(node.output()).toMatch(/shut down cleanly/);
    const stored = Number(/"message":"block (\d+) [0-9a-f]{64}[^"]*"}\s*$/m.exec(node.output().split('\n').filter((l) => l.includes('"message":"block ')).pop()!)![1]);

    node = await startNode({ dataDir, env: { P2P: 'false' } });
    const info = await node.api('/api/node/info');
    expect(info.height).toBe(stored);
  }, 120_000);
});

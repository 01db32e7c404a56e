import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NETWORKS, addressFromPublicKey, formatAddress, publicKeyFromPrivate } from '@hackcoin/core';
import { Chain } from '../packages/node/src/chain/chain.js';
import { Mempool } from '../packages/node/src/mempool/mempool.js';
import { openDatabase } from '../packages/node/src/store/db.js';
import { loadSignatureBackend } from '../packages/node/src/crypto/native-backend.js';
import { createLogger } from '../packages/node/src/util/logger.js';
import { StratumServer } from '../packages/node/src/stratum/server.js';
import { StratumTestClient } from '../packages/node/test/helpers/stratum-client.js';

const WORKERS = 200;
const SHARES_PER_WORKER = 100;

/**
 * Shares per second one pool process validates with 200 connected workers.
 * Shares are precomputed, then every worker sends its batch at once; the
 * clock runs until the last answer. Clients share the process (and a core),
 * so the figure is a lower bound.
 */
export async function runStratumBench(): Promise<Record<string, number | string>> {
  const params = NETWORKS.test;
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-stratum-bench-'));
  const db = await openDatabase(dir);
  const log = createLogger('hackcoin:bench', true);
  const { backend } = loadSignatureBackend();
  const chain = await Chain.open({ db, params, backend, log });
  const mempool = new Mempool({ chain, db, params, backend, log, maxTxs: 1000, minFeeRate: 1n });
  const poolAddress = formatAddress(addressFromPublicKey(publicKeyFromPrivate(new Uint8Array(32).fill(7))));
  const server = new StratumServer({ chain, mempool, params, log, host: '127.0.0.1', port: 0, poolAddress, initialDifficulty: 1e-9, varDiff: false, maxConnectionsPerIp: WORKERS + 10 });
  const port = await server.start();
  try {
    const clients: StratumTestClient[] = [];
    for (let i = 0; i < WORKERS; i++) {
      const c = new StratumTestClient();
      await c.connect(port);
      await c.subscribe();
      await c.call('mining.authorize', [`${poolAddress}.w${i}`, 'x']);
      clients.push(c);
    }
    while (clients.some((c) => c.jobs.length === 0)) await new Promise((r) => setTimeout(r, 20));
    const batches = clients.map((c, i) => {
      const job = c.job;
      const lines: string[] = [];
      for (let k = 0; k < SHARES_PER_WORKER; k++) {
        const en2 = (k + 1).toString(16).padStart(8, '0');
        const nonce = c.findNonce(job, en2);
        lines.push(JSON.stringify({ id: 1000 + k, method: 'mining.submit', params: [`${poolAddress}.w${i}`, job.jobId, en2, job.ntime, nonce.toString(16).padStart(8, '0')] }));
      }
      return lines.join('\n') + '\n';
    });
    const before = server.stats() as { sharesAccepted: number };
    const answered = clients.map((c) => c.responses);
    const t0 = performance.now();
    clients.forEach((c, i) => c.writeRaw(batches[i]!));
    const total = WORKERS * SHARES_PER_WORKER;
    // A connection the pool closed will answer no more: waiting on it would never end.
    while (clients.some((c, i) => !c.closed && c.responses - answered[i]! < SHARES_PER_WORKER)) await new Promise((r) => setImmediate(r));
    const seconds = (performance.now() - t0) / 1000;
    const s = server.stats() as { sharesAccepted: number; sharesRejected: number };
    const closedByPool = clients.filter((c) => c.closed).length;
    for (const c of clients) c.close();
    return {
      'connected workers': WORKERS,
      'shares validated': total,
      'accepted / rejected': `${s.sharesAccepted - before.sharesAccepted} / ${s.sharesRejected}`,
      'connections the pool closed': closedByPool,
      'shares per second': Math.round(total / seconds),
      goal: '≥ 20,000 shares/s',
    };
  } finally {
    await server.stop();
    await chain.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

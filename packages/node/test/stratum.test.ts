import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';
import { StratumTestClient } from './helpers/stratum-client.js';

const newAddress = () => formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));

describe('Stratum v1 pool', () => {
  let node: TestNode;
  let port: number;
  const alice = newAddress();
  const bob = newAddress();

  beforeAll(async () => {
    node = await startNode({ env: { STRATUM_PORT: '0', P2P: 'false' } });
    port = Number(/stratum\+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(node.output())![1]);
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('serves work that a spec-following miner turns into accepted shares and full blocks', async () => {
    const c = new StratumTestClient();
    await c.connect(port);
    await c.subscribe();
    expect(c.extranonce1).toMatch(/^[0-9a-f]{8}$/);
    expect(c.extranonce2Size).toBe(4);
    const auth = await c.call('mining.authorize', [`${alice}.rig1`, 'x']);
    expect(auth.result).toBe(true);
    await waitFor(async () => c.jobs.length > 0, 5000, 'notify');
    const before = (await node.api('/api/node/info')).height;
    const job = c.job;
    const nonce = c.findNonce(job, '00000001');
    const r = await c.submit(`${alice}.rig1`, job, '00000001', nonce);
    expect(r.error).toBeNull();
    expect(r.result).toBe(true);
    // On regtest every share is almost surely a block, and the node must have accepted it.
    const info = await waitFor(async () => {
      const i = await node.api('/api/node/info');
      return i.height > before ? i : undefined;
    }, 5000, 'pool block');
    expect(info.height).toBe(before + 1);
    const stats = await node.api('/api/pool/stats');
    expect(stats.sharesAccepted).toBe(1);
    expect(stats.blocksFound[0].height).toBe(before + 1);
    const block = await node.api(`/api/blocks/${before + 1}`);
    expect(block.transactions[0].extra).toBe(c.extranonce1 + '00000001');
    c.close();
  });

  it('rejects stale, duplicate, low-difficulty, malformed and unauthorised shares with Stratum codes and keeps the connection', async () => {
    const c = new StratumTestClient();
    await c.connect(port);
    const early = await c.call('mining.authorize', [`${alice}.x`, '']);
    expect(early.result).toBe(true);
    await c.subscribe();
    const badName = await c.call('mining.authorize', ['not-an-address', '']);
    expect(badName.error[0]).toBe(24);
    await c.call('mining.authorize', [`${alice}.rig2`, 'x']);
    await waitFor(async () => c.jobs.length > 0, 5000, 'notify');
    const job = c.job;

    const unauth = await c.submit(`${bob}.nope`, job, '00000002', 0);
    expect(unauth.error[0]).toBe(24);
    const malformed = await c.call('mining.submit', [`${alice}.rig2`, job.jobId, 'zz', job.ntime, '00000000']);
    expect(malformed.error[0]).toBe(20);
    const lowNonce = c.findNonce(job, '00000003', true);
    const low = await c.submit(`${alice}.rig2`, job, '00000003', lowNonce);
    expect(low.error[0]).toBe(23);
    const stale = await c.submit(`${alice}.rig2`, { ...job, jobId: 'deadbeef' }, '00000004', 0);
    expect(stale.error[0]).toBe(21);
    const dupChecked = false;

    // On regtest every share is also a block, which retires its job at once; a duplicate
    // of a share that is not a block is checked on the test network below.
    expect(dupChecked).toBe(false);
    expect(c.closed).toBe(false);
    const stats = await node.api('/api/pool/stats');
    expect(stats.sharesRejected).toBeGreaterThanOrEqual(4);
    // A worker gets a stats row with its first accepted share: rejections alone count in the totals.
    expect(stats.workers.find((w: { worker: string }) => w.worker === `${alice}.rig2`)).toBeUndefined();
    expect(stats.shares).toMatchObject({ stale: expect.any(Number), lowDifficulty: expect.any(Number), invalid: expect.any(Number) });
    expect(stats.shares.stale).toBeGreaterThanOrEqual(1);
    expect(stats.shares.lowDifficulty).toBeGreaterThanOrEqual(1);
    expect(stats.shares.invalid).toBeGreaterThanOrEqual(2);
    c.close();
  });

  it('closes a connection that sends garbage and keeps serving others', async () => {
    const bad = new StratumTestClient();
    await bad.connect(port);
    bad.writeRaw('this is not json\n');
    await waitFor(async () => bad.closed, 5000, 'garbage connection closed');
    const good = new StratumTestClient();
    await good.connect(port);
    await good.subscribe();
    expect(good.extranonce1).toMatch(/^[0-9a-f]{8}$/);
    good.close();
  });

  it('splits a pool-found block over the PPLNS window and pays it', async () => {
    const a = new StratumTestClient();
    const b = new StratumTestClient();
    for (const [c, addr] of [[a, alice], [b, bob]] as const) {
      await c.connect(port);
      await c.subscribe();
      await c.call('mining.authorize', [`${addr}.pplns`, 'x']);
    }
    await waitFor(async () => a.jobs.length > 0 && b.jobs.length > 0, 5000, 'notify');
    // Bob submits shares (each is a block on regtest); the pool pays each block by the window.
    const job = b.job;
    const n = b.findNonce(job, '000000aa');
    expect((await b.submit(`${bob}.pplns`, job, '000000aa', n)).result).toBe(true);
    const stats = await waitFor(async () => {
      const s = await node.api('/api/pool/stats');
      return s.payouts.some((p: any) => p.address === bob && p.status === 'sent') ? s : undefined;
    }, 10_000, 'payout');
    const last = stats.blocksFound[stats.blocksFound.length - 1];
    const split: Record<string, string> = last.split;
    const total = Object.values(split).reduce((x, v) => x + BigInt(v), 0n);
    expect(total).toBe(BigInt(last.reward));
    expect(BigInt(split[bob]!)).toBeGreaterThan(0n);
    expect(BigInt(split[alice] ?? '0')).toBeGreaterThan(0n);
    const payout = stats.payouts.find((p: any) => p.address === bob && p.blockHash === last.hash);
    expect(BigInt(payout.amount) + BigInt(payout.fee)).toBe(BigInt(split[bob]!));
    // The pages, newest first, hold what the summary lists.
    expect((await node.api('/api/pool/payouts?limit=100')).payouts).toContainEqual(payout);
    expect((await node.api('/api/pool/blocks?limit=100')).blocks).toContainEqual(last);
    // The payout confirms in the next block and lands in Bob's balance.
    await node.api('/api/mining/generate', { body: { count: 1, address: newAddress() } });
    const tx = await node.api(`/api/tx/${payout.txid}`);
    expect(tx.status).toBe('confirmed');
    const bobAccount = await node.api(`/api/address/${bob}`);
    expect(BigInt(bobAccount.balance)).toBeGreaterThanOrEqual(BigInt(payout.amount));
    a.close();
    b.close();
  });
});

describe('Stratum duplicate shares on the test network (shares far easier than blocks)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ network: 'test', env: { STRATUM_PORT: '0', P2P: 'false', STRATUM_DIFFICULTY: '0.000001' } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('accepts a share once and answers 22 to its duplicate, and a stale job after a new block with 21', async () => {
    const port = Number(/stratum\+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(node.output())![1]);
    const c = new StratumTestClient();
    await c.connect(port);
    await c.subscribe();
    const addr = newAddress();
    await c.call('mining.authorize', [`${addr}.dup`, 'x']);
    await waitFor(async () => c.jobs.length > 0, 5000, 'notify');
    const job = c.job;
    const blockTarget = BigInt(`0x${parseInt(job.nbits, 16).toString(16).slice(2)}`) << (8n * (BigInt(parseInt(job.nbits.slice(0, 2), 16)) - 3n));
    let shown = false;
    for (let en2 = 1; en2 < 100 && !shown; en2++) {
      const e2 = en2.toString(16).padStart(8, '0');
      const n = c.findNonce(job, e2);
      const v = BigInt(`0x${Buffer.from(c.hashFor(job, e2, job.ntime, n)).reverse().toString('hex')}`);
      if (v <= blockTarget) continue;
      expect((await c.submit(`${addr}.dup`, job, e2, n)).result).toBe(true);
      const again = await c.submit(`${addr}.dup`, job, e2, n);
      expect(again.error[0]).toBe(22);
      shown = true;
    }
    expect(shown).toBe(true);
    const stats = await node.api('/api/pool/stats');
    expect(stats.sharesAccepted).toBe(1);
    expect(stats.sharesRejected).toBe(1);
    expect(stats.workers[0].address).toBe(addr);
    c.close();
  });
});

describe("the node's miner mining for a remote pool", () => {
  let pool: TestNode;
  let miner: TestNode;
  afterAll(async () => {
    await miner?.stop();
    await pool?.stop();
    if (miner) removeDir(miner.dataDir);
    if (pool) removeDir(pool.dataDir);
  });

  it('submits shares that the pool accepts and turns into blocks', async () => {
    pool = await startNode({ env: { STRATUM_PORT: '0', P2P: 'false' } });
    const port = Number(/stratum\+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(pool.output())![1]);
    const worker = `${newAddress()}.rig1`;
    miner = await startNode({ env: { P2P: 'false', POOL_URL: `stratum+tcp://127.0.0.1:${port}`, POOL_WORKER: worker, THREADS: '1', INTENSITY: '25' } });
    const stats = await waitFor(async () => {
      const s = await pool.api('/api/pool/stats');
      return s.sharesAccepted >= 3 && s.blocksFound.length >= 1 ? s : undefined;
    }, 30_000, 'shares from the remote miner');
    expect(stats.workers.some((w: { worker: string }) => w.worker === worker)).toBe(true);
    // The miner counts a share when the pool's answer arrives, which may trail the pool's own count.
    const status = await waitFor(async () => {
      const s = await miner.api('/api/mining/status');
      return s.pool.accepted >= 3 ? s : undefined;
    }, 10_000, 'answers to the miner');
    expect(status.pool.worker).toBe(worker);
    // The miner's own chain stays untouched: it mines the pool's blocks, not its own.
    expect((await miner.api('/api/node/info')).height).toBe(0);
  });
});

describe('pool payouts survive a restart', () => {
  let node: TestNode | undefined;
  afterAll(async () => {
    await node?.stop();
    if (node) removeDir(node.dataDir);
  });

  it('pays a block found before the restart once it has enough confirmations', async () => {
    const env = { STRATUM_PORT: '0', P2P: 'false', POOL_PAYOUT_CONFIRMATIONS: '3' };
    node = await startNode({ env });
    const port = Number(/stratum\+tcp:\/\/127\.0\.0\.1:(\d+)/.exec(node.output())![1]);
    const miner = newAddress();
    const c = new StratumTestClient();
    await c.connect(port);
    await c.subscribe();
    await c.call('mining.authorize', [`${miner}.r`, 'x']);
    await waitFor(async () => c.jobs.length > 0, 5000, 'notify');
    const job = c.job;
    expect((await c.submit(`${miner}.r`, job, '00000001', c.findNonce(job, '00000001'))).result).toBe(true);
    const found = await waitFor(async () => {
      const s = await node!.api('/api/pool/stats');
      return s.blocksFound.length === 1 ? s.blocksFound[0] : undefined;
    }, 5000, 'pool block');
    expect((await node.api('/api/pool/stats')).payouts).toEqual([]);
    c.close();

    await node.stop();
    node = await startNode({ dataDir: node.dataDir, env });
    expect(node.output()).toMatch(/1 found block\(s\) still to pay/);
    // The PPLNS window came back too: the share before the restart still counts for the next block.
    expect(node.output()).toMatch(/PPLNS window restored \(1 share\(s\)\)/);
    expect((await node.api('/api/pool/stats')).pplnsShares).toBe(1);
    await node.api('/api/mining/generate', { body: { count: 2, address: newAddress() } });
    const paid = await waitFor(async () => {
      const s = await node!.api('/api/pool/stats');
      return s.payouts.find((p: { address: string }) => p.address === miner);
    }, 10_000, 'payout after restart');
    expect(paid.blockHash).toBe(found.hash);
    expect(paid.status).toBe('sent');
    expect(BigInt(paid.amount) + BigInt(paid.fee)).toBe(BigInt(found.reward));
  });
});

import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ZERO_ADDRESS, addressKey, bytesToHex, contractAddress, hashMeetsTarget, headerHash, signTransfer, txId, utf8ToBytes } from '@hackcoin/core';
import type { BatchOp } from '../store/db.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import { CountingExecutor } from '../test-support/counting-executor.js';
import { Miner, type ScanWorker } from './miner.js';
import { createTemplate, retimeTemplate, stillCurrent } from './template.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});


/** A mining thread that never finds a block, hashes 2^16 nonces per 40 ms and records the jobs it was given. */
class RecordingWorker extends EventEmitter implements ScanWorker {
  readonly headers = new Set<string>();
  readonly counts: number[] = [];
  private stopped = false;
  constructor() {
    super();
    setImmediate(() => this.emit('message', {}));
  }
  postMessage(job: { header: Uint8Array; count: number }): void {
    this.headers.add(bytesToHex(job.header));
    this.counts.push(job.count);
    setImmediate(() => {
      if (!this.stopped) this.emit('message', { nonce: -1, hashes: job.count, ms: (job.count / (1 << 16)) * 40 });
    });
  }
  terminate(): Promise<number> {
    this.stopped = true;
    return Promise.resolve(0);
  }
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

describe('template reuse', () => {
  it('the miner refreshes an unchanged template without assembling it again, and rebuilds when the mempool changes', async () => {
    const executor = new CountingExecutor(new QuickJsExecutor(await loadContractEngine()));
    const fx = await ChainFixture.create({ executor });
    cleanup.push(() => fx.close());
    await fx.mine(2);
    await fx.mempool.add(fx.callToNoContract(W.minerA, 0n, 100_000, 1n));
    const worker = new RecordingWorker();
    const miner = new Miner(fx.chain, fx.mempool, fx.log, { threads: 1 }, () => worker);
    cleanup.push(() => miner.stop());
    miner.start(W.minerB.address);
    await until(() => worker.headers.size === 1 && miner.status().templateTxs === 1);
    const assembled = executor.checks;
    // What the 10 s timer does: new work each time (a new coinbase extra, so a new header), the same selection.
    for (let i = 2; i <= 4; i++) {
      miner.start(W.minerB.address);
      await until(() => worker.headers.size === i);
    }
    expect(executor.checks).toBe(assembled);
    expect(miner.status().templateTxs).toBe(1);
    // A new transaction: the next refresh assembles again and includes it.
    await fx.mempool.add(fx.callToNoContract(W.minerA, 1n, 100_000, 1n));
    const admitted = executor.checks;
    miner.start(W.minerB.address);
    await until(() => miner.status().templateTxs === 2);
    expect(executor.checks).toBe(admitted + 2);
  });

  it.each([
    [0, 1],
    [120, 3],
    [60_000, 5],
  ])('after a template build of %i ms, chunks are aimed at it (capped at 200 ms): %ix the 40 ms chunk', async (buildMs, factor) => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    await fx.mine(2);
    const worker = new RecordingWorker();
    // Each reading of the clock is buildMs later than the one before: a build measures buildMs.
    let now = 0;
    const miner = new Miner(fx.chain, fx.mempool, fx.log, { threads: 1 }, () => worker, () => (now += buildMs));
    cleanup.push(() => miner.stop());
    miner.start(W.minerB.address);
    // After the first chunk (2^16, 40 ms at this worker's rate) each is sized to the aim.
    await until(() => worker.counts.length >= 3);
    expect(worker.counts[0]).toBe(1 << 16);
    expect(worker.counts[2]).toBe(factor * (1 << 16));
  });

  it('a retimed template is a valid block with the same transactions', async () => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    await fx.mine(2);
    const tx = fx.callToNoContract(W.minerA, 0n, 100_000, 1n);
    await fx.mempool.add(tx);
    const t = retimeTemplate(await createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([1])), fx.chain, new Uint8Array([2]));
    const header = { ...t.header };
    while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
    expect((await fx.chain.processBlock({ header, txs: t.txs })).status).toBe('connected');
    expect((await fx.chain.getBlock(fx.chain.tip))!.txs.slice(1).map(txId)).toEqual([txId(tx)]);
  });

  it('a template whose calls declare 10M gas or more is kept through mempool changes for ten times its assembly; a new tip is assembled at once', async () => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    await fx.fundWallets();
    // 12M gas stand for 120,000 block bytes: gas price 6 pays the relay floor over them (1 unit per virtual byte).
    await fx.mempool.add(fx.callToNoContract(W.alice, 0n, 12_000_000, 6n));
    const heavy = await createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([1]));
    expect(heavy.keepUntil).toBeGreaterThan(heavy.createdAt);
    await fx.mempool.add(fx.tx(W.bob, W.carol, 1n));
    expect(stillCurrent(heavy, fx.chain, fx.mempool, heavy.keepUntil - 1)).toBe(true);
    expect(stillCurrent(retimeTemplate(heavy, fx.chain, new Uint8Array([2])), fx.chain, fx.mempool, heavy.keepUntil - 1)).toBe(true);
    expect(stillCurrent(heavy, fx.chain, fx.mempool, heavy.keepUntil)).toBe(false);
    const light = await createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([3]));
    expect(light.txs).toHaveLength(3);
    await fx.mine(1);
    expect(stillCurrent(heavy, fx.chain, fx.mempool, heavy.keepUntil - 1)).toBe(false);
    // Calls declaring less are assembled again at the next change, as before.
    await fx.mempool.add(fx.callToNoContract(W.carol, 0n, 100_000, 1n));
    const small = await createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([4]));
    expect(small.keepUntil).toBe(0);
  });

  it('a block connected while a template reads its accounts makes it start again on the new tip, not build over the old state', async () => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    await fx.fundWallets();
    await fx.mempool.add(fx.tx(W.alice, W.bob, 1n));
    const rival = (await fx.branch()).next({ miner: W.carol });
    const pending = createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([1]));
    expect((await fx.chain.processBlock(rival)).status).toBe('connected');
    const t = await pending;
    expect(t.parent).toBe(fx.chain.tip);
    const header = { ...t.header };
    while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
    expect((await fx.chain.processBlock({ header, txs: t.txs })).status).toBe('connected');
  });

  it('a template assembled while a contract block is being written (its storage in LevelDB, the tip not yet moved) waits for it and builds on the new tip', async () => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    await fx.fundWallets();
    const data = (o: object) => utf8ToBytes(JSON.stringify({ ...o, gasLimit: 1_000_000, gasPrice: '10' }));
    const send = (from: typeof W.alice, nonce: bigint, to: Uint8Array, o: object) =>
      signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: 10_000_000n, to, amount: 0n, data: data(o) }, from.privateKey);
    const code = 'export function init() {} export function set(v) { storage.set("k", v); } export function add() { storage.set("k", storage.get("k") + 1); }';
    await fx.mempool.add(send(W.alice, 0n, ZERO_ADDRESS, { type: 'deploy', code, init: [] }));
    await fx.mine(1);
    const c = contractAddress(W.alice.address, 0n);
    // The block being connected sets k = 5 (a slot never read, so no cache holds it); the template then adds 1.
    const setTx = send(W.alice, 1n, c, { type: 'call', fn: 'set', args: [5] });
    await fx.mempool.add(setTx);
    const b = await createTemplate(fx.chain, fx.mempool, W.minerA.address, new Uint8Array([1]));
    const header = { ...b.header };
    while (!hashMeetsTarget(headerHash(header), b.target)) header.nonce++;

    // The block's batch lands in LevelDB, but its write is reported done only when the test says so.
    const db = fx.db as unknown as { batch: (ops: BatchOp[]) => Promise<void> };
    const realBatch = db.batch.bind(fx.db);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let landed!: () => void;
    const inLevelDb = new Promise<void>((r) => (landed = r));
    db.batch = async (ops) => {
      db.batch = realBatch;
      await realBatch(ops);
      landed();
      await held;
    };
    const connecting = fx.chain.processBlock({ header, txs: b.txs });
    await inLevelDb;
    expect(fx.chain.tip).toBe(b.parent);
    await fx.mempool.add(send(W.bob, 0n, c, { type: 'call', fn: 'add', args: [] }));
    const building = createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([2]));
    setTimeout(release, 100);
    expect((await connecting).status).toBe('connected');
    const t = await building;
    // Before: assembled over the old parent with the new block's storage, a block every node (this one too) refuses.
    expect(t.parent).toBe(fx.chain.tip);
    const h2 = { ...t.header };
    while (!hashMeetsTarget(headerHash(h2), t.target)) h2.nonce++;
    expect((await fx.chain.processBlock({ header: h2, txs: t.txs })).status).toBe('connected');
    expect(fx.chain.contracts.storageGet(addressKey(c), 'k')).toBe('6');
  });
});

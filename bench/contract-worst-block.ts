import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  contractAddress,
  decodeBlock,
  encodeBlock,
  publicKeyFromPrivate,
  signTransfer,
  txHash,
  utf8ToBytes,
  ZERO_ADDRESS,
  type Block,
  type TransferTx,
} from '@hackcoin/core';
import { Chain } from '../packages/node/src/chain/chain.js';
import { openDatabase, type Database } from '../packages/node/src/store/db.js';
import { createContractEngine } from '../packages/node/src/contracts/engine.js';
import { QuickJsExecutor } from '../packages/node/src/contracts/executor.js';
import { ChainFixture, W, quietLogger, type Wallet } from '../packages/node/src/test-support/chain-fixture.js';
import { fastSign } from './fixture.js';

const TX_GAS = 50_000_000;
/** Slots one fill transaction writes and one read transaction reads, each within TX_GAS. */
const FILL_PER_TX = 2_200;
const READ_PER_TX = 21_000;
const NEW_ACCOUNTS_PER_TX = 1_300;
const PAY_PER_TX = 4_000;
const DISTINCT_CONTRACTS = 400;
/** Distinct contracts of the largest source a deploy may carry, called once each (cold code priced per word). */
const LARGE_CONTRACTS = 24;
const LARGE_SOURCE_CHARS = 45_000;

/** A contract near the source limit: many small functions, so its instrumented code is as long as it gets. */
function largeSource(i: number): string {
  const parts = [`// ${i}`, 'export function poke() { return 1; }'];
  for (let f = 0; parts.join('\n').length < LARGE_SOURCE_CHARS - 120; f++) {
    parts.push(`function f${f}(a, b) { let x = a - b * ${f}; if (x < b) { x = x % 7; } return x === a ? b : x; }`);
  }
  return parts.join('\n');
}

const WORKER = `
const HEX0 = '0000000000000000000000000000000000000000';
function addr(i) { return '0x' + (HEX0 + i.toString(16)).slice(-40); }
export function fill(start, n) { for (let i = start; i < start + n; i++) storage.set('k' + i, 1); }
export function read(start, n) { let s = 0; for (let i = start; i < start + n; i++) { if (storage.get('k' + i) !== undefined) s++; } return s; }
export function pay(start, n) { for (let i = start; i < start + n; i++) transfer(addr(i), 1); }
export function burnSort() { for (;;) { const a = []; for (let i = 0; i < 20000; i++) a.push((i * 7919) % 20011); a.sort(); } }
export function burnJson() { const o = []; for (let i = 0; i < 120; i++) o.push({ a: i, b: 'x' + i, c: [i, i] }); for (;;) JSON.parse(JSON.stringify(o)); }
export function burnString() { const s = 'ab,'.repeat(1365); for (;;) s.split(',').join(';'); }
export function burnSplit() { const s = 'abcdefghij'.repeat(409); for (;;) s.split(''); }
export function burnRegex() { for (;;) /(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'); }
export function burnCompare() { const s = 'ab'.repeat(2048); const t = s.slice(0); let n = 0; for (;;) { if (s === t) n++; } }
export function burnKey() { const s = 'ab'.repeat(2048); const m = new Map(); const o = {}; let n = 0; for (;;) { m.set(s, n); o[s] = n++; } }
export function burnNumber() { const s = '1'.repeat(4096); let n = 0; for (;;) { n += -s; } }
export function burnConcat() { for (;;) { let s = ''; for (let i = 0; i < 1000; i++) s += 'ab'; } }
export function burnSlice() { const a = []; for (let i = 0; i < 1000; i++) a.push(i); for (;;) { a.slice(); a.map((v) => v); [...a]; } }
`;

interface Timing {
  wall: number;
  cpu: number;
}

interface Validator {
  dir: string;
  db: Database;
  chain: Chain;
}

async function openValidator(dir: string, f: ChainFixture): Promise<Validator> {
  const db = await openDatabase(dir);
  // A fresh engine and fresh caches: nothing about the block is warm in memory.
  const executor = new QuickJsExecutor(await createContractEngine());
  const chain = await Chain.open({ db, params: f.params, backend: f.backend, log: quietLogger(), now: () => f.clock.now, executor });
  return { dir, db, chain };
}

function contractTx(f: ChainFixture, from: Wallet, nonce: bigint, to: Uint8Array, payload: object, gasLimit: number, amount = 0n): TransferTx {
  const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: '0' }));
  return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: 0n, to, amount, data }, from.privateKey);
}

/**
 * Worst-case block validation: blocks at the block gas limit built from the
 * most expensive things a transaction can do per gas (cold storage reads,
 * cold account writes, new storage, built-in-heavy loops, calls to many
 * contracts whose code is not cached), validated by a node that has just
 * restarted (empty caches, fresh engine), against a full block of plain
 * transfers. Blocks are built on one chain and replayed into another.
 */
export async function runContractWorstBlockBench(): Promise<Record<string, number | string>> {
  const f = await ChainFixture.create({ minFeeRate: 0n, maxTxs: 50_000, maxPendingPerSender: 50_000, maxBytes: 200_000_000 });
  const vdir = mkdtempSync(join(tmpdir(), 'hackcoin-bench-validator-'));
  let v = await openValidator(vdir, f);
  const nonces = new Map<string, bigint>();
  const nonce = (w: Wallet): bigint => {
    const n = nonces.get(w.name) ?? 0n;
    nonces.set(w.name, n + 1n);
    return n;
  };
  const out: Record<string, number | string> = {};
  try {
    const replay = async (blocks: Block[]): Promise<void> => {
      for (const b of blocks) await v.chain.processBlock(b);
    };
    const mine = async (txs: TransferTx[]): Promise<Block> => {
      for (const tx of txs) await f.mempool.add(tx);
      const [block] = await f.mine(1);
      if (f.mempool.size !== 0) throw new Error(`${f.mempool.size} transactions were left out of a bench block`);
      return block!;
    };
    /**
     * Restarts the validator, then times its validation of `block`: wall time, and the CPU time
     * of this process (all threads), which other processes loading the machine do not inflate.
     */
    const timed = async (block: Block): Promise<Timing> => {
      await v.db.close();
      v = await openValidator(vdir, f);
      const raw = encodeBlock(block);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await v.chain.processBlock(decodeBlock(raw));
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (res.status !== 'connected') throw new Error(`bench block not connected: ${res.status}`);
      return { wall, cpu: (c.user + c.system) / 1000 };
    };
    const receiptsOk = async (txs: TransferTx[], want: string): Promise<void> => {
      for (const tx of txs) {
        const r = await f.chain.contracts.receipt(txHash(tx));
        if (r?.status !== want) {
          const what = new TextDecoder().decode(tx.data).slice(0, 80);
          throw new Error(`bench transaction ${what} ended ${r?.status ?? 'without receipt'} (${r?.revertReason ?? ''}, gas ${r?.gasUsed ?? '?'})`);
        }
      }
    };

    await replay(await f.mine(2));
    await replay([await mine([f.tx(W.minerA, W.alice, 10_000_000_000n, { nonce: 0n, fee: 0n })])]);
    nonces.set(W.minerA.name, 1n);
    const worker = contractAddress(W.alice.address, nonce(W.alice));
    await replay([await mine([contractTx(f, W.alice, 0n, ZERO_ADDRESS, { type: 'deploy', code: WORKER, init: [] }, 4_000_000, 1_000_000n)])]);

    // Cold storage reads: fill 4 × READ_PER_TX slots, then read them all in one block.
    const slots = 4 * READ_PER_TX;
    for (let start = 0; start < slots; ) {
      const txs: TransferTx[] = [];
      for (let i = 0; i < 4 && start < slots; i++, start += FILL_PER_TX) {
        txs.push(contractTx(f, W.alice, nonce(W.alice), worker, { type: 'call', fn: 'fill', args: [start, FILL_PER_TX] }, TX_GAS));
      }
      await replay([await mine(txs)]);
      await receiptsOk(txs, 'success');
    }
    const reads = [0, 1, 2, 3].map((i) => contractTx(f, W.alice, nonce(W.alice), worker, { type: 'call', fn: 'read', args: [i * READ_PER_TX, READ_PER_TX] }, TX_GAS));
    const readBlock = await mine(reads);
    await receiptsOk(reads, 'success');
    const results: [string, Timing][] = [];
    const scaledResults: [string, Timing][] = [];
    results.push([`${slots.toLocaleString()} cold storage reads`, await timed(readBlock)]);

    // New storage: 4 × FILL_PER_TX new slots.
    const writes = [0, 1, 2, 3].map((i) => contractTx(f, W.alice, nonce(W.alice), worker, { type: 'call', fn: 'fill', args: [1e7 + i * FILL_PER_TX, FILL_PER_TX] }, TX_GAS));
    const writeBlock = await mine(writes);
    await receiptsOk(writes, 'success');
    results.push([`${(4 * FILL_PER_TX).toLocaleString()} new storage slots`, await timed(writeBlock)]);

    // Cold accounts: create 4 × PAY_PER_TX accounts, then pay each of them again in one block.
    const accounts = 4 * PAY_PER_TX;
    for (let start = 0; start < accounts; ) {
      const txs: TransferTx[] = [];
      for (let i = 0; i < 4 && start < accounts; i++, start += NEW_ACCOUNTS_PER_TX) {
        txs.push(contractTx(f, W.alice, nonce(W.alice), worker, { type: 'call', fn: 'pay', args: [1 + start, NEW_ACCOUNTS_PER_TX] }, TX_GAS));
      }
      await replay([await mine(txs)]);
      await receiptsOk(txs, 'success');
    }
    const pays = [0, 1, 2, 3].map((i) => contractTx(f, W.alice, nonce(W.alice), worker, { type: 'call', fn: 'pay', args: [1 + i * PAY_PER_TX, PAY_PER_TX] }, TX_GAS));
    const payBlock = await mine(pays);
    await receiptsOk(pays, 'success');
    results.push([`${accounts.toLocaleString()} cold account transfers`, await timed(payBlock)]);

    // Built-in-heavy loops, each until the transaction's gas runs out.
    for (const fn of ['burnSort', 'burnJson', 'burnString', 'burnSplit', 'burnRegex', 'burnCompare', 'burnKey', 'burnNumber', 'burnConcat', 'burnSlice']) {
      const txs = [0, 1, 2, 3].map(() => contractTx(f, W.alice, nonce(W.alice), worker, { type: 'call', fn, args: [] }, TX_GAS));
      const block = await mine(txs);
      await receiptsOk(txs, 'out-of-gas');
      results.push([`4 × ${fn} to out-of-gas`, await timed(block)]);
    }

    // Calls to contracts whose code no cache holds (cold code): measured on a sample, scaled to a block at the
    // gas limit. The attacker sets each transaction's gas limit to exactly what it uses (the block bounds limits).
    const coldBlock = async (label: string, count: number, source: (i: number) => string, deployGas: number, callGas: number): Promise<void> => {
      const addrs: Uint8Array[] = [];
      // As many deploys a block as its gas admits (a deploy pays for its source's characters).
      const perBlock = Math.min(200, Math.floor(f.params.maxBlockGas / deployGas));
      for (let start = 0; start < count; start += perBlock) {
        const txs: TransferTx[] = [];
        for (let i = start; i < Math.min(count, start + perBlock); i++) {
          const n = nonce(W.bob);
          addrs.push(contractAddress(W.bob.address, n));
          txs.push(contractTx(f, W.bob, n, ZERO_ADDRESS, { type: 'deploy', code: source(i), init: [] }, deployGas));
        }
        await replay([await mine(txs)]);
        await receiptsOk(txs, 'success');
      }
      const pokes = addrs.map((c) => contractTx(f, W.carol, nonce(W.carol), c, { type: 'call', fn: 'poke', args: [] }, callGas));
      const pokeBlock = await mine(pokes);
      await receiptsOk(pokes, 'success');
      let tight = 0;
      for (const tx of pokes) tight = Math.max(tight, (await f.chain.contracts.receipt(txHash(tx)))!.gasUsed);
      const t = await timed(pokeBlock);
      const bytes = encodeBlock(pokeBlock).length / count;
      const full = Math.min(Math.floor(f.params.maxBlockGas / tight), f.params.maxBlockTxs - 1, Math.floor(f.params.maxBlockSize / bytes));
      const share = full / count;
      scaledResults.push([`${label}: ${count} measured, scaled to a full block (${full.toLocaleString()} calls of ${tight.toLocaleString()} gas)`, { wall: t.wall * share, cpu: t.cpu * share }]);
    };
    await coldBlock('calls to distinct uncached small contracts', DISTINCT_CONTRACTS, (i) => `// ${i}\nexport function poke() { return 1; }`, 300_000, 150_000);
    await coldBlock(`calls to distinct uncached ${LARGE_SOURCE_CHARS / 1000} KB contracts`, LARGE_CONTRACTS, largeSource, 45_000_000, 3_000_000);

    // A full block of plain transfers (the block transaction limit), signed natively.
    const dave = { key: W.dave.privateKey, pub: publicKeyFromPrivate(W.dave.privateKey) };
    await replay([await mine([f.tx(W.minerA, W.dave, 10_000_000_000n, { nonce: nonce(W.minerA), fee: 0n })])]);
    const plain: TransferTx[] = [];
    for (let i = 0; i < f.params.maxBlockTxs - 1; i++) {
      plain.push(fastSign({ kind: 'transfer', chainId: f.params.chainId, nonce: BigInt(i), fee: 0n, to: utf8ToBytes(`plain${String(i).padStart(15, '0')}`), amount: 1n, data: new Uint8Array() }, dave.key, dave.pub));
    }
    const plainBlock = await mine(plain);
    const plainMs = await timed(plainBlock);

    const show = (t: Timing): string => `${Math.round(t.wall)} / ${Math.round(t.cpu)}`;
    for (const [name, t] of [...results, ...scaledResults]) out[`${name}, ms wall / CPU`] = show(t);
    out[`plain transfers (${plain.length.toLocaleString()} txs, ${(encodeBlock(plainBlock).length / 1e6).toFixed(2)} MB), ms wall / CPU`] = show(plainMs);
    const worst = [...results, ...scaledResults].reduce((a, [, t]) => (t.cpu > a.cpu ? t : a), { wall: 0, cpu: 0 });
    out['worst gas-limit block, ms wall / CPU'] = `${show(worst)} (goal ≤ 2,000)`;
    out['worst / plain-transfer block (CPU)'] = `${(worst.cpu / plainMs.cpu).toFixed(1)}× (goal ≤ 10×)`;
    out['load average (1, 5, 15 min; other processes share the machine)'] = loadavg().map((l) => l.toFixed(1)).join(', ');
    return out;
  } finally {
    await v.db.close();
    rmSync(vdir, { recursive: true, force: true });
    await f.close();
  }
}

/**
 * Runs one pseudo-random contract chain (seeded) through a real Chain,
 * Mempool and block templates, and prints one JSON line per transaction
 * (admission verdict, receipt) and per block (state root). Started by
 * contract-differential.test.ts under different `node --stack-size` values;
 * `--warm` runs the whole sequence once first, in the same process, and
 * prints only the second run. Every line must be identical across runs.
 *
 * usage: node --stack-size=N --import tsx sequence.ts <seed> <blocks> [--warm]
 */
import {
  CONTRACT_LIMITS,
  RuleError,
  ZERO_ADDRESS,
  bytesToHex,
  contractAddress,
  contractPayload,
  encodeTx,
  intrinsicGas,
  minGasPriceForShape,
  signTransfer,
  txHash,
  utf8ToBytes,
  type TransferTx,
} from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../../src/test-support/chain-fixture.js';
import { exampleSource } from '../../src/contracts/test-support.js';

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** Sources at and beyond the nesting limits, plus QuickJS-heavy ones (recursion, deep instrumented wrappers). */
function edgeSource(rng: Rng): string {
  const n = int(rng, 1, 70);
  const parse = CONTRACT_LIMITS.maxParseDepth;
  const tree = CONTRACT_LIMITS.maxSyntaxDepth;
  const kinds = [
    () => `export function f(a) { return ${'('.repeat(n)}a${')'.repeat(n)}; }`,
    () => `export function f(a) { return a${' + a'.repeat(int(rng, parse - 12, parse + 4))}; }`,
    () => `export function f(a) { return 'x'${' + a'.repeat(int(rng, 40, 110))}; }`,
    () => `export function f(a) { return a${'.b'.repeat(int(rng, tree - 10, tree + 2))}; }`,
    () => `export function f() { ${'function g(){'.repeat(n)}${'}'.repeat(n)} }`,
    () => `export function f(a) { return ${'!'.repeat(int(rng, parse - 8, parse + 2))}a; }`,
    () => `export function f(a) { return ${'['.repeat(n)}a${']'.repeat(n)}; }`,
    () => `export function f(a) { return /${'('.repeat(n)}a${')'.repeat(n)}/.test(a); }`,
    () => `export function f(a) { ${'if (a) '.repeat(int(rng, 60, 130))}return 1; return 0; }`,
    () => `export function f(a) { return a${'.b'.repeat(15_000)}; }`,
    () => `export function f( { return 1; }`,
    () => `export function f() { function r(n) { return r(n + 1) + 1; } return r(0); }`,
    () => `export function f() { let d = 0; function r(n) { d = n; r(n + 1); } try { r(0); } catch (e) {} return d; }`,
    () => `export function f(k) { return call(msg.contract, 'g', [k]); }\nexport function g(k) { return call(msg.contract, 'f', [k]); }`,
    () => `export function f(k) { let v = 1; for (let i = 0; i < ${int(rng, 28, 36)}; i++) v = [v]; storage.set('k', v); emit('E', v); return v; }`,
    () => `export function f() { for (let i = 0; i < ${int(rng, 60, 70)}; i++) emit('E', i); }`,
    () => `export function f(a) { return JSON.stringify(a) + /(a+)+$/.test('a'.repeat(${int(rng, 5, 18)}) + 'b'); }`,
    // Recursion through natives, which uses several times more host stack than QuickJS counts.
    () => `export function f() { return JSON.parse('['.repeat(${int(rng, 100, 30_000)}) + ']'.repeat(${int(rng, 100, 30_000)})).length; }`,
    () => `export function f() { let v = 1; for (let i = 0; i < ${int(rng, 200, 20_000)}; i++) v = [v]; return [JSON.stringify(v).length, String(v).length]; }`,
    () => `export function f() { let g = function () { return 1; }; for (let i = 0; i < ${int(rng, 100, 20_000)}; i++) g = g.bind(null); return g(); }\nexport function g() { try { return call(msg.contract, 'f', []); } catch (e) { return String(e.message); } }`,
    () => `export function f() { let p = {}; for (let i = 0; i < ${int(rng, 100, 20_000)}; i++) p = new Proxy(p, {}); return p.x === undefined; }`,
    () => `export function f() { const o = { get x() { return this.x; }, toString() { return String(this); } }; try { return o.x; } catch (e) { return String(o); } }`,
  ];
  return pick(rng, kinds)();
}

function randomJson(rng: Rng, depth: number): unknown {
  if (depth <= 0 || rng() < 0.3) return pick(rng, [0, 1, -7, 2 ** 53, 'x', '', 'ünï', null, true, 1.5]);
  if (rng() < 0.5) return Array.from({ length: int(rng, 0, 3) }, () => randomJson(rng, depth - 1));
  return Object.fromEntries(Array.from({ length: int(rng, 0, 3) }, (_, i) => [`k${i}`, randomJson(rng, depth - 1)]));
}

function deepArgs(rng: Rng): unknown[] {
  const d = int(rng, CONTRACT_LIMITS.maxArgsDepth - 3, CONTRACT_LIMITS.maxArgsDepth + 3);
  let v: unknown = 1;
  for (let i = 1; i < d; i++) v = [v];
  return [v];
}

interface Line {
  [key: string]: unknown;
}

async function runOnce(seed: number, blocks: number, out: (line: Line) => void): Promise<void> {
  const rng = mulberry32(seed);
  const f = await ChainFixture.create();
  try {
    await f.mine(3, { miner: W.minerA });
    const senders: Wallet[] = [W.alice, W.bob, W.carol];
    let nonceA = 0n;
    for (const w of senders) {
      await f.mempool.add(f.tx(W.minerA, w, 4_000_000_000n, { nonce: nonceA++ }));
    }
    await f.mine(1);
    const nonces = new Map<Wallet, bigint>(senders.map((w) => [w, 0n]));
    const contracts: { address: Uint8Array; fns: string[] }[] = [];
    const signAt = (from: Wallet, to: Uint8Array, payload: Record<string, unknown>, gasLimit: number, gasPrice: bigint): TransferTx => {
      const nonce = nonces.get(from)!;
      const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: gasPrice.toString() }));
      return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit) * gasPrice, to, amount: 0n, data }, from.privateKey);
    };
    // At the least gas price the relay minimum takes for the gas declared (it counts as block space), so the
    // mempool refuses only what consensus refuses; a payload consensus refuses keeps price 1 and is refused for that.
    const sign = (from: Wallet, to: Uint8Array, payload: Record<string, unknown>, gasLimit: number): TransferTx => {
      let price = 1n;
      for (;;) {
        const tx = signAt(from, to, payload, gasLimit, price);
        let need: bigint;
        try {
          const shape = { size: encodeTx(tx).length, gasLimit, intrinsicGas: intrinsicGas(tx, f.params, contractPayload(tx, f.params)) };
          need = minGasPriceForShape(1n, shape, f.params);
        } catch (e) {
          if (e instanceof RuleError) return tx;
          throw e;
        }
        if (need <= price) return tx;
        price = need;
      }
    };
    for (let b = 0; b < blocks; b++) {
      const admitted: TransferTx[] = [];
      for (let t = 0; t < int(rng, 2, 6); t++) {
        const from = pick(rng, senders);
        const gasLimit = pick(rng, [2_000_000, 5_000_000, 20_000_000]);
        let tx: TransferTx;
        let deployed: { address: Uint8Array; fns: string[] } | undefined;
        const roll = rng();
        if (contracts.length === 0 || roll < 0.5) {
          const token = rng() < 0.3;
          const code = token ? exampleSource('token') : edgeSource(rng);
          const init = token ? ['T', 'T', 0, 1_000_000] : [];
          tx = sign(from, ZERO_ADDRESS, { type: 'deploy', code, init }, gasLimit);
          deployed = { address: contractAddress(from.address, nonces.get(from)!), fns: token ? ['transfer', 'balanceOf', 'totalSupply'] : ['f', 'g'] };
        } else {
          const c = pick(rng, contracts);
          const args = rng() < 0.2 ? deepArgs(rng) : [randomJson(rng, int(rng, 0, 4)), pick(rng, [1, 10, 'x'])];
          const to = rng() < 0.1 ? W.dave.address : c.address;
          tx = sign(from, to, { type: 'call', fn: pick(rng, c.fns), args }, gasLimit);
        }
        try {
          await f.mempool.add(tx);
          nonces.set(from, nonces.get(from)! + 1n);
          admitted.push(tx);
          if (deployed) contracts.push(deployed);
          out({ block: b, tx: bytesToHex(txHash(tx)), admitted: true });
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          out({ block: b, tx: bytesToHex(txHash(tx)), rule: e.code });
          // The same transaction in a block must be rejected under the same rule.
          const branch = await f.branch();
          try {
            await f.chain.processBlock(branch.next({ txs: [tx] }));
            out({ block: b, blockWithRejected: 'accepted' });
          } catch (be) {
            if (!(be instanceof RuleError)) throw be;
            out({ block: b, blockWithRejected: be.code });
          }
        }
      }
      await f.mine(1);
      for (const tx of admitted) {
        const r = await f.chain.contracts.receipt(txHash(tx));
        out({ block: b, tx: bytesToHex(txHash(tx)), receipt: r ?? null });
      }
      out({ block: b, height: f.chain.height, stateRoot: bytesToHex(f.chain.tip.stateRoot) });
    }
  } finally {
    await f.close();
  }
}

const [seedArg, blocksArg, warm] = process.argv.slice(2);
const seed = Number(seedArg ?? 1);
const blocks = Number(blocksArg ?? 8);
if (warm === '--warm') await runOnce(seed, blocks, () => undefined);
const lines: string[] = [];
await runOnce(seed, blocks, (line) => lines.push(JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
process.stdout.write(lines.join('\n') + '\n');

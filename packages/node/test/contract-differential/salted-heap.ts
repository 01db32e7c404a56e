/**
 * Contract calls that once read QuickJS heap bytes into contract values (helper-150: a typed array
 * sort whose comparator shrank its buffer). The heap holds atom hashes salted per process
 * (wasm-hash-patch.ts), so such a call's storage and gas follow HACKCOIN_QUICKJS_HASH_KEY. Prints
 * each call's outcome; contract-differential.test.ts runs it under two keys and compares.
 */
import { createContractEngine } from '../../src/contracts/engine.js';
import { MemoryChain } from '../../src/contracts/memory-chain.js';

const SORT_SHRINK = `
function leak(n, m, off, stopAt) {
  const buf = new ArrayBuffer(n * 8, { maxByteLength: n * 8 });
  const ta = new Float64Array(buf);
  for (let j = 0; j < n; j++) ta[j] = j >= off && j < off + m ? j - off : m + j;
  let calls = 0;
  try { ta.sort(function (a, b) { if (++calls === stopAt) buf.resize(m * 8); return a - b; }); } catch (e) { storage.set('error', String(e)); }
  return { calls: calls, words: new Uint32Array(buf) };
}
export function f() {
  const n = 16384, m = 512, off = 9216;
  const w = leak(n, m, off, leak(n, m, off, -1).calls).words;
  let h = 0;
  for (let i = 0; i < w.length; i++) h = (h * 31 + w[i]) % 1000000007;
  storage.set('words', h);
  if (h % 2 === 1) { let x = 0; for (let i = 0; i < 10000; i++) x += i; }
  return h;
}`;

const engine = await createContractEngine();
for (const [name, source] of [['sort-shrink', SORT_SHRINK]] as const) {
  const chain = new MemoryChain(engine);
  const d = chain.deploy('c', source, 'alice', [], 50_000_000);
  const r = chain.call('c', 'f', [], 'alice', 0n, 50_000_000);
  const storage = Object.fromEntries([...r.storageWrites].map(([k, v]) => [k, String(v)]));
  process.stdout.write(`${JSON.stringify({ name, deployed: d.status, status: r.status, gasUsed: r.gasUsed, returnValue: r.returnValue, storage })}\n`);
}

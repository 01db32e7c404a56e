import { pathToFileURL } from 'node:url';
import { loadContractEngine } from './engine.js';
import { MemoryChain } from './memory-chain.js';
import { loadQuickJS } from './quickjs-module.js';
import { exampleSource } from './test-support.js';

const TRANSFERS = 3_000;
const LOOP_ITERATIONS = 2_000_000;
const LOOP_BODY = 'let x = 0; for (let i = 0; i < n; i++) { x = (x * 31 + i) % 1000003; } return x;';

function tokenTransfersPerSecond(chain: MemoryChain): number {
  chain.deploy('token', exampleSource('token'), 'alice', ['Bench', 'BEN', 0, 1_000_000_000]);
  const started = performance.now();
  for (let i = 0; i < TRANSFERS; i++) {
    const result = chain.call('token', 'transfer', [`holder${i % 100}`, 1], 'alice');
    if (result.status !== 'success') throw new Error(`transfer ${i} failed: ${result.revertReason ?? result.status}`);
  }
  return TRANSFERS / ((performance.now() - started) / 1000);
}

/** The same loop uninstrumented, in a fresh QuickJS context of the same module. */
async function plainLoopMs(): Promise<number> {
  const quickjs = await loadQuickJS();
  const ctx = quickjs.newContext();
  try {
    const started = performance.now();
    const result = ctx.evalCode(`(function (n) { ${LOOP_BODY} })(${LOOP_ITERATIONS})`);
    const elapsed = performance.now() - started;
    if (result.error) {
      result.error.dispose();
      throw new Error('plain loop failed');
    }
    result.value.dispose();
    return elapsed;
  } finally {
    ctx.dispose();
  }
}

/** Figures for the repo's bench runner; also printed when run directly. */
export async function runContractBench(): Promise<Record<string, number | string>> {
  const engine = await loadContractEngine();
  const chain = new MemoryChain(engine);
  const transfersPerSecond = tokenTransfersPerSecond(chain);

  chain.deploy('loop', `export function work(n) { ${LOOP_BODY} }`, 'alice');
  const started = performance.now();
  const loop = chain.call('loop', 'work', [LOOP_ITERATIONS], 'alice', 0n, 1_000_000_000);
  const meteredMs = performance.now() - started;
  if (loop.status !== 'success') throw new Error(`loop failed: ${loop.status}`);
  const plainMs = await plainLoopMs();

  return {
    'token transfers/s (one core, gas + storage writes applied)': Math.round(transfersPerSecond),
    'compute loop gas/s': Math.round(loop.gasUsed / (meteredMs / 1000)),
    'compute loop gas used': loop.gasUsed,
    'compute loop instrumented ms': Number(meteredMs.toFixed(1)),
    'compute loop uninstrumented ms': Number(plainMs.toFixed(1)),
    'instrumented / uninstrumented': Number((meteredMs / plainMs).toFixed(2)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, value] of Object.entries(await runContractBench())) {
    process.stdout.write(`${name}: ${value}\n`);
  }
}

/**
 * One contract call whose nested call recurses (through a chain of bound
 * functions: natively bound ones took the most host stack per QuickJS stack
 * byte measured) until a stack runs out, with the caller catching whatever the
 * nested call throws. Prints the call's outcome, or `host-error` if the host's
 * own stack ran out first (then the node must reach no verdict). Started under
 * different `--stack-size` values by contract-differential.test.ts.
 */
import { createContractEngine } from '../../src/contracts/engine.js';
import { MemoryChain } from '../../src/contracts/memory-chain.js';

const engine = await createContractEngine();
const chain = new MemoryChain(engine);
chain.deploy('c', `export function f() { try { return call(msg.contract, 'deep', []); } catch (e) { return String(e.message); } }
export function deep() { let f = function () { return 1; }; for (let i = 0; i < 20000; i++) f = f.bind(null); return f(); }`, 'alice');
let line: string;
try {
  const r = chain.call('c', 'f', [], 'alice', 0n, 50_000_000);
  line = JSON.stringify({ status: r.status, gasUsed: r.gasUsed, returnValue: r.returnValue });
} catch (e) {
  line = `host-error: ${e instanceof Error ? e.name : 'unknown'}`;
}
process.stdout.write(line + '\n');

import { CONTRACT_EXAMPLES, type ContractExampleName } from '@hackcoin/core';
import type { ContractEngine } from './engine.js';
import { MemoryChain } from './memory-chain.js';

/** Source text of one of the example contracts (kept in core, shared with the web IDE). */
export function exampleSource(name: ContractExampleName): string {
  return CONTRACT_EXAMPLES[name];
}

/** What one call of a contract body returned, as the pricing tests compare it. */
export interface BodyRun {
  status: string;
  value: unknown;
  reason: string | undefined;
  gas: number;
}

/** Deploys `export function f() { body }` on a fresh chain and calls it once with `gasLimit`. */
export function runBody(engine: ContractEngine, body: string, gasLimit: number): BodyRun {
  const chain = new MemoryChain(engine);
  chain.deploy('c', `export function f() { ${body} }`, 'alice');
  const r = chain.call('c', 'f', [], 'alice', 0n, gasLimit);
  return { status: r.status, value: r.returnValue, reason: r.revertReason, gas: r.gasUsed };
}

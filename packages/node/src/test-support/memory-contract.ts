import { beforeAll, expect } from 'vitest';
import { loadContractEngine, type ContractEngine } from '../contracts/engine.js';
import { MemoryChain } from '../contracts/memory-chain.js';

/**
 * For a test file about one contract on a MemoryChain: loads the contract
 * engine before the file's tests (call it at the top level) and returns a
 * function that gives a fresh chain with `source` deployed by alice as
 * contract 'c', the deploy expected to succeed.
 */
export function contractOnMemoryChain(source: string): () => MemoryChain {
  let engine: ContractEngine | undefined;
  beforeAll(async () => {
    engine = await loadContractEngine();
  });
  return () => {
    if (!engine) throw new Error('the contract engine is loaded in beforeAll: call the returned function inside a test');
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', source, 'alice').status).toBe('success');
    return chain;
  };
}

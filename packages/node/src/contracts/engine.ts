import { ContractError } from './errors.js';
import { checkHostStack } from './host-stack.js';
import { runTopCall } from './run-call.js';
import type { ExecutionRequest, ExecutionResult } from './types.js';
import { VmPool, type VmPoolOptions } from './vm-pool.js';

const MAX_GAS_LIMIT = 1_000_000_000;
const MAX_FUNCTION_NAME = 64;

function validate(req: ExecutionRequest): void {
  if (!Number.isSafeInteger(req.gasLimit) || req.gasLimit < 0 || req.gasLimit > MAX_GAS_LIMIT) {
    throw new ContractError(`bad-request: gasLimit must be an integer in [0, ${MAX_GAS_LIMIT}]`);
  }
  if (typeof req.fn !== 'string' || req.fn.length === 0 || req.fn.length > MAX_FUNCTION_NAME) {
    throw new ContractError('bad-request: fn must be a non-empty string of at most 64 characters');
  }
  if (!Array.isArray(req.args)) throw new ContractError('bad-request: args must be an array');
  if (typeof req.value !== 'bigint' || req.value < 0n) throw new ContractError('bad-request: value must be a non-negative bigint');
  if (!Number.isSafeInteger(req.block.height) || !Number.isSafeInteger(req.block.time)) {
    throw new ContractError('bad-request: block height and time must be safe integers');
  }
  try {
    JSON.stringify(req.args);
  } catch (error) {
    throw new ContractError(`bad-request: args are not JSON-serialisable: ${(error as Error).message}`);
  }
}

/**
 * Synchronous, deterministic contract execution. Every call starts from the
 * contract's snapshotted ready state in a QuickJS instance of its own (see
 * vm-pool.ts), so no call can observe another.
 */
export class ContractEngine {
  constructor(private readonly pool: VmPool) {}

  execute(req: ExecutionRequest): ExecutionResult {
    validate(req);
    let result: ExecutionResult;
    try {
      result = runTopCall(this.pool, req);
    } finally {
      this.pool.rethrowHostFault();
    }
    return result;
  }

  /** Snapshot cache figures (for monitoring and tests). */
  snapshotStats(): { snapshots: number; bytes: number } {
    return this.pool.stats();
  }
}

/** A new, independent engine (own wasm instances and snapshot cache); most code wants loadContractEngine(). */
export async function createContractEngine(options: VmPoolOptions = {}): Promise<ContractEngine> {
  return new ContractEngine(await VmPool.create(options));
}

let engine: Promise<ContractEngine> | undefined;

/**
 * Load (once per process) and verify the QuickJS wasm, then hand out the engine. Refuses
 * (host-stack-too-small) when the process has too little native stack (host-stack.ts).
 */
export function loadContractEngine(): Promise<ContractEngine> {
  engine ??= Promise.resolve().then(() => {
    checkHostStack();
    return createContractEngine();
  });
  return engine;
}

import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { ContractError } from './errors.js';
import { loadQuickJS } from './quickjs-module.js';
import { runCall } from './run-call.js';
import type { ExecutionRequest, ExecutionResult } from './types.js';

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

/** Synchronous, deterministic contract execution over one shared QuickJS module. */
export class ContractEngine {
  constructor(private readonly quickjs: QuickJSWASMModule) {}

  execute(req: ExecutionRequest): ExecutionResult {
    validate(req);
    return runCall(this.quickjs, req, 0);
  }
}

let engine: Promise<ContractEngine> | undefined;

/** Load (once per process) and verify the QuickJS wasm, then hand out the engine. */
export function loadContractEngine(): Promise<ContractEngine> {
  engine ??= loadQuickJS().then((quickjs) => new ContractEngine(quickjs));
  return engine;
}

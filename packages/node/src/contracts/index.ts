export { ContractEngine, loadContractEngine } from './engine.js';
export { ContractError } from './errors.js';
export { GAS, LIMITS } from './gas-schedule.js';
export { prepareContract, RESERVED_PREFIX } from './instrument.js';
export { MemoryChain } from './memory-chain.js';
export { QUICKJS_WASM_SHA256 } from './quickjs-module.js';
export type * from './types.js';

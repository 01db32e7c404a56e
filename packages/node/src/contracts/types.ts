/**
 * What the chain must provide to the engine. The engine only reads through
 * this interface; it never mutates chain state (writes, transfers and events
 * come back in the ExecutionResult for the chain to apply).
 */
export interface ContractHost {
  /** Current committed value (JSON text) of `key` in `contract`'s storage. */
  storageGet(contract: string, key: string): string | undefined;
  /** Balance in base units, before this call's msg.value is credited. */
  balanceOf(address: string): bigint;
  /** Instrumented code (from prepareContract) deployed at `address`, for read-only calls. */
  codeOf(address: string): string | undefined;
}

export interface BlockInfo {
  height: number;
  time: number;
}

export interface ExecutionRequest {
  /** Instrumented code as returned by prepareContract().code. */
  code: string;
  fn: string;
  args: unknown[];
  sender: string;
  /** Base units sent with the call; the chain credits it to the contract only on success. */
  value: bigint;
  contractAddress: string;
  block: BlockInfo;
  gasLimit: number;
  readOnly: boolean;
  host: ContractHost;
  /** True only for the `init` call made at deploy; `init` is not callable otherwise. */
  deploying?: boolean;
  /**
   * Wall-clock limit (Date.now() milliseconds) for calls outside consensus
   * (API calls and estimates): past it the call stops as out-of-gas at the
   * next interrupt poll. Never set when validating or building blocks.
   */
  deadline?: number;
}

export interface Transfer {
  to: string;
  amount: bigint;
}

export interface ContractEvent {
  name: string;
  data: unknown;
}

export type ExecutionStatus = 'success' | 'reverted' | 'out-of-gas';

export interface ExecutionResult {
  status: ExecutionStatus;
  gasUsed: number;
  returnValue?: unknown;
  revertReason?: string;
  /** key -> new JSON text, or null for a delete. Empty unless status is success. */
  storageWrites: Map<string, string | null>;
  transfers: Transfer[];
  events: ContractEvent[];
}

export interface PreparedContract {
  code: string;
  exports: string[];
}

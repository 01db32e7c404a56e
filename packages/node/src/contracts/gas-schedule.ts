/**
 * Gas prices and resource caps. Consensus-critical: changing any number here
 * changes every node's gas figures and therefore needs a coordinated upgrade.
 *
 * One gas is roughly a few nanoseconds of QuickJS interpreter time on the
 * reference machine; prices for native work are set so that the gas charged
 * before a built-in runs covers its worst case, not its typical case.
 */
export const GAS = {
  /** Charged on every function entry, plus one per AST node of the body. */
  callBase: 4,
  /** Charged on every loop iteration, plus one per AST node of the loop. */
  loopBase: 2,
  /** Native work on strings: one gas per this many code units. */
  charsPerGas: 16,
  /** Native work on arrays and typed arrays: gas per element visited. */
  perElement: 2,
  /** Fixed part of every wrapped built-in call. */
  builtinBase: 2,
  /** JSON.stringify: per value visited (the replacer hook counts them). */
  jsonPerValue: 8,
  /** RegExp: fixed part of each exec, then per 10,000 matcher steps (one QuickJS poll). */
  regexBase: 20,
  regexPerPoll: 60_000,
  /** Host calls. */
  hostBase: 100,
  storageReadBase: 200,
  storageWriteBase: 1_000,
  storageDeleteBase: 300,
  /** Per byte of key and value crossing the host boundary (UTF-16 code units). */
  storagePerByte: 4,
  eventBase: 200,
  eventPerByte: 2,
  transferBase: 2_000,
  nestedCallBase: 5_000,
} as const;

export const LIMITS = {
  memoryBytes: 32 * 1024 * 1024,
  /**
   * QuickJS stack for a top-level call; each nested call gets half its
   * caller's. Every QuickJS frame also uses Node's native stack, and measured
   * here 1 MiB of QuickJS stack overflowed Node's first (aborting the wasm
   * module), so the sum over all nesting levels stays at a quarter of that.
   */
  maxStackBytes: 128 * 1024,
  /**
   * Longest string any metered path may produce (concatenation, built-ins,
   * JSON). Comparing or hashing a string is native O(length) work charged as
   * one operation, so this cap bounds how underpriced such an operation can be.
   */
  maxStringLength: 64 * 1024,
  /** Longest array or typed array a metered built-in may create or visit. */
  maxArrayLength: 1 << 22,
  maxStorageKeyLength: 256,
  maxStorageValueLength: 64 * 1024,
  maxEventNameLength: 64,
  maxEventDataLength: 16 * 1024,
  maxRevertReasonLength: 256,
  maxCallDepth: 2,
  /**
   * Kill switch only: QuickJS polls the interrupt handler about every 10,000
   * jumps/calls. Honest code charges far more than `1 / killPollsPerGas` gas
   * per poll, so the counter always runs out first; the count is
   * deterministic, and if it ever fires the call is out-of-gas with the whole
   * limit consumed.
   */
  killPollsPerGas: 1 / 8,
  killPollsBase: 64,
} as const;

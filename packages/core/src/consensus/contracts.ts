import { reject } from './errors.js';
import { CONTRACT_LIMITS, type ConsensusParams } from './params.js';
import { keccak256 } from '../crypto/hash.js';
import { BufferWriter } from '../encoding/writer.js';
import { equalBytes } from '../encoding/bytes.js';
import { jsonDepth } from '../encoding/json-depth.js';
import { ZERO_ADDRESS } from '../primitives/address.js';
import type { TransferTx } from '../primitives/transaction.js';

/**
 * Contract transactions are ordinary transfers whose `data` is a contract
 * payload (UTF-8 JSON, see docs/consensus.md). The VM itself is not part of
 * core: applyBlock hands each contract transaction to a ContractExecutor,
 * which the node implements with the QuickJS engine. Core owns everything
 * around it: payload rules, gas limits, fees and refunds, balances, the
 * storage workspace and the state commitment.
 */

export interface DeployPayload {
  type: 'deploy';
  /** Contract source (an ES module); the executor validates and instruments it. */
  code: string;
  init: unknown[];
  gasLimit: number;
  gasPrice: bigint;
}

export interface CallPayload {
  type: 'call';
  fn: string;
  args: unknown[];
  gasLimit: number;
  gasPrice: bigint;
}

export type ContractPayload = DeployPayload | CallPayload;

const DEPLOY_KEYS = ['code', 'gasLimit', 'gasPrice', 'init', 'type'];
const CALL_KEYS = ['args', 'fn', 'gasLimit', 'gasPrice', 'type'];
/**
 * Parsed payloads are reused across the passes a block or a template makes over its transactions
 * (sanity, gas budget, execution). The cache is bounded, not per transaction: parsed JSON can take
 * ~21x its encoded size (64 KB of `[{},{},…]` is ~1.4 MB of heap), and a per-transaction cache lived
 * as long as anything held the transaction (the mempool, the nonce-gap pool), outside every byte
 * bound they count. A miss just parses again; the bound holds about half a block's payloads.
 */
const PAYLOAD_CACHE_ENTRIES = 256;
const PAYLOAD_CACHE_BYTES = 1024 * 1024;
const payloadCache = new Map<TransferTx, ContractPayload>();
let payloadCacheBytes = 0;

function cachePayload(tx: TransferTx, payload: ContractPayload): void {
  payloadCache.set(tx, payload);
  payloadCacheBytes += tx.data.length;
  // Insertion order is least recently used first: hits are moved to the end.
  for (const [old] of payloadCache) {
    if (payloadCache.size <= PAYLOAD_CACHE_ENTRIES && payloadCacheBytes <= PAYLOAD_CACHE_BYTES) break;
    payloadCache.delete(old);
    payloadCacheBytes -= old.data.length;
  }
}

function cachedPayload(tx: TransferTx): ContractPayload | undefined {
  const hit = payloadCache.get(tx);
  if (hit) {
    payloadCache.delete(tx);
    payloadCache.set(tx, hit);
  }
  return hit;
}
// Available in every runtime core targets; core's lib (ES2022) just does not declare it.
declare const TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
const decoder = new TextDecoder('utf-8', { fatal: true });

function bad(detail: string): never {
  reject('bad-txns-contract-payload', detail);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a string is well-formed UTF-16 (no lone surrogate). JSON escapes such as "\ud800" make
 * lone surrogates out of valid UTF-8; UTF-8 cannot hold one (TextEncoder writes U+FFFD), so a
 * string stored as UTF-8 and read back would differ from the one a node kept in memory.
 */
export function isWellFormedUnicode(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** True when the transfer carries a contract payload (non-empty data). Plain transfers have empty data. */
export function isContractTx(tx: TransferTx): boolean {
  return tx.data.length > 0;
}

/**
 * Parses and checks a contract payload without chain state. Rejections:
 * `bad-txns-contract-payload` (shape, recipient, a deploy's code with a lone
 * surrogate), `bad-txns-contract-gas`
 * (limit out of range or below the intrinsic gas), `bad-txns-contract-fee`
 * (fee ≠ gasLimit × gasPrice), `bad-txns-contract-args-too-deep` (nesting,
 * measured on the text before it is parsed) and `bad-txns-contract-source-size`
 * (CONTRACT_LIMITS).
 */
export function contractPayload(tx: TransferTx, params: ConsensusParams): ContractPayload {
  const cached = cachedPayload(tx);
  if (cached) return cached;
  let text: string;
  try {
    text = decoder.decode(tx.data);
  } catch {
    bad('data is not UTF-8');
  }
  // The payload object is one level; only args/init may nest below it.
  const depth = jsonDepth(text);
  if (depth > 1 + CONTRACT_LIMITS.maxArgsDepth) {
    reject('bad-txns-contract-args-too-deep', `payload nests ${depth} levels, arguments may nest ${CONTRACT_LIMITS.maxArgsDepth}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    bad('data is not JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('payload must be a JSON object');
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  const expected = o.type === 'deploy' ? DEPLOY_KEYS : o.type === 'call' ? CALL_KEYS : null;
  if (!expected) bad('type must be "deploy" or "call"');
  if (keys.length !== expected.length || keys.some((k, i) => k !== expected[i])) {
    bad(`a ${String(o.type)} payload has exactly the fields ${expected.join(', ')}`);
  }
  const gasLimit = o.gasLimit;
  if (typeof gasLimit !== 'number' || !Number.isSafeInteger(gasLimit) || gasLimit <= 0) bad('gasLimit must be a positive integer');
  if (gasLimit > params.maxTxGas) reject('bad-txns-contract-gas', `gasLimit ${gasLimit} above ${params.maxTxGas}`);
  if (typeof o.gasPrice !== 'string' || !/^(0|[1-9]\d{0,19})$/.test(o.gasPrice)) bad('gasPrice must be a decimal string');
  const gasPrice = BigInt(o.gasPrice);
  let payload: ContractPayload;
  if (o.type === 'deploy') {
    if (typeof o.code !== 'string' || o.code.length === 0) bad('code must be a non-empty string');
    if (o.code.length > CONTRACT_LIMITS.maxSourceLength) {
      reject('bad-txns-contract-source-size', `source of ${o.code.length} characters, at most ${CONTRACT_LIMITS.maxSourceLength}`);
    }
    // The code is stored as UTF-8 and read back after a restart: it must survive the round trip.
    if (!isWellFormedUnicode(o.code)) bad('code is not well-formed Unicode (lone surrogate)');
    if (!Array.isArray(o.init)) bad('init must be an array');
    if (!equalBytes(tx.to, ZERO_ADDRESS)) bad('a deploy is sent to the zero address');
    payload = { type: 'deploy', code: o.code, init: o.init, gasLimit, gasPrice };
  } else {
    if (typeof o.fn !== 'string' || !/^[A-Za-z_$][\w$]{0,63}$/.test(o.fn)) bad('fn must be a function name');
    if (!Array.isArray(o.args)) bad('args must be an array');
    if (equalBytes(tx.to, ZERO_ADDRESS)) bad('a call is sent to the contract address, not the zero address');
    payload = { type: 'call', fn: o.fn, args: o.args, gasLimit, gasPrice };
  }
  if (tx.fee !== BigInt(gasLimit) * gasPrice) {
    reject('bad-txns-contract-fee', `fee must be gasLimit × gasPrice = ${BigInt(gasLimit) * gasPrice}, is ${tx.fee}`);
  }
  const intrinsic = intrinsicGas(tx, params, payload);
  if (gasLimit < intrinsic) reject('bad-txns-contract-gas', `gasLimit ${gasLimit} below the intrinsic gas ${intrinsic}`);
  cachePayload(tx, payload);
  return payload;
}

/**
 * Gas charged before any code runs: a base, a price per byte of payload, and for a deploy a
 * price per character of its source. Preparing a source costs thousands of times what 16 gas a
 * byte paid for: a block of large deploys that ran out of gas at once took each node seconds.
 */
export function intrinsicGas(tx: Pick<TransferTx, 'data'>, params: ConsensusParams, payload: Pick<DeployPayload, 'type' | 'code'> | Pick<CallPayload, 'type'>): number {
  const source = payload.type === 'deploy' ? payload.code.length * params.contractDeployGasPerSourceChar : 0;
  return params.contractTxBaseGas + tx.data.length * params.contractDataGasPerByte + source;
}

/** The address of a contract: the last 20 bytes of keccak256(deployer ‖ nonce u64 LE). */
export function contractAddress(deployer: Uint8Array, nonce: bigint): Uint8Array {
  return keccak256(new BufferWriter(28).fixed(deployer, 20).u64(nonce).finish()).slice(12);
}

/** What contract code sees of the chain while a block is applied (in-block values). */
export interface ContractView {
  /** Balance of an address (lowercase hex key) as of this point in the block. */
  balanceOf(addressKey: string): bigint;
  /** JSON text stored under `key` in a contract, or undefined. */
  storageGet(addressKey: string, key: string): string | undefined;
  /** Instrumented code deployed at an address, or undefined. */
  codeOf(addressKey: string): string | undefined;
}

export interface ContractCall {
  kind: 'deploy' | 'call';
  contract: Uint8Array;
  sender: Uint8Array;
  /** msg.value: the transfer's amount, credited to the contract only on success. */
  value: bigint;
  /** For a deploy: the source from the payload; the executor prepares it. For a call: the stored code. */
  code: string;
  fn: string;
  args: unknown[];
  /** Gas left for execution (gasLimit − intrinsic gas). */
  gasLimit: number;
  block: { height: number; time: number };
}

export type ContractStatus = 'success' | 'reverted' | 'out-of-gas';

export interface ContractOutcome {
  status: ContractStatus;
  /** Execution gas used, ≤ the call's gasLimit (intrinsic gas not included). */
  gasUsed: number;
  returnValue?: unknown;
  revertReason?: string;
  /** Deploy success: the instrumented code to store. */
  code?: string;
  /** Empty unless success. */
  storageWrites: Map<string, string | null>;
  transfers: { to: Uint8Array; amount: bigint }[];
  events: { name: string; data: unknown }[];
}

/** The VM, as core sees it: deterministic, synchronous, read-only on the view. */
export interface ContractExecutor {
  /**
   * The VM's static rules on a payload (for a deploy: the source's size,
   * nesting and exports), without chain state. Throws a RuleError, and
   * nothing else, for a transaction no block may contain; the mempool runs
   * the same check at admission.
   */
  checkPayload?(payload: ContractPayload): void;
  execute(call: ContractCall, view: ContractView): ContractOutcome;
}

export interface Receipt {
  status: ContractStatus;
  /** Total gas charged, intrinsic gas included; the fee paid is gasUsed × gasPrice. */
  gasUsed: number;
  gasPrice: bigint;
  contract: Uint8Array;
  returnValue?: unknown;
  revertReason?: string;
  events: { name: string; data: unknown }[];
  /** Coins the contract paid out during a successful call ("internal transactions"); absent when none. */
  transfers?: { to: Uint8Array; amount: bigint }[];
}

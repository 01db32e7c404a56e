import {
  addressKey,
  CandidateFailure,
  assembleBlockState,
  computeMerkleRoot,
  contractPayload,
  decodeCompact,
  isContractTx,
  txId,
  txSender,
  type AssembledState,
  type BlockHeader,
  type CoinbaseTx,
  type ConsensusParams,
  type Transaction,
  type TransferTx,
} from '@hackcoin/core';
import { performance } from 'node:perf_hooks';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { Mempool } from '../mempool/mempool.js';
import { CandidateExecutor, storageFailure } from './candidate-executor.js';

export interface BlockTemplate {
  parent: ChainEntry;
  height: number;
  header: BlockHeader;
  coinbase: CoinbaseTx;
  txs: Transaction[];
  target: bigint;
  fees: bigint;
  createdAt: number;
  /** The mempool's version when its transactions were selected (Mempool.version). */
  mempoolVersion: number;
  /** Until then (Date.now()) a change to the mempool does not call for assembling again (see ASSEMBLY_DUTY); retimed templates keep it. */
  keepUntil: number;
  /** For a retarget window's first block, the earliest time BIP94 allows it (its parent's time less maxTimewarp). */
  timewarpFloor?: number;
}

/** Coinbase and header bytes reserved for the block's fixed parts when filling it. */
export const TEMPLATE_RESERVED_BYTES = 1_000;

/**
 * A block ready for proof of work: the best-paying valid mempool transactions
 * on top of the current tip, the coinbase paying subsidy plus fees to
 * `miner`, and the state root the coinbase must commit to.
 */
export async function createTemplate(
  chain: Chain,
  mempool: Mempool,
  miner: Uint8Array,
  extra: Uint8Array,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<BlockTemplate> {
  const { params } = chain;
  const parent = chain.tip;
  const height = parent.height + 1;
  const mempoolVersion = mempool.version;
  const started = performance.now();
  let state: AssembledState | undefined;
  const failed: { tx: TransferTx; why: string }[] = [];
  // Each failure evicts a transaction, but transactions keep arriving while a template is
  // assembled (one that fails can be relayed again in a new form at no cost, as it is never
  // mined): bounded, so that mining always gets work (see MAX_CANDIDATE_FAILURES).
  for (let failures = 0; !state; ) {
    const scope = failures < MAX_CANDIDATE_FAILURES ? 'all' : failures < 2 * MAX_CANDIDATE_FAILURES ? 'transfers' : 'none';
    try {
      state = await assemble(chain, mempool, miner, parent, height, scope, failed);
    } catch (e) {
      if (!(e instanceof CandidateFailure)) throw e;
      // A storage error is the node's fault, not the transaction's: evicting would empty the mempool.
      const storage = storageFailure(e.cause);
      if (storage !== undefined) throw storage;
      failed.push({ tx: e.tx, why: e.message });
      failures++;
    }
    // Evicted (and remembered, so not admitted again) before anything is assembled again.
    for (const f of failed.splice(0)) await mempool.evictFailed(f.tx, f.why);
  }
  // Accounts and contract state are read at the tip of the moment: a block connected while they were
  // read would leave a state root over the wrong base (a block every node refuses, bad-state-root).
  // The chain writes a contract block's storage to LevelDB before it moves its tip (there is no
  // in-flight view of contract state), and assembly runs synchronously while that write lands on
  // LevelDB's thread: what assembly read on demand then mixed the block's storage and accounts with
  // its parent's, and the tip had not yet moved. Waiting for the block being processed lets the
  // check see every block whose state assembly may have read.
  await chain.drain();
  if (chain.tip !== parent) return createTemplate(chain, mempool, miner, extra, nowSeconds);
  const coinbase: CoinbaseTx = {
    kind: 'coinbase',
    chainId: params.chainId,
    height,
    to: miner,
    amount: state.reward,
    stateRoot: state.stateRoot,
    extra,
  };
  const txs: Transaction[] = [coinbase, ...state.included];
  const bits = chain.nextBits(parent);
  const floor = timewarpFloor(params, parent);
  return {
    parent,
    height,
    header: {
      version: params.blockVersion,
      prevHash: parent.hash,
      merkleRoot: computeMerkleRoot(txs),
      time: Math.max(nowSeconds, earliestTime(chain, parent)),
      bits,
      nonce: 0,
    },
    coinbase,
    txs,
    target: decodeCompact(bits).target,
    fees: state.fees,
    createdAt: Date.now(),
    mempoolVersion,
    keepUntil: declaredGas(state.included, params) >= SLOW_TEMPLATE_GAS ? Date.now() + ASSEMBLY_DUTY * (performance.now() - started) : 0,
    ...(floor !== undefined ? { timewarpFloor: floor } : {}),
  };
}

/**
 * The earliest time the child of `parent` may carry: after the median of the last eleven and, as
 * the first block of a retarget window, at most maxTimewarp before its parent (BIP94, as Core's
 * getblocktemplate mintime). A parent stamped well ahead of our clock at the end of a window
 * otherwise had every miner here work on blocks the node itself refuses (time-timewarp-attack).
 */
export function earliestTime(chain: Pick<Chain, 'medianTimePast' | 'params'>, parent: ChainEntry): number {
  const afterMedian = chain.medianTimePast(parent) + 1;
  const floor = timewarpFloor(chain.params, parent);
  return floor === undefined ? afterMedian : Math.max(afterMedian, floor);
}

function timewarpFloor(params: ConsensusParams, parent: ChainEntry): number | undefined {
  const height = parent.height + 1;
  if (params.noRetargeting || height % params.retargetInterval !== 0) return undefined;
  return parent.header.time - params.maxTimewarp;
}

/**
 * Assembly runs every contract call a template holds, at up to the block's gas (seconds of CPU), and
 * any change to the mempool called for it again at the next refresh: one transaction paying the
 * minimum fee every 10 s had every mining node run 200M gas of others' calls that often. A template
 * whose contract transactions declare SLOW_TEMPLATE_GAS or more is kept through mempool changes
 * (retimed, as when nothing changed) for ASSEMBLY_DUTY times as long as it took to assemble, so new
 * transactions cost at most about a tenth of a core in assembly; a new tip is assembled at once.
 */
const SLOW_TEMPLATE_GAS = 10_000_000;
const ASSEMBLY_DUTY = 10;

function declaredGas(txs: readonly TransferTx[], params: ConsensusParams): number {
  let gas = 0;
  for (const tx of txs) if (isContractTx(tx)) gas += contractPayload(tx, params).gasLimit;
  return gas;
}

/** Whether `t` may be retimed instead of assembled again: built on the current tip, from the mempool as it is now or kept (keepUntil). */
export function stillCurrent(t: BlockTemplate, chain: Pick<Chain, 'tip'>, mempool: Pick<Mempool, 'version'>, now: number = Date.now()): boolean {
  return t.parent === chain.tip && (t.mempoolVersion === mempool.version || now < t.keepUntil);
}

/**
 * The same block with a new time and coinbase extra (Core's getblocktemplate refreshes curtime
 * the same way): fresh work without assembling again. Neither enters the state root (contracts
 * see the parent's time), so the template's transactions, fees and root stay valid.
 */
export function retimeTemplate(t: BlockTemplate, chain: Chain, extra: Uint8Array, nowSeconds: number = Math.floor(Date.now() / 1000)): BlockTemplate {
  const coinbase: CoinbaseTx = { ...t.coinbase, extra };
  const txs: Transaction[] = [coinbase, ...t.txs.slice(1)];
  return {
    ...t,
    header: { ...t.header, merkleRoot: computeMerkleRoot(txs), time: Math.max(nowSeconds, earliestTime(chain, t.parent)), nonce: 0 },
    coinbase,
    txs,
    createdAt: Date.now(),
  };
}

/**
 * Rounds of assembly a template may take to refill what assembly left out (a transaction the
 * state no longer lets apply, e.g. one a block just confirmed): each round executes every
 * contract call again, so the count is small.
 */
const MAX_ASSEMBLY_ROUNDS = 3;

/**
 * Candidate failures (CandidateFailure: a non-rule error assembly could not skip by itself) one
 * template handles by assembling again with every transaction; as many more, with plain
 * transfers only (no contract call is run); past that, with none. Each failure evicts a
 * transaction, and each new round runs every contract call before the failing one again: two
 * failing transactions relayed in turn while a template was assembled kept it from ever being
 * finished, the miner hashing stale work meanwhile (35 rounds, 480M gas for 10 relays).
 */
export const MAX_CANDIDATE_FAILURES = 3;

/** Which candidates an assembly takes: all, plain transfers only, or none (a coinbase-only block, which cannot fail). */
type AssemblyScope = 'all' | 'transfers' | 'none';

async function assemble(
  chain: Chain,
  mempool: Mempool,
  miner: Uint8Array,
  parent: ChainEntry,
  height: number,
  scope: AssemblyScope,
  failed: { tx: TransferTx; why: string }[],
): Promise<AssembledState> {
  const { params } = chain;
  const maxTxs = params.maxBlockTxs - 1;
  const maxBytes = params.maxBlockSize - TEMPLATE_RESERVED_BYTES;
  const skipped = new Set<string>();
  let candidates = scope === 'none' ? [] : mempool.select(maxTxs, maxBytes);
  for (let round = 1; ; round++) {
    const state = await assembleOnce(chain, candidates, miner, parent, height, scope === 'all', failed);
    if (state.included.length === candidates.length || round === MAX_ASSEMBLY_ROUNDS) return state;
    // What assembly left out spent select's budget for nothing: choose again without it.
    const included = new Set(state.included);
    for (const tx of candidates) if (!included.has(tx)) skipped.add(txId(tx));
    const refilled = mempool.select(maxTxs, maxBytes, skipped);
    if (refilled.length === state.included.length && refilled.every((tx) => included.has(tx))) return state;
    candidates = refilled;
  }
}

/**
 * One assembly of `candidates`; contract transactions only with `withContracts` (without, they are
 * left out as over the block's gas would be). Contract transactions whose execution failed other
 * than by rule are left out as well and added to `failed` (see CandidateExecutor).
 */
async function assembleOnce(
  chain: Chain,
  candidates: TransferTx[],
  miner: Uint8Array,
  parent: ChainEntry,
  height: number,
  withContracts: boolean,
  failed: { tx: TransferTx; why: string }[],
): Promise<AssembledState> {
  const { params } = chain;
  const backend = chain.backendForTemplates;
  const keys = new Set<string>([addressKey(miner)]);
  for (const tx of candidates) {
    keys.add(addressKey(txSender(tx, backend)));
    keys.add(addressKey(tx.to));
  }
  const executor = withContracts && candidates.some((tx) => tx.data.length > 0) ? new CandidateExecutor(await chain.executor()) : undefined;
  const contracts = executor ? { executor, state: chain.contracts, time: parent.header.time } : undefined;
  const load = await chain.accountReader([...keys]);
  const state = assembleBlockState(candidates, height, { root: parent.stateRoot, nodes: chain.stateNodes }, miner, load, params, backend, contracts);
  if (executor) failed.push(...executor.failures(candidates, state.included, backend));
  return state;
}

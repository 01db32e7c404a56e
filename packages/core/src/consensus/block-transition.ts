import { reject, RuleError } from './errors.js';
import type { ConsensusParams } from './params.js';
import { blockSubsidy } from './subsidy.js';
import { checkTransferSignature, transferSender, applyTransfer, checkTransferSanity } from './tx-rules.js';
import { equalBytes } from '../encoding/bytes.js';
import type { Block } from '../primitives/block.js';
import { txSender, type TransferTx } from '../primitives/transaction.js';
import type { SignatureBackend } from '../crypto/keys.js';
import { addressKey } from '../state/commitment.js';
import { commitState } from '../state/state-tree.js';
import { TreeWriter, type CreatedNodes, type TrieNodeReader } from '../state/smt.js';
import { StateWorkspace } from '../state/workspace.js';
import type { Account } from '../state/account.js';
import { ContractWorkspace } from '../state/contract-workspace.js';
import { contractAddress, contractPayload, type Receipt } from './contracts.js';
import { applyContractTx, type ContractContext } from './contract-tx.js';
import { U64_MAX } from '../encoding/writer.js';

const NO_CONTRACT_STATE = { storageGet: () => undefined, codeOf: () => undefined };

/** The committed state a block builds on: its root and the store holding the tree's nodes. */
export interface StateBase {
  root: Uint8Array;
  nodes: TrieNodeReader;
}

export interface BlockTransition {
  fees: bigint;
  stateRoot: Uint8Array;
  /** State-tree nodes the block created, to store with the block. */
  trieNodes: CreatedNodes;
  changes: Map<string, { address: Uint8Array; account: Account }>;
  previous: Map<string, Account | null>;
  /** Contract code and storage the block changed (empty for a block without contract transactions). */
  contracts: ContractWorkspace;
  /** Receipts of the block's contract transactions, by transaction index. */
  receipts: Map<number, Receipt>;
}

function noExecutor(): never {
  throw new Error('block has contract transactions but no contract executor was given');
}

/**
 * Verifies every transfer's signature and returns the address keys the block
 * touches, so the caller can batch-load those accounts before applyBlock.
 * Every sender is derived before any signature is checked (the order
 * blockAccounts then checkBlockSignatures gives), so every path names the
 * same first failure.
 */
export function blockAccountKeys(block: Block, backend: SignatureBackend): string[] {
  const accounts = blockAccounts(block, backend);
  checkBlockSignatures(block, backend);
  return [...accounts.keys()];
}

/**
 * The accounts a block touches, by address key. Deriving each sender rejects
 * a public key that is not a point ('bad-txns-sig'); signatures are left to
 * checkBlockSignatures, so a caller can start reading the accounts while they
 * are checked.
 */
export function blockAccounts(block: Block, backend: SignatureBackend): Map<string, Uint8Array> {
  const accounts = new Map<string, Uint8Array>();
  const add = (address: Uint8Array) => accounts.set(addressKey(address), address);
  for (const tx of block.txs) {
    if (tx.kind === 'transfer') {
      const sender = transferSender(tx, backend);
      add(sender);
      // A deploy creates the account at its contract address. Accounts that
      // contract code pays are not known in advance: the node loads them on demand.
      if (tx.data.length > 0 && tx.to.every((b) => b === 0)) add(contractAddress(sender, tx.nonce));
    }
    add(tx.to);
  }
  return accounts;
}

/** Rejects 'bad-txns-sig' at the first transfer whose signature does not verify. */
export function checkBlockSignatures(block: Block, backend: SignatureBackend): void {
  for (const tx of block.txs) if (tx.kind === 'transfer') checkTransferSignature(tx, backend);
}

/**
 * The state transition of a whole block: transfers in order, then the
 * coinbase credit (at most subsidy + fees), then the state commitment, which
 * must equal the one the coinbase carries. Signatures must already have been
 * checked by blockAccountKeys.
 */
export function applyBlock(
  block: Block,
  height: number,
  prev: StateBase,
  load: (key: string) => Account | undefined,
  params: ConsensusParams,
  backend: SignatureBackend,
  contracts?: ContractContext,
): BlockTransition {
  return commitTransition(transitionBlock(block, height, load, params, backend, contracts), prev);
}

/** A block's account and contract changes before the state commitment: applyBlock's first half. */
export interface UncommittedTransition {
  fees: bigint;
  changes: Map<string, { address: Uint8Array; account: Account }>;
  previous: Map<string, Account | null>;
  contracts: ContractWorkspace;
  receipts: Map<number, Receipt>;
  /** The state root the coinbase commits to. */
  claimedRoot: Uint8Array;
}

/** applyBlock up to the state commitment (kept apart so a node can account for the root's cost). */
export function transitionBlock(
  block: Block,
  height: number,
  load: (key: string) => Account | undefined,
  params: ConsensusParams,
  backend: SignatureBackend,
  contracts?: ContractContext,
): UncommittedTransition {
  const coinbase = block.txs[0];
  if (!coinbase || coinbase.kind !== 'coinbase') reject('bad-cb-missing');
  if (coinbase.height !== height) reject('bad-cb-height', `coinbase says ${coinbase.height}, block is at ${height}`);
  const ws = new StateWorkspace(load);
  const cws = new ContractWorkspace(contracts?.state ?? NO_CONTRACT_STATE);
  const receipts = new Map<number, Receipt>();
  const info = { height, time: contracts?.time ?? 0 };
  let fees = 0n;
  let gas = 0;
  for (let i = 1; i < block.txs.length; i++) {
    const tx = block.txs[i] as TransferTx;
    if (tx.data.length === 0) {
      const sender = ws.get(txSender(tx, backend));
      applyTransfer(tx, sender, ws.get(tx.to));
      fees += tx.fee;
      continue;
    }
    gas += contractPayload(tx, params).gasLimit;
    if (gas > params.maxBlockGas) reject('bad-blk-gas', `contract gas limits exceed ${params.maxBlockGas}`);
    const r = applyContractTx(tx, txSender(tx, backend), ws, cws, contracts?.executor ?? noExecutor(), params, info);
    receipts.set(i, r.receipt);
    fees += r.fee;
  }
  const maxReward = blockSubsidy(height, params) + fees;
  if (coinbase.amount > maxReward) reject('bad-cb-amount', `pays ${coinbase.amount}, allowed ${maxReward}`);
  const miner = ws.get(coinbase.to);
  // A balance is a u64: a credit past it is a rule, not a failure of the state commitment.
  if (miner.balance + coinbase.amount > U64_MAX) reject('bad-cb-amount', `pays ${coinbase.amount}, the recipient's balance would exceed 2^64 - 1`);
  miner.balance += coinbase.amount;
  return { fees, changes: ws.changes(), previous: ws.previous(), contracts: cws, receipts, claimedRoot: coinbase.stateRoot };
}

/** applyBlock's second half: the state root of the changes over `prev`, which must be the one the coinbase claims. */
export function commitTransition(t: UncommittedTransition, prev: StateBase): BlockTransition {
  const writer = new TreeWriter(prev.nodes);
  const stateRoot = commitState(writer, prev.root, t.changes, t.contracts);
  if (!equalBytes(stateRoot, t.claimedRoot)) reject('bad-state-root');
  return { fees: t.fees, stateRoot, trieNodes: writer.created, changes: t.changes, previous: t.previous, contracts: t.contracts, receipts: t.receipts };
}

/**
 * A candidate transaction failed during template assembly with something
 * other than a rule violation (a host error, a bug): the caller must leave
 * it out, like Bitcoin Core's CreateNewBlock does, and assemble again, since
 * the workspace may hold a partial change.
 */
export class CandidateFailure extends Error {
  override name = 'CandidateFailure';
  constructor(
    readonly tx: TransferTx,
    override readonly cause: unknown,
  ) {
    super(`candidate transaction failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export interface AssembledState {
  included: TransferTx[];
  fees: bigint;
  reward: bigint;
  stateRoot: Uint8Array;
  /** State-tree nodes under stateRoot that the parent's tree lacks. */
  trieNodes: CreatedNodes;
}

/**
 * Template assembly: applies candidate transfers in the given order, skipping
 * any that no longer apply, then credits the miner and computes the state root
 * the coinbase must carry. Accounts for every candidate must be preloaded.
 * `reward` is subsidy + fees, less whatever would lift the miner's balance past 2^64 − 1.
 */
export function assembleBlockState(
  candidates: readonly TransferTx[],
  height: number,
  prev: StateBase,
  miner: Uint8Array,
  load: (key: string) => Account | undefined,
  params: ConsensusParams,
  backend: SignatureBackend,
  contracts?: ContractContext,
): AssembledState {
  const ws = new StateWorkspace(load);
  const cws = new ContractWorkspace(contracts?.state ?? NO_CONTRACT_STATE);
  const included: TransferTx[] = [];
  let fees = 0n;
  let gas = 0;
  for (const tx of candidates) {
    let snap: Map<string, Account | undefined> | undefined;
    try {
      const from = txSender(tx, backend);
      snap = ws.snapshot([from, tx.to]);
      checkTransferSanity(tx, params);
      if (tx.data.length === 0) {
        const sender = ws.get(from);
        applyTransfer(tx, sender, ws.get(tx.to));
        fees += tx.fee;
      } else {
        // Without an executor (or over the block's gas) a contract transaction simply waits.
        if (!contracts) continue;
        const limit = contractPayload(tx, params).gasLimit;
        if (gas + limit > params.maxBlockGas) continue;
        fees += applyContractTx(tx, from, ws, cws, contracts.executor, params, { height, time: contracts.time }).fee;
        gas += limit;
      }
      included.push(tx);
    } catch (e) {
      if (!(e instanceof RuleError)) throw new CandidateFailure(tx, e);
      if (snap) ws.restore(snap);
    }
  }
  // The coinbase may pay less than allowed: it claims only what the miner's u64 balance can hold.
  const minerAccount = ws.get(miner);
  const allowed = blockSubsidy(height, params) + fees;
  const room = U64_MAX - minerAccount.balance;
  const reward = allowed < room ? allowed : room;
  minerAccount.balance += reward;
  const writer = new TreeWriter(prev.nodes);
  const stateRoot = commitState(writer, prev.root, ws.changes(), cws);
  return { included, fees, reward, stateRoot, trieNodes: writer.created };
}

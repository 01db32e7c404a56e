import { reject, RuleError } from './errors.js';
import type { ConsensusParams } from './params.js';
import { blockSubsidy } from './subsidy.js';
import { checkTransferSignature, applyTransfer, checkTransferSanity } from './tx-rules.js';
import { equalBytes } from '../encoding/bytes.js';
import type { Block } from '../primitives/block.js';
import { txSender, type TransferTx } from '../primitives/transaction.js';
import type { SignatureBackend } from '../crypto/keys.js';
import { addressKey, nextStateRoot } from '../state/commitment.js';
import { StateWorkspace } from '../state/workspace.js';
import type { Account } from '../state/account.js';

export interface BlockTransition {
  fees: bigint;
  stateRoot: Uint8Array;
  changes: Map<string, { address: Uint8Array; account: Account }>;
  previous: Map<string, Account | null>;
}

/**
 * Verifies every transfer's signature and returns the address keys the block
 * touches, so the caller can batch-load those accounts before applyBlock.
 */
export function blockAccountKeys(block: Block, backend: SignatureBackend): string[] {
  const keys = new Set<string>();
  for (const tx of block.txs) {
    if (tx.kind === 'transfer') keys.add(addressKey(checkTransferSignature(tx, backend)));
    keys.add(addressKey(tx.to));
  }
  return [...keys];
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
  prevStateRoot: Uint8Array,
  load: (key: string) => Account | undefined,
  params: ConsensusParams,
  backend: SignatureBackend,
): BlockTransition {
  const coinbase = block.txs[0];
  if (!coinbase || coinbase.kind !== 'coinbase') reject('bad-cb-missing');
  if (coinbase.height !== height) reject('bad-cb-height', `coinbase says ${coinbase.height}, block is at ${height}`);
  const ws = new StateWorkspace(load);
  let fees = 0n;
  for (let i = 1; i < block.txs.length; i++) {
    const tx = block.txs[i] as TransferTx;
    const sender = ws.get(txSender(tx, backend));
    applyTransfer(tx, sender, ws.get(tx.to));
    fees += tx.fee;
  }
  const maxReward = blockSubsidy(height, params) + fees;
  if (coinbase.amount > maxReward) reject('bad-cb-amount', `pays ${coinbase.amount}, allowed ${maxReward}`);
  ws.get(coinbase.to).balance += coinbase.amount;
  const stateRoot = nextStateRoot(prevStateRoot, height, ws.changes());
  if (!equalBytes(stateRoot, coinbase.stateRoot)) reject('bad-state-root');
  return { fees, stateRoot, changes: ws.changes(), previous: ws.previous() };
}

export interface AssembledState {
  included: TransferTx[];
  fees: bigint;
  reward: bigint;
  stateRoot: Uint8Array;
}

/**
 * Template assembly: applies candidate transfers in the given order, skipping
 * any that no longer apply, then credits the miner and computes the state root
 * the coinbase must carry. Accounts for every candidate must be preloaded.
 */
export function assembleBlockState(
  candidates: readonly TransferTx[],
  height: number,
  prevStateRoot: Uint8Array,
  miner: Uint8Array,
  load: (key: string) => Account | undefined,
  params: ConsensusParams,
  backend: SignatureBackend,
): AssembledState {
  const ws = new StateWorkspace(load);
  const included: TransferTx[] = [];
  let fees = 0n;
  for (const tx of candidates) {
    const from = txSender(tx, backend);
    const snap = ws.snapshot([from, tx.to]);
    try {
      checkTransferSanity(tx, params);
      const sender = ws.get(from);
      applyTransfer(tx, sender, ws.get(tx.to));
      included.push(tx);
      fees += tx.fee;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      ws.restore(snap);
    }
  }
  const reward = blockSubsidy(height, params) + fees;
  ws.get(miner).balance += reward;
  return { included, fees, reward, stateRoot: nextStateRoot(prevStateRoot, height, ws.changes()) };
}

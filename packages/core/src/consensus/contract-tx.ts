import { reject } from './errors.js';
import type { ConsensusParams } from './params.js';
import {
  contractAddress,
  contractPayload,
  intrinsicGas,
  type ContractExecutor,
  type ContractOutcome,
  type ContractView,
  type Receipt,
} from './contracts.js';
import { hexToBytes } from '../encoding/bytes.js';
import { formatHck } from '../primitives/amount.js';
import type { TransferTx } from '../primitives/transaction.js';
import { addressKey } from '../state/commitment.js';
import type { ContractStateBase, ContractWorkspace } from '../state/contract-workspace.js';
import type { StateWorkspace } from '../state/workspace.js';

export interface ContractContext {
  executor: ContractExecutor;
  /** Committed contract code and storage (before the block). */
  state: ContractStateBase;
  /**
   * `block.time` as contracts see it: the timestamp of the block's parent,
   * known before mining, so miners may still roll the header's time.
   */
  time: number;
}

function failed(reason: string): ContractOutcome {
  return { status: 'reverted', gasUsed: 0, revertReason: reason, storageWrites: new Map(), transfers: [], events: [] };
}

/**
 * The state transition of one contract transaction. Like a plain transfer the
 * sender's nonce must match and its balance must cover amount + fee
 * (fee = gasLimit × gasPrice); both are taken up front and the nonce
 * increments. Then the code runs. On success the contract receives the
 * amount (msg.value) and its storage writes and transfers are applied; on a
 * revert or out-of-gas the amount goes back to the sender and nothing else
 * changes. Either way the sender pays gasUsed × gasPrice (intrinsic gas
 * included) and gets the rest of the fee back. Rule errors are only thrown
 * before any state changes.
 */
export function applyContractTx(
  tx: TransferTx,
  from: Uint8Array,
  ws: StateWorkspace,
  cws: ContractWorkspace,
  executor: ContractExecutor,
  params: ConsensusParams,
  block: { height: number; time: number },
): { fee: bigint; receipt: Receipt } {
  const payload = contractPayload(tx, params);
  executor.checkPayload?.(payload);
  const sender = ws.get(from);
  if (tx.nonce < sender.nonce) reject('bad-txns-nonce-too-low', `expected ${sender.nonce}, got ${tx.nonce}`, 0);
  if (tx.nonce > sender.nonce) reject('bad-txns-nonce-gap', `expected ${sender.nonce}, got ${tx.nonce}`, 0);
  const cost = tx.amount + tx.fee;
  if (sender.balance < cost) reject('bad-txns-insufficient-funds', `needs ${formatHck(cost)} HCK, has ${formatHck(sender.balance)} HCK`, 0);
  sender.balance -= cost;
  sender.nonce += 1n;

  const intrinsic = intrinsicGas(tx, params, payload);
  const gasLimit = payload.gasLimit - intrinsic;
  const contract = payload.type === 'deploy' ? contractAddress(from, tx.nonce) : tx.to;
  const key = addressKey(contract);
  const view: ContractView = {
    balanceOf: (k) => ws.get(hexToBytes(k)).balance,
    storageGet: (a, k) => cws.storageGet(a, k),
    codeOf: (a) => cws.codeOf(a),
  };
  const stored = cws.codeOf(key);
  let outcome: ContractOutcome;
  if (payload.type === 'call' && stored === undefined) outcome = failed('no contract at this address');
  else if (payload.type === 'deploy' && stored !== undefined) outcome = failed('contract address already in use');
  else {
    outcome = executor.execute(
      {
        kind: payload.type,
        contract,
        sender: from,
        value: tx.amount,
        code: payload.type === 'deploy' ? payload.code : stored!,
        fn: payload.type === 'deploy' ? 'init' : payload.fn,
        args: payload.type === 'deploy' ? payload.init : payload.args,
        gasLimit,
        block,
      },
      view,
    );
    if (!Number.isSafeInteger(outcome.gasUsed) || outcome.gasUsed < 0 || outcome.gasUsed > gasLimit) {
      throw new Error(`contract executor reported gasUsed ${outcome.gasUsed} outside [0, ${gasLimit}]`);
    }
  }

  if (outcome.status === 'success') {
    const account = ws.get(contract);
    account.balance += tx.amount;
    if (payload.type === 'deploy') {
      if (outcome.code === undefined) throw new Error('contract executor returned no code for a deploy');
      cws.deploy(key, outcome.code);
    }
    for (const [k, v] of outcome.storageWrites) cws.write(key, k, v);
    for (const t of outcome.transfers) {
      if (t.amount > account.balance) throw new Error('contract executor transferred more than the contract holds');
      account.balance -= t.amount;
      ws.get(t.to).balance += t.amount;
    }
  } else {
    sender.balance += tx.amount;
  }
  const gasUsed = intrinsic + outcome.gasUsed;
  const fee = BigInt(gasUsed) * payload.gasPrice;
  sender.balance += tx.fee - fee;
  const receipt: Receipt = {
    status: outcome.status,
    gasUsed,
    gasPrice: payload.gasPrice,
    contract,
    events: outcome.status === 'success' ? outcome.events : [],
  };
  if (outcome.status === 'success' && outcome.returnValue !== undefined) receipt.returnValue = outcome.returnValue;
  if (outcome.revertReason !== undefined) receipt.revertReason = outcome.revertReason;
  if (outcome.status === 'success' && outcome.transfers.length > 0) receipt.transfers = outcome.transfers.map((t) => ({ to: t.to, amount: t.amount }));
  return { fee, receipt };
}

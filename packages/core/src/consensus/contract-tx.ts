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
import { U64_MAX } from '../encoding/writer.js';

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


function failed(reason: string, gasUsed = 0): ContractOutcome {
  return { status: 'reverted', gasUsed, revertReason: reason, storageWrites: new Map(), transfers: [], events: [] };
}

/**
 * Whether a successful call's balance changes fit in u64: the contract credited
 * `value`, then its transfers in order, then the sender refunded `refund`
 * (balances are u64, and a credit past 2^64 − 1 must be a verdict, not a
 * failure of the state commitment). The workspace is not changed.
 */
function transfersOverflow(
  outcome: ContractOutcome,
  ws: StateWorkspace,
  from: Uint8Array,
  sender: { balance: bigint },
  refund: bigint,
  contract: Uint8Array,
  value: bigint,
): boolean {
  const after = new Map<string, bigint>();
  const balance = (a: Uint8Array) => after.get(addressKey(a)) ?? ws.get(a).balance;
  const contractKey = addressKey(contract);
  after.set(addressKey(from), sender.balance + refund);
  after.set(contractKey, balance(contract) + value);
  let overflow = false;
  for (const t of outcome.transfers) {
    const held = after.get(contractKey)!;
    if (t.amount > held) throw new Error('contract executor transferred more than the contract holds');
    after.set(contractKey, held - t.amount);
    const credited = balance(t.to) + t.amount;
    if (credited > U64_MAX) overflow = true;
    after.set(addressKey(t.to), credited);
  }
  return overflow;
}

/**
 * The state transition of one contract transaction. Like a plain transfer the
 * sender's nonce must match and its balance must cover amount + fee
 * (fee = gasLimit × gasPrice); both are taken up front and the nonce
 * increments. Then the code runs. On success the contract receives the
 * amount (msg.value) and its storage writes and transfers are applied; on a
 * revert or out-of-gas the amount goes back to the sender and nothing else
 * changes. A contract that cannot hold `amount` (its balance would pass
 * 2^64 − 1) is 'bad-txns-amount-overflow', as for a plain transfer; a
 * successful call whose transfers would lift a balance past 2^64 − 1 reverts
 * instead, like any failed transfer inside it. Either way the sender pays
 * gasUsed × gasPrice (intrinsic gas included) and gets the rest of the fee
 * back. Rule errors are only thrown before any state changes.
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
  const contract = payload.type === 'deploy' ? contractAddress(from, tx.nonce) : tx.to;
  const key = addressKey(contract);
  // As for a plain transfer: the recipient (the contract) must be able to hold
  // `amount`, checked before anything changes and whatever the code then does
  // (skipped for no value, so a call without one touches no more accounts than before).
  if (tx.amount > 0n) {
    const contractBefore = key === addressKey(from) ? sender.balance - cost : ws.get(contract).balance;
    if (contractBefore + tx.amount > U64_MAX) reject('bad-txns-amount-overflow', "the contract's balance would exceed 2^64 - 1");
  }
  sender.balance -= cost;
  sender.nonce += 1n;

  const intrinsic = intrinsicGas(tx, params, payload);
  const gasLimit = payload.gasLimit - intrinsic;
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

  const gasUsed = intrinsic + outcome.gasUsed;
  const fee = BigInt(gasUsed) * payload.gasPrice;
  // A transfer the recipient cannot hold fails like any other failed transfer
  // inside the call: the call reverts, its gas is spent, the transaction counts.
  if (outcome.status === 'success' && transfersOverflow(outcome, ws, from, sender, tx.fee - fee, contract, tx.amount)) {
    outcome = failed("a transfer would lift the recipient's balance past 2^64 - 1", outcome.gasUsed);
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

import { contractPayload, intrinsicGas, type ContractPayload } from '../consensus/contracts.js';
import { RuleError } from '../consensus/errors.js';
import type { ConsensusParams } from '../consensus/params.js';
import { checkTransferSanity } from '../consensus/tx-rules.js';
import { PUBKEY_SIZE, SIGNATURE_SIZE } from '../crypto/keys.js';
import { utf8ToBytes } from '../encoding/bytes.js';
import { ZERO_ADDRESS } from '../primitives/address.js';
import { signTransfer, type TransferTx, type UnsignedTransfer } from '../primitives/transaction.js';
import { minGasPriceForShape } from '../policy/relay-fee.js';
import { buildTransfer, signedTransferSize } from './builder.js';
import { WalletError } from './errors.js';
import { NonceTracker } from './nonce.js';

/**
 * Contract transactions for wallets: ordinary transfers whose `data` is the
 * canonical payload of docs/consensus.md ("Contract transactions"), sent to
 * the zero address (deploy) or the contract (call), `amount` = msg.value and
 * `fee` = gasLimit × gasPrice. The shape is the consensus `ContractPayload`;
 * every built transaction is read back with the consensus parser
 * (`contractPayload`), so the wallet cannot drift from what blocks accept.
 */

/** What to run: deploy a source with init arguments, or call an exported function of a deployed contract. */
export type ContractAction =
  | { type: 'deploy'; code: string; init?: readonly unknown[] }
  | { type: 'call'; contract: string | Uint8Array; fn: string; args?: readonly unknown[] };

export interface ContractTxRequest {
  params: ConsensusParams;
  action: ContractAction;
  /** Most gas the transaction may use (intrinsic gas included). */
  gasLimit: number;
  /** Base units per gas. */
  gasPrice: bigint;
  /** msg.value: base units, or decimal HCK text such as "1.5". Default 0. */
  value?: bigint | string;
  /** An explicit nonce, or a tracker whose next nonce is used (and reserved only once signing succeeds). */
  nonce: bigint | NonceTracker;
}

/** The payload's UTF-8 JSON bytes (the transaction's `data`); gasPrice is written as a decimal string. */
export function encodeContractPayload(payload: ContractPayload): Uint8Array {
  const gas = { gasLimit: payload.gasLimit, gasPrice: payload.gasPrice.toString() };
  const body =
    payload.type === 'deploy'
      ? { type: 'deploy', code: payload.code, init: payload.init, ...gas }
      : { type: 'call', fn: payload.fn, args: payload.args, ...gas };
  return utf8ToBytes(JSON.stringify(body));
}

/** The most a contract transaction can cost in fees: gasLimit × gasPrice (the transaction's `fee`). */
export function contractFee(gasLimit: number, gasPrice: bigint): bigint {
  return BigInt(gasLimit) * gasPrice;
}

/**
 * A gas price from a per-byte fee rate (GET /api/fees/estimate): the rate
 * divided by the intrinsic gas per data byte, rounded up, at least 1. Since
 * every payload byte costs that much gas and the base gas outweighs the rest
 * of the encoding, intrinsic gas × gas price then pays at least `rate` per
 * byte of the transaction's size. That is the relay minimum only while the
 * declared gas does not outweigh the bytes (gasLimit ≤ size × maxBlockGas /
 * maxBlockSize): to price a transaction, use minContractGasPrice.
 */
export function gasPriceForFeeRate(rate: bigint, params: ConsensusParams): bigint {
  const perByte = BigInt(Math.max(1, params.contractDataGasPerByte));
  const price = (rate + perByte - 1n) / perByte;
  return price > 0n ? price : 1n;
}

/** The largest gas price a payload may carry (20 decimal digits, docs/consensus.md). */
const MAX_GAS_PRICE = 10n ** 20n - 1n;

/**
 * The lowest gas price at which a node relaying at `minFeeRate` per byte of vsize takes this
 * contract transaction (policy/relay-fee.ts): 0 when it asks nothing. The price is written in the
 * payload, so the size and intrinsic gas it is judged on change with its number of digits; for each
 * count of digits, from one, they are fixed, and the first count whose own answer is within its
 * range gives the least price that meets the minimum, not one that misses it by the extra digit.
 */
export function minContractGasPrice(req: Omit<ContractTxRequest, 'gasPrice' | 'nonce'>, minFeeRate: bigint): bigint {
  for (let low = 0n, high = 9n; ; low = high + 1n, high = high * 10n + 9n) {
    const payload = payloadOf({ ...req, gasPrice: low, nonce: 0n });
    const data = encodeContractPayload(payload);
    const shape = { size: signedTransferSize(data.length), gasLimit: req.gasLimit, intrinsicGas: intrinsicGas({ data }, req.params, payload) };
    const price = minGasPriceForShape(minFeeRate, shape, req.params);
    if (price <= high) return price > low ? price : low;
    // A node's minFeeRate is its own say: one no payload can pay must end the search, not grow it forever.
    if (high >= MAX_GAS_PRICE) throw new WalletError(`no gas price pays a relay minimum of ${minFeeRate} base units per byte at gas limit ${req.gasLimit}`);
  }
}

function payloadOf(req: ContractTxRequest): ContractPayload {
  const { action, gasLimit, gasPrice } = req;
  if (!Number.isSafeInteger(gasLimit) || gasLimit <= 0) throw new WalletError('gas limit must be a positive integer');
  if (typeof gasPrice !== 'bigint' || gasPrice < 0n) throw new WalletError('gas price must be a non-negative amount of base units');
  if (action.type === 'deploy') return { type: 'deploy', code: action.code, init: [...(action.init ?? [])], gasLimit, gasPrice };
  return { type: 'call', fn: action.fn, args: [...(action.args ?? [])], gasLimit, gasPrice };
}

function checked<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RuleError) throw new WalletError(e.message);
    throw e;
  }
}

/** The unsigned contract transaction (does not reserve a tracker's nonce); checked by the consensus payload rules. */
export function buildContractTransfer(req: ContractTxRequest): UnsignedTransfer {
  const payload = payloadOf(req);
  const to = req.action.type === 'deploy' ? ZERO_ADDRESS : req.action.contract;
  const tx = buildTransfer({
    params: req.params,
    to,
    amount: req.value ?? 0n,
    data: encodeContractPayload(payload),
    fee: { custom: contractFee(payload.gasLimit, payload.gasPrice) },
    nonce: req.nonce,
  });
  // Read back with the chain's own parser: shape, recipient, gas range and fee = gasLimit × gasPrice.
  checked(() =>
    contractPayload({ ...tx, publicKey: new Uint8Array(PUBKEY_SIZE), signature: new Uint8Array(SIGNATURE_SIZE) }, req.params),
  );
  return tx;
}

/** Builds, signs and sanity-checks a contract transaction; a tracker's nonce is taken only on success. */
export function buildSignedContractTransfer(req: ContractTxRequest, privateKey: Uint8Array): TransferTx {
  const tx = signTransfer(buildContractTransfer(req), privateKey);
  checked(() => checkTransferSanity(tx, req.params));
  if (req.nonce instanceof NonceTracker) req.nonce.take();
  return tx;
}

/**
 * How a node's answer to a submitted transaction differs from what was signed, or undefined when it
 * names the same: the transaction id (the hash of the signed bytes) and, for a deploy, the contract
 * address that follows from the sender and nonce signed. Neither is the node's to say: a wallet that
 * believed another contract address would send later calls, value included, to the node's choice.
 */
export function answerMismatch(answer: { id: string; contractAddress?: string }, signed: { id: string; contract?: string }): string | undefined {
  if (answer.id !== signed.id) return `transaction ${answer.id} for ${signed.id}`;
  if (signed.contract !== undefined && answer.contractAddress?.toLowerCase() !== signed.contract.toLowerCase()) {
    return `contract ${answer.contractAddress ?? '(none)'} for a deploy that creates ${signed.contract}`;
  }
  return undefined;
}

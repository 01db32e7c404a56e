import {
  NETWORKS,
  answerMismatch,
  buildSignedContractTransfer,
  bytesToHex,
  contractAddress,
  contractFee,
  encodeTx,
  formatAddress,
  gasPriceForFeeRate,
  parseAddress,
  parseFeeEstimate,
  txId,
  type ContractAction,
  type NetworkName,
  type Wallet,
} from '@hackcoin/core';
import { api } from '../../lib/api';
import { signingParams } from '../../lib/network-pin';
import { recordSent, verifiedNextNonce } from '../../lib/verified-nonce';
import type { ContractCallResult, ContractSubmitted, GasEstimate, TxDetail } from '../../lib/types';

/**
 * Contract transactions from the browser wallet. The payload is the canonical
 * one of docs/consensus.md, encoded and checked by core
 * (buildSignedContractTransfer): a transfer to the zero address (deploy) or
 * the contract (call), amount = msg.value, fee = gasLimit × gasPrice.
 */
export interface GasOptions {
  gasLimit: number;
  gasPrice: bigint;
  value: bigint;
}

/** Signs in the browser with a nonce it verified (lib/verified-nonce), as the wallet's Send does, and posts only the signed bytes. */
async function submit(wallet: Wallet, network: NetworkName, from: string, action: ContractAction, gas: GasOptions, path: string): Promise<ContractSubmitted> {
  const nonce = await verifiedNextNonce(network, from);
  const key = wallet.keyFor(from);
  let raw: string;
  let spend: bigint;
  let id: string;
  try {
    const tx = buildSignedContractTransfer(
      { params: signingParams(network), action, gasLimit: gas.gasLimit, gasPrice: gas.gasPrice, value: gas.value, nonce },
      key,
    );
    raw = bytesToHex(encodeTx(tx));
    spend = tx.amount + tx.fee;
    id = txId(tx);
  } finally {
    key.fill(0);
  }
  const sent = await api<ContractSubmitted>(path, { body: { raw } });
  recordSent(network, from, nonce, spend);
  return confirmSubmitted(sent, id, action.type === 'deploy' ? formatAddress(contractAddress(parseAddress(from), nonce)) : undefined);
}

/**
 * The node's answer to a contract transaction, held to the id and (for a deploy) the contract
 * address computed here (core's answerMismatch, as the CLI does).
 */
export function confirmSubmitted(sent: ContractSubmitted, id: string, contract: string | undefined): ContractSubmitted {
  const mismatch = answerMismatch(sent, { id, contract });
  if (mismatch) throw new Error(`the node answered with ${mismatch}, which was signed here; it was handed the signed transaction`);
  return contract === undefined ? sent : { ...sent, contractAddress: contract };
}

export function deploy(wallet: Wallet, network: NetworkName, from: string, d: { code: string; init: unknown[] } & GasOptions) {
  return submit(wallet, network, from, { type: 'deploy', code: d.code, init: d.init }, d, '/api/contracts/deploy');
}

export function execute(wallet: Wallet, network: NetworkName, from: string, e: { contract: string; fn: string; args: unknown[] } & GasOptions) {
  return submit(wallet, network, from, { type: 'call', contract: e.contract, fn: e.fn, args: e.args }, e, '/api/contracts/execute');
}

export function readOnlyCall(contractAddress: string, functionName: string, parameters: unknown[], from?: string) {
  return api<ContractCallResult>('/api/contracts/call', { body: { contractAddress, functionName, parameters, ...(from ? { from } : {}) } });
}

export function estimateDeploy(from: string, code: string, init: unknown[], value: bigint, gasPrice?: bigint) {
  return api<GasEstimate>('/api/contracts/estimate-gas', {
    body: { type: 'deploy', from, contractCode: code, initData: init, value: value.toString(), ...(gasPrice !== undefined ? { gasPrice: gasPrice.toString() } : {}) },
  });
}

export function estimateCall(from: string, contract: string, fn: string, args: unknown[], value: bigint, gasPrice?: bigint) {
  return api<GasEstimate>('/api/contracts/estimate-gas', {
    body: { type: 'call', from, contractAddress: contract, functionName: fn, parameters: args, value: value.toString(), ...(gasPrice !== undefined ? { gasPrice: gasPrice.toString() } : {}) },
  });
}

/** The node's "normal" gas price under core's fee policy (what recent contract transactions paid per gas used). */
export async function suggestedGasPrice(): Promise<bigint> {
  return parseFeeEstimate(await api<unknown>('/api/fees/estimate')).gasPrice.normal;
}

export { contractFee };

export function fetchTx(id: string) {
  return api<TxDetail>(`/api/tx/${id}`);
}

/** The node's fee estimate for contract transactions: its "normal" gas price and, when it says, its floor. */
export interface GasQuote {
  normal: bigint;
  /** The lowest gas price the node quotes: its relay floor per byte turned into a price per gas. */
  minGasPrice?: bigint;
}

export async function gasQuote(network: NetworkName): Promise<GasQuote> {
  const json = await api<unknown>('/api/fees/estimate');
  const normal = parseFeeEstimate(json).gasPrice.normal;
  const rate = (json as { minFeeRate?: unknown } | null)?.minFeeRate;
  return typeof rate === 'string' && /^\d{1,20}$/.test(rate) ? { normal, minGasPrice: gasPriceForFeeRate(BigInt(rate), NETWORKS[network]) } : { normal };
}

/** The gas a transaction is about to be signed with, and the node's figures it came from (shown in the review). */
export interface ResolvedGas extends GasOptions {
  estimate?: GasEstimate;
  minGasPrice?: bigint;
  /** Whether the limit and price were typed by the user or filled from the node's answers. */
  limitFrom: 'typed' | 'estimate';
  priceFrom: 'typed' | 'estimate';
}

/**
 * Fills what the user left blank: the gas price from the fee estimate, the
 * gas limit from the node's estimate (its suggestedGasLimit adds a margin).
 * An estimate that reverts stops here, before anything is signed. The fee
 * estimate is asked for even when the price was typed, for the node's floor
 * the review compares the price with; without it a typed price still stands.
 */
export async function resolveGas(
  network: NetworkName,
  g: { gasLimit?: number; gasPrice?: bigint; value: bigint },
  estimate: (gasPrice: bigint) => Promise<GasEstimate>,
): Promise<ResolvedGas> {
  const typed = g.gasPrice;
  const quote = typed === undefined ? await gasQuote(network) : await gasQuote(network).catch(() => undefined);
  const gasPrice = typed ?? quote!.normal;
  const floor = quote?.minGasPrice !== undefined ? { minGasPrice: quote.minGasPrice } : {};
  const priceFrom = typed === undefined ? 'estimate' : 'typed';
  if (g.gasLimit !== undefined) return { gasLimit: g.gasLimit, gasPrice, value: g.value, ...floor, limitFrom: 'typed', priceFrom };
  const est = await estimate(gasPrice);
  if (est.status !== 'success') {
    throw new Error(`It would fail (${est.status}${est.revertReason ? `: ${est.revertReason}` : ''}); nothing was sent. Enter a gas limit to send it anyway.`);
  }
  return { gasLimit: est.suggestedGasLimit, gasPrice, value: g.value, estimate: est, ...floor, limitFrom: 'estimate', priceFrom };
}

/** A contract transaction this page sent, followed until its receipt shows up. */
export interface SentTx {
  id: string;
  label: string;
  contract: string;
  /** The contract's kind (lib/contract-kind) and the function called ('init' for a deploy): which values are coin amounts. */
  kind: string;
  fn: string;
}

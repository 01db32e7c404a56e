import {
  NETWORKS,
  answerMismatch,
  buildSignedContractTransfer,
  bytesToHex,
  contractAddress,
  contractFee,
  encodeTx,
  formatAddress,
  minContractGasPrice,
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

/** The node's fee estimate for contract transactions: its "normal" gas price and its relay floor. */
export interface GasQuote {
  normal: bigint;
  /** Base units per byte of vsize the node relays at: the input of minGasPriceFor. */
  minFeeRate: bigint;
}

export async function gasQuote(): Promise<GasQuote> {
  const est = parseFeeEstimate(await api<unknown>('/api/fees/estimate'));
  return { normal: est.gasPrice.normal, minFeeRate: est.minFeeRate };
}

/**
 * The least gas price a node relaying at `minFeeRate` takes this transaction at: its declared gas
 * counts as block space (core's minContractGasPrice), so a large gas limit needs more than the
 * node's "normal" price, which is per gas used. Throws a WalletError for a rate no price pays.
 */
export function minGasPriceFor(network: NetworkName, action: ContractAction, gasLimit: number, value: bigint, minFeeRate: bigint): bigint {
  return minContractGasPrice({ params: NETWORKS[network], action, gasLimit, value }, minFeeRate);
}

/** The gas a transaction is about to be signed with, and the node's figures it came from (shown in the review). */
export interface ResolvedGas extends GasOptions {
  estimate?: GasEstimate;
  /** The least gas price the node relays this transaction at with this gas limit (minGasPriceFor). */
  minGasPrice?: bigint;
  /**
   * Whether the limit and price were typed by the user or filled from the node's answers; a price is
   * 'minimum' when the node's estimate was below its relay minimum at this gas limit and raised to it.
   */
  limitFrom: 'typed' | 'estimate';
  priceFrom: 'typed' | 'estimate' | 'minimum';
}

/**
 * Fills what the user left blank: the gas price from the fee estimate, the
 * gas limit from the node's estimate (its suggestedGasLimit adds a margin).
 * An estimate that reverts stops here, before anything is signed. The fee
 * estimate is asked for even when the price was typed, for the node's floor:
 * a price left blank is raised to it, a typed one below it is refused here
 * (the node would refuse the transaction); without it a typed price stands.
 */
export async function resolveGas(
  network: NetworkName,
  action: ContractAction,
  g: { gasLimit?: number; gasPrice?: bigint; value: bigint },
  estimate: (gasPrice: bigint) => Promise<GasEstimate>,
): Promise<ResolvedGas> {
  const typed = g.gasPrice;
  const quote = typed === undefined ? await gasQuote() : await gasQuote().catch(() => undefined);
  const asked = typed ?? quote!.normal;
  let est: GasEstimate | undefined;
  if (g.gasLimit === undefined) {
    est = await estimate(asked);
    if (est.status !== 'success') {
      throw new Error(`It would fail (${est.status}${est.revertReason ? `: ${est.revertReason}` : ''}); nothing was sent. Enter a gas limit to send it anyway.`);
    }
  }
  const gasLimit = g.gasLimit ?? est!.suggestedGasLimit;
  const floor = quote && minGasPriceFor(network, action, gasLimit, g.value, quote.minFeeRate);
  if (typed !== undefined && floor !== undefined && typed < floor) {
    throw new Error(
      `The gas price ${typed} is below ${floor}, the least this node relays the transaction at with a gas limit of ${gasLimit.toLocaleString('en-US')} (a declared gas limit counts as block space); nothing was sent. Enter at least ${floor}, or a lower gas limit.`,
    );
  }
  const raised = floor !== undefined && asked < floor;
  return {
    gasLimit,
    gasPrice: raised ? floor : asked,
    value: g.value,
    ...(est ? { estimate: est } : {}),
    ...(floor !== undefined ? { minGasPrice: floor } : {}),
    limitFrom: g.gasLimit === undefined ? 'estimate' : 'typed',
    priceFrom: typed !== undefined ? 'typed' : raised ? 'minimum' : 'estimate',
  };
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

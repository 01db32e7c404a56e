import { ZERO_ADDRESS, formatAddress, utf8ToBytes, type NetworkName, type Wallet } from '@hackcoin/core';
import { api } from '../../lib/api';
import { DEFAULT_FEES, signTransfer } from '../wallet/tx';

/**
 * PROVISIONAL encoding of contract transactions (issue 5 decides the final
 * one): the transfer's data field carries UTF-8 JSON in the seed's shapes,
 * a deploy goes to the zero address, an execute to the contract, value is the
 * transfer amount, and the fee is the maximum gasLimit × gasPrice. Only this
 * file needs to change when the chain integration lands.
 */
export interface GasOptions {
  gasLimit: number;
  gasPrice: bigint;
  value: bigint;
}

export interface DeployInput extends GasOptions {
  code: string;
  initData: unknown[];
}

export interface ExecuteInput extends GasOptions {
  contractAddress: string;
  functionName: string;
  parameters: unknown[];
}

export function deployData(d: DeployInput): Uint8Array {
  return utf8ToBytes(JSON.stringify({ type: 'deploy', contractCode: d.code, initData: d.initData, gasLimit: d.gasLimit, gasPrice: d.gasPrice.toString() }));
}

export function executeData(e: ExecuteInput): Uint8Array {
  return utf8ToBytes(JSON.stringify({ type: 'execute', functionName: e.functionName, parameters: e.parameters, gasLimit: e.gasLimit, gasPrice: e.gasPrice.toString() }));
}

async function submit(wallet: Wallet, network: NetworkName, from: string, to: string, data: Uint8Array, gas: GasOptions, path: string) {
  const { raw } = await signTransfer(wallet, {
    network,
    from,
    to,
    amount: gas.value,
    fee: { custom: BigInt(gas.gasLimit) * gas.gasPrice },
    feeEstimate: DEFAULT_FEES,
    data,
  });
  return api<{ id: string; contractAddress?: string; accepted?: boolean }>(path, { body: { raw } });
}

export function deploy(wallet: Wallet, network: NetworkName, from: string, d: DeployInput) {
  return submit(wallet, network, from, formatAddress(ZERO_ADDRESS), deployData(d), d, '/api/contracts/deploy');
}

export function execute(wallet: Wallet, network: NetworkName, from: string, e: ExecuteInput) {
  return submit(wallet, network, from, e.contractAddress, executeData(e), e, '/api/contracts/execute');
}

export interface CallResult {
  status?: string;
  returnValue?: unknown;
  gasUsed?: number;
  revertReason?: string;
  [k: string]: unknown;
}

export function readOnlyCall(contractAddress: string, functionName: string, parameters: unknown[], from?: string) {
  return api<CallResult>('/api/contracts/call', { body: { contractAddress, functionName, parameters, ...(from ? { from } : {}) } });
}

export function estimateGas(body: Record<string, unknown>) {
  return api<{ gasUsed?: number; gas?: number; gasEstimate?: number; [k: string]: unknown }>('/api/contracts/estimate-gas', { body });
}

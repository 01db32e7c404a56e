import {
  computeBalance,
  formatAddress,
  getParams,
  parseAddress,
  type BalanceSummary,
  type ConsensusParams,
  parseFeeEstimate,
  type FeePolicyEstimate,
  type PendingTxInfo,
} from '@hackcoin/core';
import type { NodeClient } from './client.js';
import { CliError, EXIT, usageError } from './errors.js';

export interface AddressState {
  address: string;
  nonce: bigint;
  nextNonce: bigint;
  pending: PendingTxInfo[];
  balance: BalanceSummary;
}

/** A user-typed address; a checksum typo is caught here, before anything is signed. */
export function userAddress(text: string, what: string): string {
  try {
    return formatAddress(parseAddress(text));
  } catch (e) {
    throw usageError(`${what} "${text}": ${(e as Error).message}`);
  }
}

export async function addressState(client: NodeClient, address: string): Promise<AddressState> {
  const j = await client.call('GET /api/address/:address', { address }, { query: { limit: 1 } });
  const me = address.toLowerCase();
  // Direction is derived here from from/to: a payment to oneself costs only its fee.
  const pending = j.pending.map((p): PendingTxInfo => {
    const fromMe = p.from?.toLowerCase() === me;
    const toMe = p.to.toLowerCase() === me;
    return { txid: p.id, direction: fromMe && toMe ? 'self' : fromMe ? 'out' : 'in', amount: p.amount, fee: p.fee ?? '0' };
  });
  return {
    address: j.address,
    nonce: BigInt(j.nonce),
    nextNonce: BigInt(j.nextNonce),
    pending,
    balance: computeBalance({ balance: j.balance, nonce: j.nonce, pending }),
  };
}

/** The network's consensus parameters, checked against what the node reports so we never sign for the wrong chain. */
export async function networkParams(client: NodeClient): Promise<ConsensusParams> {
  const info = await client.call('GET /api/node/info', {});
  let params: ConsensusParams;
  try {
    params = getParams(info.network);
  } catch {
    throw new CliError(`the node runs an unknown network "${info.network}"`, EXIT.node);
  }
  if (params.chainId !== info.chainId) {
    throw new CliError(`the node's chain id ${info.chainId} does not match ${params.network}'s ${params.chainId}: refusing to sign`, EXIT.node);
  }
  return params;
}

/** The node's answer under core's fee policy: per-byte rates for transfers, gas prices for contract transactions. */
export async function feeEstimate(client: NodeClient): Promise<FeePolicyEstimate> {
  try {
    return parseFeeEstimate(await client.call('GET /api/fees/estimate', {}));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message, EXIT.node);
  }
}

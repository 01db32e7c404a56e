import { api } from './api';
import type { ContractCallResult } from './types';

/**
 * Gas for one read-only call of a token function the app makes on its own
 * (balances, symbols). Anyone can deploy code with a token's interface, and
 * each such call runs on the node's engine time, shared by all its clients:
 * at the node's default limit (10M) one that loops held the engine for
 * 60 times what a token read needs. The example token's reads use about
 * 167,000 gas, nearly all of it the cold code charge for loading its 5,000
 * characters of instrumented code (docs/contracts.md); this much reads a
 * token of up to about 150,000.
 */
export const TOKEN_READ_GAS = 2_000_000;
const REMEMBERED = 500;

/** Contracts one of whose token reads ran out of gas or reverted: not read again this session. */
const failed = new Set<string>();

export const readFailed = (contract: string) => failed.has(contract.toLowerCase());

/** What `functionName` returned, or undefined when it ran out of gas or reverted (the contract is then remembered as no token). */
export async function tokenRead(contractAddress: string, functionName: string, parameters: unknown[], signal?: AbortSignal): Promise<{ value: unknown } | undefined> {
  if (readFailed(contractAddress)) return undefined;
  const r = await api<ContractCallResult>('/api/contracts/call', {
    body: { contractAddress, functionName, parameters, gasLimit: TOKEN_READ_GAS },
    ...(signal ? { signal } : {}),
  });
  if (r.status === 'success') return { value: r.returnValue };
  if (failed.size >= REMEMBERED) failed.delete(failed.values().next().value!);
  failed.add(contractAddress.toLowerCase());
  return undefined;
}

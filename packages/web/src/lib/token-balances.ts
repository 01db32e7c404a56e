import { api } from './api';
import { isToken } from './contract-kind';
import { tokenSymbol } from './token-symbol';
import type { ContractCallResult, ContractDetail } from './types';

/**
 * Balances of the example token (and anything with its interface) for one
 * address, read through the node's contract routes. Bounded: only among the
 * first CONTRACTS_SCANNED contracts the node lists, at most MAX_TOKENS tokens,
 * three read-only calls each. What never changes (a contract's kind, a
 * token's symbol and decimals) is cached, in maps of bounded size.
 */
export const CONTRACTS_SCANNED = 20;
export const MAX_TOKENS = 5;
const CACHE_LIMIT = 500;

export interface TokenBalance {
  contract: string;
  /** As the contract returned it, cut (lib/token-symbol); shown through components/TokenSymbol only. */
  symbol: string;
  decimals: number;
  /** Token base units. */
  balance: bigint;
}

interface Meta {
  symbol: string;
  decimals: number;
}

const kinds = new Map<string, boolean>();
const metas = new Map<string, Meta>();

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

async function call(contractAddress: string, functionName: string, parameters: unknown[], signal?: AbortSignal): Promise<unknown> {
  const r = await api<ContractCallResult>('/api/contracts/call', { body: { contractAddress, functionName, parameters }, ...(signal ? { signal } : {}) });
  return r.status === 'success' ? r.returnValue : undefined;
}

async function tokenCheck(address: string, signal?: AbortSignal): Promise<boolean> {
  const known = kinds.get(address);
  if (known !== undefined) return known;
  const d = await api<ContractDetail>(`/api/contracts/${address}?events=0&storage=0`, signal ? { signal } : {});
  return remember(kinds, address, isToken(d.code));
}

async function meta(contract: string, signal?: AbortSignal): Promise<Meta> {
  const known = metas.get(contract);
  if (known) return known;
  const [symbol, decimals] = await Promise.all([call(contract, 'symbol', [], signal), call(contract, 'decimals', [], signal)]);
  return remember(metas, contract, {
    symbol: tokenSymbol(symbol) || '?',
    decimals: typeof decimals === 'number' && Number.isInteger(decimals) && decimals >= 0 && decimals <= 18 ? decimals : 0,
  });
}

const units = (v: unknown): bigint => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : typeof v === 'string' && /^\d{1,30}$/.test(v) ? BigInt(v) : 0n);

export async function tokenBalances(owner: string, contracts: string[], signal?: AbortSignal): Promise<TokenBalance[]> {
  const tokens: string[] = [];
  for (const c of contracts.slice(0, CONTRACTS_SCANNED)) {
    if (tokens.length >= MAX_TOKENS) break;
    if (await tokenCheck(c, signal)) tokens.push(c);
  }
  return Promise.all(
    tokens.map(async (contract) => {
      const [m, balance] = await Promise.all([meta(contract, signal), call(contract, 'balanceOf', [owner], signal)]);
      return { contract, ...m, balance: units(balance) };
    }),
  );
}

/** 123456 with 2 decimals → "1,234.56". */
export function formatTokenUnits(value: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = (value / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = decimals > 0 ? (value % scale).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  return frac ? `${whole}.${frac}` : whole;
}

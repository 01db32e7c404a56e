import { api } from './api';
import { isToken } from './contract-kind';
import { readFailed, tokenRead } from './token-read';
import { tokenSymbol } from './token-symbol';
import type { ContractDetail } from './types';

/**
 * Balances of the example token (and anything with its interface) for one
 * address, read through the node's contract routes. Bounded: only among the
 * first CONTRACTS_SCANNED contracts the node lists, at most MAX_TOKENS tokens,
 * three read-only calls each on a small gas limit (lib/token-read). What never
 * changes (a contract's kind, a token's symbol and decimals) is cached, in maps
 * of bounded size, and so is a contract whose read failed: no token.
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

async function tokenCheck(address: string, signal?: AbortSignal): Promise<boolean> {
  if (readFailed(address)) return false;
  const known = kinds.get(address);
  if (known !== undefined) return known;
  const d = await api<ContractDetail>(`/api/contracts/${address}?events=0&storage=0`, signal ? { signal } : {});
  return remember(kinds, address, isToken(d.code));
}

/** Undefined for a contract whose symbol or decimals read failed. */
async function meta(contract: string, signal?: AbortSignal): Promise<Meta | undefined> {
  const known = metas.get(contract);
  if (known) return known;
  // One read at a time: a contract that loops is paid for once, not once per read.
  const symbol = await tokenRead(contract, 'symbol', [], signal);
  const decimals = symbol && (await tokenRead(contract, 'decimals', [], signal));
  if (!decimals) return undefined;
  const d = decimals.value;
  return remember(metas, contract, {
    symbol: tokenSymbol(symbol.value) || '?',
    decimals: typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 18 ? d : 0,
  });
}

const units = (v: unknown): bigint => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : typeof v === 'string' && /^\d{1,30}$/.test(v) ? BigInt(v) : 0n);

export async function tokenBalances(owner: string, contracts: string[], signal?: AbortSignal): Promise<TokenBalance[]> {
  const tokens: [string, Meta][] = [];
  for (const c of contracts.slice(0, CONTRACTS_SCANNED)) {
    if (tokens.length >= MAX_TOKENS) break;
    const m = (await tokenCheck(c, signal)) ? await meta(c, signal) : undefined;
    if (m) tokens.push([c, m]);
  }
  const rows = await Promise.all(
    tokens.map(async ([contract, m]) => {
      const balance = await tokenRead(contract, 'balanceOf', [owner], signal);
      return balance && { contract, ...m, balance: units(balance.value) };
    }),
  );
  return rows.filter((r) => r !== undefined);
}

/** 123456 with 2 decimals → "1,234.56". */
export function formatTokenUnits(value: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = (value / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = decimals > 0 ? (value % scale).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  return frac ? `${whole}.${frac}` : whole;
}

import { NETWORKS, type NetworkName, type VerifiedAccount } from '@hackcoin/core';
import { confirmationsFor, verifyAccount } from './verified-state';

/** Sends this browser signed that the verified nonce does not cover yet, per network and address. */
const PREFIX = 'hackcoin:pending-nonces';
/** Far more unconfirmed sends than anyone makes from one address; the list a page can grow stays small. */
const MAX_PENDING = 64;
/**
 * A send the node dropped never confirms, and counting it would leave every
 * later send waiting behind its nonce. After an hour, plus twice the time N
 * confirmations take (a mined send is only proven N - 1 blocks later), it is
 * forgotten, so its nonce is signed again: at worst the node refuses or
 * replaces one of the two, and only one can ever be mined. Skipping ahead is
 * the unsafe way.
 */
function pendingTtlMs(network: NetworkName): number {
  return (3_600 + 2 * confirmationsFor(network) * NETWORKS[network].targetSpacing) * 1000;
}

export interface Pending {
  nonce: bigint;
  at: number;
  /** Amount plus fee the send takes from the balance once mined (0 for entries stored before it was kept). */
  spend?: bigint;
}

/**
 * The nonce to sign with: the one proven at the verified height, moved past
 * this browser's own sends that are still pending there (a gap ends the run,
 * so a dropped send's nonce is reused rather than skipped).
 */
export function nextNonce(verified: bigint, pending: readonly bigint[]): bigint {
  const taken = new Set(pending);
  let n = verified;
  while (taken.has(n)) n++;
  return n;
}

/** Entries still pending after a verified nonce, none older than `ttlMs`, the newest MAX_PENDING. */
export function prunePending(list: readonly Pending[], verified: bigint, now: number, ttlMs: number): Pending[] {
  return list.filter((p) => p.nonce >= verified && now - p.at < ttlMs).slice(-MAX_PENDING);
}

/** What a verified balance leaves to spend after this browser's sends it does not cover yet (never below 0). */
export function spendableAfter(balance: bigint, pending: readonly Pending[]): { available: bigint; pendingSpend: bigint } {
  const pendingSpend = pending.reduce((sum, p) => sum + (p.spend ?? 0n), 0n);
  return { available: balance > pendingSpend ? balance - pendingSpend : 0n, pendingSpend };
}

const keyFor = (network: NetworkName, address: string) => `${PREFIX}:${network}:${address.toLowerCase()}`;

function load(network: NetworkName, address: string): Pending[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(keyFor(network, address)) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((e: unknown) => {
      const { nonce, at, spend } = (e ?? {}) as { nonce?: unknown; at?: unknown; spend?: unknown };
      if (typeof nonce !== 'string' || !/^\d{1,20}$/.test(nonce) || typeof at !== 'number' || !Number.isFinite(at)) return [];
      return [{ nonce: BigInt(nonce), at, ...(typeof spend === 'string' && /^\d{1,30}$/.test(spend) ? { spend: BigInt(spend) } : {}) }];
    });
  } catch {
    return [];
  }
}

function save(network: NetworkName, address: string, list: readonly Pending[]): void {
  const key = keyFor(network, address);
  if (list.length === 0) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(list.map((p) => ({ nonce: p.nonce.toString(), at: p.at, ...(p.spend !== undefined ? { spend: p.spend.toString() } : {}) }))));
}

/**
 * The nonce for the next transaction from `address`, never the node's word
 * for it: the account is proven against the verified header chain first. A
 * node that fails verification makes this throw (UntrustworthyNode), and
 * nothing is signed.
 */
export async function verifiedNextNonce(network: NetworkName, address: string): Promise<bigint> {
  const { v, pending } = await verifiedWithPending(network, address);
  return nextNonce(
    v.nonce,
    pending.map((p) => p.nonce),
  );
}

/** The proven account and this browser's sends the proof does not cover yet (pruned and saved back). */
async function verifiedWithPending(network: NetworkName, address: string): Promise<{ v: VerifiedAccount; pending: Pending[] }> {
  const v = await verifyAccount(network, address);
  const pending = prunePending(load(network, address), v.nonce, Date.now(), pendingTtlMs(network));
  save(network, address, pending);
  return { v, pending };
}

export interface VerifiedSpendable {
  /** The proven balance minus `pendingSpend`. */
  available: bigint;
  balance: bigint;
  height: number;
  pendingSpend: bigint;
  pendingSends: number;
}

/** What `address` can spend by the verified balance, less what this browser's pending sends will take. Throws as verifyAccount does. */
export async function verifiedSpendable(network: NetworkName, address: string): Promise<VerifiedSpendable> {
  const { v, pending } = await verifiedWithPending(network, address);
  return { ...spendableAfter(v.balance, pending), balance: v.balance, height: v.height, pendingSends: pending.length };
}

/** Remembers a send the node accepted, and what it spends, so the next one counts it until it is verified. */
export function recordSent(network: NetworkName, address: string, nonce: bigint, spend: bigint): void {
  const list = load(network, address).filter((p) => p.nonce !== nonce);
  save(network, address, [...list, { nonce, at: Date.now(), spend }].slice(-MAX_PENDING));
}

import { exportedFunctions } from './abi';

/**
 * What a deployed contract is, told from the functions its code exports: the
 * four example contracts the node ships (packages/core/src/contract-examples)
 * by their full interface, anything else as "Contract". A token is anything
 * with the token interface, so a token with extra functions still counts.
 */
const KINDS: { name: string; functions: string[] }[] = [
  { name: 'Token', functions: ['name', 'symbol', 'decimals', 'totalSupply', 'balanceOf', 'allowance', 'transfer', 'approve', 'transferFrom'] },
  { name: 'Voting', functions: ['proposals', 'deadline', 'hasVoted', 'vote', 'tally', 'winner'] },
  { name: 'Auction', functions: ['bid', 'pendingReturn', 'highestBid', 'highestBidder', 'withdraw', 'claim'] },
  { name: 'Multi-signature wallet', functions: ['deposit', 'owners', 'threshold', 'transaction', 'submit', 'confirm', 'revoke', 'execute'] },
];

export function contractKind(code: string): string {
  const names = new Set(exportedFunctions(code).map((f) => f.name));
  return KINDS.find((k) => k.functions.every((f) => names.has(f)))?.name ?? 'Contract';
}

export const isToken = (code: string) => contractKind(code) === 'Token';

import { hexToBytes } from '@hackcoin/core';

/** A contract transaction's payload as a person reads it (Etherscan's decoded input), or null for anything else. */
export type DecodedCall =
  | { type: 'call'; fn: string; args: unknown[]; text: string; gasLimit: number; gasPrice: string }
  | { type: 'deploy'; codeBytes: number; init: unknown[]; text: string; gasLimit: number; gasPrice: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeCallData(hex: string | undefined): DecodedCall | null {
  if (!hex) return null;
  try {
    const p = JSON.parse(decoder.decode(hexToBytes(hex.replace(/^0x/, '')))) as Record<string, unknown>;
    const gasLimit = typeof p.gasLimit === 'number' ? p.gasLimit : 0;
    const gasPrice = typeof p.gasPrice === 'string' ? p.gasPrice : '0';
    const args = Array.isArray(p.args) ? p.args : Array.isArray(p.init) ? p.init : [];
    const list = args.map((a) => JSON.stringify(a)).join(', ');
    if (p.type === 'call' && typeof p.fn === 'string') return { type: 'call', fn: p.fn, args, text: `${p.fn}(${list})`, gasLimit, gasPrice };
    if (p.type === 'deploy' && typeof p.code === 'string') {
      return { type: 'deploy', codeBytes: new TextEncoder().encode(p.code).length, init: args, text: `init(${list})`, gasLimit, gasPrice };
    }
  } catch {
    // Not a contract payload: shown as hex.
  }
  return null;
}

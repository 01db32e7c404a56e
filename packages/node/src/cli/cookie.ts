import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Hosts that are this machine: a node there wrote its cookie where this user may read it. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * The token of a node on this host from its cookie, DATA_DIR/.cookie, as
 * bitcoin-cli reads the node's: a token passed as --token is on the command
 * line for every user of the machine to see (ps). Never for a node elsewhere:
 * that would hand it our own node's token.
 */
export function cookieToken(nodeUrl: string, dataDir: string): string | undefined {
  const host = /^https?:\/\/([^/]+)/.exec(nodeUrl)?.[1];
  if (!host || !LOOPBACK.test(host)) return undefined;
  try {
    const token = readFileSync(join(dataDir, '.cookie'), 'utf8').trim();
    return token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}

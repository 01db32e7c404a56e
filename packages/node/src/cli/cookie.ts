import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { isLoopback } from '../util/client-key.js';

/** A host that is this machine: a node there wrote its cookie where this user may read it. */
function onThisHost(nodeUrl: string): boolean {
  let host: string;
  try {
    host = new URL(nodeUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  // isLoopback reads socket addresses: a name such as 127.0.0.1.example.com must not pass as one.
  return host === 'localhost' || (isIP(host) !== 0 && isLoopback(host));
}

/**
 * The token of a node on this host from its cookie, DATA_DIR/.cookie, as
 * bitcoin-cli reads the node's: a token passed as --token is on the command
 * line for every user of the machine to see (ps). Never for a node elsewhere:
 * that would hand it our own node's token.
 */
export function cookieToken(nodeUrl: string, dataDir: string): string | undefined {
  if (!onThisHost(nodeUrl)) return undefined;
  try {
    const token = readFileSync(join(dataDir, '.cookie'), 'utf8').trim();
    return token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { isLoopback } from '../util/client-key.js';

/** The node's default PORT: a cookie from a node that did not record its port (older versions) is sent only there. */
const DEFAULT_API_PORT = 3001;

/** A host that is this machine: a node there wrote its cookie where this user may read it. */
function onThisHost(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // isLoopback reads socket addresses: a name such as 127.0.0.1.example.com must not pass as one.
  return host === 'localhost' || (isIP(host) !== 0 && isLoopback(host));
}

/** The port the cookie's node listens on, from DATA_DIR/.cookie-port (api/auth.ts); the default when the node did not write one. */
function cookiePort(dataDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, '.cookie-port'), 'utf8').trim();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? DEFAULT_API_PORT : undefined;
  }
  return /^\d{1,5}$/.test(text) ? Number(text) : undefined;
}

/**
 * The token of a node on this host from its cookie, DATA_DIR/.cookie, as
 * bitcoin-cli reads the node's: a token passed as --token is on the command
 * line for every user of the machine to see (ps). Never for a node elsewhere:
 * that would hand it our own node's token; and on this host only at the port
 * the node recorded, since any local user may listen on another loopback port.
 */
export function cookieToken(nodeUrl: string, dataDir: string): string | undefined {
  let url: URL;
  try {
    url = new URL(nodeUrl);
  } catch {
    return undefined;
  }
  if (!onThisHost(url)) return undefined;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (port !== cookiePort(dataDir)) return undefined;
  try {
    const token = readFileSync(join(dataDir, '.cookie'), 'utf8').trim();
    return token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}

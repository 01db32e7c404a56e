import { LightClient, NETWORKS, encodeHeader, httpProofSource, parseAddress, type NetworkName, type VerifiedAccount } from '@hackcoin/core';
import { loadHeaders, saveHeaders } from './header-store';

const CONFIRMATIONS_KEY = 'hackcoin:confirmations';

/** N for "verified with N confirmations": localStorage `hackcoin:confirmations`, else 1 on regtest and 6 elsewhere. */
export function confirmationsFor(network: NetworkName): number {
  const set = Number(globalThis.localStorage?.getItem(CONFIRMATIONS_KEY));
  if (Number.isSafeInteger(set) && set >= 1 && set <= 10_000) return set;
  return network === 'regtest' ? 1 : 6;
}

/** A contract storage slot as proven: `value` is its JSON text, null when the slot is empty. */
export interface VerifiedStorage {
  value: string | null;
  height: number;
  blockId: string;
}

let shared: { network: NetworkName; client: LightClient; restored: Promise<void> } | undefined;
let queue: Promise<unknown> = Promise.resolve();

function clientFor(network: NetworkName): { client: LightClient; restored: Promise<void> } {
  if (shared?.network === network) return shared;
  const client = new LightClient(httpProofSource(window.location.origin), NETWORKS[network], confirmationsFor(network));
  // Stored headers are checked again like any others; a bad or stale cache is simply refetched.
  const restored = loadHeaders(network)
    .then((raw) => {
      for (let i = 0; i < raw.length; i += 2_000) client.headers.submit(raw.slice(i, i + 2_000), i + 1, Math.floor(Date.now() / 1000));
    })
    .catch(() => undefined);
  shared = { network, client, restored };
  return shared;
}

/**
 * Syncs headers with the node (checked from genesis), then runs `read`
 * against the best header with N confirmations. Calls are serialised:
 * they share one header chain.
 */
function verified<T>(network: NetworkName, read: (client: LightClient) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const { client, restored } = clientFor(network);
    await restored;
    const before = client.headers.tip.id;
    await client.sync();
    if (client.headers.tip.id !== before) {
      const raw = [];
      for (let h = 1; h <= client.headers.height; h++) raw.push(encodeHeader(client.headers.at(h)!.header));
      await saveHeaders(network, raw).catch(() => undefined);
    }
    return read(client);
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/** The account's balance and nonce, proven against the best header with N confirmations. */
export function verifyAccount(network: NetworkName, address: string): Promise<VerifiedAccount> {
  return verified(network, (c) => c.account(parseAddress(address)));
}

/** One storage slot of a contract (e.g. a token's `balance:0x…`), proven the same way. */
export function verifyStorage(network: NetworkName, contract: string, key: string): Promise<VerifiedStorage> {
  return verified(network, (c) => c.storage(parseAddress(contract), key));
}

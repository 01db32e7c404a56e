import { LightClient, NETWORKS, UntrustworthyNode, bytesToHex, httpProofSource, parseAddress, type NetworkName, type VerifiedAccount } from '@hackcoin/core';
import { coalescer } from './coalesce';
import { loadHeaders, saveHeaders } from './header-store';
import { NetworkChanged, pinNetwork } from './network-pin';
import { flagNode } from './node-distrust';

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
  // A window restore() refuses leaves the client at genesis, to sync from there.
  const restored = loadHeaders(network)
    .then((saved) => saved && client.headers.restore(saved, Math.floor(Date.now() / 1000)))
    .then(() => undefined, () => undefined);
  shared = { network, client, restored };
  return shared;
}

/**
 * Syncs headers with the node (checked from genesis, or on from the window
 * saved on an earlier run), then runs `read` against the best header with N
 * confirmations. Calls are serialised: they share one header chain. Only the
 * network this wallet was pinned to is verified (NetworkChanged otherwise),
 * and a node caught lying is flagged for every card that shows its figures.
 */
function verified<T>(network: NetworkName, read: (client: LightClient) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    pinNetwork(network);
    const { client, restored } = clientFor(network);
    await restored;
    const before = client.headers.tip.id;
    try {
      await client.sync();
    } finally {
      // A sync cut short (RetryLater) keeps the headers it checked: so does the store, or a reload would check them again.
      if (client.headers.tip.id !== before) await saveHeaders(network, client.headers.saved()).catch(() => undefined);
    }
    return read(client);
  };
  const next = queue.then(run, run);
  queue = next.catch((e: unknown) => {
    if (e instanceof UntrustworthyNode) flagNode('lied', e.message);
    if (e instanceof NetworkChanged) flagNode('network', e.message);
  });
  return next;
}

// One run in flight per (network, address) or slot, and one more after it: a burst of blocks costs two runs, and the queue stays bounded.
const accountRuns = coalescer<VerifiedAccount>();
const storageRuns = coalescer<VerifiedStorage>();

function parsedOrReason(address: string): Uint8Array | Error {
  try {
    return parseAddress(address);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** The account's balance and nonce, proven against the best header with N confirmations. */
export function verifyAccount(network: NetworkName, address: string): Promise<VerifiedAccount> {
  // Parsed before the key is made: a mixed-case spelling with a bad checksum must fail alone, not share a valid one's run.
  const parsed = parsedOrReason(address);
  if (!(parsed instanceof Uint8Array)) return Promise.reject(parsed);
  return accountRuns(`${network}:${bytesToHex(parsed)}`, () => verified(network, (c) => c.account(parsed)));
}

/** One storage slot of a contract (e.g. a token's `balance:0x…`), proven the same way. */
export function verifyStorage(network: NetworkName, contract: string, key: string): Promise<VerifiedStorage> {
  const parsed = parsedOrReason(contract);
  if (!(parsed instanceof Uint8Array)) return Promise.reject(parsed);
  return storageRuns(`${network}:${bytesToHex(parsed)}:${key}`, () => verified(network, (c) => c.storage(parsed, key)));
}

import { LightClient, NETWORKS, UntrustworthyNode, bytesToHex, encodeHeader, httpProofSource, parseAddress, type HeaderChain, type NetworkName, type VerifiedAccount } from '@hackcoin/core';
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
 * they share one header chain. Only the network this wallet was pinned to is
 * verified (NetworkChanged otherwise), and a node caught lying is flagged for
 * every card that shows its figures.
 */
function verified<T>(network: NetworkName, read: (client: LightClient) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    pinNetwork(network);
    const { client, restored } = clientFor(network);
    await restored;
    const before = client.headers.tip.id;
    await client.sync();
    const raw = client.headers.tip.id !== before ? storableHeaders(client.headers) : undefined;
    if (raw) await saveHeaders(network, raw).catch(() => undefined);
    return read(client);
  };
  const next = queue.then(run, run);
  queue = next.catch((e: unknown) => {
    if (e instanceof UntrustworthyNode) flagNode('lied', e.message);
    if (e instanceof NetworkChanged) flagNode('network', e.message);
  });
  return next;
}

/**
 * The headers from height 1 to the tip, for the cache, while the chain still holds them all;
 * undefined once it keeps only its recent window (HeaderChain.lowest > 1). The cache then keeps
 * the prefix it saved last, which a reload checks again and syncs on from.
 */
export function storableHeaders(headers: Pick<HeaderChain, 'height' | 'lowest' | 'at'>): Uint8Array[] | undefined {
  if (headers.lowest > 1) return undefined;
  const raw: Uint8Array[] = [];
  for (let h = 1; h <= headers.height; h++) {
    const entry = headers.at(h);
    if (!entry) return undefined;
    raw.push(encodeHeader(entry.header));
  }
  return raw;
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

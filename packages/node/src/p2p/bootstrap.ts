import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { validAddrs } from './addrman.js';
import { isMultiaddr, isPeerId, multiaddrPeer } from './libp2p.js';
import { isRoutable } from './netgroup.js';

/** A seed's /api/node/info is a few hundred bytes; anything past this is not one. */
export const MAX_SEED_INFO_BYTES = 64 * 1024;
/** Addresses taken from one seed (an address book entry holds no more). */
export const MAX_SEED_ADDRS = 8;

export interface ResolvedPeer {
  peerId: string;
  addrs: string[];
}

/** A host name's address, IPv4 first (what a node bound to 0.0.0.0 answers on). */
export type HostLookup = (name: string) => Promise<string>;

const lookupIPv4First: HostLookup = async (name) => {
  const all = await lookup(name, { all: true });
  const chosen = all.find((a) => a.family === 4) ?? all[0];
  if (!chosen) throw new Error(`${name} has no address`);
  return chosen.address;
};

/**
 * A bootstrap entry is either a multiaddr ending in /p2p/<id>, or the seed's
 * form http://host:port, which we resolve through that node's HTTP API.
 */
export async function resolveAddress(entry: string, timeoutMs = 5_000, resolveHost: HostLookup = lookupIPv4First): Promise<ResolvedPeer> {
  const s = entry.trim();
  if (isMultiaddr(s)) {
    const peerId = multiaddrPeer(s);
    if (!peerId) throw new Error(`multiaddr ${s} has no /p2p/<peer id> component`);
    return { peerId, addrs: [s] };
  }
  let url: URL;
  try {
    url = new URL(/^https?:\/\//.test(s) ? s : `http://${s}`);
  } catch {
    throw new Error(`not a URL or multiaddr: ${s}`);
  }
  // A seed named over plain HTTP is asked at the address its name resolves to: nodes answer only
  // the Host names they are configured for (api/host-guard.ts, against DNS rebinding) but any IP
  // when bound to every interface, and the address reached is then one we can dial.
  if (url.protocol === 'http:' && url.hostname !== 'localhost' && isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0) {
    const ip = await resolveHost(url.hostname);
    url.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
  }
  // Plain HTTP: whoever is on the path answers. No redirect is followed (it would make us request
  // whatever URL it names) and the body is read to a bound (an endless one took 2 GB of heap).
  const res = await fetch(new URL('/api/node/info', url), { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  if (!res.ok) throw new Error(`${url.origin}/api/node/info answered ${res.status}`);
  let info: unknown;
  try {
    info = JSON.parse(await boundedText(res, MAX_SEED_INFO_BYTES));
  } catch (e) {
    throw new Error(`${url.origin}/api/node/info: ${(e as Error).message}`);
  }
  // Any JSON value may come back: `null` was read as an object, a TypeError no one could make sense of.
  const p2p = (info as { p2p?: { peerId?: unknown; addrs?: unknown } | null } | null)?.p2p;
  const peerId = p2p?.peerId;
  const addrs = p2p?.addrs;
  if (typeof peerId !== 'string' || !Array.isArray(addrs)) throw new Error(`${url.origin} does not report p2p addresses`);
  if (!isPeerId(peerId)) throw new Error(`${url.origin} reports an invalid peer id`);
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  return { peerId, addrs: seedAddrs(peerId, host, addrs) };
}

/**
 * The addresses to keep of those a seed reached at `host` lists. They are
 * its word, as a peer's status is: no DNS names, and nothing internal (cloud
 * metadata, a local Redis) unless the seed is itself on loopback or a
 * private network (devnets, tests). A node listening on 0.0.0.0 may list
 * only private addresses; the host we reached it on comes first, so the
 * bound never cuts the one address known to answer.
 */
export function seedAddrs(peerId: string, host: string, listed: unknown[]): string[] {
  const named = listed.filter((a): a is string => typeof a === 'string');
  const valid = validAddrs(peerId, named, { names: false, publicOnly: isRoutable(host) });
  // The port it listens on, from any address of the one shape (its names and private ones included).
  const port = validAddrs(peerId, named, { names: true, publicOnly: false }).map((a) => /\/tcp\/(\d+)/.exec(a)?.[1])[0];
  const family = isIP(host);
  const reached = port !== undefined && family !== 0 ? [`/ip${family}/${host}/tcp/${port}/p2p/${peerId}`] : [];
  return [...new Set([...reached, ...valid])].slice(0, MAX_SEED_ADDRS);
}

async function boundedText(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > max) {
    await res.body?.cancel();
    throw new Error(`answer of ${declared} bytes, over ${max}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  for (let r = await reader?.read(); reader && r && !r.done; r = await reader.read()) {
    total += r.value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`answer over ${max} bytes`);
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function splitList(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

import { isMultiaddr, multiaddrPeer } from './libp2p.js';

export interface ResolvedPeer {
  peerId: string;
  addrs: string[];
}

/**
 * A bootstrap entry is either a multiaddr ending in /p2p/<id>, or the seed's
 * form http://host:port, which we resolve through that node's HTTP API.
 */
export async function resolveAddress(entry: string, timeoutMs = 5_000): Promise<ResolvedPeer> {
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
  const res = await fetch(new URL('/api/node/info', url), { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url.origin}/api/node/info answered ${res.status}`);
  const info = (await res.json()) as { p2p?: { peerId?: unknown; addrs?: unknown } };
  const peerId = info.p2p?.peerId;
  const addrs = info.p2p?.addrs;
  if (typeof peerId !== 'string' || !Array.isArray(addrs)) throw new Error(`${url.origin} does not report p2p addresses`);
  const valid = addrs.filter((a): a is string => typeof a === 'string' && isMultiaddr(a));
  // A node listening on 0.0.0.0 may advertise only private addresses; also try the host we reached it on.
  const port = valid.map((a) => /\/tcp\/(\d+)/.exec(a)?.[1]).find((p) => p);
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  if (port && /^\d+\.\d+\.\d+\.\d+$/.test(host)) valid.push(`/ip4/${host}/tcp/${port}/p2p/${peerId}`);
  return { peerId, addrs: [...new Set(valid)] };
}

export function splitList(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

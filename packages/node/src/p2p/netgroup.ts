/**
 * Network groups, as Bitcoin Core uses them to spread connections and
 * address-book slots: an IPv4 /16 or an IPv6 /32, so one operator with one
 * block of addresses counts once. Loopback is the exception: each 127.x.y.z
 * address is its own group, so a test network on one machine (nodes bound
 * to 127.0.0.2, 127.0.0.3, …) behaves like one spread over the internet.
 * 127.0.0.1 itself is the address of a devnet on one machine: there each
 * port counts as its own group (groupOf) and per-IP limits do not apply
 * (SHARED_LOOPBACK), or its nodes could not connect to more than a few
 * of each other.
 */
export const SHARED_LOOPBACK = '127.0.0.1';

export function netgroup(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return v4[1] === '127' ? ip : `${v4[1]}.${v4[2]}`;
  if (ip.includes(':')) return ip.toLowerCase().split(':').slice(0, 2).join(':');
  return ip.toLowerCase();
}

/** The IP (or DNS name) in a multiaddr such as /ip4/1.2.3.4/tcp/9000/p2p/…; undefined when there is none. */
export function ipOf(multiaddr: string): string | undefined {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)/.exec(multiaddr);
  return m?.[2];
}

/** The netgroup of a multiaddr, or the whole string for ones without an IP (circuit, unix). */
export function groupOf(multiaddr: string): string {
  const ip = ipOf(multiaddr);
  if (ip === SHARED_LOOPBACK) return `${ip}:${/\/tcp\/(\d+)/.exec(multiaddr)?.[1] ?? ''}`;
  return ip === undefined ? multiaddr : netgroup(ip);
}

import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a connection's address is counted under for the per-address limit.
 * An IPv6 host is normally handed a whole /64, so counting full addresses
 * would give one host 2^64 allowances: IPv6 counts per /64. An IPv4-mapped
 * address (::ffff:1.2.3.4, as a dual-stack listener reports IPv4 peers) counts
 * as its IPv4 address.
 */
export function connectionKey(address: string): string {
  const ip = address.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros. */
function expandIPv6(ip: string): string[] {
  // A trailing dotted quad (::1.2.3.4) holds the last two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const text = quad ? `${ip.slice(0, quad.index)}${((+quad[1]! << 8) | +quad[2]!).toString(16)}:${((+quad[3]! << 8) | +quad[4]!).toString(16)}` : ip;
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16));
}

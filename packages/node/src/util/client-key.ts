import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client's limits are counted under: an IPv4 address as is, an IPv6 address by its /64.
 * One IPv6 host is usually given a whole /64, so counting per address would hand it 2^64 budgets.
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address it maps.
 */
export function clientKey(ip: string): string {
  const bare = ip.split('%')[0]!;
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const part = (s: string | undefined): string[] => {
    if (!s) return [];
    const groups = s.split(':');
    const last = groups.at(-1)!;
    // An embedded IPv4 tail stands for two groups.
    if (last.includes('.')) groups.splice(-1, 1, '0', '0');
    return groups;
  };
  const left = part(head);
  const right = part(tail);
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16).toString(16));
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}

import { BlockList, isIPv4 } from 'node:net';

/**
 * Whether a peer address is one of the reverse proxies named in TRUST_PROXY (addresses or CIDR
 * blocks). Only through those is X-Forwarded-For believed; from anyone else it is ignored, or a
 * client could name itself any address and escape its limits.
 */
export function trustedProxies(specs: readonly string[]): (ip: string) => boolean {
  if (specs.length === 0) return () => false;
  const list = new BlockList();
  for (const spec of specs) {
    const [addr, bits] = spec.split('/') as [string, string | undefined];
    const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (ip) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    const addr = mapped ? mapped[1]! : ip;
    return list.check(addr, isIPv4(addr) ? 'ipv4' : 'ipv6');
  };
}

/**
 * Network groups, as Bitcoin Core uses them to spread connections and
 * address-book slots: an IPv4 /16 or an IPv6 /32, so one operator with one
 * block of addresses counts once. Groups come from the parsed address bytes,
 * never from its text: `2001:db8::1` and `2001:0db8::1` are one host, and an
 * IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is its IPv4 address. Loopback
 * is the exception: each 127.x.y.z address is its own group, so a test
 * network on one machine (nodes bound to 127.0.0.2, 127.0.0.3, …) behaves
 * like one spread over the internet. 127.0.0.1 itself is the address of a
 * devnet on one machine: there each port counts as its own group (groupOf)
 * and per-IP limits do not apply (SHARED_LOOPBACK), or its nodes could not
 * connect to more than a few of each other.
 */
export const SHARED_LOOPBACK = '127.0.0.1';

/** The 4 or 16 bytes of an IP in text form, IPv4-mapped IPv6 as its 4 IPv4 bytes; undefined for anything else (DNS names). */
export function parseIp(text: string): Uint8Array | undefined {
  const v4 = parseV4(text);
  if (v4) return v4;
  const v6 = parseV6(text);
  if (!v6) return undefined;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

function parseV4(text: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? Uint8Array.from(b) : undefined;
}

function parseV6(text: string): Uint8Array | undefined {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Canonical text of parsed IP bytes: dotted IPv4, or IPv6 with the longest zero run compressed (RFC 5952). */
export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return b.join('.');
  const w = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/**
 * An IP's one text form (IPv4-mapped IPv6 as IPv4, IPv6 compressed, RFC 5952), for comparing and keying
 * addresses: a dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d. Anything that is not an IP
 * (a DNS name) is lower-cased.
 */
export function canonicalIp(ip: string): string {
  const b = parseIp(ip);
  return b ? formatIp(b) : ip.toLowerCase();
}

/** The IP of a multiaddr in its one text form (see canonicalIp); undefined when it names none. */
export function canonicalIpOf(multiaddr: string): string | undefined {
  const ip = ipOf(multiaddr);
  return ip === undefined ? undefined : canonicalIp(ip);
}

/**
 * Whether an IP is on the public internet (Core's IsRoutable, but keeping
 * the documentation ranges, which tests use as stand-ins for public hosts):
 * not unspecified, loopback, private (RFC 1918), carrier NAT, link-local
 * (which holds cloud metadata at 169.254.169.254), benchmarking,
 * multicast or reserved; for IPv6 not ::, ::1, unique-local, site- or
 * link-local, or multicast. DNS names are not routable addresses.
 */
export function isRoutable(ip: string): boolean {
  const b = parseIp(ip);
  if (!b) return false;
  if (b.length === 4) {
    const [x, y] = [b[0]!, b[1]!];
    return !(
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y < 128) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y < 32) ||
      (x === 192 && y === 168) ||
      (x === 198 && (y === 18 || y === 19)) ||
      x >= 224
    );
  }
  if (b.every((v, i) => v === 0 || (i === 15 && v === 1))) return false;
  const [x, y] = [b[0]!, b[1]!];
  return !((x & 0xfe) === 0xfc || (x === 0xfe && (y & 0x80) === 0x80) || x === 0xff);
}

/**
 * The group of an IP; anything that does not parse as one (a DNS name) is
 * its own group under a prefix no IP has. An IPv6 address that carries an
 * IPv4 address is in that IPv4 address's group (Core's GetNetClass and
 * GetGroup): else one IPv4 host would count once per form, and every Teredo
 * client (all under 2001:0::/32) would share one group.
 */
export function netgroup(ip: string): string {
  const parsed = parseIp(ip);
  if (!parsed) return `name:${ip.toLowerCase()}`;
  const b = parsed.length === 16 ? (embeddedV4(parsed) ?? parsed) : parsed;
  if (b.length === 4) return b[0] === 127 ? formatIp(b) : `${b[0]}.${b[1]}`;
  if (b.every((v, i) => v === 0 || (i === 15 && v === 1))) return formatIp(b);
  return `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
}

const startsWith = (b: Uint8Array, prefix: readonly number[]): boolean => prefix.every((v, i) => b[i] === v);

/**
 * The IPv4 address inside 6to4 (2002::/16, RFC 3964: bytes 2–5), Teredo
 * (2001:0::/32, RFC 4380: the client's address, bits inverted, in the last
 * 4 bytes), NAT64 (64:ff9b::/96, RFC 6052) and IPv4-translated
 * (::ffff:0:0:0/96, RFC 6145) addresses.
 */
function embeddedV4(b: Uint8Array): Uint8Array | undefined {
  if (startsWith(b, [0x20, 0x02])) return b.slice(2, 6);
  if (startsWith(b, [0x20, 0x01, 0, 0])) return b.slice(12).map((x) => x ^ 0xff);
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return b.slice(12);
  if (startsWith(b, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0])) return b.slice(12);
  return undefined;
}

/** The IP (or DNS name) in a multiaddr such as /ip4/1.2.3.4/tcp/9000/p2p/…; undefined when there is none. */
export function ipOf(multiaddr: string): string | undefined {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)/.exec(multiaddr);
  return m?.[2];
}

/** Whether a multiaddr names its host by DNS name rather than by IP. */
export function isDnsAddr(multiaddr: string): boolean {
  return /^\/dns[46]?\//.test(multiaddr);
}

/**
 * The multiaddr with its IP in canonical form (IPv4-mapped IPv6 as /ip4),
 * so textual variants of one address compare equal; undefined when an
 * /ip4 or /ip6 component does not parse.
 */
export function canonicalAddr(multiaddr: string): string | undefined {
  const m = /^\/(ip4|ip6)\/([^/]+)(.*)$/.exec(multiaddr);
  if (!m) return multiaddr;
  const b = parseIp(m[2]!);
  if (!b || (m[1] === 'ip4' && b.length !== 4)) return undefined;
  return `/${b.length === 4 ? 'ip4' : 'ip6'}/${formatIp(b)}${m[3]}`;
}

/** The netgroup of a multiaddr, or the whole string for ones without an IP (circuit, unix). */
export function groupOf(multiaddr: string): string {
  const ip = ipOf(multiaddr);
  const b = ip === undefined ? undefined : parseIp(ip);
  if (b && formatIp(b) === SHARED_LOOPBACK) return `${ip}:${/\/tcp\/(\d+)/.exec(multiaddr)?.[1] ?? ''}`;
  return ip === undefined ? multiaddr : netgroup(ip);
}

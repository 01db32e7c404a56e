/** Header helpers and the Bitcoin genesis block: test vectors and the native addon's load-time self-check. */

/** Expands compact "bits" to a 32-byte little-endian target (Bitcoin's SetCompact; negative or overflowing is an error). */
export function targetFromBits(bits: number): Uint8Array {
  const exp = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  if (bits & 0x00800000) throw new RangeError('negative compact target');
  const value = exp <= 3 ? BigInt(mantissa >>> (8 * (3 - exp))) : BigInt(mantissa) << BigInt(8 * (exp - 3));
  if (value >> 256n !== 0n) throw new RangeError('compact target overflows 256 bits');
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export interface HeaderFields {
  version: number;
  prevHash: Uint8Array; // internal byte order (as hashed)
  merkleRoot: Uint8Array; // internal byte order
  time: number;
  bits: number;
  nonce: number;
}

export function serializeHeader(h: HeaderFields): Uint8Array {
  const out = new Uint8Array(80);
  const view = new DataView(out.buffer);
  view.setUint32(0, h.version >>> 0, true);
  out.set(h.prevHash, 4);
  out.set(h.merkleRoot, 36);
  view.setUint32(68, h.time >>> 0, true);
  view.setUint32(72, h.bits >>> 0, true);
  view.setUint32(76, h.nonce >>> 0, true);
  return out;
}

function fromDisplayHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[out.length - 1 - i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const GENESIS = {
  fields: {
    version: 1,
    prevHash: new Uint8Array(32),
    merkleRoot: fromDisplayHex('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b'),
    time: 1231006505,
    bits: 0x1d00ffff,
    nonce: 2083236893,
  } satisfies HeaderFields,
  /** Block hash in the usual display (byte-reversed) order. */
  hashHex: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
};

export function genesisHeader(): Uint8Array {
  return serializeHeader(GENESIS.fields);
}

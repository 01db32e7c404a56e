/**
 * LevelDB key layout. One-byte prefixes keep each table contiguous; heights
 * are big-endian so they iterate in order.
 */
export const Prefix = {
  /** block hash → index entry (header, height, chain work, status) */
  entry: 0x01,
  /** block hash → raw block */
  block: 0x02,
  /** block hash → undo data for disconnecting it */
  undo: 0x03,
  /** height (BE) → main-chain block hash */
  height: 0x04,
  /** address → account */
  account: 0x05,
  /** tx hash → location in the main chain */
  tx: 0x06,
  /** address ‖ height (BE) ‖ index (BE) → tx hash */
  addressTx: 0x07,
  /** tx hash → mempool transaction */
  mempool: 0x08,
  /** name → value (tip, version) */
  meta: 0x09,
  /** contract address → deployment record (height, deployer, tx hash, instrumented code) */
  contractCode: 0x0a,
  /** contract address ‖ UTF-8 key → JSON value (UTF-8) */
  contractStorage: 0x0b,
  /** tx hash → receipt of a main-chain contract transaction (UTF-8 JSON) */
  receipt: 0x0c,
  /** contract address ‖ height (BE) ‖ tx index (BE) ‖ event index (BE) → event (UTF-8 JSON) */
  contractEvent: 0x0d,
  /** pool block hash → a pool-found block whose PPLNS payout is still due (UTF-8 JSON) */
  poolPending: 0x0e,
  /** sequence (BE u64) → one share in the pool's PPLNS window (UTF-8 JSON) */
  poolShare: 0x0f,
  /** height (BE) ‖ contract address → deployer ‖ deploy tx hash; the bare prefix key holds the count (u32 BE) */
  contractIndex: 0x10,
  /** node hash → state-tree node record (content-addressed, never rewritten; see core state/smt.ts) */
  trieNode: 0x11,
  /** pool address ‖ nonce (BE u64) → a payout signed and recorded as sent, kept until final (UTF-8 JSON) */
  poolPayout: 0x12,
  /** miner address → what the pool owes it, and the found block whose share it last took (UTF-8 JSON) */
  poolBalance: 0x13,
} as const;

export function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return fillKey(new Uint8Array(keyLength(parts)), prefix, parts);
}

export function keyLength(parts: readonly Uint8Array[]): number {
  let len = 1;
  for (const p of parts) len += p.length;
  return len;
}

/** Writes prefix ‖ parts into `out`, which must be keyLength(parts) bytes, so callers can place keys in memory they own. */
export function fillKey(out: Uint8Array, prefix: number, parts: readonly Uint8Array[]): Uint8Array {
  out[0] = prefix;
  let pos = 1;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

export function readU32be(b: Uint8Array, offset: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(offset, false);
}

export const META_TIP = new TextEncoder().encode('tip');
export const META_VERSION = new TextEncoder().encode('version');
export const META_NETWORK = new TextEncoder().encode('network');

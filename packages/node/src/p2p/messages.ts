import { BufferReader, BufferWriter, DecodeError } from '@hackcoin/core';
import { LIMITS } from './protocol.js';

/** The handshake both sides send on connect and again periodically. */
export interface StatusMessage {
  network: string;
  chainId: number;
  genesis: Uint8Array;
  bestHash: Uint8Array;
  height: number;
  chainWork: bigint;
  agent: string;
  listenAddrs: string[];
}

export interface PeerRecord {
  peerId: string;
  addrs: string[];
}

export type SyncRequest =
  | { type: 'headers'; locator: Uint8Array[]; max: number }
  | { type: 'blocks'; hashes: Uint8Array[] }
  /** Bitcoin's `mempool`: the ids of the peer's pending transactions (an inv), best fee rate first. */
  | { type: 'mempool' }
  /** Bitcoin's `getdata` for transactions. */
  | { type: 'txs'; ids: Uint8Array[] };

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

function str(w: BufferWriter, s: string): void {
  w.varBytes(enc.encode(s));
}

/**
 * Characters a peer's free text (its agent, its network name) keeps, as Core's SanitizeString keeps
 * for a subversion: both are logged and shown, and a newline or an escape sequence in them forged
 * log lines and drove the operator's terminal.
 */
const UNSAFE_TEXT = /[^A-Za-z0-9 .,;\-_/:?@()]/g;

function readText(r: BufferReader, max: number): string {
  return readStr(r, max).replace(UNSAFE_TEXT, '');
}

function readStr(r: BufferReader, max: number): string {
  try {
    return dec.decode(r.varBytes(max));
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError('invalid utf-8');
  }
}

function bigToBytes(n: bigint): Uint8Array {
  const hex = n.toString(16);
  const padded = hex.length % 2 ? `0${hex}` : hex;
  return Uint8Array.from(padded.match(/../g)!.map((b) => parseInt(b, 16)));
}

function bytesToBig(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

function count(r: BufferReader, max: number, what: string): number {
  const n = r.varint();
  if (n > max) throw new DecodeError(`too many ${what}: ${n}`);
  return n;
}

export function encodeStatus(s: StatusMessage): Uint8Array {
  const w = new BufferWriter(256);
  str(w, s.network);
  w.u32(s.chainId).fixed(s.genesis, 32).fixed(s.bestHash, 32).u32(s.height).varBytes(bigToBytes(s.chainWork));
  str(w, s.agent.slice(0, 64));
  const addrs = s.listenAddrs.slice(0, LIMITS.maxListenAddrs);
  w.varint(addrs.length);
  for (const a of addrs) str(w, a);
  return w.finish();
}

export function decodeStatus(b: Uint8Array): StatusMessage {
  const r = new BufferReader(b);
  const network = readText(r, 16);
  const chainId = r.u32();
  const genesis = r.bytes(32).slice();
  const bestHash = r.bytes(32).slice();
  const height = r.u32();
  const chainWork = bytesToBig(r.varBytes(64));
  const agent = readText(r, 256);
  const n = count(r, LIMITS.maxListenAddrs, 'addresses');
  const listenAddrs: string[] = [];
  for (let i = 0; i < n; i++) listenAddrs.push(readStr(r, 256));
  r.done();
  return { network, chainId, genesis, bestHash, height, chainWork, agent, listenAddrs };
}

export function encodeSyncRequest(req: SyncRequest): Uint8Array {
  const w = new BufferWriter(64);
  if (req.type === 'headers') {
    w.u8(1).varint(req.max).varint(req.locator.length);
    for (const h of req.locator) w.fixed(h, 32);
  } else if (req.type === 'blocks') {
    w.u8(2).varint(req.hashes.length);
    for (const h of req.hashes) w.fixed(h, 32);
  } else if (req.type === 'mempool') {
    w.u8(3);
  } else {
    w.u8(4).varint(req.ids.length);
    for (const h of req.ids) w.fixed(h, 32);
  }
  return w.finish();
}

export function decodeSyncRequest(b: Uint8Array): SyncRequest {
  const r = new BufferReader(b);
  const tag = r.u8();
  let out: SyncRequest;
  if (tag === 1) {
    const max = Math.min(r.varint(), LIMITS.maxHeaders);
    const n = count(r, LIMITS.maxLocator, 'locator hashes');
    const locator: Uint8Array[] = [];
    for (let i = 0; i < n; i++) locator.push(r.bytes(32).slice());
    out = { type: 'headers', locator, max };
  } else if (tag === 2) {
    const n = count(r, LIMITS.maxBlocksPerRequest, 'block hashes');
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < n; i++) hashes.push(r.bytes(32).slice());
    out = { type: 'blocks', hashes };
  } else if (tag === 3) {
    out = { type: 'mempool' };
  } else if (tag === 4) {
    const n = count(r, LIMITS.maxTxsPerRequest, 'transaction ids');
    const ids: Uint8Array[] = [];
    for (let i = 0; i < n; i++) ids.push(r.bytes(32).slice());
    out = { type: 'txs', ids };
  } else {
    throw new DecodeError(`unknown sync request ${tag}`);
  }
  r.done();
  return out;
}

/** Headers response: 80-byte headers, concatenated after a count. */
export function encodeHeaders(headers: Uint8Array[]): Uint8Array {
  const w = new BufferWriter(8 + headers.length * 80);
  w.varint(headers.length);
  for (const h of headers) w.fixed(h, 80);
  return w.finish();
}

export function decodeHeaders(b: Uint8Array): Uint8Array[] {
  const r = new BufferReader(b);
  const n = count(r, LIMITS.maxHeaders, 'headers');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.bytes(80));
  r.done();
  return out;
}

/** Blocks response: raw encoded blocks; the requester decodes and validates them. */
export function decodeBlocks(b: Uint8Array, maxBlockSize: number): Uint8Array[] {
  const r = new BufferReader(b);
  const n = count(r, LIMITS.maxBlocksPerRequest, 'blocks');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.varBytes(maxBlockSize));
  r.done();
  return out;
}

/**
 * As many of `peers` as fit in LIMITS.pxBytes, the most an asker reads: an answer past it is an
 * oversized frame, an offence, so records that would not fit are left out rather than sent.
 */
export function encodePeers(peers: PeerRecord[]): Uint8Array {
  const records: Uint8Array[] = [];
  let bytes = 0;
  for (const p of peers.slice(0, LIMITS.maxPxPeers)) {
    const w = new BufferWriter(128);
    str(w, p.peerId);
    const addrs = p.addrs.slice(0, LIMITS.maxListenAddrs);
    w.varint(addrs.length);
    for (const a of addrs) str(w, a);
    const record = w.finish();
    // One byte for the count (at most maxPxPeers, under 253).
    if (1 + bytes + record.length > LIMITS.pxBytes) continue;
    records.push(record);
    bytes += record.length;
  }
  const w = new BufferWriter(1 + bytes);
  w.varint(records.length);
  for (const r of records) w.fixed(r, r.length);
  return w.finish();
}

export function decodePeers(b: Uint8Array): PeerRecord[] {
  const r = new BufferReader(b);
  const n = count(r, LIMITS.maxPxPeers, 'peers');
  const out: PeerRecord[] = [];
  for (let i = 0; i < n; i++) {
    const peerId = readStr(r, 128);
    const m = count(r, LIMITS.maxListenAddrs, 'addresses');
    const addrs: string[] = [];
    for (let j = 0; j < m; j++) addrs.push(readStr(r, 256));
    out.push({ peerId, addrs });
  }
  r.done();
  return out;
}

/** A list of 32-byte hashes (the answer to a mempool request). */
export function encodeHashes(hashes: Uint8Array[]): Uint8Array {
  const w = new BufferWriter(8 + hashes.length * 32);
  w.varint(hashes.length);
  for (const h of hashes) w.fixed(h, 32);
  return w.finish();
}

export function decodeHashes(b: Uint8Array, max: number): Uint8Array[] {
  const r = new BufferReader(b);
  const n = count(r, max, 'hashes');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.bytes(32).slice());
  r.done();
  return out;
}

/** Raw blocks or transactions, each length-prefixed. */
export function encodeRawList(items: readonly Uint8Array[]): Uint8Array {
  const w = new BufferWriter(items.reduce((s, b) => s + b.length + 5, 8));
  w.varint(items.length);
  for (const b of items) w.varBytes(b);
  return w.finish();
}

/**
 * Raw transactions, each length-prefixed, each a copy: a view would keep the whole message (up to
 * 2 MB of a peer's choosing) alive for as long as one small transaction is held, as the nonce-gap
 * pool holds them for minutes, counting only the transaction's bytes (one 150-byte transaction per
 * message of filler held ~1.9 MB each: 971 MB for 512 of them).
 */
export function decodeRawList(b: Uint8Array, max: number, maxItemBytes: number): Uint8Array[] {
  return rawListViews(b, max, maxItemBytes).map((item) => item.slice());
}

/**
 * The same list's items as views into `b`, nothing copied: for a caller that judges or decodes them
 * and keeps none (a decoded transaction copies its own bytes).
 */
export function rawListViews(b: Uint8Array, max: number, maxItemBytes: number): Uint8Array[] {
  const r = new BufferReader(b);
  const n = count(r, max, 'items');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.varBytes(maxItemBytes));
  r.done();
  return out;
}

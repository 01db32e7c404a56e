import { BufferReader, BufferWriter, HEADER_SIZE, encodeHeader, encodeTx, readHeader, readTx, type BlockHeader, type Transaction } from '@hackcoin/core';
import { SHORT_ID_BYTES } from './short-id.js';

/**
 * BIP152's messages: a compact block (header, nonce, short ids, prefilled
 * transactions), getblocktxn (the indexes a receiver lacks) and blocktxn (the
 * transactions at those indexes). Every decoder is total: it returns the
 * message or the name of the rule the input broke, never throws.
 */
export interface CompactBlock {
  header: BlockHeader;
  /** 8 bytes, chosen by the announcer; keys the short ids. */
  nonce: Uint8Array;
  /** One per transaction not prefilled, in block order. */
  shortIds: number[];
  /** Absolute indexes, strictly increasing; index 0 is always the coinbase. */
  prefilled: { index: number; tx: Transaction }[];
}

export interface BlockTxnRequest {
  blockHash: Uint8Array;
  /** Absolute indexes, strictly increasing. */
  indexes: number[];
}

export interface BlockTxn {
  blockHash: Uint8Array;
  txs: Transaction[];
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; rule: string; detail: string };

function fail<T>(rule: string, detail: string): Decoded<T> {
  return { ok: false, rule, detail };
}

/** Runs a reader-based decoder; any read past the end, bad varint or bad transaction becomes `rule`. */
function total<T>(rule: string, b: Uint8Array, read: (r: BufferReader) => Decoded<T>): Decoded<T> {
  try {
    const r = new BufferReader(b);
    const out = read(r);
    if (out.ok) r.done();
    return out;
  } catch (e) {
    return fail(rule, e instanceof Error ? e.message : 'undecodable');
  }
}

function writeU48(w: BufferWriter, v: number): void {
  const lo = v % 2 ** 32;
  w.u32(lo);
  const hi = (v - lo) / 2 ** 32;
  w.u8(hi & 0xff).u8((hi >>> 8) & 0xff);
}

function readU48(r: BufferReader): number {
  const lo = r.u32();
  const hi = r.u8() | (r.u8() << 8);
  return hi * 2 ** 32 + lo;
}

/** Differentially encoded indexes (BIP152): each is the gap after the previous one, so the list is strictly increasing by construction. */
function writeIndexes(w: BufferWriter, indexes: readonly number[]): void {
  let prev = -1;
  for (const i of indexes) {
    w.varint(i - prev - 1);
    prev = i;
  }
}

function readIndexes(r: BufferReader, n: number, limit: number): Decoded<number[]> {
  const out: number[] = [];
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const i = prev + 1 + r.varint();
    if (i >= limit) return fail('cmpct-index-overflow', `index ${i} ≥ ${limit}`);
    out.push(i);
    prev = i;
  }
  return { ok: true, value: out };
}

export function encodeCompactBlock(cb: CompactBlock): Uint8Array {
  const w = new BufferWriter(HEADER_SIZE + 16 + cb.shortIds.length * SHORT_ID_BYTES + 256);
  w.bytes(encodeHeader(cb.header)).fixed(cb.nonce, 8).varint(cb.shortIds.length);
  for (const s of cb.shortIds) writeU48(w, s);
  w.varint(cb.prefilled.length);
  let prev = -1;
  for (const p of cb.prefilled) {
    w.varint(p.index - prev - 1).bytes(encodeTx(p.tx));
    prev = p.index;
  }
  return w.finish();
}

export function decodeCompactBlock(b: Uint8Array, maxTxs: number): Decoded<CompactBlock> {
  return total('cmpct-malformed', b, (r) => {
    const header = readHeader(r);
    const nonce = r.bytes(8).slice();
    const nShort = r.varint();
    if (nShort > maxTxs) return fail('cmpct-too-many-txs', `${nShort} short ids`);
    // Count against the bytes actually present before allocating anything.
    if (nShort * SHORT_ID_BYTES > r.remaining) return fail('cmpct-malformed', 'short ids past the end');
    const shortIds = new Array<number>(nShort);
    for (let i = 0; i < nShort; i++) shortIds[i] = readU48(r);
    const nPre = r.varint();
    if (nPre === 0) return fail('cmpct-no-coinbase', 'no prefilled coinbase');
    if (nShort + nPre > maxTxs) return fail('cmpct-too-many-txs', `${nShort + nPre} transactions`);
    if (nPre > r.remaining) return fail('cmpct-malformed', 'prefilled past the end');
    const totalTxs = nShort + nPre;
    const prefilled: CompactBlock['prefilled'] = [];
    let prev = -1;
    for (let k = 0; k < nPre; k++) {
      const index = prev + 1 + r.varint();
      if (index >= totalTxs) return fail('cmpct-index-overflow', `prefilled index ${index} ≥ ${totalTxs}`);
      const tx = readTx(r);
      if ((index === 0) !== (tx.kind === 'coinbase')) return fail('cmpct-no-coinbase', `prefilled ${tx.kind} at index ${index}`);
      prefilled.push({ index, tx });
      prev = index;
    }
    if (prefilled[0]!.index !== 0) return fail('cmpct-no-coinbase', 'coinbase not prefilled');
    return { ok: true, value: { header, nonce, shortIds, prefilled } };
  });
}

export function encodeBlockTxnRequest(req: BlockTxnRequest): Uint8Array {
  const w = new BufferWriter(40 + req.indexes.length * 2);
  w.fixed(req.blockHash, 32).varint(req.indexes.length);
  writeIndexes(w, req.indexes);
  return w.finish();
}

export function decodeBlockTxnRequest(b: Uint8Array, maxTxs: number): Decoded<BlockTxnRequest> {
  return total('cmpct-malformed', b, (r) => {
    const blockHash = r.bytes(32).slice();
    const n = r.varint();
    if (n === 0) return fail('cmpct-empty-request', 'no indexes');
    if (n > maxTxs || n > r.remaining) return fail('cmpct-too-many-txs', `${n} indexes`);
    const indexes = readIndexes(r, n, maxTxs);
    return indexes.ok ? { ok: true, value: { blockHash, indexes: indexes.value } } : indexes;
  });
}

export function encodeBlockTxn(msg: BlockTxn): Uint8Array {
  const w = new BufferWriter(40 + msg.txs.length * 200);
  w.fixed(msg.blockHash, 32).varint(msg.txs.length);
  for (const tx of msg.txs) w.bytes(encodeTx(tx));
  return w.finish();
}

export function decodeBlockTxn(b: Uint8Array, maxTxs: number): Decoded<BlockTxn> {
  return total('cmpct-malformed', b, (r) => {
    const blockHash = r.bytes(32).slice();
    const n = r.varint();
    if (n > maxTxs || n > r.remaining) return fail('cmpct-too-many-txs', `${n} transactions`);
    const txs: Transaction[] = [];
    for (let i = 0; i < n; i++) {
      const tx = readTx(r);
      if (tx.kind !== 'transfer') return fail('cmpct-blocktxn-coinbase', `coinbase at position ${i}`);
      txs.push(tx);
    }
    return { ok: true, value: { blockHash, txs } };
  });
}

import { bytesToHex, decodeTx, encodeTx, hexToBytes, txId, type TransferTx } from '@hackcoin/core';
import type { Database, KeyedOp } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';

export interface Payout {
  blockHeight: number;
  blockHash: string;
  address: string;
  amount: string;
  fee: string;
  txid: string | null;
  status: 'sent' | 'failed' | 'orphaned';
  error?: string;
}

/** A payout transaction signed and recorded as sent, with the record it was reported under. */
export interface SentPayout {
  tx: TransferTx;
  record: Payout;
}

/**
 * The pool's signed payouts that are not yet final, in LevelDB under the pool's address, as a
 * wallet keeps its unconfirmed transactions: a payout the mempool dropped before a restart is
 * offered again after it, and its nonce is never signed a second time. Writes are returned as
 * operations so the caller lands them in one batch with the owed-block record they change.
 */
export class PayoutJournal {
  constructor(
    private readonly db: Database,
    private readonly address: Uint8Array,
  ) {}

  /** This address's entries in nonce order, and how many rows could not be read. */
  async load(): Promise<{ entries: SentPayout[]; unreadable: number }> {
    const entries: SentPayout[] = [];
    let unreadable = 0;
    const from = key(Prefix.poolPayout, this.address);
    const to = key(Prefix.poolPayout, this.address, new Uint8Array(9).fill(0xff));
    for await (const [k, v] of this.db.iterator({ gte: from, lt: to })) {
      const entry = decode(v, nonceOf(k));
      if (entry) entries.push(entry);
      else unreadable++;
    }
    return { entries, unreadable };
  }

  /**
   * Rows kept under other addresses, by address (hex) with their count: a pool key changed while
   * payouts were unfinished. Their nonces are another key's, so nothing here sends or reuses them.
   */
  async others(): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const ranges = [
      { gte: key(Prefix.poolPayout), lt: key(Prefix.poolPayout, this.address) },
      { gte: key(Prefix.poolPayout, this.address, new Uint8Array(9).fill(0xff)), lt: key(Prefix.poolPayout + 1) },
    ];
    for (const range of ranges) {
      for await (const [k] of this.db.iterator(range)) {
        const address = `0x${bytesToHex(k.subarray(1, Math.max(1, k.length - 8)))}`;
        found.set(address, (found.get(address) ?? 0) + 1);
      }
    }
    return found;
  }

  put(entry: SentPayout): KeyedOp {
    return { type: 'put', key: this.keyOf(entry.tx.nonce), value: encode(entry) };
  }

  del(nonce: bigint): KeyedOp {
    return { type: 'del', key: this.keyOf(nonce) };
  }

  private keyOf(nonce: bigint): Uint8Array {
    const n = new Uint8Array(8);
    new DataView(n.buffer).setBigUint64(0, nonce);
    return key(Prefix.poolPayout, this.address, n);
  }
}

function nonceOf(k: Uint8Array): bigint {
  return new DataView(k.buffer, k.byteOffset + k.byteLength - 8, 8).getBigUint64(0);
}

function encode({ tx, record }: SentPayout): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ tx: bytesToHex(encodeTx(tx)), record }));
}

function decode(v: Uint8Array, nonce: bigint): SentPayout | null {
  try {
    const j = JSON.parse(new TextDecoder().decode(v)) as { tx?: unknown; record?: Partial<Payout> };
    if (typeof j.tx !== 'string' || !j.record) return null;
    const tx = decodeTx(hexToBytes(j.tx));
    const r = j.record;
    if (tx.kind !== 'transfer' || tx.nonce !== nonce || r.txid !== txId(tx)) return null;
    const strings = [r.blockHash, r.address, r.amount, r.fee, r.txid];
    if (typeof r.blockHeight !== 'number' || strings.some((s) => typeof s !== 'string') || r.status !== 'sent') return null;
    const record: Payout = { blockHeight: r.blockHeight, blockHash: r.blockHash!, address: r.address!, amount: r.amount!, fee: r.fee!, txid: r.txid!, status: 'sent' };
    return { tx, record };
  } catch {
    return null;
  }
}

import { BufferReader, BufferWriter, hexToBytes, bytesToHex, type Account } from '@hackcoin/core';

/** The accounts a block changed, as they were before it: enough to disconnect it. */
export type UndoData = Map<string, Account | null>;

export function encodeUndo(undo: UndoData): Uint8Array {
  const w = new BufferWriter(16 + undo.size * 37);
  w.varint(undo.size);
  for (const [k, acc] of undo) {
    w.fixed(hexToBytes(k), 20);
    if (acc) w.u8(1).u64(acc.balance).u64(acc.nonce);
    else w.u8(0);
  }
  return w.finish();
}

export function decodeUndo(bytes: Uint8Array): UndoData {
  const r = new BufferReader(bytes);
  const n = r.varint();
  const out: UndoData = new Map();
  for (let i = 0; i < n; i++) {
    const k = bytesToHex(r.bytes(20));
    out.set(k, r.u8() === 1 ? { balance: r.u64(), nonce: r.u64() } : null);
  }
  r.done();
  return out;
}

import { BufferReader, BufferWriter, hexToBytes, bytesToHex, type Account } from '@hackcoin/core';

/** The accounts a block changed, as they were before it: enough to disconnect it. */
export type UndoData = Map<string, Account | null>;

/** What a block with contract transactions changed beyond accounts. */
export interface ContractUndo {
  /** Contracts the block deployed (address keys): removed on disconnect. */
  deployed: string[];
  /** Storage slots the block wrote, with their value before it (null = absent). */
  storage: { address: string; key: string; value: string | null }[];
  /** Event index keys the block added (deleted on disconnect). */
  eventKeys: Uint8Array[];
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/**
 * varint(n) ‖ Σ (address ‖ 1 ‖ balance ‖ nonce | address ‖ 0), then, only for
 * blocks with contract changes: varint(deployed) ‖ Σ address ‖ varint(slots) ‖
 * Σ (address ‖ key ‖ 1 ‖ value | address ‖ key ‖ 0) ‖ varint(events) ‖ Σ key.
 */
export function encodeUndo(undo: UndoData, contracts?: ContractUndo): Uint8Array {
  const w = new BufferWriter(16 + undo.size * 37);
  w.varint(undo.size);
  for (const [k, acc] of undo) {
    w.fixed(hexToBytes(k), 20);
    if (acc) w.u8(1).u64(acc.balance).u64(acc.nonce);
    else w.u8(0);
  }
  if (contracts && (contracts.deployed.length > 0 || contracts.storage.length > 0 || contracts.eventKeys.length > 0)) {
    w.varint(contracts.deployed.length);
    for (const a of contracts.deployed) w.fixed(hexToBytes(a), 20);
    w.varint(contracts.storage.length);
    for (const s of contracts.storage) {
      w.fixed(hexToBytes(s.address), 20).varBytes(enc.encode(s.key));
      if (s.value === null) w.u8(0);
      else w.u8(1).varBytes(enc.encode(s.value));
    }
    w.varint(contracts.eventKeys.length);
    for (const k of contracts.eventKeys) w.varBytes(k);
  }
  return w.finish();
}

const MAX = 1 << 20;

export function decodeUndo(bytes: Uint8Array): UndoData {
  return decodeFullUndo(bytes).accounts;
}

export function decodeFullUndo(bytes: Uint8Array): { accounts: UndoData; contracts: ContractUndo } {
  const r = new BufferReader(bytes);
  const n = r.varint();
  const out: UndoData = new Map();
  for (let i = 0; i < n; i++) {
    const k = bytesToHex(r.bytes(20));
    out.set(k, r.u8() === 1 ? { balance: r.u64(), nonce: r.u64() } : null);
  }
  const contracts: ContractUndo = { deployed: [], storage: [], eventKeys: [] };
  if (r.pos < bytes.length) {
    const d = r.varint();
    for (let i = 0; i < d; i++) contracts.deployed.push(bytesToHex(r.bytes(20)));
    const m = r.varint();
    for (let i = 0; i < m; i++) {
      const address = bytesToHex(r.bytes(20));
      const key = dec.decode(r.varBytes(MAX));
      contracts.storage.push({ address, key, value: r.u8() === 1 ? dec.decode(r.varBytes(MAX)) : null });
    }
    const e = r.varint();
    for (let i = 0; i < e; i++) contracts.eventKeys.push(r.varBytes(MAX).slice());
  }
  r.done();
  return { accounts: out, contracts };
}

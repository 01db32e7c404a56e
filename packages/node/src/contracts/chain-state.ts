import {
  addressKey,
  bytesToHex,
  formatAddress,
  hashToHex,
  hexToBytes,
  txHash,
  txSender,
  type Block,
  type BlockTransition,
  type ContractStateBase,
  type Receipt,
  type SignatureBackend,
} from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key, readU32be, u32be } from '../store/keys.js';
import type { ContractUndo } from '../chain/undo.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface Deployment {
  address: string;
  code: string;
  deployer: string;
  height: number;
  txId: string;
}

export interface ReceiptJson {
  status: Receipt['status'];
  gasUsed: number;
  gasPrice: string;
  fee: string;
  contractAddress: string;
  returnValue?: unknown;
  revertReason?: string;
  events: { name: string; data: unknown }[];
}

export interface StoredEvent {
  name: string;
  data: unknown;
  txId: string;
  height: number;
}

export function receiptJson(r: Receipt): ReceiptJson {
  const out: ReceiptJson = {
    status: r.status,
    gasUsed: r.gasUsed,
    gasPrice: r.gasPrice.toString(),
    fee: (BigInt(r.gasUsed) * r.gasPrice).toString(),
    contractAddress: formatAddress(r.contract),
    events: r.events,
  };
  if (r.returnValue !== undefined) out.returnValue = r.returnValue;
  if (r.revertReason !== undefined) out.revertReason = r.revertReason;
  return out;
}

function encodeDeployment(d: Deployment): Uint8Array {
  const code = enc.encode(d.code);
  const out = new Uint8Array(4 + 20 + 32 + code.length);
  out.set(u32be(d.height), 0);
  out.set(hexToBytes(d.deployer), 4);
  out.set(hexToBytes(d.txId), 24);
  out.set(code, 56);
  return out;
}

function decodeDeployment(address: string, v: Uint8Array): Deployment {
  return {
    address,
    height: readU32be(v, 0),
    deployer: bytesToHex(v.subarray(4, 24)),
    txId: bytesToHex(v.subarray(24, 56)),
    code: dec.decode(v.subarray(56)),
  };
}

/**
 * Committed contract code and storage. LevelDB is the record (written in the
 * chain's atomic connect/disconnect batches); this class mirrors it in memory
 * because contract execution is synchronous and may read any key. The mirror
 * is changed only after a batch has been written (`apply` callbacks).
 */
export class ContractChainState implements ContractStateBase {
  private readonly codes = new Map<string, Deployment>();
  private readonly storage = new Map<string, Map<string, string>>();

  private constructor(private readonly db: Database) {}

  static async load(db: Database): Promise<ContractChainState> {
    const s = new ContractChainState(db);
    for await (const [k, v] of db.iterator({ gte: key(Prefix.contractCode), lt: key(Prefix.contractCode + 1) })) {
      const address = bytesToHex(k.subarray(1, 21));
      s.codes.set(address, decodeDeployment(address, v));
    }
    for await (const [k, v] of db.iterator({ gte: key(Prefix.contractStorage), lt: key(Prefix.contractStorage + 1) })) {
      const address = bytesToHex(k.subarray(1, 21));
      let slots = s.storage.get(address);
      if (!slots) s.storage.set(address, (slots = new Map()));
      slots.set(dec.decode(k.subarray(21)), dec.decode(v));
    }
    return s;
  }

  clear(): void {
    this.codes.clear();
    this.storage.clear();
  }

  storageGet(address: string, k: string): string | undefined {
    return this.storage.get(address)?.get(k);
  }

  codeOf(address: string): string | undefined {
    return this.codes.get(address)?.code;
  }

  deployment(address: string): Deployment | undefined {
    return this.codes.get(address);
  }

  /** Deployed contracts, oldest first. */
  list(): Deployment[] {
    return [...this.codes.values()].sort((a, b) => a.height - b.height || (a.address < b.address ? -1 : 1));
  }

  storageEntries(address: string): [string, string][] {
    return [...(this.storage.get(address) ?? new Map<string, string>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async receipt(hash: Uint8Array): Promise<ReceiptJson | undefined> {
    const raw = await this.db.get(key(Prefix.receipt, hash));
    return raw ? (JSON.parse(dec.decode(raw)) as ReceiptJson) : undefined;
  }

  /** A contract's most recent events on the main chain, newest first. */
  async events(address: Uint8Array, limit: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    const upper = key(Prefix.contractEvent, address, new Uint8Array(12).fill(0xff));
    for await (const [k, v] of this.db.iterator({ gte: key(Prefix.contractEvent, address), lt: upper, reverse: true })) {
      out.push({ ...(JSON.parse(dec.decode(v)) as Omit<StoredEvent, 'height'>), height: readU32be(k, 21) });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Batch operations and undo data for connecting `block`; `apply` updates the mirror after the batch. */
  connect(t: BlockTransition, block: Block, height: number, backend: SignatureBackend): { ops: BatchOp[]; undo: ContractUndo; apply: () => void } {
    const ops: BatchOp[] = [];
    const undo: ContractUndo = { deployed: [], storage: [], eventKeys: [] };
    const deployments: Deployment[] = [];
    for (const [index, r] of t.receipts) {
      const tx = block.txs[index]!;
      if (tx.kind !== 'transfer') continue;
      const hash = txHash(tx);
      ops.push({ type: 'put', key: key(Prefix.receipt, hash), value: enc.encode(JSON.stringify(receiptJson(r))) });
      r.events.forEach((e, i) => {
        const k = key(Prefix.contractEvent, r.contract, u32be(height), u32be(index), u32be(i));
        ops.push({ type: 'put', key: k, value: enc.encode(JSON.stringify({ name: e.name, data: e.data, txId: hashToHex(hash) })) });
        undo.eventKeys.push(k);
      });
      const address = addressKey(r.contract);
      const code = t.contracts.deployments().get(address);
      if (code !== undefined && r.status === 'success') {
        const d: Deployment = { address, code, deployer: addressKey(txSender(tx, backend)), height, txId: bytesToHex(hash) };
        deployments.push(d);
        ops.push({ type: 'put', key: key(Prefix.contractCode, r.contract), value: encodeDeployment(d) });
        undo.deployed.push(address);
      }
    }
    const previous = t.contracts.storagePrevious();
    for (const [id, slot] of t.contracts.storageChanges()) {
      const k = key(Prefix.contractStorage, hexToBytes(slot.address), enc.encode(slot.key));
      ops.push(slot.value === null ? { type: 'del', key: k } : { type: 'put', key: k, value: enc.encode(slot.value) });
      undo.storage.push({ address: slot.address, key: slot.key, value: previous.get(id) ?? null });
    }
    const apply = (): void => {
      for (const d of deployments) this.codes.set(d.address, d);
      for (const slot of t.contracts.storageChanges().values()) this.setSlot(slot.address, slot.key, slot.value);
    };
    return { ops, undo, apply };
  }

  /** Batch operations for disconnecting `block` with its undo data; `apply` updates the mirror after the batch. */
  disconnect(block: Block, undo: ContractUndo): { ops: BatchOp[]; apply: () => void } {
    const ops: BatchOp[] = [];
    for (const tx of block.txs) {
      if (tx.kind === 'transfer' && tx.data.length > 0) ops.push({ type: 'del', key: key(Prefix.receipt, txHash(tx)) });
    }
    for (const k of undo.eventKeys) ops.push({ type: 'del', key: k });
    for (const a of undo.deployed) ops.push({ type: 'del', key: key(Prefix.contractCode, hexToBytes(a)) });
    for (const s of undo.storage) {
      const k = key(Prefix.contractStorage, hexToBytes(s.address), enc.encode(s.key));
      ops.push(s.value === null ? { type: 'del', key: k } : { type: 'put', key: k, value: enc.encode(s.value) });
    }
    const apply = (): void => {
      for (const a of undo.deployed) this.codes.delete(a);
      for (const s of undo.storage) this.setSlot(s.address, s.key, s.value);
    };
    return { ops, apply };
  }

  private setSlot(address: string, k: string, value: string | null): void {
    let slots = this.storage.get(address);
    if (value === null) {
      slots?.delete(k);
      if (slots && slots.size === 0) this.storage.delete(address);
      return;
    }
    if (!slots) this.storage.set(address, (slots = new Map()));
    slots.set(k, value);
  }
}

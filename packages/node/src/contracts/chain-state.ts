import {
  addressKey,
  blockCoinbase,
  bytesToHex,
  concatBytes,
  formatAddress,
  hashToHex,
  hexToBytes,
  isWellFormedUnicode,
  txHash,
  txSender,
  utf8ToBytes,
  type Block,
  type BlockTransition,
  type ContractStateBase,
  type Receipt,
  type SignatureBackend,
} from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key, readU32be, u32be } from '../store/keys.js';
import type { ContractUndo } from '../chain/undo.js';
import { ByteLru } from '../util/byte-lru.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A string as a read from LevelDB returns it (UTF-8 round trip: a lone surrogate becomes U+FFFD).
 * The caches hold this form, so a node that kept an entry and one that read it back from disk
 * (after a restart or an eviction) run the same code and see the same slots. Consensus rules
 * keep such strings out (contractPayload); this is the second line.
 */
function asStored(s: string): string {
  return isWellFormedUnicode(s) ? s : dec.decode(enc.encode(s));
}

export interface DeploymentInfo {
  address: string;
  deployer: string;
  height: number;
  txId: string;
}

export interface Deployment extends DeploymentInfo {
  code: string;
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
  /** Coins the contract paid out ("internal transactions"), base units as decimal strings. */
  transfers?: { from: string; to: string; amount: string }[];
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
  if (r.transfers) out.transfers = r.transfers.map((t) => ({ from: out.contractAddress, to: formatAddress(t.to), amount: t.amount.toString() }));
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

function decodeDeploymentInfo(address: string, v: Uint8Array): DeploymentInfo {
  return { address, height: readU32be(v, 0), deployer: bytesToHex(v.subarray(4, 24)), txId: bytesToHex(v.subarray(24, 56)) };
}

const COUNT_KEY = key(Prefix.contractIndex);

/** Deployment index entry: newest-first listing without reading any code. */
function indexPut(d: DeploymentInfo): BatchOp {
  const value = new Uint8Array(52);
  value.set(hexToBytes(d.deployer), 0);
  value.set(hexToBytes(d.txId), 20);
  return { type: 'put', key: key(Prefix.contractIndex, u32be(d.height), hexToBytes(d.address)), value };
}

function decodeDeployment(address: string, v: Uint8Array): Deployment {
  return { ...decodeDeploymentInfo(address, v), code: dec.decode(v.subarray(56)) };
}

/** Bytes of cache each kind of contract state may hold (LRU); the rest stays on disk. */
export interface ContractCacheLimits {
  storageBytes: number;
  codeBytes: number;
}

export const DEFAULT_CACHE_LIMITS: ContractCacheLimits = { storageBytes: 32 * 1024 * 1024, codeBytes: 16 * 1024 * 1024 };

/** Approximate heap cost of a cached entry: UTF-16 strings plus map and object overhead. */
const ENTRY_OVERHEAD = 96;

/**
 * Committed contract code and storage. LevelDB is the record (written in the
 * chain's atomic connect/disconnect batches) and nothing is loaded at
 * start-up: contract execution is synchronous, so reads go through
 * byte-bounded LRU caches to `getSync`. The caches are updated only after a
 * batch has been written (`apply` callbacks), so they never hold state the
 * database does not; absent slots are cached too (as null).
 */
export class ContractChainState implements ContractStateBase {
  private readonly codes: ByteLru<Deployment | null>;
  private readonly slots: ByteLru<string | null>;
  /** Deployed contracts on the main chain (mirrors the count stored under the index prefix). */
  private count = 0;
  /** Reads that went to LevelDB (cache misses), for tests and monitoring. */
  diskReads = 0;

  private constructor(private readonly db: Database, limits: ContractCacheLimits) {
    this.codes = new ByteLru(limits.codeBytes);
    this.slots = new ByteLru(limits.storageBytes);
  }

  /**
   * Opens the state over `db`: reads the contract count and nothing else. A
   * database written before the deployment index existed gets it built once.
   */
  static async load(db: Database, limits: ContractCacheLimits = DEFAULT_CACHE_LIMITS): Promise<ContractChainState> {
    const s = new ContractChainState(db, limits);
    const stored = await db.get(COUNT_KEY);
    if (stored !== undefined) {
      s.count = readU32be(stored, 0);
      return s;
    }
    const ops: BatchOp[] = [];
    for await (const [k, v] of db.iterator({ gte: key(Prefix.contractCode), lt: key(Prefix.contractCode + 1) })) {
      ops.push(indexPut(decodeDeploymentInfo(bytesToHex(k.subarray(1, 21)), v)));
    }
    s.count = ops.length;
    ops.push({ type: 'put', key: COUNT_KEY, value: u32be(s.count) });
    await db.batch(ops);
    return s;
  }

  /** Forgets everything cached; the caller clears the tables (reindex). */
  clear(): void {
    this.codes.clear();
    this.slots.clear();
    this.count = 0;
  }

  /** Heap held by the caches (bytes, as estimated for the LRU bound). */
  cacheBytes(): number {
    return this.codes.bytes + this.slots.bytes;
  }

  storageGet(address: string, k: string): string | undefined {
    let v = this.slots.get(address + asStored(k));
    if (v === undefined) {
      this.diskReads++;
      const raw = this.db.getSync(key(Prefix.contractStorage, hexToBytes(address), enc.encode(k)));
      v = raw === undefined ? null : dec.decode(raw);
      this.cacheSlot(address, k, v);
    }
    return v ?? undefined;
  }

  codeOf(address: string): string | undefined {
    return this.deployment(address)?.code;
  }

  deployment(address: string): Deployment | undefined {
    let d = this.codes.get(address);
    if (d === undefined) {
      if (!/^[0-9a-f]{40}$/.test(address)) return undefined;
      this.diskReads++;
      const raw = this.db.getSync(key(Prefix.contractCode, hexToBytes(address)));
      d = raw === undefined ? null : decodeDeployment(address, raw);
      this.cacheCode(address, d);
    }
    return d ?? undefined;
  }

  /** Deployed contracts without their code, newest first, from the deployment index. */
  async list(offset: number, limit: number): Promise<{ total: number; items: DeploymentInfo[] }> {
    const items: DeploymentInfo[] = [];
    let skipped = 0;
    const range = { gt: COUNT_KEY, lt: key(Prefix.contractIndex + 1), reverse: true };
    for await (const [k, v] of this.db.iterator(range)) {
      if (items.length >= limit) break;
      if (skipped++ < offset) continue;
      items.push({ address: bytesToHex(k.subarray(5, 25)), height: readU32be(k, 1), deployer: bytesToHex(v.subarray(0, 20)), txId: bytesToHex(v.subarray(20, 52)) });
    }
    return { total: this.count, items };
  }

  /** Up to `limit` of a contract's storage entries, in key byte order, after the key `after` if given. */
  async storageEntries(address: string, limit: number, after?: string): Promise<[string, string][]> {
    return (await this.storagePage(address, limit, after)).entries;
  }

  /**
   * As storageEntries, and only while the entries' stored key and value bytes stay within `maxBytes`
   * (the first always comes); `more` says whether the listing goes on. The entry that tells is read
   * but not decoded. Pages were read and decoded whole before being cut to size: 1,000 slots of
   * 64 KiB made 64 MB of strings per request, and 100 requests together ran the node out of memory.
   */
  async storagePage(address: string, limit: number, after?: string, maxBytes = Infinity): Promise<{ entries: [string, string][]; more: boolean }> {
    const entries: [string, string][] = [];
    if (limit <= 0) return { entries, more: false };
    const { gte, lt } = this.slotRange(address);
    const range = after === undefined ? { gte, lt } : { gt: concatBytes(gte, utf8ToBytes(after)), lt };
    let bytes = 0;
    for await (const [k, v] of this.db.iterator(range)) {
      const size = k.length - 21 + v.length;
      if (entries.length >= limit || (entries.length > 0 && bytes + size > maxBytes)) return { entries, more: true };
      bytes += size;
      entries.push([dec.decode(k.subarray(21)), dec.decode(v)]);
    }
    return { entries, more: false };
  }

  /** Number of a contract's storage entries, counting at most `cap`. */
  async storageCount(address: string, cap: number): Promise<number> {
    let n = 0;
    for await (const _ of this.db.keys(this.slotRange(address))) {
      if (++n >= cap) break;
    }
    return n;
  }

  private slotRange(address: string): { gte: Uint8Array; lt: Uint8Array } {
    const a = hexToBytes(address);
    const upper = key(Prefix.contractStorage, a);
    // Bump the last address byte with carry: every key of this contract sorts below it.
    let i = upper.length - 1;
    while (i > 0 && upper[i] === 0xff) upper[i--] = 0;
    if (i === 0) return { gte: key(Prefix.contractStorage, a), lt: key(Prefix.contractStorage + 1) };
    upper[i]! += 1;
    return { gte: key(Prefix.contractStorage, a), lt: upper };
  }

  private cacheSlot(address: string, k: string, value: string | null): void {
    const id = address + asStored(k);
    const v = value === null ? null : asStored(value);
    this.slots.set(id, v, 2 * (id.length + (v?.length ?? 0)) + ENTRY_OVERHEAD);
  }

  private cacheCode(address: string, d: Deployment | null): void {
    this.codes.set(address, d, 2 * (d?.code.length ?? 0) + ENTRY_OVERHEAD * 2);
  }

  async receipt(hash: Uint8Array): Promise<ReceiptJson | undefined> {
    const raw = await this.db.get(key(Prefix.receipt, hash));
    return raw ? (JSON.parse(dec.decode(raw)) as ReceiptJson) : undefined;
  }

  /** A contract's most recent events on the main chain, newest first. */
  /** The newest `limit` events, stopping once their stored JSON passes `maxBytes` (the newest always comes). */
  async events(address: Uint8Array, limit: number, maxBytes = Infinity): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let bytes = 0;
    const upper = key(Prefix.contractEvent, address, new Uint8Array(12).fill(0xff));
    for await (const [k, v] of this.db.iterator({ gte: key(Prefix.contractEvent, address), lt: upper, reverse: true })) {
      if (out.length > 0 && bytes + v.length > maxBytes) break;
      bytes += v.length;
      out.push({ ...(JSON.parse(dec.decode(v)) as Omit<StoredEvent, 'height'>), height: readU32be(k, 21) });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Batch operations and undo data for connecting `block`; `apply` updates the mirror after the batch. */
  connect(t: BlockTransition, block: Block, height: number, backend: SignatureBackend): { ops: BatchOp[]; undo: ContractUndo; apply: () => void } {
    const ops: BatchOp[] = [];
    const undo: ContractUndo = { deployed: [], storage: [], eventKeys: [] };
    /** What a read of each new deployment from LevelDB returns (decoded from the very bytes written). */
    const deployments: Deployment[] = [];
    /**
     * Contracts whose deployment this block has recorded: a call to one later in the same block has a
     * successful receipt for it too, and recorded the caller and the call as its deployment.
     */
    const recorded = new Set<string>();
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
      if (code !== undefined && r.status === 'success' && !recorded.has(address)) {
        recorded.add(address);
        const d: Deployment = { address, code, deployer: addressKey(txSender(tx, backend)), height, txId: bytesToHex(hash) };
        const value = encodeDeployment(d);
        deployments.push(decodeDeployment(address, value));
        ops.push({ type: 'put', key: key(Prefix.contractCode, r.contract), value });
        ops.push(indexPut(d));
        undo.deployed.push(address);
      }
    }
    const previous = t.contracts.storagePrevious();
    for (const [id, slot] of t.contracts.storageChanges()) {
      const k = key(Prefix.contractStorage, hexToBytes(slot.address), enc.encode(slot.key));
      ops.push(slot.value === null ? { type: 'del', key: k } : { type: 'put', key: k, value: enc.encode(slot.value) });
      undo.storage.push({ address: slot.address, key: slot.key, value: previous.get(id) ?? null });
    }
    if (deployments.length > 0) ops.push({ type: 'put', key: COUNT_KEY, value: u32be(this.count + deployments.length) });
    const apply = (): void => {
      this.count += deployments.length;
      for (const d of deployments) this.cacheCode(d.address, d);
      for (const slot of t.contracts.storageChanges().values()) this.cacheSlot(slot.address, slot.key, slot.value);
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
    const height = blockCoinbase(block)!.height;
    for (const a of undo.deployed) {
      ops.push({ type: 'del', key: key(Prefix.contractCode, hexToBytes(a)) });
      ops.push({ type: 'del', key: key(Prefix.contractIndex, u32be(height), hexToBytes(a)) });
    }
    if (undo.deployed.length > 0) ops.push({ type: 'put', key: COUNT_KEY, value: u32be(this.count - undo.deployed.length) });
    for (const s of undo.storage) {
      const k = key(Prefix.contractStorage, hexToBytes(s.address), enc.encode(s.key));
      ops.push(s.value === null ? { type: 'del', key: k } : { type: 'put', key: k, value: enc.encode(s.value) });
    }
    const apply = (): void => {
      this.count -= undo.deployed.length;
      for (const a of undo.deployed) this.cacheCode(a, null);
      for (const s of undo.storage) this.cacheSlot(s.address, s.key, s.value);
    };
    return { ops, apply };
  }
}

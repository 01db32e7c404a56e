/** Committed contract state the workspace reads through (the node keeps it in memory). */
export interface ContractStateBase {
  storageGet(addressKey: string, key: string): string | undefined;
  codeOf(addressKey: string): string | undefined;
}

export interface StorageSlot {
  /** Contract address as lowercase hex (addressKey). */
  address: string;
  key: string;
  /** New JSON text, or null for a delete. */
  value: string | null;
}

/**
 * Contract code and storage a block changes, over the committed state. Like
 * StateWorkspace it records each slot's value before its first write, so the
 * block can be undone. Slots are keyed `addressKey ‖ key` (the address key has
 * a fixed 40 characters, so the concatenation is unambiguous).
 */
export class ContractWorkspace {
  private readonly slots = new Map<string, StorageSlot>();
  private readonly before = new Map<string, string | null>();
  private readonly deployed = new Map<string, string>();

  constructor(private readonly base: ContractStateBase) {}

  storageGet(address: string, key: string): string | undefined {
    const slot = this.slots.get(address + key);
    if (slot) return slot.value ?? undefined;
    return this.base.storageGet(address, key);
  }

  codeOf(address: string): string | undefined {
    return this.deployed.get(address) ?? this.base.codeOf(address);
  }

  write(address: string, key: string, value: string | null): void {
    const id = address + key;
    if (!this.before.has(id)) this.before.set(id, this.base.storageGet(address, key) ?? null);
    this.slots.set(id, { address, key, value });
  }

  deploy(address: string, code: string): void {
    this.deployed.set(address, code);
  }

  /** Final value of every slot written in the block. */
  storageChanges(): ReadonlyMap<string, StorageSlot> {
    return this.slots;
  }

  /** Each written slot's committed value before the block (null = absent). */
  storagePrevious(): ReadonlyMap<string, string | null> {
    return this.before;
  }

  /** Contracts deployed in the block: addressKey → instrumented code. */
  deployments(): ReadonlyMap<string, string> {
    return this.deployed;
  }

  get empty(): boolean {
    return this.slots.size === 0 && this.deployed.size === 0;
  }
}

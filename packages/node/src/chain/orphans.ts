import { decodeBlock, encodeBlock, hashToHex, type Block } from '@hackcoin/core';

/** Blocks held at most, whatever their size. */
const MAX_ORPHANS = 100;
/**
 * Encoded bytes held at most: a few full blocks. Held decoded, 100 junk blocks near the size
 * limit took ~1 GB of heap (orphans need only valid proof of work at an easy target and pass
 * only the context-free checks). Orphans are a shortcut for blocks that arrive before their
 * parent; header sync fetches whatever this drops.
 */
const MAX_ORPHAN_BYTES = 8 * 1024 * 1024;

interface Held {
  raw: Uint8Array;
  parent: string;
}

/**
 * Blocks whose parent is unknown, waiting for it, kept encoded. Bounded by
 * count and bytes: when full the oldest go first, so a peer cannot grow it.
 */
export class OrphanPool {
  private readonly blocks = new Map<string, Held>();
  private readonly byParent = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(
    private readonly maxCount = MAX_ORPHANS,
    private readonly maxBytes = MAX_ORPHAN_BYTES,
  ) {}

  get size(): number {
    return this.blocks.size;
  }

  /** Encoded bytes held. */
  get heldBytes(): number {
    return this.bytes;
  }

  has(id: string): boolean {
    return this.blocks.has(id);
  }

  add(id: string, block: Block): void {
    if (this.blocks.has(id)) return;
    const raw = encodeBlock(block);
    if (raw.length > this.maxBytes) return;
    while (this.blocks.size >= this.maxCount || this.bytes + raw.length > this.maxBytes) {
      this.remove(this.blocks.keys().next().value as string);
    }
    const parent = hashToHex(block.header.prevHash);
    this.blocks.set(id, { raw, parent });
    this.bytes += raw.length;
    let set = this.byParent.get(parent);
    if (!set) this.byParent.set(parent, (set = new Set()));
    set.add(id);
  }

  takeChildren(parentId: string): Block[] {
    const ids = this.byParent.get(parentId);
    if (!ids) return [];
    const out: Block[] = [];
    for (const id of [...ids]) {
      const held = this.blocks.get(id);
      // Our own encoding of a block that passed the context-free checks: it decodes.
      if (held) out.push(decodeBlock(held.raw));
      this.remove(id);
    }
    return out;
  }

  private remove(id: string): void {
    const held = this.blocks.get(id);
    if (!held) return;
    this.blocks.delete(id);
    this.bytes -= held.raw.length;
    const set = this.byParent.get(held.parent);
    set?.delete(id);
    if (set && set.size === 0) this.byParent.delete(held.parent);
  }
}

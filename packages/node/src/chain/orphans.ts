import { hashToHex, type Block } from '@hackcoin/core';

/**
 * Blocks whose parent is unknown, waiting for it. Bounded: when full the
 * oldest is dropped, so a peer cannot grow it without limit.
 */
export class OrphanPool {
  private readonly blocks = new Map<string, Block>();
  private readonly byParent = new Map<string, Set<string>>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.blocks.size;
  }

  has(id: string): boolean {
    return this.blocks.has(id);
  }

  add(id: string, block: Block): void {
    if (this.blocks.has(id)) return;
    if (this.blocks.size >= this.max) {
      const oldest = this.blocks.keys().next().value as string;
      this.remove(oldest);
    }
    this.blocks.set(id, block);
    const parent = hashToHex(block.header.prevHash);
    let set = this.byParent.get(parent);
    if (!set) this.byParent.set(parent, (set = new Set()));
    set.add(id);
  }

  takeChildren(parentId: string): Block[] {
    const ids = this.byParent.get(parentId);
    if (!ids) return [];
    const out: Block[] = [];
    for (const id of [...ids]) {
      const b = this.blocks.get(id);
      if (b) out.push(b);
      this.remove(id);
    }
    return out;
  }

  private remove(id: string): void {
    const block = this.blocks.get(id);
    if (!block) return;
    this.blocks.delete(id);
    const parent = hashToHex(block.header.prevHash);
    const set = this.byParent.get(parent);
    set?.delete(id);
    if (set && set.size === 0) this.byParent.delete(parent);
  }
}

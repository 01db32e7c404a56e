import { OldestFirst } from '../util/oldest-first.js';

/** Remembers recent ids; old ones fall out so memory stays flat. */
export class RecentSet {
  private readonly set = new Set<string>();
  private readonly oldest = new OldestFirst(this.set);
  constructor(private readonly max: number) {}
  add(id: string): void {
    this.set.delete(id);
    this.set.add(id);
    if (this.set.size > this.max) this.oldest.evict();
  }
  has(id: string): boolean {
    return this.set.has(id);
  }
  delete(id: string): void {
    this.set.delete(id);
  }
  clear(): void {
    this.set.clear();
  }
}

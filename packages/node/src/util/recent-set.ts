import { OldestFirst } from './oldest-first.js';

/** Remembers recent keys, the latest `max` added (adding one again makes it the latest); old ones fall out so memory stays flat. */
export class RecentSet<K = string> {
  private readonly set = new Set<K>();
  private readonly oldest = new OldestFirst(this.set);
  constructor(private readonly max: number) {}
  add(id: K): void {
    this.set.delete(id);
    this.set.add(id);
    if (this.set.size > this.max) this.oldest.evict();
  }
  has(id: K): boolean {
    return this.set.has(id);
  }
  delete(id: K): void {
    this.set.delete(id);
  }
  clear(): void {
    this.set.clear();
  }
}

/**
 * Drops a Map's or a Set's oldest entries (insertion order) in constant time, for caches
 * bounded by count. The idiom `map.delete(map.keys().next().value)` is not constant: V8 leaves
 * a deleted entry's slot in the table until the table is rebuilt, and a fresh iterator walks
 * every such slot from the start, so a cache that evicts from the front pays for all its
 * earlier evictions again. On a 32,768-account cache that took 10 of a 1,000-transfer block's
 * ~100 ms (2,000 evictions), growing until the table was rebuilt. One iterator kept across
 * calls resumes where the last eviction left it: V8 moves a live iterator along when the table
 * is rebuilt or cleared.
 */
export class OldestFirst<K> {
  /**
   * Made at the first eviction, not before: until it moves, a live iterator keeps every table
   * the map has outgrown since it was made, which for one made empty is each step of a cache
   * filling up.
   */
  private cursor: Iterator<K> | undefined;

  constructor(private readonly map: Map<K, unknown> | Set<K>) {}

  /** Deletes the oldest entry and returns its key; undefined when the map is empty. `before` sees the key while its entry is still there. */
  evict(before?: (key: K) => void): K | undefined {
    let next = this.cursor?.next();
    // A finished iterator stays finished, even once the map holds entries again.
    if (next === undefined || next.done) {
      this.cursor = this.map.keys();
      next = this.cursor.next();
      if (next.done) {
        this.cursor = undefined;
        return undefined;
      }
    }
    before?.(next.value);
    this.map.delete(next.value);
    return next.value;
  }
}

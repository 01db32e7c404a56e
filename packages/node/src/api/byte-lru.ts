/**
 * A least-recently-used map of strings bounded by their total length (about their bytes: the
 * JSON kept here is ASCII). A value larger than the whole budget is not kept.
 */
export class ByteLru {
  private readonly map = new Map<string, string>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    // Re-inserting moves it to the newest end of the Map's order.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: string): void {
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= old.length;
    }
    if (value.length > this.maxBytes) return;
    this.map.set(key, value);
    this.used += value.length;
    for (const [k, v] of this.map) {
      if (this.used <= this.maxBytes) break;
      this.map.delete(k);
      this.used -= v.length;
    }
  }
}

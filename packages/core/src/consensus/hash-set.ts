import { equalBytes } from '../encoding/bytes.js';

/**
 * A set of 32-byte hashes bucketed by their first four bytes: a number-keyed
 * map with no hex string per hash. The hashes here are transaction hashes, so
 * filling one bucket costs a stranger ~2^32 signatures per entry; the byte
 * comparisons within a bucket stay few.
 */
export class HashSet {
  private readonly buckets = new Map<number, Uint8Array[]>();

  /** Adds `hash`; false if an equal one was already there. */
  add(hash: Uint8Array): boolean {
    const prefix = hash[0]! | (hash[1]! << 8) | (hash[2]! << 16) | (hash[3]! << 24);
    const bucket = this.buckets.get(prefix);
    if (!bucket) {
      this.buckets.set(prefix, [hash]);
      return true;
    }
    if (bucket.some((h) => equalBytes(h, hash))) return false;
    bucket.push(hash);
    return true;
  }
}

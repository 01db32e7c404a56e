import { prepareContract } from './instrument.js';
import type { PreparedContract } from './types.js';

/** Sources whose preparation (or refusal) is remembered: a deploy is prepared by the API's admission and again by the mempool's. */
const REMEMBERED = 32;

const results = new Map<string, { prepared: PreparedContract } | { error: unknown }>();

/**
 * prepareContract, remembering the last REMEMBERED verdicts by source. A deploy sent over the API was
 * prepared on the sender's share of engine time, then again, unbudgeted, when the mempool checked its
 * payload (up to ~0.6 s of the main thread for a 48 KB source). The verdict is a function of the
 * source alone; a thrown error is thrown again (the same object: its message and rule name).
 */
export function prepareOnce(source: string): PreparedContract {
  let hit = results.get(source);
  // Most recently used last: the API's admission and the mempool's check come one after the other.
  if (hit !== undefined) {
    results.delete(source);
    results.set(source, hit);
  } else {
    try {
      hit = { prepared: prepareContract(source) };
    } catch (error) {
      // The host's stack running out is not a verdict on the source.
      if (error instanceof RangeError) throw error;
      hit = { error };
    }
    if (results.size >= REMEMBERED) results.delete(results.keys().next().value as string);
    results.set(source, hit);
  }
  if ('error' in hit) throw hit.error;
  return hit.prepared;
}

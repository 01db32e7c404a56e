import { RuleError } from '@hackcoin/core';
import { ByteLru } from '../util/byte-lru.js';
import { ContractError } from './errors.js';
import { prepareContract } from './instrument.js';
import type { PreparedContract } from './types.js';

/**
 * Bytes of sources and instrumented code whose preparation (or refusal) is remembered: a deploy is
 * prepared by the API's admission and again by the mempool's. Counted in bytes, not entries: code
 * can instrument to 43x its source, and 32 remembered entries held up to ~116 MB.
 */
export const REMEMBERED_BYTES = 32 * 1024 * 1024;

/** What an entry holds, at two bytes a character (a string with any non-Latin-1 character takes two). */
export function preparedBytes(source: string, prepared?: PreparedContract): number {
  return 2 * (source.length + (prepared?.code.length ?? 0));
}

const results = new ByteLru<{ prepared: PreparedContract } | { error: unknown }>(REMEMBERED_BYTES);

/**
 * prepareContract, remembering the latest verdicts by source. A deploy sent over the API was
 * prepared on the sender's share of engine time, then again, unbudgeted, when the mempool checked its
 * payload (up to ~0.6 s of the main thread for a 48 KB source). The verdict is a function of the
 * source alone; a thrown error is thrown again (the same object: its message and rule name).
 */
export function prepareOnce(source: string): PreparedContract {
  let hit = results.get(source);
  if (hit === undefined) {
    try {
      hit = { prepared: prepareContract(source) };
    } catch (error) {
      // Only a refusal is a verdict on the source; anything else (the host's stack running out,
      // in V8 or inside acorn, which reports it as a plain error) is this host's moment, and
      // remembered it would refuse the source here, and the blocks deploying it, until evicted.
      if (!(error instanceof ContractError || error instanceof RuleError)) throw error;
      hit = { error };
    }
    results.set(source, hit, preparedBytes(source, 'prepared' in hit ? hit.prepared : undefined));
  }
  if ('error' in hit) throw hit.error;
  return hit.prepared;
}

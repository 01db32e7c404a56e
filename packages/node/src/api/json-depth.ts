import { jsonDepth } from '@hackcoin/core';

/**
 * Deepest nesting of arrays and objects the API accepts in a JSON body or WebSocket message.
 * Real requests need a handful of levels (a contract argument a few more); anything that walks
 * parsed input recursively (zod, the contract engine, JSON.stringify) is safe far below the stack limit here.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays/objects deeper than `limit`, decided before anything parses or walks it. */
export function jsonTooDeep(text: string, limit: number): boolean {
  return jsonDepth(text, limit) > limit;
}

export function tooDeepMessage(what: string, limit = MAX_JSON_DEPTH): string {
  return `invalid ${what}: JSON nested deeper than ${limit} levels`;
}

/**
 * Deepest nesting of arrays and objects the API accepts in a JSON body or WebSocket message.
 * Real requests need a handful of levels (a contract argument a few more); anything that walks
 * parsed input recursively (zod, the contract engine, JSON.stringify) is safe far below the stack limit here.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays/objects deeper than `limit`, decided by counting brackets outside
 * strings in one loop, before anything parses or walks it. Malformed text is left to JSON.parse.
 */
export function jsonTooDeep(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character, including a quote
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      // More closers than openers is malformed JSON, which the parser rejects without nesting.
      if (--depth < 0) return false;
    }
  }
  return false;
}

export function tooDeepMessage(what: string, limit = MAX_JSON_DEPTH): string {
  return `invalid ${what}: JSON nested deeper than ${limit} levels`;
}

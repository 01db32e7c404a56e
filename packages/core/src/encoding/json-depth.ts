/**
 * Nesting depth of JSON text (`1` and `"a"` are 0, `[]` and `{}` are 1,
 * `[[1]]` is 2), computed by one loop over the characters, counting brackets
 * outside strings. It never recurses, so it can run on hostile input before
 * anything parses or walks it. On malformed text it still returns a number
 * (the deepest bracket level reached); the parser rejects such text anyway.
 * With `stopAbove`, it returns as soon as the depth passes that level.
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    }
  }
  return max;
}

/**
 * Nesting depth of an already parsed JSON value, walked with an explicit
 * stack (never recursion), stopping as soon as `limit` is exceeded. Values
 * that are not plain JSON data (functions, class instances) count as leaves.
 */
export function valueDepthExceeds(value: unknown, limit: number): boolean {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > limit) return true;
    const items = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const item of items) if (item !== null && typeof item === 'object') stack.push({ v: item, d: d + 1 });
  }
  return false;
}

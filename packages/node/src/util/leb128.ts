/** Unsigned LEB128, as WebAssembly encodes sizes, counts and indices. */
export function uleb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Reads unsigned LEB128 values from `bytes` at `at`, which advances past each one. */
export class LebCursor {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  uleb(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      if (this.at >= this.bytes.length) throw new RangeError('LEB128 value runs past the end');
      byte = this.bytes[this.at++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  }
}

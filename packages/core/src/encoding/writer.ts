/** The largest u64: balances, nonces and amounts are u64 on the wire and in the state. */
export const U64_MAX = (1n << 64n) - 1n;

/** Growable little-endian binary writer (Bitcoin wire conventions). */
export class BufferWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Math.max: doubling a zero-capacity buffer (new BufferWriter(0)) would loop forever.
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError('u32 out of range');
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u64(v: bigint): this {
    if (v < 0n || v > U64_MAX) throw new RangeError('u64 out of range');
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  /** Bitcoin CompactSize. */
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError('varint out of range');
    if (v < 0xfd) return this.u8(v);
    if (v <= 0xffff) {
      this.ensure(3);
      this.buf[this.pos++] = 0xfd;
      this.view.setUint16(this.pos, v, true);
      this.pos += 2;
      return this;
    }
    if (v <= 0xffffffff) {
      this.u8(0xfe);
      return this.u32(v);
    }
    this.u8(0xff);
    return this.u64(BigInt(v));
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  fixed(b: Uint8Array, length: number): this {
    if (b.length !== length) throw new RangeError(`expected ${length} bytes`);
    return this.bytes(b);
  }

  varBytes(b: Uint8Array): this {
    this.varint(b.length);
    return this.bytes(b);
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written; the writer must not be written to afterwards (a writer sized exactly hands over its buffer uncopied). */
  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}

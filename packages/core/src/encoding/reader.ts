/** Thrown for any malformed binary input; callers map it to a named rejection. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Bounds-checked little-endian reader; never reads past the end of its input. */
export class BufferReader {
  private readonly view: DataView;
  pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new DecodeError('unexpected end of data');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** CompactSize, rejecting non-minimal encodings so every value has one encoding. */
  varint(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      this.need(2);
      const v = this.view.getUint16(this.pos, true);
      this.pos += 2;
      if (v < 0xfd) throw new DecodeError('non-canonical varint');
      return v;
    }
    if (first === 0xfe) {
      const v = this.u32();
      if (v <= 0xffff) throw new DecodeError('non-canonical varint');
      return v;
    }
    const v = this.u64();
    if (v <= 0xffffffffn || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError('non-canonical varint');
    return Number(v);
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  varBytes(max: number): Uint8Array {
    const n = this.varint();
    if (n > max) throw new DecodeError(`field longer than ${max} bytes`);
    return this.bytes(n);
  }

  /** A copy of everything read since `start`. */
  bytesFrom(start: number): Uint8Array {
    return this.buf.slice(start, this.pos);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  done(): void {
    if (this.pos !== this.buf.length) throw new DecodeError('trailing bytes');
  }
}

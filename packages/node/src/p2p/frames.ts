/**
 * Length-prefixed frames: a u32 big-endian length, then that many bytes. The
 * limit is checked on the prefix, before any payload is buffered, so a peer
 * announcing a huge message costs us four bytes.
 */
export type FrameErrorKind = 'oversized' | 'malformed' | 'timeout' | 'closed' | 'no-room';

export class FrameError extends Error {
  override name = 'FrameError';
  constructor(
    readonly kind: FrameErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, false);
  out.set(payload, 4);
  return out;
}

/** Accumulates chunks until one whole frame is present. */
export class FrameAssembler {
  private chunks: Uint8Array[] = [];
  private have = 0;
  private expected: number | undefined;

  /**
   * `admit`: asked on a length prefix within maxBytes whether we take that much now; a frame it
   * refuses ends as FrameError('no-room'), our limit rather than the sender's fault.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly admit?: (bytes: number) => boolean,
  ) {}

  get buffered(): number {
    return this.have;
  }

  /** Returns the frame payload once complete; throws FrameError('oversized') on a too-large prefix. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    this.chunks.push(chunk);
    this.have += chunk.length;
    if (this.expected === undefined && this.have >= 4) {
      const head = this.flatten();
      this.expected = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false);
      if (this.expected > this.maxBytes) throw new FrameError('oversized', `frame of ${this.expected} bytes exceeds ${this.maxBytes}`);
      if (this.admit && !this.admit(this.expected)) throw new FrameError('no-room', `no room now for a frame of ${this.expected} bytes`);
    }
    if (this.expected !== undefined && this.have >= 4 + this.expected) {
      const all = this.flatten();
      if (all.length > 4 + this.expected) throw new FrameError('malformed', 'trailing bytes after frame');
      return all.subarray(4, 4 + this.expected);
    }
    return undefined;
  }

  private flatten(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.have);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    this.chunks = [out];
    return out;
  }
}

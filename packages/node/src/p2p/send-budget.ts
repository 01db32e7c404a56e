/**
 * Bytes of sync answers built and not yet read by their peers, node-wide. A peer gets one
 * answer at a time (serve.ts), yet 64 peers that never read could each hold a full blocks
 * answer (~10 MB) for the 20 s a write may take. Past this budget a blocks answer carries one
 * block: an honest peer syncing while strangers hold the budget still gets a block per request,
 * and what all peers can hold is the budget plus one block each.
 */
export class SendBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.held;
  }

  get available(): number {
    return Math.max(0, this.limit - this.held);
  }

  /**
   * Counts `bytes` until released. Taken before an answer is built, so peers asking at the same
   * moment cannot each see the whole budget as available; `resize` then sets it to the answer's
   * real size. Release once; later calls do nothing.
   */
  hold(bytes: number): Held {
    this.held += bytes;
    let counted = bytes;
    let released = false;
    return {
      get bytes() {
        return counted;
      },
      resize: (n: number) => {
        if (released) return;
        this.held += n - counted;
        counted = n;
      },
      release: () => {
        if (released) return;
        released = true;
        this.held -= counted;
      },
    };
  }
}

export interface Held {
  readonly bytes: number;
  resize(bytes: number): void;
  release(): void;
}

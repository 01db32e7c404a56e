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

  /** Counts `bytes` until the returned release is called (once; later calls do nothing). */
  hold(bytes: number): () => void {
    this.held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= bytes;
    };
  }
}

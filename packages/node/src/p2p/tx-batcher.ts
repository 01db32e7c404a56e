import { encodeRawList } from './messages.js';

export interface TxBatchLimits {
  /** Transactions in one message at most (the receiver's bound too: LIMITS.maxTxsPerGossip). */
  maxTxs: number;
  /** A message is sent once its transactions reach this many bytes. */
  maxBytes: number;
  /** How long the first transaction of a batch waits for company. */
  delayMs: number;
}

/**
 * Collects the transactions this node originates into one gossip message per
 * short interval, as Bitcoin Core trickles its inventory. Each gossip message
 * costs every hop a decrypt, a yamux frame and an encrypt whatever its size,
 * so a message per transaction made relay, not validation, the whole
 * network's bottleneck under load. Only the originator batches: a received
 * batch travels on intact, deduplicated by its content hash.
 */
export class TxBatcher {
  private items: Uint8Array[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (batch: Uint8Array, count: number) => void,
    private readonly limits: TxBatchLimits,
  ) {}

  add(rawTx: Uint8Array): void {
    if (this.items.length > 0 && this.bytes + rawTx.length > this.limits.maxBytes) this.flush();
    this.items.push(rawTx);
    this.bytes += rawTx.length;
    if (this.items.length >= this.limits.maxTxs || this.bytes >= this.limits.maxBytes) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.limits.delayMs);
      this.timer.unref?.();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    this.send(encodeRawList(items), items.length);
  }

  /** Drops what is pending: it stays in the mempool, and peers pull mempools on connect. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.bytes = 0;
  }
}

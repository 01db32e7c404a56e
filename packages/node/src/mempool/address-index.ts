import type { MempoolEntry } from './entry.js';

interface Node {
  entry: MempoolEntry;
  /** Admission order: a replacement is newer than what it replaced. */
  seq: number;
  prev: Node | undefined;
  next: Node | undefined;
}

interface Slot {
  /** Payments to the address, oldest at `head`. */
  head: Node | undefined;
  tail: Node | undefined;
  /** Of those payments, the ones another address sent, and their sum. */
  others: number;
  incoming: bigint;
  /** The address's own pending sends, in admission order (at most the per-sender bound); made at its first. */
  sent: Set<MempoolEntry> | undefined;
}

/** What an address's pending transactions add up to, without reading them. */
export interface AddressSummary {
  /** Pending sends of the address itself. */
  sent: number;
  /** Pending payments to it from other addresses, and what they pay. */
  others: number;
  incoming: bigint;
}

/**
 * The mempool's entries by address, kept as entries come and go, so an address's answer costs what
 * it shows rather than what is pending: a popular address (an exchange's) with 20,000 payments
 * waiting cost every client ~112 ms when each request scanned and sorted them. Holds only what the
 * pool holds, so the pool's own bounds bound it.
 */
export class AddressIndex {
  private readonly slots = new Map<string, Slot>();
  private readonly nodes = new Map<MempoolEntry, Node>();
  private seq = 0;

  add(entry: MempoolEntry): void {
    if (this.nodes.has(entry)) return;
    const to = this.slot(entry.recipientKey);
    const node: Node = { entry, seq: ++this.seq, prev: to.tail, next: undefined };
    if (to.tail) to.tail.next = node;
    else to.head = node;
    to.tail = node;
    this.nodes.set(entry, node);
    if (entry.senderKey !== entry.recipientKey) {
      to.others++;
      to.incoming += entry.tx.amount;
    }
    const from = this.slot(entry.senderKey);
    (from.sent ??= new Set()).add(entry);
  }

  remove(entry: MempoolEntry): void {
    const node = this.nodes.get(entry);
    if (!node) return;
    this.nodes.delete(entry);
    const to = this.slots.get(entry.recipientKey)!;
    if (node.prev) node.prev.next = node.next;
    else to.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else to.tail = node.prev;
    if (entry.senderKey !== entry.recipientKey) {
      to.others--;
      to.incoming -= entry.tx.amount;
    }
    const from = this.slots.get(entry.senderKey)!;
    from.sent?.delete(entry);
    this.dropIfEmpty(entry.recipientKey, to);
    this.dropIfEmpty(entry.senderKey, from);
  }

  summary(key: string): AddressSummary {
    const s = this.slots.get(key);
    return { sent: s?.sent?.size ?? 0, others: s?.others ?? 0, incoming: s?.incoming ?? 0n };
  }

  /** The address's own pending sends, newest first. */
  sends(key: string): MempoolEntry[] {
    return [...(this.slots.get(key)?.sent ?? [])].reverse();
  }

  /** Every pending payment to the address, its own to itself included, in no promised order. */
  *paying(key: string): Generator<MempoolEntry> {
    for (let n = this.slots.get(key)?.head; n; n = n.next) yield n.entry;
  }

  /**
   * The address's pending transactions, sent or received, newest first. Reads one entry per step
   * (plus its own sends, which the per-sender bound keeps few), so a page costs its own length.
   */
  *newest(key: string): Generator<MempoolEntry> {
    const s = this.slots.get(key);
    if (!s) return;
    const own = [...(s.sent ?? [])].reverse();
    let i = 0;
    // Its payments to itself are among its sends already.
    const skipSelf = (n: Node | undefined): Node | undefined => {
      while (n && n.entry.senderKey === key) n = n.prev;
      return n;
    };
    let paid = skipSelf(s.tail);
    while (i < own.length || paid) {
      const mine = own[i];
      if (mine && (!paid || this.nodes.get(mine)!.seq > paid.seq)) {
        i++;
        yield mine;
      } else if (paid) {
        const e = paid.entry;
        paid = paid.prev;
        yield e;
        paid = skipSelf(paid);
      }
    }
  }

  private slot(key: string): Slot {
    let s = this.slots.get(key);
    if (!s) {
      s = { head: undefined, tail: undefined, others: 0, incoming: 0n, sent: undefined };
      this.slots.set(key, s);
    }
    return s;
  }

  private dropIfEmpty(key: string, s: Slot): void {
    if (!s.head && !s.sent?.size) this.slots.delete(key);
  }
}

/** What readers outside the mempool may ask of its index. */
export type AddressReads = Pick<AddressIndex, 'summary' | 'sends' | 'newest'>;

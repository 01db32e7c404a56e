import { OldestFirst } from '../util/oldest-first.js';

/** A peer's delivery of a block, until the chain has judged the block. */
export interface Delivery {
  readonly from: string;
}

/**
 * Who delivered each block the chain has not judged yet: queued, stored off the main chain, held
 * as an orphan, or deferred. A block found invalid while a later block activates its chain is then
 * held against the peer that sent it, as the block handed to processBlock is (Core's
 * MaybePunishNodeForBlock). The first delivery of a block is the one kept; the oldest is forgotten
 * past `max`, so a fork whose invalid block lies more than `max` blocks below the block that
 * activates it (that many blocks of real work) goes unblamed.
 */
export class BlockSenders<D extends Delivery = Delivery> {
  private readonly map = new Map<string, D>();
  private readonly oldest = new OldestFirst(this.map);

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  /** Records `d` unless the block already has a delivery waiting. */
  add(id: string, d: D): void {
    if (this.map.has(id)) return;
    this.map.set(id, d);
    if (this.map.size > this.max) this.oldest.evict();
  }

  /** Removes and returns the block's delivery. */
  take(id: string): D | undefined {
    const d = this.map.get(id);
    if (d) this.map.delete(id);
    return d;
  }

  /** Forgets the block's delivery only if it is `d`: another delivery's attribution stays. */
  forget(id: string, d: D): void {
    if (this.map.get(id) === d) this.map.delete(id);
  }

  delete(id: string): void {
    this.map.delete(id);
  }
}

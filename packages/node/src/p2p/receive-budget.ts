import type { Held } from './send-budget.js';

/**
 * Room for six full blocks answers (~10.4 MB each) at once, or hundreds of answers of small
 * blocks, where a requester that reads the length prefix first books what an answer really holds
 * (Room.grow): a download buffers at most DOWNLOAD.windowBytes of blocks ahead of the chain, so
 * more in flight does not speed a sync.
 */
export const RECEIVE_BUDGET_BYTES = 64 * 1024 * 1024;

/** Room held for one answer. */
export interface Room extends Held {
  /**
   * Granted by the floor rule (one block's room to a peer with nothing else in flight, whatever
   * the budget holds): the answer must fit it as granted, as growing it would wait.
   */
  readonly floorOnly: boolean;
  /**
   * Makes the room `bytes`, for an answer whose length prefix announced that many, before its body
   * is read. At once (true) when that shrinks it, or when the difference is free and no earlier
   * answer waits for room. Otherwise it gives back what it holds, calls `waiting`, and waits, ahead
   * of every take, until the whole of `bytes` is free: true then, false if `signal` aborts first or
   * the room is released meanwhile (holding nothing). Waiting holding nothing, answers waiting for
   * room never hold the room each other wait for.
   */
  grow(bytes: number, signal?: AbortSignal, waiting?: () => void): Promise<boolean>;
}

interface Take {
  peerId: string;
  want: number;
  floor: number;
  resolve: (room: Room) => void;
}

interface Grow {
  bytes: number;
  grant: () => void;
}

/**
 * Bytes our blocks requests allow their answers, node-wide, counted from the request until its
 * answer is read or given up. An answer is buffered as it arrives, for up to the request's
 * timeout, so 16 streams from each of 64 peers trickling frames just under the old ~10.4 MB cap
 * held gigabytes. Within the budget a take gets what it asks for; past it, a peer with nothing in
 * flight still gets room for one block (`floor`), so an honest sync goes on however many
 * strangers fill the budget, and a peer already holding room waits for a release, its own or
 * another's, in arrival order. An answer growing its room at its length prefix (Room.grow) waits
 * ahead of every take: its request is out and its timeout running. What all peers hold together
 * is the budget plus one block each.
 */
export class ReceiveBudget {
  private held = 0;
  private readonly byPeer = new Map<string, number>();
  private takes: Take[] = [];
  private readonly grows: Grow[] = [];

  constructor(readonly limit: number) {}

  get used(): number {
    return this.held;
  }

  /** Room for an answer from `peerId` of at most `want` bytes and at least `floor` (one block's answer, at most `want`). */
  take(peerId: string, want: number, floor: number): Promise<Room> {
    const room = this.grant(peerId, want, floor);
    if (room) return Promise.resolve(room);
    return new Promise((resolve) => this.takes.push({ peerId, want, floor, resolve }));
  }

  private grant(peerId: string, want: number, floor: number): Room | undefined {
    const free = this.limit - this.held;
    if (this.grows.length === 0 && free >= floor) return this.hold(peerId, Math.min(want, free), false);
    return this.byPeer.has(peerId) ? undefined : this.hold(peerId, Math.min(want, floor), true);
  }

  private hold(peerId: string, bytes: number, floorOnly: boolean): Room {
    let counted = 0;
    let released = false;
    let pending: { g: Grow; settle: (granted: boolean) => void } | undefined;
    const count = (n: number): void => {
      this.held += n - counted;
      const mine = (this.byPeer.get(peerId) ?? 0) + n - counted;
      if (mine > 0) this.byPeer.set(peerId, mine);
      else this.byPeer.delete(peerId);
      counted = n;
    };
    /** Gives up a grow still waiting: its room is nothing. */
    const unwait = (): void => {
      if (!pending) return;
      const { g, settle } = pending;
      const i = this.grows.indexOf(g);
      if (i >= 0) this.grows.splice(i, 1);
      settle(false);
      this.wake();
    };
    count(bytes);
    return {
      floorOnly,
      get bytes() {
        return counted;
      },
      resize: (n: number) => {
        if (released || pending) return;
        const shrunk = n < counted;
        count(n);
        if (shrunk) this.wake();
      },
      release: () => {
        if (released) return;
        released = true;
        unwait();
        count(0);
        this.wake();
      },
      grow: (n, signal, waiting) => {
        if (released || pending || signal?.aborted) return Promise.resolve(false);
        if (n <= counted || (this.grows.length === 0 && n - counted <= this.limit - this.held)) {
          const shrunk = n < counted;
          count(n);
          if (shrunk) this.wake();
          return Promise.resolve(true);
        }
        return new Promise<boolean>((resolve) => {
          const onAbort = (): void => unwait();
          const settle = (granted: boolean): void => {
            signal?.removeEventListener('abort', onAbort);
            pending = undefined;
            resolve(granted);
          };
          const g: Grow = {
            bytes: n,
            grant: () => {
              count(n);
              settle(true);
            },
          };
          pending = { g, settle };
          signal?.addEventListener('abort', onAbort, { once: true });
          this.grows.push(g);
          count(0);
          waiting?.();
          this.wake();
        });
      },
    };
  }

  private wake(): void {
    // An answer wanting more than the whole budget goes once nothing else is held, rather than never.
    while (this.grows.length > 0 && this.limit - this.held >= Math.min(this.grows[0]!.bytes, this.limit)) this.grows.shift()!.grant();
    const still: Take[] = [];
    for (const w of this.takes) {
      const room = this.grant(w.peerId, w.want, w.floor);
      if (room) w.resolve(room);
      else still.push(w);
    }
    this.takes = still;
  }
}

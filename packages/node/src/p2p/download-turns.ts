import { performance } from 'node:perf_hooks';

/**
 * How long a trail's first turn waits for sessions still reading headers that claim more work than
 * it has. The first trail to beat our tip is the fastest peer's, not the best: a node a day behind
 * was fed ~1,320 cheap blocks (difficulty eased 4× per retarget window, about 13 honest blocks'
 * work, up to 2 MB each and kept for good) built on its own tip, while the honest peers' headers
 * were a round trip behind.
 */
export const PRESYNC_WAIT_MS = 2_000;

/** A trail's request for the one download slot. */
export interface TurnRequest {
  /** Chain work at the trail's end. */
  work: bigint;
  /** Id of the last block to download. */
  lastId: string;
  /**
   * Ids of every header of the trail, when it is held whole: a heavier trail holding the running
   * download's last block extends that chain, so it waits instead of stopping it. Without them the
   * request never stops another.
   */
  ids?: ReadonlySet<string>;
  /** Waits for heavier claims still reading headers: a trail's first turn does, its later chunks do not. */
  waits: boolean;
}

/** The slot, held until released. */
export interface Slot {
  /** Set when a heavier trail that does not contain this download's chain took precedence. */
  readonly preempted: boolean;
  /** Called once on preemption: ends the download as it stands. */
  onPreempt: (() => void) | undefined;
  release(): void;
}

interface Waiting extends TurnRequest {
  readyAt: number;
  give: (slot: Slot) => void;
}

interface Reader {
  claim: bigint;
  /** A trail already waited its full time for this claim: a liar claiming work it lacks costs each reading one wait, not one per download. */
  waitedOut: boolean;
}

class HeldSlot implements Slot {
  preempted = false;
  onPreempt: (() => void) | undefined;
  constructor(
    readonly work: bigint,
    readonly lastId: string,
    private readonly onRelease: (s: HeldSlot) => void,
  ) {}

  preempt(): void {
    if (this.preempted) return;
    this.preempted = true;
    this.onPreempt?.();
  }

  release(): void {
    this.onRelease(this);
  }
}

/** A slot given after stop: already preempted, so its download fetches nothing. */
function stoppedSlot(req: TurnRequest): Slot {
  const slot = new HeldSlot(req.work, req.lastId, () => undefined);
  slot.preempt();
  return slot;
}

/**
 * One block download at a time, heaviest trail first (Core downloads toward the chain with the
 * most work, not the first shown). A turn waits for sessions still reading headers that claim
 * more than it has, at most PRESYNC_WAIT_MS once per reading; a download under way toward a chain
 * that any heavier waiting trail does not contain is stopped for it.
 */
export class DownloadTurns {
  private readonly readers = new Map<string, Reader>();
  private readonly waiting: Waiting[] = [];
  private held: HeldSlot | undefined;
  private freedAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly waitMs = PRESYNC_WAIT_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.freedAt = now();
  }

  /** A session reads headers (or will, for its next round) of a chain it claims has `claim` work. */
  reading(peerId: string, claim: bigint): void {
    this.readers.set(peerId, { claim, waitedOut: false });
  }

  /** The session stopped reading: it has a trail to request a turn for, or nothing more. */
  doneReading(peerId: string): void {
    if (this.readers.delete(peerId)) this.next();
  }

  /** Resolves when the slot is this request's; `reader` (the session asking) is done reading. */
  take(req: TurnRequest, reader?: string): Promise<Slot> {
    if (reader !== undefined) this.readers.delete(reader);
    if (this.stopped) return Promise.resolve(stoppedSlot(req));
    return new Promise((give) => {
      this.waiting.push({ ...req, readyAt: this.now(), give });
      this.next();
    });
  }

  /**
   * Work of the heaviest trail held whole (with ids: not one whose download failed before) still
   * within its wait for a turn; 0n when none. Its bodies are about to come.
   */
  waitingWork(): bigint {
    const now = this.now();
    let work = 0n;
    for (const w of this.waiting) if (w.ids && w.readyAt + this.waitMs > now && w.work > work) work = w.work;
    return work;
  }

  /** Stops the download under way and gives every request, waiting or later, a slot already preempted. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.held?.preempt();
    for (const w of this.waiting.splice(0)) w.give(stoppedSlot(w));
  }

  private next(): void {
    if (this.stopped || this.waiting.length === 0) return;
    let best = this.waiting[0]!;
    for (const w of this.waiting) if (w.work > best.work) best = w;
    const held = this.held;
    if (held) {
      if (this.waiting.some((w) => w.ids && w.work > held.work && !w.ids.has(held.lastId))) held.preempt();
      return;
    }
    if (best.waits) {
      const claimants = [...this.readers.values()].filter((r) => !r.waitedOut && r.claim > best.work);
      if (claimants.length > 0) {
        const until = Math.max(best.readyAt, this.freedAt) + this.waitMs;
        const left = until - this.now();
        if (left > 0) {
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.next(), left);
          return;
        }
        for (const c of claimants) c.waitedOut = true;
      }
    }
    this.waiting.splice(this.waiting.indexOf(best), 1);
    const slot = new HeldSlot(best.work, best.lastId, (s) => {
      if (this.held !== s) return;
      this.held = undefined;
      this.freedAt = this.now();
      this.next();
    });
    this.held = slot;
    best.give(slot);
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DownloadTurns, type Slot, type TurnRequest } from './download-turns.js';

const WAIT = 2_000;
const req = (work: bigint, lastId: string, o: Partial<TurnRequest> = {}): TurnRequest => ({ work, lastId, waits: true, ...o });

/** Takes a turn and records when (fake time) and in what order it was given. */
function taker(turns: DownloadTurns, log: string[]) {
  return (name: string, r: TurnRequest, reader?: string): Promise<Slot> =>
    turns.take(r, reader).then((slot) => {
      log.push(`${name}@${Date.now()}`);
      return slot;
    });
}

describe('DownloadTurns', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the slot to the heaviest waiting trail, not the first', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const log: string[] = [];
    const take = taker(turns, log);
    const first = await take('first', req(5n, 'a'));
    const light = take('light', req(6n, 'b'));
    const heavy = take('heavy', req(9n, 'c', { ids: new Set(['c', 'a']) }));
    first.release();
    (await heavy).release();
    (await light).release();
    expect(log).toEqual(['first@0', 'heavy@0', 'light@0']);
  });

  it('waits for a session reading headers that claims more, once per reading, and never for one claiming less', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const log: string[] = [];
    const take = taker(turns, log);
    turns.reading('liar', 10n ** 30n);
    turns.reading('small', 3n);
    const a = take('a', req(5n, 'a'));
    await vi.advanceTimersByTimeAsync(WAIT - 1);
    expect(log).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual([`a@${WAIT}`]);
    (await a).release();
    // The liar is still "reading": a second trail does not wait for it again.
    (await take('b', req(6n, 'b'))).release();
    expect(log).toEqual([`a@${WAIT}`, `b@${WAIT}`]);
    // A new reading (a new round) is waited for again, from when the slot came free.
    turns.reading('liar', 10n ** 30n);
    const c = take('c', req(7n, 'c'));
    await vi.advanceTimersByTimeAsync(WAIT);
    (await c).release();
    expect(log.at(-1)).toBe(`c@${2 * WAIT}`);
  });

  it('ends the wait when the reader asks for its own turn, which goes first if heavier', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const log: string[] = [];
    const take = taker(turns, log);
    turns.reading('honest', 100n);
    const fork = take('fork', req(13n, 'f'));
    await vi.advanceTimersByTimeAsync(150);
    const honest = take('honest', req(100n, 'h', { ids: new Set(['h']) }), 'honest');
    (await honest).release();
    (await fork).release();
    expect(log).toEqual(['honest@150', 'fork@150']);
  });

  it('a later chunk of a trail (waits: false) does not wait for readers', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const log: string[] = [];
    turns.reading('liar', 10n ** 30n);
    (await taker(turns, log)('chunk', req(5n, 'x', { waits: false }))).release();
    expect(log).toEqual(['chunk@0']);
  });

  it('stops a download toward a chain a heavier trail does not contain, and not one it extends', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const take = taker(turns, []);
    const fork = await take('fork', req(13n, 'fork-tip'));
    let stopped = 0;
    fork.onPreempt = () => stopped++;
    const extending = take('ext', req(20n, 'ext-tip', { ids: new Set(['fork-tip', 'ext-tip']) }));
    expect(fork.preempted).toBe(false);
    const honest = take('honest', req(100n, 'h-tip', { ids: new Set(['h1', 'h-tip']) }));
    expect(fork.preempted).toBe(true);
    expect(stopped).toBe(1);
    fork.release();
    (await honest).release();
    (await extending).release();
  });

  it('stops the download under way for any heavier trail that does not contain it, not only the heaviest', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const take = taker(turns, []);
    const fork = await take('fork', req(13n, 'fork-tip'));
    // The heaviest carries no ids (its download failed once, or it is redownloaded): it stops nothing.
    const undelivered = take('undelivered', req(200n, 'u-tip'));
    expect(fork.preempted).toBe(false);
    const honest = take('honest', req(100n, 'h-tip', { ids: new Set(['h1', 'h-tip']) }));
    expect(fork.preempted).toBe(true);
    fork.release();
    (await undelivered).release();
    (await honest).release();
  });

  it('counts a trail held whole toward the gossip floor only while it waits within its time', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const take = taker(turns, []);
    const held = await take('held', req(5n, 'a'));
    const heavy = take('heavy', req(50n, 'b', { ids: new Set(['b']) }));
    const chunk = take('chunk', req(90n, 'c'));
    expect(turns.waitingWork()).toBe(50n);
    await vi.advanceTimersByTimeAsync(WAIT);
    expect(turns.waitingWork()).toBe(0n);
    held.release();
    (await chunk).release();
    (await heavy).release();
  });

  it('on stop stops the download under way and gives every waiting or later trail a preempted slot at once', async () => {
    const turns = new DownloadTurns(WAIT, () => Date.now());
    const log: string[] = [];
    const take = taker(turns, log);
    const held = await take('held', req(1n, 'a'));
    const waiting = [take('x', req(2n, 'b')), take('y', req(3n, 'c'))];
    turns.stop();
    const given = await Promise.all([...waiting, take('late', req(4n, 'd'))]);
    expect(log.sort()).toEqual(['held@0', 'late@0', 'x@0', 'y@0']);
    // The download under way is stopped, and every slot given after stop is already preempted.
    expect([held.preempted, ...given.map((g) => g.preempted)]).toEqual([true, true, true, true]);
    held.release();
  });
});

/**
 * At most one run in flight per key, plus one more after it when asked again
 * meanwhile (the state may have changed since the first began). Every caller
 * during a run shares that follow-up, so a burst of N requests costs two
 * runs, not N. The map holds only keys with a run in flight.
 */
export function coalescer<T>(): (key: string, run: () => Promise<T>) => Promise<T> {
  const slots = new Map<string, { current: Promise<T>; next?: Promise<T> }>();
  const start = (key: string, run: () => Promise<T>): Promise<T> => {
    const slot: { current: Promise<T>; next?: Promise<T> } = { current: run() };
    slots.set(key, slot);
    const done = () => {
      if (slots.get(key) === slot && !slot.next) slots.delete(key);
    };
    slot.current.then(done, done);
    return slot.current;
  };
  return (key, run) => {
    const slot = slots.get(key);
    if (!slot) return start(key, run);
    if (!slot.next) {
      const after = () => start(key, run);
      slot.next = slot.current.then(after, after);
    }
    return slot.next;
  };
}

/**
 * Runs async tasks one at a time in arrival order. Chain and mempool updates
 * interleave awaits on the database; serialising them keeps every update
 * atomic from the point of view of readers.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

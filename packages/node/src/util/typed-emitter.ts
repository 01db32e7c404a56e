import { EventEmitter } from 'node:events';

/** EventEmitter with event names and payloads checked by the compiler. */
export class TypedEmitter<Events extends Record<string, unknown[]>> {
  private readonly ee = new EventEmitter();

  constructor() {
    this.ee.setMaxListeners(100);
  }

  on<K extends keyof Events & string>(event: K, fn: (...args: Events[K]) => void): this {
    this.ee.on(event, fn as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Events & string>(event: K, fn: (...args: Events[K]) => void): this {
    this.ee.off(event, fn as (...args: unknown[]) => void);
    return this;
  }

  emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    this.ee.emit(event, ...args);
  }
}

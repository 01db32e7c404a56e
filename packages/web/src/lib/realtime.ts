import { realtimeMessageSchema, type RealtimePush } from '@hackcoin/core';

/**
 * One WebSocket to the node's /ws hub. Components subscribe to topics with
 * handlers; the client reference-counts topics, reconnects with exponential
 * backoff, and re-sends every live subscription after each (re)connect.
 * The backoff starts over only once the hub has said hello (a socket it
 * accepted), and a close with 1013 (try again later) waits the longest delay.
 * Every message is checked against core's /ws schemas first, as api() checks
 * HTTP answers: a malformed one is dropped and counted (onMalformed), so a
 * page only ever sees pushes of the documented shape.
 */
export type Topic = 'blocks' | 'mempool' | 'mining' | 'network' | `address:${string}`;

/** A push as checked against core's schema (unknown fields stripped). */
export type RealtimeMessage = RealtimePush;

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The part of the browser WebSocket this client uses (so tests can inject another implementation). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** Runs `fn` after `delayMs`; returns its cancel. Injected by tests to see the delays asked for. */
export type Scheduler = (fn: () => void, delayMs: number) => () => void;

export interface RealtimeOptions {
  factory?: SocketFactory;
  minDelayMs?: number;
  maxDelayMs?: number;
  schedule?: Scheduler;
}

/** The hub's close code for "too many clients, try again later". */
const TRY_AGAIN_LATER = 1013;

const timeoutScheduler: Scheduler = (fn, delayMs) => {
  const t = setTimeout(fn, delayMs);
  return () => clearTimeout(t);
};

type Handler = (message: RealtimeMessage) => void;
type StateListener = (state: ConnectionState, connects: number) => void;
/** `count` malformed messages so far; `reason` names what was wrong with the latest. */
type MalformedListener = (count: number, reason: string) => void;

const OPEN = 1;

/** The server normalises address topics to EIP-55; dispatch ignores case so any spelling matches. */
export function topicKey(topic: string): string {
  return topic.startsWith('address:') ? topic.toLowerCase() : topic;
}

export function defaultSocketUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

export class RealtimeClient {
  private ws: SocketLike | null = null;
  private readonly handlers = new Map<string, { topic: string; set: Set<Handler> }>();
  private readonly listeners = new Set<StateListener>();
  private readonly malformedListeners = new Set<MalformedListener>();
  private cancelRetry: (() => void) | undefined;
  private attempt = 0;
  private running = false;
  private current: ConnectionState = 'closed';
  /** How many times a connection has opened; > 1 means this is a reconnect. */
  connects = 0;
  /** Messages dropped because they were not JSON or did not match core's /ws schemas. */
  malformed = 0;

  constructor(
    private readonly url: string,
    private readonly opts: RealtimeOptions = {},
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  stop(): void {
    this.running = false;
    this.cancelRetry?.();
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.setState('closed');
  }

  /** Subscribes `handler` to `topic`; returns the unsubscribe function. */
  subscribe(topic: Topic, handler: Handler): () => void {
    const key = topicKey(topic);
    let entry = this.handlers.get(key);
    if (!entry) {
      entry = { topic, set: new Set() };
      this.handlers.set(key, entry);
      this.send('subscribe', [topic]);
    }
    entry.set.add(handler);
    return () => {
      const e = this.handlers.get(key);
      if (!e) return;
      e.set.delete(handler);
      if (e.set.size === 0) {
        this.handlers.delete(key);
        this.send('unsubscribe', [e.topic]);
      }
    };
  }

  topics(): string[] {
    return [...this.handlers.values()].map((e) => e.topic);
  }

  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onMalformed(listener: MalformedListener): () => void {
    this.malformedListeners.add(listener);
    return () => this.malformedListeners.delete(listener);
  }

  private drop(reason: string): void {
    this.malformed += 1;
    const short = reason.slice(0, 200);
    for (const l of this.malformedListeners) l(this.malformed, short);
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    for (const l of this.listeners) l(state, this.connects);
  }

  private send(op: 'subscribe' | 'unsubscribe', topics: string[]): void {
    if (topics.length === 0 || !this.ws || this.ws.readyState !== OPEN) return;
    this.ws.send(JSON.stringify({ op, topics }));
  }

  private open(): void {
    this.setState('connecting');
    const factory = this.opts.factory ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let ws: SocketLike;
    try {
      ws = factory(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.connects += 1;
      this.send('subscribe', this.topics());
      this.setState('open');
    };
    ws.onmessage = (ev) => {
      // Only the hub's hello proves it took this socket: a server that refuses after the handshake
      // has still fired onopen, and resetting there brought a refused client back at once, forever.
      if (this.dispatch(ev.data) === 'hello' && this.ws === ws) this.attempt = 0;
    };
    ws.onerror = () => undefined; // a close event always follows
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('closed');
      this.scheduleReconnect(ev.code === TRY_AGAIN_LATER);
    };
  }

  private scheduleReconnect(tryAgainLater = false): void {
    if (!this.running) return;
    const min = this.opts.minDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 10_000;
    // The hub is full: every client coming back quickly would only keep it full.
    const base = tryAgainLater ? max : Math.min(max, min * 2 ** this.attempt);
    const delay = base * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    this.cancelRetry?.();
    this.cancelRetry = (this.opts.schedule ?? timeoutScheduler)(() => {
      if (this.running) this.open();
    }, delay);
  }

  /** Delivers a push to its handlers; returns the message's type, or null when it was dropped. */
  private dispatch(data: unknown): string | null {
    if (typeof data !== 'string') return this.dropped('a binary frame');
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return this.dropped('not JSON');
    }
    const parsed = realtimeMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.dropped(`${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'does not match the schema'}`);
    }
    const msg = parsed.data;
    // Replies to this client's own messages (hello, subscriptions, error) carry no topic.
    if (!('topic' in msg)) return msg.type;
    const entry = this.handlers.get(topicKey(msg.topic));
    for (const h of entry ? [...entry.set] : []) h(msg);
    return msg.type;
  }

  private dropped(reason: string): null {
    this.drop(reason);
    return null;
  }
}

import { realtimeMessageSchema, type RealtimePush } from '@hackcoin/core';

/**
 * One WebSocket to the node's /ws hub. Components subscribe to topics with
 * handlers; the client reference-counts topics, reconnects with exponential
 * backoff, and re-sends every live subscription after each (re)connect.
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
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export interface RealtimeOptions {
  factory?: SocketFactory;
  minDelayMs?: number;
  maxDelayMs?: number;
}

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
  private timer: ReturnType<typeof setTimeout> | undefined;
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
    clearTimeout(this.timer);
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
      this.attempt = 0;
      this.connects += 1;
      this.send('subscribe', this.topics());
      this.setState('open');
    };
    ws.onmessage = (ev) => this.dispatch(ev.data);
    ws.onerror = () => undefined; // a close event always follows
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('closed');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const min = this.opts.minDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) this.open();
    }, delay);
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return this.drop('a binary frame');
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return this.drop('not JSON');
    }
    const parsed = realtimeMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.drop(`${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'does not match the schema'}`);
    }
    const msg = parsed.data;
    // Replies to this client's own messages (hello, subscriptions, error) carry no topic.
    if (!('topic' in msg)) return;
    const entry = this.handlers.get(topicKey(msg.topic));
    if (!entry) return;
    for (const h of [...entry.set]) h(msg);
  }
}

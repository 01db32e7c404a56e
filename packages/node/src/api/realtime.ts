import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { parseAddress, formatAddress, type RealtimeReply } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import { jsonTooDeep } from './json-depth.js';

/**
 * Topics a client can subscribe to over the one WebSocket at /ws:
 *   blocks, mempool, mining, network, and address:<0x address>.
 * Other subsystems publish; the hub fans out to subscribers.
 */
export type Topic = 'blocks' | 'mempool' | 'mining' | 'network' | `address:${string}`;

export interface RealtimeMessage {
  type: string;
  [field: string]: unknown;
}

/** Limits on what one stranger can make the hub hold or do; docs/api.md lists them. */
export const REALTIME_LIMITS = {
  subscriptionsPerClient: 200,
  clients: 1_000,
  messageBytes: 16 * 1024,
  /** A subscription message is `{op, topics: [...]}`: two levels. */
  messageDepth: 4,
  /** `address:` and a 0x address are 50 characters. */
  topicLength: 64,
  /** Messages a client may send per window before it is disconnected. */
  messagesPerWindow: 100,
  windowMs: 10_000,
} as const;

/** A slow client whose send buffer grows past this is dropped rather than buffering without limit. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const KNOWN = ['blocks', 'mempool', 'mining', 'network', 'address:<0x…>'];
const USAGE = 'expected {"op": "subscribe"|"unsubscribe", "topics": [...]}';

function normaliseTopic(t: string): Topic | null {
  if (t === 'blocks' || t === 'mempool' || t === 'mining' || t === 'network') return t;
  if (t.startsWith('address:')) {
    try {
      return `address:${formatAddress(parseAddress(t.slice(8)))}`;
    } catch {
      return null;
    }
  }
  return null;
}

/** How a refused topic is named back to the client: its text if it is a short string, never the value itself. */
function describeRejected(t: unknown): string {
  if (typeof t !== 'string') return `<${t === null ? 'null' : Array.isArray(t) ? 'array' : typeof t}>`;
  return t.length > REALTIME_LIMITS.topicLength ? `${t.slice(0, REALTIME_LIMITS.topicLength)}…` : t;
}

interface Client {
  topics: Set<Topic>;
  windowStart: number;
  messages: number;
}

export class RealtimeHub {
  private readonly subs = new Map<Topic, Set<WebSocket>>();
  private readonly clients = new Map<WebSocket, Client>();
  /** Live address topics, so publishers learn whether anyone watches an address without walking every topic. */
  private addressTopics = 0;

  constructor(private readonly log: Logger) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Topics with at least one subscriber; empty ones are removed as soon as they empty. */
  get topicCount(): number {
    return this.subs.size;
  }

  hasSubscribers(topic: Topic): boolean {
    return (this.subs.get(topic)?.size ?? 0) > 0;
  }

  /** Lets publishers skip per-address work entirely while nobody watches an address. */
  get watchesAddresses(): boolean {
    return this.addressTopics > 0;
  }

  publish(topic: Topic, message: RealtimeMessage): void {
    const set = this.subs.get(topic);
    if (!set || set.size === 0) return;
    const text = JSON.stringify({ topic, ...message });
    for (const ws of set) {
      if (ws.bufferedAmount > MAX_BUFFERED) {
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  }

  /** Publishes to the address topic of every address given (EIP-55 formatted). */
  publishAddresses(addresses: Iterable<string>, message: RealtimeMessage | (() => RealtimeMessage)): void {
    let built: RealtimeMessage | undefined;
    for (const a of new Set(addresses)) {
      const topic: Topic = `address:${a}`;
      if (!this.hasSubscribers(topic)) continue;
      built ??= typeof message === 'function' ? message() : message;
      this.publish(topic, built);
    }
  }

  register(app: FastifyInstance): void {
    app.route({
      method: 'GET',
      url: '/ws',
      handler: async (_req, reply) =>
        reply.status(426).header('upgrade', 'websocket').send({ error: 'upgrade-required', message: 'invalid request: /ws takes a WebSocket upgrade' }),
      wsHandler: (socket) => this.accept(socket),
    });
  }

  private accept(ws: WebSocket): void {
    if (this.clients.size >= REALTIME_LIMITS.clients) {
      ws.close(1013, 'too many real-time clients');
      return;
    }
    const client: Client = { topics: new Set(), windowStart: Date.now(), messages: 0 };
    this.clients.set(ws, client);
    // An exception escaping a socket listener would reach the process: each message fails alone.
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      try {
        this.onMessage(ws, client, raw, isBinary);
      } catch (e) {
        this.log.error(`real-time message handler failed: ${(e as Error).stack ?? String(e)}`);
        this.reply(ws, { type: 'error', message: 'internal error' });
      }
    });
    ws.on('close', () => this.drop(ws));
    ws.on('error', (e) => {
      this.log.debug('websocket error: %s', e.message);
      this.drop(ws);
    });
    this.reply(ws, { type: 'hello', topics: KNOWN });
  }

  private onMessage(ws: WebSocket, client: Client, raw: Buffer, isBinary: boolean): void {
    const now = Date.now();
    if (now - client.windowStart >= REALTIME_LIMITS.windowMs) {
      client.windowStart = now;
      client.messages = 0;
    }
    if (++client.messages > REALTIME_LIMITS.messagesPerWindow) {
      ws.close(1008, 'too many messages');
      return;
    }
    if (isBinary || raw.length > REALTIME_LIMITS.messageBytes) {
      return this.reply(ws, { type: 'error', message: `messages must be JSON text under ${REALTIME_LIMITS.messageBytes / 1024} KiB` });
    }
    const text = raw.toString('utf8');
    if (jsonTooDeep(text, REALTIME_LIMITS.messageDepth)) {
      return this.reply(ws, { type: 'error', message: `invalid message: JSON nested deeper than ${REALTIME_LIMITS.messageDepth} levels` });
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.reply(ws, { type: 'error', message: 'invalid message: malformed JSON' });
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return this.reply(ws, { type: 'error', message: `invalid message: ${USAGE}` });
    const { op, topics } = msg as { op?: unknown; topics?: unknown };
    if (op !== 'subscribe' && op !== 'unsubscribe') return this.reply(ws, { type: 'error', message: `invalid op: ${USAGE}` });
    if (!Array.isArray(topics)) return this.reply(ws, { type: 'error', message: `invalid topics: ${USAGE}` });
    if (topics.length > REALTIME_LIMITS.subscriptionsPerClient) {
      return this.reply(ws, { type: 'error', message: `invalid topics: at most ${REALTIME_LIMITS.subscriptionsPerClient} per message` });
    }
    const rejected: string[] = [];
    for (const t of topics as unknown[]) {
      const topic = typeof t === 'string' && t.length <= REALTIME_LIMITS.topicLength ? normaliseTopic(t) : null;
      if (!topic) rejected.push(describeRejected(t));
      else if (op === 'unsubscribe') this.unsubscribe(ws, client, topic);
      else if (!this.subscribe(ws, client, topic)) rejected.push(describeRejected(t));
    }
    this.reply(ws, { type: 'subscriptions', topics: [...client.topics], ...(rejected.length ? { rejected } : {}) });
  }

  private subscribe(ws: WebSocket, client: Client, topic: Topic): boolean {
    if (client.topics.has(topic)) return true;
    if (client.topics.size >= REALTIME_LIMITS.subscriptionsPerClient) return false;
    client.topics.add(topic);
    let set = this.subs.get(topic);
    if (!set) {
      this.subs.set(topic, (set = new Set()));
      if (topic.startsWith('address:')) this.addressTopics++;
    }
    set.add(ws);
    return true;
  }

  private unsubscribe(ws: WebSocket, client: Client, topic: Topic): void {
    client.topics.delete(topic);
    const set = this.subs.get(topic);
    if (!set) return;
    set.delete(ws);
    if (set.size > 0) return;
    this.subs.delete(topic);
    if (topic.startsWith('address:')) this.addressTopics--;
  }

  /** Only the hub's own messages are serialised here: nothing a client sent is echoed except short strings. */
  private reply(ws: WebSocket, message: RealtimeReply): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  private drop(ws: WebSocket): void {
    const client = this.clients.get(ws);
    if (!client) return;
    for (const t of [...client.topics]) this.unsubscribe(ws, client, t);
    this.clients.delete(ws);
  }
}

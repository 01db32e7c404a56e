import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { parseAddress, formatAddress } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';

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

const MAX_SUBSCRIPTIONS = 200;
const MAX_CLIENTS = 1_000;
const MAX_CLIENT_MESSAGE = 16 * 1024;
/** A slow client whose send buffer grows past this is dropped rather than buffering without limit. */
const MAX_BUFFERED = 4 * 1024 * 1024;

function normaliseTopic(t: unknown): Topic | null {
  if (t === 'blocks' || t === 'mempool' || t === 'mining' || t === 'network') return t;
  if (typeof t === 'string' && t.startsWith('address:')) {
    try {
      return `address:${formatAddress(parseAddress(t.slice(8)))}`;
    } catch {
      return null;
    }
  }
  return null;
}

export class RealtimeHub {
  private readonly subs = new Map<Topic, Set<WebSocket>>();
  private readonly clients = new Map<WebSocket, Set<Topic>>();

  constructor(private readonly log: Logger) {}

  get clientCount(): number {
    return this.clients.size;
  }

  hasSubscribers(topic: Topic): boolean {
    return (this.subs.get(topic)?.size ?? 0) > 0;
  }

  /** Lets publishers skip per-address work entirely while nobody watches an address. */
  get watchesAddresses(): boolean {
    for (const t of this.subs.keys()) if (t.startsWith('address:')) return true;
    return false;
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
    app.get('/ws', { websocket: true }, (socket) => this.accept(socket));
  }

  private accept(ws: WebSocket): void {
    if (this.clients.size >= MAX_CLIENTS) {
      ws.close(1013, 'too many real-time clients');
      return;
    }
    const topics = new Set<Topic>();
    this.clients.set(ws, topics);
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      if (isBinary || raw.length > MAX_CLIENT_MESSAGE) return this.reply(ws, { type: 'error', message: 'messages must be JSON text under 16 KiB' });
      let msg: { op?: unknown; topics?: unknown };
      try {
        msg = JSON.parse(raw.toString('utf8'));
      } catch {
        return this.reply(ws, { type: 'error', message: 'malformed JSON' });
      }
      if ((msg.op !== 'subscribe' && msg.op !== 'unsubscribe') || !Array.isArray(msg.topics)) {
        return this.reply(ws, { type: 'error', message: 'expected {"op": "subscribe"|"unsubscribe", "topics": [...]}' });
      }
      const bad: unknown[] = [];
      for (const t of msg.topics) {
        const topic = normaliseTopic(t);
        if (!topic) {
          bad.push(t);
          continue;
        }
        if (msg.op === 'subscribe') {
          if (topics.size >= MAX_SUBSCRIPTIONS) {
            bad.push(t);
            continue;
          }
          topics.add(topic);
          let set = this.subs.get(topic);
          if (!set) this.subs.set(topic, (set = new Set()));
          set.add(ws);
        } else {
          topics.delete(topic);
          this.subs.get(topic)?.delete(ws);
        }
      }
      this.reply(ws, { type: 'subscriptions', topics: [...topics], ...(bad.length ? { rejected: bad } : {}) });
    });
    ws.on('close', () => this.drop(ws));
    ws.on('error', (e) => {
      this.log.debug('websocket error: %s', e.message);
      this.drop(ws);
    });
    this.reply(ws, { type: 'hello', topics: ['blocks', 'mempool', 'mining', 'network', 'address:<0x…>'] });
  }

  private reply(ws: WebSocket, message: RealtimeMessage): void {
    ws.send(JSON.stringify(message));
  }

  private drop(ws: WebSocket): void {
    const topics = this.clients.get(ws);
    if (!topics) return;
    for (const t of topics) {
      const set = this.subs.get(t);
      set?.delete(ws);
      if (set && set.size === 0) this.subs.delete(t);
    }
    this.clients.delete(ws);
  }
}

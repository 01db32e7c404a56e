import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { bytesToHex, hexToBytes, type RealtimeReply } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import { jsonTooDeep } from './json-depth.js';
import { clientKey } from '../util/client-key.js';
import { checksummed } from './address-format.js';
import type { ExemptRequest } from './client-exemption.js';

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
  /** Below the HTTP server's 800 sockets (connection-limits.ts), so WebSockets cannot take every one. */
  clients: 500,
  /**
   * Beyond `clients`, for clients exempt from the per-address cap (loopback under RATE_LIMIT=remote):
   * strangers holding every slot shut the node's own web app and CLI out of live updates.
   */
  exemptReserve: 16,
  /** Per IPv4 address or IPv6 /64: one address could otherwise hold every slot. */
  clientsPerAddress: 16,
  /** Every socket is pinged this often; one that has not answered the previous ping is terminated. */
  pingIntervalMs: 30_000,
  /** Retry-After on a refused upgrade: by then a slot held by a vanished client has been reclaimed by a ping round. */
  retryAfterSeconds: 60,
  messageBytes: 16 * 1024,
  /** A subscription message is `{op, topics: [...]}`: two levels. */
  messageDepth: 4,
  /** `address:` and a 0x address are 50 characters. */
  topicLength: 64,
  /** Messages a client may send per window before it is disconnected. */
  messagesPerWindow: 100,
  /**
   * Topics a client may name (subscribe or unsubscribe, accepted or not) per window before it is
   * disconnected: each costs a parse and map updates, so counting messages alone let one message of
   * 200 topics ten times a second stall the node.
   */
  topicOpsPerWindow: 200,
  windowMs: 10_000,
} as const;

/** A slow client whose send buffer grows past this is dropped rather than buffering without limit. */
export const MAX_BUFFERED = 4 * 1024 * 1024;
/** What all clients' send buffers may hold together: each client's bound shrinks as the hub fills (500 × 4 MiB was 2 GB). */
export const MAX_BUFFERED_TOTAL = 256 * 1024 * 1024;

/** A client's send-buffer bound with `clients` connected. */
export function sendBufferCap(clients: number): number {
  return Math.min(MAX_BUFFERED, Math.floor(MAX_BUFFERED_TOTAL / Math.max(1, clients)));
}
const KNOWN = ['blocks', 'mempool', 'mining', 'network', 'address:<0x…>'];
const USAGE = 'expected {"op": "subscribe"|"unsubscribe", "topics": [...]}';

const ADDRESS_TOPIC = /^address:0x[0-9a-fA-F]{40}$/;

/**
 * The hub's own key for a topic: address topics by lower-case hex, so keying costs no hash. The
 * EIP-55 checksum (a keccak) is computed only for topics named in messages sent out. A mixed-case
 * address is not checked against its checksum: a mistyped one is a subscription nobody publishes to.
 */
function topicKey(t: string): Topic | null {
  if (t === 'blocks' || t === 'mempool' || t === 'mining' || t === 'network') return t;
  return ADDRESS_TOPIC.test(t) ? `address:${t.slice(8).toLowerCase()}` : null;
}

/** How a topic key is named to clients: address topics with their EIP-55 checksum. */
function topicName(key: Topic): string {
  return key.startsWith('address:') ? `address:${checksummed(hexToBytes(key.slice(10)))}` : key;
}

/** How a refused topic is named back to the client: its text if it is a short string, never the value itself. */
function describeRejected(t: unknown): string {
  if (typeof t !== 'string') return `<${t === null ? 'null' : Array.isArray(t) ? 'array' : typeof t}>`;
  return t.length > REALTIME_LIMITS.topicLength ? `${t.slice(0, REALTIME_LIMITS.topicLength)}…` : t;
}

interface Client {
  /** Whose slot this is (see clientKey), or null when exempt from the per-address cap. */
  address: string | null;
  /** Whether it answered the last ping. */
  alive: boolean;
  topics: Set<Topic>;
  windowStart: number;
  messages: number;
  topicOps: number;
}

export class RealtimeHub {
  private readonly subs = new Map<Topic, Set<WebSocket>>();
  private readonly clients = new Map<WebSocket, Client>();
  private readonly perAddress = new Map<string, number>();
  /** Live address topics, so publishers learn whether anyone watches an address without walking every topic. */
  private addressTopics = 0;

  constructor(
    private readonly log: Logger,
    /** Injected so tests can move the rate window without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Topics with at least one subscriber; empty ones are removed as soon as they empty. */
  get topicCount(): number {
    return this.subs.size;
  }

  hasSubscribers(topic: Topic): boolean {
    const key = topicKey(topic);
    return key !== null && (this.subs.get(key)?.size ?? 0) > 0;
  }

  /** Lets publishers skip per-address work entirely while nobody watches an address. */
  get watchesAddresses(): boolean {
    return this.addressTopics > 0;
  }

  /** `topic` is sent as given: an address topic should carry its EIP-55 form (publishAddresses does that). */
  publish(topic: Topic, message: RealtimeMessage): void {
    const key = topicKey(topic);
    const set = key === null ? undefined : this.subs.get(key);
    if (!set || set.size === 0) return;
    // Encoded once for every subscriber: sent as text, each socket encoded it again (a 130 KB push to
    // 500 clients was 500 encodings of it).
    const data = Buffer.from(JSON.stringify({ topic, ...message }));
    for (const ws of set) this.send(ws, data);
  }

  /** Publishes to the address topic of every address given; only watched ones are checksummed. */
  publishAddresses(addresses: Iterable<Uint8Array>, message: RealtimeMessage | (() => RealtimeMessage)): void {
    let built: RealtimeMessage | undefined;
    const seen = new Set<string>();
    for (const a of addresses) {
      // Already the subscription key (lower-case hex): no need to normalise it again per party.
      const key: Topic = `address:0x${bytesToHex(a)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if ((this.subs.get(key)?.size ?? 0) === 0) continue;
      built ??= typeof message === 'function' ? message() : message;
      this.publish(`address:${checksummed(a)}`, built);
    }
  }

  /**
   * Serves /ws on `app` and pings its clients until the app closes. `exempt` names upgrade requests
   * not held to the per-address cap (see exemptRequests); the others count by clientKey of req.ip, as
   * Fastify resolves it behind trusted proxies.
   */
  register(app: FastifyInstance, exempt: ExemptRequest = () => false): void {
    const slotOf = (req: FastifyRequest): string | null => (exempt(req) ? null : clientKey(req.ip));
    app.route({
      method: 'GET',
      url: '/ws',
      // Refused before the upgrade, as plain HTTP: a socket refused after its handshake looked open to
      // the browser, whose client then reset its backoff and came straight back, upgrade after upgrade.
      preValidation: async (req, reply) => {
        if (!req.ws) return;
        const refusal = this.refusal(slotOf(req));
        if (refusal === null) return;
        return reply
          .status(503)
          .header('retry-after', REALTIME_LIMITS.retryAfterSeconds)
          .send({ error: 'too-many-clients', message: `${refusal}; retry in ${REALTIME_LIMITS.retryAfterSeconds} s` });
      },
      handler: async (_req, reply) =>
        reply.status(426).header('upgrade', 'websocket').send({ error: 'upgrade-required', message: 'invalid request: /ws takes a WebSocket upgrade' }),
      wsHandler: (socket, req) => this.accept(socket, slotOf(req)),
    });
    const timer = setInterval(() => this.heartbeat(), REALTIME_LIMITS.pingIntervalMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  /** Why a new client from `address` (null: exempt from the per-address cap) would be refused, or null. */
  private refusal(address: string | null): string | null {
    if (this.clients.size >= REALTIME_LIMITS.clients + (address === null ? REALTIME_LIMITS.exemptReserve : 0)) return 'too many real-time clients';
    const held = address === null ? 0 : (this.perAddress.get(address) ?? 0);
    return held >= REALTIME_LIMITS.clientsPerAddress ? 'too many real-time clients from one address' : null;
  }

  /**
   * One ping round: a socket that has not answered the previous ping is terminated (a peer gone
   * without a close, or one holding a slot without reading), the others are pinged again.
   */
  heartbeat(): void {
    for (const [ws, client] of this.clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }

  private accept(ws: WebSocket, address: string | null): void {
    // Checked again: upgrades admitted together before either was counted may overshoot by one.
    const refusal = this.refusal(address);
    if (refusal !== null) {
      ws.close(1013, refusal);
      return;
    }
    if (address !== null) this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    const client: Client = { address, alive: true, topics: new Set(), windowStart: this.now(), messages: 0, topicOps: 0 };
    this.clients.set(ws, client);
    ws.on('pong', () => (client.alive = true));
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
    const now = this.now();
    if (now - client.windowStart >= REALTIME_LIMITS.windowMs) {
      client.windowStart = now;
      client.messages = 0;
      client.topicOps = 0;
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
    client.topicOps += topics.length;
    if (client.topicOps > REALTIME_LIMITS.topicOpsPerWindow) {
      ws.close(1008, 'too many topic operations');
      return;
    }
    const rejected: string[] = [];
    const changed: Topic[] = [];
    for (const t of topics as unknown[]) {
      const topic = typeof t === 'string' && t.length <= REALTIME_LIMITS.topicLength ? topicKey(t) : null;
      if (!topic) rejected.push(describeRejected(t));
      else if (op === 'unsubscribe') {
        if (this.unsubscribe(ws, client, topic)) changed.push(topic);
      } else {
        const added = this.subscribe(ws, client, topic);
        if (added === null) rejected.push(describeRejected(t));
        else if (added) changed.push(topic);
      }
    }
    // Only what this message changed: echoing the whole list made each message cost up to 200 checksums.
    this.reply(ws, {
      type: 'subscriptions',
      op,
      topics: changed.map(topicName),
      count: client.topics.size,
      ...(rejected.length ? { rejected } : {}),
    });
  }

  /** True if added, false if already held, null if refused at the cap. */
  private subscribe(ws: WebSocket, client: Client, topic: Topic): boolean | null {
    if (client.topics.has(topic)) return false;
    if (client.topics.size >= REALTIME_LIMITS.subscriptionsPerClient) return null;
    client.topics.add(topic);
    let set = this.subs.get(topic);
    if (!set) {
      this.subs.set(topic, (set = new Set()));
      if (topic.startsWith('address:')) this.addressTopics++;
    }
    set.add(ws);
    return true;
  }

  /** True if the client held the topic. */
  private unsubscribe(ws: WebSocket, client: Client, topic: Topic): boolean {
    if (!client.topics.delete(topic)) return false;
    const set = this.subs.get(topic);
    if (!set) return true;
    set.delete(ws);
    if (set.size > 0) return true;
    this.subs.delete(topic);
    if (topic.startsWith('address:')) this.addressTopics--;
    return true;
  }

  /** Only the hub's own messages are serialised here: nothing a client sent is echoed except short strings. */
  private reply(ws: WebSocket, message: RealtimeReply): void {
    this.send(ws, JSON.stringify(message));
  }

  /**
   * Every message out goes through here, replies as well as pushes: a client that stops reading
   * while it keeps asking would otherwise make the node buffer replies without limit.
   */
  private send(ws: WebSocket, data: string | Buffer): void {
    if (ws.readyState !== ws.OPEN) return;
    // Checked before sending, so one large push still reaches a client that reads.
    if (ws.bufferedAmount > sendBufferCap(this.clients.size)) {
      ws.terminate();
      return;
    }
    // A text frame whatever the type: browsers hand binary frames to the page as Blobs.
    ws.send(data, { binary: false });
  }

  private drop(ws: WebSocket): void {
    const client = this.clients.get(ws);
    if (!client) return;
    for (const t of [...client.topics]) this.unsubscribe(ws, client, t);
    this.clients.delete(ws);
    if (client.address === null) return;
    const left = (this.perAddress.get(client.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(client.address, left);
    else this.perAddress.delete(client.address);
  }
}

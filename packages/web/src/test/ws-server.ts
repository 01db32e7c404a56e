import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket } from 'ws';
import type { SocketFactory, SocketLike } from '../lib/realtime';

/** jsdom's global WebSocket does not work under Vitest; the client takes the `ws` one instead. */
export const nodeSocket: SocketFactory = (url) => new NodeWebSocket(url) as unknown as SocketLike;

/** A real WebSocket server speaking the node's /ws protocol, for client tests. */
export async function startFakeHub(port = 0) {
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  port = (wss.address() as { port: number }).port;
  const received: { socket: WebSocket; msg: { op: string; topics: string[] } }[] = [];
  const subs = new Map<WebSocket, Set<string>>();
  wss.on('connection', (socket) => {
    subs.set(socket, new Set());
    socket.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { op: string; topics: string[] };
      received.push({ socket, msg });
      const set = subs.get(socket)!;
      for (const t of msg.topics) {
        const norm = t.startsWith('address:') ? t.toLowerCase() : t;
        if (msg.op === 'subscribe') set.add(norm);
        else set.delete(norm);
      }
      socket.send(JSON.stringify({ type: 'subscriptions', topics: [...set] }));
    });
    socket.on('close', () => subs.delete(socket));
    socket.send(JSON.stringify({ type: 'hello', topics: ['blocks', 'mempool', 'mining', 'network', 'address:<0x…>'] }));
  });
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    received,
    /** Topics each live connection is subscribed to. */
    subscriptions: () => [...subs.values()].map((s) => [...s].sort()),
    publish(topic: string, message: Record<string, unknown>) {
      for (const [socket, set] of subs) if (set.has(topic.startsWith('address:') ? topic.toLowerCase() : topic)) socket.send(JSON.stringify({ topic, ...message }));
    },
    /** Sends `text` as it is to every connection, subscribed or not (malformed-message tests). */
    sendRaw(text: string) {
      for (const socket of subs.keys()) socket.send(text);
    },
    /** Drops every client abruptly, as a node restart would. */
    dropAll() {
      for (const s of wss.clients) s.terminate();
    },
    connections: () => wss.clients.size,
    port,
    close: () => {
      for (const s of wss.clients) s.terminate();
      return new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

export async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

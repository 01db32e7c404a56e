import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { clientKey } from '../util/client-key.js';
import { BUSY_RETRY_SECONDS, busy, type ReserveAnswer } from './heavy-gate.js';
import type { ExemptRequest } from './client-exemption.js';

/**
 * Answers a client has not read yet are held in this process. Node's HTTP parser dispatches every
 * request already in a socket's read buffer before it pauses the socket, so one 50 KB write of 1,000
 * pipelined `GET /api/blocks/<hash>` made 1,000 answers of ~3.8 MB each, queued behind the first,
 * which the client never read: 3.8 GB from one connection, and the node ran out of memory with a
 * second. docs/api.md lists these limits.
 */
export const RESPONSE_LIMITS = {
  /**
   * Requests one socket may have in flight. Browsers and the usual HTTP clients send one at a time on
   * a connection; past this the socket is closed, as every queued answer would wait for the client.
   */
  requestsPerSocket: 4,
  /** Answers at least this large count against the budgets below. */
  largeAnswerBytes: 64 * 1024,
  /** Bytes of large answers not yet handed to the operating system, node-wide. */
  nodeBytes: 128 * 1024 * 1024,
  /** The same per client (an IPv4 address or an IPv6 /64): several clients that stop reading cannot take all of it. */
  clientBytes: 24 * 1024 * 1024,
};
export type ResponseLimits = typeof RESPONSE_LIMITS;

const BUSY = 'too many large answers are waiting to be read; read them, or retry later';

/** An answer's size in bytes; a string too short to reach `large` in UTF-8 is not measured. */
function answerBytes(payload: unknown, large: number): number {
  if (typeof payload === 'string') return payload.length * 3 < large ? payload.length : Buffer.byteLength(payload);
  return Buffer.isBuffer(payload) || payload instanceof Uint8Array ? payload.byteLength : 0;
}

/** Bytes held for one answer, and the client they count against (none when exempt). */
interface Booking {
  key: string | undefined;
  bytes: number;
}

/**
 * Caps requests in flight per socket and the memory of large answers waiting for their clients.
 * `exempt` names requests without a per-client budget (see exemptRequests); the
 * node-wide budget holds for everyone. Streamed answers (the web app's files) read as they are sent
 * and are not counted.
 *
 * Checked as an answer is sent, a refusal came after the answer was made: 114 of 180 requests for
 * /api/blockchain/full were refused, each after a full render. Routes that know an answer's size
 * beforehand book it with the returned function first and are refused before any work.
 */
export function installResponseBudget(app: FastifyInstance, limits: ResponseLimits, exempt: ExemptRequest): ReserveAnswer {
  const inFlight = new WeakMap<Socket, number>();
  let nodeUnsent = 0;
  const clientUnsent = new Map<string, number>();
  const booked = new WeakMap<FastifyReply, Booking>();

  /** Moves a booking to `bytes`, for the node and its client. */
  const rebook = (b: Booking, bytes: number): void => {
    const change = bytes - b.bytes;
    b.bytes = bytes;
    nodeUnsent += change;
    if (b.key === undefined) return;
    const left = (clientUnsent.get(b.key) ?? 0) + change;
    if (left > 0) clientUnsent.set(b.key, left);
    else clientUnsent.delete(b.key);
  };

  /** Books `bytes` for the answer to `req` if both budgets take them. */
  const book = (req: FastifyRequest, reply: FastifyReply, bytes: number): boolean => {
    const key = exempt(req) ? undefined : clientKey(req.ip);
    const client = key === undefined ? 0 : (clientUnsent.get(key) ?? 0);
    if (nodeUnsent + bytes > limits.nodeBytes || (key !== undefined && client + bytes > limits.clientBytes)) return false;
    const booking: Booking = { key, bytes: 0 };
    booked.set(reply, booking);
    rebook(booking, bytes);
    // 'close' comes once the answer is handed to the operating system, or the socket is gone.
    reply.raw.once('close', () => rebook(booking, 0));
    return true;
  };

  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const socket = req.raw.socket;
    const n = (inFlight.get(socket) ?? 0) + 1;
    inFlight.set(socket, n);
    reply.raw.once('close', () => inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1));
    if (n > limits.requestsPerSocket) {
      socket.destroy();
      reply.hijack();
      return;
    }
    done();
  });

  app.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    const bytes = answerBytes(payload, limits.largeAnswerBytes);
    const counted = bytes < limits.largeAnswerBytes ? 0 : bytes;
    const booking = booked.get(reply);
    // Admitted when booked: only its size is brought up to date (a booking is the route's estimate).
    if (booking) {
      rebook(booking, counted);
      return done(null, payload);
    }
    if (counted === 0 || book(req, reply, counted)) return done(null, payload);
    reply.code(503).header('retry-after', String(BUSY_RETRY_SECONDS)).type('application/json; charset=utf-8');
    return done(null, JSON.stringify({ error: 'busy', message: BUSY }));
  });

  return (req, reply, bytes) => {
    if (bytes < limits.largeAnswerBytes) return;
    const booking = booked.get(reply);
    if (booking) return rebook(booking, bytes);
    if (!book(req, reply, bytes)) throw busy(BUSY);
  };
}

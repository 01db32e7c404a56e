import { formatAddress } from '../primitives/address.js';
import { HEADER_SIZE } from '../primitives/header.js';
import { hexToBytes } from '../encoding/bytes.js';
import { MAX_HEADER_BATCH } from './header-chain.js';
import { RetryLater, UntrustworthyNode } from './errors.js';
import type { ProofSource } from './light-client.js';

// Core compiles without DOM or Node typings; browsers and Node 18+ have all of these.
interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}
interface FetchResponse {
  ok: boolean;
  status: number;
  type: string;
  body: { getReader(): BodyReader } | null;
}
interface AbortSignalLike {
  readonly aborted: boolean;
}
declare const fetch: (url: string, init: { signal: AbortSignalLike; redirect: 'manual' }) => Promise<FetchResponse>;
declare const AbortController: new () => { signal: AbortSignalLike; abort(): void };
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(id: unknown): void;
declare const TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };

/** How long one request may take, answer and body together, before the node counts as unavailable. */
export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Body caps, past which the node is sending what no honest node would.
 * Headers: a full batch as JSON hex strings (quotes and comma each) and a few
 * small fields beside it, ~330 KB.
 */
export const HEADERS_BODY_BYTES = MAX_HEADER_BATCH * (HEADER_SIZE * 2 + 3) + 4_096;
/**
 * Proofs: the verifier takes a value of up to 1 MiB (smt.ts's
 * MAX_PROOF_VALUE), which arrives as hex in the proof and again as text
 * beside it; header, coinbase, branch and two 256-deep tree paths are ~40 KB
 * of hex more.
 */
export const PROOF_BODY_BYTES = 4 * 1024 * 1024;

const HEX = /^[0-9a-fA-F]*$/;

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

function hexField(obj: unknown, name: string): Uint8Array {
  const v = field(obj, name);
  if (typeof v !== 'string' || v.length % 2 !== 0 || !HEX.test(v)) throw new UntrustworthyNode(`node answered without a hex ${name}`);
  return hexToBytes(v);
}

function decimalField(obj: unknown, name: string): bigint {
  const v = field(obj, name);
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) throw new UntrustworthyNode(`node answered without a decimal ${name}`);
  return BigInt(v);
}

/** The body, refused once it passes `cap` bytes (the download is aborted there). */
async function readCapped(res: FetchResponse, cap: number, abort: () => void, path: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      size += value.length;
      if (size > cap) {
        abort();
        throw new UntrustworthyNode(`node answered ${path} with more than ${cap} bytes`);
      }
      chunks.push(value);
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new UntrustworthyNode(`node answered ${path} with malformed JSON`);
  }
}

export interface HttpSourceOptions {
  /** Per request, answer and body together (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
}

/**
 * The node's proof routes over HTTP (docs/api.md, "Proofs for light clients").
 * Every request is bounded in time (RetryLater when it runs out: the node is
 * unavailable, not proven wrong) and in size (UntrustworthyNode past the cap,
 * like malformed JSON, a redirect, or a header list longer than asked for).
 */
export function httpProofSource(baseUrl: string, options: HttpSourceOptions = {}): ProofSource {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  /** The parsed body, or null for a 404. */
  const get = async (path: string, cap: number): Promise<unknown> => {
    const route = path.split('?')[0]!;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      // Not followed: a redirect could hand the client to another host's chain.
      const res = await fetch(`${base}${path}`, { signal: controller.signal, redirect: 'manual' });
      // A browser shows a redirect as an opaque answer with status 0; Node gives its 3xx.
      if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
        throw new UntrustworthyNode(`node answered ${route} with a redirect, which a HackCoin node never sends`);
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${route} answered ${res.status}`);
      return parseJson(await readCapped(res, cap, () => controller.abort(), route), route);
    } catch (e) {
      if (controller.signal.aborted && !(e instanceof UntrustworthyNode)) {
        throw new RetryLater(`node did not answer ${route} within ${timeoutMs / 1000} s`);
      }
      throw e;
    } finally {
      clearTimeout(timer);
      // Frees the connection of an answer whose body was not read (a 404 or an error status).
      controller.abort();
    }
  };
  const found = <T>(body: T | null, route: string): T => {
    if (body === null) throw new Error(`${route} answered 404`);
    return body;
  };
  const headersFrom = async (from: number, count: number): Promise<{ headers: Uint8Array[]; chainWork: bigint } | null> => {
    const body = await get(`/api/headers?from=${from}&count=${count}`, HEADERS_BODY_BYTES);
    if (body === null) return null;
    const list = field(body, 'headers');
    const work = field(body, 'chainWork');
    if (!Array.isArray(list) || typeof work !== 'string' || !HEX.test(work) || work.length === 0 || work.length > 64) {
      throw new UntrustworthyNode('node answered /api/headers without headers or chain work');
    }
    if (list.length > count) throw new UntrustworthyNode(`node answered /api/headers with ${list.length} headers, asked for ${count}`);
    return { headers: list.map((_, i) => hexField(list, String(i))), chainWork: BigInt(`0x${work}`) };
  };
  return {
    async headers(from) {
      const batch = await headersFrom(from, MAX_HEADER_BATCH);
      if (batch) return batch;
      // A 404 is `from` above the node's tip + 1: no headers there, yet its chain may be a shorter, heavier
      // branch the client has to search for, so the work it claims is read from an answer that always exists.
      const atGenesis = found(await headersFrom(0, 1), '/api/headers');
      return { headers: [], chainWork: atGenesis.chainWork };
    },
    async accountProof(address, blockId) {
      const route = '/api/proof/account';
      const body = found(await get(`${route}/${formatAddress(address)}?block=${blockId}`, PROOF_BODY_BYTES), route);
      const account = field(body, 'account');
      return { proof: hexField(body, 'proof'), claimed: { balance: decimalField(account, 'balance'), nonce: decimalField(account, 'nonce') } };
    },
    async storageProof(contract, key, blockId) {
      const route = '/api/proof/storage';
      const body = found(await get(`${route}/${formatAddress(contract)}/${encodeURIComponent(key)}?block=${blockId}`, PROOF_BODY_BYTES), route);
      const value = field(body, 'value');
      if (value !== null && typeof value !== 'string') throw new UntrustworthyNode('node answered without a storage value');
      return { proof: hexField(body, 'proof'), claimed: value };
    },
  };
}

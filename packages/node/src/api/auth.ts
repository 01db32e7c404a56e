import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * The control token works like bitcoind's cookie: generated once into
 * DATA_DIR/.cookie (mode 0600) unless API_TOKEN is set.
 */
export function loadOrCreateToken(dataDir: string, configured?: string): string {
  if (configured) return configured;
  const path = cookiePath(dataDir);
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (t.length >= 16) return t;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

export const cookiePath = (dataDir: string): string => join(dataDir, '.cookie');

/**
 * The API port the cookie's token opens, DATA_DIR/.cookie-port, next to the cookie rather than in it
 * so `$(cat .cookie)` stays the token. The CLI sends the cookie only to this port: on a shared machine
 * another user can listen on some other loopback port (where a regtest node usually runs) and would
 * otherwise be handed this node's token.
 */
export const cookiePortPath = (dataDir: string): string => join(dataDir, '.cookie-port');

/** Records the port once the API listens (PORT=0 picks one then). Written whole by a rename, so the CLI never reads half of it. */
export function writeCookiePort(dataDir: string, port: number): void {
  const path = cookiePortPath(dataDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${port}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function requireToken(token: string) {
  const expected = Buffer.from(token);
  return async (req: FastifyRequest): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(header);
    const given = Buffer.from(m?.[1] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'missing or wrong API token (send Authorization: Bearer <token> from DATA_DIR/.cookie)', 'unauthorized');
    }
  };
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
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

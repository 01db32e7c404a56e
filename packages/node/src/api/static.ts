import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The web app's production build (`npm run build -w @hackcoin/web`). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Serves the built web app; client-side routes fall back to index.html. */
export async function registerWebApp(app: FastifyInstance): Promise<boolean> {
  if (!existsSync(`${WEB_DIST}/index.html`)) return false;
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  return true;
}

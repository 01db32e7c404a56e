import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The web app's production build (`npm run build -w @hackcoin/web`): a symlink to the newest `dist-<id>` (scripts/build.mjs). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * Serves the built web app; client-side routes fall back to index.html. The build the link
 * names now is the one served for the node's life: asset routes are registered for the files
 * present at start (wildcard: false), so following the link per request served a later build's
 * index.html, whose renamed scripts then fell through to index.html as text/html.
 */
export async function registerWebApp(app: FastifyInstance, dist = WEB_DIST): Promise<boolean> {
  if (!existsSync(`${dist}/index.html`)) return false;
  await app.register(fastifyStatic, { root: realpathSync(dist), prefix: '/', wildcard: false, index: ['index.html'] });
  return true;
}

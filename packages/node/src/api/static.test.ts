import { mkdtempSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWebApp } from './static.js';

function writeBuild(dir: string, asset: string): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<script type="module" src="/assets/${asset}"></script>`);
  writeFileSync(join(dir, 'assets', asset), `console.info(${JSON.stringify(asset)});`);
}

describe('registerWebApp', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('serves the build it started with after a rebuild switches the link, index and scripts alike', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hackcoin-static-'));
    dirs.push(root);
    writeBuild(join(root, 'dist-a'), 'index-a.js');
    symlinkSync('dist-a', join(root, 'dist'));
    const app = Fastify();
    expect(await registerWebApp(app, join(root, 'dist'))).toBe(true);
    // What scripts/build.mjs does: a fresh directory, and the link renamed over the old one.
    writeBuild(join(root, 'dist-b'), 'index-b.js');
    symlinkSync('dist-b', join(root, 'dist-next'));
    renameSync(join(root, 'dist-next'), join(root, 'dist'));
    const index = await app.inject({ url: '/' });
    const script = await app.inject({ url: '/assets/index-a.js' });
    expect([index.statusCode, index.body]).toEqual([200, '<script type="module" src="/assets/index-a.js"></script>']);
    expect([script.statusCode, script.headers['content-type'], script.body]).toEqual([200, 'application/javascript; charset=utf-8', 'console.info("index-a.js");']);
    await app.close();
  });
});

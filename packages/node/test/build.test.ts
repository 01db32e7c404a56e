import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { removeDir, waitFor } from './helpers/node-process.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const BUILD = join(ROOT, 'scripts/build.mjs');
const DIST = join(ROOT, 'packages/node/dist');

function build(...args: string[]): string {
  const r = spawnSync(process.execPath, [BUILD, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  return r.stderr;
}

describe('production build', () => {
  it('switches dist atomically to a new build only when the sources changed, and the compiled node and CLI run', async () => {
    build('--if-stale', 'node');
    const target = readlinkSync(DIST);
    expect(lstatSync(DIST).isSymbolicLink()).toBe(true);
    expect(target).toMatch(/^dist-[0-9a-z]+-\d+$/);
    // Unchanged sources: nothing is rebuilt and dist keeps pointing at the same build.
    expect(build('--if-stale', 'node')).not.toMatch(/built node/);
    expect(readlinkSync(DIST)).toBe(target);

    const cli = spawnSync(process.execPath, [join(ROOT, 'packages/node/bin/hackcoin.js'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, HACKCOIN_NODE_ENTRY: 'dist' },
    });
    expect(cli.stdout).toMatch(/hackcoin wallet <command>/);

    const dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-build-test-'));
    const proc = spawn(process.execPath, [join(DIST, 'main.js')], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', P2P_PORT: '0', DATA_DIR: dataDir, NETWORK: 'regtest' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const port = await waitFor(async () => /HTTP API listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000, 'the compiled node');
      const info = (await (await fetch(`http://127.0.0.1:${port}/api/node/info`)).json()) as { network: string; height: number };
      expect(info).toMatchObject({ network: 'regtest', height: 0 });
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      removeDir(dataDir);
    }
  });
});

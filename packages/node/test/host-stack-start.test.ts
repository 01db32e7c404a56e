import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAIN, NODE_ENTRY } from './helpers/node-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the node with the given V8 flags until it exits (or 30 s); its exit code and output. */
function run(flags: string[]): Promise<{ code: number | null; output: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-stack-start-'));
  dirs.push(dataDir);
  const loader = NODE_ENTRY === 'dist' ? [] : ['--import', 'tsx'];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...flags, ...loader, MAIN],
      { env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, NETWORK: 'regtest' }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, output: stdout + stderr, dataDir }),
    );
  });
}

describe('a node started with too little native stack for the contract engine', () => {
  it('refuses at start-up, naming the flag, before opening its database', async () => {
    const r = await run(['--stack-size=300']);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/host-stack-too-small: .*--stack-size/);
    expect(r.output).not.toContain('HTTP API listening');
    expect(existsSync(join(r.dataDir, 'chain'))).toBe(false);
  });
});

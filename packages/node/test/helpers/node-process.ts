import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_RUNTIME_FLAGS } from '../../src/config/runtime-flags.js';

/**
 * Tests run the compiled node, as `npm start` does (`npm test` rebuilds it when sources changed;
 * by hand: `node scripts/build.mjs --if-stale node`). HACKCOIN_NODE_ENTRY=src runs the TypeScript
 * sources through tsx instead, for work in progress without a build.
 */
export const NODE_ENTRY = process.env.HACKCOIN_NODE_ENTRY === 'src' ? 'src' : 'dist';
export const MAIN = resolve(fileURLToPath(import.meta.url), NODE_ENTRY === 'dist' ? '../../../dist/main.js' : '../../../src/main.ts');
const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface TestNode {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  /** JSON request helper; throws on non-2xx unless `raw` is set. */
  api: <T = any>(path: string, init?: { method?: string; body?: unknown; token?: string | null }) => Promise<T>;
  request: (path: string, init?: { method?: string; body?: unknown; token?: string | null; rawBody?: string }) => Promise<{ status: number; body: any }>;
  stop: () => Promise<void>;
  kill: () => Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  network?: string;
  /** How long to wait for the API to listen (default 30 s; simulations on a loaded machine need more). */
  startTimeoutMs?: number;
}

/**
 * Starts a real node process (src/main.ts through tsx, or dist/main.js) on 127.0.0.1 with PORT=0 and
 * learns the port from its log line. Data dirs are temp dirs unless given.
 */
export async function startNode(opts: StartOptions = {}): Promise<TestNode> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hackcoin-test-'));
  // `node --import tsx` keeps the node in this one process: the tsx CLI would fork
  // a child that survives a SIGKILL sent to its parent.
  const loader = NODE_ENTRY === 'dist' ? [] : ['--import', 'tsx'];
  const proc = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, ...loader, MAIN, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      NETWORK: opts.network ?? 'regtest',
      API_TOKEN: TEST_TOKEN,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // HOST may be any loopback address (127.0.0.2, …): nodes then appear to each other as distinct IPs.
  let apiHost = '127.0.0.1';
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      // A node that did not come up in time must not outlive the test that gave up on it.
      proc.kill('SIGKILL');
      rej(new Error(`node did not start:\n${out}`));
    }, opts.startTimeoutMs ?? 30_000);
    const check = () => {
      const m = /HTTP API listening on http:\/\/(127\.\d+\.\d+\.\d+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        apiHost = m[1]!;
        res(Number(m[2]));
      }
    };
    proc.stderr!.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`node exited with ${code}:\n${out}`));
    });
  });
  const url = `http://${apiHost}:${port}`;
  const request: TestNode['request'] = async (path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.body !== undefined || init.rawBody !== undefined) headers['content-type'] = 'application/json';
    const token = init.token === undefined ? TEST_TOKEN : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url + path, {
      method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* non-JSON bodies are returned as text */
    }
    return { status: res.status, body };
  };
  const api: TestNode['api'] = async (path, init) => {
    const r = await request(path, init);
    if (r.status >= 300) throw new Error(`${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  return {
    url,
    port,
    dataDir,
    proc,
    output: () => out,
    api,
    request,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Stops a node a suite started (if it got that far) and deletes its data directory. */
export async function stopAndRemove(node: TestNode | undefined): Promise<void> {
  if (!node) return;
  await node.stop();
  removeDir(node.dataDir);
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

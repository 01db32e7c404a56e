import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NODE_RUNTIME_FLAGS } from './runtime-flags.js';

const repo = (path: string) => readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), 'utf8');
const scripts = (path: string) => (JSON.parse(repo(path)) as { scripts: Record<string, string> }).scripts;

/** The Node options on a command line that runs `entry`, in order. */
function flagsBefore(command: string, entry: string): string[] {
  const line = command.split('\n').find((l) => l.includes(entry));
  if (!line) throw new Error(`no command runs ${entry}`);
  return line.slice(0, line.indexOf(entry)).trim().split(/\s+/).filter((w) => w.startsWith('--') && w !== '--import');
}

describe('node runtime flags', () => {
  it('every literal launcher passes the same flags as the spawned nodes', () => {
    expect(flagsBefore(scripts('package.json').start!, 'packages/node/dist/main.js')).toEqual(NODE_RUNTIME_FLAGS);
    expect(flagsBefore(scripts('packages/node/package.json').start!, 'dist/main.js')).toEqual(NODE_RUNTIME_FLAGS);
    expect(flagsBefore(repo('start-distributed.sh'), 'packages/node/dist/main.js')).toEqual(NODE_RUNTIME_FLAGS);
  });

  it('the benchmarks run under the same flags as the node they measure', () => {
    expect(flagsBefore(scripts('package.json').bench!, 'bench/run.ts')).toEqual(NODE_RUNTIME_FLAGS);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHostStack } from './host-stack.js';

const here = dirname(fileURLToPath(import.meta.url));

function verdict(check: () => void): string {
  try {
    check();
    return 'enough stack';
  } catch (e) {
    return (e as Error).message.split(':')[0]!;
  }
}

/** Runs `check` under about `bytes` of extra stack frames. */
function under(bytes: number, check: () => void): string {
  const sink = (n: number): string => (n === 0 ? verdict(check) : sink(n - 1));
  return sink(Math.ceil(bytes / 88));
}

/** loadContractEngine in a real node process started with `flags`: its first line of output. */
function startEngine(flags: string[]): Promise<string> {
  const script = join(mkdtempSync(join(tmpdir(), 'hackcoin-stack-')), 'load.mts');
  writeFileSync(script, `import { loadContractEngine } from ${JSON.stringify(join(here, 'engine.ts'))};
loadContractEngine().then(() => process.stdout.write('loaded\\n'), (e) => process.stdout.write(String(e.message) + '\\n'));\n`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, '--import', 'tsx', script], { cwd: join(here, '../..'), timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.split('\n')[0]!);
    });
  });
}

describe('the contract engine refuses a host with too little native stack', () => {
  it('the probe passes with the default stack and refuses with less than 512 KiB free', () => {
    expect(verdict(() => checkHostStack())).toBe('enough stack');
    expect(under(650 * 1024, () => checkHostStack())).toBe('host-stack-too-small');
  });

  it('a node process started with --stack-size=300 refuses to load the engine; the default loads it', async () => {
    const [small, normal] = await Promise.all([startEngine(['--stack-size=300']), startEngine([])]);
    expect(small).toMatch(/^host-stack-too-small: .*--stack-size/);
    expect(normal).toBe('loaded');
  }, 90_000);
});

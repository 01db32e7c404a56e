import { afterEach, describe, expect, it } from 'vitest';
import { interactive } from './prompt.js';

const saved = { stdin: process.stdin.isTTY, stderr: process.stderr.isTTY };
afterEach(() => {
  process.stdin.isTTY = saved.stdin;
  process.stderr.isTTY = saved.stderr;
});

describe('interactive', () => {
  it('asks whoever is at the terminal even when stderr is redirected (`send … 2>log` still confirms)', () => {
    process.stdin.isTTY = true;
    process.stderr.isTTY = false;
    expect(interactive()).toBe(true);
  });

  it('does not ask a script that pipes stdin', () => {
    process.stdin.isTTY = false;
    process.stderr.isTTY = true;
    expect(interactive()).toBe(false);
  });
});

/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleMessage, Page } from 'playwright-core';

/** Debian's Chromium: nothing is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
export const SHOTS = resolve(ROOT, 'test-artifacts/screenshots');
export const hasChromium = existsSync(CHROMIUM);

export function ensureWebBuild(): void {
  const web = resolve(ROOT, 'packages/web');
  if (existsSync(resolve(web, 'dist/index.html'))) return;
  execFileSync(process.execPath, [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: web, stdio: 'pipe' });
}

/**
 * Collects console errors and uncaught page errors. Tests take() them after
 * each case and expect none: a page must not log errors in normal use. A step
 * that provokes an error on purpose (a rejected transaction is a 400, which
 * Chromium logs) names it with allow(); every allowance must be used.
 */
export class ConsoleWatch {
  private errors: string[] = [];
  private allowed: { pattern: RegExp; used: boolean }[] = [];

  attach(page: Page): void {
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') this.record(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e: Error) => this.record(`pageerror: ${e.message}`));
  }

  allow(pattern: RegExp): void {
    this.allowed.push({ pattern, used: false });
  }

  /** Unexpected errors since the last call, plus allowances that never matched. */
  take(): string[] {
    const out = [...this.errors, ...this.allowed.filter((a) => !a.used).map((a) => `expected an error matching ${a.pattern}, none came`)];
    this.errors = [];
    this.allowed = [];
    return out;
  }

  private record(text: string): void {
    const a = this.allowed.find((x) => x.pattern.test(text));
    if (a) a.used = true;
    else this.errors.push(text);
  }
}

/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';

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

  /** Also reports CSP violations, which Chromium does not always log (a probe caught in a try is silent). */
  async attach(page: Page): Promise<void> {
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') this.record(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e: Error) => this.record(`pageerror: ${e.message}`));
    await page.exposeFunction('__cspViolation', (text: string) => this.record(`csp: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        void (window as unknown as { __cspViolation(t: string): Promise<void> }).__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
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

/** A suite that needs Chromium; where it is absent, a single skipped case under `absent` says how to install it. */
export function describeInChromium(titles: { present: string; absent: string }, suite: () => void): void {
  if (hasChromium) {
    describe(titles.present, suite);
    return;
  }
  describe(titles.absent, () => {
    it.skip(`skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`, () => undefined);
  });
}

export interface WatchedBrowser {
  readonly watch: ConsoleWatch;
  /** Launches Chromium and opens one page in a new context, its console watched from the first load. */
  open(o: { context?: BrowserContextOptions; timeout: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium for one suite, whose console errors fail the case they
 * happen in: call it inside describe (it adds the afterEach that checks the
 * watch), open() in beforeAll and close() in afterAll.
 */
export function watchedBrowser(): WatchedBrowser {
  const watch = new ConsoleWatch();
  let browser: Browser | undefined;
  afterEach(() => {
    expect(watch.take()).toEqual([]);
  });
  return {
    watch,
    async open({ context, timeout }) {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      const page = await (await browser.newContext(context)).newPage();
      page.setDefaultTimeout(timeout);
      await watch.attach(page);
      return page;
    },
    async close() {
      await browser?.close();
    },
  };
}

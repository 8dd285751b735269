import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildWeb } from '../../scripts/build-web.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { ROOT, exited, freePort, runScript, waitForHealth } from '../helpers/processes.ts';

// Shared by the browser tests: Debian's chromium driven by playwright-core against the real
// server process in demo mode.

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SHOTS = join(ROOT, 'artifacts', 'screenshots');
export const ADMIN_PASSWORD = 'browser-test-admin-password';
export const ACCOUNTS = {
  official: { username: 'official', password: 'guoyun-official-2026' },
  coop: { username: 'coop', password: 'guoyun-coop-2026' },
  carrier: { username: 'carrier', password: 'guoyun-carrier-2026' },
} as const;

export type Server = ReturnType<typeof runScript>;

/**
 * The moment the demo server shows (its clock starts there and runs on): the browser tests see
 * the apple season in full swing whatever today's date is. The web app takes its business time
 * from the server, so the browser's own clock needs no faking.
 */
export const DEMO_AS_OF = '2026-11-29T12:00:00+08:00';

/** The demo server's clock, as learned from its /health answer (its `now`). */
export const serverClock = {
  offsetMs: 0,
  learn(health: { now: string }) {
    this.offsetMs = Date.parse(health.now) - Date.now();
  },
  now(): number {
    return Date.now() + this.offsetMs;
  },
  /** A business date (Asia/Shanghai) by the server's clock, `days` from today. */
  today(days = 0): string {
    return new Date(this.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  },
};

/**
 * A fontconfig setup that adds Noto Sans SC (the npm package the PDF briefings embed) to the
 * system's fonts. Officials' and cooperatives' devices all have a Chinese font; a bare CI
 * machine may have none, and its screenshots would show boxes instead of characters.
 */
export function withChineseFont(dir: string): string {
  const fonts = join(ROOT, 'node_modules', '@embedpdf', 'fonts-sc', 'fonts');
  const file = join(dir, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${fonts}</dir>
  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>
</fontconfig>
`,
  );
  return file;
}

/**
 * The browser's environment: this process's, with a Chinese font, and without libfaketime.
 * Chromium does not load pages under LD_PRELOAD'd faketime; and a browser whose clock disagrees
 * with the server's is the case worth testing anyway (a phone days off): the web app takes
 * business time from the server. The demo server runs at DEMO_AS_OF whatever either clock says.
 */
export function browserEnv(fontDir: string): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(FAKETIME|LD_PRELOAD$)/.test(e[0])));
  return { ...env, FONTCONFIG_FILE: withChineseFont(fontDir) };
}

export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export type WebApp = {
  readonly base: string;
  readonly browser: Browser;
  /** Console errors the current test expects (a refused request the browser logs, say). */
  expect(...patterns: RegExp[]): void;
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  login(page: Page, account: keyof typeof ACCOUNTS): Promise<void>;
  liveOn(page: Page, timeout?: number): Promise<void>;
};

/**
 * Registers the hooks of a browser test file: builds the app if its sources changed, starts the
 * demo server (PGlite in a temporary folder, or this file's own PostgreSQL database when
 * DATABASE_URL is set) and chromium; after each test closes its pages and fails it on any
 * console error it did not expect.
 */
export function useWebApp(): WebApp {
  let browser: Browser;
  let server: Server;
  let base = '';
  let dataDir = '';
  let testDb: TestDatabase | null = null;
  let problems: string[] = [];
  let expected: RegExp[] = [];

  beforeAll(async () => {
    await buildWeb({ ifStale: true, quiet: true, log: () => {} });
    dataDir = mkdtempSync(join(tmpdir(), 'guoyun-web-'));
    testDb = await createTestDatabase({ poolMax: 1 });
    let env: Record<string, string>;
    if (testDb.url) env = { DATABASE_URL: testDb.url, ADMIN_PASSWORD, DEMO: '1', DEMO_AS_OF };
    else {
      await testDb.close();
      testDb = null;
      env = { DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD, DEMO: '1', DEMO_AS_OF };
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = runScript('server/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    // Demo mode seeds a season of data before it listens.
    serverClock.learn(await waitForHealth(base, server, 300_000));
    browser = await chromium.launch({ executablePath: CHROMIUM, env: browserEnv(dataDir), args: BROWSER_ARGS });
    mkdirSync(SHOTS, { recursive: true });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      expect(await exited(server)).toBe(0);
    }
    await testDb?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  afterEach(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
    const unexpected = problems.filter((p) => !expected.some((re) => re.test(p)));
    problems = [];
    expected = [];
    expect(unexpected, 'console errors on the pages visited').toEqual([]);
  });

  const liveOn = async (page: Page, timeout = 30_000) => {
    await page.locator('[data-testid=live-status][data-status=live]').waitFor({ timeout });
  };

  return {
    get base() {
      return base;
    },
    get browser() {
      return browser;
    },
    expect: (...patterns) => void expected.push(...patterns),
    async newPage(viewport = { width: 1440, height: 900 }) {
      const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console.error on ${page.url()}: ${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
      return page;
    },
    async login(page, account) {
      await page.goto(`${base}/`);
      await page.waitForURL(/\/login\?next=%2F$/);
      await page.getByLabel('用户名').fill(ACCOUNTS[account].username);
      await page.getByLabel('密码').fill(ACCOUNTS[account].password);
      await page.getByRole('button', { name: '登录' }).click();
      // 'commit': the dashboard keeps a websocket open, and waiting for 'load' has timed out under load.
      await page.waitForURL(`${base}/`, { waitUntil: 'commit' });
      await liveOn(page);
    },
    liveOn,
  };
}

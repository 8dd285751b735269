import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.ts';
import { formatWebSize, type WebSize } from '../../scripts/web-size.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';
import { ROOT, exited, freePort, runScript, waitForHealth } from '../helpers/processes.ts';
import { ACCOUNTS, ADMIN_PASSWORD, BROWSER_ARGS, CHROMIUM, DEMO_AS_OF, HAS_CHROMIUM, SHOTS, browserEnv, serverClock, type Server } from './helpers.ts';

// The web app in a real browser (Debian's chromium, driven by playwright-core) against the real
// server process in demo mode: log in, watch the live dashboard follow a pickup recorded through
// the API without a reload, switch to English, survive a server restart, fit a 360 px phone —
// with no console errors on any page. Screenshots go to artifacts/screenshots/.

const YANYA = '370323109'; // the demo cooperative account's town
// The county apple project of the season DEMO_AS_OF falls in.
const APPLE_PROJECT = 'apple-2026';

if (!HAS_CHROMIUM) console.warn(`tests/web/dashboard.test.ts: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium)`);

describe.skipIf(!HAS_CHROMIUM)('the web app in chromium', () => {
  let browser: Browser;
  let server: Server;
  let base = '';
  let port = 0;
  let env: Record<string, string> = {};
  let dataDir = '';
  let testDb: TestDatabase | null = null;
  /** Console errors and uncaught exceptions of every page opened by the current test. */
  let problems: string[] = [];
  /** Console errors a test expects (a refused login, a socket failing while the server is down). */
  let expected: RegExp[] = [];

  async function startServer(): Promise<Server> {
    const child = runScript('server/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    // Demo mode seeds a season of data before it listens.
    serverClock.learn(await waitForHealth(base, child, 300_000));
    return child;
  }

  async function stopServer(child: Server) {
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }

  beforeAll(async () => {
    await buildWeb({ ifStale: true, quiet: true, log: () => {} });
    dataDir = mkdtempSync(join(tmpdir(), 'guoyun-web-'));
    testDb = await createTestDatabase({ poolMax: 1 });
    // On PGlite the server opens its own folder; on PostgreSQL, this file's own database.
    if (testDb.url) env = { DATABASE_URL: testDb.url, ADMIN_PASSWORD, DEMO: '1', DEMO_AS_OF };
    else {
      await testDb.close();
      testDb = null;
      env = { DATA_DIR: dataDir, DATABASE_URL: '', ADMIN_PASSWORD, DEMO: '1', DEMO_AS_OF };
    }
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      env: browserEnv(dataDir),
      args: BROWSER_ARGS,
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) await stopServer(server);
    await testDb?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  afterEach(async () => {
    // Closing the pages first: a dashboard left open would keep reporting (and reconnecting).
    for (const context of browser?.contexts() ?? []) await context.close();
    const unexpected = problems.filter((p) => !expected.some((re) => re.test(p)));
    problems = [];
    expected = [];
    expect(unexpected, 'console errors on the pages visited').toEqual([]);
  });

  async function newPage(viewport = { width: 1440, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error on ${page.url()}: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
    return page;
  }

  async function login(page: Page, account: keyof typeof ACCOUNTS) {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await page.getByLabel('用户名').fill(ACCOUNTS[account].username);
    await page.getByLabel('密码').fill(ACCOUNTS[account].password);
    await page.getByRole('button', { name: '登录' }).click();
    // 'commit': the dashboard keeps a websocket open, and waiting for 'load' has timed out under load.
    await page.waitForURL(`${base}/`, { waitUntil: 'commit' });
    await liveOn(page);
  }

  const liveOn = (page: Page, timeout = 30_000) => page.locator('[data-testid=live-status][data-status=live]').waitFor({ timeout });
  const figure = async (page: Page, testid: string) =>
    Number(await page.locator(`[data-testid=project-kpis][data-project=${APPLE_PROJECT}] [data-testid=${testid}]`).getAttribute('data-value'));

  /** The demo cooperative, through the API as its phone app would: session cookie plus CSRF header. */
  async function coopApi() {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ACCOUNTS.coop),
    });
    expect(res.status).toBe(200);
    const me = (await res.json()) as { cooperativeId: string; csrfToken: string };
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    return {
      recordPickup: async (parcels: number) => {
        const body = {
          id: randomUUID(),
          cooperativeId: me.cooperativeId,
          townCode: YANYA,
          carrierCode: 'ems',
          productCode: 'apple',
          parcels,
          pickedUpAt: new Date(serverClock.now()).toISOString(),
        };
        const r = await fetch(`${base}/api/v1/pickups`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(r.status).toBe(201);
      },
    };
  }

  it('logs in, then shows the live dashboard with the navigation of the account’s role', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    // A wrong password: the API answers 401 (which the browser logs), the form says so.
    expected.push(/status of 401.*\/api\/v1\/auth\/login/);
    await page.getByLabel('用户名').fill('official');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('用户名或密码不正确');

    await page.getByLabel('密码').fill(ACCOUNTS.official.password);
    await page.getByLabel('密码').press('Enter');
    // 'commit': the dashboard keeps a websocket open, and waiting for 'load' has timed out under load.
    await page.waitForURL(`${base}/`, { waitUntil: 'commit' });
    await liveOn(page);

    // An official reads everything and enters nothing: the dashboard, and the briefings it issues.
    expect(await page.locator('nav a').allTextContents()).toEqual(['进度看板', '台账记录', '对账', '简报']);
    expect(await figure(page, 'counted')).toBeGreaterThan(1_000_000);
    await expect.poll(() => page.locator('[data-testid=project-kpis] [data-testid=counted]').textContent()).toMatch(/^\d+(\.\d)?万件$/);
    await expect.poll(() => page.locator('[data-testid=town-ranking] tbody tr').count()).toBe(12);
    expect(await page.locator('[data-testid=town-ranking] tbody tr[data-flag]').count()).toBe(12);
    expect(await page.locator('[data-testid=carrier-shares] li').count()).toBeGreaterThan(3);
    await expect.poll(() => page.locator('[data-testid=stock] tbody tr').count()).toBeGreaterThan(0);
    // chart.js arrived and drew both charts.
    await expect.poll(() => page.locator('.chart .placeholder').count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-desktop.png'), fullPage: true });
  });

  it('shows a pickup recorded through the API on the open dashboard, without a reload', async () => {
    const page = await newPage();
    await login(page, 'official');
    await page.evaluate('window.untouched = true');
    const counted = await figure(page, 'counted');
    const provisional = await figure(page, 'provisional');

    // Today's cells have no carrier report yet in the demo data, so the pickup counts provisionally.
    await (await coopApi()).recordPickup(4321);
    await expect.poll(() => figure(page, 'counted'), { timeout: 15_000 }).toBe(counted + 4321);
    expect(await figure(page, 'provisional')).toBe(provisional + 4321);
    expect(await page.evaluate('window.untouched')).toBe(true);
  });

  it('switches to English and keeps it on the next visit', async () => {
    const page = await newPage();
    await login(page, 'official');
    await page.getByTestId('lang-switch').click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Dashboard');
    await expect.poll(() => page.locator('[data-testid=project-kpis] [data-testid=counted]').textContent()).toMatch(/^\d+(\.\d+)? ?M parcels$/);
    expect(await page.locator(`[data-testid=project-tab-${APPLE_PROJECT}]`).textContent()).toContain('Yiyuan apple express gold project');
    expect(await page.locator('nav a').allTextContents()).toEqual(['Dashboard', 'Records', 'Reconciliation', 'Briefings']);

    await page.reload();
    await liveOn(page);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').first().textContent()).toBe('Dashboard');
    await expect.poll(() => page.locator('.chart .placeholder').count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-desktop-en.png'), fullPage: true });

    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('进度看板');
  });

  it('fits a 360 px phone without sideways scrolling', async () => {
    const page = await newPage({ width: 360, height: 780 });
    await page.goto(`${base}/login`);
    await page.screenshot({ path: join(SHOTS, 'login-phone.png') });
    await login(page, 'official');
    await expect.poll(() => page.locator('.chart .placeholder').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=stock] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(SHOTS, 'dashboard-phone.png'), fullPage: true });
    await page.screenshot({ path: join(SHOTS, 'dashboard-phone-first-screen.png') });
  });

  it('offers a cooperative its own sections and refuses it administration', async () => {
    const page = await newPage();
    await login(page, 'coop');
    expect(await page.locator('nav a').allTextContents()).toEqual(['进度看板', '揽收录入', '台账记录']);
    const res = await page.goto(`${base}/admin`);
    expect(res?.status()).toBe(403);
    expected.push(/status of 403/);
    await expect.poll(() => page.locator('main').textContent()).toContain('当前账号无权查看此内容');
  });

  it('says so when the link drops, and recovers by itself with fresh figures when the server is back', async () => {
    const page = await newPage();
    await login(page, 'official');
    await page.evaluate('window.untouched = true');
    const counted = await figure(page, 'counted');

    // While the server stops and is down, the browser logs each refused reconnection attempt, and
    // the one session check the page makes after repeated failures (503 while closing, or refused).
    expected.push(
      /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/live' failed/,
      /Failed to load resource: (net::ERR_CONNECTION_REFUSED|the server responded with a status of 503)/,
    );
    await stopServer(server);
    await page.locator('[data-testid=live-status][data-status=reconnecting]').waitFor({ timeout: 10_000 });
    await page.getByRole('note').waitFor();
    await page.screenshot({ path: join(SHOTS, 'dashboard-reconnecting.png') });

    server = await startServer();
    await liveOn(page, 90_000);
    expect(await page.getByRole('note').count()).toBe(0);
    await (await coopApi()).recordPickup(17);
    await expect.poll(() => figure(page, 'counted'), { timeout: 15_000 }).toBe(counted + 17);
    expect(await page.evaluate('window.untouched')).toBe(true);
  }, 400_000);

  it('keeps the dashboard’s JavaScript lean', () => {
    const size = JSON.parse(readFileSync(join(ROOT, 'web', 'build', 'size-report.json'), 'utf8')) as WebSize;
    mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
    writeFileSync(join(ROOT, 'artifacts', 'web-size.json'), `${JSON.stringify({ ...size, summary: formatWebSize(size) }, null, 2)}\n`);
    console.info(formatWebSize(size));
    // Budgets, gzip: the first load (SvelteKit, Svelte, zod and the dashboard), and chart.js on demand.
    expect(size.initialJsGzip).toBeLessThan(100 * 1024);
    expect(size.lazyJsGzip).toBeLessThan(75 * 1024);
    expect(size.lazyFiles.length).toBeGreaterThan(0);
  });
});

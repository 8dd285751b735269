import { join } from 'node:path';
import type { Locator, Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, ADMIN_PASSWORD, CHROMIUM, HAS_CHROMIUM, SHOTS, serverClock, useWebApp } from './helpers.ts';

// Field entry (/entry) in chromium against the demo server: the cooperative's phone enters
// pickups online and offline, the queue survives a reload with no network (the service worker
// opens the page), a lost answer makes the client re-send the same ids, and the server counts
// every pickup exactly once. A storage movement the server refuses shows its reason and can be
// corrected. Screenshots at phone and desktop width go to artifacts/screenshots/entry-*.png.

if (!HAS_CHROMIUM) console.warn(`tests/web/entry.test.ts: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium)`);

type Pickup = { id: string; village: string | null; parcels: number; carrierCode: string; businessDate: string };
type Progress = { countedParcels: number; provisionalParcels: number };

/** Today in Asia/Shanghai, as the server dates business. */
const today = () => serverClock.today();

/** The API as an administrator (cookie session, read-only use here). */
async function adminApi(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  return async <T>(path: string): Promise<T> => {
    const r = await fetch(`${base}/api/v1${path}`, { headers: { cookie } });
    expect(r.status, path).toBe(200);
    return (await r.json()) as T;
  };
}

/** The entry page, ready to take records: lists loaded and the outbox open. */
async function openEntry(page: Page, base: string) {
  await page.goto(`${base}/entry`);
  await page.locator('[data-testid=submit-pickup]:not([disabled])').waitFor();
  await page.locator('#pk-town option[value="370323109"]').waitFor({ state: 'attached' });
}

/** Waits until the service worker controls the page and keeps /entry for offline use. */
async function offlineReady(page: Page) {
  // Evaluated in the page (strings: the tests' tsconfig has no DOM types).
  await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
  await page.waitForFunction("caches.match('/entry').then((r) => r !== undefined)", undefined, { timeout: 30_000, polling: 250 });
}

async function fillLine(page: Page, index: number, line: { carrier: string; parcels: number; village: string }) {
  const fieldset = page.getByTestId('pickup-line').nth(index);
  await fieldset.getByLabel('承运商').selectOption(line.carrier);
  await fieldset.getByLabel('件数').fill(String(line.parcels));
  await fieldset.getByLabel('村').fill(line.village);
}

const focused = (page: Page) => page.evaluate<string>("document.activeElement?.id ?? ''");

const count = async (page: Page, what: 'pending' | 'sent' | 'rejected') => {
  const el = page.getByTestId(`count-${what}`);
  return (await el.count()) ? Number(await el.getAttribute('data-count')) : 0;
};

describe.skipIf(!HAS_CHROMIUM)('field entry in chromium, offline first', () => {
  const app = useWebApp();

  it('queues pickups offline, sends them when the network returns, and the server counts each exactly once', async () => {
    const admin = await adminApi(app.base);
    const coop = (await admin<{ items: { id: string; username: string; cooperativeId: string | null }[] }>('/users')).items.find(
      (u) => u.username === ACCOUNTS.coop.username,
    )!;
    const projects = (await admin<{ items: { id: string; productCode: string; townCode: string | null; startsOn: string; endsOn: string }[] }>('/projects'))
      .items;
    const apple = projects.find((p) => p.productCode === 'apple' && p.townCode === null && p.startsOn <= today() && p.endsOn >= today());
    const progressBefore = apple ? await admin<Progress>(`/projects/${apple.id}/progress`) : null;

    const page = await app.newPage({ width: 360, height: 780 });
    const context = page.context();
    await app.login(page, 'coop');
    await openEntry(page, app.base);
    await offlineReady(page);
    const cooperatives = (await admin<{ items: { id: string; name: string }[] }>('/cooperatives')).items;
    expect(await page.getByTestId('pickup-form').getByTestId('fixed-cooperative').textContent()).toBe(
      cooperatives.find((c) => c.id === coop.cooperativeId)!.name,
    );
    // Business date defaults to today in Asia/Shanghai; the town to the cooperative's own.
    expect(await page.locator('#pk-date').inputValue()).toBe(today());
    expect(await page.locator('#pk-town').inputValue()).toBe('370323109');

    // Online: one pickup, submitted with Enter from the parcels field.
    await fillLine(page, 0, { carrier: 'sf', parcels: 37, village: 'E2E-online' });
    await page.getByTestId('pickup-line').first().getByLabel('件数').press('Enter');
    await page.locator('[data-testid=entry-notice][data-state=sent]').waitFor();
    expect(await count(page, 'sent')).toBe(1);
    // Ready for the next one: the carrier remembered, focus on the new line's parcels.
    expect(await page.getByTestId('pickup-line').first().getByLabel('承运商').inputValue()).toBe('sf');
    expect(await focused(page)).toMatch(/^pk-.*-parcels$/);

    // The network goes: a single pickup, then a line list of two.
    await context.setOffline(true);
    await page.locator('[data-testid=entry-status][data-online=false]').waitFor();
    await page.getByTestId('offline-banner').waitFor();
    await fillLine(page, 0, { carrier: 'sf', parcels: 11, village: 'E2E-offline-1' });
    await page.getByTestId('submit-pickup').click();
    await page.locator('[data-testid=entry-notice][data-state=pending]').waitFor();

    await fillLine(page, 0, { carrier: 'ems', parcels: 12, village: 'E2E-offline-2' });
    await page.getByTestId('add-line').click();
    // A new line starts with the previous carrier and takes the focus.
    expect(await focused(page)).toMatch(/^pk-.*-carrier$/);
    await page.getByTestId('add-line').click();
    expect(await page.getByTestId('pickup-line').count()).toBe(3);
    await page.getByTestId('remove-line').nth(2).click();
    expect(await page.getByTestId('pickup-line').count()).toBe(2);
    await fillLine(page, 1, { carrier: 'jd', parcels: 13, village: 'E2E-offline-3' });
    await expect.poll(() => page.getByTestId('submit-pickup').textContent()).toContain('2 条');
    await page.getByTestId('submit-pickup').click();
    await expect.poll(() => count(page, 'pending')).toBe(3);
    expect(await page.locator('[data-testid=outbox-record][data-status=pending]').count()).toBe(3);
    await page.screenshot({ path: join(SHOTS, 'entry-offline-phone.png'), fullPage: true });

    // Reloaded with no network: the service worker opens the page, the queue is still there.
    await page.reload();
    await page.locator('[data-testid=entry-status][data-online=false]').waitFor();
    await expect.poll(() => count(page, 'pending')).toBe(3);
    expect(await page.getByTestId('reference-cached').count()).toBe(1);
    const queued = await page.locator('[data-testid=outbox-record][data-status=pending]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
    expect(queued).toHaveLength(3);

    // The connection returns, but the first answer is lost on its way back: the server has
    // recorded the batch, the phone does not know, and sends the same ids again.
    const batches: string[][] = [];
    let lost = 0;
    await context.route('**/api/v1/pickups/batch', async (route: Route) => {
      batches.push((route.request().postDataJSON() as { items: { id: string }[] }).items.map((i) => i.id));
      if (lost === 0) {
        lost++;
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    app.expect(/net::ERR_CONNECTION_RESET|Failed to load resource/);
    await context.setOffline(false);
    await expect.poll(() => count(page, 'pending'), { timeout: 45_000 }).toBe(0);
    expect(await count(page, 'sent')).toBe(4);
    expect(lost).toBe(1);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect([...batches[1]].sort()).toEqual([...batches[0]].sort());
    expect([...batches[0]].sort()).toEqual([...queued].sort());
    // The re-sent ones were already on record: the server said so, and the list says it.
    expect(await page.locator('[data-testid=outbox-record][data-status=sent]', { hasText: '未重复计数' }).count()).toBe(3);

    // The ledger holds each pickup once, under the id the phone chose.
    const pickups = (await admin<{ items: Pickup[] }>(`/pickups?cooperativeId=${coop.cooperativeId}&from=${today()}&to=${today()}&limit=500`)).items.filter(
      (p) => p.village?.startsWith('E2E-'),
    );
    expect(pickups.map((p) => p.village).sort()).toEqual(['E2E-offline-1', 'E2E-offline-2', 'E2E-offline-3', 'E2E-online']);
    for (const id of queued) expect(pickups.filter((p) => p.id === id)).toHaveLength(1);
    expect(pickups.find((p) => p.village === 'E2E-offline-3')!.carrierCode).toBe('jd');
    // …and the project's tally grew by exactly what was entered (today's cells are provisional).
    if (apple && progressBefore) {
      const after = await admin<Progress>(`/projects/${apple.id}/progress`);
      expect(after.countedParcels - progressBefore.countedParcels).toBe(37 + 11 + 12 + 13);
      expect(after.provisionalParcels - progressBefore.provisionalParcels).toBe(37 + 11 + 12 + 13);
    }
    await context.unroute('**/api/v1/pickups/batch');
    // The service worker kept the page and the app's files, and no API answer.
    const cached = await page.evaluate<string[]>(`(async () => {
      const paths = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
      return paths;
    })()`);
    expect(cached).toContain('/entry');
    expect(cached.some((p) => p.startsWith('/_app/immutable/'))).toBe(true);
    expect(cached.filter((p) => p.startsWith('/api/'))).toEqual([]);

    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(SHOTS, 'entry-phone.png'), fullPage: true });
  });

  it('keeps records when the session ended while offline, asks to log in again, then sends them', async () => {
    const page = await app.newPage({ width: 360, height: 780 });
    const context = page.context();
    await app.login(page, 'coop');
    await openEntry(page, app.base);
    await context.setOffline(true);
    await page.locator('[data-testid=entry-status][data-online=false]').waitFor();
    await fillLine(page, 0, { carrier: 'ems', parcels: 5, village: 'E2E-relogin' });
    await page.getByTestId('submit-pickup').click();
    await page.locator('[data-testid=entry-notice][data-state=pending]').waitFor();

    // Meanwhile the session ends (logged out elsewhere, or expired).
    const me = (await (await page.request.get(`${app.base}/api/v1/auth/me`)).json()) as { csrfToken: string };
    expect((await page.request.post(`${app.base}/api/v1/auth/logout`, { headers: { 'x-csrf-token': me.csrfToken } })).ok()).toBe(true);

    app.expect(/status of 401/);
    await context.setOffline(false);
    // The record waits, the page says why and stays where it is.
    await page.getByTestId('login-needed').waitFor();
    expect(await count(page, 'pending')).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/entry');

    await page.getByTestId('login-needed').getByRole('link').click();
    await page.waitForURL(/\/login\?next=%2Fentry$/);
    await page.getByLabel('用户名').fill(ACCOUNTS.coop.username);
    await page.getByLabel('密码').fill(ACCOUNTS.coop.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/entry`, { waitUntil: 'commit' });
    await expect.poll(() => count(page, 'sent'), { timeout: 30_000 }).toBe(1);
    expect(await count(page, 'pending')).toBe(0);
    expect(await page.getByTestId('login-needed').count()).toBe(0);
    const mine = (await (await page.request.get(`${app.base}/api/v1/pickups?from=${today()}&to=${today()}&limit=500`)).json()) as { items: Pickup[] };
    expect(mine.items.filter((p) => p.village === 'E2E-relogin')).toHaveLength(1);
  });

  it('shows why the server refused a storage movement, and resends it corrected as a new record', async () => {
    const page = await app.newPage();
    await app.login(page, 'coop');
    await openEntry(page, app.base);
    // The pickup form at desktop width, with a line list being filled in.
    await fillLine(page, 0, { carrier: 'sf', parcels: 120, village: '东安村' });
    await page.getByTestId('add-line').click();
    await fillLine(page, 1, { carrier: 'yunda', parcels: 64, village: '大张庄村' });
    await page.getByTestId('pickup-line').nth(1).getByLabel('品种').fill('红富士');
    await page.screenshot({ path: join(SHOTS, 'entry-desktop.png'), fullPage: true });

    // A packaging run meets a server that cannot take it right now (503): it stays pending and
    // goes on the next try, with the same id.
    await page.getByTestId('tab-packaging').click();
    const pack = page.getByTestId('packaging-form');
    const tries: string[] = [];
    await page.context().route('**/api/v1/packaging-runs', async (route: Route) => {
      tries.push((route.request().postDataJSON() as { id: string }).id);
      if (tries.length === 1)
        await route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again later' } }),
        });
      else await route.continue();
    });
    app.expect(/status of 503/);
    await pack.getByLabel('包装规格').fill('5 kg carton');
    await pack.getByLabel('件数').fill('40');
    await pack.getByLabel('用果量（公斤）').fill('200');
    await pack.getByLabel('用果量（公斤）').press('Enter');
    await pack.locator('[data-testid=entry-notice][data-state=pending]').waitFor();
    await pack.locator('[data-testid=entry-notice][data-state=sent]').waitFor({ timeout: 30_000 });
    expect(tries).toHaveLength(2);
    expect(tries[1]).toBe(tries[0]);
    await page.context().unroute('**/api/v1/packaging-runs');

    await page.getByTestId('tab-storage').click();
    const form = page.getByTestId('storage-form');
    // The cooperative runs one store, still empty: taking out of it must fail on the server.
    expect(await form.getByLabel('冷库').inputValue()).not.toBe('');
    await form.getByLabel('出库').check();
    await form.getByLabel('重量（公斤）').fill('500');
    await page.getByTestId('overdraw-warning').waitFor();
    app.expect(/status of 409/);
    await form.getByLabel('重量（公斤）').press('Enter');
    const rejected = page.locator('[data-testid=outbox-record][data-status=rejected]');
    await rejected.waitFor();
    expect(await rejected.getByTestId('rejection').textContent()).toContain('库存不足');
    expect(await form.locator('[data-testid=entry-notice][data-state=rejected]').count()).toBe(1);
    expect(await count(page, 'rejected')).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'entry-rejected-desktop.png'), fullPage: true });

    // Corrected: it was meant to go in. Saved, it is a new record; the refused one goes.
    await rejected.getByTestId('edit-rejected').click();
    await page.getByTestId('editing').waitFor();
    expect(await form.getByLabel('重量（公斤）').inputValue()).toBe('500');
    await form.getByLabel('入库').check();
    await page.getByTestId('submit-storage').click();
    await form.locator('[data-testid=entry-notice][data-state=sent]').waitFor();
    await expect.poll(() => count(page, 'rejected')).toBe(0);
    const held = (await (await page.request.get(`${app.base}/api/v1/stock`)).json()) as {
      items: { facilityName: string; productCode: string; weightKg: number }[];
    };
    expect(held.items.find((s) => s.facilityName === '燕崖镇樱桃预冷库')?.weightKg).toBe(500);
    // The stock figure shown next to the weight follows.
    await expect.poll(() => form.locator('#st-weight-hint').textContent()).toContain('500');
  });

  it('makes an admin choose the cooperative, with field-level messages and focus on the first one', async () => {
    const page = await app.newPage({ width: 360, height: 780 });
    await page.goto(`${app.base}/login?next=%2Fentry`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/entry`, { waitUntil: 'commit' });
    await page.locator('[data-testid=submit-pickup]:not([disabled])').waitFor();
    await page.locator('#pk-cooperative optgroup').first().waitFor({ state: 'attached' });
    await page.getByTestId('pickup-line').first().getByLabel('件数').fill('1.5');
    await page.getByTestId('pickup-line').first().getByLabel('件数').press('Enter');
    await page.locator('#pk-cooperative[aria-invalid=true]').waitFor();
    expect(await focused(page)).toBe('pk-cooperative');
    const errors = await page.locator('.field-error').allTextContents();
    expect(errors).toContain('请选择');
    expect(errors).toContain('须为整数，“1.5”带小数');
    expect(await count(page, 'pending')).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'entry-admin-phone.png'), fullPage: true });
  });

  it('reads "12,000" as twelve thousand in every weight field and "１２０" as 120; refuses "1,2" with the reason', async () => {
    const page = await app.newPage();
    await app.login(page, 'coop');
    await openEntry(page, app.base);
    const api = async <T>(path: string) => (await (await page.request.get(`${app.base}/api/v1${path}`)).json()) as T;
    const day = `from=${today()}&to=${today()}&limit=500`;
    const fieldErrors = (scope: Locator) => scope.locator('.field-error').allTextContents();

    // A blank 件数 asks for it; "1,2" kg is neither 1.2 nor 12: both stay on the phone, unsent.
    const line = page.getByTestId('pickup-line').first();
    await line.getByLabel('承运商').selectOption('sf');
    await line.getByLabel('村').fill('E2E-numbers');
    await line.getByLabel('重量（公斤）').fill('1,2');
    await page.getByTestId('submit-pickup').click();
    await expect.poll(() => fieldErrors(line)).toEqual(['请填写', '“1,2” 看不出是多少：千位分隔符后须为三位数字（小数点请用“.”）']);
    expect((await count(page, 'pending')) + (await count(page, 'sent'))).toBe(0);

    // Full-width digits from a Chinese IME, and a thousands separator where one belongs.
    await line.getByLabel('件数').fill('１２０');
    await line.getByLabel('重量（公斤）').fill('12,000');
    await expect.poll(() => page.getByTestId('pickup-form').locator('.total').textContent()).toContain('120 件');
    await page.getByTestId('submit-pickup').click();
    type PickupRead = { village: string | null; parcels: number; weightKg: number | null };
    const pickups = async () =>
      (await api<{ items: PickupRead[] }>(`/pickups?${day}`)).items.filter((p) => p.village === 'E2E-numbers').map((p) => [p.parcels, p.weightKg]);
    await expect.poll(pickups).toEqual([[120, 12000]]);

    await page.getByTestId('tab-packaging').click();
    const pack = page.getByTestId('packaging-form');
    await pack.getByLabel('包装规格').fill('E2E-千位');
    await pack.getByLabel('件数').fill('１２０');
    await pack.getByLabel('用果量（公斤）').fill('12,00');
    await page.getByTestId('submit-packaging').click();
    await expect.poll(() => fieldErrors(pack)).toEqual(['“12,00” 看不出是多少：千位分隔符后须为三位数字（小数点请用“.”）']);
    await pack.getByLabel('用果量（公斤）').fill('12,000');
    await page.getByTestId('submit-packaging').click();
    type RunRead = { packageType: string; parcels: number; fruitKg: number };
    const runs = async () =>
      (await api<{ items: RunRead[] }>(`/packaging-runs?${day}`)).items.filter((r) => r.packageType === 'E2E-千位').map((r) => [r.parcels, r.fruitKg]);
    await expect.poll(runs).toEqual([[120, 12000]]);

    await page.getByTestId('tab-storage').click();
    const store = page.getByTestId('storage-form');
    type MovementRead = { direction: string; weightKg: number; lot: string | null };
    const movements = async () =>
      (await api<{ items: MovementRead[] }>(`/storage-movements?${day}`)).items
        .filter((m) => m.lot?.startsWith('E2E-千位'))
        .map((m) => `${m.direction} ${m.weightKg}`)
        .sort();
    await store.getByLabel('入库').check();
    await store.getByLabel('重量（公斤）').fill('12,000');
    await store.getByLabel('批次号').fill('E2E-千位-入');
    await page.getByTestId('submit-storage').click();
    await expect.poll(movements).toEqual(['in 12000']);
    await store.getByLabel('出库').check();
    await store.getByLabel('重量（公斤）').fill('12,000');
    await store.getByLabel('批次号').fill('E2E-千位-出');
    await page.getByTestId('submit-storage').click();
    await expect.poll(movements).toEqual(['in 12000', 'out 12000']);
    expect(await count(page, 'rejected')).toBe(0);
  });
});

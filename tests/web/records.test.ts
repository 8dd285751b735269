import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, SHOTS, serverClock, useWebApp } from './helpers.ts';

// The records (台账记录) and reconciliation (对账) sections in chromium against the demo server:
// a cooperative filters its pickups by date (the filters land in the URL), voids one with a
// reason and sees it struck through, while the project's progress drops by its parcels; an
// official opens the cells to reconcile, sorts them and follows one to its records; the English
// switch turns the headers into English; and both pages fit a 360 px phone.

if (!HAS_CHROMIUM) console.warn(`tests/web/records.test.ts: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium)`);

const YANYA = '370323109'; // the demo cooperative's town
const shanghaiDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

type Project = { id: string; code: string; productCode: string; townCode: string | null; startsOn: string; endsOn: string };
type Progress = { countedParcels: number; provisionalParcels: number; byTown: { townCode: string; counted: number }[] };
type Pickup = { id: string; parcels: number; businessDate: string; cooperativeId: string; voided: { reason: string; by: string } | null };

async function apiGet<T>(page: Page, base: string, path: string): Promise<T> {
  const res = await page.request.get(`${base}/api/v1${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

/** The running county-wide apple project: demo data fills it up to today. */
async function appleProject(page: Page, base: string, date: string): Promise<Project> {
  const { items } = await apiGet<{ items: Project[] }>(page, base, '/projects');
  const project = items.find((p) => p.productCode === 'apple' && p.townCode === null && p.startsOn <= date && date <= p.endsOn);
  expect(project, 'a running county apple project').toBeDefined();
  return project!;
}

const cellTexts = async (page: Page, col: string) =>
  (await page.locator(`[data-testid=records-table] tbody td[data-col=${col}] .value`).allTextContents()).map((s) => s.trim());

describe.skipIf(!HAS_CHROMIUM)('records and reconciliation in chromium', () => {
  const app = useWebApp();

  it('a cooperative filters its pickups by date, voids one with a reason, and the progress drops by its parcels', async () => {
    const page = await app.newPage();
    await app.login(page, 'coop');
    await page.locator('nav a', { hasText: '台账记录' }).click();
    await page.waitForURL(`${app.base}/records`);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('台账记录');
    // A cooperative is not offered a cooperative filter (it sees its own records only).
    await page.getByTestId('record-filters').waitFor();
    expect(await page.getByLabel('合作社', { exact: true }).count()).toBe(0);
    await page.getByTestId('records-table').waitFor();

    // Yesterday: the carriers have not reported it yet (demo: all but the last two days), so the
    // cooperatives' pickups are what counts there.
    const yesterday = shanghaiDate(serverClock.now() - 86_400_000);
    await page.getByLabel('起始日期').fill(yesterday);
    await page.waitForURL((url) => url.searchParams.get('from') === yesterday);
    await page.getByLabel('截止日期').fill(yesterday);
    await page.waitForURL((url) => url.searchParams.get('to') === yesterday);
    await expect.poll(() => cellTexts(page, 'time').then((t) => t.length)).toBeGreaterThan(0);
    // Every row shown is of that day, and the view is the API's for the same filters.
    const [, m, d] = yesterday.split('-').map(Number);
    await expect.poll(async () => (await cellTexts(page, 'time')).every((t) => t.startsWith(`${m}月${d}日`))).toBe(true);
    const listed = await apiGet<{ items: Pickup[] }>(page, app.base, `/pickups?from=${yesterday}&to=${yesterday}&limit=50`);
    expect(await page.locator('[data-testid=records-table] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(
      listed.items.map((p) => p.id),
    );

    // The filtered view is a bookmark: opened afresh, it shows the same.
    const bookmark = page.url();
    expect(new URL(bookmark).search).toContain(`from=${yesterday}`);

    const target = listed.items.find((p) => p.voided === null)!;
    expect(target).toBeDefined();
    const project = await appleProject(page, app.base, yesterday);
    const before = await apiGet<Progress>(page, app.base, `/projects/${project.id}/progress`);

    const row = page.locator(`[data-testid=records-table] tr[data-id="${target.id}"]`);
    await row.getByTestId('void-button').click();
    const dialog = page.getByTestId('void-dialog');
    await dialog.waitFor();
    // The reason is required: refused in the page, nothing sent.
    await dialog.getByTestId('void-confirm').click();
    await expect.poll(() => dialog.locator('.field-error').textContent()).toBe('请填写作废原因。');
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('TEXTAREA');
    await dialog.getByLabel('作废原因').fill('重复录入，测试作废');
    await dialog.getByLabel('作废原因').press('Enter');
    await expect.poll(() => row.getAttribute('data-voided')).toBe('true');
    expect(await dialog.isVisible()).toBe(false);
    expect(await row.getByTestId('void-detail').textContent()).toContain('重复录入，测试作废');
    expect(await row.getByTestId('void-detail').textContent()).toContain('燕崖镇果品专业合作社');
    expect(await row.getByTestId('void-button').count()).toBe(0);
    expect(await page.getByTestId('records-status').textContent()).toContain('已作废');
    // Struck through: the figures, not the reason.
    const decoration = (el: unknown) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): { textDecorationLine: string } }).getComputedStyle(el).textDecorationLine;
    expect(await row.locator('td[data-col=parcels] .value').evaluate(decoration)).toBe('line-through');
    expect(await row.locator('td.status').evaluate(decoration)).toBe('none');

    // The ledger keeps the pickup with its reversal; the progress drops by its parcels at once.
    const after = await apiGet<Progress>(page, app.base, `/projects/${project.id}/progress`);
    expect(before.countedParcels - after.countedParcels).toBe(target.parcels);
    expect(before.provisionalParcels - after.provisionalParcels).toBe(target.parcels);
    const town = (p: Progress) => p.byTown.find((x) => x.townCode === YANYA)!.counted;
    expect(town(before) - town(after)).toBe(target.parcels);
    const stored = await apiGet<Pickup>(page, app.base, `/pickups/${target.id}`);
    expect(stored.voided).toMatchObject({ reason: '重复录入，测试作废', by: 'user:coop' });

    await page.screenshot({ path: join(SHOTS, 'records-coop.png'), fullPage: true });

    // Hiding voided records leaves it out; the checkbox is in the URL too.
    await page.getByLabel('显示已作废记录').uncheck();
    await page.waitForURL((url) => url.searchParams.get('voided') === '0');
    await expect.poll(() => page.locator(`[data-testid=records-table] tr[data-id="${target.id}"]`).count()).toBe(0);

    // The bookmark, opened on a phone: the same rows, as cards, no sideways scrolling.
    await page.context().close();
    const phone = await app.newPage({ width: 360, height: 780 });
    await app.login(phone, 'coop');
    await phone.goto(bookmark);
    const phoneRow = phone.locator(`[data-testid=records-table] tr[data-id="${target.id}"]`);
    await expect.poll(() => phoneRow.getAttribute('data-voided')).toBe('true');
    expect(await phone.getByLabel('起始日期').inputValue()).toBe(yesterday);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await phone.locator('[data-testid=records-table] thead').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
    await phone.screenshot({ path: join(SHOTS, 'records-coop-phone.png'), fullPage: false });
  }, 240_000);

  it('an official sees the cells to reconcile, sorts them and follows one to its records', async () => {
    const page = await app.newPage();
    await app.login(page, 'official');
    await page.locator('nav a', { hasText: '对账' }).click();
    await page.waitForURL(`${app.base}/reconciliation`);
    const table = page.getByTestId('recon-table');
    await table.waitFor();

    const date = shanghaiDate(serverClock.now());
    const project = await appleProject(page, app.base, date);
    const cells = await apiGet<{
      items: { date: string; townCode: string; carrierCode: string; loggedParcels: number; reportedParcels: number; difference: number }[];
    }>(page, app.base, `/reconciliation?projectId=${project.id}`);
    expect(cells.items.length).toBeGreaterThan(0);
    expect(await page.getByTestId('recon-project').inputValue()).toBe(project.id);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(cells.items.length);
    const diffs = async () => await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-difference'))));
    const desc = await diffs();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBe(Math.max(...cells.items.map((c) => c.difference)));
    // Both figures and the difference, as the API has them, for the cell its link names.
    const link = new URL((await rows.first().getByTestId('recon-records').getAttribute('href'))!, app.base).searchParams;
    const top = cells.items.find((c) => c.date === link.get('from') && c.townCode === link.get('town') && c.carrierCode === link.get('carrier'))!;
    expect(top.difference).toBe(desc[0]);
    const firstCells = (await rows.first().locator('td').allTextContents()).map((s) => s.trim());
    expect(firstCells.slice(3, 6)).toEqual(
      [top.loggedParcels, top.reportedParcels].map((n) => n.toLocaleString('en')).concat(`+${top.difference.toLocaleString('en')}`),
    );

    await page.getByTestId('sort-difference').click();
    await page.waitForURL((url) => url.searchParams.get('order') === 'asc');
    const asc = await diffs();
    expect(asc).toEqual([...desc].sort((a, b) => a - b));
    expect(await table.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    await page.screenshot({ path: join(SHOTS, 'records-reconciliation.png'), fullPage: false });

    // A cell's link opens its pickups: the project, town, carrier and day as filters.
    await page.getByTestId('sort-difference').click();
    await page.waitForURL((url) => url.searchParams.get('order') === null);
    await rows.first().getByTestId('recon-records').click();
    await page.waitForURL((url) => url.pathname === '/records');
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ project: project.id, town: top.townCode, carrier: top.carrierCode, from: top.date, to: top.date });
    await page.getByTestId('records-table').waitFor();
    const logged = await apiGet<{ items: Pickup[] }>(
      page,
      app.base,
      `/pickups?projectId=${project.id}&townCode=${top.townCode}&carrierCode=${top.carrierCode}&from=${top.date}&to=${top.date}&voided=exclude&limit=500`,
    );
    expect(logged.items.reduce((s, p) => s + p.parcels, 0)).toBe(top.loggedParcels);
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr').count()).toBeGreaterThanOrEqual(logged.items.length);
    // An official reads; it is offered no void.
    expect(await page.getByTestId('void-button').count()).toBe(0);

    // On a phone, the cells are cards and nothing scrolls sideways.
    await page.context().close();
    const phone = await app.newPage({ width: 360, height: 780 });
    await app.login(phone, 'official');
    await phone.goto(`${app.base}/reconciliation`);
    await phone.getByTestId('recon-table').waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.screenshot({ path: join(SHOTS, 'records-reconciliation-phone.png'), fullPage: false });
  }, 240_000);

  it('an official pages through the county’s pickups, opens the other kinds of record, and reads them in English', async () => {
    const page = await app.newPage();
    await app.login(page, 'official');
    await page.goto(`${app.base}/records`);
    await page.getByTestId('records-table').waitFor();
    expect(await page.locator('[data-testid=records-table] tbody tr').count()).toBe(50);
    await page.getByTestId('load-more').click();
    await expect.poll(() => page.locator('[data-testid=records-table] tbody tr').count()).toBe(100);
    const ids = await page.locator('[data-testid=records-table] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(new Set(ids).size).toBe(100);
    await page.getByTestId('tab-storage').click();
    await page.waitForURL((u) => u.searchParams.get('tab') === 'storage');
    await expect.poll(() => cellTexts(page, 'direction').then((t) => t.length)).toBeGreaterThan(0);
    expect(new Set(await cellTexts(page, 'direction'))).toEqual(new Set(['入库', '出库']));
    await page.screenshot({ path: join(SHOTS, 'records-storage.png'), fullPage: false });
    await page.getByTestId('tab-carrier').click();
    await page.waitForURL((u) => u.searchParams.get('tab') === 'carrier');
    await expect.poll(() => cellTexts(page, 'reported').then((t) => t.length)).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'records-carrier.png'), fullPage: false });

    // English: the headers and the tabs follow the switch.
    await page.getByTestId('tab-pickups').click();
    await page.getByTestId('records-table').waitFor();
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Records');
    expect((await page.locator('[data-testid=records-table] thead th').allTextContents()).map((s) => s.trim())).toEqual([
      'Time',
      'Town',
      'Cooperative',
      'Carrier',
      'Product',
      'Parcels',
      'Weight (kg)',
      'Recorded by',
      'Status',
    ]);
    expect(await page.locator('nav[aria-label="Kind of record"] a').allTextContents()).toEqual(['Pickups', 'Packaging', 'Cold storage', 'Carrier reports']);
    await page.screenshot({ path: join(SHOTS, 'records-english.png'), fullPage: false });
    await page.goto(`${app.base}/reconciliation`);
    await page.getByTestId('recon-table').waitFor();
    expect((await page.locator('[data-testid=recon-table] thead th').allTextContents()).map((s) => s.trim().replace(/\s*[▼▲]$/, ''))).toEqual([
      'Date',
      'Town',
      'Carrier',
      'Logged by cooperatives',
      'Reported by carrier',
      'Difference',
      'View records',
    ]);
  }, 240_000);
});

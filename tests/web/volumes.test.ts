import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, CHROMIUM, HAS_CHROMIUM, SHOTS, serverClock, useWebApp } from './helpers.ts';

// The carrier section (/volumes) in chromium against the demo server, as the demo carrier (EMS):
// the grid of towns × products for today, typed into with the keyboard and saved (only the
// changed cells); a spreadsheet previewed with a bad row (nothing written, no way to confirm),
// then corrected and written. Screenshots: artifacts/screenshots/volumes-*.png.

if (!HAS_CHROMIUM) console.warn(`tests/web/volumes.test.ts: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium)`);

const TOWN = { yanya: '370323109', dongli: '370323103', shiqiao: '370323110', yuezhuang: '370323104' } as const;
type Day = { carrierCode: string | null; items: { townCode: string; productCode: string; reportedParcels: number | null; revision: number }[] };

/** Today in Asia/Shanghai, as the server dates business. */
const today = () => serverClock.today();

/** The day's EMS figures as the API has them, with the page's own session. */
async function reported(page: Page, base: string): Promise<Map<string, number | null>> {
  const res = await page.request.get(`${base}/api/v1/carrier-volumes?date=${today()}`);
  expect(res.status()).toBe(200);
  const day = (await res.json()) as Day;
  expect(day.carrierCode).toBe('ems');
  return new Map(day.items.map((c) => [`${c.townCode}|${c.productCode}`, c.reportedParcels]));
}

const cell = (page: Page, town: string, product = 'apple') => page.locator(`td[data-cell="${town}|${product}"]`);

/** A figure unlike the one on record, so that typing it is a change. */
const fresh = (current: number | null | undefined, base: number) => (current === base ? base + 1 : base);

describe.skipIf(!HAS_CHROMIUM)('carrier volumes in chromium', () => {
  const app = useWebApp();

  async function openVolumes(page: Page) {
    await app.login(page, 'carrier');
    expect(await page.locator('nav a').allTextContents()).toContain('承运商填报');
    await page.locator('nav a', { hasText: '承运商填报' }).click();
    await page.waitForURL(`${app.base}/volumes`);
    await page.locator('[data-testid=volume-grid] input').nth(23).waitFor();
  }

  it('fills two cells of the grid from the keyboard and saves only those; the saved state comes back on reload', async () => {
    const page = await app.newPage();
    await openVolumes(page);
    expect(await page.getByTestId('volume-date').inputValue()).toBe(today());
    expect(await page.getByTestId('volume-carrier-fixed').textContent()).toBe('中国邮政/EMS');
    expect(await page.locator('[data-testid=volume-grid] tbody tr').count()).toBe(12);
    expect(await page.locator('[data-testid=volume-grid] thead th').allTextContents()).toEqual(['乡镇（街道）', '沂源苹果', '沂源樱桃', '合计']);

    const before = await reported(page, app.base);
    // What the grid shows is what is on record.
    for (const town of [TOWN.yanya, TOWN.dongli]) expect(await cell(page, town).locator('input').inputValue()).toBe(String(before.get(`${town}|apple`) ?? ''));
    const a = fresh(before.get(`${TOWN.yanya}|apple`), 4321);
    const b = fresh(before.get(`${TOWN.dongli}|apple`), 1234);
    const totalBefore = Number((await page.getByTestId('column-total').first().textContent())!.replace(/,/g, ''));
    const shownBefore = (t: string) => before.get(`${t}|apple`) ?? 0;

    // Type into 燕崖镇 × apple; Enter moves down a row, the arrow keys across and back.
    const yanya = cell(page, TOWN.yanya).locator('input');
    await yanya.click();
    await page.keyboard.type(String(a));
    await page.keyboard.press('Enter');
    const focused = () => page.evaluate<string | null>("document.activeElement?.closest('td')?.getAttribute('data-cell') ?? null");
    expect(await focused()).toBe(`${TOWN.shiqiao}|apple`); // the next town down
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(`${TOWN.shiqiao}|cherry`);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(`${TOWN.yanya}|apple`);
    const dongli = cell(page, TOWN.dongli).locator('input');
    await dongli.focus();
    await page.keyboard.type(String(b));

    // Two changed cells, highlighted; the totals follow the typing.
    expect(await page.locator('td.cell.changed').count()).toBe(2);
    expect(await page.getByTestId('grid-pending').textContent()).toBe('已修改 2 格，尚未保存');
    const expectedTotal = totalBefore - shownBefore(TOWN.yanya) - shownBefore(TOWN.dongli) + a + b;
    expect(Number((await page.getByTestId('column-total').first().textContent())!.replace(/,/g, ''))).toBe(expectedTotal);
    await page.getByTestId('volume-grid').screenshot({ path: join(SHOTS, 'volumes-grid.png') });

    // Saved with Ctrl+Enter: exactly those two cells are sent and written.
    const batch = page.waitForRequest((r) => r.url().endsWith('/api/v1/carrier-volumes/batch') && r.method() === 'POST');
    await page.keyboard.press('Control+Enter');
    const sent = (await batch).postDataJSON() as { items: { townCode: string; productCode: string; parcels: number; carrierCode: string; date: string }[] };
    expect(sent.items.map((i) => [i.townCode, i.productCode, i.parcels, i.carrierCode, i.date]).sort()).toEqual(
      [
        [TOWN.dongli, 'apple', b, 'ems', today()],
        [TOWN.yanya, 'apple', a, 'ems', today()],
      ].sort(),
    );
    await expect.poll(() => page.getByTestId('grid-result').textContent()).toContain('已保存：2 格已更新');
    expect(await page.locator('td.cell.saved').count()).toBe(2);
    expect(await page.locator('td.cell.changed').count()).toBe(0);
    expect(await page.getByTestId('grid-save').isDisabled()).toBe(true);
    await page.getByTestId('volume-grid').screenshot({ path: join(SHOTS, 'volumes-grid-saved.png') });

    const after = await reported(page, app.base);
    expect(after.get(`${TOWN.yanya}|apple`)).toBe(a);
    expect(after.get(`${TOWN.dongli}|apple`)).toBe(b);
    // Nothing else was touched.
    for (const [key, value] of before)
      if (key !== `${TOWN.yanya}|apple` && key !== `${TOWN.dongli}|apple`) expect({ key, value: after.get(key) }).toEqual({ key, value });

    await page.reload();
    await page.locator('[data-testid=volume-grid] input').nth(23).waitFor();
    await expect.poll(() => cell(page, TOWN.yanya).locator('input').inputValue()).toBe(String(a));
    expect(await cell(page, TOWN.dongli).locator('input').inputValue()).toBe(String(b));

    // A figure that is not one stays in its cell with the reason, and is not sent.
    await cell(page, TOWN.dongli).locator('input').fill('12.5');
    await page.getByTestId('grid-save').click();
    await expect.poll(() => cell(page, TOWN.dongli).getByTestId('cell-issue').textContent()).toBe('须为整数，“12.5”带小数');
    expect(await cell(page, TOWN.dongli).locator('input').getAttribute('aria-invalid')).toBe('true');
    expect((await reported(page, app.base)).get(`${TOWN.dongli}|apple`)).toBe(b);
  });

  it('previews an upload with a bad row (confirm disabled, nothing written), then writes the corrected file', async () => {
    const page = await app.newPage();
    await openVolumes(page);
    const before = await reported(page, app.base);
    const shiqiao = fresh(before.get(`${TOWN.shiqiao}|apple`), 640);
    const yuezhuang = fresh(before.get(`${TOWN.yuezhuang}|cherry`), 17);
    const header = '日期,乡镇,产品,件数';
    const good = `${today()},石桥镇,沂源苹果,${shiqiao}`;
    const upload = async (lines: string[]) =>
      page.getByTestId('upload-file').setInputFiles({ name: 'ems-volumes.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });

    await upload([header, good, `${today()},桃花岛,沂源苹果,5`]);
    const preview = page.getByTestId('upload-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-ok')).toBe('false');
    expect(await page.locator('tr[data-row="2"]').getAttribute('data-status')).toBe('new');
    expect(await page.locator('tr[data-row="3"]').getAttribute('data-status')).toBe('invalid');
    expect(await page.locator('tr[data-errors-of="3"] [data-testid=row-errors]').textContent()).toBe('乡镇：没有这个乡镇：桃花岛');
    // The bad row shows what the file said.
    expect(await page.locator('tr[data-row="3"] td').nth(3).textContent()).toBe('桃花岛');
    expect(await page.getByTestId('upload-has-errors').textContent()).toContain('1 处错误');
    expect(await page.getByTestId('upload-confirm').isDisabled()).toBe(true);
    await preview.screenshot({ path: join(SHOTS, 'volumes-upload-preview-error.png') });
    // Nothing was written by the preview.
    expect(await reported(page, app.base)).toEqual(before);

    // The corrected file: previewed clean, then written on confirmation only.
    await upload([header, good, `${today()},悦庄镇,樱桃,${yuezhuang}`]);
    await expect.poll(() => preview.getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('upload-summary').textContent()).toContain('有效 2 格');
    expect(await reported(page, app.base)).toEqual(before);
    expect(await page.getByTestId('upload-confirm').isDisabled()).toBe(false);
    await preview.screenshot({ path: join(SHOTS, 'volumes-upload-preview-ok.png') });
    await page.getByTestId('upload-confirm').click();
    await expect.poll(() => page.getByTestId('upload-result').textContent()).toContain('已写入：2 格');

    const after = await reported(page, app.base);
    expect(after.get(`${TOWN.shiqiao}|apple`)).toBe(shiqiao);
    expect(after.get(`${TOWN.yuezhuang}|cherry`)).toBe(yuezhuang);
    // The grid shows the written figures.
    await expect.poll(() => cell(page, TOWN.shiqiao).locator('input').inputValue()).toBe(String(shiqiao));
    expect(await cell(page, TOWN.yuezhuang, 'cherry').locator('input').inputValue()).toBe(String(yuezhuang));

    // The template link names the day and the account's carrier.
    const href = await page.getByTestId('template-link').getAttribute('href');
    const template = await page.request.get(new URL(href!, app.base).href);
    expect(template.status()).toBe(200);
    expect((await template.text()).split('\r\n')[1]).toBe(`${today()},历山街道,沂源苹果,中国邮政/EMS,`);
  });

  it('has an administrator choose the carrier before the grid opens, and fill it for that carrier', async () => {
    const page = await app.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`, { waitUntil: 'commit' });
    await page.goto(`${app.base}/volumes`);
    await page.getByTestId('pick-carrier').waitFor();
    expect(await page.locator('[data-testid=volume-grid]').count()).toBe(0);
    await page.locator('#volume-carrier option[value=sf]').waitFor({ state: 'attached' });
    await page.getByLabel('承运商').selectOption('sf');
    await page.locator('[data-testid=volume-grid] input').nth(23).waitFor();
    expect(await page.getByTestId('volume-grid').locator('table').getAttribute('data-carrier')).toBe('sf');
    expect(await page.getByTestId('template-link').getAttribute('href')).toBe(`/api/v1/carrier-volumes/template.csv?date=${today()}&carrierCode=sf`);

    const day = async () => ((await (await page.request.get(`${app.base}/api/v1/carrier-volumes?date=${today()}&carrierCode=sf`)).json()) as Day).items;
    const current = (await day()).find((c) => c.townCode === TOWN.yanya && c.productCode === 'cherry')?.reportedParcels;
    const figure = fresh(current, 88);
    await cell(page, TOWN.yanya, 'cherry').locator('input').fill(String(figure));
    await page.getByTestId('grid-save').click();
    await expect.poll(() => page.getByTestId('grid-result').textContent()).toContain('已保存：1 格已更新');
    expect((await day()).find((c) => c.townCode === TOWN.yanya && c.productCode === 'cherry')?.reportedParcels).toBe(figure);
  });

  it('fits a 360 px phone', async () => {
    const phone = await app.newPage({ width: 360, height: 780 });
    await openVolumes(phone);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.screenshot({ path: join(SHOTS, 'volumes-phone.png'), fullPage: true });
  });
});

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, HAS_CHROMIUM, SHOTS, useWebApp } from './helpers.ts';

// The briefings page (简报) and the dashboard's coverage card, in chromium against the demo
// server: an official sees the county's village coverage, issues a briefing from the page and
// downloads it byte for byte; a cooperative is offered neither the section nor its URL.

if (!HAS_CHROMIUM) console.warn(`tests/web/briefings.test.ts: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium)`);

type Coverage = {
  date: string;
  county: { covered: number; coveredByProxy: number; uncovered: number; noData: number; denominator: number; denominatorSource: string; rate: number | null };
  byTown: { townCode: string; covered: number; denominator: number }[];
  targets: { by: string; status: string }[];
};
type Briefing = { id: string; year: number; number: number; sha256: string; sizeBytes: number };

describe.skipIf(!HAS_CHROMIUM)('briefings and coverage in chromium', () => {
  const app = useWebApp();

  it('shows the county’s village coverage on the dashboard, on a desktop and a 360 px phone', async () => {
    const page = await app.newPage();
    await app.login(page, 'official');
    const card = page.getByTestId('coverage');
    await card.getByTestId('coverage-county').waitFor();

    // The same figures as the API, with the session's cookie.
    const coverage = (await (await page.request.get(`${app.base}/api/v1/coverage`)).json()) as Coverage;
    const c = coverage.county;
    expect(c.denominatorSource).toBe('villages');
    expect(c.denominator).toBeGreaterThan(500);
    // The demo network: villager proxies in the mountain towns, 2 villages confirmed uncovered, 9 with no data.
    expect(c.coveredByProxy).toBeGreaterThan(0);
    expect(c.uncovered).toBe(2);
    expect(c.noData).toBe(9);
    const headline = (await card.getByTestId('coverage-county').textContent())!.replace(/\s+/g, ' ').trim();
    expect(headline).toBe(`${c.covered} / ${c.denominator} 建制村 (${(c.rate! * 100).toFixed(1)}%)`);
    expect(Number(await card.getByTestId('coverage-proxy').getAttribute('data-value'))).toBe(c.coveredByProxy);
    expect(Number(await card.getByTestId('coverage-no-data').getAttribute('data-value'))).toBe(c.noData);
    expect(await card.getByTestId('coverage-proxy').textContent()).toContain('村民代办');
    expect(await card.locator('[data-testid=coverage-targets] li').count()).toBe(coverage.targets.length);
    expect(await card.locator('[data-testid=coverage-towns] tbody tr').count()).toBe(12);
    const first = coverage.byTown[0];
    expect((await card.locator(`tr[data-town="${first.townCode}"] td`).first().textContent())!.trim()).toBe(`${first.covered} / ${first.denominator}`);

    await page.context().close();
    const phone = await app.newPage({ width: 360, height: 780 });
    await app.login(phone, 'official');
    const phoneCard = phone.getByTestId('coverage');
    await phoneCard.getByTestId('coverage-county').waitFor();
    await expect.poll(() => phone.locator('.chart .placeholder').count(), { timeout: 15_000 }).toBe(0);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phoneCard.scrollIntoViewIfNeeded();
    await phoneCard.screenshot({ path: join(SHOTS, 'dashboard-coverage-phone.png') });
  });

  it('issues a briefing from the page and downloads it byte for byte', async () => {
    const page = await app.newPage();
    await app.login(page, 'official');
    expect(await page.locator('nav a').allTextContents()).toEqual(['进度看板', '台账记录', '对账', '简报']);
    await page.locator('nav a', { hasText: '简报' }).click();
    await page.waitForURL(`${app.base}/briefings`);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('简报');

    // The running county-wide projects are chosen by default.
    const form = page.getByTestId('briefing-form');
    await expect.poll(() => form.locator('input[name=projectIds]').count()).toBeGreaterThan(1);
    expect(await form.locator('input[name=projectIds]:checked').count()).toBeGreaterThan(0);
    const before = ((await (await page.request.get(`${app.base}/api/v1/briefings`)).json()) as { items: Briefing[] }).items;

    // Issued without its texts: the API refuses, and says so next to each field.
    app.expect(/status of 400.*\/api\/v1\/briefings/);
    await page.getByTestId('issue').click();
    await expect.poll(() => page.getByTestId('form-error').textContent()).toContain('请按提示修改后再签发');
    await expect.poll(() => form.locator('#f-problems ~ .field-error').textContent()).toBe('不能为空');
    expect(await form.locator('#f-nextSteps ~ .field-error').textContent()).toBe('不能为空');
    expect(await page.getByLabel('存在问题').getAttribute('aria-invalid')).toBe('true');
    // …and focus goes to the first field to correct.
    expect(await page.evaluate('document.activeElement?.id')).toBe('f-problems');

    await page.getByLabel('存在问题').fill('部分偏远村快递服务依靠村民代办，时效不稳定。\n个别镇承运商填报不及时。');
    await page.getByLabel('下步工作').fill('加快村级站点建设，年底前实现建制村全覆盖。\n督促承运商每日18时前填报。');
    await page.getByLabel('报', { exact: true }).fill('县委、县政府');
    await page.getByLabel('送', { exact: true }).fill('县直有关部门');
    await page.getByLabel('发', { exact: true }).fill('各镇（街道）');
    await page.getByLabel('印数（份）').fill('60');
    expect(await page.getByLabel('存在问题').getAttribute('aria-invalid')).toBe('true');

    // The preview: the selected projects, in the chosen language, in a new tab.
    const preview = page.getByTestId('preview');
    expect(await preview.getAttribute('target')).toBe('_blank');
    const previewUrl = new URL((await preview.getAttribute('href'))!, app.base);
    expect(previewUrl.pathname).toBe('/api/v1/briefings/preview.pdf');
    expect(previewUrl.searchParams.get('lang')).toBe('zh');
    const checked = await Promise.all((await form.locator('input[name=projectIds]:checked').all()).map((el) => el.inputValue()));
    expect(previewUrl.searchParams.get('projectIds')!.split(',').sort()).toEqual(checked.sort());
    const previewRes = await page.request.get(previewUrl.href);
    expect(previewRes.status()).toBe(200);
    expect((await previewRes.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A double click issues one briefing: one id per form.
    await page.getByTestId('issue').dblclick();
    const status = page.getByTestId('issued-status');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/已签发 \d{4}年第\d+期。/);
    const [, year, number] = /(\d{4})年第(\d+)期/.exec((await status.textContent())!)!.map(Number);
    const firstRow = page.locator('[data-testid=briefings] tbody tr').first();
    expect(Number(await firstRow.getAttribute('data-number'))).toBe(number);
    expect(Number(await firstRow.getAttribute('data-year'))).toBe(year);
    expect(await firstRow.textContent()).toContain(`第${number}期`);
    expect(await firstRow.textContent()).toContain('县快递进村领导小组办公室');
    // The form is ready for the next issue.
    expect(await page.getByLabel('存在问题').inputValue()).toBe('');
    expect(await page.getByLabel('存在问题').getAttribute('aria-invalid')).toBeNull();

    const after = ((await (await page.request.get(`${app.base}/api/v1/briefings`)).json()) as { items: Briefing[] }).items;
    expect(after.length).toBe(before.length + 1);
    const issued = after[0];
    expect([issued.year, issued.number]).toEqual([year, number]);

    // The download link: the PDF as issued, its SHA-256 the ETag.
    const href = (await firstRow.getByTestId('download').getAttribute('href'))!;
    expect(href).toBe(`/api/v1/briefings/${issued.id}.pdf`);
    const res = await page.request.get(new URL(href, app.base).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/pdf');
    const bytes = await res.body();
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBe(issued.sizeBytes);
    expect(res.headers().etag).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);

    // It survives a reload, newest first.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid=briefings] tbody tr').first().getAttribute('data-id')).toBe(issued.id);
    await page.screenshot({ path: join(SHOTS, 'briefings-desktop.png'), fullPage: true });

    // In English too, and on a phone without sideways scrolling.
    const phone = await app.newPage({ width: 360, height: 780 });
    await app.login(phone, 'official');
    await phone.goto(`${app.base}/briefings`);
    await expect.poll(() => phone.locator('[data-testid=briefings] tbody tr').count()).toBeGreaterThan(0);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.getByTestId('lang-switch').click();
    await expect.poll(() => phone.locator('h1').first().textContent()).toBe('Briefings');
    expect(await phone.locator('[data-testid=briefings] tbody tr').first().textContent()).toContain(`No. ${number}`);
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.screenshot({ path: join(SHOTS, 'briefings-phone-en.png'), fullPage: true });
    await phone.getByTestId('lang-switch').click();
  }, 180_000);

  it('offers a cooperative neither the briefings section nor its page', async () => {
    const page = await app.newPage();
    await app.login(page, 'coop');
    expect(await page.locator('nav a').allTextContents()).not.toContain('简报');
    app.expect(/status of 403/);
    const res = await page.goto(`${app.base}/briefings`);
    expect(res?.status()).toBe(403);
    await expect.poll(() => page.locator('main').textContent()).toContain('当前账号无权查看此内容');
    // The coverage card is for every role.
    await page.goto(`${app.base}/`);
    await page.getByTestId('coverage-county').waitFor();
  });
});

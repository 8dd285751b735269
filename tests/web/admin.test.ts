import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, CHROMIUM, HAS_CHROMIUM, SHOTS, serverClock, useWebApp } from './helpers.ts';

// The administration section (系统管理) in chromium against the demo server: an admin creates a
// cooperative account that then logs in from another browser, disables it and resets its
// password; issues an API token whose secret is shown once and works, then revokes it; registers
// a cooperative and a store; creates a town's million-parcel project and finds it on the
// dashboard; filters the audit trail. Bad input is answered beside the field it concerns. Every
// page fits a 360 px phone.

if (!HAS_CHROMIUM) console.warn(`tests/web/admin.test.ts: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium)`);

// The demo's cooperatives are named after their town without 镇 (seed-demo.ts).
const DEMO_COOP = '燕崖果品专业合作社';
const uid = () => randomUUID().slice(0, 6);
// Two cores shared with other work: give answers more than the default second to arrive.
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe.skipIf(!HAS_CHROMIUM)('administration in chromium', () => {
  const app = useWebApp();

  async function loginAs(page: Page, username: string, password: string) {
    await page.goto(`${app.base}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${app.base}/`, { waitUntil: 'commit' });
  }

  async function adminPage(path: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await app.newPage(viewport);
    await loginAs(page, 'admin', ADMIN_PASSWORD);
    await page.goto(`${app.base}${path}`);
    return page;
  }

  const api = async (page: Page, path: string) => (await page.request.get(`${app.base}/api/v1${path}`)).json();
  const focusedId = (page: Page) => page.evaluate('document.activeElement?.id ?? null');

  it('creates a cooperative account that logs in elsewhere; disables it, re-enables it and resets its password', async () => {
    const page = await adminPage('/admin');
    // The overview links to every part of the section.
    await poll(() => page.getByTestId('summary-users').textContent()).toMatch(/\d+ 个账号/);
    await page.getByRole('link', { name: '用户', exact: true }).first().click();
    await page.waitForURL(`${app.base}/admin/users`);
    await page.locator('[data-testid=users] tbody tr').first().waitFor();

    const form = page.getByTestId('user-form');
    // Bad input: every field the API refuses says why, and focus goes to the first.
    app.expect(/status of 400.*\/api\/v1\/users/);
    await form.getByLabel('用户名').fill('X');
    await form.getByLabel('初始密码').fill('short');
    await form.getByLabel('初始密码').press('Enter');
    await poll(() => page.getByTestId('form-error').textContent()).toContain('请按提示修改后再提交');
    expect(await form.getByTestId('field-error-username').textContent()).toContain('3–40 位小写字母');
    expect(await form.getByTestId('field-error-displayName').textContent()).toBe('不能为空');
    expect(await form.getByTestId('field-error-password').textContent()).toBe('密码至少 12 个字符');
    expect(await form.getByTestId('field-error-organization').textContent()).toBe('请选择合作社');
    expect(await form.getByLabel('用户名').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('user-username');

    const username = `coop-${uid()}`;
    const password = `first-password-${uid()}`;
    await form.getByLabel('用户名').fill(username);
    await form.getByLabel('姓名或称呼').fill('王会计');
    await form.getByLabel('角色').selectOption({ label: '合作社' });
    await form.getByLabel('所属合作社').selectOption({ label: DEMO_COOP });
    await form.getByLabel('初始密码').fill(password);
    await form.getByLabel('初始密码').press('Enter');
    await poll(() => page.getByTestId('status').textContent()).toBe(`已创建账号 ${username}。`);
    const row = page.locator(`[data-testid=users] tr[data-username="${username}"]`);
    expect(await row.textContent()).toContain(DEMO_COOP);
    expect(await row.textContent()).toContain('启用');
    // The form is empty again and shows no errors.
    expect(await form.getByLabel('用户名').inputValue()).toBe('');
    expect(await form.getByTestId('field-error-password').count()).toBe(0);

    // The new account logs in from another browser, as a cooperative.
    const other = await app.newPage();
    await loginAs(other, username, password);
    await app.liveOn(other);
    const nav = await other.locator('nav a').allTextContents();
    expect(nav).toContain('揽收录入');
    expect(nav).not.toContain('系统管理');
    // …and its login shows as its last one.
    await page.reload();
    await poll(() => row.locator('td').nth(4).textContent()).not.toContain('—');

    // Disabling asks first, then ends its session at once.
    await row.getByRole('button', { name: `停用 ${username}` }).click();
    const dialog = page.getByTestId('disable-dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('立即退出所有设备');
    await dialog.getByTestId('confirm-disable').click();
    await poll(() => row.getAttribute('data-disabled')).toBe('true');
    expect(await row.textContent()).toContain('已停用');
    const me = await other.request.get(`${app.base}/api/v1/auth/me`);
    expect(me.status()).toBe(401);

    await row.getByRole('button', { name: `启用 ${username}` }).click();
    await poll(() => row.getAttribute('data-disabled')).toBe('false');

    // A new password: a short one is refused in the dialog, a good one lets the account in.
    await row.getByRole('button', { name: `重置 ${username} 的密码` }).click();
    const reset = page.getByTestId('reset-dialog');
    await poll(() => focusedId(page)).toBe('reset-password');
    await reset.getByLabel('新密码').fill('too-short');
    await reset.getByLabel('新密码').press('Enter');
    await poll(() => reset.getByTestId('field-error-password').textContent()).toBe('密码至少 12 个字符');
    const newPassword = `second-password-${uid()}`;
    await reset.getByLabel('新密码').fill(newPassword);
    await reset.getByTestId('confirm-reset').click();
    await poll(() => page.getByTestId('status').textContent()).toBe(`已重置 ${username} 的密码，其登录已全部退出。`);
    expect(await reset.isVisible()).toBe(false);

    const again = await app.newPage();
    await loginAs(again, username, newPassword);
    await app.liveOn(again);

    // The account can not open the section.
    app.expect(/status of 403/);
    const refused = await again.goto(`${app.base}/admin/users`);
    expect(refused?.status()).toBe(403);
  }, 180_000);

  it('shows a token’s secret once, and the token stops working when revoked', async () => {
    const page = await adminPage('/admin/tokens');
    const form = page.getByTestId('token-form');
    await page.locator('[data-testid=tokens], [data-testid=tokens-empty]').first().waitFor();

    // A carrier token needs its carrier.
    app.expect(/status of 400.*\/api\/v1\/tokens/);
    await form.getByLabel('名称').fill('EMS 调度系统');
    await form.getByTestId('create-token').click();
    await poll(() => form.getByTestId('field-error-organization').textContent()).toBe('请选择承运商');
    expect(await focusedId(page)).toBe('token-organization');

    const name = `EMS 调度系统 ${uid()}`;
    await form.getByLabel('名称').fill(name);
    await form.getByLabel('所属承运商').selectOption('ems');
    await form.getByLabel('名称').press('Enter');
    const panel = page.getByTestId('token-secret');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('只显示这一次');
    const secret = await panel.getByTestId('token-secret-value').inputValue();
    expect(secret).toMatch(/^gyt_/);
    await panel.getByTestId('copy-secret').click();
    await poll(() => panel.getByRole('status').textContent()).toMatch(/已复制|Ctrl\+C/);

    // The secret works as a bearer token, for the carrier it was issued to.
    const bearer = (s: string) => fetch(`${app.base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${s}` } });
    const ok = await bearer(secret);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ kind: 'token', role: 'carrier', carrierCode: 'ems' });

    const row = page.locator('[data-testid=tokens] tbody tr').filter({ hasText: name });
    expect(await row.textContent()).toContain('中国邮政/EMS');
    expect(await row.textContent()).toContain(secret.slice(0, 10));
    expect(await row.textContent()).not.toContain(secret);

    // Once closed, it is nowhere to be seen again, not even after a reload.
    await panel.getByTestId('secret-done').click();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    // Its use shows in the list.
    expect(await row.textContent()).not.toContain('从未使用');

    // Revoking asks first; a cancel changes nothing.
    await row.getByRole('button', { name: `吊销令牌 ${name}` }).click();
    const dialog = page.getByTestId('revoke-dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await poll(() => dialog.isVisible()).toBe(false);
    expect((await bearer(secret)).status).toBe(200);

    await row.getByRole('button', { name: `吊销令牌 ${name}` }).click();
    await dialog.getByTestId('confirm-revoke').click();
    await poll(() => row.getByTestId('token-status').textContent()).toBe('已吊销');
    expect(await page.getByTestId('status').textContent()).toBe(`已吊销令牌“${name}”。`);
    expect(await row.getByTestId('revoke').count()).toBe(0);
    expect((await bearer(secret)).status).toBe(401);
  }, 120_000);

  it('registers a cooperative and a store it runs, and creates a town project seen on the dashboard', async () => {
    const page = await adminPage('/admin/cooperatives');
    const coopForm = page.getByTestId('coop-form');
    await page.locator('[data-testid=cooperatives] tbody tr').first().waitFor();
    const coop = `石桥镇红富士合作社${uid()}`;
    await coopForm.getByLabel('合作社名称').fill(coop);
    await coopForm.getByLabel('镇（街道）').selectOption({ label: '石桥镇' });
    await coopForm.getByLabel('所在村').fill('石桥村');
    await coopForm.getByTestId('create-coop').click();
    await poll(() => page.getByTestId('status').textContent()).toBe(`已登记 ${coop}。`);
    expect(await page.locator('[data-testid=cooperatives] tr.new').textContent()).toContain('石桥镇');

    await page.getByRole('link', { name: '库点', exact: true }).click();
    await page.waitForURL(`${app.base}/admin/facilities`);
    const facilityForm = page.getByTestId('facility-form');
    const store = `石桥冷库${uid()}`;
    await facilityForm.getByLabel('库点名称').fill(store);
    await facilityForm.getByLabel('镇（街道）').selectOption({ label: '石桥镇' });
    await facilityForm.getByLabel('类型').selectOption({ label: '气调库' });
    await facilityForm.getByLabel('运营合作社').selectOption({ label: coop });
    // A capacity that is not a number is refused beside it.
    app.expect(/status of 400.*\/api\/v1\/storage-facilities/);
    await facilityForm.getByLabel('库容（吨）').fill('很多');
    await facilityForm.getByTestId('create-facility').click();
    await poll(() => facilityForm.getByTestId('field-error-capacityKg').textContent()).toBe('须为大于 0 的数字');
    expect(await focusedId(page)).toBe('facility-capacityKg');
    await facilityForm.getByLabel('库容（吨）').fill('1200.5');
    await facilityForm.getByLabel('库容（吨）').press('Enter');
    await poll(() => page.getByTestId('status').textContent()).toBe(`已登记 ${store}。`);
    const facilityRow = page.locator('[data-testid=facilities] tr.new');
    expect(await facilityRow.textContent()).toContain('1,200.5吨');
    expect(await facilityRow.textContent()).toContain(coop);
    const stored = ((await api(page, '/storage-facilities')).items as any[]).find((f) => f.name === store);
    expect(stored).toMatchObject({ townCode: '370323110', kind: 'ca', capacityKg: 1_200_500 });

    // A town project: the season, names, code and the million-parcel target are filled in.
    await page.getByRole('link', { name: '项目', exact: true }).click();
    await page.waitForURL(`${app.base}/admin/projects`);
    await page.locator('[data-tier=gold] tbody tr').first().waitFor();
    const projectForm = page.getByTestId('project-form');
    await projectForm.getByLabel('镇（街道）').selectOption({ label: '石桥镇' });
    await projectForm.getByLabel('产品').selectOption({ label: '沂源苹果' });
    await poll(() => projectForm.getByLabel('项目名称').inputValue()).toMatch(/^石桥镇苹果百万件项目（\d{4}—\d{4}）$/);
    expect(await projectForm.getByLabel('目标（件）').inputValue()).toBe('1000000');
    expect(await page.getByTestId('town-count').textContent()).toContain('石桥镇现有未结束的百万件项目 0 个');
    const startsOn = await projectForm.getByLabel('开始日期').inputValue();
    const endsOn = await projectForm.getByLabel('结束日期').inputValue();
    expect(startsOn).toMatch(/^\d{4}-08-20$/);
    expect(endsOn).toMatch(/^\d{4}-04-30$/);

    // The end before the start: refused beside the end date.
    app.expect(/status of 400.*\/api\/v1\/projects/);
    await projectForm.getByLabel('结束日期').fill(startsOn.replace('-08-20', '-08-01'));
    await projectForm.getByTestId('create-project').click();
    await poll(() => projectForm.getByTestId('field-error-endsOn').textContent()).toBe('结束日期不能早于开始日期');
    expect(await focusedId(page)).toBe('project-endsOn');
    await projectForm.getByLabel('结束日期').fill(endsOn);
    const code = `shiqiao-apple-${uid()}`;
    await projectForm.getByLabel('项目编码').fill(code);
    await projectForm.getByTestId('create-project').click();
    await poll(() => page.getByTestId('status').textContent()).toContain('已创建“石桥镇苹果百万件项目');

    const project = ((await api(page, '/projects')).items as any[]).find((p) => p.code === code);
    expect(project).toMatchObject({ townCode: '370323110', productCode: 'apple', tier: 'bronze', targetParcels: 1_000_000, startsOn, endsOn });
    expect(project.nameEn).toMatch(/^Shiqiao Town apple million-parcel project, \d{4}–\d{4}$/);
    const projectRow = page.locator(`[data-tier=bronze] tr[data-code="${code}"]`);
    expect(await projectRow.textContent()).toContain('100万件');
    expect(await projectRow.textContent()).toContain('石桥镇');

    // …and on the dashboard, live.
    await page.getByTestId('view-on-dashboard').click();
    await page.waitForURL(`${app.base}/?project=${code}`);
    await page.getByTestId(`project-tab-${code}`).waitFor();
    expect(await page.getByTestId(`project-tab-${code}`).getAttribute('aria-selected')).toBe('true');
  }, 150_000);

  it('filters the audit trail by actor, action and dates', async () => {
    const page = await adminPage('/admin/audit');
    await page.locator('[data-testid=audit] tbody tr').first().waitFor();
    const form = page.getByTestId('audit-form');

    // The range the wrong way round is caught before asking.
    await form.getByLabel('起始日期').fill('2026-11-20');
    await form.getByLabel('截止日期').fill('2026-11-10');
    await form.getByLabel('截止日期').press('Enter');
    await poll(() => form.getByTestId('field-error-to').textContent()).toBe('截止日期不能早于起始日期');
    expect(await focusedId(page)).toBe('audit-to');

    const today = serverClock.today();
    await form.getByLabel('起始日期').fill(today);
    await form.getByLabel('截止日期').fill(today);
    await form.getByLabel('操作者').fill('user:admin');
    await form.getByLabel('操作', { exact: true }).selectOption('auth.login');
    await form.getByTestId('audit-search').click();
    await page.waitForURL(/\/admin\/audit\?actor=user%3Aadmin&action=auth.login&from=/);
    await poll(() => page.locator('[data-testid=audit] tbody tr').count()).toBeGreaterThan(0);
    const actions = await page
      .locator('[data-testid=audit] tbody tr')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-actor')} ${r.getAttribute('data-action')}`));
    expect(new Set(actions)).toEqual(new Set(['user:admin auth.login']));
    // The same answer as the API's.
    const fromApi = await api(page, `/audit?actor=user:admin&action=auth.login&from=${today}T00:00:00%2B08:00`);
    expect(actions.length).toBe(fromApi.items.length);

    // The filter is in the URL: a reload keeps it.
    await page.reload();
    await poll(() => form.getByLabel('操作者').inputValue()).toBe('user:admin');
    await poll(() => page.locator('[data-testid=audit] tbody tr').count()).toBe(actions.length);

    await form.getByLabel('操作', { exact: true }).selectOption('briefing.issue');
    await form.getByLabel('操作者').press('Enter');
    await poll(() => page.getByTestId('audit-empty').textContent()).toBe('没有符合条件的记录。');
  }, 120_000);

  it('fits a 360 px phone on every page, and looks right on a desktop', async () => {
    const desktop = await adminPage('/admin/users');
    // The admin's own login (just now) is its last.
    await poll(() => desktop.locator('[data-testid=users] tr[data-username=admin] td').nth(4).textContent()).toMatch(/\d\d:\d\d/);
    await desktop.screenshot({ path: join(SHOTS, 'admin-users-desktop.png'), fullPage: true });
    await desktop.goto(`${app.base}/admin/projects`);
    await desktop.locator('[data-tier=bronze] tbody tr').first().waitFor();
    await desktop.screenshot({ path: join(SHOTS, 'admin-projects-desktop.png'), fullPage: true });
    await desktop.goto(`${app.base}/admin`);
    await poll(() => desktop.getByTestId('summary-projects').textContent()).toMatch(/个项目/);
    await desktop.screenshot({ path: join(SHOTS, 'admin-overview-desktop.png'), fullPage: true });

    const phone = await adminPage('/admin', { width: 360, height: 780 });
    const pages: [string, string][] = [
      ['/admin', '[data-testid=summary-users]:not(:empty)'],
      ['/admin/users', '[data-testid=users] tbody tr'],
      ['/admin/tokens', '[data-testid=tokens] tbody tr, [data-testid=tokens-empty]'],
      ['/admin/cooperatives', '[data-testid=cooperatives] tbody tr'],
      ['/admin/facilities', '[data-testid=facilities] tbody tr'],
      ['/admin/projects', '[data-tier=gold] tbody tr'],
      ['/admin/audit', '[data-testid=audit] tbody tr'],
    ];
    for (const [path, ready] of pages) {
      await phone.goto(`${app.base}${path}`);
      await phone.locator(ready).first().waitFor();
      expect(await phone.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(360);
      const name = path === '/admin' ? 'overview' : path.slice(7);
      if (['users', 'projects', 'tokens'].includes(name)) await phone.screenshot({ path: join(SHOTS, `admin-${name}-phone.png`), fullPage: true });
    }

    // In English too.
    await phone.goto(`${app.base}/admin/users`);
    await phone.locator('[data-testid=users] tbody tr').first().waitFor();
    await phone.getByTestId('lang-switch').click();
    await poll(() => phone.locator('h1').first().textContent()).toBe('Users');
    expect(await phone.getByTestId('user-form').textContent()).toContain('Initial password');
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await phone.getByTestId('lang-switch').click();
  }, 150_000);
});

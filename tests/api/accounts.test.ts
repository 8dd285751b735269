import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { ensureAdmin } from '../../server/domain/accounts/ensure-admin.ts';
import { withHeaders, buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post } from '../helpers/factories.ts';

let t: TestApp;
let coop: string;
beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
});
afterAll(() => t?.close());

const PASSWORD = 'a-long-enough-password';

async function createUser(role: string, organization?: string, password = PASSWORD) {
  const username = `${role}-${randomUUID().slice(0, 8)}`;
  const res = await post(t.app, '/api/v1/users', { username, displayName: `测试${role}`, password, role, organization });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, username };
}

async function login(username: string, password = PASSWORD, remoteAddress = '10.0.0.1') {
  return t.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });
}

/** A client carrying the session cookie and the CSRF header, as the web app will. */
async function session(username: string, password = PASSWORD) {
  const res = await login(username, password);
  expect(res.statusCode).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return withHeaders(t.server, { cookie, 'x-csrf-token': res.json().csrfToken });
}

describe('bootstrap', () => {
  it('creates the first admin once, generating a password when none is configured', async () => {
    // The test database starts with no users at all.
    const first = await ensureAdmin({ ctx: t.ctx, username: 'Admin' });
    expect(first.created).toBe(true);
    expect(first.generatedPassword!.length).toBeGreaterThanOrEqual(16);
    const again = await ensureAdmin({ ctx: t.ctx, username: 'admin', password: 'another-password-here' });
    expect(again).toEqual({ created: false, username: 'admin' });
    const res = await login('admin', first.generatedPassword);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'user', username: 'admin', role: 'admin' });
    const [row] = rowsOf<{ password_hash: string }>(await t.ctx.db.execute(sql`SELECT password_hash FROM users WHERE username = 'admin'`));
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('sessions', () => {
  it('logs in with an HttpOnly SameSite cookie backed by the database; logout ends it at once', async () => {
    const { username } = await createUser('official');
    const res = await login(username);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/gy_session=gys_/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // Relative lifetime: a browser whose clock disagrees with the app's keeps the cookie.
    expect(setCookie).toMatch(/Max-Age=86400/);
    expect(setCookie).not.toMatch(/Expires=/i);
    const me = res.json();
    expect(me).toMatchObject({ username, role: 'official', cooperativeId: null, carrierCode: null });
    expect(me.csrfToken).toEqual(expect.any(String));

    const client = withHeaders(t.server, { cookie: setCookie.split(';')[0], 'x-csrf-token': me.csrfToken });
    expect((await get(client, '/api/v1/auth/me')).body.username).toBe(username);
    expect((await get(client, '/api/v1/projects')).status).toBe(200);
    expect((await client.inject({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expectError(await get(client, '/api/v1/projects'), 401, 'UNAUTHORIZED');
  });

  it('refuses a wrong password, an unknown user and a disabled account with the same answer', async () => {
    const { id, username } = await createUser('official');
    const wrong = await login(username, 'not-the-password');
    const unknown = await login('nobody-here', PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect((await post(t.app, `/api/v1/users/${id}/disable`, {})).status).toBe(200);
    expect((await login(username)).json()).toEqual(wrong.json());
    expect((await post(t.app, `/api/v1/users/${id}/enable`, {})).status).toBe(200);
    expect((await login(username)).statusCode).toBe(200);
  });

  it('answers 429 to the 11th bad password in a row, even when it is right', async () => {
    const { username } = await createUser('official');
    for (let i = 1; i <= 10; i++) expect((await login(username, `wrong-password-${i}`)).statusCode).toBe(401);
    const eleventh = await login(username, 'wrong-again-password');
    expectError({ status: eleventh.statusCode, body: eleventh.json() }, 429, 'RATE_LIMITED');
    expect((await login(username)).statusCode).toBe(429);
    // Other accounts are not locked out by it.
    const other = await createUser('official');
    expect((await login(other.username)).statusCode).toBe(200);
  });

  it('holds the limit under concurrency: of 120 parallel guesses at one account, at most 10 are evaluated', async () => {
    const { username } = await createUser('official');
    // Each from its own address, so only the per-account limit applies; the right password sits
    // among them (it once got through at position 46 of 60).
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => login(username, i === 45 ? PASSWORD : `wrong-password-${i}`, `10.20.${i >> 8}.${i & 255}`)),
    );
    const statuses = answers.map((a) => a.statusCode);
    const evaluated = statuses.filter((s) => s !== 429);
    expect(evaluated.length, statuses.join(',')).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(110);
    expect(statuses.every((s) => s === 401 || s === 429 || s === 200)).toBe(true);
    // The failures on record are the guesses that were evaluated, not more.
    const [failures] = rowsOf<{ n: number }>(await t.ctx.db.execute(sql`SELECT count(*)::int AS n FROM login_failures WHERE username = ${username}`));
    expect(failures.n).toBe(statuses.filter((s) => s === 401).length);
  });

  it('limits failures per address too', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < 50; i++) await login(`someone-${i}`, 'whatever-password', ip);
    const { username } = await createUser('official');
    expect((await login(username, PASSWORD, ip)).statusCode).toBe(429);
    expect((await login(username, PASSWORD, '10.9.9.10')).statusCode).toBe(200);
  });

  it('protects cookie-authenticated writes against CSRF', async () => {
    const { username } = await createUser('admin');
    const res = await login(username);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    const body = { name: `CSRF测试-${randomUUID().slice(0, 6)}`, townCode: TOWNS.dongli };
    const forged = await t.server.inject({ method: 'POST', url: '/api/v1/cooperatives', headers: { cookie }, payload: body });
    expectError({ status: forged.statusCode, body: forged.json() }, 403, 'FORBIDDEN');
    const wrong = await t.server.inject({ method: 'POST', url: '/api/v1/cooperatives', headers: { cookie, 'x-csrf-token': 'guess' }, payload: body });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.server.inject({ method: 'POST', url: '/api/v1/cooperatives', headers: { cookie, 'x-csrf-token': res.json().csrfToken }, payload: body });
    expect(ok.statusCode).toBe(201);
  });
});

describe('users', () => {
  it('validates new accounts: password length, organisation by role, unique username', async () => {
    const short = await post(t.app, '/api/v1/users', { username: 'shorty', displayName: 'x', password: 'elevenchars', role: 'official' });
    expectError(short, 400, 'VALIDATION');
    expect(short.body.error.issues[0].path).toBe('password');
    const noOrg = await post(t.app, '/api/v1/users', { username: 'coop-noorg', displayName: 'x', password: PASSWORD, role: 'cooperative' });
    expect(noOrg.body.error.issues[0].path).toBe('organization');
    const badOrg = await post(t.app, '/api/v1/users', {
      username: 'coop-bad',
      displayName: 'x',
      password: PASSWORD,
      role: 'cooperative',
      organization: randomUUID(),
    });
    expect(badOrg.body.error.issues[0]).toEqual({ path: 'organization', message: 'unknown cooperative' });
    const carrier = await post(t.app, '/api/v1/users', { username: 'carrier-dhl', displayName: 'x', password: PASSWORD, role: 'carrier', organization: 'dhl' });
    expectError(carrier, 400, 'VALIDATION');
    const { username } = await createUser('official');
    expectError(
      await post(t.app, '/api/v1/users', { username: username.toUpperCase(), displayName: 'x', password: PASSWORD, role: 'official' }),
      409,
      'CONFLICT',
    );
    const list = await get(t.app, '/api/v1/users');
    expect(list.body.items.some((u: any) => u.username === username)).toBe(true);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|password/i);
  });

  it('disabling a user or resetting the password ends their sessions at once', async () => {
    const a = await createUser('official');
    const sa = await session(a.username);
    expect((await post(t.app, `/api/v1/users/${a.id}/disable`, {})).body.disabled).toBe(true);
    expectError(await get(sa, '/api/v1/projects'), 401, 'UNAUTHORIZED');

    const b = await createUser('official');
    const sb = await session(b.username);
    expect((await post(t.app, `/api/v1/users/${b.id}/password`, { password: 'a-brand-new-password' })).status).toBe(200);
    expectError(await get(sb, '/api/v1/projects'), 401, 'UNAUTHORIZED');
    expect((await login(b.username)).statusCode).toBe(401);
    expect((await login(b.username, 'a-brand-new-password')).statusCode).toBe(200);
    expectError(await post(t.app, `/api/v1/users/${randomUUID()}/disable`, {}), 404, 'NOT_FOUND');
  });
});

describe('API tokens', () => {
  it('is shown once, stored hashed, records its last use and stops working when revoked', async () => {
    const created = await post(t.app, '/api/v1/tokens', { name: 'EMS 沂源分公司系统', role: 'carrier', organization: 'ems' });
    expect(created.status).toBe(201);
    const { token, id } = created.body;
    expect(token).toMatch(/^gyt_/);
    const [row] = rowsOf<{ secret_hash: string }>(await t.ctx.db.execute(sql`SELECT secret_hash FROM api_tokens WHERE id = ${id}::uuid`));
    expect(row.secret_hash).not.toContain(token);
    const listed = (await get(t.app, '/api/v1/tokens')).body.items.find((x: any) => x.id === id);
    expect(listed).toMatchObject({ name: 'EMS 沂源分公司系统', role: 'carrier', carrierCode: 'ems', revoked: false, lastUsedAt: null });
    expect(listed.token).toBeUndefined();

    const ems = withHeaders(t.server, { authorization: `Bearer ${token}` });
    expect((await get(ems, '/api/v1/auth/me')).body).toMatchObject({ kind: 'token', role: 'carrier', carrierCode: 'ems' });
    expect((await post(ems, `/api/v1/carrier-volumes/ems/${TOWNS.yanya}/apple/2026-11-20`, { parcels: 5 }, 'PUT')).status).toBe(200);
    const used = (await get(t.app, '/api/v1/tokens')).body.items.find((x: any) => x.id === id);
    expect(used.lastUsedAt).not.toBeNull();

    expect((await post(t.app, `/api/v1/tokens/${id}/revoke`, {})).body.revoked).toBe(true);
    expectError(await get(ems, '/api/v1/projects'), 401, 'UNAUTHORIZED');
  });

  it("lets a carrier read its own revisions but not a competitor's", async () => {
    const ems = await t.as('carrier', 'ems');
    expect((await get(ems, `/api/v1/carrier-volumes/ems/${TOWNS.yanya}/apple/2026-11-20/history`)).status).toBe(200);
    expectError(await get(ems, `/api/v1/carrier-volumes/sf/${TOWNS.yanya}/apple/2026-11-20/history`), 403, 'FORBIDDEN');
    expect((await get(await t.as('official'), `/api/v1/carrier-volumes/sf/${TOWNS.yanya}/apple/2026-11-20/history`)).status).toBe(200);
  });

  it('refuses tokens for unknown organisations', async () => {
    expectError(await post(t.app, '/api/v1/tokens', { name: 'x', role: 'carrier', organization: 'dhl' }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/tokens', { name: 'x', role: 'official', organization: 'ems' }), 400, 'VALIDATION');
  });
});

describe('audit trail', () => {
  it('records every ledger write with its actor, address and token', async () => {
    const coopClient = await t.as('cooperative', coop);
    const carrierClient = await t.as('carrier', 'sf');
    const project = await createProject(t.app);
    const p = pickup(coop, { carrierCode: 'sf' });
    await post(coopClient, '/api/v1/pickups', p);
    const batch = [pickup(coop), pickup(coop)];
    await post(coopClient, '/api/v1/pickups/batch', { items: batch });
    await post(coopClient, `/api/v1/pickups/${p.id}/void`, { reason: '录错了' });
    await post(coopClient, '/api/v1/packaging-runs', {
      id: randomUUID(),
      cooperativeId: coop,
      productCode: 'apple',
      packageType: '5 kg carton',
      parcels: 10,
      fruitKg: 50,
      packedAt: '2026-11-20T01:00:00Z',
    });
    await post(carrierClient, `/api/v1/carrier-volumes/sf/${TOWNS.yanya}/apple/2026-11-10`, { parcels: 7 }, 'PUT');

    const official = await t.as('official');
    const audit = await get(official, '/api/v1/audit?limit=1000');
    expect(audit.status).toBe(200);
    const by = (action: string, targetId?: string) =>
      audit.body.items.filter((e: any) => e.action === action && (targetId === undefined || e.targetId === targetId));
    const record = by('pickup.record', p.id as string)[0];
    expect(record).toMatchObject({ actor: 'token:test cooperative', role: 'cooperative', tokenId: coopClient.tokenId, targetType: 'pickup', ip: '127.0.0.1' });
    for (const b of batch) expect(by('pickup.record', b.id as string)).toHaveLength(1);
    expect(by('pickup.void', p.id as string)[0].actor).toBe('token:test cooperative');
    expect(by('packaging-run.record')).toHaveLength(1);
    expect(by('carrier-volume.revise', `sf/${TOWNS.yanya}/apple/2026-11-10/r1`)[0]).toMatchObject({ role: 'carrier', tokenId: carrierClient.tokenId });
    expect(by('project.create', project)).toHaveLength(1);
    expect(by('cooperative.create', coop)).toHaveLength(1);
    // A re-sent pickup writes nothing, so it adds no audit row either.
    await post(coopClient, '/api/v1/pickups', batch[0]);
    const again = await get(official, `/api/v1/audit?action=pickup.record&targetId=${batch[0].id}`);
    expect(again.body.items).toHaveLength(1);
  });

  it('is for admins and officials only', async () => {
    expectError(await get(await t.as('cooperative', coop), '/api/v1/audit'), 403, 'FORBIDDEN');
    expectError(await get(t.server, '/api/v1/audit'), 401, 'UNAUTHORIZED');
  });
});

describe('hardening', () => {
  it('sends security headers and keeps internals out of errors', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-frame-options']).toBeDefined();
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/pickups', payload: { id: 'x' } });
    expect(bad.body).not.toMatch(/at .*\.ts:|SELECT|INSERT/);
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { MAX_PICKUP_PARCELS } from '../../server/contracts/ledger.ts';
import { buildApp, type AppDeps } from '../../server/http/app.ts';
import { buildTestApp, withHeaders, type Injector, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, expectError, get, pickup, post } from '../helpers/factories.ts';

// The small holes an outside probe found (issue 13, finding 7): a disabled admin's tokens,
// invisible characters in names, pickups anywhere in any amount, one address for everyone
// behind a proxy, HSTS over plain HTTP, and sessions that never idle out.

let t: TestApp;
/** More apps on the same database, with other settings (as another process would be). */
const others: FastifyInstance[] = [];
async function appWith(config: Partial<AppDeps['config']>): Promise<FastifyInstance> {
  const app = await buildApp({
    config: { bodyLimitBytes: 2 * 1024 * 1024, logLevel: 'silent', sessionHours: 24, cookieSecure: false, ...config },
    handle: t.db.handle,
    reference: t.ctx.reference,
    clock: t.clock.now,
    live: false,
  });
  others.push(app);
  return app;
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  for (const app of others) await app.close();
  await t?.close();
});

const PASSWORD = 'hardening-password-13';
const uid = () => randomUUID().slice(0, 8);

async function createUser(role: string, organization?: string) {
  const username = `${role}-${uid()}`;
  const res = await post(t.app, '/api/v1/users', { username, displayName: `测试${role}`, password: PASSWORD, role, organization });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, username };
}

async function login(app: FastifyInstance, username: string, password = PASSWORD, headers: Record<string, string> = {}, remoteAddress = '10.0.0.1') {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, headers, remoteAddress });
}

async function session(username: string) {
  const res = await login(t.server, username);
  expect(res.statusCode).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return { client: withHeaders(t.server, { cookie, 'x-csrf-token': res.json().csrfToken }), cookie };
}

describe("a disabled admin's tokens", () => {
  it('an admin token stops working while the admin who issued it is disabled; integration tokens keep working', async () => {
    const alice = await createUser('admin');
    const { client } = await session(alice.username);
    const issue = async (role: string, organization?: string) => {
      const res = await post(client, '/api/v1/tokens', { name: `alice's ${role} ${uid()}`, role, organization });
      expect(res.status).toBe(201);
      return withHeaders(t.server, { authorization: `Bearer ${res.body.token}` });
    };
    const adminToken = await issue('admin');
    const carrierToken = await issue('carrier', 'sf');
    const officialToken = await issue('official');
    for (const c of [adminToken, carrierToken, officialToken]) expect((await get(c, '/api/v1/auth/me')).status).toBe(200);

    expect((await post(t.app, `/api/v1/users/${alice.id}/disable`, {})).status).toBe(200);
    expectError(await get(adminToken, '/api/v1/auth/me'), 401, 'UNAUTHORIZED');
    expectError(await post(adminToken, '/api/v1/cooperatives', { name: `禁用后-${uid()}`, townCode: TOWNS.yanya }), 401, 'UNAUTHORIZED');
    // The county's integrations are not the administrator's: they carry on.
    expect((await get(carrierToken, '/api/v1/auth/me')).status).toBe(200);
    expect((await get(officialToken, '/api/v1/auth/me')).status).toBe(200);

    expect((await post(t.app, `/api/v1/users/${alice.id}/enable`, {})).status).toBe(200);
    expect((await get(adminToken, '/api/v1/auth/me')).status).toBe(200);
  });
});

describe('names: normalised, nothing invisible', () => {
  const NAME = '燕崖果品专业合作社';

  it('refuses a zero-width or bidi character, so a look-alike cannot register as a second cooperative', async () => {
    const first = await post(t.app, '/api/v1/cooperatives', { name: NAME, townCode: TOWNS.yanya });
    expect(first.status).toBe(201);
    for (const invisible of ['\u200b', '\u200d', '\u2060', '\ufeff', '\u202e', '\u2066', '\u00ad']) {
      const res = await post(t.app, '/api/v1/cooperatives', { name: `${NAME}${invisible}`, townCode: TOWNS.yanya });
      expectError(res, 400, 'VALIDATION');
      expect(res.body.error.issues).toEqual([{ path: 'name', message: expect.stringMatching(/invisible/) }]);
    }
    const coops = (await get(t.app, '/api/v1/cooperatives')).body.items.filter((c: any) => c.name.startsWith(NAME));
    expect(coops).toHaveLength(1);
  });

  it('takes no-break and ideographic spaces as one plain space, so the same name is the same cooperative', async () => {
    const name = `石桥 果蔬合作社-${uid()}`;
    const first = await post(t.app, '/api/v1/cooperatives', { name, townCode: TOWNS.shiqiao });
    expect(first.status).toBe(201);
    for (const spelling of [name.replace(' ', '\u00a0'), name.replace(' ', '\u3000\u3000'), ` ${name.replace(' ', ' \u00a0 ')}\u3000`]) {
      const again = await post(t.app, '/api/v1/cooperatives', { name: spelling, townCode: TOWNS.shiqiao });
      expect({ spelling, status: again.status }).toEqual({ spelling, status: 200 });
      expect(again.body).toMatchObject({ id: first.body.id, name });
    }
  });

  it('stores full-width letters and digits (NFKC) as plain ones, keeping Chinese punctuation', async () => {
    const tag = uid();
    const res = await post(t.app, '/api/v1/cooperatives', { name: `ＡＢＣ１２３果品合作社（东里）${tag}`, townCode: TOWNS.dongli });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe(`ABC123果品合作社（东里）${tag}`);
    expect((await post(t.app, '/api/v1/cooperatives', { name: `ABC123果品合作社（东里）${tag}`, townCode: TOWNS.dongli })).body.id).toBe(res.body.id);
  });

  it('applies the same rule to storage facilities, villages, service points, display names and usernames', async () => {
    const zw = '\u200b';
    const cases: [string, Record<string, unknown>, string][] = [
      ['/api/v1/storage-facilities', { name: `冷库${zw}`, townCode: TOWNS.yanya, kind: 'cold' }, 'name'],
      ['/api/v1/villages', { code: `${TOWNS.nanma}901`, townCode: TOWNS.nanma, name: `东村${zw}` }, 'name'],
      ['/api/v1/users', { username: `zw-${uid()}`, displayName: `张三${zw}`, password: PASSWORD, role: 'official' }, 'displayName'],
      ['/api/v1/users', { username: `zw${zw}${uid()}`, displayName: '张三', password: PASSWORD, role: 'official' }, 'username'],
    ];
    for (const [url, payload, path] of cases) {
      const res = await post(t.app, url, payload);
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body.error.issues.map((i: any) => i.path)).toEqual([path]);
    }
    const user = await post(t.app, '/api/v1/users', {
      username: `fw-${uid()}`,
      displayName: '王\u00a0\u00a0五 Ｗａｎｇ',
      password: PASSWORD,
      role: 'official',
    });
    expect(user.status).toBe(201);
    expect(user.body.displayName).toBe('王 五 Wang');
  });
});

describe('pickups: own town, at most 20,000 parcels', () => {
  let coop: string;
  let coopClient: Injector;
  beforeAll(async () => {
    coop = await createCooperative(t.app, { name: `燕崖合作社-${uid()}`, townCode: TOWNS.yanya });
    coopClient = await t.as('cooperative', coop);
  });

  it("lets a cooperative record in its own cooperative's town, and refuses other towns (403, on townCode); an admin may record anywhere", async () => {
    expect((await post(coopClient, '/api/v1/pickups', pickup(coop, { townCode: TOWNS.yanya }))).status).toBe(201);
    for (const townCode of [TOWNS.dongli, TOWNS.nanma]) {
      const res = await post(coopClient, '/api/v1/pickups', pickup(coop, { townCode }));
      expectError(res, 403, 'FORBIDDEN');
      expect(res.body.error.issues).toEqual([{ path: 'townCode', message: expect.any(String) }]);
    }
    // The same through a cookie session of a cooperative user.
    const user = await createUser('cooperative', coop);
    const { client } = await session(user.username);
    expectError(await post(client, '/api/v1/pickups', pickup(coop, { townCode: TOWNS.dongli })), 403, 'FORBIDDEN');
    expect((await post(client, '/api/v1/pickups', pickup(coop))).status).toBe(201);
    expect((await post(t.app, '/api/v1/pickups', pickup(coop, { townCode: TOWNS.dongli }))).status).toBe(201);
  });

  it(`refuses more than ${MAX_PICKUP_PARCELS.toLocaleString('en')} parcels in one pickup, for everyone`, async () => {
    expect(MAX_PICKUP_PARCELS).toBe(20_000);
    expect((await post(coopClient, '/api/v1/pickups', pickup(coop, { parcels: 20_000 }))).status).toBe(201);
    for (const client of [coopClient, t.app]) {
      const res = await post(client, '/api/v1/pickups', pickup(coop, { parcels: 20_001 }));
      expectError(res, 400, 'VALIDATION');
      expect(res.body.error.issues).toEqual([{ path: 'parcels', message: 'must be at most 20,000' }]);
    }
    const batch = await post(coopClient, '/api/v1/pickups/batch', { items: [pickup(coop, { parcels: 100_000 }), pickup(coop)] });
    expect(batch.body.results.map((r: any) => r.status)).toEqual(['invalid', 'created']);
    expect(batch.body.results[0].error.issues).toEqual([{ path: 'items.0.parcels', message: 'must be at most 20,000' }]);
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  const PROXY = '10.0.0.5';
  const fail = (app: FastifyInstance, forwardedFor: string, who = 'nobody') =>
    login(app, `${who}-${uid()}`, 'wrong-password-x', { 'x-forwarded-for': forwardedFor }, PROXY);

  it('off (the default): X-Forwarded-For is ignored, so a client cannot dodge the address limit by naming another address', async () => {
    const { username } = await createUser('official');
    // 50 failures from one socket address, each claiming another client address.
    for (let i = 0; i < 50; i++) expect((await fail(t.server, `203.0.113.${i}`, 'spoofer')).statusCode).toBe(401);
    const res = await login(t.server, username, PASSWORD, { 'x-forwarded-for': '198.51.100.1' }, PROXY);
    expectError({ status: res.statusCode, body: res.json() }, 429, 'RATE_LIMITED');
    const [row] = rowsOf<{ ip: string }>(await t.ctx.db.execute(sql`SELECT DISTINCT ip FROM login_failures WHERE username LIKE 'spoofer-%'`));
    expect(row.ip).toBe(PROXY);
  });

  it('on: the address the trusted proxy forwards is the client, each with its own limit', async () => {
    const behind = await appWith({ trustProxy: ['10.0.0.0/8'] });
    const { username } = await createUser('official');
    for (let i = 0; i < 50; i++) expect((await fail(behind, '198.51.100.7')).statusCode).toBe(401);
    const limited = await login(behind, username, PASSWORD, { 'x-forwarded-for': '198.51.100.7' }, PROXY);
    expect(limited.statusCode).toBe(429);
    // Another client behind the same proxy is not locked out.
    expect((await login(behind, username, PASSWORD, { 'x-forwarded-for': '198.51.100.8' }, PROXY)).statusCode).toBe(200);
    // A hop count trusts the last proxy only: what a client writes further left is not believed.
    const hops = await appWith({ trustProxy: 1 });
    expect((await login(hops, username, PASSWORD, { 'x-forwarded-for': '198.51.100.7, 198.51.100.9' }, PROXY)).statusCode).toBe(200);
    // And a request that does not come from a trusted proxy is its socket's own address.
    const spoofed = await login(behind, username, PASSWORD, { 'x-forwarded-for': '198.51.100.7' }, '192.0.2.1');
    expect(spoofed.statusCode).toBe(200);
  });
});

describe('Strict-Transport-Security', () => {
  const hsts = (res: { headers: Record<string, unknown> }) => res.headers['strict-transport-security'];

  it('is not sent over plain HTTP, nor when an untrusted client claims HTTPS', async () => {
    expect(hsts(await t.server.inject({ method: 'GET', url: '/api/v1/health' }))).toBeUndefined();
    expect(hsts(await t.server.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } }))).toBeUndefined();
    expect(hsts(await t.server.inject({ method: 'GET', url: '/' }))).toBeUndefined();
  });

  it('is sent when the request came over HTTPS (through a trusted proxy), on API answers, errors and pages', async () => {
    const behind = await appWith({ trustProxy: ['127.0.0.1'] });
    const https = { 'x-forwarded-proto': 'https' };
    for (const url of ['/api/v1/health', '/api/v1/projects', '/api/v1/nowhere', '/'])
      expect({ url, hsts: hsts(await behind.inject({ method: 'GET', url, headers: https })) }).toEqual({ url, hsts: 'max-age=31536000; includeSubDomains' });
    expect(hsts(await behind.inject({ method: 'GET', url: '/api/v1/health' }))).toBeUndefined();
  });
});

describe('session idle timeout (by the app clock)', () => {
  const me = async (cookie: string) => (await t.server.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode;
  const lastSeen = async (username: string) =>
    rowsOf<{ ms: number }>(
      await t.ctx.db.execute(
        sql`SELECT (extract(epoch FROM s.last_seen_at) * 1000)::float8 AS ms FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ${username}`,
      ),
    ).map((r) => Number(r.ms));

  it('keeps a session in use alive, refuses one left alone for 8 hours, and records use at most once a minute', async () => {
    const start = Date.parse('2026-11-10T01:00:00Z');
    const at = (minutes: number) => t.clock.set(new Date(start + minutes * 60_000).toISOString());
    at(0);
    const { username } = await createUser('official');
    const { cookie } = await session(username);
    expect(await lastSeen(username)).toEqual([start]);

    at(0.5);
    expect(await me(cookie)).toBe(200);
    expect(await lastSeen(username)).toEqual([start]); // not within the minute
    at(7 * 60 + 59);
    expect(await me(cookie)).toBe(200);
    expect(await lastSeen(username)).toEqual([start + (7 * 60 + 59) * 60_000]);
    // Eight hours from the last use, not from the login.
    at(2 * (7 * 60 + 59));
    expect(await me(cookie)).toBe(200);
    at(2 * (7 * 60 + 59) + 8 * 60 + 1);
    expect(await me(cookie)).toBe(401);
    // Refused for good: coming back does not revive it.
    at(2 * (7 * 60 + 59) + 8 * 60 + 2);
    expect(await me(cookie)).toBe(401);
    t.clock.set('2026-11-29T04:00:00Z');
  });

  it('follows SESSION_IDLE_MINUTES', async () => {
    const quick = await appWith({ sessionIdleMinutes: 30 });
    t.clock.set('2026-11-20T01:00:00Z');
    const { username } = await createUser('official');
    const res = await login(quick, username);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    t.clock.set('2026-11-20T01:29:00Z');
    expect((await quick.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(200);
    t.clock.set('2026-11-20T02:00:00Z');
    expect((await quick.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(401);
    // The default allows a working day.
    expect(await me(cookie)).toBe(200);
    t.clock.set('2026-11-29T04:00:00Z');
  });
});

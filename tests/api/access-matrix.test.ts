import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import type { Role } from '../../server/contracts/accounts.ts';
import { PERMISSIONS, type Permission } from '../../server/contracts/permissions.ts';
import { createToken } from '../../server/domain/accounts/tokens.ts';
import { createUser } from '../../server/domain/accounts/create-user.ts';
import { PUBLIC_PREFIXES } from '../../server/http/plugins/auth.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, pickup } from '../helpers/factories.ts';

// Every route × every kind of caller, each sent a request that is valid for the route, so the
// only reason for a refusal is who is asking; who may ask is read from the permission table
// (server/contracts/permissions.ts), by the permission each route declares. Then the data-scope rules inside the verbs, and
// the credentials themselves (bad tokens, session cookies without the CSRF header).
// Every refused request must leave the ledger, the tallies, the organisations and the network untouched.

let t: TestApp;

const PRINCIPALS = ['none', 'admin', 'official', 'coopA', 'carrier'] as const;
type Principal = (typeof PRINCIPALS)[number];
const ROLE_OF: Record<Exclude<Principal, 'none'>, Role> = { admin: 'admin', official: 'official', coopA: 'cooperative', carrier: 'carrier' };
const PASSWORD = 'matrix-password-0323';

/** Filled in beforeAll; the request builders read it lazily. */
const fx = {
  coopA: '',
  coopB: '',
  facilityA: '', // run by cooperative A
  facilityB: '', // run by cooperative B
  facilityCounty: '', // run by no cooperative
  project: '',
  pickupA: '', // cooperative A's, carried by ems: every role may read it
  pickupB: '', // cooperative B's, carried by sf
  loginUser: '',
  briefing: '',
  village: '', // in NETWORK_TOWN; edited by the PATCH cells
  villageCode: '',
  servicePoint: '', // a village station serving fx.village; edited by the PATCH cells
};
let clients: Record<Principal, Injector>;
/** Callers for the scope table's controls: besides the admin, the owners the principals are refused for. */
type Control = 'admin' | 'coopB' | 'sf';
let controls: Record<Control, Injector>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
type Req = { method: Method; url: string; payload?: unknown; headers?: Record<string, string> };
type Res = { status: number; body: any; raw?: LightMyRequestResponse };

async function send(client: Injector, req: Req & { headers?: Record<string, string> }): Promise<Res> {
  const raw = await client.inject({ method: req.method, url: req.url, payload: req.payload as Record<string, unknown>, headers: req.headers });
  const json = /^application\/json/.test(String(raw.headers['content-type'] ?? '')) && raw.body;
  return { status: raw.statusCode, body: json ? raw.json() : raw.body, raw };
}

// ---------------------------------------------------------------------------------------------
// Nothing-changed proof: row counts and an md5 of every row of the ledger, tally, organisation,
// project and network tables (audit_log and login_failures may grow on a refusal; sessions are not data).

const TABLES = [
  'pickups',
  'pickup_reversals',
  'packaging_runs',
  'packaging_run_reversals',
  'storage_movements',
  'storage_movement_reversals',
  'carrier_volume_revisions',
  'volume_cells',
  'project_rollups',
  'storage_stock',
  'cooperatives',
  'storage_facilities',
  'projects',
  'users',
  'api_tokens',
  'briefings',
  'villages',
  'village_versions',
  'service_points',
  'service_point_villages',
  'service_point_versions',
  'coverage_targets',
] as const;
// Authenticating stamps the caller's token with its last use (at most once a minute, by design):
// bookkeeping of the credential like the audit trail, not something the refused request wrote.
const BOOKKEEPING: Partial<Record<(typeof TABLES)[number], string[]>> = { api_tokens: ['last_used_at', 'last_used_ip'] };

type Snapshot = Record<string, { rows: number; md5: string }>;

async function snapshot(): Promise<Snapshot> {
  const parts = TABLES.map((table) => {
    const row = sql.raw(`(to_jsonb(t)${(BOOKKEEPING[table] ?? []).map((c) => ` - '${c}'`).join('')})::text`);
    return sql`SELECT ${table}::text AS tbl, count(*)::int AS n, md5(coalesce(string_agg(${row}, chr(10) ORDER BY ${row}), '')) AS md5
      FROM ${sql.identifier(table)} t`;
  });
  const rows = rowsOf<{ tbl: string; n: number; md5: string }>(await t.ctx.db.execute(sql.join(parts, sql` UNION ALL `)));
  expect(rows.map((r) => r.tbl).sort()).toEqual([...TABLES].sort());
  return Object.fromEntries(rows.map((r) => [r.tbl, { rows: Number(r.n), md5: r.md5 }]));
}

/** Sends the request and proves that it changed none of the tables. */
async function sendUnchanged(client: Injector, req: Req & { headers?: Record<string, string> }): Promise<Res> {
  const before = await snapshot();
  const res = await send(client, req);
  expect(await snapshot()).toEqual(before);
  return res;
}

const authHeaders = (who: Principal): Record<string, string> =>
  who === 'none' ? {} : { authorization: `Bearer ${(clients[who] as Injector & { token: string }).token}` };

/** Opens a websocket as this caller: 101 when the upgrade is accepted, else the status it was refused with. */
async function openSocket(who: Principal, url: string): Promise<Res> {
  try {
    const ws = await t.server.injectWS(url, { headers: authHeaders(who) });
    ws.terminate();
    return { status: 101, body: undefined };
  } catch (error) {
    const refused = /Unexpected server response: (\d{3})/.exec(String((error as Error).message));
    if (!refused) throw error;
    return { status: Number(refused[1]), body: undefined };
  }
}

// ---------------------------------------------------------------------------------------------
// Fresh, valid request material. Each call makes new ids, so every cell stands on its own.

const uid = () => randomUUID().slice(0, 8);
let counter = 0;

async function freshUser(disabled = false): Promise<string> {
  const u = await createUser({ ctx: t.ctx, input: { username: `target-${uid()}`, displayName: '目标用户', password: PASSWORD, role: 'official' } });
  if (disabled) expect((await send(clients.admin, { method: 'POST', url: `/api/v1/users/${u.id}/disable` })).status).toBe(200);
  return u.id;
}

/** A packaging run of cooperative A and a stock-in to A's store, recorded by the admin: fresh things to void. */
async function freshRecordOfA(kind: 'packaging-runs' | 'storage-movements'): Promise<string> {
  const payload = kind === 'packaging-runs' ? packagingRun(fx.coopA) : movement(fx.facilityA);
  expect((await send(clients.admin, { method: 'POST', url: `/api/v1/${kind}`, payload })).status).toBe(201);
  return payload.id;
}

async function freshPickupOfA(): Promise<string> {
  const p = pickup(fx.coopA);
  expect((await send(clients.admin, { method: 'POST', url: '/api/v1/pickups', payload: p })).status).toBe(201);
  return p.id as string;
}

const packagingRun = (cooperativeId: string) => ({
  id: randomUUID(),
  cooperativeId,
  productCode: 'apple',
  packageType: '5kg 礼盒',
  parcels: 20,
  fruitKg: 100,
  packedAt: '2026-11-10T03:00:00Z',
});
const movement = (facilityId: string, direction: 'in' | 'out' = 'in') => ({
  id: randomUUID(),
  facilityId,
  productCode: 'apple',
  direction,
  weightKg: 1.5,
  movedAt: '2026-11-10T04:00:00Z',
});
const CELL_DATE = '2026-11-10';
const cellUrl = (carrier: string) => `/api/v1/carrier-volumes/${carrier}/${TOWNS.yanya}/apple/${CELL_DATE}`;
const volume = (carrierCode: string) => ({ carrierCode, townCode: TOWNS.yanya, productCode: 'apple', date: CELL_DATE, parcels: 1000 + ++counter });
/** A one-row spreadsheet (JSON form) setting the same cell anew for this carrier. */
const carrierImport = (carrierCode: string) => ({
  format: 'csv',
  content: `日期,乡镇,产品,承运商,件数\n${CELL_DATE},${TOWNS.yanya},apple,${carrierCode},${1000 + ++counter}`,
});

// The network: villages and service points of one town only the matrix uses, each with a new code.
const NETWORK_TOWN = TOWNS.nanma;
let villageSeq = 100;
const freshVillage = () => {
  const n = ++villageSeq;
  if (n > 999) throw new Error('out of village codes in NETWORK_TOWN');
  return { code: `${NETWORK_TOWN}${n}`, townCode: NETWORK_TOWN, name: `矩阵${n}村` };
};
const freshStation = () => ({
  code: `MX-${uid()}`,
  name: '矩阵村级服务站',
  kind: 'village_station',
  townCode: NETWORK_TOWN,
  mode: 'postal_courier',
  operator: '村供销超市',
  brands: ['ems', 'zto'],
  takesOutgoing: true,
  openedOn: '2020-06-15',
  villageIds: [fx.village],
});
/** A one-row pickup file for POST /pickups/import, sent as text/csv. */
const pickupFile = (cooperativeId: string, overrides: Record<string, unknown> = {}): Req => {
  const p = pickup(cooperativeId, overrides);
  const columns = ['id', 'cooperativeId', 'townCode', 'carrierCode', 'productCode', 'parcels', 'pickedUpAt'];
  return {
    method: 'POST',
    url: '/api/v1/pickups/import',
    headers: { 'content-type': 'text/csv' },
    payload: `${columns.join(',')}\n${columns.map((c) => String(p[c])).join(',')}\n`,
  };
};
const csvImport = (lines: string[]) => ({ format: 'csv', content: lines.join('\n'), dryRun: false });
const villageImport = () => {
  const v = freshVillage();
  return csvImport(['code,townCode,name', `${v.code},${v.townCode},${v.name}`]);
};
const stationImport = () =>
  csvImport([
    'code,name,kind,townCode,mode,operator,brands,takesOutgoing,openedOn,villages',
    `MX-${uid()},矩阵导入服务站,村级站点,${NETWORK_TOWN},邮快合作,村供销超市,"ems,zto",是,2021-03-01,${fx.villageCode}`,
  ]);
/** The seeded targets, labelled anew each time, so that every replacement really changes them. */
const targets = () => ({
  items: [
    { by: '2020-12-31', rate: 0.8, countsProxy: true, label: `矩阵目标 ${uid()}` },
    { by: '2021-12-31', rate: 1, countsProxy: true },
  ],
});
const importedOne = (res: Res) => expect(res.body).toMatchObject({ ok: true, dryRun: false, importId: expect.any(String), summary: { rows: 1, created: 1 } });

// ---------------------------------------------------------------------------------------------
// The matrix. One row per route, as registered in server/http/routes/*.ts, server/http/app.ts
// and server/http/plugins/live.ts, naming the permission the route declares.

type Row = {
  method: Method;
  /** The route as registered (Fastify's `:param` form). */
  route: string;
  /** What the route declares: the action it performs (its roles are the table's), or 'public'. */
  permission: Permission | 'public';
  /** The answer to a caller who may. */
  status: number;
  /** An allowed call must change the snapshotted tables (so the snapshot is shown to notice writes). */
  writes?: boolean;
  request: (who: Principal) => Req | Promise<Req>;
  /** More about an allowed call's answer. */
  check?: (res: Res, who: Principal) => void;
  /** A websocket route: the request is an upgrade, accepted with 101. */
  websocket?: true;
};

const get = (url: string) => (): Req => ({ method: 'GET', url });

const ROWS: Row[] = [
  // app.ts and @fastify/swagger-ui: public
  { method: 'GET', route: '/', permission: 'public', status: 200, request: get('/') },
  { method: 'GET', route: '/api/v1/openapi.json', permission: 'public', status: 200, request: get('/api/v1/openapi.json') },
  { method: 'GET', route: '/api/v1/docs', permission: 'public', status: 200, request: get('/api/v1/docs') },
  { method: 'GET', route: '/api/v1/docs/json', permission: 'public', status: 200, request: get('/api/v1/docs/json') },
  { method: 'GET', route: '/api/v1/docs/yaml', permission: 'public', status: 200, request: get('/api/v1/docs/yaml') },
  { method: 'GET', route: '/api/v1/docs/static/index.html', permission: 'public', status: 302, request: get('/api/v1/docs/static/index.html') },
  {
    method: 'GET',
    route: '/api/v1/docs/static/swagger-initializer.js',
    permission: 'public',
    status: 200,
    request: get('/api/v1/docs/static/swagger-initializer.js'),
  },
  { method: 'GET', route: '/api/v1/docs/static/*', permission: 'public', status: 200, request: get('/api/v1/docs/static/swagger-ui.css') },

  // health.routes.ts
  { method: 'GET', route: '/api/v1/health', permission: 'public', status: 200, request: get('/api/v1/health') },

  // accounts.routes.ts
  {
    method: 'POST',
    route: '/api/v1/auth/login',
    permission: 'public',
    status: 200,
    request: () => ({ method: 'POST', url: '/api/v1/auth/login', payload: { username: fx.loginUser, password: PASSWORD } }),
    check: (res) => expect(res.body).toMatchObject({ kind: 'user', username: fx.loginUser, csrfToken: expect.any(String) }),
  },
  { method: 'POST', route: '/api/v1/auth/logout', permission: 'session.end', status: 204, request: () => ({ method: 'POST', url: '/api/v1/auth/logout' }) },
  {
    method: 'GET',
    route: '/api/v1/auth/me',
    permission: 'session.read',
    status: 200,
    request: get('/api/v1/auth/me'),
    check: (res, who) => expect(res.body).toMatchObject({ kind: 'token', role: ROLE_OF[who as Exclude<Principal, 'none'>], csrfToken: null }),
  },
  { method: 'GET', route: '/api/v1/users', permission: 'user.read', status: 200, request: get('/api/v1/users') },
  {
    method: 'POST',
    route: '/api/v1/users',
    permission: 'user.create',
    status: 201,
    writes: true,
    request: () => ({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: `new-${uid()}`, displayName: '新用户', password: PASSWORD, role: 'official' },
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/disable',
    permission: 'user.update',
    status: 200,
    writes: true,
    request: async () => ({ method: 'POST', url: `/api/v1/users/${await freshUser()}/disable` }),
    check: (res) => expect(res.body.disabled).toBe(true),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/enable',
    permission: 'user.update',
    status: 200,
    writes: true,
    request: async () => ({ method: 'POST', url: `/api/v1/users/${await freshUser(true)}/enable` }),
    check: (res) => expect(res.body.disabled).toBe(false),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/password',
    permission: 'user.update',
    status: 200,
    writes: true,
    request: async () => ({ method: 'POST', url: `/api/v1/users/${await freshUser()}/password`, payload: { password: `${PASSWORD}-new` } }),
  },
  { method: 'GET', route: '/api/v1/tokens', permission: 'token.read', status: 200, request: get('/api/v1/tokens') },
  {
    method: 'POST',
    route: '/api/v1/tokens',
    permission: 'token.create',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/tokens', payload: { name: `ems 接口 ${uid()}`, role: 'carrier', organization: 'ems' } }),
  },
  {
    method: 'POST',
    route: '/api/v1/tokens/:id/revoke',
    permission: 'token.revoke',
    status: 200,
    writes: true,
    request: async () => {
      const victim = await createToken({ ctx: t.ctx, input: { name: `to revoke ${uid()}`, role: 'official' } });
      return { method: 'POST', url: `/api/v1/tokens/${victim.id}/revoke` };
    },
    check: (res) => expect(res.body.revoked).toBe(true),
  },
  { method: 'GET', route: '/api/v1/audit', permission: 'audit.read', status: 200, request: get('/api/v1/audit?limit=5') },

  // reference.routes.ts
  { method: 'GET', route: '/api/v1/towns', permission: 'reference.read', status: 200, request: get('/api/v1/towns') },
  { method: 'GET', route: '/api/v1/carriers', permission: 'reference.read', status: 200, request: get('/api/v1/carriers') },
  { method: 'GET', route: '/api/v1/products', permission: 'reference.read', status: 200, request: get('/api/v1/products') },

  // organizations.routes.ts
  { method: 'GET', route: '/api/v1/cooperatives', permission: 'cooperative.read', status: 200, request: get('/api/v1/cooperatives') },
  {
    method: 'POST',
    route: '/api/v1/cooperatives',
    permission: 'cooperative.create',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/cooperatives', payload: { name: `合作社-${uid()}`, townCode: TOWNS.dongli } }),
  },
  { method: 'GET', route: '/api/v1/storage-facilities', permission: 'storageFacility.read', status: 200, request: get('/api/v1/storage-facilities') },
  {
    method: 'POST',
    route: '/api/v1/storage-facilities',
    permission: 'storageFacility.create',
    status: 201,
    writes: true,
    request: () => ({
      method: 'POST',
      url: '/api/v1/storage-facilities',
      payload: { name: `冷库-${uid()}`, townCode: TOWNS.dongli, kind: 'cold', operatorCooperativeId: fx.coopA },
    }),
  },

  // projects.routes.ts
  { method: 'GET', route: '/api/v1/projects', permission: 'project.read', status: 200, request: get('/api/v1/projects') },
  {
    method: 'POST',
    route: '/api/v1/projects',
    permission: 'project.create',
    status: 201,
    writes: true,
    request: () => ({
      method: 'POST',
      url: '/api/v1/projects',
      payload: {
        code: `cherry-${uid()}`,
        name: '樱桃项目',
        productCode: 'cherry',
        tier: 'silver',
        targetParcels: 5_000_000,
        startsOn: '2026-05-01',
        endsOn: '2026-07-31',
      },
    }),
  },
  { method: 'GET', route: '/api/v1/projects/:id', permission: 'project.read', status: 200, request: () => get(`/api/v1/projects/${fx.project}`)() },
  {
    method: 'GET',
    route: '/api/v1/projects/:id/progress',
    permission: 'project.read',
    status: 200,
    request: () => get(`/api/v1/projects/${fx.project}/progress`)(),
  },
  // Carriers' figures by town and day: the county's and each carrier's own; a cooperative sees none.
  {
    method: 'GET',
    route: '/api/v1/reconciliation',
    permission: 'carrierCell.read',
    status: 200,
    request: () => get(`/api/v1/reconciliation?projectId=${fx.project}`)(),
    check: (res, who) => expect(res.body.items.every((c: any) => who !== 'carrier' || c.carrierCode === 'ems')).toBe(true),
  },

  // pickups.routes.ts
  { method: 'GET', route: '/api/v1/pickups', permission: 'pickup.read', status: 200, request: get('/api/v1/pickups') },
  {
    method: 'POST',
    route: '/api/v1/pickups',
    permission: 'pickup.create',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/pickups', payload: pickup(fx.coopA) }),
  },
  {
    method: 'POST',
    route: '/api/v1/pickups/batch',
    permission: 'pickup.create',
    status: 200,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/pickups/batch', payload: { items: [pickup(fx.coopA)] } }),
    check: (res) => expect(res.body.summary).toEqual({ created: 1, duplicate: 0, conflict: 0, invalid: 0 }),
  },
  // pickup-import.routes.ts
  {
    method: 'POST',
    route: '/api/v1/pickups/import',
    permission: 'pickup.create',
    status: 200,
    writes: true,
    request: () => pickupFile(fx.coopA),
    check: (res) => expect(res.body.summary).toEqual({ rows: 1, created: 1, duplicate: 0, conflict: 0 }),
  },
  {
    method: 'GET',
    route: '/api/v1/pickups/:id',
    permission: 'pickup.read',
    status: 200,
    request: () => get(`/api/v1/pickups/${fx.pickupA}`)(),
    check: (res) => expect(res.body.id).toBe(fx.pickupA),
  },
  {
    method: 'POST',
    route: '/api/v1/pickups/:id/void',
    permission: 'pickup.void',
    status: 200,
    writes: true,
    request: async () => ({ method: 'POST', url: `/api/v1/pickups/${await freshPickupOfA()}/void`, payload: { reason: '录入错误' } }),
    check: (res) => expect(res.body.voided).toBe(true),
  },

  // storage.routes.ts
  {
    method: 'POST',
    route: '/api/v1/packaging-runs',
    permission: 'packagingRun.create',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/packaging-runs', payload: packagingRun(fx.coopA) }),
  },
  {
    method: 'POST',
    route: '/api/v1/storage-movements',
    permission: 'storageMovement.create',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/storage-movements', payload: movement(fx.facilityA) }),
  },
  { method: 'GET', route: '/api/v1/stock', permission: 'stock.read', status: 200, request: get('/api/v1/stock') },

  // records.routes.ts: carriers hand over no packaging run or stored fruit, so they read neither list
  { method: 'GET', route: '/api/v1/packaging-runs', permission: 'packagingRun.read', status: 200, request: get('/api/v1/packaging-runs') },
  {
    method: 'POST',
    route: '/api/v1/packaging-runs/:id/void',
    permission: 'packagingRun.void',
    status: 200,
    writes: true,
    request: async () => ({ method: 'POST', url: `/api/v1/packaging-runs/${await freshRecordOfA('packaging-runs')}/void`, payload: { reason: '录入错误' } }),
    check: (res) => expect(res.body.voided).toBe(true),
  },
  { method: 'GET', route: '/api/v1/storage-movements', permission: 'storageMovement.read', status: 200, request: get('/api/v1/storage-movements') },
  {
    method: 'POST',
    route: '/api/v1/storage-movements/:id/void',
    permission: 'storageMovement.void',
    status: 200,
    writes: true,
    request: async () => ({
      method: 'POST',
      url: `/api/v1/storage-movements/${await freshRecordOfA('storage-movements')}/void`,
      payload: { reason: '录入错误' },
    }),
    check: (res) => expect(res.body.voided).toBe(true),
  },

  // carrier-volumes.routes.ts
  {
    method: 'PUT',
    route: '/api/v1/carrier-volumes/:carrierCode/:townCode/:productCode/:date',
    permission: 'carrierCell.report',
    status: 200,
    writes: true,
    request: () => ({ method: 'PUT', url: cellUrl('ems'), payload: { parcels: 1000 + ++counter } }),
    check: (res) => expect(res.body.changed).toBe(true),
  },
  {
    method: 'GET',
    route: '/api/v1/carrier-volumes/:carrierCode/:townCode/:productCode/:date/history',
    permission: 'carrierCell.read',
    status: 200,
    request: get(`${cellUrl('ems')}/history`),
  },
  {
    method: 'POST',
    route: '/api/v1/carrier-volumes/batch',
    permission: 'carrierCell.report',
    status: 200,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/carrier-volumes/batch', payload: { items: [volume('ems')] } }),
    check: (res) => expect(res.body.summary).toEqual({ revised: 1, unchanged: 0, invalid: 0 }),
  },
  {
    method: 'GET',
    route: '/api/v1/carrier-volumes',
    permission: 'carrierCell.read',
    status: 200,
    request: get(`/api/v1/carrier-volumes?date=${CELL_DATE}`),
    check: (res, who) => expect(res.body.items.every((c: any) => who !== 'carrier' || c.carrierCode === 'ems')).toBe(true),
  },
  {
    method: 'GET',
    route: '/api/v1/carrier-volumes/template.csv',
    permission: 'carrierCell.report',
    status: 200,
    request: get('/api/v1/carrier-volumes/template.csv'),
    check: (res) => expect(res.raw!.headers['content-type']).toBe('text/csv; charset=utf-8'),
  },
  {
    method: 'POST',
    route: '/api/v1/carrier-volumes/import',
    permission: 'carrierCell.report',
    status: 200,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/carrier-volumes/import', payload: carrierImport('ems') }),
    check: (res) => expect(res.body).toMatchObject({ ok: true, dryRun: false, summary: { cells: 1, changed: 1 } }),
  },

  // briefings.routes.ts: the leading group's documents, officials and admins only
  { method: 'GET', route: '/api/v1/briefings', permission: 'briefing.read', status: 200, request: get('/api/v1/briefings') },
  {
    method: 'POST',
    route: '/api/v1/briefings',
    permission: 'briefing.issue',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/briefings', payload: { projectIds: [fx.project], problems: '无', nextSteps: '无', recipients: {} } }),
    check: (res) => expect(res.body).toMatchObject({ year: 2026, number: expect.any(Number), language: 'zh' }),
  },
  {
    method: 'GET',
    route: '/api/v1/briefings/preview.pdf',
    permission: 'briefing.issue',
    status: 200,
    request: get('/api/v1/briefings/preview.pdf'),
    check: (res) => expect(res.raw!.headers['content-type']).toBe('application/pdf'),
  },
  {
    method: 'GET',
    route: '/api/v1/briefings/:id.pdf',
    permission: 'briefing.read',
    status: 200,
    request: () => ({ method: 'GET', url: `/api/v1/briefings/${fx.briefing}.pdf` }),
    check: (res) => expect(res.raw!.headers.etag).toMatch(/^"[0-9a-f]{64}"$/),
  },

  // network.routes.ts: every role reads the network and its coverage; only an admin changes them
  { method: 'GET', route: '/api/v1/villages', permission: 'network.read', status: 200, request: get(`/api/v1/villages?townCode=${NETWORK_TOWN}`) },
  {
    method: 'POST',
    route: '/api/v1/villages',
    permission: 'network.write',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/villages', payload: freshVillage() }),
    check: (res) => expect(res.body).toMatchObject({ townCode: NETWORK_TOWN, version: 1 }),
  },
  {
    method: 'POST',
    route: '/api/v1/villages/import',
    permission: 'network.write',
    status: 200,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/villages/import', payload: villageImport() }),
    check: importedOne,
  },
  {
    method: 'GET',
    route: '/api/v1/villages/:id',
    permission: 'network.read',
    status: 200,
    request: () => get(`/api/v1/villages/${fx.village}`)(),
    check: (res) => expect(res.body.id).toBe(fx.village),
  },
  {
    method: 'PATCH',
    route: '/api/v1/villages/:id',
    permission: 'network.write',
    status: 200,
    writes: true,
    request: () => ({ method: 'PATCH', url: `/api/v1/villages/${fx.village}`, payload: { notes: `矩阵备注 ${uid()}` } }),
    check: (res) => expect(res.body).toMatchObject({ id: fx.village, version: expect.any(Number) }),
  },
  {
    method: 'GET',
    route: '/api/v1/villages/:id/history',
    permission: 'network.read',
    status: 200,
    request: () => get(`/api/v1/villages/${fx.village}/history`)(),
  },
  { method: 'GET', route: '/api/v1/service-points', permission: 'network.read', status: 200, request: get(`/api/v1/service-points?townCode=${NETWORK_TOWN}`) },
  {
    method: 'POST',
    route: '/api/v1/service-points',
    permission: 'network.write',
    status: 201,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/service-points', payload: freshStation() }),
    check: (res) => expect(res.body).toMatchObject({ version: 1, villageIds: [fx.village] }),
  },
  {
    method: 'POST',
    route: '/api/v1/service-points/import',
    permission: 'network.write',
    status: 200,
    writes: true,
    request: () => ({ method: 'POST', url: '/api/v1/service-points/import', payload: stationImport() }),
    check: importedOne,
  },
  {
    method: 'GET',
    route: '/api/v1/service-points/:id',
    permission: 'network.read',
    status: 200,
    request: () => get(`/api/v1/service-points/${fx.servicePoint}`)(),
    check: (res) => expect(res.body.id).toBe(fx.servicePoint),
  },
  {
    method: 'PATCH',
    route: '/api/v1/service-points/:id',
    permission: 'network.write',
    status: 200,
    writes: true,
    request: () => ({ method: 'PATCH', url: `/api/v1/service-points/${fx.servicePoint}`, payload: { notes: `矩阵备注 ${uid()}` } }),
    check: (res) => expect(res.body).toMatchObject({ id: fx.servicePoint, villageIds: [fx.village] }),
  },
  {
    method: 'GET',
    route: '/api/v1/service-points/:id/history',
    permission: 'network.read',
    status: 200,
    request: () => get(`/api/v1/service-points/${fx.servicePoint}/history`)(),
  },
  { method: 'GET', route: '/api/v1/coverage', permission: 'network.read', status: 200, request: get('/api/v1/coverage?date=2021-06-01') },
  {
    method: 'GET',
    route: '/api/v1/coverage/series',
    permission: 'network.read',
    status: 200,
    request: get('/api/v1/coverage/series?from=2021-01-01&to=2021-06-30'),
  },
  {
    method: 'GET',
    route: '/api/v1/coverage/villages',
    permission: 'network.read',
    status: 200,
    request: get(`/api/v1/coverage/villages?townCode=${NETWORK_TOWN}&date=2021-06-01`),
  },
  { method: 'GET', route: '/api/v1/coverage/targets', permission: 'network.read', status: 200, request: get('/api/v1/coverage/targets') },
  {
    method: 'PUT',
    route: '/api/v1/coverage/targets',
    permission: 'network.write',
    status: 200,
    writes: true,
    request: () => ({ method: 'PUT', url: '/api/v1/coverage/targets', payload: targets() }),
    check: (res) =>
      expect(res.body.items.map((x: any) => [x.by, x.rate])).toEqual([
        ['2020-12-31', 0.8],
        ['2021-12-31', 1],
      ]),
  },

  // plugins/live.ts
  { method: 'GET', route: '/api/v1/live', permission: 'live.subscribe', status: 101, websocket: true, request: get('/api/v1/live') },
];

/** Who may call the row's route: the permission table's roles for its permission. */
const rolesOf = (r: Row): 'public' | readonly Role[] => (r.permission === 'public' ? 'public' : PERMISSIONS[r.permission]);

/** The ledger's write routes: where cooperatives or carriers record, and the county only reads. */
const LEDGER_WRITES = ROWS.filter((r) => {
  const roles = rolesOf(r);
  return r.method !== 'GET' && roles !== 'public' && !roles.includes('official') && (roles.includes('cooperative') || roles.includes('carrier'));
});

/** The network's write routes: the county's administrators keep the register; everyone else reads it. */
const NETWORK_WRITES = ROWS.filter((r) => r.method !== 'GET' && /^\/api\/v1\/(villages|service-points|coverage)(\/|$)/.test(r.route));

const keyOf = (method: string, route: string) => `${method.toUpperCase()} ${route}`;

function expectedStatus(row: Row, who: Principal): number {
  const roles = rolesOf(row);
  if (roles === 'public') return row.status;
  if (who === 'none') return 401;
  return roles.includes(ROLE_OF[who]) ? row.status : 403;
}

/** Every route the app serves, read from Fastify's own route tree. */
function servedRoutes(): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  // The radix tree as printed: each line an edge, so a route's path is its edges joined.
  for (const line of t.server.printRoutes().split('\n')) {
    const m = /^((?:[│ ] {3})*)[└├]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1].length / 4;
    stack.push(m[2]);
    const path = stack.join('');
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      out.push(keyOf(method, path));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  t = await buildTestApp();
  fx.coopA = await createCooperative(t.app, { name: `合作社A-${uid()}` });
  fx.coopB = await createCooperative(t.app, { name: `合作社B-${uid()}` });
  const facility = async (operatorCooperativeId?: string) => {
    const res = await send(t.app, {
      method: 'POST',
      url: '/api/v1/storage-facilities',
      payload: { name: `冷库-${uid()}`, townCode: TOWNS.yanya, kind: 'cold', ...(operatorCooperativeId ? { operatorCooperativeId } : {}) },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  fx.facilityA = await facility(fx.coopA);
  fx.facilityB = await facility(fx.coopB);
  fx.facilityCounty = await facility();
  fx.project = await createProject(t.app);
  const briefing = await send(t.app, {
    method: 'POST',
    url: '/api/v1/briefings',
    payload: { projectIds: [fx.project], problems: '无', nextSteps: '无', recipients: {} },
  });
  expect(briefing.status).toBe(201);
  fx.briefing = briefing.body.id;
  const a = pickup(fx.coopA, { carrierCode: 'ems' });
  const b = pickup(fx.coopB, { carrierCode: 'sf' });
  for (const p of [a, b]) expect((await send(t.app, { method: 'POST', url: '/api/v1/pickups', payload: p })).status).toBe(201);
  fx.pickupA = a.id as string;
  fx.pickupB = b.id as string;
  // Stock in B's and the county's store, so taking some out would succeed but for whose store it is.
  for (const f of [fx.facilityB, fx.facilityCounty])
    expect((await send(t.app, { method: 'POST', url: '/api/v1/storage-movements', payload: { ...movement(f), weightKg: 100 } })).status).toBe(201);
  // The network records the PATCH and read cells work on.
  const v = await send(t.app, { method: 'POST', url: '/api/v1/villages', payload: freshVillage() });
  expect(v.status).toBe(201);
  fx.village = v.body.id;
  fx.villageCode = v.body.code;
  const sp = await send(t.app, { method: 'POST', url: '/api/v1/service-points', payload: freshStation() });
  expect(sp.status, JSON.stringify(sp.body)).toBe(201);
  fx.servicePoint = sp.body.id;
  fx.loginUser = `login-${uid()}`;
  await createUser({ ctx: t.ctx, input: { username: fx.loginUser, displayName: '登录用户', password: PASSWORD, role: 'official' } });
  clients = {
    none: t.server,
    admin: t.app,
    official: await t.as('official'),
    coopA: await t.as('cooperative', fx.coopA),
    carrier: await t.as('carrier', 'ems'),
  };
  controls = { admin: t.app, coopB: await t.as('cooperative', fx.coopB), sf: await t.as('carrier', 'sf') };
});
afterAll(() => t?.close());

describe('the matrix covers every route', () => {
  const tableKeys = ROWS.map((r) => keyOf(r.method, r.route));

  it('has one row per route', () => {
    expect(new Set(tableKeys).size).toBe(tableKeys.length);
  });

  it('has a row for every operation in the OpenAPI document, and only public pages and websockets besides', async () => {
    const doc = (await send(t.server, { method: 'GET', url: '/api/v1/openapi.json' })).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => keyOf(method, path.replace(/\{(\w+)\}/g, ':$1'))));
    expect(documented.length).toBeGreaterThan(25);
    expect(tableKeys).toEqual(expect.arrayContaining(documented));
    const undocumented = ROWS.filter((r) => !documented.includes(keyOf(r.method, r.route)));
    // Hidden from the document: the public pages, and websockets (which OpenAPI does not describe).
    expect(undocumented.every((r) => r.permission === 'public' || r.websocket)).toBe(true);
    expect(undocumented.map((r) => keyOf(r.method, r.route)).sort()).toEqual(
      [
        'GET /api/v1/live',
        'GET /',
        'GET /api/v1/openapi.json',
        'GET /api/v1/docs',
        'GET /api/v1/docs/json',
        'GET /api/v1/docs/yaml',
        'GET /api/v1/docs/static/index.html',
        'GET /api/v1/docs/static/swagger-initializer.js',
        'GET /api/v1/docs/static/*',
      ].sort(),
    );
  });

  it('has a row for every route the app serves (HEAD mirrors GET and is checked below)', () => {
    for (const r of ROWS)
      expect({ key: keyOf(r.method, r.route), served: t.server.hasRoute({ method: r.method, url: r.route }) }).toEqual({
        key: keyOf(r.method, r.route),
        served: true,
      });
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(ROWS.length);
    expect(served.filter((k) => !k.startsWith('HEAD ')).sort()).toEqual([...tableKeys].sort());
    expect(
      served
        .filter((k) => k.startsWith('HEAD '))
        .map((k) => k.replace(/^HEAD/, 'GET'))
        .sort(),
    ).toEqual(tableKeys.filter((k) => k.startsWith('GET ')).sort());
  });

  // What each route declared when it was registered (server/http/plugins/auth.ts records it).
  const DOMAIN = fileURLToPath(new URL('../../server/domain', import.meta.url));
  const declared = () => t.server.routeRules.filter((r) => r.method !== 'HEAD' && !PUBLIC_PREFIXES.some((p) => r.url.startsWith(p)));

  it('finds every route declaring a permission of the table or public, and the one its row names', () => {
    // (The docs pages, registered by @fastify/swagger-ui, cannot declare; the auth plugin opens them by prefix.)
    const rules = declared();
    expect(rules.length).toBe(ROWS.filter((r) => !PUBLIC_PREFIXES.some((p) => r.route.startsWith(p))).length);
    for (const { method, url, rule } of rules) {
      const row = ROWS.find((r) => keyOf(r.method, r.route) === keyOf(method, url));
      expect({ route: keyOf(method, url), rule }).toEqual({ route: keyOf(method, url), rule: row?.permission ?? 'a row' });
    }
  });

  it('uses every permission of the table, in a route or a verb (no dead entries)', () => {
    const inRoutes = new Set(declared().map((r) => r.rule));
    const verbs = readdirSync(DOMAIN, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && f !== 'access.ts')
      .map((f) => readFileSync(join(DOMAIN, f), 'utf8'))
      .join('\n');
    const unused = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => !inRoutes.has(p) && !verbs.includes(`'${p}'`));
    expect(unused).toEqual([]);
  });
});

describe.each(ROWS)('$method $route', (row) => {
  it.each(PRINCIPALS)(`as %s`, async (who) => {
    const expected = expectedStatus(row, who);
    const req = await row.request(who);
    const before = await snapshot();
    const res = row.websocket ? await openSocket(who, req.url) : await send(clients[who], req);
    const after = await snapshot();
    expect({ who, status: res.status, body: res.status === expected ? undefined : res.body }).toEqual({ who, status: expected, body: undefined });
    // (A refused websocket upgrade's body is not readable through the client.)
    if (expected === 401 && !row.websocket) expectError(res, 401, 'UNAUTHORIZED');
    if (expected === 403 && !row.websocket) expectError(res, 403, 'FORBIDDEN');
    if (expected >= 400) {
      // Refused: nothing at all was written.
      expect(after).toEqual(before);
    } else {
      row.check?.(res, who);
      if (row.writes) expect(after).not.toEqual(before);
      else if (req.method === 'GET') expect(after).toEqual(before);
    }
  });

  if (row.method === 'GET' && !row.websocket)
    it.each(PRINCIPALS)('HEAD as %s', async (who) => {
      const req = await row.request(who);
      const res = await clients[who].inject({ method: 'HEAD', url: req.url });
      expect(res.statusCode).toBe(expectedStatus(row, who));
      expect(res.body).toBe('');
    });
});

// ---------------------------------------------------------------------------------------------

describe('scope: what a caller may touch of the data', () => {
  /**
   * A refused request, and the caller for whom the very same request succeeds (the rightful
   * owner, or an admin): so the refusal is down to scope, not to anything wrong with the request.
   */
  type Case = { name: string; who: Principal; request: () => Req | Promise<Req>; expect: (res: Res) => void; control: Control; controlStatus: number };
  const forbidden = (path: string) => (res: Res) => {
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error.issues).toEqual([{ path, message: expect.any(String) }]);
  };
  const invalidItem = (path: string) => (res: Res) => {
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    expect(res.body.results[0]).toMatchObject({ index: 0, status: 'invalid', error: { code: 'FORBIDDEN', issues: [{ path, message: expect.any(String) }] } });
    expect(res.body.results[0].pickup).toBeUndefined();
    expect(res.body.results[0].volume).toBeUndefined();
    expect(res.body.summary).toMatchObject({ invalid: 1 });
  };
  const officialRefused = (res: Res) => expectError(res, 403, 'FORBIDDEN');
  const freshPickupOfB = async () => {
    const p = pickup(fx.coopB, { carrierCode: 'sf' });
    expect((await send(clients.admin, { method: 'POST', url: '/api/v1/pickups', payload: p })).status).toBe(201);
    return p.id as string;
  };

  const CASES: Case[] = [
    {
      name: 'cooperative A records a pickup for cooperative B',
      who: 'coopA',
      control: 'coopB',
      controlStatus: 201,
      request: () => ({ method: 'POST', url: '/api/v1/pickups', payload: pickup(fx.coopB) }),
      expect: forbidden('cooperativeId'),
    },
    {
      name: 'cooperative A records a packaging run for cooperative B',
      who: 'coopA',
      control: 'coopB',
      controlStatus: 201,
      request: () => ({ method: 'POST', url: '/api/v1/packaging-runs', payload: packagingRun(fx.coopB) }),
      expect: forbidden('cooperativeId'),
    },
    {
      name: 'cooperative A sends a batch item for cooperative B',
      who: 'coopA',
      control: 'coopB',
      controlStatus: 200,
      request: () => ({ method: 'POST', url: '/api/v1/pickups/batch', payload: { items: [pickup(fx.coopB)] } }),
      expect: invalidItem('items.0.cooperativeId'),
    },
    {
      name: "cooperative A imports a file with cooperative B's pickup",
      who: 'coopA',
      control: 'coopB',
      controlStatus: 200,
      request: () => pickupFile(fx.coopB),
      expect: (res) => {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
        expect(res.body.rowErrors).toEqual([{ row: 2, field: 'cooperativeId', message: expect.any(String) }]);
      },
    },
    {
      name: "cooperative A voids cooperative B's pickup (as if it did not exist)",
      who: 'coopA',
      control: 'coopB',
      controlStatus: 200,
      request: async () => ({ method: 'POST', url: `/api/v1/pickups/${await freshPickupOfB()}/void`, payload: { reason: '不是我们的' } }),
      expect: (res) => expectError(res, 404, 'NOT_FOUND'),
    },
    {
      name: 'cooperative A moves fruit into a store run by B',
      who: 'coopA',
      control: 'coopB',
      controlStatus: 201,
      request: () => ({ method: 'POST', url: '/api/v1/storage-movements', payload: movement(fx.facilityB) }),
      expect: forbidden('facilityId'),
    },
    {
      name: "cooperative A voids cooperative B's packaging run (as if it did not exist)",
      who: 'coopA',
      control: 'coopB',
      controlStatus: 200,
      request: async () => {
        const run = packagingRun(fx.coopB);
        expect((await send(clients.admin, { method: 'POST', url: '/api/v1/packaging-runs', payload: run })).status).toBe(201);
        return { method: 'POST', url: `/api/v1/packaging-runs/${run.id}/void`, payload: { reason: '不是我们的' } };
      },
      expect: (res) => expectError(res, 404, 'NOT_FOUND'),
    },
    {
      name: 'cooperative A voids a movement in a store run by B (as if it did not exist)',
      who: 'coopA',
      control: 'coopB',
      controlStatus: 200,
      request: async () => {
        const m = movement(fx.facilityB);
        expect((await send(clients.admin, { method: 'POST', url: '/api/v1/storage-movements', payload: m })).status).toBe(201);
        return { method: 'POST', url: `/api/v1/storage-movements/${m.id}/void`, payload: { reason: '不是我们的' } };
      },
      expect: (res) => expectError(res, 404, 'NOT_FOUND'),
    },
    {
      name: 'cooperative A takes fruit out of a store run by B',
      who: 'coopA',
      control: 'coopB',
      controlStatus: 201,
      request: () => ({ method: 'POST', url: '/api/v1/storage-movements', payload: movement(fx.facilityB, 'out') }),
      expect: forbidden('facilityId'),
    },
    {
      name: 'cooperative A moves fruit into a store run by no cooperative',
      who: 'coopA',
      control: 'admin',
      controlStatus: 201,
      request: () => ({ method: 'POST', url: '/api/v1/storage-movements', payload: movement(fx.facilityCounty) }),
      expect: forbidden('facilityId'),
    },
    {
      name: "carrier ems reports sf's figure",
      who: 'carrier',
      control: 'sf',
      controlStatus: 200,
      request: () => ({ method: 'PUT', url: cellUrl('sf'), payload: { parcels: 1000 + ++counter } }),
      expect: forbidden('carrierCode'),
    },
    {
      name: 'carrier ems sends a batch item for sf',
      who: 'carrier',
      control: 'sf',
      controlStatus: 200,
      request: () => ({ method: 'POST', url: '/api/v1/carrier-volumes/batch', payload: { items: [volume('sf')] } }),
      expect: invalidItem('items.0.carrierCode'),
    },
    {
      name: "carrier ems imports a file of sf's figures",
      who: 'carrier',
      control: 'sf',
      controlStatus: 200,
      request: () => ({ method: 'POST', url: '/api/v1/carrier-volumes/import', payload: carrierImport('sf') }),
      expect: (res) => {
        expect(res.status).toBe(400);
        expect(res.body.rowErrors).toEqual([{ row: 2, field: 'carrierCode', message: expect.any(String) }]);
      },
    },
    {
      name: "carrier ems reads sf's figures for a day",
      who: 'carrier',
      control: 'admin',
      controlStatus: 200,
      request: get(`/api/v1/carrier-volumes?date=${CELL_DATE}&carrierCode=sf`),
      expect: forbidden('carrierCode'),
    },
    {
      name: "carrier ems reads the revisions of sf's cell",
      who: 'carrier',
      control: 'sf',
      controlStatus: 200,
      request: get(`${cellUrl('sf')}/history`),
      expect: forbidden('carrierCode'),
    },
    // A cooperative records pickups in its own cooperative's town only, however it sends them.
    {
      name: 'cooperative A records a pickup in another town',
      who: 'coopA',
      control: 'admin',
      controlStatus: 201,
      request: () => ({ method: 'POST', url: '/api/v1/pickups', payload: pickup(fx.coopA, { townCode: TOWNS.dongli }) }),
      expect: forbidden('townCode'),
    },
    {
      name: 'cooperative A sends a batch item in another town',
      who: 'coopA',
      control: 'admin',
      controlStatus: 200,
      request: () => ({ method: 'POST', url: '/api/v1/pickups/batch', payload: { items: [pickup(fx.coopA, { townCode: TOWNS.dongli })] } }),
      expect: invalidItem('items.0.townCode'),
    },
    {
      name: 'cooperative A imports a file with a pickup in another town',
      who: 'coopA',
      control: 'admin',
      controlStatus: 200,
      request: () => pickupFile(fx.coopA, { townCode: TOWNS.dongli }),
      expect: (res) => {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
        expect(res.body.rowErrors).toEqual([{ row: 2, field: 'townCode', message: expect.any(String) }]);
      },
    },
    // An official watches; it writes nothing to the ledger. Every ledger write route of the matrix,
    // with the request the matrix sends there (which succeeds for an admin).
    ...LEDGER_WRITES.map((row) => ({
      name: `official ${row.method} ${row.route}`,
      who: 'official' as const,
      control: 'admin' as const,
      controlStatus: row.status,
      request: () => row.request('official'),
      expect: officialRefused,
    })),
    // Nor does it change the network's register or the coverage targets: the administrators keep them.
    ...NETWORK_WRITES.map((row) => ({
      name: `official ${row.method} ${row.route}`,
      who: 'official' as const,
      control: 'admin' as const,
      controlStatus: row.status,
      request: () => row.request('official'),
      expect: officialRefused,
    })),
  ];

  it('has an official case for each of the ledger write routes', () => {
    expect(LEDGER_WRITES.map((r) => keyOf(r.method, r.route)).sort()).toEqual(
      [
        'POST /api/v1/pickups',
        'POST /api/v1/pickups/batch',
        'POST /api/v1/pickups/import',
        'POST /api/v1/pickups/:id/void',
        'POST /api/v1/packaging-runs',
        'POST /api/v1/storage-movements',
        'PUT /api/v1/carrier-volumes/:carrierCode/:townCode/:productCode/:date',
        'POST /api/v1/carrier-volumes/batch',
        'POST /api/v1/carrier-volumes/import',
        'POST /api/v1/packaging-runs/:id/void',
        'POST /api/v1/storage-movements/:id/void',
      ].sort(),
    );
  });

  it('has an official case for each of the seven network write routes, all admin-only', () => {
    expect(NETWORK_WRITES.map((r) => keyOf(r.method, r.route)).sort()).toEqual(
      [
        'POST /api/v1/villages',
        'POST /api/v1/villages/import',
        'PATCH /api/v1/villages/:id',
        'POST /api/v1/service-points',
        'POST /api/v1/service-points/import',
        'PATCH /api/v1/service-points/:id',
        'PUT /api/v1/coverage/targets',
      ].sort(),
    );
    expect(NETWORK_WRITES.every((r) => rolesOf(r) !== 'public' && (rolesOf(r) as readonly Role[]).join() === 'admin' && r.writes)).toBe(true);
  });

  it.each(CASES)('$name: refused, nothing changes; the same request succeeds for $control', async (c) => {
    const req = await c.request();
    c.expect(await sendUnchanged(clients[c.who], req));
    const control = await send(controls[c.control], req);
    expect({ status: control.status, body: control.status === c.controlStatus ? undefined : control.body }).toEqual({
      status: c.controlStatus,
      body: undefined,
    });
    if (control.body?.summary && 'invalid' in control.body.summary) expect(control.body.summary.invalid).toBe(0);
    if (control.body?.importId !== undefined)
      expect(control.body).toMatchObject({ ok: true, summary: 'created' in control.body.summary ? { created: 1 } : { cells: 1 } });
    if (req.url.endsWith('/void')) expect(control.body.voided).toBe(true);
  });

  it('takes the in-scope items of a mixed batch and refuses the rest item by item', async () => {
    const mine = pickup(fx.coopA);
    const theirs = pickup(fx.coopB);
    const res = await send(clients.coopA, { method: 'POST', url: '/api/v1/pickups/batch', payload: { items: [mine, theirs] } });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['created', 'invalid']);
    expect(res.body.results[1].error.code).toBe('FORBIDDEN');
    expect((await send(t.app, { method: 'GET', url: `/api/v1/pickups/${mine.id}` })).status).toBe(200);
    expectError(await send(t.app, { method: 'GET', url: `/api/v1/pickups/${theirs.id}` }), 404, 'NOT_FOUND');
  });

  it("does not show cooperative B's pickup to cooperative A through a batch that reuses its id", async () => {
    const res = await sendUnchanged(clients.coopA, {
      method: 'POST',
      url: '/api/v1/pickups/batch',
      payload: { items: [pickup(fx.coopA, { id: fx.pickupB })] },
    });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ index: 0, id: fx.pickupB, status: 'conflict' });
    expect(res.body.results[0].pickup).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain(fx.coopB);
  });

  it("answers 404 to cooperative A asking for B's pickup, and to ems asking for an sf pickup", async () => {
    expectError(await send(clients.coopA, { method: 'GET', url: `/api/v1/pickups/${fx.pickupB}` }), 404, 'NOT_FOUND');
    expectError(await send(clients.carrier, { method: 'GET', url: `/api/v1/pickups/${fx.pickupB}` }), 404, 'NOT_FOUND');
    // …while the county sees it, so the 404 is the scope and not a missing record.
    expect((await send(clients.official, { method: 'GET', url: `/api/v1/pickups/${fx.pickupB}` })).status).toBe(200);
  });

  describe('listing pickups', () => {
    const town = TOWNS.shiqiao; // only these pickups are logged in this town
    let logged: Record<'aEms' | 'aSf' | 'bEms' | 'bSf', Record<string, unknown>>;
    beforeAll(async () => {
      logged = {
        aEms: pickup(fx.coopA, { townCode: town, carrierCode: 'ems' }),
        aSf: pickup(fx.coopA, { townCode: town, carrierCode: 'sf' }),
        bEms: pickup(fx.coopB, { townCode: town, carrierCode: 'ems' }),
        bSf: pickup(fx.coopB, { townCode: town, carrierCode: 'sf' }),
      };
      const res = await send(t.app, { method: 'POST', url: '/api/v1/pickups/batch', payload: { items: Object.values(logged) } });
      expect(res.body.summary.created).toBe(4);
    });
    const list = async (who: Principal, query = '') => {
      const res = await send(clients[who], { method: 'GET', url: `/api/v1/pickups?townCode=${town}&limit=500${query}` });
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((p) => p.id).sort();
    };
    const ids = (...ps: Record<string, unknown>[]) => ps.map((p) => p.id as string).sort();

    it("shows cooperative A only A's pickups, even when it filters for B", async () => {
      expect(await list('coopA')).toEqual(ids(logged.aEms, logged.aSf));
      expect(await list('coopA', `&cooperativeId=${fx.coopB}`)).toEqual([]);
      const all = await send(clients.coopA, { method: 'GET', url: '/api/v1/pickups?limit=500' });
      expect(all.body.items.length).toBeGreaterThan(0);
      expect(all.body.items.every((p: any) => p.cooperativeId === fx.coopA)).toBe(true);
    });

    it('shows carrier ems only the pickups handed to ems, even when it filters for sf', async () => {
      expect(await list('carrier')).toEqual(ids(logged.aEms, logged.bEms));
      expect(await list('carrier', '&carrierCode=sf')).toEqual([]);
      const all = await send(clients.carrier, { method: 'GET', url: '/api/v1/pickups?limit=500' });
      expect(all.body.items.every((p: any) => p.carrierCode === 'ems')).toBe(true);
    });

    it('shows the county every pickup', async () => {
      const everything = ids(logged.aEms, logged.aSf, logged.bEms, logged.bSf);
      expect(await list('admin')).toEqual(everything);
      expect(await list('official')).toEqual(everything);
    });
  });

  describe("reconciliation: carriers' figures by town and day", () => {
    const town = TOWNS.dongli; // only these cells are flagged in this town
    const date = '2026-11-12';
    beforeAll(async () => {
      const items = ['ems', 'sf'].map((carrierCode) => pickup(fx.coopA, { townCode: town, carrierCode, parcels: 50, pickedUpAt: `${date}T02:00:00Z` }));
      expect((await send(t.app, { method: 'POST', url: '/api/v1/pickups/batch', payload: { items } })).body.summary.created).toBe(2);
      for (const [carrier, parcels] of [
        ['ems', 10],
        ['sf', 20],
      ] as const) {
        const url = `/api/v1/carrier-volumes/${carrier}/${town}/apple/${date}`;
        expect((await send(t.app, { method: 'PUT', url, payload: { parcels } })).status).toBe(200);
      }
    });
    const cells = async (client: Injector) => {
      const res = await send(client, { method: 'GET', url: `/api/v1/reconciliation?projectId=${fx.project}` });
      expect(res.status).toBe(200);
      return (res.body.items as { date: string; townCode: string; carrierCode: string; reportedParcels: number }[]).filter(
        (c) => c.date === date && c.townCode === town,
      );
    };
    const flagged = (carrierCode: string, reportedParcels: number) => ({
      date,
      townCode: town,
      carrierCode,
      productCode: 'apple',
      loggedParcels: 50,
      reportedParcels,
      difference: 50 - reportedParcels,
    });

    it("shows the county every carrier's cells", async () => {
      expect(await cells(clients.admin)).toEqual([flagged('ems', 10), flagged('sf', 20)]);
      expect(await cells(clients.official)).toEqual([flagged('ems', 10), flagged('sf', 20)]);
    });

    it("shows a carrier only its own carrier's cells, never another's", async () => {
      expect(await cells(clients.carrier)).toEqual([flagged('ems', 10)]);
      expect(await cells(controls.sf)).toEqual([flagged('sf', 20)]);
      const all = await send(clients.carrier, { method: 'GET', url: `/api/v1/reconciliation?projectId=${fx.project}` });
      expect(all.body.items.length).toBeGreaterThan(0);
      expect(all.body.items.every((c: any) => c.carrierCode === 'ems')).toBe(true);
    });

    it("refuses a cooperative the carriers' figures, the cells of a day and their revisions", async () => {
      expectError(await sendUnchanged(clients.coopA, { method: 'GET', url: `/api/v1/reconciliation?projectId=${fx.project}` }), 403, 'FORBIDDEN');
      expectError(await sendUnchanged(clients.coopA, { method: 'GET', url: `/api/v1/carrier-volumes?date=${date}` }), 403, 'FORBIDDEN');
      expectError(await sendUnchanged(clients.coopA, { method: 'GET', url: `/api/v1/carrier-volumes/ems/${town}/apple/${date}/history` }), 403, 'FORBIDDEN');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('credentials', () => {
  const write = () => ({ method: 'POST' as const, url: '/api/v1/pickups', payload: pickup(fx.coopA) });

  it('answers 401 in the standard shape to unknown, revoked and malformed Authorization headers, writing nothing', async () => {
    const revoked = await t.as('cooperative', fx.coopA);
    expect((await send(revoked, write())).status).toBe(201);
    expect((await send(t.app, { method: 'POST', url: `/api/v1/tokens/${revoked.tokenId}/revoke` })).status).toBe(200);
    const valid = (clients.coopA as Injector & { token: string }).token;
    const headers = [
      `Bearer ${revoked.token}`,
      `Bearer gyt_${'x'.repeat(43)}`,
      'Bearer',
      'Bearer ',
      `Bearer ${valid} extra`,
      `Basic ${Buffer.from('admin:password').toString('base64')}`,
      `Token ${valid}`,
      valid,
      '',
    ];
    for (const authorization of headers) {
      const res = await sendUnchanged(t.server, { ...write(), headers: { authorization } });
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expectError(res, 401, 'UNAUTHORIZED');
      expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
      const read = await send(t.server, { method: 'GET', url: '/api/v1/pickups', headers: { authorization } });
      expectError(read, 401, 'UNAUTHORIZED');
    }
  });

  describe('session cookies', () => {
    let username: string;
    let userId: string;
    const login = async () => {
      const res = await send(t.server, { method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
      expect(res.status).toBe(200);
      const cookie = res.raw!.cookies.find((c) => c.name === 'gy_session');
      expect(cookie?.httpOnly).toBe(true);
      expect(res.body.csrfToken).toEqual(expect.any(String));
      return { cookie: `gy_session=${cookie!.value}`, csrf: res.body.csrfToken as string, secret: cookie!.value };
    };

    beforeAll(async () => {
      username = `coop-a-${uid()}`;
      const res = await send(clients.admin, {
        method: 'POST',
        url: '/api/v1/users',
        payload: { username, displayName: '合作社A 录入员', password: PASSWORD, role: 'cooperative', organization: fx.coopA },
      });
      expect(res.status).toBe(201);
      userId = res.body.id;
    });

    it('reads with the cookie alone, but writes only with the x-csrf-token header of that session', async () => {
      const s = await login();
      const me = await send(t.server, { method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ kind: 'user', username, role: 'cooperative', cooperativeId: fx.coopA, csrfToken: s.csrf });

      const other = await login(); // another session of the same user: its CSRF token is not this one's
      const missingOrWrong: Record<string, string>[] = [
        {},
        { 'x-csrf-token': '' },
        { 'x-csrf-token': 'wrong' },
        { 'x-csrf-token': other.csrf },
        { 'x-csrf-token': s.secret },
      ];
      for (const headers of missingOrWrong) {
        for (const req of [
          write(),
          { method: 'POST' as const, url: '/api/v1/pickups/batch', payload: { items: [pickup(fx.coopA)] } },
          { method: 'POST' as const, url: `/api/v1/pickups/${fx.pickupA}/void`, payload: { reason: '跨站请求' } },
          { method: 'POST' as const, url: '/api/v1/packaging-runs', payload: packagingRun(fx.coopA) },
          { method: 'POST' as const, url: '/api/v1/storage-movements', payload: movement(fx.facilityA) },
          { method: 'POST' as const, url: '/api/v1/auth/logout' },
        ]) {
          const res = await sendUnchanged(t.server, { ...req, headers: { cookie: s.cookie, ...headers } });
          expect({ url: req.url, headers, status: res.status }).toEqual({ url: req.url, headers, status: 403 });
          expectError(res, 403, 'FORBIDDEN');
        }
      }

      const p = pickup(fx.coopA);
      const ok = await send(t.server, { method: 'POST', url: '/api/v1/pickups', payload: p, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
      expect(ok.status).toBe(201);
      expect(ok.body.recordedBy).toBe(`user:${username}`);
      const voided = await send(t.server, {
        method: 'POST',
        url: `/api/v1/pickups/${p.id}/void`,
        payload: { reason: '录错了' },
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      });
      expect(voided.status).toBe(200);
      expect(voided.body.voided).toBe(true);
    });

    it("applies the user's role and scope to cookie writes as to tokens", async () => {
      const s = await login();
      const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
      expectError(await sendUnchanged(t.server, { ...write(), payload: pickup(fx.coopB), headers }), 403, 'FORBIDDEN');
      expectError(
        await sendUnchanged(t.server, { method: 'POST', url: '/api/v1/cooperatives', payload: { name: `合作社-${uid()}`, townCode: TOWNS.yanya }, headers }),
        403,
        'FORBIDDEN',
      );
    });

    it('a bad Authorization header is not rescued by a good cookie', async () => {
      const s = await login();
      const res = await sendUnchanged(t.server, { ...write(), headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, authorization: 'Bearer nope' } });
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('ends the session on logout (with the header), and on disabling the user', async () => {
      const s = await login();
      expect((await send(t.server, { method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).status).toBe(204);
      expectError(await send(t.server, { method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } }), 401, 'UNAUTHORIZED');
      expectError(await sendUnchanged(t.server, { ...write(), headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } }), 401, 'UNAUTHORIZED');

      const s2 = await login();
      expect((await send(clients.admin, { method: 'POST', url: `/api/v1/users/${userId}/disable` })).status).toBe(200);
      try {
        expectError(await sendUnchanged(t.server, { ...write(), headers: { cookie: s2.cookie, 'x-csrf-token': s2.csrf } }), 401, 'UNAUTHORIZED');
        expectError(await send(t.server, { method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s2.cookie } }), 401, 'UNAUTHORIZED');
      } finally {
        expect((await send(clients.admin, { method: 'POST', url: `/api/v1/users/${userId}/enable` })).status).toBe(200);
      }
    });

    it('answers 401 to an unknown cookie', async () => {
      expectError(await sendUnchanged(t.server, { ...write(), headers: { cookie: 'gy_session=gys_forged', 'x-csrf-token': 'x' } }), 401, 'UNAUTHORIZED');
    });
  });
});

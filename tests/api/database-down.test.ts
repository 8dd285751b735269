import postgres from 'postgres';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { createDb, type DbHandle } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../db/connection-loss.ts';
import { LiveServerMessage } from '../../server/contracts/live.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildApp } from '../../server/http/app.ts';
import { toHttpError } from '../../server/http/plugins/errors.ts';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post } from '../helpers/factories.ts';
import { freePort } from '../helpers/processes.ts';

// What a client sees while PostgreSQL is unreachable: a quick 503 with Retry-After, never a
// 500 or a hang, and the same request succeeding once the database is back. (Restarting
// PostgreSQL itself is left to tests/faults, which runs alone.)

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('which errors mean "the database is unavailable"', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    [
      'a refused dual-stack connect (AggregateError)',
      Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: undefined }),
    ],
    ['a reset socket', withCode('ECONNRESET')],
    ['a connect timeout', withCode('CONNECT_TIMEOUT')],
    ['a connection closed under a query', withCode('CONNECTION_CLOSED')],
    ['a pool already ended', withCode('CONNECTION_ENDED')],
    ['a destroyed connection', withCode('CONNECTION_DESTROYED')],
    ['a server shut down in fast mode (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['any of these wrapped by drizzle', new DrizzleQueryError('select 1', [], withCode('CONNECTION_CLOSED'))],
    ['a wrapped AggregateError', new DrizzleQueryError('select 1', [], new AggregateError([withCode('ECONNREFUSED')]))],
  ])('%s → 503 DB_UNAVAILABLE', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toHttpError(error)).toEqual({ status: 503, body: { error: { code: 'DB_UNAVAILABLE', message: expect.any(String) } } });
  });

  it.each([
    ['a unique violation', withCode('23505'), 409],
    ['a wrapped invalid value', new DrizzleQueryError('select 1', [], withCode('22P02')), 400],
    ['a statement cancelled by its timeout (57014): a slow query, not an outage', withCode('57014'), 500],
    ['a plain bug', new TypeError('undefined is not a function'), 500],
  ])('%s is not taken for an outage', (_, error, status) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toHttpError(error).status).toBe(status);
  });
});

describe('an app whose PostgreSQL server has gone away', () => {
  let down: FastifyInstance;
  let handle: DbHandle;

  beforeAll(async () => {
    // Nothing listens on a port just freed: every connection is refused, as while PostgreSQL restarts.
    handle = await createDb({ databaseUrl: `postgres://guoyun@127.0.0.1:${await freePort()}/guoyun`, poolMax: 2 });
    down = await buildApp({
      config: { bodyLimitBytes: 1 << 20, logLevel: 'silent', sessionHours: 1, cookieSecure: false },
      handle,
      reference: t.ctx.reference,
      live: false,
    });
    await down.ready();
  });
  afterAll(async () => {
    await down?.close();
    await handle?.close();
  });

  async function timed(request: InjectOptions) {
    const started = performance.now();
    const res = await down.inject(request);
    return { res, ms: performance.now() - started };
  }

  it('answers health with 503 "degraded" at once', async () => {
    const { res, ms } = await timed({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', database: 'postgres' });
    expect(res.headers['retry-after']).toBe('2');
    expect(ms).toBeLessThan(2000);
  });

  it('answers a login, a token-authenticated read and a write with 503 DB_UNAVAILABLE and Retry-After, quickly', async () => {
    const requests = [
      { method: 'POST' as const, url: '/api/v1/auth/login', payload: { username: 'admin', password: 'whatever-long-enough' } },
      { method: 'GET' as const, url: '/api/v1/projects', headers: { authorization: 'Bearer gyt_abcdefghijklmnopqrstuvwxyz' } },
      {
        method: 'POST' as const,
        url: '/api/v1/pickups',
        headers: { authorization: 'Bearer gyt_abcdefghijklmnopqrstuvwxyz' },
        payload: pickup('7d0c2f52-8a43-4a8e-9d7c-2f2b8a6e0a11'),
      },
    ];
    for (const request of requests) {
      const { res, ms } = await timed(request);
      expectError({ status: res.statusCode, body: res.json() }, 503, 'DB_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('2');
      // No SQL, no driver message, no address in the answer.
      expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|select/i);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('keeps answering quickly however long the outage lasts (reconnect waits stay short)', async () => {
    // postgres.js's own reconnect wait grows with each failure, to 20 s: by the eighth request
    // or so each one would wait seconds before failing.
    for (let i = 0; i < 15; i++) {
      const { res, ms } = await timed({ method: 'GET', url: '/api/v1/projects', headers: { authorization: 'Bearer gyt_abcdefghijklmnopqrstuvwxyz' } });
      expect(res.statusCode).toBe(503);
      expect(ms).toBeLessThan(1500);
    }
  });
});

describe.skipIf(!inject('databaseUrl'))('PostgreSQL sessions cut off under the app', () => {
  let admin: postgres.Sql;
  beforeAll(() => {
    admin = postgres(t.db.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(() => admin?.end());

  /** How many of the app's pool connections these tests have killed. */
  let killedConnections = 0;
  /** Backends of the app's own pool (postgres.js names them 'guoyun') in this test's database. */
  const appBackends = (where: postgres.PendingQuery<postgres.Row[]>) =>
    admin`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'guoyun' AND ${where}`;

  it('a batch killed mid-statement answers 503, leaves nothing behind, and the same request then succeeds', async () => {
    const coop = await createCooperative(t.app);
    const writer = await t.as('cooperative', coop);
    const cell = { townCode: TOWNS.yanya, carrierCode: 'ems', pickedUpAt: '2026-11-12T02:00:00Z' };
    expect((await post(writer, '/api/v1/pickups', pickup(coop, { ...cell, parcels: 5 }))).status).toBe(201);
    const batch = { items: [pickup(coop, { ...cell, parcels: 7 }), pickup(coop, { ...cell, parcels: 11, carrierCode: 'sf' })] };

    // Hold the cell's tally row: the batch inserts its pickups, then waits on the row, mid-statement.
    const locker = postgres(t.db.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const lockerDone = locker.begin(async (tx) => {
      await tx`SELECT 1 FROM volume_cells WHERE product_code = 'apple' AND business_date = '2026-11-12'
               AND town_code = ${TOWNS.yanya} AND carrier_code = 'ems' FOR UPDATE`;
      locked();
      await held;
    });
    await lockTaken;
    const answer = post(writer, '/api/v1/pickups/batch', batch);
    let waiting: postgres.Row[] = [];
    for (let i = 0; i < 200 && !waiting.length; i++) {
      await new Promise((r) => setTimeout(r, 25));
      waiting = await appBackends(admin`wait_event_type = 'Lock'`);
    }
    expect(waiting).toHaveLength(1);
    await admin`SELECT pg_terminate_backend(${waiting[0].pid}::int)`;
    killedConnections++;
    const res = await answer;
    expectError(res, 503, 'DB_UNAVAILABLE');
    release();
    await lockerDone;
    await locker.end();

    const ids = batch.items.map((p) => p.id as string);
    const [{ pickups, audits }] = await admin`
      SELECT (SELECT count(*)::int FROM pickups WHERE id = ANY(${ids}::uuid[])) AS pickups,
             (SELECT count(*)::int FROM audit_log WHERE target_id = ANY(${ids})) AS audits`;
    expect({ pickups, audits }).toEqual({ pickups: 0, audits: 0 });
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);

    // The pool replaced the killed connection by itself; the client's retry counts once.
    const retry = await post(writer, '/api/v1/pickups/batch', batch);
    expect(retry.status).toBe(200);
    expect(retry.body.summary).toEqual({ created: 2, duplicate: 0, conflict: 0, invalid: 0 });
    expect((await post(writer, '/api/v1/pickups/batch', batch)).body.summary).toMatchObject({ created: 0, duplicate: 2 });
    const cellRow = await admin`SELECT logged_parcels::int AS n FROM volume_cells WHERE product_code = 'apple'
      AND business_date = '2026-11-12' AND town_code = ${TOWNS.yanya} AND carrier_code = 'ems'`;
    expect(cellRow[0].n).toBe(12);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('a transaction whose connection is killed midway answers 503 and the process lives on (postgres.js would crash it)', async () => {
    const carrier = await t.as('carrier', 'yto');
    const url = `/api/v1/carrier-volumes/yto/${TOWNS.dongli}/apple/2026-11-13`;
    expect((await post(carrier, url, { parcels: 100 }, 'PUT')).status).toBe(200);

    for (let round = 0; round < 3; round++) {
      // The report's transaction has begun and waits on the cell's row when its backend is killed.
      const locker = postgres(t.db.url!, { max: 1, onnotice: () => {} });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const lockTaken = new Promise<void>((r) => (locked = r));
      const lockerDone = locker.begin(async (tx) => {
        await tx`SELECT 1 FROM volume_cells WHERE product_code = 'apple' AND business_date = '2026-11-13'
                 AND town_code = ${TOWNS.dongli} AND carrier_code = 'yto' FOR UPDATE`;
        locked();
        await held;
      });
      await lockTaken;
      const answer = post(carrier, url, { parcels: 200 + round }, 'PUT');
      let waiting: postgres.Row[] = [];
      for (let i = 0; i < 200 && !waiting.length; i++) {
        await new Promise((r) => setTimeout(r, 25));
        waiting = await appBackends(admin`wait_event_type = 'Lock'`);
      }
      expect(waiting).toHaveLength(1);
      await admin`SELECT pg_terminate_backend(${waiting[0].pid}::int)`;
      killedConnections++;
      expectError(await answer, 503, 'DB_UNAVAILABLE');
      release();
      await lockerDone;
      await locker.end();
      // Give a deferred write on the dead connection its chance to throw (it did, before).
      await new Promise((r) => setTimeout(r, 100));
    }

    const history = (await get(carrier, `${url}/history`)).body;
    expect(history.items.map((i: { parcels: number }) => i.parcels)).toEqual([100]);
    // The pool reconnects by itself. postgres.js hands the first statement on a reconnected
    // connection the killed session's last error (57P01) once more, so the first round of
    // requests may see a 503 per connection killed so far; after that, every connection works.
    const inParallel = (day: number) =>
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(carrier, `/api/v1/carrier-volumes/yto/${TOWNS.dongli}/apple/2026-11-${String(i + 1).padStart(2, '0')}`, { parcels: day }, 'PUT'),
        ),
      );
    const first = await inParallel(7);
    expect(first.filter((r) => r.status !== 200).every((r) => r.status === 503)).toBe(true);
    expect(first.filter((r) => r.status === 503).length).toBeLessThanOrEqual(killedConnections);
    const second = await inParallel(8);
    expect(second.map((r) => r.status)).toEqual(second.map(() => 200));
    expect((await post(carrier, url, { parcels: 250 }, 'PUT')).body).toMatchObject({ parcels: 250, revision: 2, changed: true });
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('the live bus listens again when its connection is killed, and dashboards resync with a fresh snapshot', async () => {
    const projectId = await createProject(t.app, { code: 'bus-resync' });
    const coop = await createCooperative(t.app);
    const writer = await t.as('cooperative', coop);
    await t.server.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.server.server.address() as { port: number }).port;
    const messages: LiveServerMessage[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: { authorization: `Bearer ${(await t.as('official')).token}` } });
    ws.on('message', (data) => messages.push(LiveServerMessage.parse(JSON.parse(String(data)))));
    const count = (type: string) => messages.filter((m) => m.type === type).length;
    try {
      await eventually(() => expect(count('snapshot')).toBe(1));

      const listeners = await admin`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`;
      expect(listeners).toHaveLength(1);
      await admin`SELECT pg_terminate_backend(${listeners[0].pid}::int)`;
      // Notifications sent while it was gone are lost: the hub starts every dashboard over.
      await eventually(() => expect(count('snapshot')).toBe(2), 15_000);
      await eventually(async () =>
        expect(await admin`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`).toHaveLength(1),
      );

      // LISTEN is back: a write reaches the dashboard again through NOTIFY.
      expect((await post(writer, '/api/v1/pickups', pickup(coop, { parcels: 321 }))).status).toBe(201);
      const truth = (await get(t.app, `/api/v1/projects/${projectId}/progress`)).body;
      await eventually(() => {
        const last = messages.filter((m) => m.type === 'progress' && m.projectId === projectId).at(-1);
        expect(last && last.type === 'progress' && last.progress.countedParcels).toBe(truth.countedParcels);
      }, 15_000);
    } finally {
      ws.close();
    }
  });
});

async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

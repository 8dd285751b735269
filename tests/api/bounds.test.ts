import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EARLIEST_DATE, LATEST_DATE } from '../../server/contracts/common.ts';
import { seriesDates, seriesLength } from '../../server/domain/network/coverage-rule.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';

// Every range and count a caller can send is bounded before any work is done. The regression
// this guards: GET /coverage/series?from=9999-12-31&to=9999-12-31&interval=day built dates until
// the process ran out of memory, because the day after 9999-12-31 is "+010000-01-01", which sorts
// below the end date.

const FAR = ['9999-12-31', '0001-01-01', '1949-12-31', '2100-01-01', '275760-09-13'];
const FAR_INSTANTS = ['9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '1949-12-31T23:59:59+08:00', '2100-01-01T00:00:00Z'];

let t: TestApp;
let roles: Record<string, Injector>;
beforeAll(async () => {
  t = await buildTestApp();
  const coopId = (await t.app.inject({ method: 'POST', url: '/api/v1/cooperatives', payload: { name: '边界测试合作社', townCode: '370323109' } })).json().id;
  roles = { admin: t.app, official: await t.as('official'), cooperative: await t.as('cooperative', coopId), carrier: await t.as('carrier', 'ems') };
});
afterAll(() => t?.close());

/** Answers within `ms`, or fails the test instead of hanging it (the bug this file is about hung). */
async function timed(app: Injector, url: string, ms = 5000) {
  const started = performance.now();
  const res = await Promise.race([
    app.inject({ method: 'GET', url }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer to ${url} within ${ms} ms`)), ms)),
  ]);
  return { res, elapsed: performance.now() - started };
}

describe('the coverage series', () => {
  it('refuses far-future and far-past dates for every role, at once', async () => {
    for (const [role, app] of Object.entries(roles)) {
      for (const url of [
        '/api/v1/coverage/series?from=9999-12-31&to=9999-12-31&interval=day',
        '/api/v1/coverage/series?from=0001-01-01&to=9999-12-31&interval=month',
        '/api/v1/coverage/series?to=9999-12-31',
      ]) {
        const { res } = await timed(app, url);
        expect(res.statusCode, `${role} ${url}: ${res.body}`).toBe(400);
        expect(res.json().error.issues[0].message).toContain(`between ${EARLIEST_DATE} and ${LATEST_DATE}`);
      }
    }
  });

  it('counts the points of the widest allowed range before building any', async () => {
    const { res } = await timed(t.app, `/api/v1/coverage/series?from=${EARLIEST_DATE}&to=${LATEST_DATE}&interval=day`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toEqual([{ path: 'from', message: 'the series would have 54787 points; at most 1000' }]);
    const monthly = await timed(t.app, `/api/v1/coverage/series?from=${EARLIEST_DATE}&to=${LATEST_DATE}&interval=month`);
    expect(monthly.res.json().error.issues).toEqual([{ path: 'from', message: 'the series would have 1800 points; at most 1000' }]);
    // The largest series allowed is still served.
    const ok = await timed(t.app, '/api/v1/coverage/series?from=2021-01-01&to=2023-09-27&interval=day');
    expect(ok.res.statusCode).toBe(200);
    expect(ok.res.json().points).toHaveLength(1000);
  });

  it('counts arithmetically what it builds (every length, month and day, across year ends and leap days)', () => {
    const cases: [string, string][] = [
      ['2020-02-28', '2020-03-01'],
      ['2023-12-31', '2024-01-01'],
      ['2021-01-15', '2021-01-31'],
      ['2021-01-31', '2021-01-31'],
      ['2019-11-30', '2021-02-01'],
      [EARLIEST_DATE, '1950-12-31'],
      ['2099-01-01', LATEST_DATE],
      ['2021-03-02', '2021-03-01'],
    ];
    for (const [from, to] of cases) {
      for (const interval of ['day', 'month'] as const) {
        const dates = seriesDates(from, to, interval);
        expect(dates.length, `${from}..${to} ${interval}`).toBe(seriesLength(from, to, interval));
        if (dates.length) expect(dates.at(-1)).toBe(to);
        expect([...dates].sort()).toEqual(dates);
      }
    }
    expect(seriesDates('2021-01-15', '2021-03-10', 'month')).toEqual(['2021-01-31', '2021-02-28', '2021-03-10']);
    expect(() => seriesDates(EARLIEST_DATE, '9999-12-31', 'day')).toThrow(RangeError);
  });
});

type Parameter = { name: string; in: string; schema?: { type?: string; format?: string } };
type Operation = { parameters?: Parameter[] };

describe('every date parameter of every route', () => {
  it('refuses years outside the calendar with a field-level 400, never a 5xx or a hang', async () => {
    const spec = (await t.server.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const checked: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method !== 'get') continue;
        for (const p of op.parameters ?? []) {
          if (p.in !== 'query' || (p.schema?.format !== 'date' && p.schema?.format !== 'date-time')) continue;
          const values = p.schema.format === 'date' ? FAR : FAR_INSTANTS;
          for (const value of values) {
            const url = `${path.replace(/\{id\}/, '00000000-0000-4000-8000-000000000000')}?${p.name}=${encodeURIComponent(value)}`;
            const { res } = await timed(t.app, url);
            expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
            expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
            if (res.statusCode === 400) expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(p.name);
          }
          checked.push(`${path} ${p.name}`);
        }
      }
    }
    // The sweep found the routes it is about (records, reconciliation-free lists, coverage, audit…).
    expect(checked.length).toBeGreaterThanOrEqual(8);
    expect(checked).toContain('/api/v1/coverage/series from');
    expect(checked).toContain('/api/v1/audit from');
  });

  it('refuses a far-future pickup, carrier figure and project period in request bodies', async () => {
    const coop = (await t.app.inject({ method: 'POST', url: '/api/v1/cooperatives', payload: { name: '远期测试合作社', townCode: '370323109' } })).json().id;
    const pickup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pickups',
      payload: {
        id: crypto.randomUUID(),
        cooperativeId: coop,
        townCode: '370323109',
        carrierCode: 'ems',
        productCode: 'apple',
        parcels: 1,
        pickedUpAt: '0001-01-01T00:00:00Z',
      },
    });
    expect(pickup.statusCode).toBe(400);
    expect(pickup.json().error.issues).toEqual([{ path: 'pickedUpAt', message: `must be between ${EARLIEST_DATE} and ${LATEST_DATE}` }]);
    const volume = await t.app.inject({ method: 'PUT', url: '/api/v1/carrier-volumes/ems/370323109/apple/9999-12-31', payload: { parcels: 1 } });
    expect(volume.statusCode).toBe(400);
    const project = await t.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      payload: { code: 'far-future', name: '远期项目', productCode: 'apple', tier: 'gold', targetParcels: 1, startsOn: '9998-01-01', endsOn: '9999-12-31' },
    });
    expect(project.statusCode).toBe(400);
    expect(project.json().error.issues.map((i: { path: string }) => i.path)).toEqual(['startsOn', 'endsOn']);
  });
});

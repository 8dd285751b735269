import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSeasonProjects } from '../../server/domain/projects/ensure-season-projects.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { openDatabase } from '../../server/startup.ts';
import { buildTestApp, TestClock, type TestApp } from '../helpers/test-app.ts';
import { createTestDatabase } from '../helpers/test-db.ts';
import { TOWNS, createCooperative, expectError, get, pickup, post, progress } from '../helpers/factories.ts';

// The clock is 2026-11-29T04:00Z: noon on 2026-11-29 in Shanghai.
let t: TestApp;
let coop: string;

beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
});
afterAll(() => t?.close());

const projectInput = (overrides: Record<string, unknown> = {}) => ({
  code: `p-${randomUUID().slice(0, 8)}`,
  name: '沂源苹果十一月冲刺',
  productCode: 'apple',
  tier: 'gold',
  targetParcels: 1000,
  startsOn: '2026-11-20',
  endsOn: '2026-11-30',
  ...overrides,
});

async function create(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await post(t.app, '/api/v1/projects', projectInput(overrides));
  expect(res.status).toBe(201);
  return res.body.id;
}

async function logPickup(overrides: Record<string, unknown>): Promise<string> {
  const p = pickup(coop, overrides);
  expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
  return p.id as string;
}

const zero = { counted: 0, confirmed: 0, provisional: 0 };

describe('POST /api/v1/projects', () => {
  it('creates a project; the same code and content again answers 200 with the original; other content 409', async () => {
    const input = projectInput({ nameEn: 'Yiyuan apple November push' });
    const first = await post(t.app, '/api/v1/projects', input);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      code: input.code,
      name: input.name,
      nameEn: 'Yiyuan apple November push',
      productCode: 'apple',
      tier: 'gold',
      targetParcels: 1000,
      startsOn: '2026-11-20',
      endsOn: '2026-11-30',
      townCode: null,
      createdAt: expect.any(String),
    });
    const again = await post(t.app, '/api/v1/projects', input);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // The same project sent with the id it was given is still the same project.
    expect((await post(t.app, '/api/v1/projects', { ...input, id: first.body.id })).status).toBe(200);

    for (const change of [{ targetParcels: 1001 }, { endsOn: '2026-12-01' }, { nameEn: undefined }, { townCode: TOWNS.dongli }, { id: randomUUID() }]) {
      expectError(await post(t.app, '/api/v1/projects', { ...input, ...change }), 409, 'CONFLICT');
    }
    // Another code with an id already taken is a conflict too.
    expectError(await post(t.app, '/api/v1/projects', projectInput({ id: first.body.id })), 409, 'CONFLICT');
    const list = await get(t.app, '/api/v1/projects');
    expect(list.body.items.filter((p: any) => p.code === input.code)).toEqual([first.body]);
  });

  it('refuses a period that ends before it starts, or lasts beyond two years', async () => {
    const backwards = await post(t.app, '/api/v1/projects', projectInput({ startsOn: '2026-11-20', endsOn: '2026-11-19' }));
    expectError(backwards, 400, 'VALIDATION');
    expect(backwards.body.error.issues).toEqual([{ path: 'endsOn', message: 'must not be before startsOn' }]);
    expectError(await post(t.app, '/api/v1/projects', projectInput({ startsOn: '2026-01-01', endsOn: '2029-01-01' })), 400, 'VALIDATION');
    // A one-day project is fine.
    expect((await post(t.app, '/api/v1/projects', projectInput({ startsOn: '2026-11-20', endsOn: '2026-11-20' }))).status).toBe(201);
  });

  it('refuses unknown products and towns with the path of each', async () => {
    const res = await post(t.app, '/api/v1/projects', projectInput({ productCode: 'pear', townCode: '370323999' }));
    expectError(res, 400, 'VALIDATION');
    expect(res.body.error.issues.map((i: any) => i.path).sort()).toEqual(['productCode', 'townCode']);
    const malformed = await post(t.app, '/api/v1/projects', projectInput({ townCode: '3703' }));
    expectError(malformed, 400, 'VALIDATION');
    expect(malformed.body.error.issues.map((i: any) => i.path)).toEqual(['townCode']);
  });

  it('refuses bad tiers, targets, codes and unknown fields', async () => {
    for (const bad of [
      { tier: 'platinum' },
      { targetParcels: 0 },
      { targetParcels: 10.5 },
      { targetParcels: '1000' },
      { code: 'Apple 2026' },
      { code: 'a' },
      { name: '   ' },
      { startsOn: '2026-13-01' },
      { colour: 'red' },
    ]) {
      expectError(await post(t.app, '/api/v1/projects', projectInput(bad)), 400, 'VALIDATION');
    }
  });
});

describe('GET /api/v1/projects', () => {
  it('lists projects and finds one by id', async () => {
    const id = await create({ code: 'listed-project' });
    const list = await get(t.app, '/api/v1/projects');
    expect(list.status).toBe(200);
    expect(list.body.items.find((p: any) => p.id === id)).toMatchObject({ code: 'listed-project', productCode: 'apple' });
    const one = await get(t.app, `/api/v1/projects/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(list.body.items.find((p: any) => p.id === id));
  });

  it('answers 404 for an unknown project and 400 for an id that is not a UUID', async () => {
    expectError(await get(t.app, `/api/v1/projects/${randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await get(t.app, `/api/v1/projects/${randomUUID()}/progress`), 404, 'NOT_FOUND');
    expectError(await get(t.app, '/api/v1/projects/apple-2026'), 400, 'VALIDATION');
  });
});

describe('GET /api/v1/projects/{id}/progress', () => {
  // Projects created before the data; others are created after it and must start equal.
  let county: string;
  let town: string;
  let cherry: string;

  beforeAll(async () => {
    county = await create({ code: 'apple-november' });
    town = await create({ code: 'dongli-apple-november', townCode: TOWNS.dongli, tier: 'bronze', targetParcels: 1_000_000 });
    cherry = await create({ code: 'cherry-november', productCode: 'cherry', tier: 'silver' });

    // A: 30 apple parcels, Yanya, EMS, on 11-20.
    await logPickup({ townCode: TOWNS.yanya, carrierCode: 'ems', parcels: 30, pickedUpAt: '2026-11-20T10:00:00+08:00' });
    // B: 50 logged in Dongli for SF on 11-25, which SF reports as 45.
    await logPickup({ townCode: TOWNS.dongli, carrierCode: 'sf', parcels: 50, pickedUpAt: '2026-11-25T09:00:00+08:00' });
    expect((await post(t.app, `/api/v1/carrier-volumes/sf/${TOWNS.dongli}/apple/2026-11-25`, { parcels: 45 }, 'PUT')).status).toBe(200);
    // C: 23:59:59 on 11-19 in Shanghai: before the period.
    await logPickup({ townCode: TOWNS.shiqiao, carrierCode: 'zto', parcels: 100, pickedUpAt: '2026-11-19T15:59:59Z' });
    // D: one second later it is 11-20 in Shanghai: inside.
    await logPickup({ townCode: TOWNS.shiqiao, carrierCode: 'zto', parcels: 5, pickedUpAt: '2026-11-19T16:00:00Z' });
    // E: cherries, counted only by the cherry project.
    await logPickup({ townCode: TOWNS.yanya, carrierCode: 'ems', productCode: 'cherry', parcels: 70, pickedUpAt: '2026-11-25T10:00:00+08:00' });
    // F: a voided pickup counts nowhere.
    const voided = await logPickup({ townCode: TOWNS.nanma, carrierCode: 'jd', parcels: 20, pickedUpAt: '2026-11-26T10:00:00+08:00' });
    expect((await post(t.app, `/api/v1/pickups/${voided}/void`, { reason: '录错了' })).status).toBe(200);
    // G: a carrier figure for 11-18, before the period.
    expect((await post(t.app, `/api/v1/carrier-volumes/sf/${TOWNS.dongli}/apple/2026-11-18`, { parcels: 99 }, 'PUT')).status).toBe(200);
    // H: 2026-11-24T16:00Z is midnight starting 11-25 in Shanghai.
    await logPickup({ townCode: TOWNS.yanya, carrierCode: 'yto', parcels: 7, pickedUpAt: '2026-11-24T16:00:00Z' });
  });

  it('gives a county project the hand-computed figures, pacing and breakdowns', async () => {
    const p = await progress(t.app, county);
    // A 30 + B 45 (reported, not the 50 logged) + D 5 + H 7; C, E, F, G are outside.
    expect(p).toMatchObject({
      projectId: county,
      targetParcels: 1000,
      countedParcels: 87,
      confirmedParcels: 45,
      provisionalParcels: 42,
      percent: 8.7,
      elapsedPercent: 90.91,
      elapsedDays: 10,
      totalDays: 11,
      dailyRateSoFar: 8.7,
      requiredDailyRate: 913,
      projectedParcels: 96, // 8.7 × 11 = 95.7
      asOf: '2026-11-29T04:00:00.000Z',
    });

    expect(p.byTown.map((x: any) => x.townCode)).toEqual(t.ctx.reference.towns.map((x) => x.code));
    expect(p.byTown).toHaveLength(12);
    const byTown = Object.fromEntries(p.byTown.map((x: any) => [x.townCode, { counted: x.counted, confirmed: x.confirmed, provisional: x.provisional }]));
    expect(byTown).toEqual({
      ...Object.fromEntries(t.ctx.reference.towns.map((x) => [x.code, zero])),
      [TOWNS.yanya]: { counted: 37, confirmed: 0, provisional: 37 },
      [TOWNS.dongli]: { counted: 45, confirmed: 45, provisional: 0 },
      [TOWNS.shiqiao]: { counted: 5, confirmed: 0, provisional: 5 },
    });

    expect(p.byCarrier).toEqual([
      { carrierCode: 'ems', counted: 30, confirmed: 0, provisional: 30 },
      { carrierCode: 'sf', counted: 45, confirmed: 45, provisional: 0 },
      { carrierCode: 'jd', ...zero },
      { carrierCode: 'zto', counted: 5, confirmed: 0, provisional: 5 },
      { carrierCode: 'yto', counted: 7, confirmed: 0, provisional: 7 },
      { carrierCode: 'sto', ...zero },
      { carrierCode: 'yunda', ...zero },
      { carrierCode: 'jt', ...zero },
      { carrierCode: 'deppon', ...zero },
    ]);

    // Every day of the period up to today, with a running total.
    expect(p.daily).toEqual([
      { date: '2026-11-20', counted: 35, cumulative: 35 },
      { date: '2026-11-21', counted: 0, cumulative: 35 },
      { date: '2026-11-22', counted: 0, cumulative: 35 },
      { date: '2026-11-23', counted: 0, cumulative: 35 },
      { date: '2026-11-24', counted: 0, cumulative: 35 },
      { date: '2026-11-25', counted: 52, cumulative: 87 },
      { date: '2026-11-26', counted: 0, cumulative: 87 },
      { date: '2026-11-27', counted: 0, cumulative: 87 },
      { date: '2026-11-28', counted: 0, cumulative: 87 },
      { date: '2026-11-29', counted: 0, cumulative: 87 },
    ]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('counts only its own town for a town project, while the county project counts all', async () => {
    const p = await progress(t.app, town);
    expect(p).toMatchObject({
      targetParcels: 1_000_000,
      countedParcels: 45,
      confirmedParcels: 45,
      provisionalParcels: 0,
      percent: 0, // 0.0045 %, to two places
      elapsedDays: 10,
      totalDays: 11,
      dailyRateSoFar: 4.5,
      requiredDailyRate: 999_955,
      projectedParcels: 50, // 4.5 × 11 = 49.5
    });
    expect(p.byTown).toEqual([{ townCode: TOWNS.dongli, counted: 45, confirmed: 45, provisional: 0 }]);
    expect(p.byCarrier).toHaveLength(9);
    expect(p.byCarrier.find((x: any) => x.carrierCode === 'sf')).toEqual({ carrierCode: 'sf', counted: 45, confirmed: 45, provisional: 0 });
    expect(p.byCarrier.filter((x: any) => x.counted !== 0)).toHaveLength(1);
    expect(p.daily.filter((d: any) => d.counted !== 0)).toEqual([{ date: '2026-11-25', counted: 45, cumulative: 45 }]);
    // B (50 logged, 45 reported) is the one cell to reconcile, for the town and the county alike.
    const cellB = {
      date: '2026-11-25',
      townCode: TOWNS.dongli,
      carrierCode: 'sf',
      productCode: 'apple',
      loggedParcels: 50,
      reportedParcels: 45,
      difference: 5,
    };
    expect((await get(t.app, `/api/v1/reconciliation?projectId=${town}`)).body.items).toEqual([cellB]);
    expect((await get(t.app, `/api/v1/reconciliation?projectId=${county}`)).body.items).toEqual([cellB]);
    expect((await get(t.app, `/api/v1/reconciliation?projectId=${cherry}`)).body.items).toEqual([]);

    // A pickup in another town moves the county project only.
    const before = (await progress(t.app, county)).countedParcels;
    await logPickup({ townCode: TOWNS.nanma, carrierCode: 'ems', parcels: 4, pickedUpAt: '2026-11-28T10:00:00+08:00' });
    expect((await progress(t.app, county)).countedParcels).toBe(before + 4);
    expect((await progress(t.app, town)).countedParcels).toBe(45);
    // A pickup in its town for a carrier that has not reported moves both.
    await logPickup({ townCode: TOWNS.dongli, carrierCode: 'jt', parcels: 6, pickedUpAt: '2026-11-28T11:00:00+08:00' });
    expect((await progress(t.app, county)).countedParcels).toBe(before + 10);
    expect((await progress(t.app, town)).byTown).toEqual([{ townCode: TOWNS.dongli, counted: 51, confirmed: 45, provisional: 6 }]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('counts only its product', async () => {
    const p = await progress(t.app, cherry);
    expect(p).toMatchObject({ countedParcels: 70, confirmedParcels: 0, provisionalParcels: 70 });
    expect(p.byTown.find((x: any) => x.townCode === TOWNS.yanya)).toEqual({ townCode: TOWNS.yanya, counted: 70, confirmed: 0, provisional: 70 });
  });

  it('does not count data outside a finished period, and needs no rate once it is over', async () => {
    // 11-18 to 11-24, created after the data: G 99 (11-18) + C 100 (11-19) + A 30 + D 5 (11-20); not H (11-25).
    const id = await create({ code: 'apple-week-47', startsOn: '2026-11-18', endsOn: '2026-11-24' });
    const p = await progress(t.app, id);
    expect(p).toMatchObject({
      countedParcels: 234,
      confirmedParcels: 99,
      provisionalParcels: 135,
      percent: 23.4,
      elapsedPercent: 100,
      elapsedDays: 7,
      totalDays: 7,
      dailyRateSoFar: 33.43,
      requiredDailyRate: null,
      projectedParcels: 234,
    });
    expect(p.daily.map((d: any) => [d.date, d.counted, d.cumulative])).toEqual([
      ['2026-11-18', 99, 99],
      ['2026-11-19', 100, 199],
      ['2026-11-20', 35, 234],
      ['2026-11-21', 0, 234],
      ['2026-11-22', 0, 234],
      ['2026-11-23', 0, 234],
      ['2026-11-24', 0, 234],
    ]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('starts a project created after the data with the right figures, and keeps it in step', async () => {
    const twin = await create({ code: 'apple-november-late' });
    const strip = (p: any) => ({ ...p, projectId: undefined });
    expect(strip(await progress(t.app, twin))).toEqual(strip(await progress(t.app, county)));
    const lateTown = await create({ code: 'dongli-apple-late', townCode: TOWNS.dongli, tier: 'bronze', targetParcels: 1_000_000 });
    expect(strip(await progress(t.app, lateTown))).toEqual(strip(await progress(t.app, town)));

    // Later writes reach both alike: a pickup, a carrier figure, a void.
    const id = await logPickup({ townCode: TOWNS.dongli, carrierCode: 'zto', parcels: 3, pickedUpAt: '2026-11-27T10:00:00+08:00' });
    expect((await post(t.app, `/api/v1/carrier-volumes/ems/${TOWNS.yanya}/apple/2026-11-20`, { parcels: 33 }, 'PUT')).status).toBe(200);
    expect((await post(t.app, `/api/v1/pickups/${id}/void`, { reason: 'duplicate' })).status).toBe(200);
    await logPickup({ townCode: TOWNS.dongli, carrierCode: 'zto', parcels: 2, pickedUpAt: '2026-11-27T11:00:00+08:00' });
    const a = await progress(t.app, county);
    expect(strip(await progress(t.app, twin))).toEqual(strip(a));
    expect(strip(await progress(t.app, lateTown))).toEqual(strip(await progress(t.app, town)));
    expect(a.byCarrier.find((x: any) => x.carrierCode === 'ems')).toEqual({ carrierCode: 'ems', counted: 37, confirmed: 33, provisional: 4 });
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('a project created while writes are in flight misses none and counts none twice', async () => {
    const period = { startsOn: '2026-10-01', endsOn: '2026-10-31' };
    const writes: Promise<{ status: number }>[] = [];
    const created: Promise<string>[] = [];
    for (let i = 0; i < 40; i++) {
      const town = [TOWNS.yanya, TOWNS.dongli, TOWNS.nanma][i % 3];
      const day = `2026-10-${String(1 + (i % 9)).padStart(2, '0')}`;
      writes.push(post(t.app, '/api/v1/pickups', pickup(coop, { townCode: town, carrierCode: 'sto', parcels: 1 + i, pickedUpAt: `${day}T10:00:00+08:00` })));
      if (i % 8 === 0) writes.push(post(t.app, `/api/v1/carrier-volumes/sto/${town}/apple/${day}`, { parcels: 100 + i }, 'PUT'));
      if (i % 10 === 5) created.push(create({ code: `october-${i}`, ...period }));
    }
    expect((await Promise.all(writes)).every((r) => r.status === 200 || r.status === 201)).toBe(true);
    const ids = await Promise.all(created);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
    const after = await create({ code: 'october-after', ...period });
    const strip = (p: any) => ({ ...p, projectId: undefined });
    const expected = strip(await progress(t.app, after));
    expect(expected.countedParcels).toBeGreaterThan(0);
    for (const id of ids) expect(strip(await progress(t.app, id))).toEqual(expected);
  });

  it('shows a project that has not started as nothing elapsed', async () => {
    const id = await create({ code: 'apple-december', startsOn: '2026-12-01', endsOn: '2026-12-31', targetParcels: 3100 });
    expect(await progress(t.app, id)).toMatchObject({
      countedParcels: 0,
      percent: 0,
      elapsedPercent: 0,
      elapsedDays: 0,
      totalDays: 31,
      dailyRateSoFar: 0,
      requiredDailyRate: 100,
      projectedParcels: 0,
      daily: [],
    });
  });
});

describe('season projects', () => {
  it('exist once the database is opened through openDatabase, and opening again creates nothing new', async () => {
    const db = await createTestDatabase({ poolMax: 2 });
    // openDatabase runs on this file's own copy: the PGlite instance itself, or the server database by URL.
    const driver = db.handle.driver;
    const options = () => (driver.kind === 'pglite' ? { pglite: driver.client } : { databaseUrl: driver.url, poolMax: 2 });
    const clock = new TestClock('2026-11-29T04:00:00Z');
    try {
      const opened = await openDatabase(options(), clock.now);
      const ctx = opened.systemCtx;
      const list = async () =>
        (await ctx.db.query.projects.findMany())
          .map((p) => ({
            code: p.code,
            productCode: p.productCode,
            tier: p.tier,
            targetParcels: p.targetParcels,
            startsOn: p.startsOn,
            endsOn: p.endsOn,
            townCode: p.townCode,
          }))
          .sort((a, b) => a.code.localeCompare(b.code));
      expect(await list()).toEqual([
        { code: 'apple-2026', productCode: 'apple', tier: 'gold', targetParcels: 10_000_000, startsOn: '2026-08-20', endsOn: '2027-04-30', townCode: null },
        { code: 'cherry-2027', productCode: 'cherry', tier: 'silver', targetParcels: 5_000_000, startsOn: '2027-04-01', endsOn: '2027-06-15', townCode: null },
      ]);
      expect(await ensureSeasonProjects({ ctx })).toEqual([]);
      expect(await list()).toHaveLength(2);

      // After the apple season ends, the next one appears; the cherry season is still open.
      clock.set('2027-05-01T04:00:00Z');
      expect(await ensureSeasonProjects({ ctx })).toEqual(['apple-2027']);
      expect((await list()).find((p) => p.code === 'apple-2027')).toMatchObject({ startsOn: '2027-08-20', endsOn: '2028-04-30' });
      expect(await ensureSeasonProjects({ ctx })).toEqual([]);
      expect((await verifyTallies({ ctx })).ok).toBe(true);
      await opened.handle.close();
    } finally {
      await db.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post, progress } from '../helpers/factories.ts';

// The ledger read back as records (filters, keyset pages, who sees what) and corrected by
// reversal: packaging runs and storage movements voided like pickups, the stock kept in step.
// The clock is 2026-11-29T04:00Z: noon on 2026-11-29 in Shanghai.

let t: TestApp;
const uid = () => randomUUID().slice(0, 8);

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

type Page = { items: any[]; nextCursor: string | null };

/** Every page of a list, following nextCursor; checks that no record appears twice. */
async function allPages(client: Injector, url: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await get(client, `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = res.body as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
    pages++;
    if (cursor) expect(page.items).toHaveLength(limit);
  } while (cursor && pages < 100);
  expect(new Set(ids).size).toBe(ids.length);
  return { ids, pages };
}

const idsOf = (res: { body: Page }) => res.body.items.map((i) => i.id);
const auditRows = async (action: string, targetId: string) =>
  rowsOf<{ actor: string; details: any }>(
    await t.ctx.db.execute(sql`SELECT actor, details FROM audit_log WHERE action = ${action} AND target_id = ${targetId}`),
  );

// ---------------------------------------------------------------------------------------------

describe('GET /api/v1/pickups', () => {
  let coop: string;
  let other: string;
  const logged: Record<string, Record<string, unknown>> = {};

  beforeAll(async () => {
    coop = await createCooperative(t.app, { name: `记录合作社-${uid()}`, townCode: TOWNS.shiqiao });
    other = await createCooperative(t.app, { name: `记录合作社-${uid()}`, townCode: TOWNS.shiqiao });
    Object.assign(logged, {
      nov10ems: pickup(coop, { townCode: TOWNS.shiqiao, carrierCode: 'ems', pickedUpAt: '2026-11-10T02:00:00Z' }),
      nov11sf: pickup(coop, { townCode: TOWNS.shiqiao, carrierCode: 'sf', pickedUpAt: '2026-11-11T02:00:00Z' }),
      // 23:30 on 11 Nov in UTC is 12 Nov in Shanghai: the business date decides.
      nov12zto: pickup(coop, { townCode: TOWNS.dongli, carrierCode: 'zto', pickedUpAt: '2026-11-11T23:30:00Z' }),
      cherry: pickup(coop, { townCode: TOWNS.shiqiao, carrierCode: 'ems', productCode: 'cherry', pickedUpAt: '2026-06-01T02:00:00Z' }),
      otherCoop: pickup(other, { townCode: TOWNS.shiqiao, carrierCode: 'ems', pickedUpAt: '2026-11-10T03:00:00Z' }),
    });
    const res = await post(t.app, '/api/v1/pickups/batch', { items: Object.values(logged) });
    expect(res.body.summary.created).toBe(5);
  });
  const list = (query: string) => get(t.app, `/api/v1/pickups?cooperativeId=${coop}&${query}`);
  const ids = (...names: string[]) => names.map((n) => logged[n].id as string);

  it('filters by town, carrier, product and business date range', async () => {
    expect(idsOf(await list(`townCode=${TOWNS.shiqiao}`)).sort()).toEqual(ids('nov10ems', 'nov11sf', 'cherry').sort());
    expect(idsOf(await list('carrierCode=sf'))).toEqual(ids('nov11sf'));
    expect(idsOf(await list('productCode=cherry'))).toEqual(ids('cherry'));
    expect(idsOf(await list('from=2026-11-11&to=2026-11-12'))).toEqual(ids('nov12zto', 'nov11sf'));
    expect(idsOf(await list('from=2026-11-12'))).toEqual(ids('nov12zto'));
    expect(idsOf(await list('to=2026-11-10'))).toEqual(ids('nov10ems', 'cherry'));
    expect(idsOf(await get(t.app, `/api/v1/pickups?townCode=${TOWNS.shiqiao}&from=2026-11-10&to=2026-11-10`)).sort()).toEqual(
      ids('nov10ems', 'otherCoop').sort(),
    );
  });

  it("filters by project: its product and period, and a town project's town", async () => {
    const county = await createProject(t.app, { startsOn: '2026-11-01', endsOn: '2026-11-30' });
    expect(idsOf(await list(`projectId=${county}`))).toEqual(ids('nov12zto', 'nov11sf', 'nov10ems'));
    const town = await createProject(t.app, {
      code: `dongli-${uid()}`,
      tier: 'bronze',
      targetParcels: 1_000_000,
      townCode: TOWNS.dongli,
      startsOn: '2026-11-01',
      endsOn: '2026-11-30',
    });
    expect(idsOf(await list(`projectId=${town}`))).toEqual(ids('nov12zto'));
    // Further filters narrow the project down.
    expect(idsOf(await list(`projectId=${county}&carrierCode=ems`))).toEqual(ids('nov10ems'));
    expect(idsOf(await list(`projectId=${county}&to=2026-11-10`))).toEqual(ids('nov10ems'));
    const cherry = await createProject(t.app, {
      code: `cherry-${uid()}`,
      productCode: 'cherry',
      tier: 'silver',
      targetParcels: 5_000_000,
      startsOn: '2026-04-01',
      endsOn: '2026-06-15',
    });
    expect(idsOf(await list(`projectId=${cherry}`))).toEqual(ids('cherry'));
  });

  it('lists voided pickups with their reversal by default, or leaves them out, or lists them alone', async () => {
    const p = pickup(coop, { townCode: TOWNS.shiqiao, pickedUpAt: '2026-11-20T02:00:00Z' });
    expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
    const voided = await post(t.app, `/api/v1/pickups/${p.id}/void`, { reason: '重复录入' });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({
      voided: true,
      pickup: { id: p.id, voided: { reason: '重复录入', by: expect.stringMatching(/^token:/), at: expect.any(String) } },
    });
    const included = await list('from=2026-11-20&to=2026-11-20');
    expect(included.body.items).toEqual([expect.objectContaining({ id: p.id, voided: expect.objectContaining({ reason: '重复录入' }) })]);
    expect(idsOf(await list('from=2026-11-20&to=2026-11-20&voided=include'))).toEqual([p.id]);
    expect(idsOf(await list('from=2026-11-20&to=2026-11-20&voided=exclude'))).toEqual([]);
    expect(idsOf(await list('voided=only'))).toEqual([p.id]);
    expect((await list('voided=exclude')).body.items.every((i: any) => i.voided === null)).toBe(true);
  });

  it('pages newest first by cursor: every pickup once, ties on the same instant included, nothing shifted by later writes', async () => {
    const pager = await createCooperative(t.app, { name: `分页合作社-${uid()}` });
    const at = [
      '2026-11-01T01:00:00Z',
      '2026-11-02T01:00:00Z',
      '2026-11-02T01:00:00Z',
      '2026-11-02T01:00:00Z',
      '2026-11-03T01:00:00.123Z',
      '2026-11-04T01:00:00Z',
      '2026-11-05T01:00:00Z',
    ];
    const items = at.map((pickedUpAt) => pickup(pager, { pickedUpAt }));
    expect((await post(t.app, '/api/v1/pickups/batch', { items })).body.summary.created).toBe(items.length);
    const expected = [...items]
      .sort((a, b) => Date.parse(b.pickedUpAt as string) - Date.parse(a.pickedUpAt as string) || String(b.id).localeCompare(String(a.id)))
      .map((p) => p.id);

    for (const limit of [1, 2, 3, 7, 100]) {
      const { ids: got, pages } = await allPages(t.app, `/api/v1/pickups?cooperativeId=${pager}`, limit);
      expect(got).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(items.length / limit)));
    }

    // A pickup recorded between two pages (newer than all) neither shifts the next page nor repeats one.
    const first = await get(t.app, `/api/v1/pickups?cooperativeId=${pager}&limit=3`);
    expect(idsOf(first)).toEqual(expected.slice(0, 3));
    expect((await post(t.app, '/api/v1/pickups', pickup(pager, { pickedUpAt: '2026-11-06T01:00:00Z' }))).status).toBe(201);
    const second = await get(t.app, `/api/v1/pickups?cooperativeId=${pager}&limit=3&cursor=${first.body.nextCursor}`);
    expect(idsOf(second)).toEqual(expected.slice(3, 6));
  });

  it('refuses bad filters with field-level issues, never an empty list that looks like "nothing recorded"', async () => {
    const bad: [string, string][] = [
      ['cursor=not-a-cursor!', 'cursor'],
      [`cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'cursor'],
      [`cursor=${Buffer.from('{}').toString('base64url')}`, 'cursor'],
      ['cursor=%E4%BD%A0', 'cursor'],
      [`projectId=${randomUUID()}`, 'projectId'],
      ['projectId=apple-2026', 'projectId'],
      ['from=2026-11-12&to=2026-11-10', 'to'],
      ['from=2026-13-01', 'from'],
      ['voided=yes', 'voided'],
      ['townCode=370323999', 'townCode'],
      ['carrierCode=dhl', 'carrierCode'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['town=370323110', 'town'],
    ];
    for (const [query, path] of bad) {
      const res = await get(t.app, `/api/v1/pickups?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expectError(res, 400, 'VALIDATION');
      expect({ query, paths: res.body.error.issues.map((i: any) => i.path) }).toEqual({ query, paths: [path] });
    }
  });

  it('keeps each caller to what it may see, filters and cursors notwithstanding', async () => {
    const asCoop = await t.as('cooperative', coop);
    const mine = await get(asCoop, `/api/v1/pickups?townCode=${TOWNS.shiqiao}&limit=500`);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((p: any) => p.cooperativeId === coop)).toBe(true);
    expect(idsOf(await get(asCoop, `/api/v1/pickups?cooperativeId=${other}`))).toEqual([]);
    // A cursor taken from the county's list does not widen a cooperative's.
    const county = await get(t.app, `/api/v1/pickups?townCode=${TOWNS.shiqiao}&limit=1`);
    const after = await get(asCoop, `/api/v1/pickups?limit=500&cursor=${county.body.nextCursor}`);
    expect(after.body.items.every((p: any) => p.cooperativeId === coop)).toBe(true);

    const ems = await t.as('carrier', 'ems');
    const handed = await get(ems, `/api/v1/pickups?townCode=${TOWNS.shiqiao}&limit=500`);
    expect(handed.body.items.every((p: any) => p.carrierCode === 'ems')).toBe(true);
    expect(idsOf(handed)).toEqual(expect.arrayContaining(ids('nov10ems', 'cherry', 'otherCoop')));
    expect(idsOf(handed)).not.toContain(logged.nov11sf.id);
    expect(idsOf(await get(ems, `/api/v1/pickups?carrierCode=sf`))).toEqual([]);
  });

  it('voiding takes the parcels out of progress at once; the tallies still agree with the ledger', async () => {
    const project = await createProject(t.app, { code: `void-${uid()}`, startsOn: '2026-11-25', endsOn: '2026-12-31' });
    const p = pickup(coop, { townCode: TOWNS.nanma, parcels: 37, pickedUpAt: '2026-11-28T02:00:00Z' });
    expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
    const before = await progress(t.app, project);
    expect((await post(t.app, `/api/v1/pickups/${p.id}/void`, { reason: '包裹未发出' })).body.voided).toBe(true);
    const after = await progress(t.app, project);
    expect(before.countedParcels - after.countedParcels).toBe(37);
    expect(before.provisionalParcels - after.provisionalParcels).toBe(37);
    expect(idsOf(await get(t.app, `/api/v1/pickups?projectId=${project}&voided=exclude`))).not.toContain(p.id);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

const packagingRun = (cooperativeId: string, overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  cooperativeId,
  productCode: 'apple',
  packageType: '5kg 礼盒',
  parcels: 20,
  fruitKg: 100,
  packedAt: '2026-11-10T03:00:00Z',
  ...overrides,
});

describe('packaging runs: GET /api/v1/packaging-runs and POST /api/v1/packaging-runs/{id}/void', () => {
  let coopA: string;
  let coopB: string;
  let asA: Injector;
  let asB: Injector;
  const runs: Record<string, ReturnType<typeof packagingRun>> = {};

  beforeAll(async () => {
    coopA = await createCooperative(t.app, { name: `包装合作社A-${uid()}`, townCode: TOWNS.yanya });
    coopB = await createCooperative(t.app, { name: `包装合作社B-${uid()}`, townCode: TOWNS.dongli });
    asA = await t.as('cooperative', coopA);
    asB = await t.as('cooperative', coopB);
    Object.assign(runs, {
      a1: packagingRun(coopA, { packedAt: '2026-11-10T03:00:00Z' }),
      a2: packagingRun(coopA, { packedAt: '2026-11-12T03:00:00Z', packageType: '2.5kg 纸箱' }),
      aCherry: packagingRun(coopA, { productCode: 'cherry', packedAt: '2026-06-02T03:00:00Z' }),
      b1: packagingRun(coopB, { packedAt: '2026-11-11T03:00:00Z' }),
    });
    for (const r of Object.values(runs)) expect((await post(t.app, '/api/v1/packaging-runs', r)).status).toBe(201);
  });

  it('lists runs newest first with the cooperative’s town, filtered, and paged', async () => {
    const res = await get(t.app, `/api/v1/packaging-runs?cooperativeId=${coopA}`);
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual([runs.a2.id, runs.a1.id, runs.aCherry.id]);
    expect(res.body.items[0]).toEqual({
      id: runs.a2.id,
      cooperativeId: coopA,
      townCode: TOWNS.yanya,
      productCode: 'apple',
      packageType: '2.5kg 纸箱',
      parcels: 20,
      fruitKg: 100,
      packedAt: '2026-11-12T03:00:00.000Z',
      businessDate: '2026-11-12',
      recordedAt: expect.any(String),
      recordedBy: expect.stringMatching(/^token:/),
      voided: null,
    });
    expect(res.body.nextCursor).toBeNull();
    expect(idsOf(await get(t.app, `/api/v1/packaging-runs?townCode=${TOWNS.dongli}`))).toContain(runs.b1.id);
    expect(idsOf(await get(t.app, `/api/v1/packaging-runs?townCode=${TOWNS.dongli}`))).not.toContain(runs.a1.id);
    expect(idsOf(await get(t.app, `/api/v1/packaging-runs?cooperativeId=${coopA}&productCode=cherry`))).toEqual([runs.aCherry.id]);
    expect(idsOf(await get(t.app, `/api/v1/packaging-runs?cooperativeId=${coopA}&from=2026-11-11&to=2026-11-30`))).toEqual([runs.a2.id]);
    const town = await createProject(t.app, {
      code: `yanya-${uid()}`,
      tier: 'bronze',
      targetParcels: 1_000_000,
      townCode: TOWNS.yanya,
      startsOn: '2026-11-01',
      endsOn: '2026-11-30',
    });
    const inProject = idsOf(await get(t.app, `/api/v1/packaging-runs?projectId=${town}&limit=500`));
    expect(inProject).toEqual(expect.arrayContaining([runs.a1.id, runs.a2.id]));
    expect(inProject).not.toContain(runs.b1.id);
    expect(inProject).not.toContain(runs.aCherry.id);
    expect((await allPages(t.app, `/api/v1/packaging-runs?cooperativeId=${coopA}`, 1)).ids).toEqual([runs.a2.id, runs.a1.id, runs.aCherry.id]);
  });

  it('shows a cooperative only its own runs; the county all; carriers none (refused)', async () => {
    expect(idsOf(await get(asA, '/api/v1/packaging-runs?limit=500')).sort()).toEqual([runs.a1.id, runs.a2.id, runs.aCherry.id].sort());
    expect(idsOf(await get(asA, `/api/v1/packaging-runs?cooperativeId=${coopB}`))).toEqual([]);
    const official = await t.as('official');
    expect(idsOf(await get(official, '/api/v1/packaging-runs?limit=500'))).toEqual(expect.arrayContaining(Object.values(runs).map((r) => r.id)));
    expectError(await get(await t.as('carrier', 'ems'), '/api/v1/packaging-runs'), 403, 'FORBIDDEN');
  });

  it('voids a run once, with reason and author, audited; a second void changes nothing', async () => {
    const r = packagingRun(coopA, { packedAt: '2026-11-15T03:00:00Z' });
    expect((await post(asA, '/api/v1/packaging-runs', r)).status).toBe(201);
    const first = await post(asA, `/api/v1/packaging-runs/${r.id}/void`, { reason: '  箱数录错  ' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      voided: true,
      run: expect.objectContaining({ id: r.id, parcels: 20, voided: { reason: '箱数录错', at: expect.any(String), by: expect.stringMatching(/^token:/) } }),
    });
    const again = await post(t.app, `/api/v1/packaging-runs/${r.id}/void`, { reason: '另一个理由' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ voided: false, run: first.body.run });
    expect(await auditRows('packaging-run.void', r.id)).toEqual([{ actor: first.body.run.voided.by, details: { reason: '箱数录错' } }]);
    // The run stays on record.
    const listed = await get(asA, `/api/v1/packaging-runs?from=2026-11-15&to=2026-11-15`);
    expect(listed.body.items).toEqual([first.body.run]);
    expect(idsOf(await get(asA, `/api/v1/packaging-runs?from=2026-11-15&to=2026-11-15&voided=exclude`))).toEqual([]);
    expect(idsOf(await get(asA, `/api/v1/packaging-runs?voided=only`))).toEqual([r.id]);
  });

  it('answers 404 for another cooperative’s run and for none, 400 for bad input, 403 to officials and carriers; nothing is written', async () => {
    const count = async () => rowsOf<{ n: number }>(await t.ctx.db.execute(sql`SELECT count(*)::int AS n FROM packaging_run_reversals`))[0].n;
    const before = await count();
    expectError(await post(asB, `/api/v1/packaging-runs/${runs.a1.id}/void`, { reason: '不是我们的' }), 404, 'NOT_FOUND');
    expectError(await post(t.app, `/api/v1/packaging-runs/${randomUUID()}/void`, { reason: '没有这条' }), 404, 'NOT_FOUND');
    expectError(await post(t.app, '/api/v1/packaging-runs/not-a-uuid/void', { reason: 'x' }), 400, 'VALIDATION');
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 'ok', extra: 1 }, { reason: 'a\u0000b' }]) {
      expectError(await post(asA, `/api/v1/packaging-runs/${runs.a1.id}/void`, body), 400, 'VALIDATION');
    }
    expectError(await post(await t.as('official'), `/api/v1/packaging-runs/${runs.a1.id}/void`, { reason: '领导小组' }), 403, 'FORBIDDEN');
    expectError(await post(await t.as('carrier', 'ems'), `/api/v1/packaging-runs/${runs.a1.id}/void`, { reason: '承运商' }), 403, 'FORBIDDEN');
    expect(await count()).toBe(before);
    expect((await get(t.app, `/api/v1/packaging-runs?cooperativeId=${coopA}&voided=only`)).body.items.map((r: any) => r.id)).not.toContain(runs.a1.id);
  });

  it('refuses bad filters with field-level issues', async () => {
    for (const [query, path] of [
      ['carrierCode=ems', 'carrierCode'],
      ['cursor=%2F%2F', 'cursor'],
      [`projectId=${randomUUID()}`, 'projectId'],
      ['from=2026-11-02&to=2026-11-01', 'to'],
      ['productCode=pear', 'productCode'],
    ] as const) {
      const res = await get(t.app, `/api/v1/packaging-runs?${query}`);
      expectError(res, 400, 'VALIDATION');
      expect(res.body.error.issues.map((i: any) => i.path)).toEqual([path]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('storage movements: GET /api/v1/storage-movements and POST /api/v1/storage-movements/{id}/void', () => {
  let coop: string;
  let outsider: string;
  let asCoop: Injector;
  let asOutsider: Injector;

  beforeAll(async () => {
    coop = await createCooperative(t.app, { name: `冷库合作社-${uid()}`, townCode: TOWNS.dongli });
    outsider = await createCooperative(t.app, { name: `别家合作社-${uid()}`, townCode: TOWNS.dongli });
    asCoop = await t.as('cooperative', coop);
    asOutsider = await t.as('cooperative', outsider);
  });

  async function facility(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await post(t.app, '/api/v1/storage-facilities', {
      name: `冷库-${uid()}`,
      townCode: TOWNS.dongli,
      kind: 'cold',
      operatorCooperativeId: coop,
      ...overrides,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  async function move(client: Injector, facilityId: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const m = { id: randomUUID(), facilityId, productCode: 'apple', direction: 'in', weightKg: 1000, movedAt: '2026-11-20T09:00:00+08:00', ...overrides };
    const res = await post(client, '/api/v1/storage-movements', m);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return m.id;
  }
  const stockOf = async (facilityId: string) =>
    (await get(t.app, '/api/v1/stock')).body.items.filter((s: any) => s.facilityId === facilityId).map((s: any) => [s.productCode, s.weightKg]);
  const voidIt = (client: Injector, id: string, reason = '录入有误') => post(client, `/api/v1/storage-movements/${id}/void`, { reason });

  it('voiding a stock-in takes its weight out of the stock, a stock-out puts it back; once each; audited; verify agrees', async () => {
    const f = await facility();
    const into = await move(asCoop, f, { weightKg: 1000.125 });
    const out = await move(asCoop, f, { direction: 'out', weightKg: 300, movedAt: '2026-11-21T09:00:00+08:00' });
    expect(await stockOf(f)).toEqual([['apple', 700.125]]);

    const first = await voidIt(asCoop, out, '出库单作废');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      voided: true,
      movement: expect.objectContaining({
        id: out,
        direction: 'out',
        weightKg: 300,
        facilityId: f,
        townCode: TOWNS.dongli,
        operatorCooperativeId: coop,
        voided: expect.objectContaining({ reason: '出库单作废' }),
      }),
    });
    expect(await stockOf(f)).toEqual([['apple', 1000.125]]);
    const again = await voidIt(asCoop, out, '再来一次');
    expect(again.body).toEqual({ voided: false, movement: first.body.movement });
    expect(await stockOf(f)).toEqual([['apple', 1000.125]]);

    expect((await voidIt(t.app, into)).body.voided).toBe(true);
    expect(await stockOf(f)).toEqual([['apple', 0]]);
    expect(await auditRows('storage-movement.void', into)).toEqual([
      { actor: expect.stringMatching(/^token:/), details: { reason: '录入有误', direction: 'in', weightKg: 1000.125 } },
    ]);
    expect(await auditRows('storage-movement.void', out)).toHaveLength(1);
    const report = await verifyTallies({ ctx: t.ctx });
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('refuses with 409 a void of a stock-in that has since gone out (stock would be negative), changing nothing', async () => {
    const f = await facility();
    const into = await move(asCoop, f, { weightKg: 500 });
    await move(asCoop, f, { direction: 'out', weightKg: 200, movedAt: '2026-11-21T09:00:00+08:00' });
    const res = await voidIt(asCoop, into);
    expectError(res, 409, 'INSUFFICIENT_STOCK');
    expect(res.body.error.message).toMatch(/negative.*300 kg/);
    expect(await stockOf(f)).toEqual([['apple', 300]]);
    const listed = await get(asCoop, `/api/v1/storage-movements?facilityId=${f}&voided=only`);
    expect(listed.body.items).toEqual([]);
    expect(await auditRows('storage-movement.void', into)).toEqual([]);
    // Once the stock-out is voided first, the stock-in can go.
    const outs = idsOf(await get(asCoop, `/api/v1/storage-movements?facilityId=${f}&direction=out`));
    expect((await voidIt(asCoop, outs[0])).status).toBe(200);
    expect((await voidIt(asCoop, into)).status).toBe(200);
    expect(await stockOf(f)).toEqual([['apple', 0]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses with 409 a void of a stock-out that would put the facility over its capacity', async () => {
    const f = await facility({ capacityKg: 1000 });
    await move(asCoop, f, { weightKg: 800 });
    const out = await move(asCoop, f, { direction: 'out', weightKg: 500, movedAt: '2026-11-21T09:00:00+08:00' });
    await move(asCoop, f, { weightKg: 600, movedAt: '2026-11-22T09:00:00+08:00' });
    expect(await stockOf(f)).toEqual([['apple', 900]]);
    const res = await voidIt(asCoop, out);
    expectError(res, 409, 'CAPACITY_EXCEEDED');
    expect(res.body.error.message).toMatch(/capacity of 1000 kg/);
    expect(await stockOf(f)).toEqual([['apple', 900]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('lists movements of the facilities a cooperative runs, newest first, filtered; carriers refused', async () => {
    const f = await facility();
    const county = await facility({ operatorCooperativeId: undefined, townCode: TOWNS.nanma });
    const a = await move(asCoop, f, { weightKg: 10, movedAt: '2026-11-01T09:00:00+08:00' });
    const b = await move(asCoop, f, { weightKg: 20, productCode: 'cherry', movedAt: '2026-11-02T09:00:00+08:00' });
    const c = await move(asCoop, f, { direction: 'out', weightKg: 5, movedAt: '2026-11-03T09:00:00+08:00' });
    const d = await move(t.app, county, { weightKg: 30, movedAt: '2026-11-04T09:00:00+08:00' });

    const res = await get(asCoop, `/api/v1/storage-movements?facilityId=${f}`);
    expect(idsOf(res)).toEqual([c, b, a]);
    expect(res.body.items[0]).toEqual({
      id: c,
      facilityId: f,
      facilityName: expect.stringMatching(/^冷库-/),
      townCode: TOWNS.dongli,
      operatorCooperativeId: coop,
      productCode: 'apple',
      direction: 'out',
      weightKg: 5,
      lot: null,
      movedAt: '2026-11-03T01:00:00.000Z',
      businessDate: '2026-11-03',
      recordedAt: expect.any(String),
      recordedBy: expect.stringMatching(/^token:/),
      voided: null,
    });
    expect(idsOf(await get(asCoop, `/api/v1/storage-movements?facilityId=${f}&direction=in`))).toEqual([b, a]);
    expect(idsOf(await get(asCoop, `/api/v1/storage-movements?facilityId=${f}&productCode=cherry`))).toEqual([b]);
    expect(idsOf(await get(asCoop, `/api/v1/storage-movements?facilityId=${f}&from=2026-11-02&to=2026-11-02`))).toEqual([b]);
    expect((await allPages(asCoop, `/api/v1/storage-movements?facilityId=${f}`, 2)).ids).toEqual([c, b, a]);
    // The county's store is not the cooperative's: not listed to it, even asked for by id.
    expect(idsOf(await get(asCoop, `/api/v1/storage-movements?facilityId=${county}`))).toEqual([]);
    expect(idsOf(await get(t.app, `/api/v1/storage-movements?facilityId=${county}`))).toEqual([d]);
    expect(idsOf(await get(t.app, `/api/v1/storage-movements?townCode=${TOWNS.nanma}`))).toEqual([d]);
    expect(idsOf(await get(t.app, `/api/v1/storage-movements?cooperativeId=${coop}&from=2026-11-01&to=2026-11-03`))).toEqual([c, b, a]);
    const cherry = await createProject(t.app, {
      code: `cherry-${uid()}`,
      productCode: 'cherry',
      tier: 'silver',
      targetParcels: 5_000_000,
      startsOn: '2026-10-01',
      endsOn: '2026-11-30',
    });
    expect(idsOf(await get(asCoop, `/api/v1/storage-movements?projectId=${cherry}`))).toEqual([b]);
    expectError(await get(await t.as('carrier', 'ems'), '/api/v1/storage-movements'), 403, 'FORBIDDEN');
    expectError(await get(t.app, '/api/v1/storage-movements?direction=sideways'), 400, 'VALIDATION');
    expectError(await get(t.app, `/api/v1/storage-movements?facilityId=${f}&cursor=abc`), 400, 'VALIDATION');

    // Voids: 404 to a cooperative for a store it does not run (as if it did not exist); 403 to officials.
    expectError(await voidIt(asCoop, d), 404, 'NOT_FOUND');
    expectError(await voidIt(asOutsider, a), 404, 'NOT_FOUND');
    expectError(await voidIt(await t.as('official'), a), 403, 'FORBIDDEN');
    expectError(await voidIt(t.app, randomUUID()), 404, 'NOT_FOUND');
    expectError(await post(t.app, `/api/v1/storage-movements/${a}/void`, { reason: '' }), 400, 'VALIDATION');
    expectError(await post(t.app, `/api/v1/storage-movements/${a}/void`, {}), 400, 'VALIDATION');
    expect(idsOf(await get(t.app, `/api/v1/storage-movements?facilityId=${f}&voided=only`))).toEqual([]);
    expect((await voidIt(t.app, d)).body.voided).toBe(true);
    expect(idsOf(await get(t.app, `/api/v1/storage-movements?townCode=${TOWNS.nanma}&voided=exclude`))).toEqual([]);
  });

  it('concurrent voids of the same stock-in subtract it once', async () => {
    const f = await facility();
    const into = await move(asCoop, f, { weightKg: 250 });
    await move(asCoop, f, { weightKg: 100, movedAt: '2026-11-21T09:00:00+08:00' });
    const results = await Promise.all(Array.from({ length: 5 }, () => voidIt(asCoop, into)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body.voided)).toHaveLength(1);
    expect(await stockOf(f)).toEqual([['apple', 100]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post, progress } from '../helpers/factories.ts';

// The clock is 2026-11-29T04:00Z: noon on 2026-11-29 in Shanghai.
let t: TestApp;
let coop: string;
let project: string;

beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
  project = await createProject(t.app);
});
afterAll(() => t?.close());

const cellUrl = (carrier: string, town: string, product: string, date: string) => `/api/v1/carrier-volumes/${carrier}/${town}/${product}/${date}`;
const put = (url: string, payload: unknown) => post(t.app, url, payload, 'PUT');

/** Pickups logged for a cell, as instants in the middle of its Shanghai day; answers who recorded them. */
async function logPickups(town: string, carrier: string, date: string, ...parcels: number[]): Promise<string> {
  let recordedBy = '';
  for (const n of parcels) {
    const res = await post(t.app, '/api/v1/pickups', pickup(coop, { townCode: town, carrierCode: carrier, parcels: n, pickedUpAt: `${date}T10:00:00+08:00` }));
    expect(res.status).toBe(201);
    recordedBy = res.body.recordedBy;
  }
  return recordedBy;
}

const townSplit = async (town: string) => (await progress(t.app, project)).byTown.find((x: any) => x.townCode === town);
const carrierSplit = async (carrier: string) => (await progress(t.app, project)).byCarrier.find((x: any) => x.carrierCode === carrier);

describe('PUT /api/v1/carrier-volumes/{carrier}/{town}/{product}/{date}', () => {
  it('replaces the provisional figure with the carrier’s, and a revision replaces that', async () => {
    const me = await logPickups(TOWNS.dongli, 'sf', '2026-11-10', 12, 8);
    const before = await progress(t.app, project);
    expect(await carrierSplit('sf')).toEqual({ carrierCode: 'sf', counted: 20, confirmed: 0, provisional: 20 });

    const first = await put(cellUrl('sf', TOWNS.dongli, 'apple', '2026-11-10'), { parcels: 26 });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      carrierCode: 'sf',
      townCode: TOWNS.dongli,
      productCode: 'apple',
      date: '2026-11-10',
      parcels: 26,
      revision: 1,
      changed: true,
    });
    const after = await progress(t.app, project);
    expect(after.confirmedParcels - before.confirmedParcels).toBe(26);
    expect(after.provisionalParcels - before.provisionalParcels).toBe(-20);
    expect(after.countedParcels - before.countedParcels).toBe(6);
    expect(await carrierSplit('sf')).toEqual({ carrierCode: 'sf', counted: 26, confirmed: 26, provisional: 0 });
    expect(await townSplit(TOWNS.dongli)).toMatchObject({ counted: 26, confirmed: 26, provisional: 0 });
    expect(after.daily.find((d: any) => d.date === '2026-11-10').counted).toBe(26);

    const revised = await put(cellUrl('sf', TOWNS.dongli, 'apple', '2026-11-10'), { parcels: 24 });
    expect(revised.body).toMatchObject({ parcels: 24, revision: 2, changed: true });
    expect(await carrierSplit('sf')).toEqual({ carrierCode: 'sf', counted: 24, confirmed: 24, provisional: 0 });

    const history = await get(t.app, `${cellUrl('sf', TOWNS.dongli, 'apple', '2026-11-10')}/history`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ carrierCode: 'sf', townCode: TOWNS.dongli, productCode: 'apple', date: '2026-11-10' });
    // Each revision names its author, as the ledger names a pickup's.
    expect(history.body.items).toEqual([
      { revision: 1, parcels: 26, reportedAt: expect.any(String), reportedBy: me },
      { revision: 2, parcels: 24, reportedAt: expect.any(String), reportedBy: me },
    ]);
    expect(me).toMatch(/\S/);
    expect(Date.parse(history.body.items[1].reportedAt)).toBeGreaterThanOrEqual(Date.parse(history.body.items[0].reportedAt));
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('adds no revision when the same figure is sent again', async () => {
    const url = cellUrl('zto', TOWNS.nanma, 'apple', '2026-11-11');
    expect((await put(url, { parcels: 40 })).body).toMatchObject({ revision: 1, changed: true });
    const counted = (await progress(t.app, project)).countedParcels;
    for (let i = 0; i < 3; i++) {
      const again = await put(url, { parcels: 40 });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ parcels: 40, revision: 1, changed: false });
    }
    expect((await progress(t.app, project)).countedParcels).toBe(counted);
    expect((await get(t.app, `${url}/history`)).body.items.map((i: any) => i.revision)).toEqual([1]);
    // Going back to an earlier figure is a change like any other.
    expect((await put(url, { parcels: 41 })).body).toMatchObject({ revision: 2, changed: true });
    expect((await put(url, { parcels: 40 })).body).toMatchObject({ revision: 3, changed: true });
    expect((await get(t.app, `${url}/history`)).body.items.map((i: any) => i.parcels)).toEqual([40, 41, 40]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('takes 0 as a report: the cell then counts 0, not the logged pickups', async () => {
    await logPickups(TOWNS.shiqiao, 'yto', '2026-11-12', 9);
    expect(await carrierSplit('yto')).toMatchObject({ counted: 9, provisional: 9, confirmed: 0 });
    const res = await put(cellUrl('yto', TOWNS.shiqiao, 'apple', '2026-11-12'), { parcels: 0 });
    expect(res.body).toMatchObject({ parcels: 0, revision: 1, changed: true });
    expect(await carrierSplit('yto')).toEqual({ carrierCode: 'yto', counted: 0, confirmed: 0, provisional: 0 });
    expect((await put(cellUrl('yto', TOWNS.shiqiao, 'apple', '2026-11-12'), { parcels: 0 })).body.changed).toBe(false);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('does not count pickups logged after the report, but flags the cell when they exceed it', async () => {
    const town = TOWNS.yanya;
    await put(cellUrl('jt', town, 'apple', '2026-11-13'), { parcels: 10 });
    expect(await carrierSplit('jt')).toEqual({ carrierCode: 'jt', counted: 10, confirmed: 10, provisional: 0 });
    const reconciliation = async () => (await get(t.app, `/api/v1/reconciliation?projectId=${project}`)).body.items.filter((c: any) => c.carrierCode === 'jt');

    await logPickups(town, 'jt', '2026-11-13', 6, 4);
    expect(await carrierSplit('jt')).toEqual({ carrierCode: 'jt', counted: 10, confirmed: 10, provisional: 0 });
    // Logged equals reported: nothing to reconcile.
    expect(await reconciliation()).toEqual([]);

    await logPickups(town, 'jt', '2026-11-13', 5);
    expect(await carrierSplit('jt')).toEqual({ carrierCode: 'jt', counted: 10, confirmed: 10, provisional: 0 });
    const res = await get(t.app, `/api/v1/reconciliation?projectId=${project}`);
    expect(res.status).toBe(200);
    expect(await reconciliation()).toEqual([
      { date: '2026-11-13', townCode: town, carrierCode: 'jt', productCode: 'apple', loggedParcels: 15, reportedParcels: 10, difference: 5 },
    ]);

    // The carrier catches up: the cell counts its new figure and is no longer flagged.
    await put(cellUrl('jt', town, 'apple', '2026-11-13'), { parcels: 15 });
    expect(await carrierSplit('jt')).toMatchObject({ counted: 15, confirmed: 15 });
    expect(await reconciliation()).toEqual([]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('answers the reconciliation list only for a known project', async () => {
    expectError(await get(t.app, '/api/v1/reconciliation?projectId=7f1c7d52-1d2b-4b53-9d36-0a4c5e7b1f00'), 404, 'NOT_FOUND');
    expectError(await get(t.app, '/api/v1/reconciliation?projectId=nope'), 400, 'VALIDATION');
    expectError(await get(t.app, '/api/v1/reconciliation'), 400, 'VALIDATION');
  });

  it('refuses a day that has not begun in Asia/Shanghai', async () => {
    // 12:00 on 2026-11-29 in Shanghai: today is allowed, tomorrow is not.
    expect((await put(cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-29'), { parcels: 3 })).status).toBe(200);
    const tomorrow = await put(cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-30'), { parcels: 3 });
    expectError(tomorrow, 400, 'VALIDATION');
    expect(tomorrow.body.error.issues).toEqual([{ path: 'date', message: expect.stringContaining('Asia/Shanghai') }]);
    expect((await get(t.app, `${cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-30')}/history`)).body.items).toEqual([]);
    try {
      // 23:59:59 in Shanghai is still the 29th; one second later the 30th has begun.
      t.clock.set('2026-11-29T15:59:59Z');
      expectError(await put(cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-30'), { parcels: 3 }), 400, 'VALIDATION');
      t.clock.set('2026-11-29T16:00:00Z');
      expect((await put(cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-30'), { parcels: 3 })).status).toBe(200);
    } finally {
      t.clock.set('2026-11-29T04:00:00Z');
    }
    expectError(await put(cellUrl('ems', TOWNS.dongli, 'apple', '2014-12-31'), { parcels: 3 }), 400, 'VALIDATION');
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses unknown codes with the path of each', async () => {
    const res = await put(cellUrl('dhl', '370323999', 'pear', '2026-11-10'), { parcels: 3 });
    expectError(res, 400, 'VALIDATION');
    expect(res.body.error.issues.map((i: any) => i.path).sort()).toEqual(['carrierCode', 'productCode', 'townCode']);
    const history = await get(t.app, `${cellUrl('dhl', TOWNS.dongli, 'apple', '2026-11-10')}/history`);
    expectError(history, 400, 'VALIDATION');
    expect(history.body.error.issues.map((i: any) => i.path)).toEqual(['carrierCode']);
  });

  it('refuses malformed cells and figures', async () => {
    const badTown = await put(cellUrl('ems', '12345', 'apple', '2026-11-10'), { parcels: 3 });
    expectError(badTown, 400, 'VALIDATION');
    expect(badTown.body.error.issues.map((i: any) => i.path)).toEqual(['townCode']);
    const badDate = await put(cellUrl('ems', TOWNS.dongli, 'apple', '2026-02-30'), { parcels: 3 });
    expectError(badDate, 400, 'VALIDATION');
    expect(badDate.body.error.issues.map((i: any) => i.path)).toEqual(['date']);
    for (const body of [{ parcels: -1 }, { parcels: 2.5 }, { parcels: '3' }, { parcels: 10_000_001 }, {}, { parcels: 3, extra: 1 }]) {
      expectError(await put(cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-10'), body), 400, 'VALIDATION');
    }
    expect((await get(t.app, `${cellUrl('ems', TOWNS.dongli, 'apple', '2026-11-10')}/history`)).body.items).toEqual([]);
  });
});

describe('concurrent writes to one cell', () => {
  it('keep every revision distinct and the tallies equal to the ledger', async () => {
    const town = TOWNS.shiqiao;
    const date = '2026-11-16';
    const url = cellUrl('ems', town, 'apple', date);
    const before = await progress(t.app, project);
    const figures = [50, 51, 52, 53, 54, 55];
    const writes = [
      ...figures.map((parcels) => put(url, { parcels })),
      ...Array.from({ length: 12 }, (_, i) =>
        post(t.app, '/api/v1/pickups', pickup(coop, { townCode: town, carrierCode: 'ems', parcels: 1 + i, pickedUpAt: `${date}T10:00:00+08:00` })),
      ),
    ];
    const results = await Promise.all(writes);
    expect(results.map((r) => r.status)).toEqual([...figures.map(() => 200), ...Array.from({ length: 12 }, () => 201)]);
    expect(results.slice(0, figures.length).every((r) => r.body.changed)).toBe(true);

    const history = (await get(t.app, `${url}/history`)).body.items;
    expect(history.map((i: any) => i.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.map((i: any) => i.parcels).sort()).toEqual(figures);
    // Whatever order they landed in, the latest revision counts, and none of the 78 logged.
    const latest = history[history.length - 1].parcels;
    const after = await progress(t.app, project);
    expect(after.confirmedParcels - before.confirmedParcels).toBe(latest);
    expect(after.provisionalParcels).toBe(before.provisionalParcels);
    const flagged = (await get(t.app, `/api/v1/reconciliation?projectId=${project}`)).body.items.filter((c: any) => c.date === date);
    expect(flagged).toEqual([
      { date, townCode: town, carrierCode: 'ems', productCode: 'apple', loggedParcels: 78, reportedParcels: latest, difference: 78 - latest },
    ]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('two batches over the same cells in opposite orders both land, without deadlock', async () => {
    const items = cells(300, '2026-08-21');
    const a = items.map((i) => ({ ...i, parcels: i.parcels + 1 }));
    const b = items.map((i) => ({ ...i, parcels: i.parcels + 2 })).reverse();
    const [ra, rb] = await Promise.all([
      post(t.app, '/api/v1/carrier-volumes/batch', { items: a }),
      post(t.app, '/api/v1/carrier-volumes/batch', { items: b }),
    ]);
    expect(ra.body.summary).toEqual({ revised: 300, unchanged: 0, invalid: 0 });
    expect(rb.body.summary).toEqual({ revised: 300, unchanged: 0, invalid: 0 });
    const revisions = [...ra.body.results, ...rb.body.results].map((r: any) => r.volume.revision);
    expect(revisions.filter((r: number) => r === 1)).toHaveLength(300);
    expect(revisions.filter((r: number) => r === 2)).toHaveLength(300);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });
});

describe('POST /api/v1/carrier-volumes/batch', () => {
  it('judges every item on its own: revised, unchanged, invalid, and a second figure for one cell is invalid', async () => {
    const town = TOWNS.nanma;
    await put(cellUrl('sto', town, 'apple', '2026-11-14'), { parcels: 30 });
    await logPickups(town, 'yunda', '2026-11-14', 7);
    const before = await progress(t.app, project);
    const item = (carrierCode: string, parcels: unknown, extra: Record<string, unknown> = {}) => ({
      carrierCode,
      townCode: town,
      productCode: 'apple',
      date: '2026-11-14',
      parcels,
      ...extra,
    });
    const res = await post(t.app, '/api/v1/carrier-volumes/batch', {
      items: [
        item('yunda', 11), // new: replaces the 7 logged
        item('sto', 30), // same as on record
        item('sto', 31, { date: '2026-11-15' }), // new cell
        item('deppon', -5), // invalid figure
        item('dhl', 5), // unknown carrier
        item('yunda', 12), // the same cell as item 0
        item('jd', 5, { date: '2026-11-30' }), // a day not begun
        'not an object',
        item('sto', 28), // the same cell as item 1
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual([
      'revised',
      'unchanged',
      'revised',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
    expect(res.body.summary).toEqual({ revised: 2, unchanged: 1, invalid: 6 });
    expect(res.body.results.map((r: any) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(res.body.results[0].volume).toEqual({
      carrierCode: 'yunda',
      townCode: town,
      productCode: 'apple',
      date: '2026-11-14',
      parcels: 11,
      revision: 1,
      changed: true,
    });
    expect(res.body.results[1].volume).toMatchObject({ parcels: 30, revision: 1, changed: false });
    expect(res.body.results[3].error).toMatchObject({ code: 'VALIDATION', issues: [expect.objectContaining({ path: 'items.3.parcels' })] });
    expect(res.body.results[4].error.issues.map((i: any) => i.path)).toEqual(['items.4.carrierCode']);
    expect(res.body.results[5].error.issues).toEqual([{ path: 'items.5', message: 'the same cell as item 0' }]);
    expect(res.body.results[6].error.issues.map((i: any) => i.path)).toEqual(['items.6.date']);
    expect(res.body.results[7].error.issues.map((i: any) => i.path)).toEqual(['items.7']);
    expect(res.body.results[8].error.issues).toEqual([{ path: 'items.8', message: 'the same cell as item 1' }]);
    for (const i of [3, 4, 5, 6, 7, 8]) expect(res.body.results[i].volume).toBeUndefined();

    const after = await progress(t.app, project);
    // yunda: 7 provisional became 11 confirmed; sto on the 15th: 31 confirmed; nothing else moved.
    expect(after.confirmedParcels - before.confirmedParcels).toBe(11 + 31);
    expect(after.provisionalParcels - before.provisionalParcels).toBe(-7);
    expect((await get(t.app, `${cellUrl('sto', town, 'apple', '2026-11-14')}/history`)).body.items.map((i: any) => i.parcels)).toEqual([30]);
    expect((await get(t.app, `${cellUrl('yunda', town, 'apple', '2026-11-14')}/history`)).body.items.map((i: any) => i.parcels)).toEqual([11]);

    // Sending the same file again changes nothing.
    const again = await post(t.app, '/api/v1/carrier-volumes/batch', { items: [item('yunda', 11), item('sto', 31, { date: '2026-11-15' })] });
    expect(again.body.summary).toEqual({ revised: 0, unchanged: 2, invalid: 0 });
    expect((await progress(t.app, project)).countedParcels).toBe(after.countedParcels);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses an empty batch, a batch that is not a list, and one over 5,000 items', async () => {
    expectError(await post(t.app, '/api/v1/carrier-volumes/batch', { items: [] }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/carrier-volumes/batch', { items: {} }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/carrier-volumes/batch', [{ parcels: 1 }]), 400, 'VALIDATION');
    const items = cells(5001, '2026-09-01');
    const res = await post(t.app, '/api/v1/carrier-volumes/batch', { items });
    expectError(res, 400, 'VALIDATION');
    expect(res.body.error.issues.map((i: any) => i.path)).toEqual(['items']);
    // Nothing of the refused batch was written.
    expect((await get(t.app, `${cellUrl(items[0].carrierCode, items[0].townCode, 'apple', items[0].date)}/history`)).body.items).toEqual([]);
  });

  it('takes 5,000 figures in one call', async () => {
    const before = await progress(t.app, project);
    const items = cells(5000, '2026-09-01');
    const total = items.reduce((s, i) => s + i.parcels, 0);
    const res = await post(t.app, '/api/v1/carrier-volumes/batch', { items });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ revised: 5000, unchanged: 0, invalid: 0 });
    expect(res.body.results).toHaveLength(5000);
    expect(res.body.results.every((r: any, i: number) => r.index === i && r.volume.parcels === items[i].parcels)).toBe(true);
    const after = await progress(t.app, project);
    expect(after.confirmedParcels - before.confirmedParcels).toBe(total);
    expect(after.provisionalParcels).toBe(before.provisionalParcels);
    const again = await post(t.app, '/api/v1/carrier-volumes/batch', { items });
    expect(again.body.summary).toEqual({ revised: 0, unchanged: 5000, invalid: 0 });
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });
});

/** `n` distinct cells (9 carriers × 12 towns a day, then the next day), with varied figures. */
function cells(n: number, firstDate: string) {
  const carriers = ['ems', 'sf', 'jd', 'zto', 'yto', 'sto', 'yunda', 'jt', 'deppon'];
  const towns = t.ctx.reference.towns.map((x) => x.code);
  const out: { carrierCode: string; townCode: string; productCode: string; date: string; parcels: number }[] = [];
  for (let i = 0; i < n; i++) {
    const perDay = carriers.length * towns.length;
    const day = Math.floor(i / perDay);
    const date = new Date(Date.parse(`${firstDate}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);
    out.push({
      carrierCode: carriers[i % carriers.length],
      townCode: towns[Math.floor(i / carriers.length) % towns.length],
      productCode: 'apple',
      date,
      parcels: (i * 37) % 500,
    });
  }
  return out;
}

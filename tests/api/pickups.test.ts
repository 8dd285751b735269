import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post, progress } from '../helpers/factories.ts';

let t: TestApp;
let coop: string;
let project: string;

beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
  project = await createProject(t.app);
});
afterAll(() => t?.close());

describe('POST /api/v1/pickups', () => {
  it('counts the same pickup once however often it is sent', async () => {
    const p = pickup(coop, { parcels: 7, townCode: TOWNS.dongli, carrierCode: 'zto' });
    const first = await post(t.app, '/api/v1/pickups', p);
    expect(first.status).toBe(201);
    for (let i = 0; i < 9; i++) {
      const again = await post(t.app, '/api/v1/pickups', p);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    }
    const prog = await progress(t.app, project);
    expect(prog.byTown.find((x: any) => x.townCode === TOWNS.dongli).provisional).toBe(7);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('answers 409 to the same id with other content, and writes nothing', async () => {
    const p = pickup(coop);
    expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
    const before = await progress(t.app, project);
    expectError(await post(t.app, '/api/v1/pickups', { ...p, parcels: 11 }), 409, 'CONFLICT');
    expect((await progress(t.app, project)).countedParcels).toBe(before.countedParcels);
  });

  it('treats the same instant written in another offset as the same content', async () => {
    const p = pickup(coop, { pickedUpAt: '2026-11-10T10:00:00+08:00' });
    expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
    expect((await post(t.app, '/api/v1/pickups', { ...p, pickedUpAt: '2026-11-10T02:00:00Z' })).status).toBe(200);
  });

  it('puts a pickup on the business date in Asia/Shanghai', async () => {
    const res = await post(t.app, '/api/v1/pickups', pickup(coop, { pickedUpAt: '2026-05-10T23:30:00Z' }));
    expect(res.body.businessDate).toBe('2026-05-11');
  });

  it('refuses unknown codes, an unknown cooperative and future instants with field-level issues', async () => {
    const bad = await post(t.app, '/api/v1/pickups', pickup(coop, { townCode: '370323999', carrierCode: 'dhl', productCode: 'pear' }));
    expectError(bad, 400, 'VALIDATION');
    expect(bad.body.error.issues.map((i: any) => i.path).sort()).toEqual(['carrierCode', 'productCode', 'townCode']);
    const noCoop = await post(t.app, '/api/v1/pickups', pickup(randomUUID()));
    expectError(noCoop, 400, 'VALIDATION');
    expect(noCoop.body.error.issues[0].path).toBe('cooperativeId');
    const future = await post(t.app, '/api/v1/pickups', pickup(coop, { pickedUpAt: '2026-12-01T00:00:00Z' }));
    expect(future.body.error.issues[0]).toEqual({ path: 'pickedUpAt', message: 'must not be in the future' });
  });

  it('refuses parcels that are zero, negative, fractional or huge', async () => {
    for (const parcels of [0, -3, 1.5, 1e12, '5', null]) {
      const res = await post(t.app, '/api/v1/pickups', pickup(coop, { parcels }));
      expectError(res, 400, 'VALIDATION');
      expect(res.body.error.issues.some((i: any) => i.path === 'parcels')).toBe(true);
    }
  });

  it('refuses unknown fields rather than silently dropping them', async () => {
    const res = await post(t.app, '/api/v1/pickups', { ...pickup(coop), parcel: 3 });
    expectError(res, 400, 'VALIDATION');
  });
});

describe('POST /api/v1/pickups/{id}/void', () => {
  it('stops the pickup counting; voiding again changes nothing', async () => {
    const p = pickup(coop, { townCode: TOWNS.shiqiao, parcels: 25 });
    await post(t.app, '/api/v1/pickups', p);
    const town = async () => (await progress(t.app, project)).byTown.find((x: any) => x.townCode === TOWNS.shiqiao).counted;
    expect(await town()).toBe(25);
    const first = await post(t.app, `/api/v1/pickups/${p.id}/void`, { reason: '重复录入' });
    expect(first.status).toBe(200);
    expect(first.body.voided).toBe(true);
    expect(first.body.pickup.voided).toMatchObject({ reason: '重复录入', by: 'token:test admin' });
    expect(await town()).toBe(0);
    const second = await post(t.app, `/api/v1/pickups/${p.id}/void`, { reason: 'again' });
    expect(second.body.voided).toBe(false);
    expect(second.body.pickup.voided.reason).toBe('重复录入');
    expect(await town()).toBe(0);
    // The ledger keeps the pickup: a re-send of it is still recognised, and still not counted.
    expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(200);
    expect(await town()).toBe(0);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('answers 404 for an unknown pickup and 400 without a reason', async () => {
    expectError(await post(t.app, `/api/v1/pickups/${randomUUID()}/void`, { reason: 'x' }), 404, 'NOT_FOUND');
    expectError(await post(t.app, `/api/v1/pickups/not-a-uuid/void`, { reason: 'x' }), 400, 'VALIDATION');
    const p = pickup(coop);
    await post(t.app, '/api/v1/pickups', p);
    expectError(await post(t.app, `/api/v1/pickups/${p.id}/void`, {}), 400, 'VALIDATION');
    expectError(await post(t.app, `/api/v1/pickups/${p.id}/void`, { reason: '   ' }), 400, 'VALIDATION');
  });
});

describe('POST /api/v1/pickups/batch', () => {
  it('judges every item on its own and writes each valid one exactly once', async () => {
    const existing = pickup(coop, { townCode: TOWNS.nanma, parcels: 3 });
    await post(t.app, '/api/v1/pickups', existing);
    const fresh = pickup(coop, { townCode: TOWNS.nanma, parcels: 4 });
    const before = (await progress(t.app, project)).byTown.find((x: any) => x.townCode === TOWNS.nanma).counted;
    const res = await post(t.app, '/api/v1/pickups/batch', {
      items: [fresh, existing, { ...existing, parcels: 99 }, { ...fresh }, { ...pickup(coop), parcels: -1 }, pickup(randomUUID()), 'not an object'],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['created', 'duplicate', 'conflict', 'duplicate', 'invalid', 'invalid', 'invalid']);
    expect(res.body.summary).toEqual({ created: 1, duplicate: 2, conflict: 1, invalid: 3 });
    expect(res.body.results[4].error.issues[0].path).toBe('items.4.parcels');
    expect(res.body.results[5].error.issues[0].path).toBe('items.5.cooperativeId');
    const after = (await progress(t.app, project)).byTown.find((x: any) => x.townCode === TOWNS.nanma).counted;
    expect(after - before).toBe(4);
    // Re-sending the whole batch adds nothing.
    const again = await post(t.app, '/api/v1/pickups/batch', { items: [fresh, existing] });
    expect(again.body.summary).toMatchObject({ created: 0, duplicate: 2 });
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses an empty batch and one over 1,000 items', async () => {
    expectError(await post(t.app, '/api/v1/pickups/batch', { items: [] }), 400, 'VALIDATION');
    const items = Array.from({ length: 1001 }, () => pickup(coop));
    expectError(await post(t.app, '/api/v1/pickups/batch', { items }), 400, 'VALIDATION');
  });

  it('takes 1,000 pickups in one call', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => pickup(coop, { parcels: 1 + (i % 5), carrierCode: ['ems', 'sf', 'jd'][i % 3] }));
    const res = await post(t.app, '/api/v1/pickups/batch', { items });
    expect(res.body.summary.created).toBe(1000);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });
});

describe('GET /api/v1/pickups', () => {
  it('lists and filters, and finds one by id', async () => {
    const p = pickup(coop, { townCode: TOWNS.dongli, carrierCode: 'deppon' });
    await post(t.app, '/api/v1/pickups', p);
    const list = await get(t.app, `/api/v1/pickups?carrierCode=deppon&townCode=${TOWNS.dongli}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: any) => x.id)).toContain(p.id);
    expect(list.body.items.every((x: any) => x.carrierCode === 'deppon')).toBe(true);
    expect((await get(t.app, `/api/v1/pickups/${p.id}`)).body.parcels).toBe(10);
    expectError(await get(t.app, `/api/v1/pickups/${randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await get(t.app, `/api/v1/pickups?limit=100000`), 400, 'VALIDATION');
  });
});

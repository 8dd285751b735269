import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, expectError, get, pickup, post } from '../helpers/factories.ts';

// The clock is 2026-11-29T04:00Z: noon on 2026-11-29 in Shanghai.
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

let t: TestApp;
/** Who the ledger says wrote what this file's client writes, as recorded on a pickup. */
let me: string;

beforeAll(async () => {
  t = await buildTestApp();
  const coop = await post(t.app, '/api/v1/cooperatives', { name: unique('合作社'), townCode: TOWNS.yanya });
  const p = await post(t.app, '/api/v1/pickups', pickup(coop.body.id));
  expect(p.status).toBe(201);
  me = p.body.recordedBy;
  expect(me).toMatch(/\S/);
});
afterAll(() => t?.close());

async function facility(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await post(t.app, '/api/v1/storage-facilities', { name: unique('冷库'), townCode: TOWNS.dongli, kind: 'cold', ...overrides });
  expect(res.status).toBe(201);
  return res.body.id;
}

const movement = (facilityId: string, overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  facilityId,
  productCode: 'apple',
  direction: 'in',
  weightKg: 1000,
  movedAt: '2026-11-20T09:00:00+08:00',
  ...overrides,
});

const stockOf = async (facilityId: string) =>
  (await get(t.app, '/api/v1/stock')).body.items.filter((s: any) => s.facilityId === facilityId).map((s: any) => [s.productCode, s.weightKg]);

describe('POST /api/v1/cooperatives', () => {
  it('registers a cooperative once per town and name; a re-send answers 200 with the original, other content 409', async () => {
    const input = { name: '燕崖镇樱桃专业合作社', townCode: TOWNS.yanya, village: '朱家户村', contact: '张三 139' };
    const first = await post(t.app, '/api/v1/cooperatives', input);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), ...input, createdAt: expect.any(String) });
    const again = await post(t.app, '/api/v1/cooperatives', input);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await post(t.app, '/api/v1/cooperatives', { ...input, id: first.body.id })).status).toBe(200);
    // Surrounding spaces are not part of a name.
    expect((await post(t.app, '/api/v1/cooperatives', { ...input, name: ` ${input.name} ` })).status).toBe(200);

    for (const change of [{ village: '东安村' }, { contact: undefined }, { id: randomUUID() }]) {
      expectError(await post(t.app, '/api/v1/cooperatives', { ...input, ...change }), 409, 'CONFLICT');
    }
    // The same name in another town is another cooperative.
    const elsewhere = await post(t.app, '/api/v1/cooperatives', { ...input, townCode: TOWNS.dongli });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.id).not.toBe(first.body.id);
    // Another name cannot take an id already in use.
    expectError(await post(t.app, '/api/v1/cooperatives', { name: unique('合作社'), townCode: TOWNS.yanya, id: first.body.id }), 409, 'CONFLICT');

    const list = await get(t.app, '/api/v1/cooperatives');
    expect(list.status).toBe(200);
    expect(
      list.body.items
        .filter((c: any) => c.name === input.name)
        .map((c: any) => c.townCode)
        .sort(),
    ).toEqual([TOWNS.dongli, TOWNS.yanya].sort());
    expect(list.body.items.find((c: any) => c.id === first.body.id)).toEqual(first.body);
  });

  it('refuses unknown towns, empty names and unknown fields', async () => {
    const unknownTown = await post(t.app, '/api/v1/cooperatives', { name: unique('合作社'), townCode: '370323999' });
    expectError(unknownTown, 400, 'VALIDATION');
    expect(unknownTown.body.error.issues).toEqual([{ path: 'townCode', message: expect.stringContaining('370323999') }]);
    expectError(await post(t.app, '/api/v1/cooperatives', { name: '  ', townCode: TOWNS.yanya }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/cooperatives', { name: unique('合作社'), townCode: TOWNS.yanya, phone: '1' }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/cooperatives', { name: unique('合作社') }), 400, 'VALIDATION');
  });
});

describe('POST /api/v1/storage-facilities', () => {
  it('registers a facility once per town and name; a re-send answers 200, other content 409', async () => {
    const input = { name: '东里镇果品冷库', townCode: TOWNS.dongli, kind: 'ca', capacityKg: 500_000 };
    const first = await post(t.app, '/api/v1/storage-facilities', input);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: expect.any(String), ...input, createdAt: expect.any(String) });
    const again = await post(t.app, '/api/v1/storage-facilities', input);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    for (const change of [{ kind: 'cold' }, { capacityKg: 400_000 }, { capacityKg: undefined }, { id: randomUUID() }]) {
      expectError(await post(t.app, '/api/v1/storage-facilities', { ...input, ...change }), 409, 'CONFLICT');
    }
    const noCapacity = { name: '南麻常温库', townCode: TOWNS.nanma, kind: 'ambient' };
    const ambient = await post(t.app, '/api/v1/storage-facilities', noCapacity);
    expect(ambient.status).toBe(201);
    expect(ambient.body.capacityKg).toBeNull();
    expect((await post(t.app, '/api/v1/storage-facilities', noCapacity)).status).toBe(200);

    const list = await get(t.app, '/api/v1/storage-facilities');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(expect.arrayContaining([first.body, ambient.body]));
  });

  it('keeps a capacity to the gram, so a re-send matches; finer capacities are refused rather than rounded', async () => {
    const input = { name: unique('冷库'), townCode: TOWNS.shiqiao, kind: 'cold', capacityKg: 2500.125 };
    const first = await post(t.app, '/api/v1/storage-facilities', input);
    expect(first.status).toBe(201);
    expect(first.body.capacityKg).toBe(2500.125);
    expect((await post(t.app, '/api/v1/storage-facilities', input)).status).toBe(200);
    const finer = await post(t.app, '/api/v1/storage-facilities', { ...input, name: unique('冷库'), capacityKg: 2500.0005 });
    expectError(finer, 400, 'VALIDATION');
    expect(finer.body.error.issues.map((i: any) => i.path)).toEqual(['capacityKg']);
  });

  it('refuses unknown towns and kinds, and capacities that are not positive', async () => {
    const res = await post(t.app, '/api/v1/storage-facilities', { name: unique('冷库'), townCode: '370323999', kind: 'cold' });
    expectError(res, 400, 'VALIDATION');
    expect(res.body.error.issues.map((i: any) => i.path)).toEqual(['townCode']);
    for (const bad of [{ kind: 'freezer' }, { capacityKg: 0 }, { capacityKg: -5 }, { capacityKg: '100' }]) {
      expectError(await post(t.app, '/api/v1/storage-facilities', { name: unique('冷库'), townCode: TOWNS.dongli, kind: 'cold', ...bad }), 400, 'VALIDATION');
    }
  });
});

describe('POST /api/v1/packaging-runs', () => {
  let coop: string;
  beforeAll(async () => {
    const res = await post(t.app, '/api/v1/cooperatives', { name: unique('合作社'), townCode: TOWNS.yanya });
    coop = res.body.id;
  });

  const run = (overrides: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    cooperativeId: coop,
    productCode: 'apple',
    packageType: '5 kg carton',
    parcels: 120,
    fruitKg: 600,
    packedAt: '2026-11-20T23:30:00+08:00',
    ...overrides,
  });

  it('records a run once: 201, then 200 with the original, and 409 for other content under the same id', async () => {
    const r = run();
    const first = await post(t.app, '/api/v1/packaging-runs', r);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: r.id,
      cooperativeId: coop,
      productCode: 'apple',
      packageType: '5 kg carton',
      parcels: 120,
      fruitKg: 600,
      packedAt: '2026-11-20T15:30:00.000Z',
      businessDate: '2026-11-20',
      recordedAt: expect.any(String),
      recordedBy: me,
    });
    const again = await post(t.app, '/api/v1/packaging-runs', { ...r, packedAt: '2026-11-20T15:30:00Z' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    for (const change of [{ parcels: 121 }, { fruitKg: 601 }, { packageType: '2.5 kg carton' }, { productCode: 'cherry' }]) {
      expectError(await post(t.app, '/api/v1/packaging-runs', { ...r, ...change }), 409, 'CONFLICT');
    }
  });

  it('refuses an unknown cooperative or product, a future time and bad numbers', async () => {
    const noCoop = await post(t.app, '/api/v1/packaging-runs', run({ cooperativeId: randomUUID() }));
    expectError(noCoop, 400, 'VALIDATION');
    expect(noCoop.body.error.issues).toEqual([{ path: 'cooperativeId', message: 'unknown cooperative' }]);
    const noProduct = await post(t.app, '/api/v1/packaging-runs', run({ productCode: 'pear' }));
    expectError(noProduct, 400, 'VALIDATION');
    expect(noProduct.body.error.issues.map((i: any) => i.path)).toEqual(['productCode']);
    const future = await post(t.app, '/api/v1/packaging-runs', run({ packedAt: '2026-11-29T05:00:00Z' }));
    expect(future.body.error.issues).toEqual([{ path: 'packedAt', message: 'must not be in the future' }]);
    for (const bad of [{ parcels: 0 }, { parcels: 1.5 }, { fruitKg: 0 }, { fruitKg: -1 }, { packageType: '' }]) {
      expectError(await post(t.app, '/api/v1/packaging-runs', run(bad)), 400, 'VALIDATION');
    }
  });
});

describe('POST /api/v1/storage-movements', () => {
  it('puts fruit in and takes it out; the stock shows the balance', async () => {
    const f = await facility({ capacityKg: 10_000 });
    const into = movement(f, { weightKg: 2500.5, lot: 'A-1' });
    const res = await post(t.app, '/api/v1/storage-movements', into);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: into.id,
      facilityId: f,
      productCode: 'apple',
      direction: 'in',
      weightKg: 2500.5,
      lot: 'A-1',
      movedAt: '2026-11-20T01:00:00.000Z',
      businessDate: '2026-11-20',
      recordedAt: expect.any(String),
      recordedBy: me,
    });
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { productCode: 'cherry', weightKg: 300 }))).status).toBe(201);
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', weightKg: 1000.25 }))).status).toBe(201);
    expect(await stockOf(f)).toEqual([
      ['apple', 1500.25],
      ['cherry', 300],
    ]);
    const row = (await get(t.app, '/api/v1/stock')).body.items.find((s: any) => s.facilityId === f && s.productCode === 'apple');
    expect(row).toMatchObject({ townCode: TOWNS.dongli, kind: 'cold', capacityKg: 10_000, facilityName: expect.any(String) });

    // Taking out exactly what is held leaves 0.
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', weightKg: 1500.25 }))).status).toBe(201);
    expect(await stockOf(f)).toEqual([
      ['apple', 0],
      ['cherry', 300],
    ]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses to take out more than is held (409 INSUFFICIENT_STOCK) and writes nothing', async () => {
    const f = await facility();
    await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 100 }));
    const tooMuch = movement(f, { direction: 'out', weightKg: 100.5 });
    expectError(await post(t.app, '/api/v1/storage-movements', tooMuch), 409, 'INSUFFICIENT_STOCK');
    expect(await stockOf(f)).toEqual([['apple', 100]]);
    // None held of this product at all.
    expectError(
      await post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', productCode: 'cherry', weightKg: 1 })),
      409,
      'INSUFFICIENT_STOCK',
    );
    expect(await stockOf(f)).toEqual([['apple', 100]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);

    // Nothing was written under the refused id: once the fruit is there, the same movement goes through.
    await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 0.5 }));
    const retried = await post(t.app, '/api/v1/storage-movements', tooMuch);
    expect(retried.status).toBe(201);
    expect(await stockOf(f)).toEqual([['apple', 0]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses to fill a facility beyond its capacity (409 CAPACITY_EXCEEDED), counting every product, and writes nothing', async () => {
    const f = await facility({ capacityKg: 1000 });
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 600 }))).status).toBe(201);
    const over = movement(f, { productCode: 'cherry', weightKg: 400.5 });
    expectError(await post(t.app, '/api/v1/storage-movements', over), 409, 'CAPACITY_EXCEEDED');
    expect(await stockOf(f)).toEqual([['apple', 600]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
    // Filling it exactly is allowed.
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { productCode: 'cherry', weightKg: 400 }))).status).toBe(201);
    expect(await stockOf(f)).toEqual([
      ['apple', 600],
      ['cherry', 400],
    ]);
    expectError(await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 0.001 })), 409, 'CAPACITY_EXCEEDED');
    // Room made by taking fruit out can be filled again; the refused id is still free.
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', productCode: 'cherry', weightKg: 400 }))).status).toBe(201);
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', weightKg: 0.5 }))).status).toBe(201);
    expect((await post(t.app, '/api/v1/storage-movements', over)).status).toBe(201);
    expect(await stockOf(f)).toEqual([
      ['apple', 599.5],
      ['cherry', 400.5],
    ]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('weighs to the gram: what goes in can come out exactly, and finer weights are refused rather than rounded', async () => {
    const f = await facility();
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 0.125 }))).status).toBe(201);
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 1.001 }))).status).toBe(201);
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', weightKg: 1.126 }))).status).toBe(201);
    expect(await stockOf(f)).toEqual([['apple', 0]]);
    for (const weightKg of [1.0004, 0.0004, 2.5e-7]) {
      const res = await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg }));
      expectError(res, 400, 'VALIDATION');
      expect(res.body.error.issues.every((i: any) => i.path === 'weightKg')).toBe(true);
    }
    expect(await stockOf(f)).toEqual([['apple', 0]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('a facility without a capacity takes any amount', async () => {
    const f = await facility({ kind: 'ambient' });
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 1e9 }))).status).toBe(201);
    expect(await stockOf(f)).toEqual([['apple', 1e9]]);
  });

  it('is idempotent on the id: the same movement again answers 200 and moves nothing; other content 409', async () => {
    const f = await facility();
    const m = movement(f, { weightKg: 250 });
    const first = await post(t.app, '/api/v1/storage-movements', m);
    expect(first.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const again = await post(t.app, '/api/v1/storage-movements', m);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    }
    expect(await stockOf(f)).toEqual([['apple', 250]]);
    const out = movement(f, { direction: 'out', weightKg: 200 });
    expect((await post(t.app, '/api/v1/storage-movements', out)).status).toBe(201);
    // A re-sent take-out is recognised even though the stock could no longer cover it.
    expect((await post(t.app, '/api/v1/storage-movements', out)).status).toBe(200);
    expect(await stockOf(f)).toEqual([['apple', 50]]);
    for (const change of [{ weightKg: 251 }, { direction: 'out' }, { lot: 'B-2' }, { movedAt: '2026-11-21T09:00:00+08:00' }]) {
      expectError(await post(t.app, '/api/v1/storage-movements', { ...m, ...change }), 409, 'CONFLICT');
    }
    expect(await stockOf(f)).toEqual([['apple', 50]]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('lets concurrent take-outs and put-ins neither overdraw nor overfill', async () => {
    const f = await facility({ capacityKg: 1000 });
    expect((await post(t.app, '/api/v1/storage-movements', movement(f, { weightKg: 550 }))).status).toBe(201);
    const outs = await Promise.all(
      Array.from({ length: 10 }, () => post(t.app, '/api/v1/storage-movements', movement(f, { direction: 'out', weightKg: 100 }))),
    );
    expect(outs.filter((r) => r.status === 201)).toHaveLength(5);
    expect(outs.filter((r) => r.status === 409).every((r) => r.body.error.code === 'INSUFFICIENT_STOCK')).toBe(true);
    expect(await stockOf(f)).toEqual([['apple', 50]]);
    const ins = await Promise.all(
      Array.from({ length: 12 }, () => post(t.app, '/api/v1/storage-movements', movement(f, { productCode: 'cherry', weightKg: 100 }))),
    );
    expect(ins.filter((r) => r.status === 201)).toHaveLength(9);
    expect(ins.filter((r) => r.status === 409).every((r) => r.body.error.code === 'CAPACITY_EXCEEDED')).toBe(true);
    expect(await stockOf(f)).toEqual([
      ['apple', 50],
      ['cherry', 900],
    ]);
    // The same movement sent many times at once is written once.
    const m = movement(f, { direction: 'out', productCode: 'cherry', weightKg: 300 });
    const same = await Promise.all(Array.from({ length: 6 }, () => post(t.app, '/api/v1/storage-movements', m)));
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(await stockOf(f)).toEqual([
      ['apple', 50],
      ['cherry', 600],
    ]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('refuses an unknown facility or product, a future time and bad weights', async () => {
    const unknown = await post(t.app, '/api/v1/storage-movements', movement(randomUUID()));
    expectError(unknown, 400, 'VALIDATION');
    expect(unknown.body.error.issues).toEqual([{ path: 'facilityId', message: 'unknown storage facility' }]);
    const f = await facility();
    const pear = await post(t.app, '/api/v1/storage-movements', movement(f, { productCode: 'pear' }));
    expectError(pear, 400, 'VALIDATION');
    expect(pear.body.error.issues.map((i: any) => i.path)).toEqual(['productCode']);
    const future = await post(t.app, '/api/v1/storage-movements', movement(f, { movedAt: '2026-11-30T00:00:00Z' }));
    expect(future.body.error.issues).toEqual([{ path: 'movedAt', message: 'must not be in the future' }]);
    for (const bad of [{ weightKg: 0 }, { weightKg: -3 }, { weightKg: '5' }, { weightKg: 2e9 }, { direction: 'sideways' }, { id: 'x' }]) {
      expectError(await post(t.app, '/api/v1/storage-movements', movement(f, bad)), 400, 'VALIDATION');
    }
    expect(await stockOf(f)).toEqual([]);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';
import { expectError, get, post } from '../helpers/factories.ts';

// The three-tier network and village coverage. The clock is 2026-11-29 (Shanghai). Each describe
// works in towns of its own, so no test depends on another's data.

const TOWN = {
  dongli: '370323103', // villages: create, edit, history
  xili: '370323105', // service points: create, edit, history
  shiqiao: '370323110', // the coverage rule through the API
  yuezhuang: '370323104', // village imports
  zhongzhuang: '370323107', // service point imports
  yanya: '370323109', // never given villages: the reference denominator
} as const;

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

async function patch(app: Injector, url: string, payload: unknown) {
  const res = await app.inject({ method: 'PATCH', url, payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}
const put = (app: Injector, url: string, payload: unknown) => post(app, url, payload, 'PUT');

/** A refused import: the standard error body, plus the errors row by row. */
function expectRejected(res: { status: number; body: any }) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    error: { code: 'VALIDATION', message: expect.stringContaining('nothing was written'), issues: expect.any(Array) },
    rowErrors: expect.any(Array),
  });
  expect(res.body.error.issues).toEqual(res.body.rowErrors.map((e: any) => ({ path: `rows.${e.row}.${e.field}`, message: e.message })));
}

let seq = 0;
const villageCode = (town: string) => `${town}${String(300 + ++seq).padStart(3, '0')}`;

async function village(town: string, overrides: Record<string, unknown> = {}) {
  const res = await post(t.app, '/api/v1/villages', { code: villageCode(town), townCode: town, name: `测试${++seq}村`, ...overrides });
  expect(res.status).toBe(201);
  return res.body as { id: string; code: string; name: string; version: number };
}

const pointInput = (overrides: Record<string, unknown> = {}) => ({
  code: `T-${randomUUID().slice(0, 8)}`,
  name: '村级快递服务站',
  kind: 'village_station',
  townCode: TOWN.xili,
  mode: 'postal_courier',
  operator: '村供销超市',
  brands: ['ems', 'zto'],
  takesOutgoing: true,
  openedOn: '2020-06-15',
  ...overrides,
});

async function servicePoint(overrides: Record<string, unknown> = {}) {
  const res = await post(t.app, '/api/v1/service-points', pointInput(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; code: string; version: number };
}

async function auditOf(targetType: string, targetId: string) {
  const res = await get(t.app, `/api/v1/audit?targetType=${targetType}&targetId=${targetId}`);
  expect(res.status).toBe(200);
  return res.body.items as { action: string; actor: string; details: any }[];
}

async function count(table: 'villages' | 'service_points' | 'village_versions' | 'service_point_versions' | 'service_point_villages') {
  const [row] = rowsOf<{ n: number }>(await t.ctx.db.execute(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`));
  return Number(row.n);
}

const xlsx = async (rows: unknown[][]) => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
};

// ---------------------------------------------------------------------------------------------

describe('villages', () => {
  it('registers a village once per code: a re-send answers 200, other content 409', async () => {
    const input = { code: `${TOWN.dongli}201`, townCode: TOWN.dongli, name: '东里村' };
    const first = await post(t.app, '/api/v1/villages', input);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      ...input,
      kind: 'village',
      surveyStatus: 'unsurveyed',
      surveyedOn: null,
      dissolvedOn: null,
      notes: null,
      version: 1,
      createdAt: '2026-11-29T04:00:00.000Z',
      createdBy: expect.any(String),
      updatedAt: '2026-11-29T04:00:00.000Z',
      updatedBy: expect.any(String),
    });
    const again = await post(t.app, '/api/v1/villages', input);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expectError(await post(t.app, '/api/v1/villages', { ...input, kind: 'community' }), 409, 'CONFLICT');
    // The same name in the town under another code is another village with a clashing name.
    expectError(await post(t.app, '/api/v1/villages', { ...input, code: `${TOWN.dongli}299` }), 409, 'CONFLICT');
    expectError(await post(t.app, '/api/v1/villages', { ...input, id: randomUUID() }), 409, 'CONFLICT');
    const list = await get(t.app, `/api/v1/villages?townCode=${TOWN.dongli}`);
    expect(list.body.items.filter((v: any) => v.code === input.code)).toEqual([first.body]);
  });

  it('refuses bad codes, unknown towns, a confirmed survey without its date and unknown fields, naming each field', async () => {
    const base = { code: villageCode(TOWN.dongli), townCode: TOWN.dongli, name: '校验村' };
    const cases: [Record<string, unknown>, string][] = [
      [{ code: '37032310320' }, 'code'],
      [{ townCode: '370323999' }, 'townCode'],
      [{ surveyStatus: 'confirmed_uncovered' }, 'surveyedOn'],
      [{ kind: 'hamlet' }, 'kind'],
      [{ dissolvedOn: '2021-02-30' }, 'dissolvedOn'],
      [{ population: 300 }, 'population'],
      [{ name: ' ' }, 'name'],
    ];
    for (const [change, path] of cases) {
      const res = await post(t.app, '/api/v1/villages', { ...base, ...change });
      expectError(res, 400, 'VALIDATION');
      expect(
        res.body.error.issues.map((i: any) => i.path),
        JSON.stringify(change),
      ).toEqual([path]);
    }
    expect((await get(t.app, `/api/v1/villages?townCode=${TOWN.dongli}`)).body.items.some((v: any) => v.name === '校验村')).toBe(false);
  });

  it('edits a village, keeping every version with its author and date; an edit that changes nothing keeps none', async () => {
    const v = await village(TOWN.dongli, { name: '上庄村' });
    t.clock.set('2026-11-29T05:00:00Z');
    const renamed = await patch(t.app, `/api/v1/villages/${v.id}`, { name: '上庄新村', expectedVersion: 1 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '上庄新村', version: 2, updatedAt: '2026-11-29T05:00:00.000Z', createdAt: '2026-11-29T04:00:00.000Z' });
    const same = await patch(t.app, `/api/v1/villages/${v.id}`, { name: '上庄新村' });
    expect(same.body.version).toBe(2);
    const surveyed = await patch(t.app, `/api/v1/villages/${v.id}`, { surveyStatus: 'confirmed_uncovered', surveyedOn: '2020-10-01', notes: '易地搬迁' });
    expect(surveyed.body).toMatchObject({ version: 3, surveyStatus: 'confirmed_uncovered', surveyedOn: '2020-10-01', notes: '易地搬迁' });
    t.clock.set('2026-11-29T04:00:00Z');

    expectError(await patch(t.app, `/api/v1/villages/${v.id}`, { name: '又改了', expectedVersion: 2 }), 409, 'CONFLICT');
    expectError(await patch(t.app, `/api/v1/villages/${v.id}`, { surveyedOn: null }), 400, 'VALIDATION');
    expectError(await patch(t.app, `/api/v1/villages/${v.id}`, { colour: 'red' }), 400, 'VALIDATION');
    expectError(await patch(t.app, `/api/v1/villages/${randomUUID()}`, { name: '无此村' }), 404, 'NOT_FOUND');
    expectError(await patch(t.app, '/api/v1/villages/not-a-uuid', { name: '无此村' }), 400, 'VALIDATION');
    const other = await village(TOWN.dongli);
    expectError(await patch(t.app, `/api/v1/villages/${other.id}`, { name: '上庄新村' }), 409, 'CONFLICT');

    const history = await get(t.app, `/api/v1/villages/${v.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: any) => [i.version, i.change, i.changedFields])).toEqual([
      [1, 'create', []],
      [2, 'update', ['name']],
      [3, 'update', ['surveyStatus', 'surveyedOn', 'notes']],
    ]);
    expect(history.body.items[1]).toMatchObject({
      changedAt: '2026-11-29T05:00:00.000Z',
      changedBy: expect.any(String),
      importId: null,
      record: { name: '上庄新村', code: v.code },
    });
    expect(history.body.items[0].record.name).toBe('上庄村');
    expectError(await get(t.app, `/api/v1/villages/${randomUUID()}/history`), 404, 'NOT_FOUND');

    const audit = await auditOf('village', v.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['village.create', 'village.update', 'village.update']);
    expect(audit.every((a) => a.actor === history.body.items[0].changedBy)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('service points', () => {
  it('registers the tiers and keeps every change; closing a station is setting its closing date', async () => {
    const hub = await servicePoint({
      kind: 'county_hub',
      townCode: undefined,
      mode: 'courier_courier',
      name: '县快递分拨中心',
      brands: ['zto', 'yto', 'sto', 'yunda', 'jt'],
      openedOn: '2019-06-18',
    });
    const node = await servicePoint({
      kind: 'town_node',
      upstreamId: hub.id,
      name: '西里镇快递物流服务中心',
      brands: ['ems', 'zto', 'yto'],
      openedOn: '2019-09-01',
      coldChain: true,
      staff: 6,
    });
    const v1 = await village(TOWN.xili);
    const v2 = await village(TOWN.xili);
    const input = pointInput({ upstreamId: node.id, villageIds: [v2.id, v1.id], openingHours: '08:00-19:00', videoMonitoring: true });
    const first = await post(t.app, '/api/v1/service-points', input);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'village_station',
      townCode: TOWN.xili,
      mode: 'postal_courier',
      upstreamId: node.id,
      brands: ['ems', 'zto'],
      takesOutgoing: true,
      openingHours: '08:00-19:00',
      staff: null,
      videoMonitoring: true,
      coldChain: false,
      openedOn: '2020-06-15',
      closedOn: null,
      villageIds: [v1.id, v2.id].sort(),
      version: 1,
    });
    // Idempotent on the code: the same content again is the same point, brands in any order.
    expect((await post(t.app, '/api/v1/service-points', { ...input, brands: ['zto', 'ems'] })).status).toBe(200);
    expectError(await post(t.app, '/api/v1/service-points', { ...input, operator: '另一家' }), 409, 'CONFLICT');

    const closed = await patch(t.app, `/api/v1/service-points/${first.body.id}`, { closedOn: '2021-03-01', expectedVersion: 1 });
    expect(closed.body).toMatchObject({ closedOn: '2021-03-01', version: 2 });
    const relinked = await patch(t.app, `/api/v1/service-points/${first.body.id}`, { villageIds: [v1.id] });
    expect(relinked.body).toMatchObject({ villageIds: [v1.id], version: 3 });
    expect((await patch(t.app, `/api/v1/service-points/${first.body.id}`, { villageIds: [v1.id] })).body.version).toBe(3);
    expectError(await patch(t.app, `/api/v1/service-points/${first.body.id}`, { staff: 2, expectedVersion: 2 }), 409, 'CONFLICT');
    expectError(await patch(t.app, `/api/v1/service-points/${randomUUID()}`, { staff: 2 }), 404, 'NOT_FOUND');
    expectError(await patch(t.app, `/api/v1/service-points/${first.body.id}`, { brands: ['ems'], wifi: true }), 400, 'VALIDATION');

    const history = await get(t.app, `/api/v1/service-points/${first.body.id}/history`);
    expect(history.body.items.map((i: any) => [i.version, i.change, i.changedFields])).toEqual([
      [1, 'create', []],
      [2, 'update', ['closedOn']],
      [3, 'update', ['villageIds']],
    ]);
    expect(history.body.items[1].record.villageIds).toEqual([v1.id, v2.id].sort());
    expect(history.body.items[2].record.villageIds).toEqual([v1.id]);
    expect((await auditOf('service_point', first.body.id)).map((a) => a.action).sort()).toEqual([
      'service-point.create',
      'service-point.update',
      'service-point.update',
    ]);

    const open2020 = (await get(t.app, `/api/v1/service-points?townCode=${TOWN.xili}&openOn=2020-12-01`)).body.items.map((p: any) => p.id);
    expect(open2020).toEqual(expect.arrayContaining([node.id, first.body.id]));
    const open2022 = (await get(t.app, `/api/v1/service-points?townCode=${TOWN.xili}&openOn=2022-01-01`)).body.items.map((p: any) => p.id);
    expect(open2022).toContain(node.id);
    expect(open2022).not.toContain(first.body.id);
    expect((await get(t.app, `/api/v1/service-points?villageId=${v1.id}`)).body.items.map((p: any) => p.id)).toEqual([first.body.id]);
    expect((await get(t.app, `/api/v1/service-points?brand=yunda&kind=county_hub`)).body.items.map((p: any) => p.id)).toContain(hub.id);
    expect((await get(t.app, `/api/v1/service-points/${node.id}`)).body).toMatchObject({ coldChain: true, staff: 6, upstreamId: hub.id });
    expectError(await get(t.app, `/api/v1/service-points/${randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await get(t.app, '/api/v1/service-points?town=1'), 400, 'VALIDATION');
  });

  it('enforces the tiers: a proxy works through its own town service centre; dates, brands and villages must make sense', async () => {
    const node = await servicePoint({ kind: 'town_node', name: '西里镇服务中心' });
    const otherTownNode = await servicePoint({ kind: 'town_node', townCode: TOWN.dongli, name: '东里镇服务中心' });
    const station = await servicePoint({ upstreamId: node.id });
    const cases: [Record<string, unknown>, string[]][] = [
      [{ mode: 'proxy' }, ['upstreamId']],
      [{ mode: 'proxy', upstreamId: otherTownNode.id }, ['upstreamId']],
      [{ mode: 'proxy', kind: 'town_node', upstreamId: node.id }, ['mode', 'upstreamId']],
      [{ upstreamId: station.id }, ['upstreamId']],
      [{ upstreamId: randomUUID() }, ['upstreamId']],
      [{ closedOn: '2020-06-15' }, ['closedOn']],
      [{ brands: ['ems', 'dhl'] }, ['brands.1']],
      [{ brands: [] }, ['brands']],
      [{ villageIds: [randomUUID()] }, ['villageIds']],
      [{ townCode: undefined }, ['townCode']],
      [{ mode: 'drone' }, ['mode']],
      [{ openedOn: '2020-13-01' }, ['openedOn']],
      [{ code: 'has space' }, ['code']],
    ];
    for (const [change, paths] of cases) {
      const res = await post(t.app, '/api/v1/service-points', pointInput(change));
      expectError(res, 400, 'VALIDATION');
      expect(res.body.error.issues.map((i: any) => i.path).sort(), JSON.stringify(change)).toEqual(paths);
    }
    // A node that a station hands parcels to cannot stop being a node.
    const demoted = await patch(t.app, `/api/v1/service-points/${node.id}`, { kind: 'village_station' });
    expectError(demoted, 400, 'VALIDATION');
    expect(demoted.body.error.issues.map((i: any) => i.path)).toContain('kind');
    const proxy = await servicePoint({ mode: 'proxy', upstreamId: node.id, name: '村民代办点' });
    expectError(await patch(t.app, `/api/v1/service-points/${node.id}`, { townCode: TOWN.dongli }), 400, 'VALIDATION');
    expectError(await patch(t.app, `/api/v1/service-points/${proxy.id}`, { upstreamId: null }), 400, 'VALIDATION');
    expectError(await patch(t.app, `/api/v1/service-points/${station.id}`, { code: proxy.code }), 409, 'CONFLICT');
  });
});

// ---------------------------------------------------------------------------------------------

describe('coverage', () => {
  // 石桥镇: A is served by station S1 (ems, zto) from 2020-06-15 until it closes on 2021-03-01, and by
  // S2 (yto) from that same day; B only by a villager proxy; C was surveyed and has no service; D
  // has no data; the community E is served but never counted.
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const town = TOWN.shiqiao;
    ids.A = (await village(town, { name: '石桥村' })).id;
    ids.B = (await village(town, { name: '深山村' })).id;
    ids.C = (await village(town, { name: '搬迁村', surveyStatus: 'confirmed_uncovered', surveyedOn: '2020-10-01' })).id;
    ids.D = (await village(town, { name: '无数据村' })).id;
    ids.E = (await village(town, { name: '石桥社区', kind: 'community' })).id;
    const node = await servicePoint({ kind: 'town_node', townCode: town, brands: ['ems', 'zto', 'yto'], openedOn: '2019-05-01', name: '石桥镇快递服务中心' });
    ids.node = node.id;
    await servicePoint({
      townCode: town,
      upstreamId: node.id,
      brands: ['ems', 'zto'],
      openedOn: '2020-06-15',
      closedOn: '2021-03-01',
      villageIds: [ids.A, ids.E],
    });
    await servicePoint({ townCode: town, upstreamId: node.id, mode: 'courier_commerce', brands: ['yto'], openedOn: '2021-03-01', villageIds: [ids.A] });
    await servicePoint({
      townCode: town,
      upstreamId: node.id,
      mode: 'proxy',
      brands: ['ems'],
      openedOn: '2020-01-01',
      villageIds: [ids.B],
      name: '村民代办点',
    });
  });

  const townRow = async (query: string, town: string = TOWN.shiqiao) => {
    const res = await get(t.app, `/api/v1/coverage?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { row: res.body.byTown.find((r: any) => r.townCode === town), body: res.body };
  };

  it('counts a village from the opening day, not the day before; the closing day ends a station', async () => {
    const before = (await townRow('date=2020-06-14')).row;
    expect(before).toMatchObject({
      denominator: 4,
      denominatorSource: 'villages',
      covered: 0,
      coveredByProxy: 1,
      uncovered: 2,
      noData: 1,
      rate: 0,
      rateWithProxy: 0.25,
      label: '0 / 4 建制村',
    });
    const opening = (await townRow('date=2020-06-15')).row;
    expect(opening).toMatchObject({ covered: 1, coveredByProxy: 1, uncovered: 1, noData: 1, rate: 0.25, rateWithProxy: 0.5, label: '1 / 4 建制村' });
    // S1 closes on 2021-03-01 and S2 opens that day: A stays covered, but ZTO no longer reaches it.
    expect((await townRow('date=2021-03-01')).row.covered).toBe(1);
    expect((await townRow('date=2021-02-28&brand=zto')).row.covered).toBe(1);
    expect((await townRow('date=2021-03-01&brand=zto')).row).toMatchObject({ covered: 0, uncovered: 3, noData: 1 });
  });

  it('excludes communities from numerator and denominator, and lists the villages with no data', async () => {
    const { row, body } = await townRow('date=2021-06-01');
    expect(row).toMatchObject({ importedVillages: 5, communitiesExcluded: 1, denominator: 4, covered: 1, coveredByProxy: 1, uncovered: 1, noData: 1 });
    expect(body.noDataVillages.filter((v: any) => v.townCode === TOWN.shiqiao)).toEqual([
      { id: ids.D, code: expect.any(String), name: '无数据村', townCode: TOWN.shiqiao },
    ]);
    const detail = await get(t.app, `/api/v1/coverage/villages?townCode=${TOWN.shiqiao}&date=2021-06-01`);
    const status = Object.fromEntries(detail.body.items.map((v: any) => [v.name, v.status]));
    expect(status).toEqual({ 石桥村: 'covered', 深山村: 'proxy', 搬迁村: 'uncovered', 无数据村: 'no_data', 石桥社区: 'excluded' });
    expect(detail.body.items.find((v: any) => v.name === '石桥村').servedBy).toEqual([
      { id: expect.any(String), code: expect.any(String), mode: 'courier_commerce' },
    ]);
    const noData = await get(t.app, `/api/v1/coverage/villages?townCode=${TOWN.shiqiao}&status=no_data`);
    expect(noData.body.items.map((v: any) => v.id)).toEqual([ids.D]);
    // Surveying D as uncovered moves it from "no data" to "uncovered".
    await patch(t.app, `/api/v1/villages/${ids.D}`, { surveyStatus: 'confirmed_uncovered', surveyedOn: '2026-11-01' });
    expect((await townRow('date=2021-06-01')).row).toMatchObject({ uncovered: 2, noData: 0 });
    await patch(t.app, `/api/v1/villages/${ids.D}`, { surveyStatus: 'unsurveyed' });
  });

  it('gives each carrier its reach (通达率) on the same denominator', async () => {
    expect((await townRow('date=2021-06-01&brand=ems')).row).toMatchObject({ covered: 0, coveredByProxy: 1, denominator: 4 });
    expect((await townRow('date=2021-06-01&brand=yto')).row).toMatchObject({ covered: 1, coveredByProxy: 0 });
    const { body } = await townRow('date=2021-06-01');
    const carriers = (await get(t.app, '/api/v1/carriers')).body.items.map((c: any) => c.code);
    expect(body.byBrand.map((b: any) => b.carrierCode)).toEqual(carriers);
    expect(body.byBrand.find((b: any) => b.carrierCode === 'deppon')).toMatchObject({ covered: 0, coveredByProxy: 0, rate: 0 });
    expectError(await get(t.app, '/api/v1/coverage?brand=dhl'), 400, 'VALIDATION');
  });

  it('falls back to the reference village count for a town with no villages on record, and says so', async () => {
    const { row, body } = await townRow('date=2021-06-01', TOWN.yanya);
    expect(row).toMatchObject({
      denominator: 30,
      denominatorSource: 'reference',
      referenceVillageCount: 30,
      importedVillages: 0,
      covered: 0,
      noData: 30,
      label: '0 / 30 建制村（参考数）',
    });
    expect(body.townsWithoutVillages).toContain(TOWN.yanya);
    expect(body.county.denominatorSource).toBe('mixed');
    expect(body.county.denominator).toBe(body.byTown.reduce((s: number, r: any) => s + r.denominator, 0));
    expect(body.county.label).toMatch(/^\d+ \/ \d+ 建制村（部分为参考数）$/);
  });

  it('shows the upper tiers and the targets', async () => {
    const early = (await townRow('date=2019-04-30')).body;
    expect(early.network.townsWithoutNode).toContain(TOWN.shiqiao);
    const later = (await townRow('date=2021-06-01')).body;
    expect(later.network.townsWithoutNode).not.toContain(TOWN.shiqiao);
    expect(later.targets.map((x: any) => [x.by, x.rate, x.countsProxy])).toEqual([
      ['2020-12-31', 0.8, true],
      ['2021-12-31', 1, true],
    ]);
    expect(later.targets[0].status).toBe('missed');
    expect(later.targets[1].status).toBe('open');
    expect((await townRow('date=2021-06-01')).row.belowTarget).toBe(true);
    // Today is the default date.
    expect((await get(t.app, '/api/v1/coverage')).body.date).toBe('2026-11-29');
  });

  it('gives a series by month end or by day, for a town or the county', async () => {
    const monthly = await get(t.app, `/api/v1/coverage/series?townCode=${TOWN.shiqiao}&from=2020-05-01&to=2021-03-15`);
    expect(monthly.status).toBe(200);
    expect(monthly.body).toMatchObject({ from: '2020-05-01', to: '2021-03-15', interval: 'month', townCode: TOWN.shiqiao, denominatorSource: 'villages' });
    const points = monthly.body.points;
    expect(points.map((p: any) => p.date)).toEqual([
      '2020-05-31',
      '2020-06-30',
      '2020-07-31',
      '2020-08-31',
      '2020-09-30',
      '2020-10-31',
      '2020-11-30',
      '2020-12-31',
      '2021-01-31',
      '2021-02-28',
      '2021-03-15',
    ]);
    expect(points[0]).toEqual({ date: '2020-05-31', denominator: 4, covered: 0, coveredByProxy: 1, uncovered: 2, noData: 1, rate: 0, rateWithProxy: 0.25 });
    expect(points.slice(1).every((p: any) => p.covered === 1)).toBe(true);
    const daily = await get(t.app, `/api/v1/coverage/series?townCode=${TOWN.shiqiao}&from=2021-02-27&to=2021-03-02&interval=day&brand=zto`);
    expect(daily.body.points.map((p: any) => [p.date, p.covered])).toEqual([
      ['2021-02-27', 1],
      ['2021-02-28', 1],
      ['2021-03-01', 0],
      ['2021-03-02', 0],
    ]);
    const county = await get(t.app, '/api/v1/coverage/series?from=2020-01-01&to=2020-12-31');
    expect(county.body.points).toHaveLength(12);
    expect(county.body.denominatorSource).toBe('mixed');
    expect(county.body.targets).toHaveLength(2);
    const byDefault = await get(t.app, '/api/v1/coverage/series');
    expect(byDefault.body.to).toBe('2026-11-29');
    expect(byDefault.body.from <= '2019-05-01').toBe(true);
    expectError(await get(t.app, '/api/v1/coverage/series?from=2021-01-01&to=2020-01-01'), 400, 'VALIDATION');
    expectError(await get(t.app, '/api/v1/coverage/series?from=2000-01-01&to=2026-01-01&interval=day'), 400, 'VALIDATION');
    expectError(await get(t.app, '/api/v1/coverage/series?interval=week'), 400, 'VALIDATION');
  });
});

// ---------------------------------------------------------------------------------------------

describe('targets', () => {
  it('are seeded from the reference data and replaced by an admin, with an audit row', async () => {
    const seeded = await get(t.app, '/api/v1/coverage/targets');
    expect(seeded.body.items.map((x: any) => [x.by, x.rate, x.countsProxy])).toEqual([
      ['2020-12-31', 0.8, true],
      ['2021-12-31', 1, true],
    ]);
    const next = {
      items: [
        { by: '2021-12-31', rate: 1 },
        { by: '2020-12-31', rate: 0.85, countsProxy: false, label: '省定目标' },
      ],
    };
    const res = await put(t.app, '/api/v1/coverage/targets', next);
    expect(res.status).toBe(200);
    expect(res.body.items.map((x: any) => [x.by, x.rate, x.countsProxy, x.label])).toEqual([
      ['2020-12-31', 0.85, false, '省定目标'],
      ['2021-12-31', 1, true, null],
    ]);
    expect((await get(t.app, '/api/v1/coverage?date=2020-06-01')).body.targets.map((x: any) => x.rate)).toEqual([0.85, 1]);
    const audit = await get(t.app, '/api/v1/audit?action=coverage-targets.set');
    expect(audit.body.items[0].details.after).toEqual([
      { by: '2020-12-31', rate: 0.85, countsProxy: false, label: '省定目标' },
      { by: '2021-12-31', rate: 1, countsProxy: true, label: null },
    ]);

    for (const bad of [
      { items: [] },
      { items: [{ by: '2020-12-31', rate: 1.2 }] },
      { items: [{ by: '2020-12-31', rate: 0 }] },
      {
        items: [
          { by: '2020-12-31', rate: 0.8 },
          { by: '2020-12-31', rate: 0.9 },
        ],
      },
      { items: [{ by: '2020-12-31', rate: 0.12345 }] },
    ]) {
      expectError(await put(t.app, '/api/v1/coverage/targets', bad), 400, 'VALIDATION');
    }
    expect(
      (
        await put(t.app, '/api/v1/coverage/targets', {
          items: seeded.body.items.map(({ by, rate, countsProxy, label }: any) => ({ by, rate, countsProxy, label })),
        })
      ).status,
    ).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('village imports', () => {
  const town = TOWN.yuezhuang;
  const csv = (lines: string[]) => ({ format: 'csv', content: lines.join('\n') });
  const good = [
    'code,townCode,name,kind,surveyStatus,surveyedOn,notes',
    `${town}201,悦庄镇,悦庄村,建制村,,,`,
    `${town}202,${town},"韩旺村",村,,,"靠近, 公路"`,
    `${town}001,悦庄,悦庄社区,社区,,,`,
    `${town}203,悦庄镇,东峪村,,确认未通,2020/9/1,`,
  ];

  it('reports every bad row with its row number and field, and writes nothing', async () => {
    const before = await count('villages');
    const versionsBefore = await count('village_versions');
    const file = csv([
      ...good,
      `${town}204,悦庄镇,坏村一,hamlet,,,`,
      `${town}205,不存在镇,坏村二,,,,`,
      `3703231042,悦庄镇,坏村三,,,,`,
      `${town}201,悦庄镇,重复村,,,,`,
      `${town}206,悦庄镇,悦庄村,,,,`,
      `${town}207,悦庄镇,坏村四,,确认未通,,`,
      `${town}208,悦庄镇,坏村五,,,2020-02-30,`,
      ``,
      `${town}209,悦庄镇,,,,,`,
    ]);
    const res = await post(t.app, '/api/v1/villages/import', file);
    expectRejected(res);
    expect(res.body.rowErrors).toEqual([
      { row: 2, field: 'name', message: expect.stringContaining('row 10') },
      { row: 6, field: 'kind', message: expect.any(String) },
      { row: 7, field: 'townCode', message: expect.stringContaining('不存在镇') },
      { row: 8, field: 'code', message: expect.stringContaining('12-digit') },
      { row: 9, field: 'code', message: 'is also on row 2' },
      { row: 10, field: 'name', message: expect.stringContaining('row 2') },
      { row: 11, field: 'surveyedOn', message: expect.any(String) },
      { row: 12, field: 'surveyedOn', message: expect.any(String) },
      { row: 14, field: 'name', message: expect.any(String) },
    ]);
    expect(res.body.error.issues).toContainEqual({ path: 'rows.7.townCode', message: expect.any(String) });
    expect(await count('villages')).toBe(before);
    expect(await count('village_versions')).toBe(versionsBefore);
    expect((await get(t.app, '/api/v1/audit?action=village.import')).body.items).toEqual([]);

    // A dry run of the same file answers 200 with the same errors, and writes nothing either.
    const dry = await post(t.app, '/api/v1/villages/import', { ...file, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ ok: false, dryRun: true, importId: null });
    expect(dry.body.errors).toEqual(res.body.rowErrors);
    expect(await count('villages')).toBe(before);
  });

  it('reports header problems on row 1: unknown, repeated and missing columns', async () => {
    const res = await post(t.app, '/api/v1/villages/import', csv(['序号,code,村名,name,population', `1,${town}290,某村,某村,300`]));
    expectRejected(res);
    expect(res.body.rowErrors).toEqual([
      { row: 1, field: 'name', message: expect.stringContaining('twice') },
      { row: 1, field: 'population', message: expect.stringContaining('not a known column') },
      { row: 1, field: 'townCode', message: 'is a required column' },
    ]);
    expectError(await post(t.app, '/api/v1/villages/import', { format: 'csv', content: '\n\n' }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/villages/import', { format: 'xlsx', content: Buffer.from('not a zip').toString('base64') }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/villages/import', { format: 'xlsx', content: '***' }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/villages/import', { format: 'pdf', content: 'x' }), 400, 'VALIDATION');
    const tooMany = ['code,townCode,name', ...Array.from({ length: 5001 }, (_, i) => `${town}${String(i).padStart(3, '0')},${town},村${i}`)].join('\n');
    const rows = await post(t.app, '/api/v1/villages/import', { format: 'csv', content: tooMany });
    expectError(rows, 400, 'VALIDATION');
    expect(rows.body.error.issues).toEqual([{ path: 'content', message: expect.stringContaining('at most 5000') }]);
    expectError(await post(t.app, '/api/v1/villages/import', { format: 'csv', content: 'x'.repeat(2 * 1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
    expect((await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items).toEqual([]);
  });

  it('previews, then imports; re-importing changes nothing; a narrower file changes only its columns', async () => {
    const dry = await post(t.app, '/api/v1/villages/import', { ...csv(good), dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ ok: true, dryRun: true, importId: null, summary: { rows: 4, created: 4, updated: 0, unchanged: 0 }, errors: [] });
    expect(dry.body.rows.map((r: any) => [r.row, r.action, r.id])).toEqual([
      [2, 'create', null],
      [3, 'create', null],
      [4, 'create', null],
      [5, 'create', null],
    ]);
    expect((await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items).toEqual([]);

    const res = await post(t.app, '/api/v1/villages/import', csv(good));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, dryRun: false, importId: expect.any(String), summary: { rows: 4, created: 4 } });
    const list = (await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items;
    expect(list.map((v: any) => [v.code.slice(-3), v.name, v.kind, v.surveyStatus, v.surveyedOn, v.notes])).toEqual([
      ['001', '悦庄社区', 'community', 'unsurveyed', null, null],
      ['201', '悦庄村', 'village', 'unsurveyed', null, null],
      ['202', '韩旺村', 'village', 'unsurveyed', null, '靠近, 公路'],
      ['203', '东峪村', 'village', 'confirmed_uncovered', '2020-09-01', null],
    ]);
    const audit = await get(t.app, `/api/v1/audit?action=village.import&targetId=${res.body.importId}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toMatchObject({ format: 'csv', rows: 4, created: 4 });
    const history = await get(t.app, `/api/v1/villages/${list[1].id}/history`);
    expect(history.body.items).toEqual([expect.objectContaining({ version: 1, change: 'import', importId: res.body.importId })]);

    const again = await post(t.app, '/api/v1/villages/import', csv(good));
    expect(again.body.summary).toEqual({ rows: 4, created: 0, updated: 0, unchanged: 4 });

    // Only code, town and name: the community stays a community, the survey stays.
    const narrow = await post(t.app, '/api/v1/villages/import', csv(['代码,乡镇,名称', `${town}001,悦庄镇,悦庄社区`, `${town}203,悦庄镇,东峪新村`]));
    expect(narrow.body.summary).toEqual({ rows: 2, created: 0, updated: 1, unchanged: 1 });
    const after = (await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items;
    expect(after.find((v: any) => v.code.endsWith('001')).kind).toBe('community');
    expect(after.find((v: any) => v.code.endsWith('203'))).toMatchObject({ name: '东峪新村', surveyStatus: 'confirmed_uncovered', version: 2 });
  });

  it('reads Excel files: Chinese headers, a title row above, dates and numbers as cells', async () => {
    const content = await xlsx([
      ['悦庄镇村居名单（2021年）'],
      ['序号', '代码', '乡镇', '名称', '类型', '撤并日期'],
      [1, Number(`${town}210`), '悦庄镇', '西峪村', '建制村', null],
      [2, Number(`${town}211`), '悦庄镇', '北峪村', '建制村', new Date(Date.UTC(2021, 6, 1))],
    ]);
    const res = await post(t.app, '/api/v1/villages/import', { format: 'xlsx', content });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows.map((r: any) => [r.row, r.code, r.action])).toEqual([
      [3, `${town}210`, 'create'],
      [4, `${town}211`, 'create'],
    ]);
    const merged = (await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items.find((v: any) => v.name === '北峪村');
    expect(merged.dissolvedOn).toBe('2021-07-01');

    const bad = await xlsx([
      ['代码', '乡镇', '名称'],
      [Number(`${town}212`), '悦庄镇', '南峪村'],
      ['abc', '悦庄镇', '坏村'],
    ]);
    const refused = await post(t.app, '/api/v1/villages/import', { format: 'xlsx', content: bad });
    expectRejected(refused);
    expect(refused.body.rowErrors).toEqual([{ row: 3, field: 'code', message: expect.any(String) }]);
    expect((await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items.some((v: any) => v.name === '南峪村')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('service point imports', () => {
  const town = TOWN.zhongzhuang;
  let villages: { code: string; name: string; id: string }[];
  beforeAll(async () => {
    const res = await post(t.app, '/api/v1/villages/import', {
      format: 'csv',
      content: ['code,townCode,name', `${town}201,中庄镇,中庄村`, `${town}202,中庄镇,上崖村`, `${town}203,中庄镇,下崖村`, `${town}204,中庄镇,远山村`].join(
        '\n',
      ),
    });
    expect(res.status).toBe(200);
    villages = (await get(t.app, `/api/v1/villages?townCode=${town}`)).body.items;
  });
  const header =
    'code,name,kind,townCode,mode,upstreamCode,operator,brands,takesOutgoing,openingHours,staff,videoMonitoring,coldChain,openedOn,closedOn,villages';

  it('reports every bad row, resolving references within the file, and writes nothing', async () => {
    const before = await Promise.all([count('service_points'), count('service_point_villages'), count('service_point_versions')]);
    const file = [
      header,
      `ZZ-N,中庄镇快递服务中心,镇级节点,中庄镇,邮快合作,,中庄镇邮政支局,"ems,zto,yto",是,08:00-18:00,5,是,是,2019-07-01,,`,
      `ZZ-V1,中庄村服务站,村级站点,中庄镇,快商合作,ZZ-N,中庄村超市,zto;yto,是,,2,否,否,2020-03-01,,中庄村`,
      `ZZ-V2,上崖村服务站,村级站点,中庄镇,自营网点,ZZ-X,上崖村,ems,是,,1,否,否,2020-03-01,,上崖村`,
      `ZZ-V3,下崖村服务站,村级站点,中庄镇,快快合作,ZZ-N,下崖村,"ems,dhl",是,,1,否,否,2020-03-01,2020-02-01,下崖村 不存在村`,
      `ZZ-V4,远山代办点,村级站点,中庄镇,村民代办,,远山村村民,ems,maybe,,x,否,否,2020/13/01,,远山村`,
      `ZZ-V1,重复站,村级站点,中庄镇,快商合作,ZZ-N,重复,zto,是,,,否,否,2020-03-01,,`,
    ].join('\n');
    const res = await post(t.app, '/api/v1/service-points/import', { format: 'csv', content: file });
    expectRejected(res);
    expect(res.body.rowErrors).toEqual([
      { row: 4, field: 'upstreamCode', message: 'unknown service point "ZZ-X"' },
      { row: 5, field: 'brands', message: 'unknown carrier: dhl' },
      { row: 5, field: 'villages', message: expect.stringContaining('不存在村') },
      { row: 6, field: 'takesOutgoing', message: expect.any(String) },
      { row: 6, field: 'staff', message: 'must be a whole number', code: 'not_a_number', params: { text: 'x' } },
      { row: 6, field: 'openedOn', message: expect.any(String) },
      { row: 7, field: 'code', message: 'is also on row 3' },
    ]);
    expect(await Promise.all([count('service_points'), count('service_point_villages'), count('service_point_versions')])).toEqual(before);

    // The rules between records are checked once every row reads well.
    const rules = [header, `ZZ-P,远山代办点,村级站点,中庄镇,村民代办,,远山村村民,ems,否,,,否,否,2020-05-01,2020-05-01,远山村`].join('\n');
    const refused = await post(t.app, '/api/v1/service-points/import', { format: 'csv', content: rules });
    expect(refused.body.rowErrors).toEqual([
      { row: 2, field: 'closedOn', message: expect.any(String) },
      { row: 2, field: 'upstreamCode', message: expect.stringContaining('villager proxy') },
    ]);
    expect(await Promise.all([count('service_points'), count('service_point_villages'), count('service_point_versions')])).toEqual(before);
  });

  it('imports a node with its stations and a proxy in one file; coverage follows; re-import is idempotent', async () => {
    const file = [
      header,
      `ZZ-V1,中庄村服务站,村级站点,中庄镇,快商合作,ZZ-N,中庄村超市,中通 圆通,是,,2,否,否,2020-03-01,,${town}201`,
      `ZZ-V2,上崖村服务站,村级站点,中庄镇,邮快合作,ZZ-N,上崖村,"ems,zto",是,,1,否,否,2020-09-01,,上崖村、下崖村`,
      `ZZ-P,远山代办点,村级站点,中庄镇,村民代办,ZZ-N,远山村村民,ems,否,,,否,否,2021-05-01,,远山村`,
      `ZZ-N,中庄镇快递服务中心,镇级节点,中庄镇,邮快合作,,中庄镇邮政支局,"ems,zto,yto",是,08:00-18:00,5,是,是,2019-07-01,,`,
    ].join('\n');
    const dry = await post(t.app, '/api/v1/service-points/import', { format: 'csv', content: file, dryRun: true });
    expect(dry.body).toMatchObject({ ok: true, summary: { rows: 4, created: 4 } });
    const res = await post(t.app, '/api/v1/service-points/import', { format: 'csv', content: file });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.summary).toEqual({ rows: 4, created: 4, updated: 0, unchanged: 0 });
    const points = (await get(t.app, `/api/v1/service-points?townCode=${town}`)).body.items;
    const byCode = Object.fromEntries(points.map((p: any) => [p.code, p]));
    const vid = (name: string) => villages.find((v) => v.name === name)!.id;
    expect(byCode['ZZ-V1']).toMatchObject({
      brands: ['zto', 'yto'],
      upstreamId: byCode['ZZ-N'].id,
      villageIds: [vid('中庄村')],
      staff: 2,
      mode: 'courier_commerce',
    });
    expect(byCode['ZZ-V2'].villageIds).toEqual([vid('上崖村'), vid('下崖村')].sort());
    expect(byCode['ZZ-N']).toMatchObject({ kind: 'town_node', coldChain: true, videoMonitoring: true, openingHours: '08:00-18:00', upstreamId: null });

    const row = async (date: string) => (await get(t.app, `/api/v1/coverage?date=${date}`)).body.byTown.find((r: any) => r.townCode === town);
    expect(await row('2020-08-31')).toMatchObject({ denominator: 4, covered: 1, coveredByProxy: 0, uncovered: 3, noData: 0 });
    expect(await row('2021-05-01')).toMatchObject({ covered: 3, coveredByProxy: 1, rateWithProxy: 1 });

    const again = await post(t.app, '/api/v1/service-points/import', { format: 'csv', content: file });
    expect(again.body.summary).toEqual({ rows: 4, created: 0, updated: 0, unchanged: 4 });
    // Closing a station by import: only the columns in the file change.
    const close = await post(t.app, '/api/v1/service-points/import', { format: 'csv', content: ['code,closedOn', 'ZZ-V2,2022-01-01'].join('\n') });
    expect(close.body.summary).toEqual({ rows: 1, created: 0, updated: 1, unchanged: 0 });
    const history = await get(t.app, `/api/v1/service-points/${byCode['ZZ-V2'].id}/history`);
    expect(history.body.items.map((i: any) => [i.version, i.change, i.changedFields])).toEqual([
      [1, 'import', []],
      [2, 'import', ['closedOn']],
    ]);
    expect(history.body.items[1].importId).toBe(close.body.importId);
    expect(await row('2022-01-01')).toMatchObject({ covered: 1, uncovered: 2 });
    expect((await get(t.app, `/api/v1/audit?action=service-point.import&targetId=${close.body.importId}`)).body.items).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('access', () => {
  it('lets every role read, and only an admin write; a refusal writes nothing', async () => {
    const v = await village(TOWN.dongli);
    const p = await servicePoint({ townCode: TOWN.dongli });
    const official = await t.as('official');
    const coop = await t.as(
      'cooperative',
      (await post(t.app, '/api/v1/cooperatives', { name: `合作社-${randomUUID().slice(0, 6)}`, townCode: TOWN.dongli })).body.id,
    );
    const carrier = await t.as('carrier', 'ems');
    const reads = [
      '/api/v1/villages',
      `/api/v1/villages/${v.id}`,
      `/api/v1/villages/${v.id}/history`,
      '/api/v1/service-points',
      `/api/v1/service-points/${p.id}`,
      `/api/v1/service-points/${p.id}/history`,
      '/api/v1/coverage',
      '/api/v1/coverage/series?from=2021-01-01',
      '/api/v1/coverage/villages',
      '/api/v1/coverage/targets',
    ];
    for (const client of [official, coop, carrier]) for (const url of reads) expect((await get(client, url)).status, url).toBe(200);
    for (const url of reads) expectError(await get(t.server, url), 401, 'UNAUTHORIZED');

    const before = await Promise.all([count('villages'), count('service_points'), count('village_versions'), count('service_point_versions')]);
    const targets = (await get(t.app, '/api/v1/coverage/targets')).body;
    for (const client of [official, coop, carrier]) {
      expectError(await post(client, '/api/v1/villages', { code: villageCode(TOWN.dongli), townCode: TOWN.dongli, name: '越权村' }), 403, 'FORBIDDEN');
      expectError(await patch(client, `/api/v1/villages/${v.id}`, { name: '越权村' }), 403, 'FORBIDDEN');
      expectError(
        await post(client, '/api/v1/villages/import', { format: 'csv', content: `code,townCode,name\n${villageCode(TOWN.dongli)},${TOWN.dongli},越权村` }),
        403,
        'FORBIDDEN',
      );
      expectError(await post(client, '/api/v1/service-points', pointInput({ townCode: TOWN.dongli })), 403, 'FORBIDDEN');
      expectError(await patch(client, `/api/v1/service-points/${p.id}`, { closedOn: '2022-01-01' }), 403, 'FORBIDDEN');
      expectError(await post(client, '/api/v1/service-points/import', { format: 'csv', content: `code,closedOn\n${p.code},2022-01-01` }), 403, 'FORBIDDEN');
      expectError(await put(client, '/api/v1/coverage/targets', { items: [{ by: '2020-12-31', rate: 0.5 }] }), 403, 'FORBIDDEN');
    }
    expect(await Promise.all([count('villages'), count('service_points'), count('village_versions'), count('service_point_versions')])).toEqual(before);
    expect((await get(t.app, '/api/v1/coverage/targets')).body).toEqual(targets);
    expect((await get(t.app, `/api/v1/villages/${v.id}`)).body.version).toBe(1);
  });
});

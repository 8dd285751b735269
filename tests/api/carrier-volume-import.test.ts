import { execFileSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rowsOf } from '../../db/client.ts';
import { LiveServerMessage, applyProgressUpdate } from '../../server/contracts/live.ts';
import type { ProgressView } from '../../server/contracts/projects.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post, progress } from '../helpers/factories.ts';

// A day's carrier figures (GET /carrier-volumes), the template, and the spreadsheet import:
// previewed row by row, then written all or nothing through the batch's path.
// The clock is 2026-11-29T04:00Z: noon on 2026-11-29 in Shanghai.

let t: TestApp;
let project: string;
let coop: string;
let ems: Injector;
let sf: Injector;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  t = await buildTestApp();
  project = await createProject(t.app);
  coop = await createCooperative(t.app);
  ems = await t.as('carrier', 'ems');
  sf = await t.as('carrier', 'sf');
});
afterAll(() => t?.close());

async function send(client: Injector, body: string | Buffer, contentType: string, query = '') {
  const res = await client.inject({ method: 'POST', url: `/api/v1/carrier-volumes/import${query}`, payload: body, headers: { 'content-type': contentType } });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}
const csv = (client: Injector, lines: string[], query = '') => send(client, lines.join('\n'), 'text/csv', query);

/** Revisions on record, and audit rows of imports: what a refused or previewed file must leave alone. */
async function written() {
  const [r] = rowsOf<{ revisions: number; imports: number; cells: number }>(
    await t.ctx.db.execute(sql`SELECT (SELECT count(*)::int FROM carrier_volume_revisions) AS revisions,
      (SELECT count(*)::int FROM audit_log WHERE action = 'carrier-volume.import') AS imports,
      (SELECT count(*)::int FROM volume_cells WHERE reported_parcels IS NOT NULL) AS cells`),
  );
  return r;
}

/** A refused file: the standard error, plus its errors row by row. */
function expectRejected(res: { status: number; body: any }) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: expect.objectContaining({ code: 'VALIDATION', message: expect.any(String) }), rowErrors: expect.any(Array) });
}

const day = async (client: Injector, query: string) => {
  const res = await get(client, `/api/v1/carrier-volumes?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    date: string;
    carrierCode: string | null;
    items: { carrierCode: string; townCode: string; productCode: string; reportedParcels: number | null; loggedParcels: number; revision: number }[];
  };
};
const figure = (d: Awaited<ReturnType<typeof day>>, carrier: string, town: string, product = 'apple') =>
  d.items.find((i) => i.carrierCode === carrier && i.townCode === town && i.productCode === product)?.reportedParcels ?? null;

describe('GET /api/v1/carrier-volumes?date=', () => {
  const date = '2026-11-20';

  it("answers each cell's latest report and the cooperatives' pickups; a carrier sees only its own", async () => {
    expect((await day(t.app, `date=${date}`)).items).toEqual([]);
    const p = pickup(coop, { townCode: TOWNS.dongli, carrierCode: 'sf', parcels: 7, pickedUpAt: `${date}T10:00:00+08:00` });
    expect((await post(t.app, '/api/v1/pickups', p)).status).toBe(201);
    for (const [who, url, parcels] of [
      [ems, `/api/v1/carrier-volumes/ems/${TOWNS.yanya}/apple/${date}`, 120],
      [ems, `/api/v1/carrier-volumes/ems/${TOWNS.yanya}/apple/${date}`, 125],
      [sf, `/api/v1/carrier-volumes/sf/${TOWNS.nanma}/cherry/${date}`, 30],
    ] as const)
      expect((await post(who, url, { parcels }, 'PUT')).status).toBe(200);

    const all = await day(t.app, `date=${date}`);
    expect(all.carrierCode).toBeNull();
    expect(all.items).toEqual([
      {
        carrierCode: 'ems',
        townCode: TOWNS.yanya,
        productCode: 'apple',
        date,
        reportedParcels: 125,
        revision: 2,
        reportedAt: expect.any(String),
        reportedBy: expect.stringMatching(/^token:/),
        loggedParcels: 0,
      },
      {
        carrierCode: 'sf',
        townCode: TOWNS.nanma,
        productCode: 'cherry',
        date,
        reportedParcels: 30,
        revision: 1,
        reportedAt: expect.any(String),
        reportedBy: expect.stringMatching(/^token:/),
        loggedParcels: 0,
      },
      {
        carrierCode: 'sf',
        townCode: TOWNS.dongli,
        productCode: 'apple',
        date,
        reportedParcels: null,
        revision: 0,
        reportedAt: null,
        reportedBy: null,
        loggedParcels: 7,
      },
    ]);
    // Officials read the county's figures too; cooperatives none (they see the dashboard's shares).
    expect((await day(await t.as('official'), `date=${date}`)).items).toHaveLength(3);
    expectError(await get(await t.as('cooperative', coop), `/api/v1/carrier-volumes?date=${date}&carrierCode=sf`), 403, 'FORBIDDEN');

    const own = await day(ems, `date=${date}`);
    expect(own.carrierCode).toBe('ems');
    expect(own.items.map((i) => i.carrierCode)).toEqual(['ems']);
    expect((await day(ems, `date=${date}&carrierCode=ems`)).items).toHaveLength(1);
    const refused = await get(ems, `/api/v1/carrier-volumes?date=${date}&carrierCode=sf`);
    expectError(refused, 403, 'FORBIDDEN');
    expect(refused.body.error.issues).toEqual([{ path: 'carrierCode', message: expect.any(String) }]);

    // Filters narrow the day.
    expect((await day(t.app, `date=${date}&townCode=${TOWNS.nanma}`)).items.map((i) => i.productCode)).toEqual(['cherry']);
    expect((await day(t.app, `date=${date}&productCode=apple`)).items).toHaveLength(2);
    expect((await day(t.app, 'date=2026-11-21')).items).toEqual([]);
  });

  it('refuses a missing or bad date, unknown codes and misspelt filters with field-level issues', async () => {
    const cases: [string, string][] = [
      ['', 'date'],
      ['date=2026-13-01', 'date'],
      ['date=20261120', 'date'],
      [`date=${date}&carrierCode=dhl`, 'carrierCode'],
      [`date=${date}&townCode=370323999`, 'townCode'],
      [`date=${date}&productCode=pear`, 'productCode'],
      [`date=${date}&carrier=ems`, 'carrier'],
    ];
    for (const [query, path] of cases) {
      const res = await get(t.app, `/api/v1/carrier-volumes?${query}`);
      expectError(res, 400, 'VALIDATION');
      expect({ query, paths: res.body.error.issues.map((i: any) => i.path) }).toEqual({ query, paths: [path] });
    }
    expectError(await get(t.server, `/api/v1/carrier-volumes?date=${date}`), 401, 'UNAUTHORIZED');
  });
});

describe('GET /api/v1/carrier-volumes/template.csv', () => {
  it('lists every town and product for the day, with the carrier filled in; imports as it is once figures are typed in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/carrier-volumes/template.csv?date=2026-11-25&carrierCode=zto' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="carrier-volumes-zto-2026-11-25.csv"');
    expect(res.body.startsWith('\uFEFF日期,乡镇,产品,承运商,件数\r\n')).toBe(true);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(1 + 12 * 2);
    expect(lines[1]).toBe('2026-11-25,历山街道,沂源苹果,中通快递,');

    // As downloaded, every row is skipped: nothing to write.
    const before = await written();
    const blank = await send(t.app, res.body, 'text/csv', '?dryRun=true');
    expect(blank.status).toBe(200);
    expect(blank.body).toMatchObject({ ok: true, summary: { rows: 24, cells: 0, skipped: 24, parcels: 0 } });

    // Two figures typed in: two cells, the rest skipped.
    const filled = lines.map((l, i) => (i === 1 ? `${l}40` : i === 2 ? `${l}3` : l));
    const done = await csv(t.app, filled);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.summary).toEqual({ rows: 24, cells: 2, parcels: 43, new: 2, changed: 0, unchanged: 0, skipped: 22, invalid: 0 });
    expect(await written()).toMatchObject({ revisions: before.revisions + 2, imports: before.imports + 1 });
    const d = await day(t.app, 'date=2026-11-25&carrierCode=zto');
    expect(d.items.map((i) => [i.townCode, i.productCode, i.reportedParcels])).toEqual([
      ['370323001', 'apple', 40],
      ['370323001', 'cherry', 3],
    ]);
  });

  it("fills in a carrier account's own carrier, and refuses another's, a future day and unknown fields", async () => {
    const own = await ems.inject({ method: 'GET', url: '/api/v1/carrier-volumes/template.csv' });
    expect(own.statusCode).toBe(200);
    expect(own.body.split('\r\n')[1]).toBe('2026-11-29,历山街道,沂源苹果,中国邮政/EMS,');
    expectError(await get(ems, '/api/v1/carrier-volumes/template.csv?carrierCode=sf'), 403, 'FORBIDDEN');
    expectError(await get(t.app, '/api/v1/carrier-volumes/template.csv?date=2026-11-30'), 400, 'VALIDATION');
    expectError(await get(t.app, '/api/v1/carrier-volumes/template.csv?carrier=sf'), 400, 'VALIDATION');
    expectError(await get(await t.as('official'), '/api/v1/carrier-volumes/template.csv'), 403, 'FORBIDDEN');
  });
});

describe('POST /api/v1/carrier-volumes/import', () => {
  const date = '2026-11-27';
  const good = [
    '日期,乡镇,产品,承运商,件数',
    `${date},燕崖镇,沂源苹果,中通快递,1200`,
    `${date},燕崖,樱桃,zto,35`, // a town without 镇, a product without 沂源, a carrier's code
    `${date},${TOWNS.dongli},apple,中通,"2,400"`, // a town's code, a product's code, a carrier by the start of its name; thousands
    `2026/11/26,南麻街道,苹果,ZTO Express,0`, // another date format, English carrier name; zero is a figure
  ];

  it('previews every row against what is on record, writing nothing', async () => {
    expect((await post(t.app, `/api/v1/carrier-volumes/zto/${TOWNS.dongli}/apple/${date}`, { parcels: 2000 }, 'PUT')).status).toBe(200);
    const before = await written();
    const res = await csv(t.app, good, '?dryRun=true');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ok: true, dryRun: true, importId: null, errors: [] });
    expect(res.body.summary).toEqual({ rows: 4, cells: 4, parcels: 3635, new: 3, changed: 1, unchanged: 0, skipped: 0, invalid: 0 });
    expect(res.body.rows).toEqual([
      {
        row: 2,
        date,
        townCode: TOWNS.yanya,
        productCode: 'apple',
        carrierCode: 'zto',
        parcels: 1200,
        previous: null,
        status: 'new',
        errors: [],
        text: { date, townCode: '燕崖镇', productCode: '沂源苹果', carrierCode: '中通快递', parcels: '1200' },
      },
      expect.objectContaining({
        row: 3,
        date,
        townCode: TOWNS.yanya,
        productCode: 'cherry',
        carrierCode: 'zto',
        parcels: 35,
        previous: null,
        status: 'new',
        errors: [],
      }),
      expect.objectContaining({
        row: 4,
        date,
        townCode: TOWNS.dongli,
        productCode: 'apple',
        carrierCode: 'zto',
        parcels: 2400,
        previous: 2000,
        status: 'changed',
        errors: [],
        text: expect.objectContaining({ townCode: TOWNS.dongli, carrierCode: '中通', parcels: '2,400' }),
      }),
      expect.objectContaining({
        row: 5,
        date: '2026-11-26',
        townCode: TOWNS.nanma,
        productCode: 'apple',
        carrierCode: 'zto',
        parcels: 0,
        previous: null,
        status: 'new',
        errors: [],
      }),
    ]);
    expect(await written()).toEqual(before);
    // The JSON form says the same.
    const json = await post(t.app, '/api/v1/carrier-volumes/import', { format: 'csv', content: good.join('\n'), dryRun: true });
    expect(json.status).toBe(200);
    expect(json.body.summary).toEqual(res.body.summary);
    expect(await written()).toEqual(before);
  });

  it('reports every bad row by row and column, and writes nothing, not even the good rows', async () => {
    const bad = [
      'date,town,product,carrier,parcels', // English headers
      `${date},燕崖镇,沂源苹果,中通快递,10`, // 2: good
      `${date},桃花岛,沂源苹果,中通快递,10`, // 3: unknown town
      `${date},燕崖镇,沂源梨,中通快递,10`, // 4: unknown product
      `${date},燕崖镇,沂源苹果,DHL,10`, // 5: unknown carrier
      `2026-02-30,燕崖镇,沂源苹果,中通快递,10`, // 6: not a calendar date
      `2026-11-30,燕崖镇,沂源苹果,中通快递,10`, // 7: a day that has not begun
      `${date},东里镇,沂源苹果,中通快递,-5`, // 8: negative
      `${date},东里镇,沂源樱桃,中通快递,12.5`, // 9: not whole
      `${date},南麻街道,沂源樱桃,中通快递,10000001`, // 10: too large
      `${date},燕崖,apple,zto,11`, // 11: the same cell as row 2
      `${date},,沂源苹果,中通快递,10`, // 12: no town
      `${date},历山街道,沂源苹果,中通快递,十`, // 13: not a number
    ];
    const before = await written();
    const expected = [
      { row: 3, field: 'townCode', message: expect.stringContaining('unknown town') },
      { row: 4, field: 'productCode', message: expect.stringContaining('unknown product') },
      { row: 5, field: 'carrierCode', message: expect.stringContaining('unknown carrier') },
      { row: 6, field: 'date', message: expect.stringContaining('not a calendar date') },
      { row: 7, field: 'date', message: expect.stringContaining('has not begun') },
      { row: 8, field: 'parcels', message: 'must not be negative', code: 'negative', params: { text: '-5' } },
      { row: 9, field: 'parcels', message: 'must be a whole number of parcels', code: 'not_integer', params: { text: '12.5' } },
      { row: 10, field: 'parcels', message: 'must be at most 10,000,000', code: 'too_large', params: { text: '10000001', max: 10_000_000 } },
      { row: 11, field: '', message: 'is the same cell (date, town, product, carrier) as row 2' },
      { row: 12, field: 'townCode', message: 'must not be empty' },
      { row: 13, field: 'parcels', message: 'must be a whole number of parcels', code: 'not_a_number', params: { text: '十' } },
    ];
    const preview = await csv(t.app, bad, '?dryRun=true');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ ok: false, dryRun: true, importId: null });
    expect(preview.body.errors).toEqual(expected);
    expect(preview.body.summary).toMatchObject({ rows: 12, cells: 1, invalid: 11 });
    expect(preview.body.rows.map((r: any) => r.status)).toEqual(['new', ...Array(11).fill('invalid')]);
    expect(preview.body.rows[1]).toMatchObject({ status: 'invalid', townCode: null, errors: [expected[0]], text: { townCode: '桃花岛', parcels: '10' } });

    const refused = await csv(t.app, bad);
    expectRejected(refused);
    expect(refused.body.error.message).toBe('11 rows have errors; nothing was written');
    expect(refused.body.rowErrors).toEqual(expected);
    expect(refused.body.error.issues).toContainEqual({ path: 'rows.3.townCode', message: expect.any(String) });
    expect(refused.body.error.issues).toContainEqual({ path: 'rows.11', message: expect.any(String) });
    expect(await written()).toEqual(before);
    expect(figure(await day(t.app, `date=${date}&carrierCode=zto`), 'zto', TOWNS.yanya)).toBeNull();
  });

  it('writes a good file in one go: tallies move as for any report, verify agrees, and re-sending it changes nothing', async () => {
    const counted = (await progress(t.app, project)).confirmedParcels;
    const before = await written();
    const res = await csv(t.app, good);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ok: true, dryRun: false, importId: expect.any(String), errors: [] });
    expect(res.body.summary).toEqual({ rows: 4, cells: 4, parcels: 3635, new: 3, changed: 1, unchanged: 0, skipped: 0, invalid: 0 });
    expect(await written()).toEqual({ revisions: before.revisions + 4, imports: before.imports + 1, cells: before.cells + 3 });
    // The apple project counts its three apple cells: 1200 and 0 new, 2000 → 2400.
    expect((await progress(t.app, project)).confirmedParcels - counted).toBe(1200 + 0 + 400);
    const d = await day(t.app, `date=${date}&carrierCode=zto`);
    expect([figure(d, 'zto', TOWNS.yanya), figure(d, 'zto', TOWNS.yanya, 'cherry'), figure(d, 'zto', TOWNS.dongli)]).toEqual([1200, 35, 2400]);
    const audit = await get(t.app, `/api/v1/audit?action=carrier-volume.import&targetId=${res.body.importId}`);
    expect(audit.body.items).toHaveLength(1);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);

    // The same file again: every cell unchanged, no revision added, the tallies as they were.
    const again = await csv(t.app, good);
    expect(again.status).toBe(200);
    expect(again.body.summary).toMatchObject({ cells: 4, new: 0, changed: 0, unchanged: 4 });
    expect(again.body.rows.map((r: any) => r.previous)).toEqual([1200, 35, 2400, 0]);
    expect((await written()).revisions).toBe(before.revisions + 4);
    expect((await progress(t.app, project)).confirmedParcels - counted).toBe(1600);

    // One figure revised: one revision more, the latest report wins.
    const revised = await csv(
      t.app,
      good.map((l, i) => (i === 1 ? l.replace(',1200', ',1300') : l)),
    );
    expect(revised.body.summary).toMatchObject({ new: 0, changed: 1, unchanged: 3 });
    expect(revised.body.rows[0]).toMatchObject({ previous: 1200, parcels: 1300, status: 'changed' });
    expect((await written()).revisions).toBe(before.revisions + 5);
    expect((await progress(t.app, project)).confirmedParcels - counted).toBe(1700);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);
  });

  it('tells live dashboards, which end with the figures the API reports', async () => {
    const official = await t.as('official');
    // A real socket on a listening server, as a dashboard connects.
    await t.server.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.server.server.address() as { port: number }).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: { authorization: `Bearer ${official.token}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const views = new Map<string, ProgressView>();
    ws.on('message', (data) => {
      const msg = LiveServerMessage.parse(JSON.parse(String(data)));
      if (msg.type === 'snapshot') for (const p of msg.projects) views.set(p.project.id, p.progress);
      if (msg.type === 'progress' && views.has(msg.projectId)) views.set(msg.projectId, applyProgressUpdate(views.get(msg.projectId)!, msg));
    });
    try {
      await expect.poll(() => views.has(project), { timeout: 10_000 }).toBe(true);
      const before = views.get(project)!.confirmedParcels;
      const res = await csv(t.app, ['日期,乡镇,产品,承运商,件数', '2026-11-23,鲁村镇,沂源苹果,韵达快递,321']);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const expected = (await progress(t.app, project)).confirmedParcels;
      expect(expected - before).toBe(321);
      await expect.poll(() => views.get(project)!.confirmedParcels, { timeout: 10_000 }).toBe(expected);
    } finally {
      ws.terminate();
    }
  });

  it('reads .xlsx, as the body itself or base64 in JSON, with date and number cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('圆通');
    sheet.addRow(['圆通速递 11月28日 分乡镇发件量']); // a title above the header
    sheet.addRow(['序号', '日期', '乡镇', '产品', '承运商', '件数']);
    sheet.addRow([1, new Date(Date.UTC(2026, 10, 28)), '石桥镇', '沂源苹果', '圆通速递', 640]);
    sheet.addRow([2, '2026-11-28', '西里镇', '沂源苹果', 'yto', 88]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());

    const before = await written();
    const preview = await send(t.app, file, XLSX, '?dryRun=true');
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.rows).toEqual([
      expect.objectContaining({ row: 3, date: '2026-11-28', townCode: TOWNS.shiqiao, carrierCode: 'yto', parcels: 640, status: 'new' }),
      expect.objectContaining({ row: 4, date: '2026-11-28', townCode: '370323105', carrierCode: 'yto', parcels: 88, status: 'new' }),
    ]);
    expect(await written()).toEqual(before);

    const res = await post(t.app, '/api/v1/carrier-volumes/import', { format: 'xlsx', content: file.toString('base64') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.summary).toMatchObject({ cells: 2, parcels: 728, new: 2 });
    expect(figure(await day(t.app, 'date=2026-11-28&carrierCode=yto'), 'yto', TOWNS.shiqiao)).toBe(640);

    const again = await send(t.app, file, XLSX);
    expect(again.body.summary).toMatchObject({ unchanged: 2, new: 0, changed: 0 });

    // A bad cell in a workbook: refused with its row, nothing written.
    sheet.getCell('F4').value = -1;
    const badFile = Buffer.from(await workbook.xlsx.writeBuffer());
    const mid = await written();
    const refused = await send(t.app, badFile, XLSX);
    expectRejected(refused);
    expect(refused.body.rowErrors).toEqual([{ row: 4, field: 'parcels', message: 'must not be negative', code: 'negative', params: { text: '-1' } }]);
    expect(await written()).toEqual(mid);
  });

  it('reads a CSV saved by Excel in GB18030', async () => {
    const text = ['日期,乡镇,产品,承运商,件数', '2026-11-24,鲁村镇,沂源苹果,申通快递,55'].join('\r\n');
    const encoded = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });
    expect(encoded.equals(Buffer.from(text))).toBe(false);
    const res = await send(t.app, encoded, 'text/csv', '?dryRun=true');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows[0]).toMatchObject({ townCode: '370323102', productCode: 'apple', carrierCode: 'sto', parcels: 55, status: 'new' });
  });

  it('refuses an unreadable, empty, oversized or wrongly typed body, and a misspelt query, writing nothing', async () => {
    const before = await written();
    expectError(await send(t.app, 'x'.repeat(2 * 1024 * 1024 + 10), 'text/csv'), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await send(t.app, good.join('\n'), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await send(t.app, '%PDF-1.7', 'application/pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await send(t.app, 'a=1', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await send(t.app, Buffer.from('not a zip'), XLSX), 400, 'VALIDATION');
    expectError(await send(t.app, '\n\n', 'text/csv'), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/carrier-volumes/import', { format: 'pdf', content: 'x' }), 400, 'VALIDATION');
    expectError(await post(t.app, '/api/v1/carrier-volumes/import', { format: 'csv', content: good.join('\n'), extra: 1 }), 400, 'VALIDATION');
    expectError(await csv(t.app, good, '?dryrun=true'), 400, 'VALIDATION');
    const tooMany = ['日期,乡镇,产品,承运商,件数', ...Array.from({ length: 5001 }, () => `${date},燕崖镇,沂源苹果,中通快递,1`)];
    const rows = await csv(t.app, tooMany);
    expectError(rows, 400, 'VALIDATION');
    expect(rows.body.error.issues[0].message).toContain('at most 5000');
    // A header that is not the layout: unknown and missing columns, on row 1.
    const header = await csv(t.app, ['日期,村,产品,件数', `${date},燕崖,苹果,1`]);
    expectRejected(header);
    expect(header.body.rowErrors).toEqual(
      expect.arrayContaining([
        { row: 1, field: '村', message: expect.stringContaining('is not a known column') },
        { row: 1, field: 'townCode', message: 'is a required column' },
      ]),
    );
    // An administrator's file must say whose figures each row holds.
    const noCarrier = await csv(t.app, ['日期,乡镇,产品,件数', `${date},燕崖,苹果,1`]);
    expectRejected(noCarrier);
    expect(noCarrier.body.rowErrors).toEqual([{ row: 1, field: 'carrierCode', message: expect.stringContaining('required') }]);
    expect(await written()).toEqual(before);
  });

  it('lets a carrier import its own figures only, and nobody else import at all', async () => {
    const file = ['日期,乡镇,产品,件数', `${date},张家坡镇,沂源苹果,77`];
    const before = await written();
    // Without a carrier column, the rows are the account's own carrier's.
    const res = await csv(ems, file);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rows[0]).toMatchObject({ carrierCode: 'ems', parcels: 77, status: 'new' });
    expect(figure(await day(ems, `date=${date}`), 'ems', '370323108')).toBe(77);

    // A file naming another carrier on any row: refused with that row, nothing written.
    const mixed = ['日期,乡镇,产品,承运商,件数', `${date},张家坡镇,沂源樱桃,EMS,5`, `${date},张家坡镇,沂源苹果,顺丰速运,9`];
    const mid = await written();
    const refused = await csv(ems, mixed);
    expectRejected(refused);
    expect(refused.body.rowErrors).toEqual([{ row: 3, field: 'carrierCode', message: expect.stringContaining('not the carrier of this account') }]);
    expect(await written()).toEqual(mid);
    // …which sf itself may send.
    expect(
      (
        await csv(
          sf,
          mixed.filter((_, i) => i !== 1),
        )
      ).status,
    ).toBe(200);

    for (const who of [await t.as('official'), await t.as('cooperative', coop)]) expectError(await csv(who, file), 403, 'FORBIDDEN');
    expectError(await csv(t.server, file), 401, 'UNAUTHORIZED');
    expect((await written()).revisions).toBe(before.revisions + 2);
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type Injector, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, createProject, expectError, get, pickup, post, progress } from '../helpers/factories.ts';

// POST /api/v1/pickups/import: a CSV file of pickups bulk-loaded through COPY, all rows or none,
// idempotent on ids, counted in the tallies in the same transaction.

let t: TestApp;
let coopA: string;
let coopB: string;
let project: string;
let asCoopA: Injector;

beforeAll(async () => {
  t = await buildTestApp();
  coopA = await createCooperative(t.app);
  coopB = await createCooperative(t.app);
  project = await createProject(t.app);
  asCoopA = await t.as('cooperative', coopA);
});
afterAll(() => t?.close());

const HEADER = 'id,cooperativeId,townCode,village,carrierCode,productCode,variety,parcels,weightKg,pickedUpAt';
type P = Record<string, unknown>;
const csvCell = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvOf = (rows: P[], header = HEADER) =>
  [
    header,
    ...rows.map((r) =>
      header
        .split(',')
        .map((c) => csvCell(r[c]))
        .join(','),
    ),
  ].join('\r\n') + '\r\n';

async function upload(client: Injector, body: string | Buffer, contentType = 'text/csv') {
  const res = await client.inject({ method: 'POST', url: '/api/v1/pickups/import', headers: { 'content-type': contentType }, payload: body });
  return { status: res.statusCode, body: res.json() };
}

async function ledgerRows(): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await t.ctx.db.execute(sql`SELECT count(*)::int AS n FROM pickups`));
  return r.n;
}

describe('POST /api/v1/pickups/import', () => {
  it('writes every row once, counts them in the tallies, and a re-upload writes nothing more', async () => {
    const rows = Array.from({ length: 250 }, (_, i) =>
      pickup(coopA, {
        townCode: [TOWNS.yanya, TOWNS.dongli, TOWNS.nanma][i % 3],
        carrierCode: ['ems', 'sf', 'zto'][i % 3],
        parcels: 1 + (i % 17),
        pickedUpAt: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 3_600_000).toISOString(),
        ...(i % 5 === 0 ? { village: '东里村, "北庄"', variety: '红富士', weightKg: 12.5 } : {}),
      }),
    );
    const parcels = rows.reduce((a, r) => a + (r.parcels as number), 0);
    const before = await progress(t.app, project);
    const ledgerBefore = await ledgerRows();

    const res = await upload(t.app, csvOf(rows));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ importId: expect.any(String), summary: { rows: 250, created: 250, duplicate: 0, conflict: 0 }, conflicts: [] });
    expect(await ledgerRows()).toBe(ledgerBefore + 250);
    expect((await progress(t.app, project)).countedParcels).toBe(before.countedParcels + parcels);
    expect((await verifyTallies({ ctx: t.ctx })).ok).toBe(true);

    // Each row is the pickup POST /pickups would have made: quoted cells, optional fields and all.
    const fifth = await get(t.app, `/api/v1/pickups/${rows[5].id}`);
    expect(fifth.body).toMatchObject({ village: '东里村, "北庄"', variety: '红富士', weightKg: 12.5, parcels: rows[5].parcels, businessDate: '2026-11-01' });
    // …so sending one of them again through the API is a duplicate, not a new pickup or a conflict.
    expect((await post(t.app, '/api/v1/pickups', rows[5])).status).toBe(200);

    // The audit trail has the import, with its counts.
    const audit = rowsOf<{ details: any }>(
      await t.ctx.db.execute(sql`SELECT details FROM audit_log WHERE action = 'pickup.import' AND target_id = ${res.body.importId}`),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ rows: 250, created: 250, duplicate: 0, conflict: 0 });

    const again = await upload(t.app, csvOf(rows));
    expect(again.status).toBe(200);
    expect(again.body.summary).toEqual({ rows: 250, created: 0, duplicate: 250, conflict: 0 });
    expect(await ledgerRows()).toBe(ledgerBefore + 250);
    expect((await progress(t.app, project)).countedParcels).toBe(before.countedParcels + parcels);
  });

  it('reports rows on record with other content as conflicts and writes the rest', async () => {
    const onRecord = pickup(coopA, { parcels: 4 });
    expect((await post(t.app, '/api/v1/pickups', onRecord)).status).toBe(201);
    const fresh = pickup(coopA, { parcels: 6 });
    const repeated = pickup(coopA, { parcels: 2 });
    const before = await progress(t.app, project);
    const res = await upload(t.app, csvOf([fresh, { ...onRecord, parcels: 5 }, repeated, repeated]));
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ rows: 4, created: 2, duplicate: 1, conflict: 1 });
    expect(res.body.conflicts).toEqual([{ row: 3, id: onRecord.id, message: expect.stringContaining('different content') }]);
    expect((await progress(t.app, project)).countedParcels).toBe(before.countedParcels + 8);
    expect((await get(t.app, `/api/v1/pickups/${onRecord.id}`)).body.parcels).toBe(4);
  });

  it('counts each pickup once when the same file is sent twice at the same moment', async () => {
    const rows = Array.from({ length: 2000 }, () => pickup(coopA, { parcels: 1 }));
    const before = await progress(t.app, project);
    const ledgerBefore = await ledgerRows();
    const [a, b] = await Promise.all([upload(t.app, csvOf(rows)), upload(t.app, csvOf(rows))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // One of them wrote every row; the other found them all on record (after a retry, if they met at the key).
    expect([a.body.summary.created, b.body.summary.created].sort((x, y) => x - y)).toEqual([0, 2000]);
    expect(a.body.summary.duplicate + b.body.summary.duplicate).toBe(2000);
    expect(await ledgerRows()).toBe(ledgerBefore + 2000);
    expect((await progress(t.app, project)).countedParcels).toBe(before.countedParcels + 2000);
  });

  it('writes nothing when any row is bad, and names every bad row and field', async () => {
    const good = pickup(coopA);
    const clash = pickup(coopA);
    const rows: P[] = [
      good,
      { ...pickup(coopA), parcels: 'zwölf' },
      { ...pickup(coopA), townCode: '999999999', carrierCode: 'nobody' },
      { ...pickup(coopA), pickedUpAt: '2099-01-01T00:00:00Z' },
      { ...pickup(coopA), id: 'not-a-uuid', weightKg: -3 },
      clash,
      { ...clash, parcels: 99 },
      { ...pickup(coopA), cooperativeId: randomUUID() },
    ];
    const before = await ledgerRows();
    const res = await upload(t.app, csvOf(rows));
    expectError({ status: res.status, body: { error: res.body.error } }, 400, 'VALIDATION');
    const fields = res.body.rowErrors.map((e: any) => `${e.row}.${e.field}`);
    expect(fields).toEqual(
      expect.arrayContaining(['3.parcels', '4.townCode', '4.carrierCode', '5.pickedUpAt', '6.id', '6.weightKg', '8.id', '9.cooperativeId']),
    );
    expect(fields).not.toContain('2.id');
    expect(res.body.error.issues).toEqual(expect.arrayContaining([{ path: 'rows.3.parcels', message: expect.any(String) }]));
    expect(await ledgerRows()).toBe(before);
    expect((await get(t.app, `/api/v1/pickups/${good.id}`)).status).toBe(404);
  });

  it('refuses a file with unknown or missing columns, an empty file, or a row with too many cells', async () => {
    const p = pickup(coopA);
    const unknown = await upload(t.app, csvOf([p], `${HEADER},colour`));
    expect(unknown.status).toBe(400);
    expect(unknown.body.rowErrors).toEqual([{ row: 1, field: 'colour', message: expect.stringContaining('not a known column') }]);

    const missing = await upload(t.app, csvOf([p], 'id,townCode,carrierCode,productCode,parcels,pickedUpAt'));
    expect(missing.status).toBe(400);
    expect(missing.body.rowErrors).toEqual([{ row: 1, field: 'cooperativeId', message: 'column is missing' }]);

    for (const empty of ['', '\r\n', `${HEADER}\r\n`]) expect((await upload(t.app, empty)).status).toBe(400);

    const wide = await upload(t.app, `${csvOf([p])}${csvOf([pickup(coopA)]).split('\r\n')[1]},extra\r\n`);
    expect(wide.status).toBe(400);
    expect(wide.body.rowErrors).toEqual([{ row: 3, field: '', message: expect.stringContaining('cells') }]);
    expect((await get(t.app, `/api/v1/pickups/${p.id}`)).status).toBe(404);
  });

  it('reads a file saved by Excel in GB18030 with a different column order', async () => {
    const p = pickup(coopA, { village: '南鲁山村', parcels: 3 });
    const header = 'pickedUpAt,parcels,productCode,carrierCode,village,townCode,cooperativeId,id';
    // Node has no GB18030 encoder; the bytes of 南鲁山村 in GB18030 are spelt out.
    const text = csvOf([{ ...p, village: '\u0000' }], header);
    const [before, after] = text.split('\u0000');
    const body = Buffer.concat([Buffer.from(before), Buffer.from([0xc4, 0xcf, 0xc2, 0xb3, 0xc9, 0xbd, 0xb4, 0xe5]), Buffer.from(after)]);
    const res = await upload(t.app, body, 'text/csv; charset=gb18030');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await get(t.app, `/api/v1/pickups/${p.id}`)).body.village).toBe('南鲁山村');
  });

  it('answers 415 to a JSON body and 413 to a file over the limit', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/api/v1/pickups/import', payload: { items: [] } });
    expectError({ status: json.statusCode, body: json.json() }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const huge = await upload(t.app, Buffer.alloc(51 * 1024 * 1024, 'a'));
    expectError(huge, 413, 'PAYLOAD_TOO_LARGE');
  });

  describe('scope', () => {
    it('lets a cooperative import its own pickups, leaving cooperativeId out', async () => {
      const rows = [pickup(coopA), pickup(coopA)];
      const header = HEADER.replace('cooperativeId,', '');
      const res = await upload(asCoopA, csvOf(rows, header));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.summary.created).toBe(2);
      expect((await get(t.app, `/api/v1/pickups/${rows[0].id}`)).body).toMatchObject({ cooperativeId: coopA, recordedBy: expect.stringMatching(/^token:/) });
    });

    it("refuses a cooperative's file holding another cooperative's rows with 403, and writes nothing", async () => {
      const mine = pickup(coopA);
      const theirs = pickup(coopB);
      const before = await ledgerRows();
      const res = await upload(asCoopA, csvOf([mine, theirs]));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(res.body.rowErrors).toEqual([{ row: 3, field: 'cooperativeId', message: expect.any(String) }]);
      expect(await ledgerRows()).toBe(before);
      // The same file is fine for an administrator.
      expect((await upload(t.app, csvOf([mine, theirs]))).body.summary.created).toBe(2);
    });

    it('refuses officials and carriers', async () => {
      for (const client of [await t.as('official'), await t.as('carrier', 'ems')]) {
        const res = await upload(client, csvOf([pickup(coopA)]));
        expect(res.status).toBe(403);
      }
    });
  });

  it('leaves verify passing after everything above', async () => {
    expect(await verifyTallies({ ctx: t.ctx })).toMatchObject({ ok: true, differenceCount: 0 });
  });
});

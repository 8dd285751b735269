import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../../db/client.ts';
import {
  CarrierImportInput,
  type CarrierImportResult,
  type CarrierImportRow,
  type CarrierImportRowStatus,
  type CarrierImportSummary,
} from '../../contracts/carrier-import.ts';
import type { CarrierVolumeInput, CarrierVolumeView } from '../../contracts/ledger.ts';
import type { ImportRowError } from '../../contracts/network.ts';
import { carrierReportScope, requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { cell } from '../network/import-support.ts';
import { mapColumns, parseCarrier, parseDate, parseTown, readSheet, rowValues } from '../network/tabular.ts';
import { withTransaction, type Tx } from '../transaction.ts';
import { yieldEvery } from '../yield-to-loop.ts';
import { CARRIER_VOLUME_COLUMNS, parseParcels, parseProduct } from './carrier-import-columns.ts';
import { announceCarrierVolumes, applyCarrierVolumesIn, cellKey, prepareCarrierVolume } from './report-carrier-volumes.ts';

type Planned = { row: CarrierImportRow; volume: CarrierVolumeInput | null };

/**
 * A carrier's figures from a CSV or Excel file, one row per cell. Every row is checked first;
 * a dry run answers that preview (with how each cell compares to the figure on record) and
 * writes nothing. Otherwise all rows are written or none: with any error nothing is written;
 * without, the figures go through the same path as the batch, in one transaction, so the
 * tallies, live updates and idempotency are those of any other report (re-sending a file
 * changes nothing).
 */
export async function importCarrierVolumes({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<CarrierImportResult> {
  requireAccess(ctx, 'carrierCell.report');
  const { format, content, dryRun } = parseInput(CarrierImportInput, input);
  const sheet = await readSheet(format, content, CARRIER_VOLUME_COLUMNS);
  const { index, errors } = mapColumns(sheet, CARRIER_VOLUME_COLUMNS);
  const ownCarrier = carrierReportScope(ctx);
  // An administrator reports for every carrier: which one each row is for cannot be guessed.
  if (ownCarrier === null && !index.has('carrierCode') && errors.length === 0)
    errors.push({ row: sheet.headerRow, field: 'carrierCode', message: "is a required column in an administrator's file" });

  const planned: Planned[] = [];
  const firstRowOfCell = new Map<string, number>();
  if (errors.length === 0) {
    // 5,000 rows are checked in a few hundred milliseconds: other requests go first now and then.
    const breathe = yieldEvery();
    for (const { row, cells } of sheet.rows) {
      await breathe();
      if (cells.every((c) => c.trim() === '')) continue;
      const text = rowValues(cells, index);
      const rowErrors: ImportRowError[] = [];
      const empty = {
        row,
        date: null,
        townCode: null,
        productCode: null,
        carrierCode: null,
        parcels: null,
        previous: null,
        errors: rowErrors,
        text: Object.fromEntries(text) as CarrierImportRow['text'],
      };
      // A row without a figure reports nothing (the template lists every town): it is left out.
      if ((text.get('parcels') ?? '') === '') {
        planned.push({ row: { ...empty, status: 'skipped' }, volume: null });
        continue;
      }
      const required = (field: string) => {
        if ((text.get(field) ?? '') === '') rowErrors.push({ row, field, message: 'must not be empty' });
      };
      ['date', 'townCode', 'productCode', ...(ownCarrier === null ? ['carrierCode'] : [])].forEach(required);
      const values = {
        date: cell(rowErrors, row, 'date', text.get('date'), parseDate, null) ?? null,
        townCode: cell(rowErrors, row, 'townCode', text.get('townCode'), (s) => parseTown(s, ctx.reference.towns), null) ?? null,
        productCode: cell(rowErrors, row, 'productCode', text.get('productCode'), (s) => parseProduct(s, ctx.reference.products), null) ?? null,
        carrierCode: cell(rowErrors, row, 'carrierCode', text.get('carrierCode'), (s) => parseCarrier(s, ctx.reference.carriers), null) ?? ownCarrier,
        parcels: cell(rowErrors, row, 'parcels', text.get('parcels'), parseParcels, null) ?? null,
      };
      if (rowErrors.length === 0) {
        // The same rules as a report sent any other way: a day that has begun, the account's own carrier.
        const prepared = prepareCarrierVolume(ctx, { ...values });
        if (!prepared.ok) {
          const issues = prepared.error.issues ?? [{ path: '', message: prepared.error.message }];
          const carrierName = ctx.reference.carriers.find((c) => c.code === ownCarrier)?.name;
          for (const i of issues) {
            const field = i.path.split('.')[0] ?? '';
            const message = prepared.error.code === 'FORBIDDEN' ? `is not the carrier of this account (${carrierName ?? ownCarrier})` : i.message;
            rowErrors.push({ row, field, message });
          }
        }
      }
      if (rowErrors.length === 0) {
        const key = cellKey(values as CarrierVolumeInput);
        const first = firstRowOfCell.get(key);
        // Two figures for one cell in one file: which is meant cannot be guessed.
        if (first !== undefined) rowErrors.push({ row, field: '', message: `is the same cell (date, town, product, carrier) as row ${first}` });
        else firstRowOfCell.set(key, row);
      }
      const ok = rowErrors.length === 0;
      planned.push({ row: { ...empty, ...values, status: ok ? 'new' : 'invalid' }, volume: ok ? (values as CarrierVolumeInput) : null });
      errors.push(...rowErrors);
    }
  }

  const volumes = planned.flatMap((p) => (p.volume ? [p.volume] : []));
  if (errors.length || dryRun) {
    const current = await reportedFigures(ctx.db, volumes);
    return result({ importId: null, dryRun, planned, errors, current, status: (v) => statusAgainst(current.get(cellKey(v)) ?? null, v.parcels) });
  }

  const importId = randomUUID();
  const { answer, views } = await withTransaction(ctx, async (tx) => {
    const current = await reportedFigures(tx, volumes);
    // The batch's own work, in this transaction: the figures and the import's audit row commit
    // together. Live updates are announced below, once this has committed.
    const views = await applyCarrierVolumesIn(tx, ctx, volumes);
    const viewByKey = new Map(views.map((v) => [cellKey(v), v]));
    const answer = result({
      importId,
      dryRun,
      planned,
      errors,
      current,
      status: (v) => writtenStatus(viewByKey.get(cellKey(v))!, current.get(cellKey(v)) ?? null),
    });
    await writeAudit(tx, ctx, { action: 'carrier-volume.import', targetType: 'import', targetId: importId, details: { format, ...answer.summary } });
    return { answer, views };
  });
  announceCarrierVolumes(ctx, views);
  return answer;
}

function statusAgainst(previous: number | null, parcels: number): CarrierImportRowStatus {
  return previous === null ? 'new' : previous === parcels ? 'unchanged' : 'changed';
}

function writtenStatus(view: CarrierVolumeView, previous: number | null): CarrierImportRowStatus {
  if (!view.changed) return 'unchanged';
  return previous === null ? 'new' : 'changed';
}

/** The figures on record for these cells (absent: never reported). */
async function reportedFigures(db: Db | Tx, volumes: CarrierVolumeInput[]): Promise<Map<string, number>> {
  if (!volumes.length) return new Map();
  const keys = volumes.map((v) => ({ product_code: v.productCode, business_date: v.date, town_code: v.townCode, carrier_code: v.carrierCode }));
  const rows = rowsOf<{ product_code: string; business_date: string; town_code: string; carrier_code: string; reported_parcels: number }>(
    await db.execute(sql`
      SELECT c.product_code, c.business_date::text AS business_date, c.town_code, c.carrier_code, c.reported_parcels::float8 AS reported_parcels
      FROM json_to_recordset(${JSON.stringify(keys)}::json) AS x(product_code text, business_date date, town_code text, carrier_code text)
      JOIN volume_cells c USING (product_code, business_date, town_code, carrier_code)
      WHERE c.reported_parcels IS NOT NULL`),
  );
  return new Map(rows.map((r) => [`${r.product_code}|${r.business_date}|${r.town_code}|${r.carrier_code}`, Number(r.reported_parcels)]));
}

function result(p: {
  importId: string | null;
  dryRun: boolean;
  planned: Planned[];
  errors: ImportRowError[];
  current: Map<string, number>;
  status: (v: CarrierVolumeInput) => CarrierImportRowStatus;
}): CarrierImportResult {
  const rows = p.planned.map(({ row, volume }) => {
    if (!volume) return row;
    const previous = p.current.get(cellKey(volume));
    return { ...row, status: p.status(volume), previous: previous ?? null };
  });
  return {
    importId: p.importId,
    dryRun: p.dryRun,
    ok: p.errors.length === 0,
    summary: summarize(rows),
    rows,
    errors: [...p.errors].sort((a, b) => a.row - b.row),
  };
}

function summarize(rows: CarrierImportRow[]): CarrierImportSummary {
  const count = (s: CarrierImportRowStatus) => rows.filter((r) => r.status === s).length;
  const valid = rows.filter((r) => r.status === 'new' || r.status === 'changed' || r.status === 'unchanged');
  return {
    rows: rows.length,
    cells: valid.length,
    parcels: valid.reduce((sum, r) => sum + (r.parcels ?? 0), 0),
    new: count('new'),
    changed: count('changed'),
    unchanged: count('unchanged'),
    skipped: count('skipped'),
    invalid: count('invalid'),
  };
}

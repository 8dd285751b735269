import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { ErrorIssue } from '../../contracts/common.ts';
import { CarrierVolumeInput, type CarrierVolumeView } from '../../contracts/ledger.ts';
import { carrierReportRefusal } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, issuesFromZod } from '../errors.ts';
import { cellCountDelta } from '../ledger/counting.ts';
import { pickSlot, rollupCte } from '../ledger/tally-sql.ts';
import { auditCte } from '../audit/audit-sql.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { nextTurn } from '../yield-to-loop.ts';
import { withTransaction, type Tx } from '../transaction.ts';

export const cellKey = (v: { productCode: string; date: string; townCode: string; carrierCode: string }) =>
  `${v.productCode}|${v.date}|${v.townCode}|${v.carrierCode}`;

/** Validates one carrier figure; codes must be known and the day must have begun in Shanghai. */
export function prepareCarrierVolume(
  ctx: Ctx,
  raw: unknown,
  pathPrefix: (string | number)[] = [],
): { ok: true; volume: CarrierVolumeInput } | { ok: false; error: DomainError } {
  const parsed = CarrierVolumeInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: DomainError.validation(issuesFromZod(parsed.error, pathPrefix)) };
  const v = parsed.data;
  const prefix = pathPrefix.length ? `${pathPrefix.join('.')}.` : '';
  const issues: ErrorIssue[] = unknownCodeIssues(ctx.reference, v, prefix);
  if (v.date > businessDate(ctx.clock())) issues.push({ path: `${prefix}date`, message: 'must not be a day that has not begun in Asia/Shanghai' });
  if (v.date < '2015-01-01') issues.push({ path: `${prefix}date`, message: 'must not be before 2015' });
  if (issues.length) return { ok: false, error: DomainError.validation(issues) };
  const refusal = carrierReportRefusal(ctx, v.carrierCode, `${prefix}carrierCode`);
  if (refusal) return { ok: false, error: refusal };
  return { ok: true, volume: v };
}

type LockedCell = {
  product_code: string;
  business_date: string;
  town_code: string;
  carrier_code: string;
  logged_parcels: number;
  reported_parcels: number | null;
  revision: number;
};

/**
 * Sets carriers' figures for their cells (each at most once per call). A figure equal to the
 * one on record adds nothing; any other becomes a new revision, and the cell's counted
 * parcels move from the cooperatives' provisional figure (or the previous report) to it.
 */
export async function applyCarrierVolumes(ctx: Ctx, volumes: CarrierVolumeInput[]): Promise<CarrierVolumeView[]> {
  if (!volumes.length) return [];
  const views = await withTransaction(ctx, (tx) => applyCarrierVolumesIn(tx, ctx, volumes));
  announceCarrierVolumes(ctx, views);
  return views;
}

/** Tells live dashboards which cells changed; call once the transaction has committed. */
export function announceCarrierVolumes(ctx: Ctx, views: CarrierVolumeView[]): void {
  if (!ctx.changes) return;
  const byProduct = new Map<string, Set<string>>();
  for (const v of views.filter((x) => x.changed)) byProduct.set(v.productCode, (byProduct.get(v.productCode) ?? new Set()).add(v.date));
  for (const [product, dates] of byProduct) ctx.changes.cellsChanged(product, dates);
}

/** The work of `applyCarrierVolumes` inside the caller's transaction (an import adds its audit row to it). */
export async function applyCarrierVolumesIn(tx: Tx, ctx: Ctx, volumes: CarrierVolumeInput[]): Promise<CarrierVolumeView[]> {
  if (!volumes.length) return [];
  const sorted = [...volumes].sort((a, b) => (cellKey(a) < cellKey(b) ? -1 : 1));
  const views = new Map<string, CarrierVolumeView>();
  // In pieces, in key order (so locks are still taken in the same order by everyone), with a turn
  // of the event loop between: PGlite runs each statement on this thread, and 5,000 cells in one
  // statement held every other request for over a second.
  for (let i = 0; i < sorted.length; i += WRITE_CHUNK) {
    if (i > 0) await nextTurn();
    for (const [key, view] of await applySorted(tx, ctx, sorted.slice(i, i + WRITE_CHUNK))) views.set(key, view);
  }
  return volumes.map((v) => views.get(cellKey(v))!);
}

const WRITE_CHUNK = 500;

async function applySorted(tx: Tx, ctx: Ctx, sorted: CarrierVolumeInput[]): Promise<Map<string, CarrierVolumeView>> {
  const keys = sorted.map((v) => ({ product_code: v.productCode, business_date: v.date, town_code: v.townCode, carrier_code: v.carrierCode }));
  // The no-op DO UPDATE both creates missing cells and locks every cell, in key order,
  // so concurrent reports and pickups for a cell queue instead of losing an update.
  const locked = rowsOf<LockedCell>(
    await tx.execute(sql`
    INSERT INTO volume_cells (product_code, business_date, town_code, carrier_code)
    SELECT product_code, business_date, town_code, carrier_code
    FROM json_to_recordset(${JSON.stringify(keys)}::json) AS x(product_code text, business_date date, town_code text, carrier_code text)
    ORDER BY product_code, business_date, town_code, carrier_code
    ON CONFLICT (product_code, business_date, town_code, carrier_code) DO UPDATE SET revision = volume_cells.revision
    RETURNING product_code, business_date::text AS business_date, town_code, carrier_code,
              logged_parcels::float8 AS logged_parcels, reported_parcels::float8 AS reported_parcels, revision`),
  );
  const cells = new Map(locked.map((c) => [`${c.product_code}|${c.business_date}|${c.town_code}|${c.carrier_code}`, c]));
  const changes: Record<string, unknown>[] = [];
  const views = new Map<string, CarrierVolumeView>();
  for (const v of sorted) {
    const key = cellKey(v);
    const cell = cells.get(key)!;
    const before = { logged: Number(cell.logged_parcels), reported: cell.reported_parcels === null ? null : Number(cell.reported_parcels) };
    if (before.reported === v.parcels) {
      views.set(key, { ...viewOf(v), revision: cell.revision, changed: false });
      continue;
    }
    const delta = cellCountDelta(before, { logged: before.logged, reported: v.parcels });
    const revision = cell.revision + 1;
    changes.push({
      product_code: v.productCode,
      business_date: v.date,
      town_code: v.townCode,
      carrier_code: v.carrierCode,
      parcels: v.parcels,
      revision,
      confirmed: delta.confirmed,
      provisional: delta.provisional,
    });
    views.set(key, { ...viewOf(v), revision, changed: true });
  }
  if (changes.length) {
    await tx.execute(sql`
    WITH ch AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(changes)}::json) AS x(
        product_code text, business_date date, town_code text, carrier_code text,
        parcels bigint, revision int, confirmed bigint, provisional bigint)
    ),
    revs AS (
      INSERT INTO carrier_volume_revisions (carrier_code, town_code, product_code, business_date, revision, parcels, reported_by)
      SELECT carrier_code, town_code, product_code, business_date, revision, parcels, ${ctx.actor.label} FROM ch
      RETURNING 1
    ),
    upd AS (
      UPDATE volume_cells c SET reported_parcels = ch.parcels, revision = ch.revision, updated_at = now()
      FROM ch
      WHERE c.product_code = ch.product_code AND c.business_date = ch.business_date
        AND c.town_code = ch.town_code AND c.carrier_code = ch.carrier_code
      RETURNING 1
    ),
    rollup_delta AS (
      SELECT product_code, business_date, town_code, carrier_code, confirmed, provisional FROM ch
      WHERE confirmed <> 0 OR provisional <> 0
    ),
    ${rollupCte(pickSlot())},
    ${auditCte(ctx, 'audited', 'carrier-volume.revise', 'carrier_volume', 'ch', sql`concat_ws('/', carrier_code, town_code, product_code, business_date, 'r' || revision)`)}
    SELECT (SELECT count(*) FROM revs) AS revisions, (SELECT count(*) FROM upd) AS cells`);
  }
  return views;
}

function viewOf(v: CarrierVolumeInput): Omit<CarrierVolumeView, 'revision' | 'changed'> {
  return { carrierCode: v.carrierCode, townCode: v.townCode, productCode: v.productCode, date: v.date, parcels: v.parcels };
}

import { sql } from 'drizzle-orm';
import { execPrepared } from '../../../db/client.ts';
import { PickupInput, type PickupView } from '../../contracts/ledger.ts';
import type { ErrorIssue } from '../../contracts/common.ts';
import type { Ctx } from '../context.ts';
import { DomainError, issuesFromZod } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { withRetry } from '../transaction.ts';
import { selectPickupsByIds, toPickupView, type PickupRow } from './pickup-rows.ts';
import { assertNotFuture } from './instants.ts';
import { requestHash } from './request-hash.ts';
import { loggedDeltaCtes, pickSlot } from './tally-sql.ts';
import { auditCte } from '../audit/audit-sql.ts';
import { canActForCooperative, canRecordInTown } from '../access.ts';

/** A validated pickup, normalised and ready for the ledger. */
export type PreparedPickup = {
  input: PickupInput;
  pickedUpAt: Date;
  businessDate: string;
  hash: string;
};

export type PickupOutcome =
  { status: 'created' | 'duplicate'; pickup: PickupView } | { status: 'conflict'; pickup: PickupView } | { status: 'invalid'; error: DomainError };

/**
 * Checks one raw item; everything but the cooperative's existence (which needs the database).
 * Every way in (one pickup, a batch, a file) goes through here, so each applies the same scope.
 */
export function preparePickup(
  ctx: Ctx,
  raw: unknown,
  pathPrefix: (string | number)[] = [],
): { ok: true; pickup: PreparedPickup } | { ok: false; error: DomainError } {
  const parsed = PickupInput.safeParse(raw);
  if (!parsed.success) return { ok: false, error: DomainError.validation(issuesFromZod(parsed.error, pathPrefix)) };
  const input = parsed.data;
  const prefix = pathPrefix.length ? `${pathPrefix.join('.')}.` : '';
  const issues: ErrorIssue[] = unknownCodeIssues(ctx.reference, input, prefix);
  const pickedUpAt = new Date(input.pickedUpAt);
  issues.push(...assertNotFuture(ctx, pickedUpAt, `${prefix}pickedUpAt`));
  if (issues.length) return { ok: false, error: DomainError.validation(issues) };
  if (!canActForCooperative(ctx, input.cooperativeId))
    return {
      ok: false,
      error: new DomainError('FORBIDDEN', 'This account may only record pickups for its own cooperative', [
        { path: `${prefix}cooperativeId`, message: 'not your cooperative' },
      ]),
    };
  if (!canRecordInTown(ctx, input.townCode))
    return {
      ok: false,
      error: new DomainError('FORBIDDEN', "This account may only record pickups in its own cooperative's town", [
        { path: `${prefix}townCode`, message: "not your cooperative's town" },
      ]),
    };
  const hash = requestHash([
    'pickup',
    input.cooperativeId,
    input.townCode,
    input.village ?? null,
    input.carrierCode,
    input.productCode,
    input.variety ?? null,
    input.parcels,
    input.weightKg ?? null,
    pickedUpAt.toISOString(),
  ]);
  return { ok: true, pickup: { input, pickedUpAt, businessDate: businessDate(pickedUpAt), hash } };
}

/**
 * Writes pickups and their tallies in one statement. Ids already in the ledger are not
 * written again: each comes back as a duplicate (same content) or a conflict.
 * All cooperatives must exist (a missing one fails the statement on its foreign key).
 */
export async function insertPickups(ctx: Ctx, pickups: PreparedPickup[]): Promise<Map<string, PickupOutcome>> {
  const rows = pickups.map((p) => ({
    id: p.input.id,
    cooperative_id: p.input.cooperativeId,
    town_code: p.input.townCode,
    village: p.input.village ?? null,
    carrier_code: p.input.carrierCode,
    product_code: p.input.productCode,
    variety: p.input.variety ?? null,
    parcels: p.input.parcels,
    weight_kg: p.input.weightKg ?? null,
    picked_up_at: p.pickedUpAt.toISOString(),
    business_date: p.businessDate,
    request_hash: p.hash,
  }));
  const slot = pickSlot();
  const result = await withRetry(() =>
    execPrepared<{ id: string; recorded_at: Date | string }>(
      ctx.db,
      sql`
    WITH input AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(
        id uuid, cooperative_id uuid, town_code text, village text, carrier_code text, product_code text,
        variety text, parcels int, weight_kg numeric, picked_up_at timestamptz, business_date date, request_hash text)
    ),
    ins AS (
      INSERT INTO pickups (id, cooperative_id, town_code, village, carrier_code, product_code, variety,
                           parcels, weight_kg, picked_up_at, business_date, request_hash, recorded_by)
      SELECT id, cooperative_id, town_code, village, carrier_code, product_code, variety,
             parcels, weight_kg, picked_up_at, business_date, request_hash, ${ctx.actor.label}
      FROM input ORDER BY id
      ON CONFLICT (id) DO NOTHING
      RETURNING id, product_code, business_date, town_code, carrier_code, parcels, recorded_at
    ),
    cell_delta AS (
      SELECT product_code, business_date, town_code, carrier_code, sum(parcels)::bigint AS parcels
      FROM ins GROUP BY product_code, business_date, town_code, carrier_code
    ),
    ${loggedDeltaCtes(slot, 'add')},
    ${auditCte(ctx, 'audited', 'pickup.record', 'pickup', 'ins', sql`id::text`)}
    SELECT id::text AS id, recorded_at FROM ins`,
    ),
  );
  const created = new Map<string, Date | string>();
  for (const r of result) created.set(r.id, r.recorded_at);

  if (created.size)
    announce(
      ctx,
      pickups.filter((p) => created.has(p.input.id)),
    );
  const outcomes = new Map<string, PickupOutcome>();
  const existingIds: string[] = [];
  for (const p of pickups) {
    const recordedAt = created.get(p.input.id);
    if (recordedAt === undefined) existingIds.push(p.input.id);
    else outcomes.set(p.input.id, { status: 'created', pickup: viewOfNew(ctx, p, recordedAt) });
  }
  if (existingIds.length) {
    const existing = await execPrepared<PickupRow>(ctx.db, selectPickupsByIds(existingIds));
    const byId = new Map(existing.map((r) => [r.id, r]));
    for (const p of pickups) {
      if (outcomes.has(p.input.id)) continue;
      const row = byId.get(p.input.id);
      // Unreachable unless a row vanished from an append-only table.
      if (!row) throw new Error(`pickup ${p.input.id} neither inserted nor found`);
      outcomes.set(p.input.id, { status: row.request_hash === p.hash ? 'duplicate' : 'conflict', pickup: toPickupView(row) });
    }
  }
  return outcomes;
}

function announce(ctx: Ctx, written: PreparedPickup[]): void {
  if (!ctx.changes) return;
  const byProduct = new Map<string, Set<string>>();
  for (const p of written) {
    const dates = byProduct.get(p.input.productCode) ?? new Set<string>();
    dates.add(p.businessDate);
    byProduct.set(p.input.productCode, dates);
  }
  for (const [product, dates] of byProduct) ctx.changes.cellsChanged(product, dates);
}

function viewOfNew(ctx: Ctx, p: PreparedPickup, recordedAt: Date | string): PickupView {
  return {
    id: p.input.id,
    cooperativeId: p.input.cooperativeId,
    townCode: p.input.townCode,
    village: p.input.village ?? null,
    carrierCode: p.input.carrierCode,
    productCode: p.input.productCode,
    variety: p.input.variety ?? null,
    parcels: p.input.parcels,
    weightKg: p.input.weightKg ?? null,
    pickedUpAt: p.pickedUpAt.toISOString(),
    businessDate: p.businessDate,
    recordedAt: new Date(recordedAt).toISOString(),
    recordedBy: ctx.actor.label,
    voided: null,
  };
}

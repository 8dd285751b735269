import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { PickupListQuery, type PickupView } from '../../contracts/ledger.ts';
import type { PickupPage } from '../../contracts/records.ts';
import { IdParams } from '../../contracts/common.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { pickupViewColumns, pickupViewFrom, toPickupView, type PickupRow } from './pickup-rows.ts';
import { afterCursor, cursorInstant, projectConditions, toPage, unknownCodes, voidedCondition, whereAll } from './record-paging.ts';

/** A cooperative sees its own pickups, a carrier those handed to it; the county sees all. */
function visibleTo(ctx: Ctx): SQL {
  const a = ctx.actor;
  if (a.role === 'cooperative') return sql`p.cooperative_id = ${a.cooperativeId}::uuid`;
  if (a.role === 'carrier') return sql`p.carrier_code = ${a.carrierCode}`;
  if (a.role === 'admin' || a.role === 'official') return sql`true`;
  return sql`false`;
}

export async function listPickups({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<PickupPage> {
  const q = parseInput(PickupListQuery, query);
  // An unknown code can match nothing; say so rather than answer an empty list that looks like "no pickups yet".
  unknownCodes(unknownCodeIssues(ctx.reference, q));
  const where = whereAll([
    visibleTo(ctx),
    ...(await projectConditions(ctx, q.projectId, { product: sql`p.product_code`, date: sql`p.business_date`, town: sql`p.town_code` })),
    q.cooperativeId ? sql`p.cooperative_id = ${q.cooperativeId}::uuid` : null,
    q.townCode ? sql`p.town_code = ${q.townCode}` : null,
    q.carrierCode ? sql`p.carrier_code = ${q.carrierCode}` : null,
    q.productCode ? sql`p.product_code = ${q.productCode}` : null,
    q.from ? sql`p.business_date >= ${q.from}::date` : null,
    q.to ? sql`p.business_date <= ${q.to}::date` : null,
    voidedCondition(q.voided, sql`r.pickup_id`),
    afterCursor(sql`p.picked_up_at`, sql`p.id`, q.cursor),
  ]);
  const rows = rowsOf<PickupRow & { cursor_at: string }>(
    await ctx.db.execute(sql`SELECT ${pickupViewColumns}, ${cursorInstant(sql`p.picked_up_at`)} AS cursor_at
      FROM ${pickupViewFrom}
      WHERE ${where}
      ORDER BY p.picked_up_at DESC, p.id DESC LIMIT ${q.limit + 1}`),
  );
  return toPage(rows, q.limit, toPickupView);
}

export async function getPickup({ ctx, id }: { ctx: Ctx; id: string }): Promise<PickupView> {
  parseInput(IdParams, { id });
  const [row] = rowsOf<PickupRow>(await ctx.db.execute(sql`SELECT ${pickupViewColumns} FROM ${pickupViewFrom} WHERE p.id = ${id}::uuid AND ${visibleTo(ctx)}`));
  if (!row) throw DomainError.notFound(`Pickup ${id}`);
  return toPickupView(row);
}

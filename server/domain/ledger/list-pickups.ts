import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { PickupListQuery, type PickupView } from '../../contracts/ledger.ts';
import { IdParams } from '../../contracts/common.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { pickupViewColumns, pickupViewFrom, selectPickupsByIds, toPickupView, type PickupRow } from './pickup-rows.ts';

/** A cooperative sees its own pickups, a carrier those handed to it; the county sees all. */
function visibleTo(ctx: Ctx): SQL {
  const a = ctx.actor;
  if (a.role === 'cooperative') return sql`p.cooperative_id = ${a.cooperativeId}::uuid`;
  if (a.role === 'carrier') return sql`p.carrier_code = ${a.carrierCode}`;
  if (a.role === 'admin' || a.role === 'official') return sql`true`;
  return sql`false`;
}

export async function listPickups({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<{ items: PickupView[] }> {
  const q = parseInput(PickupListQuery, query);
  // An unknown code can match nothing; say so rather than answer an empty list that looks like "no pickups yet".
  const issues = unknownCodeIssues(ctx.reference, q);
  if (issues.length) throw DomainError.validation(issues, 'The request querystring has invalid fields');
  const where: SQL[] = [visibleTo(ctx)];
  if (q.cooperativeId) where.push(sql`p.cooperative_id = ${q.cooperativeId}::uuid`);
  if (q.townCode) where.push(sql`p.town_code = ${q.townCode}`);
  if (q.carrierCode) where.push(sql`p.carrier_code = ${q.carrierCode}`);
  if (q.productCode) where.push(sql`p.product_code = ${q.productCode}`);
  if (q.from) where.push(sql`p.business_date >= ${q.from}::date`);
  if (q.to) where.push(sql`p.business_date <= ${q.to}::date`);
  const rows = rowsOf<PickupRow>(
    await ctx.db.execute(sql`SELECT ${pickupViewColumns} FROM ${pickupViewFrom}
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY p.picked_up_at DESC, p.id LIMIT ${q.limit}`),
  );
  return { items: rows.map(toPickupView) };
}

export async function getPickup({ ctx, id }: { ctx: Ctx; id: string }): Promise<PickupView> {
  parseInput(IdParams, { id });
  const [row] = rowsOf<PickupRow>(await ctx.db.execute(sql`SELECT ${pickupViewColumns} FROM ${pickupViewFrom} WHERE p.id = ${id}::uuid AND ${visibleTo(ctx)}`));
  if (!row) throw DomainError.notFound(`Pickup ${id}`);
  return toPickupView(row);
}

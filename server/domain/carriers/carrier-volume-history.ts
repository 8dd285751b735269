import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { CarrierVolumeParams } from '../../contracts/ledger.ts';
import { carrierCellScope, requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { iso } from '../../rules/time.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';

/** Every revision a carrier made to one cell, oldest first, with who made it. */
export async function carrierVolumeHistory({ ctx, params }: { ctx: Ctx; params: unknown }) {
  requireAccess(ctx, 'carrierCell.read');
  const cell = parseInput(CarrierVolumeParams, params);
  const issues = unknownCodeIssues(ctx.reference, cell);
  if (issues.length) throw DomainError.validation(issues);
  // A carrier's day-by-day revisions are its own business; competitors see only the shares on the dashboard.
  carrierCellScope(ctx, cell.carrierCode);
  const rows = rowsOf<{ revision: number; parcels: number; reported_at: Date | string; reported_by: string }>(
    await ctx.db.execute(sql`
      SELECT revision, parcels, reported_at, reported_by FROM carrier_volume_revisions
      WHERE product_code = ${cell.productCode} AND business_date = ${cell.date}::date
        AND town_code = ${cell.townCode} AND carrier_code = ${cell.carrierCode}
      ORDER BY revision`),
  );
  return {
    ...cell,
    items: rows.map((r) => ({ revision: r.revision, parcels: Number(r.parcels), reportedAt: iso(r.reported_at), reportedBy: r.reported_by })),
  };
}

import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { PackagingRunListQuery, type PackagingRunPage } from '../../contracts/records.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { afterCursor, projectConditions, toPage, unknownCodes, voidedCondition, whereAll } from './record-paging.ts';
import { packagingRunColumns, packagingRunFrom, packagingRunsVisibleTo, toPackagingRunRecord, type PackagingRunRow } from './record-rows.ts';

/**
 * Packaging runs, newest first, a page at a time. A cooperative sees its own; carriers none
 * (a packaging run is handed to no carrier), so they are refused rather than shown an empty list.
 */
export async function listPackagingRuns({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<PackagingRunPage> {
  requireAccess(ctx, 'packagingRun.read');
  const q = parseInput(PackagingRunListQuery, query);
  unknownCodes(unknownCodeIssues(ctx.reference, q));
  const where = whereAll([
    packagingRunsVisibleTo(ctx),
    ...(await projectConditions(ctx, q.projectId, { product: sql`k.product_code`, date: sql`k.business_date`, town: sql`c.town_code` })),
    q.cooperativeId ? sql`k.cooperative_id = ${q.cooperativeId}::uuid` : null,
    q.townCode ? sql`c.town_code = ${q.townCode}` : null,
    q.productCode ? sql`k.product_code = ${q.productCode}` : null,
    q.from ? sql`k.business_date >= ${q.from}::date` : null,
    q.to ? sql`k.business_date <= ${q.to}::date` : null,
    voidedCondition(q.voided, sql`v.packaging_run_id`),
    afterCursor(sql`k.packed_at`, sql`k.id`, q.cursor),
  ]);
  const rows = rowsOf<PackagingRunRow>(
    await ctx.db.execute(sql`SELECT ${packagingRunColumns} FROM ${packagingRunFrom}
      WHERE ${where} ORDER BY k.packed_at DESC, k.id DESC LIMIT ${q.limit + 1}`),
  );
  return toPage(rows, q.limit, toPackagingRunRecord);
}

import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { StorageMovementListQuery, type StorageMovementPage } from '../../contracts/records.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { afterCursor, projectConditions, toPage, unknownCodes, voidedCondition, whereAll } from './record-paging.ts';
import { storageMovementColumns, storageMovementFrom, storageMovementsVisibleTo, toStorageMovementRecord, type StorageMovementRow } from './record-rows.ts';

/**
 * Storage movements, newest first, a page at a time. A cooperative sees the movements of the
 * facilities it runs; carriers are refused, as for packaging runs.
 */
export async function listStorageMovements({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<StorageMovementPage> {
  requireAccess(ctx, 'storageMovement.read');
  const q = parseInput(StorageMovementListQuery, query);
  unknownCodes(unknownCodeIssues(ctx.reference, q));
  const where = whereAll([
    storageMovementsVisibleTo(ctx),
    ...(await projectConditions(ctx, q.projectId, { product: sql`m.product_code`, date: sql`m.business_date`, town: sql`f.town_code` })),
    q.facilityId ? sql`m.facility_id = ${q.facilityId}::uuid` : null,
    q.cooperativeId ? sql`f.operator_cooperative_id = ${q.cooperativeId}::uuid` : null,
    q.townCode ? sql`f.town_code = ${q.townCode}` : null,
    q.productCode ? sql`m.product_code = ${q.productCode}` : null,
    q.direction ? sql`m.direction = ${q.direction}` : null,
    q.from ? sql`m.business_date >= ${q.from}::date` : null,
    q.to ? sql`m.business_date <= ${q.to}::date` : null,
    voidedCondition(q.voided, sql`v.storage_movement_id`),
    afterCursor(sql`m.moved_at`, sql`m.id`, q.cursor),
  ]);
  const rows = rowsOf<StorageMovementRow>(
    await ctx.db.execute(sql`SELECT ${storageMovementColumns} FROM ${storageMovementFrom}
      WHERE ${where} ORDER BY m.moved_at DESC, m.id DESC LIMIT ${q.limit + 1}`),
  );
  return toPage(rows, q.limit, toStorageMovementRecord);
}

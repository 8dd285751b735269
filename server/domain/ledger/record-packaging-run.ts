import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { PackagingRunInput, type PackagingRunView } from '../../contracts/ledger.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate, iso } from '../../rules/time.ts';
import { pgCode } from '../transaction.ts';
import { requestHash } from './request-hash.ts';
import { assertNotFuture } from './instants.ts';
import { requireAccess, requireCooperativeScope } from '../access.ts';
import { auditCte } from '../audit/audit-sql.ts';

type Row = {
  id: string;
  cooperative_id: string;
  product_code: string;
  package_type: string;
  parcels: number;
  fruit_kg: number;
  packed_at: Date | string;
  business_date: string;
  recorded_at: Date | string;
  recorded_by: string;
  request_hash: string;
};

const toView = (r: Row): PackagingRunView => ({
  id: r.id,
  cooperativeId: r.cooperative_id,
  productCode: r.product_code,
  packageType: r.package_type,
  parcels: Number(r.parcels),
  fruitKg: Number(r.fruit_kg),
  packedAt: iso(r.packed_at),
  businessDate: r.business_date,
  recordedAt: iso(r.recorded_at),
  recordedBy: r.recorded_by,
});

const columns = sql`id::text AS id, cooperative_id::text AS cooperative_id, product_code, package_type, parcels,
  fruit_kg::float8 AS fruit_kg, packed_at, business_date::text AS business_date, recorded_at, recorded_by, request_hash`;

/** Records a packaging run (fruit packed into parcels). Idempotent on the client's id. */
export async function recordPackagingRun({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; run: PackagingRunView }> {
  requireAccess(ctx, 'packagingRun.create');
  const run = parseInput(PackagingRunInput, input);
  requireCooperativeScope(ctx, 'packagingRun.create', run.cooperativeId);
  const packedAt = new Date(run.packedAt);
  const issues = [...unknownCodeIssues(ctx.reference, { productCode: run.productCode }), ...assertNotFuture(ctx, packedAt, 'packedAt')];
  if (issues.length) throw DomainError.validation(issues);
  const hash = requestHash(['packaging', run.cooperativeId, run.productCode, run.packageType, run.parcels, run.fruitKg, packedAt.toISOString()]);
  let inserted: Row[];
  try {
    inserted = rowsOf<Row>(
      await ctx.db.execute(sql`
      WITH ins AS (
      INSERT INTO packaging_runs (id, cooperative_id, product_code, package_type, parcels, fruit_kg, packed_at,
                                  business_date, request_hash, recorded_by)
      VALUES (${run.id}::uuid, ${run.cooperativeId}::uuid, ${run.productCode}, ${run.packageType}, ${run.parcels},
              ${run.fruitKg}, ${packedAt.toISOString()}::timestamptz, ${businessDate(packedAt)}::date, ${hash}, ${ctx.actor.label})
      ON CONFLICT (id) DO NOTHING
      RETURNING ${columns}
      ),
      ${auditCte(ctx, 'audited', 'packaging-run.record', 'packaging_run', 'ins', sql`id`)}
      SELECT * FROM ins`),
    );
  } catch (error) {
    if (pgCode(error) === '23503') throw DomainError.validation([{ path: 'cooperativeId', message: 'unknown cooperative' }]);
    throw error;
  }
  if (inserted.length) return { created: true, run: toView(inserted[0]) };
  const [existing] = rowsOf<Row>(await ctx.db.execute(sql`SELECT ${columns} FROM packaging_runs WHERE id = ${run.id}::uuid`));
  if (existing.request_hash !== hash) throw DomainError.conflict(`packaging run ${run.id} is already on record with different content`);
  return { created: false, run: toView(existing) };
}

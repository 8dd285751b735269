import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { IdParams } from '../../contracts/common.ts';
import { VoidInput } from '../../contracts/ledger.ts';
import type { PackagingRunVoidResult } from '../../contracts/records.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { packagingRunColumns, packagingRunFrom, packagingRunsVisibleTo, toPackagingRunRecord, type PackagingRunRow } from './record-rows.ts';

/**
 * Voids a packaging run by appending a reversal (reason and author). Packaging runs feed no
 * tally, so nothing else changes. Voiding it again changes nothing and answers the first reversal.
 */
export async function voidPackagingRun({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<PackagingRunVoidResult> {
  requireAccess(ctx, 'packagingRun.void');
  parseInput(IdParams, { id });
  const { reason } = parseInput(VoidInput, input);
  return withTransaction(ctx, async (tx) => {
    const read = async () =>
      rowsOf<PackagingRunRow>(
        await tx.execute(sql`SELECT ${packagingRunColumns} FROM ${packagingRunFrom} WHERE k.id = ${id}::uuid AND ${packagingRunsVisibleTo(ctx)}`),
      )[0];
    // Another cooperative's run answers 404, as if it did not exist: no probing for ids.
    if (!(await read())) throw DomainError.notFound(`Packaging run ${id}`);
    const inserted = rowsOf(
      await tx.execute(sql`INSERT INTO packaging_run_reversals (packaging_run_id, reason, reversed_by)
        VALUES (${id}::uuid, ${reason}, ${ctx.actor.label})
        ON CONFLICT (packaging_run_id) DO NOTHING RETURNING 1`),
    );
    if (inserted.length) await writeAudit(tx, ctx, { action: 'packaging-run.void', targetType: 'packaging_run', targetId: id, details: { reason } });
    return { voided: inserted.length > 0, run: toPackagingRunRecord((await read())!) };
  });
}

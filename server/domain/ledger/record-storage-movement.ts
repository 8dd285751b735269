import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { StorageMovementInput, type StorageMovementView } from '../../contracts/ledger.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate, iso } from '../../rules/time.ts';
import { withTransaction } from '../transaction.ts';
import { assertNotFuture } from './instants.ts';
import { canActForCooperative, requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import { requestHash } from './request-hash.ts';

type Row = {
  id: string;
  facility_id: string;
  product_code: string;
  direction: 'in' | 'out';
  weight_kg: number;
  lot: string | null;
  moved_at: Date | string;
  business_date: string;
  recorded_at: Date | string;
  recorded_by: string;
  request_hash: string;
};

const toView = (r: Row): StorageMovementView => ({
  id: r.id,
  facilityId: r.facility_id,
  productCode: r.product_code,
  direction: r.direction,
  weightKg: Number(r.weight_kg),
  lot: r.lot,
  movedAt: iso(r.moved_at),
  businessDate: r.business_date,
  recordedAt: iso(r.recorded_at),
  recordedBy: r.recorded_by,
});

const columns = sql`id::text AS id, facility_id::text AS facility_id, product_code, direction, weight_kg::float8 AS weight_kg,
  lot, moved_at, business_date::text AS business_date, recorded_at, recorded_by, request_hash`;

/**
 * Records fruit moving into or out of a storage facility and updates its stock in the
 * same transaction. Taking out more than the facility holds, or putting in more than
 * its capacity, is refused with 409 and writes nothing.
 */
export async function recordStorageMovement({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; movement: StorageMovementView }> {
  requireAccess(ctx, 'storageMovement.create');
  const m = parseInput(StorageMovementInput, input);
  const movedAt = new Date(m.movedAt);
  const issues = [...unknownCodeIssues(ctx.reference, { productCode: m.productCode }), ...assertNotFuture(ctx, movedAt, 'movedAt')];
  if (issues.length) throw DomainError.validation(issues);
  const hash = requestHash(['storage', m.facilityId, m.productCode, m.direction, m.weightKg, m.lot ?? null, movedAt.toISOString()]);

  return withTransaction(ctx, async (tx) => {
    // Locking the facility serialises its movements, so stock and capacity checks cannot race.
    const [facility] = rowsOf<{ capacity_kg: number | null; operator: string | null }>(
      await tx.execute(sql`SELECT capacity_kg::float8 AS capacity_kg, operator_cooperative_id::text AS operator
        FROM storage_facilities WHERE id = ${m.facilityId}::uuid FOR UPDATE`),
    );
    if (!facility) throw DomainError.validation([{ path: 'facilityId', message: 'unknown storage facility' }]);
    if (!canActForCooperative(ctx, facility.operator))
      throw new DomainError('FORBIDDEN', 'This account may only record movements in facilities its cooperative runs', [
        { path: 'facilityId', message: 'not run by your cooperative' },
      ]);

    const inserted = rowsOf<Row>(
      await tx.execute(sql`
      INSERT INTO storage_movements (id, facility_id, product_code, direction, weight_kg, lot, moved_at, business_date, request_hash, recorded_by)
      VALUES (${m.id}::uuid, ${m.facilityId}::uuid, ${m.productCode}, ${m.direction}, ${m.weightKg}, ${m.lot ?? null},
              ${movedAt.toISOString()}::timestamptz, ${businessDate(movedAt)}::date, ${hash}, ${ctx.actor.label})
      ON CONFLICT (id) DO NOTHING
      RETURNING ${columns}`),
    );
    if (!inserted.length) {
      const [existing] = rowsOf<Row>(await tx.execute(sql`SELECT ${columns} FROM storage_movements WHERE id = ${m.id}::uuid`));
      if (existing.request_hash !== hash) throw DomainError.conflict(`storage movement ${m.id} is already on record with different content`);
      return { created: false, movement: toView(existing) };
    }

    if (m.direction === 'in') {
      await tx.execute(sql`
        INSERT INTO storage_stock (facility_id, product_code, weight_kg) VALUES (${m.facilityId}::uuid, ${m.productCode}, ${m.weightKg})
        ON CONFLICT (facility_id, product_code) DO UPDATE SET weight_kg = storage_stock.weight_kg + excluded.weight_kg, updated_at = now()`);
      if (facility.capacity_kg !== null) {
        const [{ total }] = rowsOf<{ total: number }>(
          await tx.execute(sql`SELECT coalesce(sum(weight_kg), 0)::float8 AS total FROM storage_stock WHERE facility_id = ${m.facilityId}::uuid`),
        );
        if (total > facility.capacity_kg + 1e-6)
          throw new DomainError('CAPACITY_EXCEEDED', `this would bring the facility to ${total} kg, over its capacity of ${facility.capacity_kg} kg`);
      }
    } else {
      const updated = rowsOf(
        await tx.execute(sql`
        UPDATE storage_stock SET weight_kg = weight_kg - ${m.weightKg}, updated_at = now()
        WHERE facility_id = ${m.facilityId}::uuid AND product_code = ${m.productCode} AND weight_kg >= ${m.weightKg}
        RETURNING 1`),
      );
      if (!updated.length) {
        const [held] = rowsOf<{ w: number }>(
          await tx.execute(sql`SELECT coalesce(max(weight_kg), 0)::float8 AS w FROM storage_stock
            WHERE facility_id = ${m.facilityId}::uuid AND product_code = ${m.productCode}`),
        );
        throw new DomainError('INSUFFICIENT_STOCK', `the facility holds ${held.w} kg of ${m.productCode}; cannot take out ${m.weightKg} kg`);
      }
    }
    await writeAudit(tx, ctx, {
      action: 'storage-movement.record',
      targetType: 'storage_movement',
      targetId: m.id,
      details: { direction: m.direction, weightKg: m.weightKg },
    });
    return { created: true, movement: toView(inserted[0]) };
  });
}

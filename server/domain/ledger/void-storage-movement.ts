import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { IdParams } from '../../contracts/common.ts';
import { VoidInput } from '../../contracts/ledger.ts';
import type { StorageMovementVoidResult } from '../../contracts/records.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { storageMovementColumns, storageMovementFrom, storageMovementsVisibleTo, toStorageMovementRecord, type StorageMovementRow } from './record-rows.ts';

/**
 * Voids a storage movement: appends a reversal and undoes its effect on the stock in the same
 * transaction. Undoing a stock-in the facility no longer holds (it has gone out since) would
 * make the stock negative, and undoing a stock-out would put it over its capacity: both are
 * refused with 409 and nothing is written. Voiding it again changes nothing.
 */
export async function voidStorageMovement({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<StorageMovementVoidResult> {
  requireAccess(ctx, 'storageMovement.void');
  parseInput(IdParams, { id });
  const { reason } = parseInput(VoidInput, input);
  return withTransaction(ctx, async (tx) => {
    const read = async () =>
      rowsOf<StorageMovementRow>(
        await tx.execute(sql`SELECT ${storageMovementColumns} FROM ${storageMovementFrom} WHERE m.id = ${id}::uuid AND ${storageMovementsVisibleTo(ctx)}`),
      )[0];
    // A movement in a facility the cooperative does not run answers 404, as if it did not exist.
    const m = await read();
    if (!m) throw DomainError.notFound(`Storage movement ${id}`);
    // Locking the facility serialises this with its other movements and voids (as recording does),
    // so the stock read below cannot change before the update.
    const [facility] = rowsOf<{ capacity_kg: number | null }>(
      await tx.execute(sql`SELECT capacity_kg::float8 AS capacity_kg FROM storage_facilities WHERE id = ${m.facility_id}::uuid FOR UPDATE`),
    );
    const inserted = rowsOf(
      await tx.execute(sql`INSERT INTO storage_movement_reversals (storage_movement_id, reason, reversed_by)
        VALUES (${id}::uuid, ${reason}, ${ctx.actor.label})
        ON CONFLICT (storage_movement_id) DO NOTHING RETURNING 1`),
    );
    if (!inserted.length) return { voided: false, movement: toStorageMovementRecord((await read())!) };

    // The weight is taken from the ledger row itself, as numeric: no trip through a float.
    if (m.direction === 'in') {
      const updated = rowsOf(
        await tx.execute(sql`UPDATE storage_stock s SET weight_kg = s.weight_kg - mv.weight_kg, updated_at = now()
          FROM storage_movements mv
          WHERE mv.id = ${id}::uuid AND s.facility_id = mv.facility_id AND s.product_code = mv.product_code AND s.weight_kg >= mv.weight_kg
          RETURNING 1`),
      );
      if (!updated.length) {
        const [held] = rowsOf<{ w: number }>(
          await tx.execute(sql`SELECT coalesce(max(weight_kg), 0)::float8 AS w FROM storage_stock
            WHERE facility_id = ${m.facility_id}::uuid AND product_code = ${m.product_code}`),
        );
        throw new DomainError(
          'INSUFFICIENT_STOCK',
          `voiding this stock-in of ${m.weight_kg} kg would make the stock negative: ${m.facility_name} now holds ${held.w} kg of ${m.product_code}. Void the stock-outs recorded since first.`,
        );
      }
    } else {
      await tx.execute(sql`
        INSERT INTO storage_stock (facility_id, product_code, weight_kg)
        SELECT facility_id, product_code, weight_kg FROM storage_movements WHERE id = ${id}::uuid
        ON CONFLICT (facility_id, product_code) DO UPDATE SET weight_kg = storage_stock.weight_kg + excluded.weight_kg, updated_at = now()`);
      if (facility.capacity_kg !== null) {
        const [{ total }] = rowsOf<{ total: number }>(
          await tx.execute(sql`SELECT coalesce(sum(weight_kg), 0)::float8 AS total FROM storage_stock WHERE facility_id = ${m.facility_id}::uuid`),
        );
        if (total > facility.capacity_kg + 1e-6)
          throw new DomainError(
            'CAPACITY_EXCEEDED',
            `voiding this stock-out of ${m.weight_kg} kg would bring ${m.facility_name} to ${total} kg, over its capacity of ${facility.capacity_kg} kg`,
          );
      }
    }
    await writeAudit(tx, ctx, {
      action: 'storage-movement.void',
      targetType: 'storage_movement',
      targetId: id,
      details: { reason, direction: m.direction, weightKg: Number(m.weight_kg) },
    });
    return { voided: true, movement: toStorageMovementRecord((await read())!) };
  });
}

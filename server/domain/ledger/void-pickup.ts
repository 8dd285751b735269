import { sql } from 'drizzle-orm';
import { execPrepared } from '../../../db/client.ts';
import { VoidInput, type PickupView } from '../../contracts/ledger.ts';
import { IdParams } from '../../contracts/common.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withRetry } from '../transaction.ts';
import { selectPickupsByIds, toPickupView, type PickupRow } from './pickup-rows.ts';
import { loggedDeltaCtes, pickSlot } from './tally-sql.ts';
import { cooperativeScope, requireAccess } from '../access.ts';
import { auditCte } from '../audit/audit-sql.ts';

/**
 * Voids a pickup by appending a reversal (reason and author) and taking its parcels
 * out of the tallies, in one statement. Voiding an already-voided pickup changes nothing.
 */
export async function voidPickup({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<{ voided: boolean; pickup: PickupView }> {
  requireAccess(ctx, 'pickup.void');
  parseInput(IdParams, { id });
  const { reason } = parseInput(VoidInput, input);
  // Another cooperative's pickup answers 404, as if it did not exist: no probing for ids.
  const scope = cooperativeScope(ctx);
  const result = await withRetry(() =>
    execPrepared<{ n: number }>(
      ctx.db,
      sql`
    WITH rev AS (
      INSERT INTO pickup_reversals (pickup_id, reason, reversed_by)
      SELECT id, ${reason}, ${ctx.actor.label} FROM pickups
      WHERE id = ${id}::uuid AND (${scope}::uuid IS NULL OR cooperative_id = ${scope}::uuid)
      ON CONFLICT (pickup_id) DO NOTHING
      RETURNING pickup_id
    ),
    cell_delta AS (
      SELECT p.product_code, p.business_date, p.town_code, p.carrier_code, sum(p.parcels)::bigint AS parcels
      FROM pickups p JOIN rev ON rev.pickup_id = p.id
      GROUP BY p.product_code, p.business_date, p.town_code, p.carrier_code
    ),
    ${loggedDeltaCtes(pickSlot(), 'remove')},
    ${auditCte(ctx, 'audited', 'pickup.void', 'pickup', 'rev', sql`pickup_id::text`)}
    SELECT count(*)::int AS n FROM rev`,
    ),
  );
  const voided = (result[0]?.n ?? 0) > 0;
  const [row] = await execPrepared<PickupRow>(ctx.db, selectPickupsByIds([id]));
  if (!row || (scope !== null && row.cooperative_id !== scope)) throw DomainError.notFound(`Pickup ${id}`);
  if (voided) ctx.changes?.cellsChanged(row.product_code, [row.business_date]);
  return { voided, pickup: toPickupView(row) };
}

import type { PickupView } from '../../contracts/ledger.ts';
import type { Ctx } from '../context.ts';
import { requireAccess } from '../access.ts';
import { DomainError } from '../errors.ts';
import { pgCode } from '../transaction.ts';
import { insertPickups, preparePickup } from './record-pickups.ts';

/** Records one farm-gate pickup. `created` false means the same pickup was already on record. */
export async function recordPickup({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; pickup: PickupView }> {
  requireAccess(ctx, 'pickup.create');
  const prepared = preparePickup(ctx, input);
  if (!prepared.ok) throw prepared.error;
  let outcomes;
  try {
    outcomes = await insertPickups(ctx, [prepared.pickup]);
  } catch (error) {
    // The hot path skips a separate existence check and lets the foreign key answer.
    if (pgCode(error) === '23503') throw DomainError.validation([{ path: 'cooperativeId', message: 'unknown cooperative' }]);
    throw error;
  }
  const outcome = outcomes.get(prepared.pickup.input.id)!;
  if (outcome.status === 'conflict') throw DomainError.conflict(`pickup ${prepared.pickup.input.id} is already on record with different content`);
  if (outcome.status === 'invalid') throw outcome.error;
  return { created: outcome.status === 'created', pickup: outcome.pickup };
}

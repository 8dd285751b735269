import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { PickupBatchInput, type PickupBatchResult } from '../../contracts/ledger.ts';
import type { Ctx } from '../context.ts';
import { canActForCooperative, requireAccess } from '../access.ts';
import { DomainError, parseInput } from '../errors.ts';
import { insertPickups, preparePickup, type PickupOutcome, type PreparedPickup } from './record-pickups.ts';

/**
 * Records up to 1,000 pickups, each judged on its own: created, duplicate (already on
 * record with the same content), conflict (same id, other content) or invalid.
 * Every valid item is written exactly once, in a single statement.
 */
export async function recordPickupBatch({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PickupBatchResult> {
  requireAccess(ctx, 'pickup.create');
  const { items } = parseInput(PickupBatchInput, input);
  const perItem: (PickupOutcome | { status: 'sameAs'; index: number })[] = [];
  const firstIndexById = new Map<string, number>();
  const valid: PreparedPickup[] = [];

  items.forEach((raw, index) => {
    const prepared = preparePickup(ctx, raw, ['items', index]);
    if (!prepared.ok) return perItem.push({ status: 'invalid', error: prepared.error });
    const first = firstIndexById.get(prepared.pickup.input.id);
    if (first !== undefined) return perItem.push({ status: 'sameAs', index: first });
    firstIndexById.set(prepared.pickup.input.id, index);
    valid.push(prepared.pickup);
    perItem.push({ status: 'created', pickup: undefined as never }); // filled in below
  });

  const cooperativeIds = [...new Set(valid.map((p) => p.input.cooperativeId))];
  const known = new Set<string>();
  if (cooperativeIds.length) {
    const rows = rowsOf<{ id: string }>(
      await ctx.db.execute(sql`SELECT id::text AS id FROM cooperatives
        WHERE id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(cooperativeIds)}::json))`),
    );
    for (const r of rows) known.add(r.id);
  }
  const writable = valid.filter((p) => known.has(p.input.cooperativeId));
  const outcomes = writable.length ? await insertPickups(ctx, writable) : new Map<string, PickupOutcome>();

  const preparedById = new Map(valid.map((p) => [p.input.id, p]));
  const results: PickupBatchResult['results'] = [];
  const summary = { created: 0, duplicate: 0, conflict: 0, invalid: 0 };
  perItem.forEach((entry, index) => {
    let outcome: PickupOutcome;
    let id: string | null = null;
    if (entry.status === 'invalid') {
      outcome = entry;
    } else {
      const firstIndex = entry.status === 'sameAs' ? entry.index : index;
      id = (items[firstIndex] as { id: string }).id;
      const prepared = preparedById.get(id)!;
      const written = outcomes.get(id);
      if (!written) {
        outcome = {
          status: 'invalid',
          error: DomainError.validation([{ path: `items.${index}.cooperativeId`, message: 'unknown cooperative' }]),
        };
      } else if (entry.status === 'sameAs' && written.status !== 'invalid') {
        // A repeat inside the batch: judged against the first occurrence.
        const own = preparePickup(ctx, items[index], ['items', index]);
        const same = own.ok && own.pickup.hash === prepared.hash && written.status !== 'conflict';
        outcome = { status: same ? 'duplicate' : 'conflict', pickup: written.pickup };
      } else {
        outcome = written;
      }
    }
    summary[outcome.status]++;
    if (outcome.status === 'invalid') {
      const e = outcome.error;
      results.push({ index, id: idOf(items[index]), status: 'invalid', error: { code: e.code, message: e.message, issues: e.issues } });
    } else if (outcome.status === 'conflict') {
      const message = `pickup ${id} is already on record with different content`;
      // The pickup on record under this id may be another cooperative's: show it only to an
      // actor who could read it (GET /pickups/{id} answers such a cooperative 404).
      const visible = canActForCooperative(ctx, outcome.pickup.cooperativeId);
      results.push({ index, id, status: 'conflict', ...(visible ? { pickup: outcome.pickup } : {}), error: { code: 'CONFLICT', message } });
    } else {
      results.push({ index, id, status: outcome.status, pickup: outcome.pickup });
    }
  });
  return { results, summary };
}

function idOf(item: unknown): string | null {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 64) : null;
}

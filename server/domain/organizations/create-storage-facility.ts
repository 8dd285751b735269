import { randomUUID } from 'node:crypto';
import { and, eq, or } from 'drizzle-orm';
import { storageFacilities } from '../../../db/schema/index.ts';
import { StorageFacilityInput, type StorageFacilityView } from '../../contracts/organizations.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { pgCode, withTransaction } from '../transaction.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';

type Row = typeof storageFacilities.$inferSelect;

export const toStorageFacilityView = (r: Row): StorageFacilityView => ({
  id: r.id,
  name: r.name,
  townCode: r.townCode,
  kind: r.kind,
  capacityKg: r.capacityKg === null ? null : Number(r.capacityKg),
  operatorCooperativeId: r.operatorCooperativeId,
  createdAt: r.createdAt.toISOString(),
});

/** Registers a cold store, CA store or ambient warehouse; natural key town + name. */
export async function createStorageFacility({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; facility: StorageFacilityView }> {
  requireAccess(ctx, 'storageFacility.create');
  const f = parseInput(StorageFacilityInput, input);
  const issues = unknownCodeIssues(ctx.reference, { townCode: f.townCode });
  if (issues.length) throw DomainError.validation(issues);
  const values = {
    id: f.id ?? randomUUID(),
    name: f.name,
    townCode: f.townCode,
    kind: f.kind,
    capacityKg: f.capacityKg ?? null,
    operatorCooperativeId: f.operatorCooperativeId ?? null,
    createdBy: ctx.actor.label,
  };
  const inserted = await withTransaction(ctx, async (tx) => {
    const [row] = await tx.insert(storageFacilities).values(values).onConflictDoNothing().returning();
    if (row)
      await writeAudit(tx, ctx, {
        action: 'storage-facility.create',
        targetType: 'storage_facility',
        targetId: row.id,
        details: { name: row.name, townCode: row.townCode },
      });
    return row;
  }).catch((error) => {
    if (pgCode(error) === '23503') throw DomainError.validation([{ path: 'operatorCooperativeId', message: 'unknown cooperative' }]);
    throw error;
  });
  if (inserted) return { created: true, facility: toStorageFacilityView(inserted) };
  const [existing] = await ctx.db
    .select()
    .from(storageFacilities)
    .where(or(and(eq(storageFacilities.townCode, f.townCode), eq(storageFacilities.name, f.name)), eq(storageFacilities.id, values.id)));
  const same =
    existing &&
    existing.name === f.name &&
    existing.townCode === f.townCode &&
    existing.kind === f.kind &&
    (existing.capacityKg === null ? null : Number(existing.capacityKg)) === values.capacityKg &&
    existing.operatorCooperativeId === values.operatorCooperativeId &&
    (f.id === undefined || existing.id === f.id);
  if (!same) throw DomainError.conflict(`a different storage facility named "${f.name}" (or with this id) is already registered in this town`);
  return { created: false, facility: toStorageFacilityView(existing) };
}

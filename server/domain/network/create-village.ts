import { randomUUID } from 'node:crypto';
import { and, eq, or } from 'drizzle-orm';
import { villages } from '../../../db/schema/index.ts';
import { VillageInput, type VillageView } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { withTransaction } from '../transaction.ts';
import { appendVillageVersion, changedFields, toVillageView, VILLAGE_FIELDS, villageRecord } from './network-records.ts';
import { villageIssues, villageRecordFrom } from './village-rules.ts';

/** Registers an administrative village or community; natural key `code`. A re-send answers the original. */
export async function createVillage({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; village: VillageView }> {
  requireAccess(ctx, 'network.write');
  const v = parseInput(VillageInput, input);
  const record = villageRecordFrom(v);
  const issues = villageIssues(ctx.reference, record);
  if (issues.length) throw DomainError.validation(issues);
  const id = v.id ?? randomUUID();
  const now = ctx.clock();
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .insert(villages)
      .values({ id, ...record, version: 1, createdAt: now, createdBy: ctx.actor.label, updatedAt: now, updatedBy: ctx.actor.label })
      .onConflictDoNothing()
      .returning();
    if (row) {
      await appendVillageVersion(tx, ctx, row, 'create');
      await writeAudit(tx, ctx, {
        action: 'village.create',
        targetType: 'village',
        targetId: row.id,
        details: { code: row.code, name: row.name, townCode: row.townCode },
      });
      return { created: true, village: toVillageView(row) };
    }
    const existing = await tx
      .select()
      .from(villages)
      .where(or(eq(villages.code, record.code), eq(villages.id, id), and(eq(villages.townCode, record.townCode), eq(villages.name, record.name))));
    const same =
      existing.length === 1 &&
      changedFields(villageRecord(existing[0]), record, VILLAGE_FIELDS).length === 0 &&
      (v.id === undefined || existing[0].id === v.id);
    if (!same) throw DomainError.conflict(`another village already has this code, this id, or the name "${record.name}" in this town`);
    return { created: false, village: toVillageView(existing[0]) };
  });
}

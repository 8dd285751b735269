import { eq, sql } from 'drizzle-orm';
import { villages } from '../../../db/schema/index.ts';
import { VillagePatch, type VillageView } from '../../contracts/network.ts';
import { Uuid } from '../../contracts/common.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { pgCode, withTransaction } from '../transaction.ts';
import { appendVillageVersion, changedFields, toVillageView, VILLAGE_FIELDS, villageRecord } from './network-records.ts';
import { villageIssues } from './village-rules.ts';

/** Changes some fields of a village; a new version is kept only when something changed. */
export async function updateVillage({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<{ changed: boolean; village: VillageView }> {
  requireAccess(ctx, 'network.write');
  const villageId = parseInput(Uuid, id);
  const { expectedVersion, ...patch } = parseInput(VillagePatch, input);
  return withTransaction(ctx, async (tx) => {
    const [current] = await tx.select().from(villages).where(eq(villages.id, villageId)).for('update');
    if (!current) throw DomainError.notFound('The village');
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw DomainError.conflict(`the village is at version ${current.version}, not ${expectedVersion}: reload it and try again`);
    const before = villageRecord(current);
    const after = { ...before, ...patch };
    const issues = villageIssues(ctx.reference, after);
    if (issues.length) throw DomainError.validation(issues);
    const changed = changedFields(before, after, VILLAGE_FIELDS);
    if (changed.length === 0) return { changed: false, village: toVillageView(current) };
    const [row] = await tx
      .update(villages)
      .set({ ...after, version: sql`${villages.version} + 1`, updatedAt: ctx.clock(), updatedBy: ctx.actor.label })
      .where(eq(villages.id, villageId))
      .returning()
      .catch((error) => {
        if (pgCode(error) === '23505') throw DomainError.conflict('another village already has this code, or this name in its town');
        throw error;
      });
    await appendVillageVersion(tx, ctx, row, 'update');
    await writeAudit(tx, ctx, { action: 'village.update', targetType: 'village', targetId: row.id, details: { version: row.version, changed } });
    return { changed: true, village: toVillageView(row) };
  });
}

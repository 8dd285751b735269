import { asc, eq } from 'drizzle-orm';
import { villageVersions, villages } from '../../../db/schema/index.ts';
import type { VillageRecord } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError } from '../errors.ts';
import { changedFields, VILLAGE_FIELDS } from './network-records.ts';

/** Every version of a village, oldest first, with who changed what and when. */
export async function villageHistory({ ctx, id }: { ctx: Ctx; id: string }) {
  requireAccess(ctx, 'network.read');
  const [exists] = await ctx.db.select({ id: villages.id }).from(villages).where(eq(villages.id, id));
  if (!exists) throw DomainError.notFound('The village');
  const rows = await ctx.db.select().from(villageVersions).where(eq(villageVersions.villageId, id)).orderBy(asc(villageVersions.version));
  let previous: VillageRecord | null = null;
  const items = rows.map((r) => {
    const record = r.record as VillageRecord;
    const item = {
      version: r.version,
      changedAt: r.changedAt.toISOString(),
      changedBy: r.changedBy,
      change: r.change,
      importId: r.importId,
      changedFields: changedFields(previous, record, VILLAGE_FIELDS),
      record,
    };
    previous = record;
    return item;
  });
  return { id, items };
}

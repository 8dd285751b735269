import { asc } from 'drizzle-orm';
import { storageFacilities } from '../../../db/schema/index.ts';
import type { StorageFacilityView } from '../../contracts/organizations.ts';
import type { Ctx } from '../context.ts';
import { toStorageFacilityView } from './create-storage-facility.ts';

export async function listStorageFacilities({ ctx }: { ctx: Ctx }): Promise<{ items: StorageFacilityView[] }> {
  const rows = await ctx.db.select().from(storageFacilities).orderBy(asc(storageFacilities.townCode), asc(storageFacilities.name));
  return { items: rows.map(toStorageFacilityView) };
}

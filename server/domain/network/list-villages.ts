import { and, asc, eq, type SQL } from 'drizzle-orm';
import { villages } from '../../../db/schema/index.ts';
import { VillageListQuery, type VillageView } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { toVillageView } from './network-records.ts';

export async function listVillages({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<{ items: VillageView[] }> {
  requireAccess(ctx, 'network.read');
  const q = parseInput(VillageListQuery, query ?? {});
  const where: SQL[] = [];
  if (q.townCode) where.push(eq(villages.townCode, q.townCode));
  if (q.kind) where.push(eq(villages.kind, q.kind));
  const rows = await ctx.db
    .select()
    .from(villages)
    .where(and(...where))
    .orderBy(asc(villages.townCode), asc(villages.code));
  return { items: rows.map(toVillageView) };
}

export async function getVillage({ ctx, id }: { ctx: Ctx; id: string }): Promise<VillageView> {
  requireAccess(ctx, 'network.read');
  const [row] = await ctx.db.select().from(villages).where(eq(villages.id, id));
  if (!row) throw DomainError.notFound('The village');
  return toVillageView(row);
}

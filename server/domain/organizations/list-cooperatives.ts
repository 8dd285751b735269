import { asc } from 'drizzle-orm';
import { cooperatives } from '../../../db/schema/index.ts';
import type { CooperativeView } from '../../contracts/organizations.ts';
import type { Ctx } from '../context.ts';
import { toCooperativeView } from './create-cooperative.ts';

export async function listCooperatives({ ctx }: { ctx: Ctx }): Promise<{ items: CooperativeView[] }> {
  const rows = await ctx.db.select().from(cooperatives).orderBy(asc(cooperatives.townCode), asc(cooperatives.name));
  return { items: rows.map(toCooperativeView) };
}

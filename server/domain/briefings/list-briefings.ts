import { desc, eq } from 'drizzle-orm';
import { briefings } from '../../../db/schema/index.ts';
import { BriefingListQuery, type BriefingView } from '../../contracts/briefings.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { METADATA, toBriefingView } from './briefing-view.ts';

/** Issued briefings, newest first, without their bytes. */
export async function listBriefings({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<{ items: BriefingView[] }> {
  requireAccess(ctx, 'briefing.read');
  const q = parseInput(BriefingListQuery, query);
  const rows = await ctx.db
    .select(METADATA)
    .from(briefings)
    .where(q.year === undefined ? undefined : eq(briefings.year, q.year))
    .orderBy(desc(briefings.year), desc(briefings.number))
    .limit(q.limit);
  return { items: rows.map(toBriefingView) };
}

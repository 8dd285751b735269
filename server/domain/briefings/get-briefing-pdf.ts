import { eq } from 'drizzle-orm';
import { briefings } from '../../../db/schema/index.ts';
import { IdParams } from '../../contracts/common.ts';
import type { BriefingView } from '../../contracts/briefings.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { toBriefingView } from './briefing-view.ts';

/** The bytes of an issued briefing exactly as they were handed out, with its metadata. */
export async function getBriefingPdf({ ctx, id }: { ctx: Ctx; id: string }): Promise<{ briefing: BriefingView; pdf: Buffer }> {
  requireAccess(ctx, 'briefing.read');
  parseInput(IdParams, { id });
  const [row] = await ctx.db.select().from(briefings).where(eq(briefings.id, id));
  if (!row) throw DomainError.notFound(`Briefing ${id}`);
  return { briefing: toBriefingView(row), pdf: row.pdf };
}

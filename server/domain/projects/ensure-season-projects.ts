import { randomUUID } from 'node:crypto';
import { and, gte, isNull, eq } from 'drizzle-orm';
import { projects } from '../../../db/schema/index.ts';
import type { ProjectTier } from '../../contracts/projects.ts';
import type { Ctx } from '../context.ts';
import { businessDate } from '../../rules/time.ts';
import { createProject } from './create-project.ts';
import { seasonRunningOrNext } from './seasons.ts';

const TIER_NAMES: Record<string, { zh: string; en: string }> = {
  gold: { zh: '金牌', en: 'gold' },
  silver: { zh: '银牌', en: 'silver' },
  bronze: { zh: '百万件级', en: 'million-parcel' },
};

/**
 * Each product with a county-wide goal (apples: gold, 10M; cherries: silver, 5M) gets a
 * project for the season running today or next to start, unless one is already open.
 * Runs at every start, so a new season's project appears without anyone asking.
 */
export async function ensureSeasonProjects({ ctx }: { ctx: Ctx }): Promise<string[]> {
  const today = businessDate(ctx.clock());
  const created: string[] = [];
  for (const product of ctx.reference.products) {
    const open = await ctx.db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.productCode, product.code), isNull(projects.townCode), gte(projects.endsOn, today)))
      .limit(1);
    if (open.length) continue;
    const season = seasonRunningOrNext(product.season, today);
    const years = season.startYear === season.endYear ? `${season.startYear}` : `${season.startYear}—${season.endYear}`;
    const yearsEn = season.startYear === season.endYear ? `${season.startYear}` : `${season.startYear}–${season.endYear}`;
    const tier = TIER_NAMES[product.tier] ?? { zh: '', en: product.tier };
    // A town project may already hold the plain code; then the county project takes a suffix.
    const taken = await ctx.db
      .select({ code: projects.code })
      .from(projects)
      .where(eq(projects.code, `${product.code}-${season.startYear}`));
    const code = taken.length ? `${product.code}-${season.startYear}-county` : `${product.code}-${season.startYear}`;
    const { project } = await createProject({
      ctx,
      input: {
        id: randomUUID(),
        code,
        name: `${product.name}快递${tier.zh}项目（${years}产季）`,
        nameEn: `${product.nameEn} express ${tier.en} project, ${yearsEn} season`,
        productCode: product.code,
        tier: product.tier as ProjectTier,
        targetParcels: product.targetParcels,
        startsOn: season.startsOn,
        endsOn: season.endsOn,
      },
    }).catch((error) => {
      // Another process starting at the same moment may have created it first.
      if (error?.code === 'CONFLICT') return { project: { code } };
      throw error;
    });
    created.push(project.code);
  }
  return created;
}

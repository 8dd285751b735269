import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { briefings, projects, servicePoints } from '../../../db/schema/index.ts';
import type { StockView } from '../../contracts/ledger.ts';
import type { ProgressView, ProjectView } from '../../contracts/projects.ts';
import type { Ctx } from '../context.ts';
import { DomainError } from '../errors.ts';
import { inProjectPeriodSql } from '../ledger/counting-sql.ts';
import { listStock } from '../ledger/list-stock.ts';
import { getCoverage } from '../network/get-coverage.ts';
import { getProgress } from '../projects/get-progress.ts';
import { toProjectView } from '../projects/project-view.ts';
import { businessDate } from '../../rules/time.ts';
import type { Tx } from '../transaction.ts';
import type { CoverageSource } from './coverage-section.ts';

export type BriefingData = {
  cutOff: Date;
  projects: { project: ProjectView; progress: ProgressView }[];
  stock: StockView[];
  coverage: CoverageSource;
};

/**
 * Reads what a briefing reports, as of one instant: the projects named (or, by default,
 * the county-wide projects running today), their progress, the storage stock, and village
 * coverage on today's business date. The reads share one repeatable-read snapshot, so the
 * figures of one project agree with another's, with the stock and with the network, even
 * while pickups keep arriving and records are edited.
 */
export async function gatherBriefing({ ctx, projectIds }: { ctx: Ctx; projectIds?: readonly string[] }): Promise<BriefingData> {
  const cutOff = ctx.clock();
  const today = businessDate(cutOff);
  return ctx.db.transaction(
    async (tx) => {
      // Every read below sees the same instant: getProgress asks the clock for "today".
      const at: Ctx = { ...ctx, db: tx as unknown as Db, clock: () => cutOff };
      let rows: (typeof projects.$inferSelect)[];
      if (projectIds) {
        const found = await tx
          .select()
          .from(projects)
          .where(inArray(projects.id, [...projectIds]));
        const byId = new Map(found.map((r) => [r.id, r]));
        const issues = projectIds.flatMap((id, i) => (byId.has(id) ? [] : [{ path: `projectIds.${i}`, message: 'no project with this id' }]));
        if (issues.length) throw DomainError.validation(issues);
        rows = projectIds.map((id) => byId.get(id)!);
      } else {
        rows = await tx
          .select()
          .from(projects)
          .where(and(isNull(projects.townCode), inProjectPeriodSql('projects', sql`${today}::date`)))
          .orderBy(asc(projects.startsOn), asc(projects.code));
        if (!rows.length)
          throw DomainError.validation([{ path: 'projectIds', message: 'no county-wide project is running today: name the projects to report on' }]);
      }
      const progress: BriefingData['projects'] = [];
      for (const row of rows) progress.push({ project: toProjectView(row), progress: await getProgress({ ctx: at, id: row.id }) });
      const stock = (await listStock({ ctx: at })).items;
      // The network domain's own computation, run on this transaction (it reads through ctx.db).
      const view = await getCoverage({ ctx: at, query: { date: today } });
      const [points] = await tx.select({ n: sql<number>`count(*)::int` }).from(servicePoints);
      return { cutOff, projects: progress, stock, coverage: { view, servicePointsOnRecord: Number(points?.n ?? 0) } };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The number the next briefing of `year` would get (第N期 restarts each year). */
export async function nextBriefingNumber(db: Db | Tx, year: number): Promise<number> {
  const [row] = await db
    .select({ next: sql<number>`coalesce(max(${briefings.number}), 0)::int + 1` })
    .from(briefings)
    .where(sql`${briefings.year} = ${year}`);
  return Number(row?.next ?? 1);
}

/** The Asia/Shanghai calendar year of an instant: briefings are numbered per year of issue. */
export function issueYear(instant: Date): number {
  return Number(businessDate(instant).slice(0, 4));
}

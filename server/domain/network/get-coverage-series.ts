import { SeriesQuery } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { loadTargets } from './coverage-targets.ts';
import { rateOf, seriesDates, seriesLength, sumTallies, tallyByTown } from './coverage-rule.ts';
import { loadNetworkFacts } from './network-records.ts';

const MAX_POINTS = 1000;

/**
 * Coverage over time: the county (or one town) at the end of every month, or on every day, from the
 * records' opening and closing dates. The records as they stand now are replayed over the dates, so
 * a correction to an opening date corrects the whole series.
 */
export async function getCoverageSeries({ ctx, query }: { ctx: Ctx; query: unknown }) {
  requireAccess(ctx, 'network.read');
  const q = parseInput(SeriesQuery, query ?? {});
  const issues = [
    ...(q.brand ? unknownCodeIssues(ctx.reference, { carrierCode: q.brand }).map((i) => ({ ...i, path: 'brand' })) : []),
    ...(q.townCode ? unknownCodeIssues(ctx.reference, { townCode: q.townCode }) : []),
  ];
  if (issues.length) throw DomainError.validation(issues);
  const [facts, targets] = await Promise.all([loadNetworkFacts(ctx.db), loadTargets(ctx.db)]);
  const to = q.to ?? businessDate(ctx.clock());
  const earliest = facts.points.reduce<string | null>((min, p) => (min === null || p.openedOn < min ? p.openedOn : min), null);
  const from = q.from ?? (earliest && earliest < to ? `${earliest.slice(0, 7)}-01` : to);
  if (from > to) throw DomainError.validation([{ path: 'from', message: 'must not be after to' }]);
  const length = seriesLength(from, to, q.interval);
  if (length > MAX_POINTS) throw DomainError.validation([{ path: 'from', message: `the series would have ${length} points; at most ${MAX_POINTS}` }]);
  const dates = seriesDates(from, to, q.interval);

  const towns = ctx.reference.towns.filter((t) => !q.townCode || t.code === q.townCode).map((t) => ({ code: t.code, referenceVillageCount: t.villageCount }));
  const villages = q.townCode ? facts.villages.filter((v) => v.townCode === q.townCode) : facts.villages;
  let source: 'villages' | 'reference' | 'mixed' = 'villages';
  const points = dates.map((date) => {
    const t = sumTallies(tallyByTown(towns, villages, date, q.brand));
    source = t.source;
    return {
      date,
      denominator: t.denominator,
      covered: t.covered,
      coveredByProxy: t.coveredByProxy,
      uncovered: t.uncovered,
      noData: t.noData,
      rate: rateOf(t.covered, t.denominator),
      rateWithProxy: rateOf(t.covered + t.coveredByProxy, t.denominator),
    };
  });
  return {
    from,
    to,
    interval: q.interval,
    brand: q.brand ?? null,
    townCode: q.townCode ?? null,
    denominatorSource: source,
    targets: targets.map((t) => ({ by: t.by, rate: t.rate, countsProxy: t.countsProxy, label: t.label })),
    points,
  };
}

import { CoverageQuery, type CoverageView } from '../../contracts/network.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { businessDate } from '../../rules/time.ts';
import { loadTargets } from './coverage-targets.ts';
import { applicableTarget, coverageLabel, isOpenOn, rateOf, sumTallies, tallyByTown, targetStatus, villageStatusOn } from './coverage-rule.ts';
import { loadNetworkFacts } from './network-records.ts';

/**
 * Coverage on one date, by town and for the county, always as numerator and denominator, with the
 * villages that have no data listed, the network's upper tiers, each carrier's reach (通达率), and
 * the targets. Computed in memory from the records on every read (see loadNetworkFacts).
 */
export async function getCoverage({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<CoverageView> {
  requireAccess(ctx, 'network.read');
  const q = parseInput(CoverageQuery, query ?? {});
  if (q.brand) {
    const issues = unknownCodeIssues(ctx.reference, { carrierCode: q.brand }).map((i) => ({ ...i, path: 'brand' }));
    if (issues.length) throw DomainError.validation(issues);
  }
  const date = q.date ?? businessDate(ctx.clock());
  const brand = q.brand ?? null;
  const [facts, targets] = await Promise.all([loadNetworkFacts(ctx.db), loadTargets(ctx.db)]);
  const towns = ctx.reference.towns.map((t) => ({ code: t.code, referenceVillageCount: t.villageCount }));
  const tallies = tallyByTown(towns, facts.villages, date, brand);
  const county = sumTallies(tallies);
  const applicable = applicableTarget(targets, date);

  const imported = new Map<string, number>();
  const communities = new Map<string, number>();
  for (const v of facts.villages) {
    imported.set(v.townCode, (imported.get(v.townCode) ?? 0) + 1);
    if (v.kind === 'community') communities.set(v.townCode, (communities.get(v.townCode) ?? 0) + 1);
  }
  const counts = (
    t: { denominator: number; covered: number; coveredByProxy: number; uncovered: number; noData: number },
    source: 'villages' | 'reference' | 'mixed',
  ) => ({
    denominator: t.denominator,
    denominatorSource: source,
    covered: t.covered,
    coveredByProxy: t.coveredByProxy,
    uncovered: t.uncovered,
    noData: t.noData,
    rate: rateOf(t.covered, t.denominator),
    rateWithProxy: rateOf(t.covered + t.coveredByProxy, t.denominator),
    label: coverageLabel(t.covered, t.denominator, source),
  });

  const open = facts.points.filter((p) => isOpenOn(p, date) && (!brand || p.brands.includes(brand)));
  const townsWithNode = new Set(open.filter((p) => p.kind === 'town_node' && p.townCode).map((p) => p.townCode!));

  // Each carrier's reach, on the same denominator (one pass per carrier over ~642 villages).
  const byBrand = ctx.reference.carriers.map((c) => {
    const t = sumTallies(tallyByTown(towns, facts.villages, date, c.code));
    return {
      carrierCode: c.code,
      covered: t.covered,
      coveredByProxy: t.coveredByProxy,
      rate: rateOf(t.covered, t.denominator),
      rateWithProxy: rateOf(t.covered + t.coveredByProxy, t.denominator),
      label: coverageLabel(t.covered, t.denominator, t.source),
    };
  });

  const noDataVillages = facts.villages
    .filter((v) => villageStatusOn(v, date) === 'no_data')
    .map((v) => ({ id: v.id, code: v.code, name: v.name, townCode: v.townCode }));

  return {
    date,
    brand,
    county: { ...counts(county, county.source), communitiesExcluded: facts.villages.filter((v) => v.kind === 'community').length },
    byTown: tallies.map((t) => {
      const town = ctx.reference.towns.find((x) => x.code === t.townCode)!;
      return {
        townCode: t.townCode,
        townName: town.name,
        referenceVillageCount: town.villageCount,
        importedVillages: imported.get(t.townCode) ?? 0,
        communitiesExcluded: communities.get(t.townCode) ?? 0,
        ...counts(t, t.source),
        belowTarget: applicable ? targetStatus(applicable, t, date).status !== 'met' : null,
      };
    }),
    network: {
      countyHubsOpen: open.filter((p) => p.kind === 'county_hub').length,
      townsWithNode: townsWithNode.size,
      townsWithoutNode: ctx.reference.towns.filter((t) => !townsWithNode.has(t.code)).map((t) => t.code),
    },
    targets: targets.map((t) => ({ by: t.by, rate: t.rate, countsProxy: t.countsProxy, label: t.label, ...targetStatus(t, county, date) })),
    noDataVillages,
    townsWithoutVillages: tallies.filter((t) => t.source === 'reference').map((t) => t.townCode),
    byBrand,
  };
}

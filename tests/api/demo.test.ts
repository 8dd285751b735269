import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSeasonProjects } from '../../server/domain/projects/ensure-season-projects.ts';
import { getProgress } from '../../server/domain/projects/get-progress.ts';
import { listProjects } from '../../server/domain/projects/list-projects.ts';
import { listReconciliation } from '../../server/domain/projects/list-reconciliation.ts';
import { listStock } from '../../server/domain/ledger/list-stock.ts';
import { DEMO_ACCOUNTS, seedDemo } from '../../server/domain/demo/seed-demo.ts';
import { getCoverage } from '../../server/domain/network/get-coverage.ts';
import { getCoverageSeries } from '../../server/domain/network/get-coverage-series.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';

// Demo mode writes through the same verbs as real data: its tallies must verify, and it
// must give the dashboard a realistic picture (every town, both kinds of figures).

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ now: '2026-11-29T04:00:00Z' });
  await ensureSeasonProjects({ ctx: t.ctx });
});
afterAll(() => t?.close());

it('seeds a realistic, consistent season once', async () => {
  const first = await seedDemo({ ctx: t.ctx });
  expect(first.seeded).toBe(true);
  expect(first.pickups).toBeGreaterThan(5000);
  expect((await seedDemo({ ctx: t.ctx })).seeded).toBe(false);

  const report = await verifyTallies({ ctx: t.ctx });
  expect(report.differences).toEqual([]);

  const projects = (await listProjects({ ctx: t.ctx })).items;
  const apple = projects.find((p) => p.code === 'apple-2026')!;
  const p = await getProgress({ ctx: t.ctx, id: apple.id });
  // By late November most of the autumn's share is behind: a few million parcels.
  expect(p.countedParcels).toBeGreaterThan(3_000_000);
  expect(p.countedParcels).toBeLessThan(10_000_000);
  expect(p.confirmedParcels).toBeGreaterThan(0);
  expect(p.provisionalParcels).toBeGreaterThan(0);
  expect(p.byTown.every((town) => town.counted > 0)).toBe(true);
  expect(p.byCarrier.every((c) => c.counted > 0)).toBe(true);

  const cherry = projects.find((x) => x.code === 'cherry-2026')!;
  const c = await getProgress({ ctx: t.ctx, id: cherry.id });
  expect(c.percent).toBeGreaterThan(95);
  expect(projects.some((x) => x.townCode === '370323109' && x.tier === 'bronze')).toBe(true);

  expect((await listReconciliation({ ctx: t.ctx, query: { projectId: apple.id } })).items.length).toBeGreaterThan(0);
  expect((await listStock({ ctx: t.ctx })).items.length).toBeGreaterThan(0);
  expect(DEMO_ACCOUNTS.map((a) => a.role).sort()).toEqual(['admin', 'carrier', 'cooperative', 'official']);

  // The three-tier network: every village of every town named, a hub and a node per town, most
  // villages covered by 2026, some by villager proxy, a few without data (listed).
  const coverage = await getCoverage({ ctx: t.ctx, query: {} });
  expect(coverage.county.denominatorSource).toBe('villages');
  expect(coverage.byTown.every((town) => town.importedVillages === town.referenceVillageCount && town.covered > 0)).toBe(true);
  expect(coverage.county.communitiesExcluded).toBeGreaterThan(10);
  expect(coverage.county.rateWithProxy).toBeGreaterThan(0.95);
  expect(coverage.county.coveredByProxy).toBeGreaterThan(5);
  expect(coverage.county.uncovered).toBeGreaterThan(0);
  expect(coverage.noDataVillages).toHaveLength(coverage.county.noData);
  expect(coverage.county.noData).toBeGreaterThan(0);
  expect(coverage.network).toEqual({ countyHubsOpen: 2, townsWithNode: 12, townsWithoutNode: [] });
  expect(coverage.targets.map((x) => x.status)).toEqual(['met', 'missed']);
  const series = await getCoverageSeries({ ctx: t.ctx, query: { from: '2019-01-01', to: '2021-12-31' } });
  const at = (date: string) => series.points.find((x) => x.date === date)!.rateWithProxy!;
  expect(at('2019-12-31')).toBeLessThan(0.8);
  expect(at('2020-12-31')).toBeGreaterThanOrEqual(0.8);
  expect(at('2021-12-31')).toBeGreaterThan(at('2020-12-31'));
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSeasonProjects } from '../../server/domain/projects/ensure-season-projects.ts';
import { getProgress } from '../../server/domain/projects/get-progress.ts';
import { listProjects } from '../../server/domain/projects/list-projects.ts';
import { listReconciliation } from '../../server/domain/projects/list-reconciliation.ts';
import { listStock } from '../../server/domain/ledger/list-stock.ts';
import { DEMO_ACCOUNTS, seedDemo } from '../../server/domain/demo/seed-demo.ts';
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
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { carrierVolumeHistory } from '../../server/domain/carriers/carrier-volume-history.ts';
import { reportCarrierVolume } from '../../server/domain/carriers/report-carrier-volume.ts';
import { recordPickup } from '../../server/domain/ledger/record-pickup.ts';
import { recordPickupBatch } from '../../server/domain/ledger/record-pickup-batch.ts';
import { voidPickup } from '../../server/domain/ledger/void-pickup.ts';
import { createProject } from '../../server/domain/projects/create-project.ts';
import { getProgress } from '../../server/domain/projects/get-progress.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, pickup } from '../helpers/factories.ts';

// Many writers at once on shared cells (on PostgreSQL through a pool of connections, so
// they truly overlap): nothing lost, nothing counted twice, no deadlock surfaces, and a
// project created in the middle of the storm still ends up with exact figures.

let t: TestApp;
let coop: string;
beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
});
afterAll(() => t?.close());

it('keeps tallies exact under concurrent pickups, batches, voids, reports and project creation', async () => {
  const ctx = t.ctx;
  const towns = [TOWNS.yanya, TOWNS.dongli, TOWNS.nanma];
  const carriers = ['ems', 'sf', 'zto'];
  const days = ['2026-10-01', '2026-10-02'];
  const cellOf = (i: number) => ({ townCode: towns[i % 3], carrierCode: carriers[Math.floor(i / 3) % 3], day: days[i % 2] });
  const singles = Array.from({ length: 300 }, (_, i) => {
    const c = cellOf(i);
    return pickup(coop, { townCode: c.townCode, carrierCode: c.carrierCode, parcels: 1 + (i % 7), pickedUpAt: `${c.day}T01:00:00Z` });
  });
  const batches = Array.from({ length: 6 }, (_, b) =>
    Array.from({ length: 50 }, (_, i) => {
      const c = cellOf(b * 50 + i + 1);
      return pickup(coop, { townCode: c.townCode, carrierCode: c.carrierCode, parcels: 2, pickedUpAt: `${c.day}T05:00:00Z` });
    }),
  );
  const early = await createProject({
    ctx,
    input: { code: 'storm-early', name: '并发测试', productCode: 'apple', tier: 'gold', targetParcels: 100000, startsOn: '2026-09-01', endsOn: '2026-12-31' },
  });

  const work: Promise<unknown>[] = [];
  singles.forEach((p, i) => {
    work.push(recordPickup({ ctx, input: p }));
    // Retries of the same pickup, racing the original.
    if (i % 5 === 0) work.push(recordPickup({ ctx, input: p }));
  });
  for (const items of batches) work.push(recordPickupBatch({ ctx, input: { items } }));
  // A carrier reports two cells, twice each, in the middle of it.
  for (const parcels of [30, 45])
    for (const day of days)
      work.push(reportCarrierVolume({ ctx, params: { carrierCode: 'sf', townCode: TOWNS.yanya, productCode: 'apple', date: day }, input: { parcels } }));
  const late = createProject({
    ctx,
    input: { code: 'storm-late', name: '中途创建', productCode: 'apple', tier: 'gold', targetParcels: 100000, startsOn: '2026-10-01', endsOn: '2026-10-31' },
  });
  work.push(late);
  await Promise.all(work);
  // Void a tenth of the singles, concurrently, twice each.
  await Promise.all(
    singles.filter((_, i) => i % 10 === 0).flatMap((p) => [0, 1].map(() => voidPickup({ ctx, id: p.id as string, input: { reason: '并发作废' } }))),
  );

  const report = await verifyTallies({ ctx });
  expect(report.differences).toEqual([]);
  const a = await getProgress({ ctx, id: early.project.id });
  const b = await getProgress({ ctx, id: (await late).project.id });
  // Both projects cover both days, so they must agree exactly.
  expect(b.countedParcels).toBe(a.countedParcels);
  expect(b.confirmedParcels).toBe(a.confirmedParcels);
  const logged = singles.filter((_, i) => i % 10 !== 0).reduce((s, p) => s + Number(p.parcels), 0) + batches.flat().length * 2;
  expect(a.confirmedParcels + a.provisionalParcels).toBe(a.countedParcels);
  // The two reported cells count their latest revision (the reports raced: 30 or 45 may be last).
  const latest = await Promise.all(
    days.map(
      async (date) =>
        (await carrierVolumeHistory({ ctx, params: { carrierCode: 'sf', townCode: TOWNS.yanya, productCode: 'apple', date } })).items.at(-1)!.parcels,
    ),
  );
  expect(a.confirmedParcels).toBe(latest[0] + latest[1]);
  expect(a.countedParcels).toBeLessThanOrEqual(logged + 90);
  expect(a.countedParcels).toBeGreaterThan(0);
});

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays } from '../../server/rules/time.ts';
import { verifyTallies } from '../../server/domain/verify/verify-tallies.ts';
import { buildTestApp, type TestApp } from '../helpers/test-app.ts';
import { TOWNS, createCooperative, post, progress } from '../helpers/factories.ts';

// Random interleavings of pickups, retries, conflicting re-sends, voids and carrier
// revisions must always leave progress equal to a plain recomputation from a model.
// Commands run in small concurrent groups, so on PostgreSQL they really interleave.

let t: TestApp;
let coop: string;
let execution = 0;
beforeAll(async () => {
  t = await buildTestApp();
  coop = await createCooperative(t.app);
});
afterAll(() => t?.close());

const towns = [TOWNS.yanya, TOWNS.dongli];
const carriers = ['ems', 'sf'];

type Cell = { town: number; carrier: number; day: number };
const cellArb = fc.record({ town: fc.nat(1), carrier: fc.nat(1), day: fc.nat(2) });
const commandArb = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('pickup' as const), cell: cellArb, parcels: fc.integer({ min: 1, max: 40 }) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('retry' as const), which: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('conflict' as const), which: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('void' as const), which: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('report' as const), cell: cellArb, parcels: fc.integer({ min: 0, max: 60 }) }), weight: 3 },
);
// Groups of commands sent at once; groups run one after another.
const scriptArb = fc.array(fc.array(commandArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });

it('progress always equals a recomputation of the ledger', async () => {
  await fc.assert(
    fc.asyncProperty(scriptArb, async (script) => {
      // Each execution gets days of its own (day 0 lies outside its project's period),
      // so executions sharing one database never see each other's cells.
      const base = addDays('2016-01-01', 4 * execution++);
      const dates = [base, addDays(base, 1), addDays(base, 2)];
      const project = (
        await post(t.app, '/api/v1/projects', {
          code: `prop-${randomUUID().slice(0, 12)}`,
          name: '性质测试',
          productCode: 'apple',
          tier: 'gold',
          targetParcels: 1000,
          startsOn: dates[1],
          endsOn: dates[2],
        })
      ).body.id as string;

      const sent: { body: Record<string, unknown>; cell: Cell; voided: boolean }[] = [];
      const reports = new Map<string, number>();
      const key = (c: Cell) => `${c.town}|${c.carrier}|${c.day}`;

      for (const group of script) {
        // Voids and re-sends pick from pickups of earlier groups, which are surely on record.
        const settled = sent.slice();
        const reportedInGroup = new Set<string>();
        const pending = group.map(async (cmd) => {
          if (cmd.kind === 'pickup') {
            const body = {
              id: randomUUID(),
              cooperativeId: coop,
              townCode: towns[cmd.cell.town],
              carrierCode: carriers[cmd.cell.carrier],
              productCode: 'apple',
              parcels: cmd.parcels,
              pickedUpAt: `${dates[cmd.cell.day]}T03:00:00Z`,
            };
            const entry = { body, cell: cmd.cell, voided: false };
            sent.push(entry);
            expect((await post(t.app, '/api/v1/pickups', body)).status).toBe(201);
          } else if (cmd.kind === 'report') {
            const c = cmd.cell;
            // Two reports of one cell in a group race in an order the model cannot know.
            if (reportedInGroup.has(key(c))) return;
            reportedInGroup.add(key(c));
            reports.set(key(c), cmd.parcels);
            const url = `/api/v1/carrier-volumes/${carriers[c.carrier]}/${towns[c.town]}/apple/${dates[c.day]}`;
            expect((await post(t.app, url, { parcels: cmd.parcels }, 'PUT')).status).toBe(200);
          } else if (settled.length) {
            const target = settled[cmd.which % settled.length];
            if (cmd.kind === 'retry') expect([200, 201]).toContain((await post(t.app, '/api/v1/pickups', target.body)).status);
            if (cmd.kind === 'conflict')
              expect((await post(t.app, '/api/v1/pickups', { ...target.body, parcels: Number(target.body.parcels) + 1 })).status).toBe(409);
            if (cmd.kind === 'void') {
              target.voided = true;
              expect((await post(t.app, `/api/v1/pickups/${target.body.id}/void`, { reason: 'property test' })).status).toBe(200);
            }
          }
        });
        await Promise.all(pending);
      }

      // The model: per cell, the carrier's figure if reported, else unvoided pickups.
      const expected = { counted: 0, confirmed: 0, provisional: 0, byTown: new Map<string, number>(), byCarrier: new Map<string, number>() };
      for (let town = 0; town < 2; town++)
        for (let carrier = 0; carrier < 2; carrier++)
          for (let day = 1; day < 3; day++) {
            const c = { town, carrier, day };
            const reported = reports.get(key(c));
            const logged = sent.filter((s) => !s.voided && key(s.cell) === key(c)).reduce((a, s) => a + Number(s.body.parcels), 0);
            const counted = reported ?? logged;
            expected.counted += counted;
            if (reported !== undefined) expected.confirmed += reported;
            else expected.provisional += logged;
            expected.byTown.set(towns[town], (expected.byTown.get(towns[town]) ?? 0) + counted);
            expected.byCarrier.set(carriers[carrier], (expected.byCarrier.get(carriers[carrier]) ?? 0) + counted);
          }
      const p = await progress(t.app, project);
      expect({ counted: p.countedParcels, confirmed: p.confirmedParcels, provisional: p.provisionalParcels }).toEqual({
        counted: expected.counted,
        confirmed: expected.confirmed,
        provisional: expected.provisional,
      });
      for (const town of towns) expect(p.byTown.find((x: any) => x.townCode === town).counted).toBe(expected.byTown.get(town));
      for (const carrier of carriers) expect(p.byCarrier.find((x: any) => x.carrierCode === carrier).counted).toBe(expected.byCarrier.get(carrier));
      expect(p.daily.at(-1).cumulative).toBe(expected.counted);
    }),
    { numRuns: 40, seed: 20261129 },
  );
  const report = await verifyTallies({ ctx: t.ctx });
  expect(report.differences).toEqual([]);
});

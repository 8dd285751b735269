import fc from 'fast-check';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf, type Db } from '../../db/client.ts';
import {
  cellCountDelta,
  countCell,
  inProjectPeriod,
  inProjectScope,
  mayTouchProject,
  needsReconciliation,
  type CellPlace,
  type CellState,
  type ProjectScope,
} from '../../server/domain/ledger/counting.ts';
import {
  confirmedSql,
  inKnownProjectScopeSql,
  inProjectPeriodSql,
  inProjectScopeSql,
  isConfirmedCellSql,
  isProvisionalCellSql,
  needsReconciliationSql,
  provisionalSql,
} from '../../server/domain/ledger/counting-sql.ts';
import { addDays } from '../../server/rules/time.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

// The counting rule and the project scope are stated twice, on purpose: in TypeScript for the
// code that reasons about one cell, in SQL for the statements that keep and check the tallies.
// Random cells and projects, evaluated by the database itself, must get the same answers.

let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  db = database.handle.db;
});
afterAll(() => database?.close());

type Cell = CellState & CellPlace;

const products = ['apple', 'cherry'];
const towns = ['370323100', '370323101', '370323102'];
// A span that holds a year's end and a leap day, so date arithmetic in either language is tested too.
const firstDay = '2023-12-20';
const dayArb = fc.integer({ min: 0, max: 80 }).map((n) => addDays(firstDay, n));
// Small figures make ties (logged = reported, a report of 0) common; large ones test the bigint columns.
const figureArb = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 1_000_000_000_000 }));

const cellArb: fc.Arbitrary<Cell> = fc.record({
  productCode: fc.constantFrom(...products),
  date: dayArb,
  townCode: fc.constantFrom(...towns),
  logged: figureArb,
  reported: fc.option(figureArb, { nil: null }),
});

const projectArb: fc.Arbitrary<ProjectScope> = fc
  .record({
    productCode: fc.constantFrom(...products),
    start: dayArb,
    days: fc.integer({ min: 0, max: 40 }),
    townCode: fc.option(fc.constantFrom(...towns), { nil: null }),
  })
  .map(({ productCode, start, days, townCode }) => ({ productCode, startsOn: start, endsOn: addDays(start, days), townCode }));

/** The cells as `c` and the projects as `p`, shaped like volume_cells and projects rows. */
function withRows(cells: Cell[], projects: ProjectScope[], body: SQL): SQL {
  const cellRows = cells.map(
    (c, i) => sql`(${i}::int, ${c.productCode}::text, ${c.date}::date, ${c.townCode}::text, ${c.logged}::bigint, ${c.reported}::bigint)`,
  );
  const projectRows = projects.map((p, j) => sql`(${j}::int, ${p.productCode}::text, ${p.startsOn}::date, ${p.endsOn}::date, ${p.townCode}::text)`);
  return sql`WITH c(i, product_code, business_date, town_code, logged_parcels, reported_parcels) AS (VALUES ${sql.join(cellRows, sql`, `)}),
    p(j, product_code, starts_on, ends_on, town_code) AS (VALUES ${sql.join(projectRows, sql`, `)})
    ${body}`;
}

const pairs = (rows: { i: number; j: number }[]) => rows.map((r) => `${r.j}:${r.i}`).sort();

it('the SQL fragments count, flag and scope cells exactly as the TypeScript rule does', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(cellArb, { minLength: 1, maxLength: 20 }), fc.array(projectArb, { minLength: 1, maxLength: 5 }), async (cells, projects) => {
      const counted = rowsOf<{ i: number; confirmed: number; provisional: number; is_confirmed: boolean; is_provisional: boolean; reconcile: boolean }>(
        await db.execute(
          withRows(
            cells,
            projects,
            sql`SELECT c.i, (${confirmedSql('c')})::float8 AS confirmed, (${provisionalSql('c')})::float8 AS provisional,
                       (${isConfirmedCellSql('c')}) AS is_confirmed, (${isProvisionalCellSql('c')}) AS is_provisional,
                       (${needsReconciliationSql('c')}) AS reconcile
                FROM c ORDER BY c.i`,
          ),
        ),
      );
      expect(counted).toHaveLength(cells.length);
      for (const row of counted) {
        const cell = cells[row.i];
        const rule = countCell(cell);
        // A pickup logged into the cell moves its count only while the carrier has not reported.
        const movedByLogging = cellCountDelta(cell, { ...cell, logged: cell.logged + 1 }).provisional !== 0;
        expect({
          confirmed: Number(row.confirmed),
          provisional: Number(row.provisional),
          counted: Number(row.confirmed) + Number(row.provisional),
          isConfirmed: row.is_confirmed,
          isProvisional: row.is_provisional,
          reconcile: row.reconcile,
        }).toEqual({
          confirmed: rule.confirmed,
          provisional: rule.provisional,
          counted: rule.counted,
          isConfirmed: !movedByLogging,
          isProvisional: movedByLogging,
          reconcile: needsReconciliation(cell),
        });
      }

      const joined = rowsOf<{ i: number; j: number }>(
        await db.execute(withRows(cells, projects, sql`SELECT c.i, p.j FROM c JOIN p ON ${inProjectScopeSql('p', 'c')}`)),
      );
      const known = rowsOf<{ i: number; j: number }>(
        await db.execute(
          withRows(
            cells,
            projects,
            sql.join(
              projects.map((project, j) => sql`SELECT c.i, ${j}::int AS j FROM c WHERE ${inKnownProjectScopeSql(project, 'c')}`),
              sql` UNION ALL `,
            ),
          ),
        ),
      );
      const inPeriod = rowsOf<{ i: number; j: number }>(
        await db.execute(withRows(cells, projects, sql`SELECT c.i, p.j FROM c CROSS JOIN p WHERE ${inProjectPeriodSql('p', sql`c.business_date`)}`)),
      );

      const expected = { scope: [] as { i: number; j: number }[], period: [] as { i: number; j: number }[] };
      projects.forEach((project, j) =>
        cells.forEach((cell, i) => {
          if (inProjectScope(project, cell)) expected.scope.push({ i, j });
          if (inProjectPeriod(project, cell.date)) expected.period.push({ i, j });
          // The live hub's test, made without the town, never misses a cell in scope.
          if (inProjectScope(project, cell)) expect(mayTouchProject(project, cell.productCode, cell.date)).toBe(true);
        }),
      );
      expect(pairs(joined)).toEqual(pairs(expected.scope));
      expect(pairs(known)).toEqual(pairs(expected.scope));
      expect(pairs(inPeriod)).toEqual(pairs(expected.period));
    }),
    { numRuns: 150 },
  );
});

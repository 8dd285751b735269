import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { Ctx } from '../context.ts';
import { confirmedSql, inProjectScopeSql, provisionalSql } from '../ledger/counting-sql.ts';

export type TallyDifference = { tally: 'volume_cells' | 'project_rollups' | 'storage_stock'; key: string; expected: string; actual: string };

export type VerifyReport = {
  ok: boolean;
  checked: { cells: number; rollups: number; stock: number };
  differenceCount: number;
  /** The first differences found (at most 100 per tally). */
  differences: TallyDifference[];
};

// The ledger, recomputed from scratch: each cell's logged parcels from unvoided pickups,
// its reported figure and revision from the carrier's latest revision. Named as in volume_cells,
// so the counting rule's fragments read them alike.
const expectedCells = sql`
  expected_cells AS (
    SELECT coalesce(l.product_code, r.product_code) AS product_code,
           coalesce(l.business_date, r.business_date) AS business_date,
           coalesce(l.town_code, r.town_code) AS town_code,
           coalesce(l.carrier_code, r.carrier_code) AS carrier_code,
           coalesce(l.logged, 0) AS logged_parcels, r.reported AS reported_parcels, coalesce(r.revision, 0) AS revision
    FROM (
      SELECT product_code, business_date, town_code, carrier_code, sum(parcels)::bigint AS logged
      FROM pickups p
      WHERE NOT EXISTS (SELECT 1 FROM pickup_reversals v WHERE v.pickup_id = p.id)
      GROUP BY product_code, business_date, town_code, carrier_code
    ) l
    FULL JOIN (
      SELECT DISTINCT ON (product_code, business_date, town_code, carrier_code)
             product_code, business_date, town_code, carrier_code, parcels::bigint AS reported, revision
      FROM carrier_volume_revisions
      ORDER BY product_code, business_date, town_code, carrier_code, revision DESC
    ) r USING (product_code, business_date, town_code, carrier_code)
  )`;

/** Recomputes every tally from the ledger and lists where the maintained tallies differ. */
export async function verifyTallies({ ctx }: { ctx: Ctx }): Promise<VerifyReport> {
  const cellDiffs = rowsOf<{ key: string; expected: string; actual: string; n: number; total: number }>(
    await ctx.db.execute(sql`
    WITH ${expectedCells},
    compared AS (
      SELECT concat_ws('|', coalesce(e.product_code, c.product_code), coalesce(e.business_date, c.business_date),
                       coalesce(e.town_code, c.town_code), coalesce(e.carrier_code, c.carrier_code)) AS key,
             concat('logged=', coalesce(e.logged_parcels, 0), ' reported=', coalesce(e.reported_parcels::text, 'none'), ' revision=', coalesce(e.revision, 0)) AS expected,
             concat('logged=', coalesce(c.logged_parcels, 0), ' reported=', coalesce(c.reported_parcels::text, 'none'), ' revision=', coalesce(c.revision, 0)) AS actual
      FROM expected_cells e
      FULL JOIN volume_cells c USING (product_code, business_date, town_code, carrier_code)
    )
    SELECT key, expected, actual, count(*) OVER ()::int AS n, (SELECT count(*) FROM volume_cells)::int AS total
    FROM compared WHERE expected <> actual ORDER BY key LIMIT 100`),
  );

  const rollupDiffs = rowsOf<{ key: string; expected: string; actual: string; n: number }>(
    await ctx.db.execute(sql`
    WITH ${expectedCells},
    expected AS (
      SELECT p.id AS project_id, d.dim, d.key,
             sum(${confirmedSql('e')}) AS confirmed, sum(${provisionalSql('e')}) AS provisional
      FROM expected_cells e
      JOIN projects p ON ${inProjectScopeSql('p', 'e')}
      CROSS JOIN LATERAL (VALUES ('town', e.town_code), ('carrier', e.carrier_code), ('day', e.business_date::text)) AS d(dim, key)
      GROUP BY p.id, d.dim, d.key
    ),
    actual AS (
      SELECT project_id, dim, key, sum(confirmed) AS confirmed, sum(provisional) AS provisional
      FROM project_rollups GROUP BY project_id, dim, key
    ),
    compared AS (
      SELECT concat_ws('|', coalesce(e.project_id, a.project_id), coalesce(e.dim, a.dim), coalesce(e.key, a.key)) AS key,
             concat('confirmed=', coalesce(e.confirmed, 0), ' provisional=', coalesce(e.provisional, 0)) AS expected,
             concat('confirmed=', coalesce(a.confirmed, 0), ' provisional=', coalesce(a.provisional, 0)) AS actual
      FROM expected e FULL JOIN actual a USING (project_id, dim, key)
    )
    SELECT key, expected, actual, count(*) OVER ()::int AS n FROM compared WHERE expected <> actual ORDER BY key LIMIT 100`),
  );

  const stockDiffs = rowsOf<{ key: string; expected: string; actual: string; n: number }>(
    await ctx.db.execute(sql`
    WITH expected AS (
      SELECT facility_id, product_code, sum(CASE WHEN direction = 'in' THEN weight_kg ELSE -weight_kg END) AS weight_kg
      FROM storage_movements m
      WHERE NOT EXISTS (SELECT 1 FROM storage_movement_reversals v WHERE v.storage_movement_id = m.id)
      GROUP BY facility_id, product_code
    ),
    compared AS (
      SELECT concat_ws('|', coalesce(e.facility_id, s.facility_id), coalesce(e.product_code, s.product_code)) AS key,
             coalesce(e.weight_kg, 0)::numeric(14,3)::text AS expected, coalesce(s.weight_kg, 0)::numeric(14,3)::text AS actual
      FROM expected e FULL JOIN storage_stock s USING (facility_id, product_code)
    )
    SELECT key, expected, actual, count(*) OVER ()::int AS n FROM compared WHERE expected <> actual ORDER BY key LIMIT 100`),
  );

  const [counts] = rowsOf<{ cells: number; rollups: number; stock: number }>(
    await ctx.db.execute(sql`SELECT (SELECT count(*) FROM volume_cells)::int AS cells,
      (SELECT count(*) FROM project_rollups)::int AS rollups, (SELECT count(*) FROM storage_stock)::int AS stock`),
  );
  const differences: TallyDifference[] = [
    ...cellDiffs.map((d) => ({ tally: 'volume_cells' as const, key: d.key, expected: d.expected, actual: d.actual })),
    ...rollupDiffs.map((d) => ({ tally: 'project_rollups' as const, key: d.key, expected: d.expected, actual: d.actual })),
    ...stockDiffs.map((d) => ({ tally: 'storage_stock' as const, key: d.key, expected: d.expected, actual: d.actual })),
  ];
  const differenceCount = (cellDiffs[0]?.n ?? 0) + (rollupDiffs[0]?.n ?? 0) + (stockDiffs[0]?.n ?? 0);
  return { ok: differenceCount === 0, checked: counts, differenceCount, differences };
}

import { sql, type SQL } from 'drizzle-orm';
import { inProjectScopeSql, isProvisionalCellSql } from './counting-sql.ts';

// SQL fragments that keep the tallies in step with the ledger. They are spliced into
// the same statement (or transaction) as the ledger write, so a tally can never
// disagree with the rows it sums.

/** Rollup rows are spread over this many slots; see project_rollups in db/schema. */
export const ROLLUP_SLOTS = 8;

export function pickSlot(): number {
  return Math.floor(Math.random() * ROLLUP_SLOTS);
}

/**
 * Given a CTE `cell_delta(product_code, business_date, town_code, carrier_code, parcels)` of
 * parcels to add to (or remove from) the cells' logged figures, adds the CTEs that apply them
 * to volume_cells and, for cells the carrier has not reported (still provisional), to every
 * matching project's rollups. Rows are fed in key order so that concurrent writers take row
 * locks in the same order.
 */
export function loggedDeltaCtes(slot: number, change: 'add' | 'remove'): SQL {
  // Removal is a plain UPDATE: the cell exists (its pickup was counted into it), and an
  // INSERT of a negative figure would trip the non-negative check before ON CONFLICT.
  const upsert =
    change === 'add'
      ? sql`INSERT INTO volume_cells (product_code, business_date, town_code, carrier_code, logged_parcels)
    SELECT product_code, business_date, town_code, carrier_code, parcels FROM cell_delta
    ORDER BY product_code, business_date, town_code, carrier_code
    ON CONFLICT (product_code, business_date, town_code, carrier_code)
    DO UPDATE SET logged_parcels = volume_cells.logged_parcels + excluded.logged_parcels, updated_at = now()
    RETURNING product_code, business_date, town_code, carrier_code, reported_parcels`
      : sql`UPDATE volume_cells c SET logged_parcels = c.logged_parcels - d.parcels, updated_at = now()
    FROM cell_delta d
    WHERE c.product_code = d.product_code AND c.business_date = d.business_date
      AND c.town_code = d.town_code AND c.carrier_code = d.carrier_code
    RETURNING c.product_code, c.business_date, c.town_code, c.carrier_code, c.reported_parcels`;
  const sign = change === 'add' ? sql`` : sql`-`;
  return sql`
  upserted_cells AS (
    ${upsert}
  ),
  rollup_delta AS (
    SELECT c.product_code, c.business_date, c.town_code, c.carrier_code,
           0::bigint AS confirmed, ${sign}d.parcels::bigint AS provisional
    FROM upserted_cells c
    JOIN cell_delta d USING (product_code, business_date, town_code, carrier_code)
    WHERE ${isProvisionalCellSql('c')}
  ),
  ${rollupCte(slot)}`;
}

/**
 * Given a CTE `rollup_delta(product_code, business_date, town_code, carrier_code, confirmed, provisional)`,
 * adds a CTE `applied_rollups` adding those deltas to the rollups of every project whose
 * product, period and (for town projects) town the cell falls in.
 */
export function rollupCte(slot: number): SQL {
  return sql`
  applied_rollups AS (
    INSERT INTO project_rollups (project_id, dim, key, slot, confirmed, provisional)
    SELECT p.id, d.dim, d.key, ${slot}::smallint, sum(r.confirmed), sum(r.provisional)
    FROM rollup_delta r
    JOIN projects p ON ${inProjectScopeSql('p', 'r')}
    CROSS JOIN LATERAL (VALUES ('town', r.town_code), ('carrier', r.carrier_code), ('day', r.business_date::text)) AS d(dim, key)
    GROUP BY p.id, d.dim, d.key
    ORDER BY p.id, d.dim, d.key
    ON CONFLICT (project_id, dim, key, slot) DO UPDATE
      SET confirmed = project_rollups.confirmed + excluded.confirmed,
          provisional = project_rollups.provisional + excluded.provisional
    RETURNING 1
  )`;
}

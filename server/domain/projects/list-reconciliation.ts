import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { ReconciliationQuery } from '../../contracts/projects.ts';
import { carrierCellScope } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { inKnownProjectScopeSql, needsReconciliationSql } from '../ledger/counting-sql.ts';
import { getProject } from './list-projects.ts';

/**
 * Cells in a project's scope where cooperatives logged more than the carrier reported. Each
 * row is a carrier's reported figure for a town and day: the county sees every carrier's, a
 * carrier only its own, a cooperative none.
 */
export async function listReconciliation({ ctx, query }: { ctx: Ctx; query: unknown }) {
  const carrierCode = carrierCellScope(ctx);
  const { projectId } = parseInput(ReconciliationQuery, query);
  const project = await getProject({ ctx, id: projectId });
  const rows = rowsOf<{
    business_date: string;
    town_code: string;
    carrier_code: string;
    product_code: string;
    logged: number;
    reported: number;
  }>(
    await ctx.db.execute(sql`
      SELECT business_date::text AS business_date, town_code, carrier_code, product_code,
             logged_parcels::float8 AS logged, reported_parcels::float8 AS reported
      FROM volume_cells c
      WHERE ${inKnownProjectScopeSql(project, 'c')}
        AND (${carrierCode}::text IS NULL OR carrier_code = ${carrierCode})
        AND ${needsReconciliationSql('c')}
      ORDER BY logged_parcels - reported_parcels DESC, business_date DESC, town_code, carrier_code
      LIMIT 1000`),
  );
  return {
    items: rows.map((r) => ({
      date: r.business_date,
      townCode: r.town_code,
      carrierCode: r.carrier_code,
      productCode: r.product_code,
      loggedParcels: Number(r.logged),
      reportedParcels: Number(r.reported),
      difference: Number(r.logged) - Number(r.reported),
    })),
  };
}

import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { CarrierVolumeDayQuery, type CarrierVolumeDay } from '../../contracts/carrier-import.ts';
import { carrierCellScope, requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { iso } from '../../rules/time.ts';
import { unknownCodeIssues } from '../reference/load-reference.ts';
import { isConfirmedCellSql } from '../ledger/counting-sql.ts';

type CellRow = {
  carrier_code: string;
  town_code: string;
  product_code: string;
  business_date: string;
  reported_parcels: number | null;
  revision: number;
  reported_at: Date | string | null;
  reported_by: string | null;
  logged_parcels: number;
};

/**
 * The figures of one business day, cell by cell: what each carrier reported (its latest
 * revision) and what cooperatives logged for it. Read from the maintained cells, so it costs
 * the same however long the ledger grows. A carrier reads only its own carrier's cells; a
 * cooperative none (see carrierCellScope).
 */
export async function listCarrierVolumes({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<CarrierVolumeDay> {
  requireAccess(ctx, 'carrierCell.read');
  const q = parseInput(CarrierVolumeDayQuery, query);
  const issues = unknownCodeIssues(ctx.reference, q);
  if (issues.length) throw DomainError.validation(issues);
  // A carrier's day-by-day figures are its own business; competitors see only the shares on the dashboard.
  const carrierCode = carrierCellScope(ctx, q.carrierCode);

  const products = q.productCode === undefined ? ctx.reference.products.map((p) => p.code) : [q.productCode];
  const rows = rowsOf<CellRow>(
    await ctx.db.execute(sql`
      SELECT c.carrier_code, c.town_code, c.product_code, c.business_date::text AS business_date,
             c.reported_parcels::float8 AS reported_parcels, c.revision, r.reported_at, r.reported_by,
             c.logged_parcels::float8 AS logged_parcels
      FROM volume_cells c
      LEFT JOIN carrier_volume_revisions r
        ON r.product_code = c.product_code AND r.business_date = c.business_date
       AND r.town_code = c.town_code AND r.carrier_code = c.carrier_code AND r.revision = c.revision
      WHERE c.business_date = ${q.date}::date
        AND (${isConfirmedCellSql('c')} OR c.logged_parcels <> 0)
        ${carrierCode === null ? sql`` : sql`AND c.carrier_code = ${carrierCode}`}
        ${q.townCode === undefined ? sql`` : sql`AND c.town_code = ${q.townCode}`}
        -- Naming every product lets the cells' key (product first) find the day without a scan.
        AND c.product_code IN (${sql.join(
          products.map((p) => sql`${p}`),
          sql`, `,
        )})
      ORDER BY c.carrier_code, c.town_code, c.product_code`),
  );
  return {
    date: q.date,
    carrierCode,
    items: rows.map((r) => ({
      carrierCode: r.carrier_code,
      townCode: r.town_code,
      productCode: r.product_code,
      date: r.business_date,
      reportedParcels: r.reported_parcels === null ? null : Number(r.reported_parcels),
      revision: r.revision,
      reportedAt: r.reported_at === null ? null : iso(r.reported_at),
      reportedBy: r.reported_by,
      loggedParcels: Number(r.logged_parcels),
    })),
  };
}

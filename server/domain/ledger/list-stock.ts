import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { StockView } from '../../contracts/ledger.ts';
import type { Ctx } from '../context.ts';

/** Current stock by facility and product, read from the maintained tally. */
export async function listStock({ ctx }: { ctx: Ctx }): Promise<{ items: StockView[] }> {
  const rows = rowsOf<{
    facility_id: string;
    name: string;
    town_code: string;
    kind: string;
    capacity_kg: number | null;
    product_code: string;
    weight_kg: number;
  }>(
    await ctx.db.execute(sql`
      SELECT f.id::text AS facility_id, f.name, f.town_code, f.kind, f.capacity_kg::float8 AS capacity_kg,
             s.product_code, s.weight_kg::float8 AS weight_kg
      FROM storage_stock s JOIN storage_facilities f ON f.id = s.facility_id
      ORDER BY f.town_code, f.name, s.product_code`),
  );
  return {
    items: rows.map((r) => ({
      facilityId: r.facility_id,
      facilityName: r.name,
      townCode: r.town_code,
      kind: r.kind,
      capacityKg: r.capacity_kg,
      productCode: r.product_code,
      weightKg: Number(r.weight_kg),
    })),
  };
}

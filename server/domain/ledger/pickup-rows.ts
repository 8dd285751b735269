import { sql, type SQL } from 'drizzle-orm';
import type { PickupView } from '../../contracts/ledger.ts';
import { iso } from '../../rules/time.ts';

/** Columns selected for a pickup view; pair with `toPickupView`. Driver-neutral casts. */
export const pickupViewColumns = sql`
  p.id::text AS id, p.cooperative_id::text AS cooperative_id, p.town_code, p.village, p.carrier_code,
  p.product_code, p.variety, p.parcels, p.weight_kg::float8 AS weight_kg, p.picked_up_at,
  p.business_date::text AS business_date, p.recorded_at, p.recorded_by, p.request_hash,
  r.reason AS void_reason, r.reversed_at AS voided_at, r.reversed_by AS voided_by`;

export const pickupViewFrom = sql`pickups p LEFT JOIN pickup_reversals r ON r.pickup_id = p.id`;

export type PickupRow = {
  id: string;
  cooperative_id: string;
  town_code: string;
  village: string | null;
  carrier_code: string;
  product_code: string;
  variety: string | null;
  parcels: number;
  weight_kg: number | null;
  picked_up_at: Date | string;
  business_date: string;
  recorded_at: Date | string;
  recorded_by: string;
  request_hash: string;
  void_reason: string | null;
  voided_at: Date | string | null;
  voided_by: string | null;
};

export function toPickupView(row: PickupRow): PickupView {
  return {
    id: row.id,
    cooperativeId: row.cooperative_id,
    townCode: row.town_code,
    village: row.village,
    carrierCode: row.carrier_code,
    productCode: row.product_code,
    variety: row.variety,
    parcels: Number(row.parcels),
    weightKg: row.weight_kg === null ? null : Number(row.weight_kg),
    pickedUpAt: iso(row.picked_up_at),
    businessDate: row.business_date,
    recordedAt: iso(row.recorded_at),
    recordedBy: row.recorded_by,
    voided: row.void_reason === null ? null : { reason: row.void_reason, at: iso(row.voided_at as Date | string), by: row.voided_by ?? '' },
  };
}

export function selectPickupsByIds(ids: string[]): SQL {
  return sql`SELECT ${pickupViewColumns} FROM ${pickupViewFrom}
             WHERE p.id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(ids)}::json))`;
}

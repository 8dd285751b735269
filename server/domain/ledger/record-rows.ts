import { sql, type SQL } from 'drizzle-orm';
import type { PackagingRunRecord, StorageMovementRecord, VoidMark } from '../../contracts/records.ts';
import type { Ctx } from '../context.ts';
import { iso } from '../../rules/time.ts';
import { cursorInstant } from './record-paging.ts';

// Packaging runs and storage movements read back with their reversal and what the lists show
// beside them (the cooperative's or facility's town). Driver-neutral casts, as for pickups.

type Reversal = { void_reason: string | null; voided_at: Date | string | null; voided_by: string | null };

const voidMark = (r: Reversal): VoidMark | null =>
  r.void_reason === null ? null : { reason: r.void_reason, at: iso(r.voided_at as Date | string), by: r.voided_by ?? '' };

// ---------------------------------------------------------------------------------------------
// Packaging runs: alias k (the run), c (its cooperative), v (its reversal).

export const packagingRunColumns = sql`
  k.id::text AS id, k.cooperative_id::text AS cooperative_id, c.town_code, k.product_code, k.package_type, k.parcels,
  k.fruit_kg::float8 AS fruit_kg, k.packed_at, k.business_date::text AS business_date, k.recorded_at, k.recorded_by,
  v.reason AS void_reason, v.reversed_at AS voided_at, v.reversed_by AS voided_by,
  ${cursorInstant(sql`k.packed_at`)} AS cursor_at`;

export const packagingRunFrom = sql`packaging_runs k
  JOIN cooperatives c ON c.id = k.cooperative_id
  LEFT JOIN packaging_run_reversals v ON v.packaging_run_id = k.id`;

export type PackagingRunRow = Reversal & {
  id: string;
  cooperative_id: string;
  town_code: string;
  product_code: string;
  package_type: string;
  parcels: number;
  fruit_kg: number;
  packed_at: Date | string;
  business_date: string;
  recorded_at: Date | string;
  recorded_by: string;
  cursor_at: string;
};

export const toPackagingRunRecord = (r: PackagingRunRow): PackagingRunRecord => ({
  id: r.id,
  cooperativeId: r.cooperative_id,
  townCode: r.town_code,
  productCode: r.product_code,
  packageType: r.package_type,
  parcels: Number(r.parcels),
  fruitKg: Number(r.fruit_kg),
  packedAt: iso(r.packed_at),
  businessDate: r.business_date,
  recordedAt: iso(r.recorded_at),
  recordedBy: r.recorded_by,
  voided: voidMark(r),
});

/** A cooperative sees its own runs; the county sees all; nobody else any. */
export function packagingRunsVisibleTo(ctx: Ctx): SQL {
  const a = ctx.actor;
  if (a.role === 'cooperative') return sql`k.cooperative_id = ${a.cooperativeId}::uuid`;
  if (a.role === 'admin' || a.role === 'official') return sql`true`;
  return sql`false`;
}

// ---------------------------------------------------------------------------------------------
// Storage movements: alias m (the movement), f (its facility), v (its reversal).

export const storageMovementColumns = sql`
  m.id::text AS id, m.facility_id::text AS facility_id, f.name AS facility_name, f.town_code,
  f.operator_cooperative_id::text AS operator_cooperative_id, m.product_code, m.direction, m.weight_kg::float8 AS weight_kg,
  m.lot, m.moved_at, m.business_date::text AS business_date, m.recorded_at, m.recorded_by,
  v.reason AS void_reason, v.reversed_at AS voided_at, v.reversed_by AS voided_by,
  ${cursorInstant(sql`m.moved_at`)} AS cursor_at`;

export const storageMovementFrom = sql`storage_movements m
  JOIN storage_facilities f ON f.id = m.facility_id
  LEFT JOIN storage_movement_reversals v ON v.storage_movement_id = m.id`;

export type StorageMovementRow = Reversal & {
  id: string;
  facility_id: string;
  facility_name: string;
  town_code: string;
  operator_cooperative_id: string | null;
  product_code: string;
  direction: 'in' | 'out';
  weight_kg: number;
  lot: string | null;
  moved_at: Date | string;
  business_date: string;
  recorded_at: Date | string;
  recorded_by: string;
  cursor_at: string;
};

export const toStorageMovementRecord = (r: StorageMovementRow): StorageMovementRecord => ({
  id: r.id,
  facilityId: r.facility_id,
  facilityName: r.facility_name,
  townCode: r.town_code,
  operatorCooperativeId: r.operator_cooperative_id,
  productCode: r.product_code,
  direction: r.direction,
  weightKg: Number(r.weight_kg),
  lot: r.lot,
  movedAt: iso(r.moved_at),
  businessDate: r.business_date,
  recordedAt: iso(r.recorded_at),
  recordedBy: r.recorded_by,
  voided: voidMark(r),
});

/** A cooperative sees the movements of the facilities it runs (where it may record them); the county sees all. */
export function storageMovementsVisibleTo(ctx: Ctx): SQL {
  const a = ctx.actor;
  if (a.role === 'cooperative') return sql`f.operator_cooperative_id = ${a.cooperativeId}::uuid`;
  if (a.role === 'admin' || a.role === 'official') return sql`true`;
  return sql`false`;
}

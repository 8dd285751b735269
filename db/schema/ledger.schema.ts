import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, integer, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { cooperatives, storageFacilities } from './organizations.schema.ts';
import { carriers, products, towns } from './reference.schema.ts';

// The ledger is append-only: no row here is ever updated or deleted. A correction
// is a reversal row pointing at the original. `request_hash` fingerprints the
// client's content so a re-sent id can be told apart from a conflicting one.

export const pickups = pgTable(
  'pickups',
  {
    id: uuid('id').primaryKey(),
    cooperativeId: uuid('cooperative_id')
      .notNull()
      .references(() => cooperatives.id),
    // No foreign keys on the codes: every insert would lock the same few hot parent rows
    // (measured: half the insert rate). The codes are checked against the reference data
    // before writing, and the pickup's cell in volume_cells, written in the same statement,
    // carries the foreign keys, so an unknown code still cannot get in.
    townCode: text('town_code').notNull(),
    village: text('village'),
    carrierCode: text('carrier_code').notNull(),
    productCode: text('product_code').notNull(),
    variety: text('variety'),
    parcels: integer('parcels').notNull(),
    weightKg: numeric('weight_kg', { precision: 14, scale: 3, mode: 'number' }),
    pickedUpAt: timestamp('picked_up_at', { withTimezone: true }).notNull(),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    requestHash: text('request_hash').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [
    check('pickups_parcels_check', sql`${t.parcels} > 0`),
    index('pickups_cell_idx').on(t.productCode, t.businessDate, t.townCode, t.carrierCode),
    index('pickups_cooperative_idx').on(t.cooperativeId, t.businessDate),
    // The record lists page newest first by (picked_up_at, id): without this, the first page of
    // an unfiltered list would sort every pickup of the season.
    index('pickups_listing_idx').on(t.pickedUpAt, t.id),
  ],
);

export const pickupReversals = pgTable('pickup_reversals', {
  // One reversal per pickup: voiding twice is a no-op, never a double subtraction.
  pickupId: uuid('pickup_id')
    .primaryKey()
    .references(() => pickups.id),
  reason: text('reason').notNull(),
  reversedAt: timestamp('reversed_at', { withTimezone: true }).notNull().defaultNow(),
  reversedBy: text('reversed_by').notNull(),
});

export const packagingRuns = pgTable(
  'packaging_runs',
  {
    id: uuid('id').primaryKey(),
    cooperativeId: uuid('cooperative_id')
      .notNull()
      .references(() => cooperatives.id),
    productCode: text('product_code')
      .notNull()
      .references(() => products.code),
    packageType: text('package_type').notNull(),
    parcels: integer('parcels').notNull(),
    fruitKg: numeric('fruit_kg', { precision: 14, scale: 3, mode: 'number' }).notNull(),
    packedAt: timestamp('packed_at', { withTimezone: true }).notNull(),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    requestHash: text('request_hash').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [check('packaging_runs_parcels_check', sql`${t.parcels} > 0`), index('packaging_runs_cooperative_idx').on(t.cooperativeId, t.businessDate)],
);

/** One reversal per packaging run, as for pickups. Packaging runs feed no tally. */
export const packagingRunReversals = pgTable('packaging_run_reversals', {
  packagingRunId: uuid('packaging_run_id')
    .primaryKey()
    .references(() => packagingRuns.id),
  reason: text('reason').notNull(),
  reversedAt: timestamp('reversed_at', { withTimezone: true }).notNull().defaultNow(),
  reversedBy: text('reversed_by').notNull(),
});

export const storageMovements = pgTable(
  'storage_movements',
  {
    id: uuid('id').primaryKey(),
    facilityId: uuid('facility_id')
      .notNull()
      .references(() => storageFacilities.id),
    productCode: text('product_code')
      .notNull()
      .references(() => products.code),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    weightKg: numeric('weight_kg', { precision: 14, scale: 3, mode: 'number' }).notNull(),
    lot: text('lot'),
    movedAt: timestamp('moved_at', { withTimezone: true }).notNull(),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    requestHash: text('request_hash').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [
    check('storage_movements_direction_check', sql`${t.direction} in ('in', 'out')`),
    check('storage_movements_weight_check', sql`${t.weightKg} > 0`),
    index('storage_movements_facility_idx').on(t.facilityId, t.productCode),
  ],
);

/** One reversal per storage movement; its weight leaves the stock in the same transaction. */
export const storageMovementReversals = pgTable('storage_movement_reversals', {
  storageMovementId: uuid('storage_movement_id')
    .primaryKey()
    .references(() => storageMovements.id),
  reason: text('reason').notNull(),
  reversedAt: timestamp('reversed_at', { withTimezone: true }).notNull().defaultNow(),
  reversedBy: text('reversed_by').notNull(),
});

export const carrierVolumeRevisions = pgTable(
  'carrier_volume_revisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    carrierCode: text('carrier_code')
      .notNull()
      .references(() => carriers.code),
    townCode: text('town_code')
      .notNull()
      .references(() => towns.code),
    productCode: text('product_code')
      .notNull()
      .references(() => products.code),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    revision: integer('revision').notNull(),
    parcels: integer('parcels').notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
    reportedBy: text('reported_by').notNull(),
  },
  (t) => [
    check('carrier_volume_revisions_parcels_check', sql`${t.parcels} >= 0`),
    unique('carrier_volume_revisions_cell_revision_key').on(t.productCode, t.businessDate, t.townCode, t.carrierCode, t.revision),
  ],
);

import { sql } from 'drizzle-orm';
import { bigint, check, date, integer, numeric, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { storageFacilities } from './organizations.schema.ts';
import { projects } from './projects.schema.ts';
import { carriers, products, towns } from './reference.schema.ts';

// Tallies are derived state, maintained in the same transaction as each ledger
// write, so reads never scan the ledger. `npm run verify` recomputes them.

/** One cell of the counting rule: business date × town × carrier × product. */
export const volumeCells = pgTable(
  'volume_cells',
  {
    productCode: text('product_code')
      .notNull()
      .references(() => products.code),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    townCode: text('town_code')
      .notNull()
      .references(() => towns.code),
    carrierCode: text('carrier_code')
      .notNull()
      .references(() => carriers.code),
    loggedParcels: bigint('logged_parcels', { mode: 'number' }).notNull().default(0),
    // null until the carrier reports this cell; from then on the cell is "confirmed".
    reportedParcels: bigint('reported_parcels', { mode: 'number' }),
    revision: integer('revision').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'volume_cells_pkey', columns: [t.productCode, t.businessDate, t.townCode, t.carrierCode] }),
    check('volume_cells_logged_check', sql`${t.loggedParcels} >= 0`),
  ],
);

/**
 * Per-project sums of the counted cells along one dimension ('town', 'carrier' or 'day').
 * Each dimension sums to the project total. Rows are spread over a few slots so that
 * concurrent writers rarely queue on the same row lock; reads add the slots up.
 */
export const projectRollups = pgTable(
  'project_rollups',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    dim: text('dim', { enum: ['town', 'carrier', 'day'] }).notNull(),
    key: text('key').notNull(),
    slot: smallint('slot').notNull(),
    confirmed: bigint('confirmed', { mode: 'number' }).notNull().default(0),
    provisional: bigint('provisional', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'project_rollups_pkey', columns: [t.projectId, t.dim, t.key, t.slot] })],
);

export const storageStock = pgTable(
  'storage_stock',
  {
    facilityId: uuid('facility_id')
      .notNull()
      .references(() => storageFacilities.id),
    productCode: text('product_code')
      .notNull()
      .references(() => products.code),
    weightKg: numeric('weight_kg', { precision: 14, scale: 3, mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'storage_stock_pkey', columns: [t.facilityId, t.productCode] }),
    // The last line of defence against stock going negative under concurrency.
    check('storage_stock_nonnegative_check', sql`${t.weightKg} >= 0`),
  ],
);

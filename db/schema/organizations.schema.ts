import { sql } from 'drizzle-orm';
import { check, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { towns } from './reference.schema.ts';

export const cooperatives = pgTable(
  'cooperatives',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    townCode: text('town_code')
      .notNull()
      .references(() => towns.code),
    village: text('village'),
    contact: text('contact'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  // The natural key: one cooperative of a name per town, so a re-sent registration is recognised.
  (t) => [unique('cooperatives_town_name_key').on(t.townCode, t.name)],
);

export const storageFacilities = pgTable(
  'storage_facilities',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    townCode: text('town_code')
      .notNull()
      .references(() => towns.code),
    kind: text('kind', { enum: ['cold', 'ca', 'ambient'] }).notNull(),
    capacityKg: numeric('capacity_kg', { precision: 14, scale: 3, mode: 'number' }),
    // The cooperative that runs it, if any: its accounts may record movements there.
    operatorCooperativeId: uuid('operator_cooperative_id').references(() => cooperatives.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    unique('storage_facilities_town_name_key').on(t.townCode, t.name),
    check('storage_facilities_kind_check', sql`${t.kind} in ('cold', 'ca', 'ambient')`),
  ],
);

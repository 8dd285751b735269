import { sql } from 'drizzle-orm';
import { bigint, check, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { products, projectTiers, towns } from './reference.schema.ts';

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey(),
    code: text('code').notNull().unique('projects_code_key'),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    productCode: text('product_code')
      .notNull()
      .references(() => products.code),
    tier: text('tier')
      .notNull()
      .references(() => projectTiers.code),
    targetParcels: bigint('target_parcels', { mode: 'number' }).notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    townCode: text('town_code').references(() => towns.code),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    check('projects_period_check', sql`${t.endsOn} >= ${t.startsOn}`),
    check('projects_target_check', sql`${t.targetParcels} > 0`),
    index('projects_product_period_idx').on(t.productCode, t.startsOn, t.endsOn),
  ],
);

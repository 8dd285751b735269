import { bigint, boolean, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

export const towns = pgTable('towns', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  kind: text('kind').notNull(),
  villageCount: integer('village_count').notNull(),
  villageCountSourced: boolean('village_count_sourced').notNull(),
});

export const carriers = pgTable('carriers', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
});

export type Variety = { name: string; nameEn: string; ripens: string; note?: string };

export const products = pgTable('products', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull(),
  tier: text('tier').notNull(),
  targetParcels: bigint('target_parcels', { mode: 'number' }).notNull(),
  varieties: jsonb('varieties').$type<Variety[]>().notNull(),
  packages: jsonb('packages').$type<string[]>().notNull(),
  seasonStart: text('season_start').notNull(),
  seasonEnd: text('season_end').notNull(),
});

export const projectTiers = pgTable('project_tiers', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  minParcelsPerYear: bigint('min_parcels_per_year', { mode: 'number' }).notNull(),
});

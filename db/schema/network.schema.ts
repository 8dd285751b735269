import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { towns } from './reference.schema.ts';

// The three-tier network (县级有中心、镇级有节点、村级通快递): administrative villages, the service
// points that serve them, and the coverage targets. Villages and service points are edited in
// place, but every version is also appended to a *_versions table with its author, date and the
// whole record, so the history is complete and readable through the API.

export const VILLAGE_KINDS = ['village', 'community'] as const;
export const SURVEY_STATUSES = ['unsurveyed', 'confirmed_uncovered'] as const;
export const SERVICE_POINT_KINDS = ['county_hub', 'town_node', 'village_station'] as const;
export const COOPERATION_MODES = ['own', 'courier_courier', 'postal_courier', 'courier_commerce', 'proxy'] as const;
export const CHANGE_KINDS = ['create', 'update', 'import'] as const;

export const villages = pgTable(
  'villages',
  {
    id: uuid('id').primaryKey(),
    // The 12-digit statistical code (统计用区划代码): town code + 3 digits; the natural key of imports.
    code: text('code').notNull().unique('villages_code_key'),
    townCode: text('town_code')
      .notNull()
      .references(() => towns.code),
    name: text('name').notNull(),
    // 'community' (社区/居委会): urban units that coverage targets do not count.
    kind: text('kind', { enum: VILLAGE_KINDS }).notNull().default('village'),
    // A village with no service point on record is "no data" unless someone confirmed it has no service.
    surveyStatus: text('survey_status', { enum: SURVEY_STATUSES }).notNull().default('unsurveyed'),
    surveyedOn: date('surveyed_on', { mode: 'string' }),
    // 撤并: merged or dissolved; not counted from this date on.
    dissolvedOn: date('dissolved_on', { mode: 'string' }),
    notes: text('notes'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [
    unique('villages_town_name_key').on(t.townCode, t.name),
    index('villages_town_idx').on(t.townCode),
    check('villages_kind_check', sql`${t.kind} in ('village', 'community')`),
    check('villages_survey_check', sql`${t.surveyStatus} = 'unsurveyed' OR ${t.surveyedOn} IS NOT NULL`),
    check('villages_survey_status_check', sql`${t.surveyStatus} in ('unsurveyed', 'confirmed_uncovered')`),
  ],
);

export const villageVersions = pgTable(
  'village_versions',
  {
    villageId: uuid('village_id')
      .notNull()
      .references(() => villages.id),
    version: integer('version').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    changedBy: text('changed_by').notNull(),
    change: text('change', { enum: CHANGE_KINDS }).notNull(),
    // Set when the change came from a file import: the import's id, also the audit row's target.
    importId: uuid('import_id'),
    /** The whole record as of this version (the view's fields without the bookkeeping). */
    record: jsonb('record').notNull(),
  },
  (t) => [primaryKey({ name: 'village_versions_pkey', columns: [t.villageId, t.version] })],
);

export const servicePoints = pgTable(
  'service_points',
  {
    id: uuid('id').primaryKey(),
    // Chosen by the administrators (e.g. "DL-V-012"); the natural key of imports.
    code: text('code').notNull().unique('service_points_code_key'),
    name: text('name').notNull(),
    kind: text('kind', { enum: SERVICE_POINT_KINDS }).notNull(),
    // Null only for a county hub: the development zone that hosts it has no town code.
    townCode: text('town_code').references(() => towns.code),
    mode: text('mode', { enum: COOPERATION_MODES }).notNull(),
    // Where parcels go next: a station's town node, a node's county hub. A villager proxy works
    // through its town's service centre, so it must name one.
    upstreamId: uuid('upstream_id').references((): AnyPgColumn => servicePoints.id),
    operator: text('operator').notNull(),
    // Carrier codes; checked against the reference carriers in the domain (an array cannot carry a foreign key).
    brands: text('brands').array().notNull(),
    takesOutgoing: boolean('takes_outgoing').notNull(),
    openingHours: text('opening_hours'),
    staff: integer('staff'),
    videoMonitoring: boolean('video_monitoring').notNull().default(false),
    coldChain: boolean('cold_chain').notNull().default(false),
    openedOn: date('opened_on', { mode: 'string' }).notNull(),
    // Open on D when opened_on <= D < closed_on.
    closedOn: date('closed_on', { mode: 'string' }),
    address: text('address'),
    contact: text('contact'),
    notes: text('notes'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [
    index('service_points_town_idx').on(t.townCode),
    check('service_points_kind_check', sql`${t.kind} in ('county_hub', 'town_node', 'village_station')`),
    check('service_points_mode_check', sql`${t.mode} in ('own', 'courier_courier', 'postal_courier', 'courier_commerce', 'proxy')`),
    check('service_points_town_check', sql`${t.kind} = 'county_hub' OR ${t.townCode} IS NOT NULL`),
    check('service_points_proxy_check', sql`${t.mode} <> 'proxy' OR (${t.kind} = 'village_station' AND ${t.upstreamId} IS NOT NULL)`),
    check('service_points_period_check', sql`${t.closedOn} IS NULL OR ${t.closedOn} > ${t.openedOn}`),
    check('service_points_staff_check', sql`${t.staff} IS NULL OR ${t.staff} >= 0`),
    check('service_points_brands_check', sql`cardinality(${t.brands}) >= 1`),
  ],
);

/** Which villages a service point serves (the current set; earlier sets live in the versions). */
export const servicePointVillages = pgTable(
  'service_point_villages',
  {
    servicePointId: uuid('service_point_id')
      .notNull()
      .references(() => servicePoints.id),
    villageId: uuid('village_id')
      .notNull()
      .references(() => villages.id),
  },
  (t) => [
    primaryKey({ name: 'service_point_villages_pkey', columns: [t.servicePointId, t.villageId] }),
    index('service_point_villages_village_idx').on(t.villageId),
  ],
);

export const servicePointVersions = pgTable(
  'service_point_versions',
  {
    servicePointId: uuid('service_point_id')
      .notNull()
      .references(() => servicePoints.id),
    version: integer('version').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
    changedBy: text('changed_by').notNull(),
    change: text('change', { enum: CHANGE_KINDS }).notNull(),
    importId: uuid('import_id'),
    record: jsonb('record').notNull(),
  },
  (t) => [primaryKey({ name: 'service_point_versions_pkey', columns: [t.servicePointId, t.version] })],
);

/** Coverage targets (e.g. 80 % by 2020-12-31), seeded from the reference data, replaced by an admin. */
export const coverageTargets = pgTable(
  'coverage_targets',
  {
    by: date('by', { mode: 'string' }).primaryKey(),
    rate: numeric('rate', { precision: 5, scale: 4, mode: 'number' }).notNull(),
    // Whether villages served only by villager proxy (村民代办) count toward this target.
    countsProxy: boolean('counts_proxy').notNull(),
    label: text('label'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [check('coverage_targets_rate_check', sql`${t.rate} > 0 AND ${t.rate} <= 1`)],
);

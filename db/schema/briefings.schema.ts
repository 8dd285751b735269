import { customType, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** An issued briefing (简报): the exact bytes handed out, so a re-download is identical. */
export const briefings = pgTable(
  'briefings',
  {
    id: uuid('id').primaryKey(),
    // 第N期, numbered per year (the year of the issue date in Asia/Shanghai).
    year: integer('year').notNull(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    language: text('language', { enum: ['zh', 'en'] }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    cutOffAt: timestamp('cut_off_at', { withTimezone: true }).notNull(),
    issuedBy: text('issued_by').notNull(),
    /** What the official wrote and chose: projects, problems, next steps, recipients. */
    content: jsonb('content').notNull(),
    pdf: bytea('pdf').notNull(),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
  },
  (t) => [unique('briefings_year_number_key').on(t.year, t.number)],
);

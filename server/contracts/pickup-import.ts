import { z } from 'zod';
import { Uuid } from './common.ts';
import { ImportRowError } from './network.ts';

// A cooperative's (or an administrator's) pickup file: CSV, one pickup per row, bulk-loaded
// through COPY. Each row is the same record as POST /pickups takes, so a pickup sent once by
// the app and once in a file is recognised as the same pickup.

/** The largest file the import takes (the JSON routes keep the ordinary body limit). */
export const MAX_PICKUP_IMPORT_BYTES = 50 * 1024 * 1024;

/** At most this many row errors are listed; the message gives the total. */
export const MAX_PICKUP_IMPORT_ERRORS = 1000;

export const PICKUP_IMPORT_MEDIA_TYPE = 'text/csv';

/** The columns, named as in POST /pickups; any order; a header row first. */
export const PICKUP_IMPORT_COLUMNS = [
  'id',
  'cooperativeId',
  'townCode',
  'village',
  'carrierCode',
  'productCode',
  'variety',
  'parcels',
  'weightKg',
  'pickedUpAt',
] as const;
export type PickupImportColumn = (typeof PICKUP_IMPORT_COLUMNS)[number];
/** A cooperative's own file may leave cooperativeId out: every row is then its own. */
export const PICKUP_IMPORT_REQUIRED: readonly PickupImportColumn[] = ['id', 'townCode', 'carrierCode', 'productCode', 'parcels', 'pickedUpAt'];

export const PickupImportConflict = z.object({
  row: z.number().int().describe('the row number as a spreadsheet shows it: the header is row 1'),
  id: Uuid,
  message: z.string(),
});
export type PickupImportConflict = z.infer<typeof PickupImportConflict>;

export const PickupImportResult = z.object({
  importId: Uuid.describe('the target of the audit row of this import'),
  ok: z.literal(true).describe('always true: a file with any bad row is refused as a whole (400 or 403)'),
  summary: z.object({
    rows: z.number().int().describe('data rows in the file (blank lines are not rows)'),
    created: z.number().int().describe('pickups written by this import'),
    duplicate: z.number().int().describe('rows already on record with the same content (or repeated in the file): not written again'),
    conflict: z.number().int().describe('rows whose id is on record with other content: not written'),
  }),
  conflicts: z.array(PickupImportConflict).describe(`the conflicting rows (the first ${MAX_PICKUP_IMPORT_ERRORS})`),
});
export type PickupImportResult = z.infer<typeof PickupImportResult>;

/** 400 (bad rows) or 403 (rows of another cooperative): the standard error body plus the errors row by row. */
export const PickupImportRejected = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  rowErrors: z.array(ImportRowError).optional(),
});
export type PickupImportRejected = z.infer<typeof PickupImportRejected>;

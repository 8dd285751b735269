import { z } from 'zod';
import { BusinessDate, Code, TownCode, Uuid } from './common.ts';
import { MAX_CARRIER_VOLUME_BATCH } from './ledger.ts';
import { ImportRowError } from './network.ts';

// What carriers have reported for a day, and carriers' figures imported from a spreadsheet.

// ---------------------------------------------------------------------------------------------
// A day's figures

// Strict: a misspelt filter (?carrier=…) must not silently answer every carrier's figures.
export const CarrierVolumeDayQuery = z.strictObject({
  date: BusinessDate,
  carrierCode: Code.optional().describe("a carrier account always reads its own carrier's figures"),
  townCode: TownCode.optional(),
  productCode: Code.optional(),
});
export type CarrierVolumeDayQuery = z.infer<typeof CarrierVolumeDayQuery>;

export const CarrierVolumeCellView = z.object({
  carrierCode: z.string(),
  townCode: z.string(),
  productCode: z.string(),
  date: z.string(),
  reportedParcels: z.number().int().nullable().describe("the carrier's latest figure; null while it has reported none for the cell"),
  revision: z.number().int().describe('how many times the carrier has changed its figure (0: never reported)'),
  reportedAt: z.string().nullable(),
  reportedBy: z.string().nullable(),
  loggedParcels: z.number().int().describe("the cooperatives' unvoided pickups handed to this carrier for the cell"),
});
export type CarrierVolumeCellView = z.infer<typeof CarrierVolumeCellView>;

export const CarrierVolumeDay = z.object({
  date: z.string(),
  carrierCode: z.string().nullable().describe('the carrier read (set for a carrier account or a filter), or null for all'),
  items: z.array(CarrierVolumeCellView).describe('every cell of the day with a report or a logged pickup'),
});
export type CarrierVolumeDay = z.infer<typeof CarrierVolumeDay>;

// ---------------------------------------------------------------------------------------------
// Imports

export const MAX_CARRIER_IMPORT_ROWS = MAX_CARRIER_VOLUME_BATCH;

export const CARRIER_IMPORT_MEDIA_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The JSON form of an import (the file may also be sent as the body itself, as text/csv or .xlsx). */
export const CarrierImportInput = z.strictObject({
  format: z.enum(['csv', 'xlsx']),
  content: z
    .string()
    .min(1, 'must not be empty')
    .describe('csv: the text (a header row first); xlsx: the file, base64-encoded (the first worksheet is read, a header row first)'),
  dryRun: z.boolean().default(false).describe('check every row and answer the preview; write nothing'),
});
export type CarrierImportInput = z.infer<typeof CarrierImportInput>;

// Strict, so a misspelt ?dryrun=true is refused instead of writing the file.
export const CarrierImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).optional().describe('true: answer the preview and write nothing'),
});

export const CarrierTemplateQuery = z.strictObject({
  date: BusinessDate.optional().describe('the date the rows are filled with (default: today in Asia/Shanghai)'),
  carrierCode: Code.optional().describe("the carrier the rows name (a carrier account's own, always)"),
});
export type CarrierTemplateQuery = z.infer<typeof CarrierTemplateQuery>;

export const CarrierImportRowStatus = z
  .enum(['new', 'changed', 'unchanged', 'skipped', 'invalid'])
  .describe(
    'new: first figure for the cell; changed: replaces a different one; unchanged: equals the figure on record; skipped: no figure given; invalid: see errors',
  );
export type CarrierImportRowStatus = z.infer<typeof CarrierImportRowStatus>;

export const CarrierImportRow = z.object({
  row: z.number().int().describe('the row number as a spreadsheet shows it'),
  date: z.string().nullable(),
  townCode: z.string().nullable(),
  productCode: z.string().nullable(),
  carrierCode: z.string().nullable(),
  parcels: z.number().int().nullable(),
  previous: z.number().int().nullable().describe('the figure on record for the cell before this import'),
  status: CarrierImportRowStatus,
  errors: z.array(ImportRowError),
  text: z
    .object({ date: z.string(), townCode: z.string(), productCode: z.string(), carrierCode: z.string(), parcels: z.string() })
    .partial()
    .describe('the cells as the file has them (only its columns), to show what a bad row said'),
});
export type CarrierImportRow = z.infer<typeof CarrierImportRow>;

export const CarrierImportSummary = z.object({
  rows: z.number().int().describe('data rows in the file (blank rows not counted)'),
  cells: z.number().int().describe('rows with a valid figure: the cells written'),
  parcels: z.number().int().describe('the sum of those figures'),
  new: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
  invalid: z.number().int().describe('rows with at least one error'),
});
export type CarrierImportSummary = z.infer<typeof CarrierImportSummary>;

export const CarrierImportResult = z.object({
  importId: Uuid.nullable().describe('null for a preview or a refused file; otherwise the target of the audit row'),
  dryRun: z.boolean(),
  ok: z.boolean().describe('false when any row has an error: then nothing was written'),
  summary: CarrierImportSummary,
  rows: z.array(CarrierImportRow),
  errors: z.array(ImportRowError).describe("every error of the file, the header row's included, by row"),
});
export type CarrierImportResult = z.infer<typeof CarrierImportResult>;

/** 400 for a file with bad rows: the standard error body plus the errors row by row. */
export const CarrierImportRejected = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  rowErrors: z.array(ImportRowError).optional(),
});

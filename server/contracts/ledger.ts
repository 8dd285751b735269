import { z } from 'zod';
import { BusinessDate, Code, ErrorIssue, Instant, Kilograms, Text, TownCode, Uuid, items } from './common.ts';

export const MAX_PICKUP_BATCH = 1000;
export const MAX_CARRIER_VOLUME_BATCH = 5000;
// One pickup is one truck or van at the farm gate: a few thousand parcels at most. The bound
// keeps a slip of the keyboard (an extra zero or three) from outweighing a town's whole day.
export const MAX_PICKUP_PARCELS = 20_000;

const Parcels = (min: number, max: number) =>
  z
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max.toLocaleString('en')}`);

export const PickupInput = z.strictObject({
  id: Uuid.describe('chosen by the client; re-sending the same id never counts twice'),
  cooperativeId: Uuid,
  townCode: TownCode,
  village: Text(100).optional(),
  carrierCode: Code,
  productCode: Code,
  variety: Text(50).optional(),
  parcels: Parcels(1, MAX_PICKUP_PARCELS),
  weightKg: Kilograms.optional(),
  pickedUpAt: Instant,
});
export type PickupInput = z.infer<typeof PickupInput>;

export const PickupView = z.object({
  id: Uuid,
  cooperativeId: Uuid,
  townCode: z.string(),
  village: z.string().nullable(),
  carrierCode: z.string(),
  productCode: z.string(),
  variety: z.string().nullable(),
  parcels: z.number().int(),
  weightKg: z.number().nullable(),
  pickedUpAt: z.string(),
  businessDate: z.string().describe('the date in Asia/Shanghai the pickup belongs to'),
  recordedAt: z.string(),
  recordedBy: z.string(),
  voided: z.object({ reason: z.string(), at: z.string(), by: z.string() }).nullable(),
});
export type PickupView = z.infer<typeof PickupView>;
export const PickupList = items(PickupView);

// The pieces every ledger list shares (pickups here; packaging runs and storage movements in records.ts).
/** Voided records: listed with their reversal (the default), left out, or listed alone. */
export const VoidedFilter = z.enum(['include', 'exclude', 'only']).default('include');
/** Where the previous page ended: its `nextCursor`, passed back as is. */
export const PageCursor = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be the nextCursor of a previous page');
export const ListLimit = z.coerce.number().int().min(1).max(500).default(100);
/** A business-date range given backwards matches nothing: say so rather than answer an empty page. */
export const datesInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.to >= q.from;
export const DATES_IN_ORDER = { path: ['to'], message: 'must not be before from' };

// Strict: a misspelt filter (?town=…) must not silently answer the unfiltered list.
export const PickupListQuery = z
  .strictObject({
    projectId: Uuid.optional().describe("only the project's product and period (and its town, for a town project)"),
    cooperativeId: Uuid.optional(),
    townCode: TownCode.optional(),
    carrierCode: Code.optional(),
    productCode: Code.optional(),
    from: BusinessDate.optional().describe('first business date (Asia/Shanghai), inclusive'),
    to: BusinessDate.optional().describe('last business date, inclusive'),
    voided: VoidedFilter,
    cursor: PageCursor.optional(),
    limit: ListLimit,
  })
  .refine(datesInOrder, DATES_IN_ORDER);
export type PickupListQuery = z.infer<typeof PickupListQuery>;

export const PickupBatchInput = z.strictObject({
  // Items are validated one by one in the domain, so one bad item does not sink the rest.
  items: z.array(z.unknown()).min(1, 'must hold at least one item').max(MAX_PICKUP_BATCH, `must hold at most ${MAX_PICKUP_BATCH} items`),
});

export const BatchItemStatus = z.enum(['created', 'duplicate', 'conflict', 'invalid']);
export type BatchItemStatus = z.infer<typeof BatchItemStatus>;

export const PickupBatchResult = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      id: z.string().nullable(),
      status: BatchItemStatus,
      pickup: PickupView.optional(),
      error: z.object({ code: z.string(), message: z.string(), issues: z.array(ErrorIssue).optional() }).optional(),
    }),
  ),
  summary: z.object({ created: z.number().int(), duplicate: z.number().int(), conflict: z.number().int(), invalid: z.number().int() }),
});
export type PickupBatchResult = z.infer<typeof PickupBatchResult>;

export const VoidInput = z.strictObject({ reason: Text(500) });
export type VoidInput = z.infer<typeof VoidInput>;

export const PackagingRunInput = z.strictObject({
  id: Uuid,
  cooperativeId: Uuid,
  productCode: Code,
  packageType: Text(100),
  parcels: Parcels(1, 1_000_000),
  fruitKg: Kilograms,
  packedAt: Instant,
});
export type PackagingRunInput = z.infer<typeof PackagingRunInput>;

export const PackagingRunView = z.object({
  id: Uuid,
  cooperativeId: Uuid,
  productCode: z.string(),
  packageType: z.string(),
  parcels: z.number().int(),
  fruitKg: z.number(),
  packedAt: z.string(),
  businessDate: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type PackagingRunView = z.infer<typeof PackagingRunView>;

export const StorageDirection = z.enum(['in', 'out']);
export const StorageMovementInput = z.strictObject({
  id: Uuid,
  facilityId: Uuid,
  productCode: Code,
  direction: StorageDirection,
  weightKg: Kilograms,
  lot: Text(100).optional(),
  movedAt: Instant,
});
export type StorageMovementInput = z.infer<typeof StorageMovementInput>;

export const StorageMovementView = z.object({
  id: Uuid,
  facilityId: Uuid,
  productCode: z.string(),
  direction: StorageDirection,
  weightKg: z.number(),
  lot: z.string().nullable(),
  movedAt: z.string(),
  businessDate: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type StorageMovementView = z.infer<typeof StorageMovementView>;

export const StockView = z.object({
  facilityId: Uuid,
  facilityName: z.string(),
  townCode: z.string(),
  kind: z.string(),
  capacityKg: z.number().nullable(),
  productCode: z.string(),
  weightKg: z.number(),
});
export type StockView = z.infer<typeof StockView>;
export const StockList = items(StockView);

export const CarrierVolumeParams = z.object({
  carrierCode: Code,
  townCode: TownCode,
  productCode: Code,
  date: BusinessDate,
});
export type CarrierVolumeParams = z.infer<typeof CarrierVolumeParams>;

export const CarrierVolumeBody = z.strictObject({
  parcels: Parcels(0, 10_000_000).describe("the carrier's cumulative figure for that business day"),
});

export const CarrierVolumeInput = z.strictObject({ ...CarrierVolumeParams.shape, ...CarrierVolumeBody.shape });
export type CarrierVolumeInput = z.infer<typeof CarrierVolumeInput>;

export const CarrierVolumeView = z.object({
  carrierCode: z.string(),
  townCode: z.string(),
  productCode: z.string(),
  date: z.string(),
  parcels: z.number().int(),
  revision: z.number().int(),
  changed: z.boolean().describe('false when the figure equals the one already on record'),
});
export type CarrierVolumeView = z.infer<typeof CarrierVolumeView>;

export const CarrierVolumeHistory = z.object({
  carrierCode: z.string(),
  townCode: z.string(),
  productCode: z.string(),
  date: z.string(),
  items: z.array(z.object({ revision: z.number().int(), parcels: z.number().int(), reportedAt: z.string(), reportedBy: z.string() })),
});

export const CarrierVolumeBatchInput = z.strictObject({
  items: z.array(z.unknown()).min(1, 'must hold at least one item').max(MAX_CARRIER_VOLUME_BATCH, `must hold at most ${MAX_CARRIER_VOLUME_BATCH} items`),
});

export const CarrierVolumeBatchResult = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(['revised', 'unchanged', 'invalid']),
      volume: CarrierVolumeView.optional(),
      error: z.object({ code: z.string(), message: z.string(), issues: z.array(ErrorIssue).optional() }).optional(),
    }),
  ),
  summary: z.object({ revised: z.number().int(), unchanged: z.number().int(), invalid: z.number().int() }),
});
export type CarrierVolumeBatchResult = z.infer<typeof CarrierVolumeBatchResult>;

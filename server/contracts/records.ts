import { z } from 'zod';
import { BusinessDate, Code, TownCode, Uuid } from './common.ts';
import {
  DATES_IN_ORDER,
  ListLimit,
  PackagingRunView,
  PageCursor,
  PickupView,
  StorageDirection,
  StorageMovementView,
  VoidedFilter,
  datesInOrder,
} from './ledger.ts';

// The ledger read back as records: paged lists of each kind with their reversals, and the voids.
// Lists are newest first and paged by cursor (keyset), so a page costs the same deep in a season
// as at its start, and records written meanwhile never shift a page or appear twice.

export const RECORD_KINDS = ['pickups', 'packaging-runs', 'storage-movements'] as const;
export const RecordKind = z.enum(RECORD_KINDS);
export type RecordKind = z.infer<typeof RecordKind>;

/** A reversal: why, when and by whom (an actor label such as "user:coop"). */
export const VoidMark = z.object({ reason: z.string(), at: z.string(), by: z.string() });
export type VoidMark = z.infer<typeof VoidMark>;

const nextCursor = z.string().nullable().describe('pass as `cursor` for the next page; null on the last page');

export const PickupPage = z.object({ items: z.array(PickupView), nextCursor });
export type PickupPage = z.infer<typeof PickupPage>;

export const PickupVoidResult = z.object({
  voided: z.boolean().describe('false when the pickup was already voided (nothing changed)'),
  pickup: PickupView,
});
export type PickupVoidResult = z.infer<typeof PickupVoidResult>;

const commonFilters = {
  projectId: Uuid.optional().describe("only the project's product and period (and its town, for a town project)"),
  productCode: Code.optional(),
  from: BusinessDate.optional().describe('first business date (Asia/Shanghai), inclusive'),
  to: BusinessDate.optional().describe('last business date, inclusive'),
  voided: VoidedFilter,
  cursor: PageCursor.optional(),
  limit: ListLimit,
};

export const PackagingRunListQuery = z
  .strictObject({
    cooperativeId: Uuid.optional(),
    townCode: TownCode.optional().describe("the cooperative's town"),
    ...commonFilters,
  })
  .refine(datesInOrder, DATES_IN_ORDER);
export type PackagingRunListQuery = z.infer<typeof PackagingRunListQuery>;

export const PackagingRunRecord = PackagingRunView.extend({
  townCode: z.string().describe("the cooperative's town"),
  voided: VoidMark.nullable(),
});
export type PackagingRunRecord = z.infer<typeof PackagingRunRecord>;
export const PackagingRunPage = z.object({ items: z.array(PackagingRunRecord), nextCursor });
export type PackagingRunPage = z.infer<typeof PackagingRunPage>;

export const PackagingRunVoidResult = z.object({ voided: z.boolean(), run: PackagingRunRecord });
export type PackagingRunVoidResult = z.infer<typeof PackagingRunVoidResult>;

export const StorageMovementListQuery = z
  .strictObject({
    facilityId: Uuid.optional(),
    cooperativeId: Uuid.optional().describe('the cooperative that runs the facility'),
    townCode: TownCode.optional().describe("the facility's town"),
    direction: StorageDirection.optional(),
    ...commonFilters,
  })
  .refine(datesInOrder, DATES_IN_ORDER);
export type StorageMovementListQuery = z.infer<typeof StorageMovementListQuery>;

export const StorageMovementRecord = StorageMovementView.extend({
  facilityName: z.string(),
  townCode: z.string().describe("the facility's town"),
  operatorCooperativeId: z.string().nullable(),
  voided: VoidMark.nullable(),
});
export type StorageMovementRecord = z.infer<typeof StorageMovementRecord>;
export const StorageMovementPage = z.object({ items: z.array(StorageMovementRecord), nextCursor });
export type StorageMovementPage = z.infer<typeof StorageMovementPage>;

export const StorageMovementVoidResult = z.object({ voided: z.boolean(), movement: StorageMovementRecord });
export type StorageMovementVoidResult = z.infer<typeof StorageMovementVoidResult>;

import { z } from 'zod';
import { Kilograms, Text, TownCode, Uuid, items } from './common.ts';

export const CooperativeInput = z.strictObject({
  id: Uuid.optional().describe('optional client-chosen id; the natural key is townCode + name'),
  name: Text(100),
  townCode: TownCode,
  village: Text(100).optional(),
  contact: Text(100).optional(),
});
export type CooperativeInput = z.infer<typeof CooperativeInput>;

export const CooperativeView = z.object({
  id: Uuid,
  name: z.string(),
  townCode: z.string(),
  village: z.string().nullable(),
  contact: z.string().nullable(),
  createdAt: z.string(),
});
export type CooperativeView = z.infer<typeof CooperativeView>;
export const CooperativeList = items(CooperativeView);

export const StorageKind = z.enum(['cold', 'ca', 'ambient']);
export const StorageFacilityInput = z.strictObject({
  id: Uuid.optional(),
  name: Text(100),
  townCode: TownCode,
  kind: StorageKind,
  capacityKg: Kilograms.optional(),
  operatorCooperativeId: Uuid.optional().describe('the cooperative that runs it; its accounts may record movements there'),
});
export type StorageFacilityInput = z.infer<typeof StorageFacilityInput>;

export const StorageFacilityView = z.object({
  id: Uuid,
  name: z.string(),
  townCode: z.string(),
  kind: StorageKind,
  capacityKg: z.number().nullable(),
  operatorCooperativeId: z.string().nullable(),
  createdAt: z.string(),
});
export type StorageFacilityView = z.infer<typeof StorageFacilityView>;
export const StorageFacilityList = items(StorageFacilityView);

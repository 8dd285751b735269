import { z } from 'zod';
import { items } from './common.ts';

export const TownView = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.string(),
  villageCount: z.number().int(),
  villageCountSourced: z.boolean(),
});
export type TownView = z.infer<typeof TownView>;
export const TownList = items(TownView);

export const CarrierView = z.object({ code: z.string(), name: z.string(), nameEn: z.string() });
export type CarrierView = z.infer<typeof CarrierView>;
export const CarrierList = items(CarrierView);

export const ProductView = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  tier: z.string(),
  targetParcels: z.number().int(),
  varieties: z.array(z.object({ name: z.string(), nameEn: z.string(), ripens: z.string(), note: z.string().optional() })),
  packages: z.array(z.string()),
  season: z.object({ from: z.string(), to: z.string() }),
});
export type ProductView = z.infer<typeof ProductView>;
export const ProductList = items(ProductView);

export const HealthView = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['pglite', 'postgres']),
  version: z.string(),
  /** The app's clock (business time): systems that stamp their own records can check theirs against it. */
  now: z.string(),
});
export type HealthView = z.infer<typeof HealthView>;

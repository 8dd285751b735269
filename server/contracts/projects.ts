import { z } from 'zod';
import { BusinessDate, Code, Text, TownCode, Uuid, items } from './common.ts';

export const ProjectTier = z.enum(['gold', 'silver', 'bronze']);
export type ProjectTier = z.infer<typeof ProjectTier>;

export const ProjectInput = z
  .strictObject({
    id: Uuid.optional(),
    code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'must be 2–64 lower-case letters, digits or dashes'),
    name: Text(200),
    nameEn: Text(200).optional(),
    productCode: Code,
    tier: ProjectTier,
    targetParcels: z.int('must be an integer').min(1, 'must be at least 1').max(1_000_000_000, 'must be at most 1,000,000,000'),
    startsOn: BusinessDate,
    endsOn: BusinessDate,
    townCode: TownCode.optional().describe('a town project counts only this town'),
  })
  .refine((p) => p.endsOn >= p.startsOn, { path: ['endsOn'], message: 'must not be before startsOn' })
  // 731 days: two years, one of them a leap year.
  .refine((p) => Date.parse(p.endsOn) - Date.parse(p.startsOn) <= 731 * 86_400_000, {
    path: ['endsOn'],
    message: 'a project period may not exceed two years',
  });
export type ProjectInput = z.infer<typeof ProjectInput>;

export const ProjectView = z.object({
  id: Uuid,
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  productCode: z.string(),
  tier: ProjectTier,
  targetParcels: z.number().int(),
  startsOn: z.string(),
  endsOn: z.string(),
  townCode: z.string().nullable(),
  createdAt: z.string(),
});
export type ProjectView = z.infer<typeof ProjectView>;
export const ProjectList = items(ProjectView);

const Split = { counted: z.number().int(), confirmed: z.number().int(), provisional: z.number().int() };

export const ProgressView = z.object({
  projectId: Uuid,
  targetParcels: z.number().int(),
  countedParcels: z.number().int(),
  confirmedParcels: z.number().int(),
  provisionalParcels: z.number().int(),
  percent: z.number().describe('counted / target, in percent'),
  elapsedPercent: z.number().describe('序时进度: share of the period elapsed, in percent'),
  elapsedDays: z.number().int(),
  totalDays: z.number().int(),
  dailyRateSoFar: z.number(),
  requiredDailyRate: z.number().nullable().describe('parcels a day still needed; null once the period is over'),
  projectedParcels: z.number().int(),
  asOf: z.string(),
  byTown: z.array(z.object({ townCode: z.string(), ...Split })),
  byCarrier: z.array(z.object({ carrierCode: z.string(), ...Split })),
  daily: z.array(z.object({ date: z.string(), counted: z.number().int(), cumulative: z.number().int() })),
});
export type ProgressView = z.infer<typeof ProgressView>;

export const ReconciliationQuery = z.strictObject({ projectId: Uuid });
export const ReconciliationCell = z.object({
  date: z.string(),
  townCode: z.string(),
  carrierCode: z.string(),
  productCode: z.string(),
  loggedParcels: z.number().int(),
  reportedParcels: z.number().int(),
  difference: z.number().int(),
});
export const ReconciliationList = items(ReconciliationCell);

import type { ErrorIssue } from '../../contracts/common.ts';
import type { VillageRecord } from '../../contracts/network.ts';
import type { Reference } from '../reference/load-reference.ts';

/** Rules on a whole village record that the input schema cannot see: a town on record, a survey with its date. */
export function villageIssues(reference: Reference, v: VillageRecord): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  if (!reference.townCodes.has(v.townCode)) issues.push({ path: 'townCode', message: `unknown town code "${v.townCode}"` });
  if (v.surveyStatus === 'confirmed_uncovered' && !v.surveyedOn)
    issues.push({ path: 'surveyedOn', message: 'is required when surveyStatus is confirmed_uncovered' });
  return issues;
}

/** A village's record from its input, with the defaults filled in. */
export function villageRecordFrom(input: {
  code: string;
  townCode: string;
  name: string;
  kind?: VillageRecord['kind'];
  surveyStatus?: VillageRecord['surveyStatus'];
  surveyedOn?: string | null;
  dissolvedOn?: string | null;
  notes?: string | null;
}): VillageRecord {
  return {
    code: input.code,
    townCode: input.townCode,
    name: input.name,
    kind: input.kind ?? 'village',
    surveyStatus: input.surveyStatus ?? 'unsurveyed',
    surveyedOn: input.surveyedOn ?? null,
    dissolvedOn: input.dissolvedOn ?? null,
    notes: input.notes ?? null,
  };
}

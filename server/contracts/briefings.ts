import { z } from 'zod';
import { Text, Uuid, items } from './common.ts';

export const MAX_BRIEFING_PROJECTS = 6;

export const BriefingLanguage = z.enum(['zh', 'en']);
export type BriefingLanguage = z.infer<typeof BriefingLanguage>;

const ProjectIds = z
  .array(Uuid)
  .min(1, 'must name at least one project')
  .max(MAX_BRIEFING_PROJECTS, `must name at most ${MAX_BRIEFING_PROJECTS} projects`)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name a project twice');

export const BriefingRecipients = z.strictObject({
  bao: Text(500).optional().describe('报: the superiors it is reported to'),
  song: Text(500).optional().describe('送: units it is sent to'),
  fa: Text(500).optional().describe('发: units it is distributed to'),
});
export type BriefingRecipients = z.infer<typeof BriefingRecipients>;

export const BriefingInput = z.strictObject({
  id: Uuid.optional().describe('chosen by the client; re-sending the same id never issues a second briefing'),
  projectIds: ProjectIds.optional().describe('default: the county-wide projects running today'),
  lang: BriefingLanguage.default('zh'),
  issuingUnit: Text(100).optional().describe('default: 沂源县快递进村工作领导小组办公室'),
  title: Text(60).optional().describe('masthead title; default: 沂源县快递进村工程简报'),
  headline: Text(300).optional().describe('default: a sentence built from the figures'),
  problems: Text(5000).describe('存在问题; paragraphs separated by line breaks'),
  nextSteps: Text(5000).describe('下步工作; paragraphs separated by line breaks'),
  recipients: BriefingRecipients,
  copies: z.int('must be an integer').min(1, 'must be at least 1').max(100_000, 'must be at most 100,000').optional().describe('共印N份'),
});
export type BriefingInput = z.input<typeof BriefingInput>;

/** A query-string list: `?projectIds=a,b` or `?projectIds=a&projectIds=b`. */
const QueryList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v.flatMap((s) => (typeof s === 'string' ? s.split(',') : [s])) : v),
  ProjectIds,
);

export const BriefingPreviewQuery = z.strictObject({
  projectIds: QueryList.optional().describe('comma-separated; default: the county-wide projects running today'),
  lang: BriefingLanguage.default('zh'),
  issuingUnit: Text(100).optional(),
  title: Text(60).optional(),
  headline: Text(300).optional(),
});
export type BriefingPreviewQuery = z.input<typeof BriefingPreviewQuery>;

export const BriefingView = z.object({
  id: Uuid,
  year: z.number().int(),
  number: z.number().int().describe('第N期: numbered per year of the issue date in Asia/Shanghai'),
  title: z.string(),
  language: BriefingLanguage,
  issuedAt: z.string(),
  cutOffAt: z.string().describe('the figures are as of this instant'),
  issuedBy: z.string(),
  sha256: z.string().describe('of the PDF bytes; also the ETag of the download'),
  sizeBytes: z.number().int(),
});
export type BriefingView = z.infer<typeof BriefingView>;
export const BriefingList = items(BriefingView);

export const BriefingListQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type BriefingListQuery = z.input<typeof BriefingListQuery>;

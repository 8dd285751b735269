import { briefings } from '../../../db/schema/index.ts';
import type { BriefingView } from '../../contracts/briefings.ts';

type BriefingRow = {
  id: string;
  year: number;
  number: number;
  title: string;
  language: 'zh' | 'en';
  issuedAt: Date;
  cutOffAt: Date;
  issuedBy: string;
  sha256: string;
  sizeBytes: number;
};

export const toBriefingView = (r: BriefingRow): BriefingView => ({
  id: r.id,
  year: r.year,
  number: r.number,
  title: r.title,
  language: r.language,
  issuedAt: r.issuedAt.toISOString(),
  cutOffAt: r.cutOffAt.toISOString(),
  issuedBy: r.issuedBy,
  sha256: r.sha256,
  sizeBytes: r.sizeBytes,
});

/** The columns of a briefing's view: everything but the PDF, which lists and answers must not drag along. */
export const METADATA = {
  id: briefings.id,
  year: briefings.year,
  number: briefings.number,
  title: briefings.title,
  language: briefings.language,
  issuedAt: briefings.issuedAt,
  cutOffAt: briefings.cutOffAt,
  issuedBy: briefings.issuedBy,
  sha256: briefings.sha256,
  sizeBytes: briefings.sizeBytes,
};

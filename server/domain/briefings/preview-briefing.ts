import { BriefingPreviewQuery } from '../../contracts/briefings.ts';
import { renderBriefingPdf } from '../../render/render-briefing-pdf.ts';
import { requireAccess } from '../access.ts';
import type { Ctx } from '../context.ts';
import { parseInput } from '../errors.ts';
import { buildBriefingModel } from './build-briefing-model.ts';
import { gatherBriefing, issueYear, nextBriefingNumber } from './gather-briefing.ts';

export type BriefingPreview = { pdf: Buffer; year: number; number: number; title: string; language: 'zh' | 'en' };

/**
 * Renders a briefing as it would be issued now, without issuing it: nothing is stored and no
 * number is used up. The number shown is the one the next issue would most likely get, marked
 * as a preview on the masthead and across every page.
 */
export async function previewBriefing({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<BriefingPreview> {
  requireAccess(ctx, 'briefing.issue');
  const q = parseInput(BriefingPreviewQuery, query);
  const data = await gatherBriefing({ ctx, projectIds: q.projectIds });
  const year = issueYear(data.cutOff);
  const number = await nextBriefingNumber(ctx.db, year);
  const model = buildBriefingModel({
    lang: q.lang,
    cutOff: data.cutOff,
    issue: { year, number, preview: true },
    reference: ctx.reference,
    projects: data.projects,
    stock: data.stock,
    coverage: data.coverage,
    text: { title: q.title, issuingUnit: q.issuingUnit, headline: q.headline, problems: null, nextSteps: null, recipients: {}, copies: null },
  });
  return { pdf: await renderBriefingPdf(model), year, number, title: model.title, language: q.lang };
}

import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { briefings } from '../../../db/schema/index.ts';
import { BriefingInput, type BriefingView } from '../../contracts/briefings.ts';
import { renderBriefingPdf } from '../../render/render-briefing-pdf.ts';
import { requireAccess } from '../access.ts';
import { writeAudit } from '../audit/audit-sql.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { pgCode, withTransaction } from '../transaction.ts';
import { buildBriefingModel, DEFAULT_TITLE } from './build-briefing-model.ts';
import { METADATA, toBriefingView } from './briefing-view.ts';
import { gatherBriefing, issueYear, nextBriefingNumber, type BriefingData } from './gather-briefing.ts';

/**
 * Issues a briefing: renders it with the figures as of now, gives it the next number of the
 * year and keeps the exact bytes. Numbers never repeat or skip under concurrent issues: the
 * number is taken under a table lock, in the same transaction that stores the briefing.
 */
export async function issueBriefing({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ created: boolean; briefing: BriefingView }> {
  requireAccess(ctx, 'briefing.issue');
  // The id may be the client's, as for every write here: a re-sent issue (a double click, a
  // retry after a timeout) must answer with the briefing it made, not use up a second number.
  const { id: requestedId, ...request } = parseInput(BriefingInput, input);
  const id = requestedId ?? randomUUID();
  const replay = await existing(ctx, id, request);
  if (replay) return { created: false, briefing: replay };

  const data = await gatherBriefing({ ctx, projectIds: request.projectIds });
  const year = issueYear(data.cutOff);
  const render = (number: number) => renderIssue(ctx, data, request, year, number);

  // Rendering takes a few hundred milliseconds, so it is done before taking the lock, with
  // the number the briefing will most likely get; only if another issue got there first is
  // it rendered again, under the lock, with the right number.
  const expected = await nextBriefingNumber(ctx.db, year);
  let rendered = { number: expected, pdf: await render(expected) };

  for (let attempt = 1; ; attempt++) {
    try {
      const view = await withTransaction(ctx, async (tx) => {
        // Blocks other issuers until commit (readers are not blocked): the max() below and the
        // insert cannot interleave with another issue.
        await tx.execute(sql`LOCK TABLE briefings IN SHARE ROW EXCLUSIVE MODE`);
        const number = await nextBriefingNumber(tx, year);
        if (number !== rendered.number) rendered = { number, pdf: await render(number) };
        const sha256 = createHash('sha256').update(rendered.pdf).digest('hex');
        const [row] = await tx
          .insert(briefings)
          .values({
            id,
            year,
            number,
            title: request.title ?? DEFAULT_TITLE[request.lang],
            language: request.lang,
            issuedAt: ctx.clock(),
            cutOffAt: data.cutOff,
            issuedBy: ctx.actor.label,
            content: { ...request, projectIds: data.projects.map((p) => p.project.id), projectsDefaulted: request.projectIds === undefined },
            pdf: rendered.pdf,
            sha256,
            sizeBytes: rendered.pdf.length,
          })
          .returning(METADATA);
        await writeAudit(tx, ctx, {
          action: 'briefing.issue',
          targetType: 'briefing',
          targetId: id,
          details: { year, number, language: request.lang, projectIds: data.projects.map((p) => p.project.id), sha256, sizeBytes: rendered.pdf.length },
        });
        return toBriefingView(row);
      });
      return { created: true, briefing: view };
    } catch (error) {
      // A unique violation means a concurrent request with the same id got in first (the
      // lock rules out a duplicate number); a replay answers with what that request stored.
      if (pgCode(error) !== '23505' || attempt >= 3) throw error;
      const other = await existing(ctx, id, request);
      if (other) return { created: false, briefing: other };
    }
  }
}

type IssueRequest = Omit<z.output<typeof BriefingInput>, 'id'>;

async function renderIssue(ctx: Ctx, data: BriefingData, request: IssueRequest, year: number, number: number): Promise<Buffer> {
  const model = buildBriefingModel({
    lang: request.lang,
    cutOff: data.cutOff,
    issue: { year, number, preview: false },
    reference: ctx.reference,
    projects: data.projects,
    stock: data.stock,
    coverage: data.coverage,
    text: {
      title: request.title,
      issuingUnit: request.issuingUnit,
      headline: request.headline,
      problems: request.problems,
      nextSteps: request.nextSteps,
      recipients: request.recipients,
      copies: request.copies ?? null,
    },
  });
  return renderBriefingPdf(model);
}

/** The briefing already issued under this id: the same request answers with it, another is a conflict. */
async function existing(ctx: Ctx, id: string, request: IssueRequest): Promise<BriefingView | null> {
  const [row] = await ctx.db
    .select({ ...METADATA, content: briefings.content })
    .from(briefings)
    .where(eq(briefings.id, id));
  if (!row) return null;
  const stored = { ...(row.content as Record<string, unknown>) };
  const defaulted = stored.projectsDefaulted === true;
  delete stored.projectsDefaulted;
  if (defaulted) delete stored.projectIds;
  if (canonical(stored) !== canonical(request)) throw DomainError.conflict(`a different briefing was already issued with id ${id}`);
  return toBriefingView(row);
}

/** JSON with keys sorted and undefined dropped: jsonb does not keep key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BriefingInput, BriefingList, BriefingListQuery, BriefingPreviewQuery, BriefingView } from '../../contracts/briefings.ts';
import { ErrorBody, IdParams } from '../../contracts/common.ts';
import { getBriefingPdf } from '../../domain/briefings/get-briefing-pdf.ts';
import { issueBriefing } from '../../domain/briefings/issue-briefing.ts';
import { listBriefings } from '../../domain/briefings/list-briefings.ts';
import { previewBriefing } from '../../domain/briefings/preview-briefing.ts';

// A PDF is sent as a Buffer, which Fastify never serializes; the schema is for the document.
const Pdf = z.string().meta({ description: 'the PDF (application/pdf); errors are JSON', format: 'binary' });
const produces = ['application/pdf', 'application/json'];

type PdfName = { year: number; number: number; title: string; language: 'zh' | 'en'; preview: boolean };

/** inline, with an ASCII name for old clients and the full title (RFC 6266/5987) for the rest. */
export function pdfDisposition(p: PdfName): string {
  const serial = `${p.year}-${String(p.number).padStart(3, '0')}`;
  const ascii = `guoyun-briefing-${serial}${p.preview ? '-preview' : ''}.pdf`;
  const title = p.title.replace(/[\\/:*?"<>|]/g, '_');
  const full =
    p.language === 'zh' ? `${title}${p.year}年第${p.number}期${p.preview ? '（预览）' : ''}.pdf` : `${title} ${serial}${p.preview ? ' (preview)' : ''}.pdf`;
  const encoded = encodeURIComponent(full).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const sendPdf = (reply: FastifyReply, pdf: Buffer, name: PdfName) =>
  reply.type('application/pdf').header('content-disposition', pdfDisposition(name)).send(pdf);

export const briefingRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['briefings'];
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  app.post(
    '/briefings',
    {
      config: { permission: 'briefing.issue' },
      schema: {
        tags,
        summary: 'Issue a briefing (简报): render it with the figures as of now and give it the next number of the year',
        description:
          'Answers 201 with the briefing; the PDF is at /briefings/{id}.pdf. Re-sending the same id answers 200 with the briefing already issued, a different request with that id 409.',
        body: BriefingInput,
        response: { 200: BriefingView, 201: BriefingView, ...errors, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const { created, briefing } = await issueBriefing({ ctx: req.ctx, input: req.body });
      return reply
        .code(created ? 201 : 200)
        .header('location', `/api/v1/briefings/${briefing.id}.pdf`)
        .send(briefing);
    },
  );

  app.get(
    '/briefings',
    {
      config: { permission: 'briefing.read' },
      schema: { tags, summary: 'Issued briefings, newest first', querystring: BriefingListQuery, response: { 200: BriefingList, ...errors } },
    },
    (req) => listBriefings({ ctx: req.ctx, query: req.query }),
  );

  // Registered before /briefings/:id.pdf; the router prefers the static path anyway.
  app.get(
    '/briefings/preview.pdf',
    {
      config: { permission: 'briefing.issue' },
      schema: {
        tags,
        summary: 'Render a briefing as it would be issued now, without issuing it (no number is used up)',
        querystring: BriefingPreviewQuery,
        produces,
        response: { 200: Pdf, ...errors },
      },
    },
    async (req, reply) => {
      const p = await previewBriefing({ ctx: req.ctx, query: req.query });
      reply.header('cache-control', 'no-store');
      return sendPdf(reply, p.pdf, { ...p, preview: true });
    },
  );

  app.get(
    '/briefings/:id.pdf',
    {
      config: { permission: 'briefing.read' },
      schema: {
        tags,
        summary: 'The PDF of an issued briefing, byte for byte as issued (ETag: its SHA-256)',
        params: IdParams,
        produces,
        response: { 200: Pdf, 304: z.null().describe('not modified'), ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const { briefing, pdf } = await getBriefingPdf({ ctx: req.ctx, id: req.params.id });
      const etag = `"${briefing.sha256}"`;
      // Revalidate every time, so access is checked again, but send nothing if it is unchanged.
      reply.header('etag', etag).header('cache-control', 'private, no-cache');
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send(null);
      return sendPdf(reply, pdf, { ...briefing, preview: false });
    },
  );
};

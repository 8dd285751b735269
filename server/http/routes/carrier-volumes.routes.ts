import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CARRIER_IMPORT_MEDIA_TYPES,
  CarrierImportQuery,
  CarrierImportRejected,
  CarrierImportResult,
  CarrierTemplateQuery,
  CarrierVolumeDay,
  CarrierVolumeDayQuery,
  type CarrierImportResult as CarrierImportResultType,
} from '../../contracts/carrier-import.ts';
import { ErrorBody } from '../../contracts/common.ts';
import {
  CarrierVolumeBatchInput,
  CarrierVolumeBatchResult,
  CarrierVolumeBody,
  CarrierVolumeHistory,
  CarrierVolumeParams,
  CarrierVolumeView,
} from '../../contracts/ledger.ts';
import { carrierVolumeHistory } from '../../domain/carriers/carrier-volume-history.ts';
import { carrierVolumeTemplate } from '../../domain/carriers/carrier-volume-template.ts';
import { importCarrierVolumes } from '../../domain/carriers/import-carrier-volumes.ts';
import { listCarrierVolumes } from '../../domain/carriers/list-carrier-volumes.ts';
import { reportCarrierVolume } from '../../domain/carriers/report-carrier-volume.ts';
import { reportCarrierVolumeBatch } from '../../domain/carriers/report-carrier-volume-batch.ts';
import { decodeCsv } from '../../domain/network/tabular.ts';

const IMPORT_DESCRIPTION =
  'Send the file as the body: `Content-Type: text/csv` (UTF-8, or GB18030 as saved by Excel) or ' +
  `\`${CARRIER_IMPORT_MEDIA_TYPES.xlsx}\` (the first worksheet), a header row first; or as JSON ` +
  '`{ format: "csv" | "xlsx", content, dryRun }` (xlsx content in base64). Columns: 日期 (date), 乡镇 (town: name or code), ' +
  "产品 (product: name or code), 件数 (parcels: the day's cumulative figure), and 承运商 (carrier: name or code; required for " +
  "administrators, and a carrier account's file may name only its own). A row whose 件数 is blank is skipped. " +
  '`?dryRun=true` answers the preview (each row: new / changed / unchanged / skipped / invalid against the figure on record, ' +
  'with its errors) and writes nothing. Otherwise all rows are written, in one transaction, or none: any bad row answers 400 ' +
  'with `rowErrors` `{ row, field, message }` (rows numbered as a spreadsheet shows them, header = row 1). Re-sending a file changes nothing.';

/** A rejected import: the standard error body, plus the errors row by row. */
function sendImport(reply: FastifyReply, result: CarrierImportResultType) {
  if (result.ok || result.dryRun) return reply.code(200).send(result);
  const n = new Set(result.errors.map((e) => e.row)).size;
  return reply.code(400).send({
    error: {
      code: 'VALIDATION',
      message: `${n} row${n > 1 ? 's have' : ' has'} errors; nothing was written`,
      issues: result.errors.map((e) => ({ path: `rows.${e.row}${e.field ? `.${e.field}` : ''}`, message: e.message })),
    },
    rowErrors: result.errors,
  });
}

export const carrierVolumeRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['carrier volumes'];
  app.get(
    '/carrier-volumes',
    {
      config: { permission: 'carrierCell.read' },
      schema: {
        tags,
        summary: "A day's figures, cell by cell: each carrier's latest report and the cooperatives' pickups",
        description: "A carrier account reads only its own carrier's cells; cooperatives are refused (they see the dashboard's shares).",
        querystring: CarrierVolumeDayQuery,
        response: { 200: CarrierVolumeDay, 400: ErrorBody, 403: ErrorBody },
      },
    },
    (req) => listCarrierVolumes({ ctx: req.ctx, query: req.query }),
  );
  app.get(
    '/carrier-volumes/template.csv',
    {
      config: { permission: 'carrierCell.report' },
      schema: {
        tags,
        summary: 'A CSV to fill in and import: every town and product for the day, the figures blank',
        querystring: CarrierTemplateQuery,
        produces: ['text/csv', 'application/json'],
        response: {
          200: z.string().meta({ description: 'the CSV (text/csv, UTF-8 with a byte-order mark); errors are JSON' }),
          400: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const { filename, csv } = carrierVolumeTemplate({ ctx: req.ctx, query: req.query });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
  // In a scope of its own: only this route takes a file as the body; everything else stays JSON only.
  const fileRoutes: FastifyPluginAsyncZod = async (files) => {
    files.addContentTypeParser(CARRIER_IMPORT_MEDIA_TYPES.csv, { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, { format: 'csv', content: decodeCsv(body as Buffer) }),
    );
    files.addContentTypeParser(CARRIER_IMPORT_MEDIA_TYPES.xlsx, { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, { format: 'xlsx', content: (body as Buffer).toString('base64') }),
    );
    files.post(
      '/carrier-volumes/import',
      {
        config: { permission: 'carrierCell.report' },
        schema: {
          tags,
          summary: "Import a carrier's figures from CSV or Excel (all rows or none), or preview them",
          description: IMPORT_DESCRIPTION,
          querystring: CarrierImportQuery,
          response: { 200: CarrierImportResult, 400: CarrierImportRejected, 413: ErrorBody, 415: ErrorBody },
        },
      },
      async (req, reply) => {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const dryRun = req.query.dryRun === 'true' || body.dryRun === true;
        // A query that says "preview" wins over a body that does not: never write what was meant as a look.
        const input = req.query.dryRun === undefined ? body : { ...body, dryRun };
        return sendImport(reply, await importCarrierVolumes({ ctx: req.ctx, input }));
      },
    );
  };
  await app.register(fileRoutes);
  const path = '/carrier-volumes/:carrierCode/:townCode/:productCode/:date';
  app.put(
    path,
    {
      config: { permission: 'carrierCell.report' },
      schema: {
        tags,
        summary: "Set a carrier's cumulative figure for one business day",
        description: 'Each change is kept as a revision; re-sending the same figure adds nothing.',
        params: CarrierVolumeParams,
        body: CarrierVolumeBody,
        response: { 200: CarrierVolumeView, 400: ErrorBody },
      },
    },
    (req) => reportCarrierVolume({ ctx: req.ctx, params: req.params, input: req.body }),
  );
  app.get(
    `${path}/history`,
    {
      config: { permission: 'carrierCell.read' },
      schema: {
        tags,
        summary: "A cell's revisions and who made them",
        description: "A carrier account reads only its own carrier's cells; cooperatives are refused.",
        params: CarrierVolumeParams,
        response: { 200: CarrierVolumeHistory, 400: ErrorBody, 403: ErrorBody },
      },
    },
    (req) => carrierVolumeHistory({ ctx: req.ctx, params: req.params }),
  );
  app.post(
    '/carrier-volumes/batch',
    {
      config: { permission: 'carrierCell.report' },
      schema: {
        tags,
        summary: 'Up to 5,000 carrier figures, each judged on its own',
        body: CarrierVolumeBatchInput,
        response: { 200: CarrierVolumeBatchResult, 400: ErrorBody },
      },
    },
    (req) => reportCarrierVolumeBatch({ ctx: req.ctx, input: req.body }),
  );
};

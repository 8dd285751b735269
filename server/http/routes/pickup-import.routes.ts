import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../contracts/common.ts';
import {
  MAX_PICKUP_IMPORT_BYTES,
  MAX_PICKUP_IMPORT_ERRORS,
  PICKUP_IMPORT_COLUMNS,
  PICKUP_IMPORT_MEDIA_TYPE,
  PickupImportRejected,
  PickupImportResult,
} from '../../contracts/pickup-import.ts';
import { DomainError } from '../../domain/errors.ts';
import { importPickups, PickupImportRejection } from '../../domain/ledger/import-pickups.ts';

const DESCRIPTION =
  `Send the file itself as the body, \`Content-Type: ${PICKUP_IMPORT_MEDIA_TYPE}\` (UTF-8, or GB18030 as Excel saves it), up to ` +
  `${MAX_PICKUP_IMPORT_BYTES / 2 ** 20} MB. A header row first, naming the columns as POST /pickups names its fields, in any order: ` +
  `${PICKUP_IMPORT_COLUMNS.join(', ')} (a cooperative may leave out cooperativeId: the rows are then its own). Each row is checked as ` +
  'POST /pickups checks a pickup. With any bad row the answer is 400 and nothing is written; with any row of another cooperative, 403. ' +
  `\`rowErrors\` lists each problem as \`{ row, field, message }\` (the header is row 1; the first ${MAX_PICKUP_IMPORT_ERRORS}). ` +
  'parcels and weightKg are read as the web app reads them: "12,000" and full-width "１２０" are figures; "1,2" is refused as ambiguous, ' +
  'with a `code` and `params` beside the message. ' +
  'Idempotent on `id`: a row on record with the same content counts as a duplicate, with other content as a conflict (listed); neither ' +
  'is written again, so the same file may be sent again safely. The rows are bulk-loaded with COPY and counted in the tallies in the same transaction.';

export const pickupImportRoutes: FastifyPluginAsyncZod = async (app) => {
  // The file is the body: only this route takes CSV, and a larger body than the JSON routes.
  app.addContentTypeParser(PICKUP_IMPORT_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_PICKUP_IMPORT_BYTES }, (_req, body, done) => done(null, body));
  app.post(
    '/pickups/import',
    {
      config: { permission: 'pickup.create' },
      bodyLimit: MAX_PICKUP_IMPORT_BYTES,
      schema: {
        tags: ['ledger'],
        summary: 'Import a pickup file (CSV) through COPY: all rows or none',
        description: DESCRIPTION,
        consumes: [PICKUP_IMPORT_MEDIA_TYPE],
        response: { 200: PickupImportResult, 400: PickupImportRejected, 403: PickupImportRejected, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the file as the body, as ${PICKUP_IMPORT_MEDIA_TYPE}`);
      try {
        return await importPickups({ ctx: req.ctx, input: { content: req.body } });
      } catch (error) {
        if (!(error instanceof PickupImportRejection)) throw error;
        return reply.code(error.code === 'FORBIDDEN' ? 403 : 400).send({
          error: { code: error.code, message: error.message, issues: error.issues },
          rowErrors: error.rowErrors,
        });
      }
    },
  );
};

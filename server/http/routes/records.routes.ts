import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, IdParams } from '../../contracts/common.ts';
import { VoidInput } from '../../contracts/ledger.ts';
import {
  PackagingRunListQuery,
  PackagingRunPage,
  PackagingRunVoidResult,
  StorageMovementListQuery,
  StorageMovementPage,
  StorageMovementVoidResult,
} from '../../contracts/records.ts';
import { listPackagingRuns } from '../../domain/ledger/list-packaging-runs.ts';
import { listStorageMovements } from '../../domain/ledger/list-storage-movements.ts';
import { voidPackagingRun } from '../../domain/ledger/void-packaging-run.ts';
import { voidStorageMovement } from '../../domain/ledger/void-storage-movement.ts';

// Packaging runs and storage movements read back as records, and corrected by reversal.
// Who reads and voids them: server/contracts/permissions.ts.

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['ledger'];
  const paging = "Newest first. Pass the answer's `nextCursor` as `cursor` for the next page.";
  app.get(
    '/packaging-runs',
    {
      config: { permission: 'packagingRun.read' },
      schema: {
        tags,
        summary: 'List packaging runs (a cooperative sees its own)',
        description: paging,
        querystring: PackagingRunListQuery,
        response: { 200: PackagingRunPage, 400: ErrorBody },
      },
    },
    (req) => listPackagingRuns({ ctx: req.ctx, query: req.query }),
  );
  app.post(
    '/packaging-runs/:id/void',
    {
      config: { permission: 'packagingRun.void' },
      schema: {
        tags,
        summary: 'Void a packaging run (appends a reversal with reason and author)',
        description: 'Voiding it again changes nothing and answers `voided: false` with the first reversal.',
        params: IdParams,
        body: VoidInput,
        response: { 200: PackagingRunVoidResult, 400: ErrorBody, 404: ErrorBody },
      },
    },
    (req) => voidPackagingRun({ ctx: req.ctx, id: req.params.id, input: req.body }),
  );
  app.get(
    '/storage-movements',
    {
      config: { permission: 'storageMovement.read' },
      schema: {
        tags,
        summary: 'List storage movements (a cooperative sees those in facilities it runs)',
        description: paging,
        querystring: StorageMovementListQuery,
        response: { 200: StorageMovementPage, 400: ErrorBody },
      },
    },
    (req) => listStorageMovements({ ctx: req.ctx, query: req.query }),
  );
  app.post(
    '/storage-movements/:id/void',
    {
      config: { permission: 'storageMovement.void' },
      schema: {
        tags,
        summary: 'Void a storage movement (appends a reversal; the stock is corrected in the same transaction)',
        description:
          'Voiding a stock-in the facility no longer holds (stock would go negative), or a stock-out that would put it over capacity, answers 409 and changes nothing. Voiding it again changes nothing.',
        params: IdParams,
        body: VoidInput,
        response: { 200: StorageMovementVoidResult, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    (req) => voidStorageMovement({ ctx: req.ctx, id: req.params.id, input: req.body }),
  );
};

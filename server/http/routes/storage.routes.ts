import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../contracts/common.ts';
import { PackagingRunInput, PackagingRunView, StockList, StorageMovementInput, StorageMovementView } from '../../contracts/ledger.ts';
import { listStock } from '../../domain/ledger/list-stock.ts';
import { recordPackagingRun } from '../../domain/ledger/record-packaging-run.ts';
import { recordStorageMovement } from '../../domain/ledger/record-storage-movement.ts';

export const storageRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['ledger'];
  const errors = { 400: ErrorBody, 409: ErrorBody };
  app.post(
    '/packaging-runs',
    {
      config: { permission: 'packagingRun.create' },
      schema: { tags, summary: 'Record a packaging run', body: PackagingRunInput, response: { 200: PackagingRunView, 201: PackagingRunView, ...errors } },
    },
    async (req, reply) => {
      const { created, run } = await recordPackagingRun({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(run);
    },
  );
  app.post(
    '/storage-movements',
    {
      config: { permission: 'storageMovement.create' },
      schema: {
        tags,
        summary: 'Record fruit moving into or out of storage',
        description: 'Taking out more than the facility holds, or putting in more than its capacity, answers 409.',
        body: StorageMovementInput,
        response: { 200: StorageMovementView, 201: StorageMovementView, ...errors },
      },
    },
    async (req, reply) => {
      const { created, movement } = await recordStorageMovement({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(movement);
    },
  );
  app.get('/stock', { config: { permission: 'stock.read' }, schema: { tags, summary: 'Stock by facility and product', response: { 200: StockList } } }, (req) =>
    listStock({ ctx: req.ctx }),
  );
};

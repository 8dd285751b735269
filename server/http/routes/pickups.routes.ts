import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, IdParams } from '../../contracts/common.ts';
import { PickupBatchInput, PickupBatchResult, PickupInput, PickupListQuery, PickupView, VoidInput } from '../../contracts/ledger.ts';
import { PickupPage, PickupVoidResult } from '../../contracts/records.ts';
import { getPickup, listPickups } from '../../domain/ledger/list-pickups.ts';
import { recordPickup } from '../../domain/ledger/record-pickup.ts';
import { recordPickupBatch } from '../../domain/ledger/record-pickup-batch.ts';
import { voidPickup } from '../../domain/ledger/void-pickup.ts';

export const pickupRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['ledger'];
  app.get(
    '/pickups',
    {
      config: { permission: 'pickup.read' },
      schema: {
        tags,
        summary: 'List pickups (a cooperative sees its own, a carrier those handed to it)',
        description: "Newest first. Pass the answer's `nextCursor` as `cursor` for the next page.",
        querystring: PickupListQuery,
        response: { 200: PickupPage, 400: ErrorBody },
      },
    },
    (req) => listPickups({ ctx: req.ctx, query: req.query }),
  );
  app.post(
    '/pickups',
    {
      config: { permission: 'pickup.create' },
      schema: {
        tags,
        summary: 'Record a farm-gate pickup (揽收)',
        description: 'Idempotent on `id`: the same id and content again answers 200 with the original; other content answers 409.',
        body: PickupInput,
        response: { 200: PickupView, 201: PickupView, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const { created, pickup } = await recordPickup({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(pickup);
    },
  );
  app.post(
    '/pickups/batch',
    {
      config: { permission: 'pickup.create' },
      schema: {
        tags,
        summary: 'Record up to 1,000 pickups, each judged on its own',
        body: PickupBatchInput,
        response: { 200: PickupBatchResult, 400: ErrorBody },
      },
    },
    (req) => recordPickupBatch({ ctx: req.ctx, input: req.body }),
  );
  app.get('/pickups/:id', { config: { permission: 'pickup.read' }, schema: { tags, params: IdParams, response: { 200: PickupView, 404: ErrorBody } } }, (req) =>
    getPickup({ ctx: req.ctx, id: req.params.id }),
  );
  app.post(
    '/pickups/:id/void',
    {
      config: { permission: 'pickup.void' },
      schema: {
        tags,
        summary: 'Void a pickup (appends a reversal with reason and author)',
        params: IdParams,
        body: VoidInput,
        response: { 200: PickupVoidResult, 400: ErrorBody, 404: ErrorBody },
      },
    },
    (req) => voidPickup({ ctx: req.ctx, id: req.params.id, input: req.body }),
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../../contracts/common.ts';
import {
  CooperativeInput,
  CooperativeList,
  CooperativeView,
  StorageFacilityInput,
  StorageFacilityList,
  StorageFacilityView,
} from '../../contracts/organizations.ts';
import { createCooperative } from '../../domain/organizations/create-cooperative.ts';
import { createStorageFacility } from '../../domain/organizations/create-storage-facility.ts';
import { listCooperatives } from '../../domain/organizations/list-cooperatives.ts';
import { listStorageFacilities } from '../../domain/organizations/list-storage-facilities.ts';

export const organizationRoutes: FastifyPluginAsyncZod = async (app) => {
  const errors = { 400: ErrorBody, 409: ErrorBody };
  app.get('/cooperatives', { config: { permission: 'cooperative.read' }, schema: { tags: ['organizations'], response: { 200: CooperativeList } } }, (req) =>
    listCooperatives({ ctx: req.ctx }),
  );
  app.post(
    '/cooperatives',
    {
      config: { permission: 'cooperative.create' },
      schema: {
        tags: ['organizations'],
        summary: 'Register a cooperative (合作社)',
        body: CooperativeInput,
        response: { 200: CooperativeView, 201: CooperativeView, ...errors },
      },
    },
    async (req, reply) => {
      const { created, cooperative } = await createCooperative({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(cooperative);
    },
  );
  app.get(
    '/storage-facilities',
    { config: { permission: 'storageFacility.read' }, schema: { tags: ['organizations'], response: { 200: StorageFacilityList } } },
    (req) => listStorageFacilities({ ctx: req.ctx }),
  );
  app.post(
    '/storage-facilities',
    {
      config: { permission: 'storageFacility.create' },
      schema: {
        tags: ['organizations'],
        summary: 'Register a cold, CA or ambient store',
        body: StorageFacilityInput,
        response: { 200: StorageFacilityView, 201: StorageFacilityView, ...errors },
      },
    },
    async (req, reply) => {
      const { created, facility } = await createStorageFacility({ ctx: req.ctx, input: req.body });
      return reply.code(created ? 201 : 200).send(facility);
    },
  );
};

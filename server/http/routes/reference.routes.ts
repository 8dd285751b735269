import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CarrierList, ProductList, TownList } from '../../contracts/reference.ts';

export const referenceRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['reference'];
  app.get(
    '/towns',
    { config: { permission: 'reference.read' }, schema: { tags, summary: 'The 12 towns and subdistricts of Yiyuan', response: { 200: TownList } } },
    async (req) => ({
      items: req.ctx.reference.towns,
    }),
  );
  app.get(
    '/carriers',
    { config: { permission: 'reference.read' }, schema: { tags, summary: 'Express carriers', response: { 200: CarrierList } } },
    async (req) => ({
      items: req.ctx.reference.carriers,
    }),
  );
  app.get(
    '/products',
    { config: { permission: 'reference.read' }, schema: { tags, summary: 'Products with their varieties and seasons', response: { 200: ProductList } } },
    async (req) => ({
      items: req.ctx.reference.products,
    }),
  );
};

import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthView } from '../../contracts/reference.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ version: string }> = async (app, opts) => {
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Liveness and database reachability', response: { 200: HealthView, 503: HealthView } } },
    async (request, reply) => {
      const { db, databaseKind } = request.ctx;
      const ok = await Promise.race([
        db.execute(sql`select 1`).then(() => true, () => false),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
      ]);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database: databaseKind, version: opts.version });
    },
  );
};

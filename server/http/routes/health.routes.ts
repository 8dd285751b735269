import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthView } from '../../contracts/reference.ts';
import { RETRY_AFTER_SECONDS } from '../plugins/errors.ts';

// A load balancer's probe must get an answer in time even from a server whose database hangs.
const DATABASE_PROBE_MS = 2000;

export const healthRoutes: FastifyPluginAsyncZod<{ version: string }> = async (app, opts) => {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        description: '503 with status "degraded" (and Retry-After) while the database cannot be reached; 200 again once it is back, without a restart.',
        response: { 200: HealthView, 503: HealthView },
      },
    },
    async (request, reply) => {
      const { db, databaseKind } = request.ctx;
      let timer: NodeJS.Timeout | undefined;
      const ok = await Promise.race([
        db.execute(sql`select 1`).then(() => true, () => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), DATABASE_PROBE_MS))),
      ]);
      clearTimeout(timer);
      if (!ok) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database: databaseKind, version: opts.version, now: request.ctx.clock().toISOString() });
    },
  );
};

import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DbHandle } from '../../../db/client.ts';
import { HealthView } from '../../contracts/reference.ts';
import { RETRY_AFTER_SECONDS } from '../plugins/errors.ts';

// A load balancer's probe must get an answer in time even from a server whose database hangs.
const DATABASE_PROBE_MS = 2000;

export const healthRoutes: FastifyPluginAsyncZod<{ version: string; handle: DbHandle }> = async (app, opts) => {
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
      const driver = opts.handle.driver;
      let ok: boolean;
      if (driver.kind === 'pglite') {
        // The embedded database lives in this process: it cannot be unreachable, only closed. A
        // query would wait behind whatever transaction holds its one connection (an import writing
        // 5,000 rows holds it 1–2 s), and report a busy database as a dead one.
        ok = !driver.client.closed;
      } else {
        let timer: NodeJS.Timeout | undefined;
        ok = await Promise.race([
          db.execute(sql`select 1`).then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), DATABASE_PROBE_MS))),
        ]);
        clearTimeout(timer);
      }
      if (!ok) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply
        .code(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', database: databaseKind, version: opts.version, now: request.ctx.clock().toISOString() });
    },
  );
};

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DbHandle } from '../../../db/client.ts';
import { anonymousActor, type Clock, type Ctx } from '../../domain/context.ts';
import type { ChangeSink } from '../../domain/changes.ts';
import type { Reference } from '../../domain/reference/load-reference.ts';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
  }
}

/**
 * Builds each request's domain context. Every request acts as `anonymous` for now; the
 * accounts work resolves a real actor here, and the verbs need no change.
 */
export default fp(
  async function contextPlugin(app: FastifyInstance, opts: { handle: DbHandle; clock: Clock; reference: Reference; changes?: ChangeSink }) {
    app.decorateRequest('ctx', null as unknown as Ctx);
    app.addHook('onRequest', async (request) => {
      request.ctx = {
        db: opts.handle.db,
        databaseKind: opts.handle.kind,
        actor: anonymousActor(request.ip),
        clock: opts.clock,
        reference: opts.reference,
        changes: opts.changes,
      };
    });
  },
  { name: 'guoyun-context' },
);

import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SERVER_DEFAULTS } from '../../config.ts';
import type { Ctx } from '../../domain/context.ts';
import type { Bus } from '../../live/bus.ts';
import { LiveHub, type HubOptions } from '../../live/hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    liveHub: LiveHub;
  }
}

/** The live dashboard channel: GET /api/v1/live upgrades to a websocket for any logged-in user. */
export default fp(
  async function livePlugin(app: FastifyInstance, opts: { systemCtx: Ctx; bus: Bus; hub?: Partial<HubOptions> }) {
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    const hub = new LiveHub(opts.systemCtx, opts.bus, {
      flushMs: 100,
      heartbeatMs: 15_000,
      maxBufferedBytes: 1024 * 1024,
      stallTimeoutMs: 30_000,
      socketsPerLogin: SERVER_DEFAULTS.liveSocketsPerLogin,
      onError: (error) => app.log.error({ err: error }, 'live hub'),
      ...opts.hub,
    });
    await hub.start();
    app.decorate('liveHub', hub);
    app.addHook('onClose', async () => hub.stop());
    // A refused upgrade (401, 403) has answered on the raw socket, which nothing else will
    // close: left open, it would hold the server's shutdown hostage.
    app.addHook('onResponse', async (request, reply) => {
      if (request.headers.upgrade && reply.statusCode >= 400) request.raw.socket?.destroy();
    });
    app.get('/api/v1/live', { websocket: true, config: { permission: 'live.subscribe' }, schema: { hide: true } }, (socket, request) => {
      const a = request.ctx.actor;
      // A user's sessions share one allowance (every tab of every browser); each token has its own.
      hub.connect(socket, a.userId ? `user:${a.userId}` : `token:${a.tokenId}`);
    });
  },
  { name: 'guoyun-live', dependencies: ['guoyun-auth'] },
);

import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DbHandle } from '../../db/client.ts';
import { SERVER_DEFAULTS, type Config } from '../config.ts';
import { systemActor, type Clock } from '../domain/context.ts';
import type { Reference } from '../domain/reference/load-reference.ts';
import { ChangePublisher, createBus } from '../live/bus.ts';
import authPlugin from './plugins/auth.ts';
import livePlugin from './plugins/live.ts';
import contextPlugin from './plugins/context.ts';
import errorsPlugin, { sendError, toHttpError } from './plugins/errors.ts';
import webPlugin, { webBuildExists } from './plugins/web.ts';
import { accountRoutes } from './routes/accounts.routes.ts';
import { briefingRoutes } from './routes/briefings.routes.ts';
import { carrierVolumeRoutes } from './routes/carrier-volumes.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { networkRoutes } from './routes/network.routes.ts';
import { organizationRoutes } from './routes/organizations.routes.ts';
import { pickupRoutes } from './routes/pickups.routes.ts';
import { pickupImportRoutes } from './routes/pickup-import.routes.ts';
import { projectRoutes } from './routes/projects.routes.ts';
import { recordRoutes } from './routes/records.routes.ts';
import { referenceRoutes } from './routes/reference.routes.ts';
import { storageRoutes } from './routes/storage.routes.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
const placeholderPage = readFileSync(new URL('../../web/placeholder.html', import.meta.url), 'utf8');

export type AppDeps = {
  /** The limits and timeouts may be left out (tests, benchmarks): then config.ts's defaults apply. */
  config: Pick<Config, 'bodyLimitBytes' | 'logLevel' | 'sessionHours' | 'cookieSecure'> & Partial<Pick<Config, keyof typeof SERVER_DEFAULTS>>;
  handle: DbHandle;
  reference: Reference;
  clock?: Clock;
  /** Live updates (websocket hub, LISTEN/NOTIFY); on by default. */
  live?: { publishWindowMs?: number; flushMs?: number; heartbeatMs?: number } | false;
  /** Serve the built web app (main.ts does; tests of the API do not). Without a build, `/` is a placeholder. */
  web?: { dir?: string };
};

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

// helmet's own default: a year, subdomains included.
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Requests Node's HTTP parser refuses (broken framing, a body cut short, oversized headers) never
 * reach Fastify's error handler: without this they are answered in Fastify's own shape.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const statusCode = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const { status, body } = toHttpError(Object.assign(new Error('The request is not valid HTTP'), { statusCode }));
  const text = JSON.stringify(body);
  // The connection's framing cannot be trusted any more: answer once, then close it.
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
  socket.destroy(error);
}

/** Registers everything and never listens: main.ts listens, tests inject. */
export async function buildApp({ config: given, handle, reference, clock = () => new Date(), live = {}, web }: AppDeps): Promise<FastifyInstance> {
  const config = { ...SERVER_DEFAULTS, ...given };
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    // Without these a connection that sends nothing, or trickles its headers or body, is held forever.
    connectionTimeout: config.idleTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default), which would let a
      // 10 s header timeout run to 40 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, config.headersTimeoutMs / 4)),
    },
    // A hop count as the function Fastify itself makes of one (its types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // Ids in URLs are UUIDs and codes; nothing legitimate is longer.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A badly encoded or overlong URL fails in the router, before the error handler is reached;
    // without this Fastify answers in its own shape (and 414 for a long parameter).
    frameworkErrors: sendError,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: without this, a text/plain body would reach the validators as a string.
  app.removeContentTypeParser('text/plain');

  await app.register(errorsPlugin);
  await app.register(helmet, {
    // Swagger UI's page needs its own inline style; everything else stays locked down.
    contentSecurityPolicy: { directives: { 'style-src': ["'self'", 'https:', "'unsafe-inline'"] } },
    // Sent below, and only over HTTPS: over plain HTTP browsers ignore it, and it would claim a
    // promise the deployment may not keep.
    strictTransportSecurity: false,
  });
  // On the raw response, like helmet's headers, so pages the web app answers (hijacked) carry it too.
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.raw.setHeader('strict-transport-security', HSTS);
  });
  const bus = createBus(handle);
  const publisher = live ? new ChangePublisher(bus, live.publishWindowMs ?? 20, (error) => app.log.error({ err: error }, 'live publish')) : undefined;
  await app.register(contextPlugin, { handle, clock, reference, changes: publisher });
  await app.register(authPlugin, { sessionIdleMinutes: config.sessionIdleMinutes });
  if (live && publisher) {
    const systemCtx = { db: handle.db, databaseKind: handle.kind, actor: systemActor, clock, reference };
    await app.register(livePlugin, {
      systemCtx,
      bus,
      hub: { flushMs: live.flushMs ?? 100, heartbeatMs: live.heartbeatMs ?? 15_000, socketsPerLogin: config.liveSocketsPerLogin },
    });
    app.addHook('onClose', async () => publisher.close());
  }
  await app.register(swagger, {
    openapi: {
      info: { title: 'Guoyun 果运 API', version: VERSION, description: "Campaign tracker for Yiyuan County's express-delivery-into-villages pilot" },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs', staticCSP: true });

  await app.register(
    async (api) => {
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
      await api.register(healthRoutes, { version: VERSION, handle });
      await api.register(accountRoutes, { sessionHours: config.sessionHours, cookieSecure: config.cookieSecure });
      await api.register(referenceRoutes);
      await api.register(organizationRoutes);
      await api.register(projectRoutes);
      await api.register(pickupRoutes);
      await api.register(pickupImportRoutes);
      await api.register(storageRoutes);
      await api.register(recordRoutes);
      await api.register(carrierVolumeRoutes);
      await api.register(briefingRoutes);
      await api.register(networkRoutes);
    },
    { prefix: '/api/v1' },
  );

  // The SvelteKit app takes what no route matched; until it is built, `/` is a page pointing at the API docs.
  if (web && webBuildExists(web.dir)) await app.register(webPlugin, { ...web, sessionIdleMinutes: config.sessionIdleMinutes });
  else app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) => reply.type('text/html; charset=utf-8').send(placeholderPage));
  return app;
}

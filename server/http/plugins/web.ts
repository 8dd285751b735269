import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { MeView } from '../../contracts/accounts.ts';
import { resolveSession } from '../../domain/accounts/resolve-credentials.ts';
import { SESSION_COOKIE } from './auth.ts';

/** Where `npm run build` puts the SvelteKit app (adapter-node). */
export const WEB_BUILD_DIR = fileURLToPath(new URL('../../../web/build', import.meta.url));

export function webBuildExists(dir: string = WEB_BUILD_DIR): boolean {
  return existsSync(join(dir, 'handler.js'));
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
/** What the page's server side learns from us (web/src/app.d.ts reads it as platform.req.guoyun). */
export type WebRequest = IncomingMessage & { guoyun?: { me: MeView | null; now: string } };

// adapter-node derives a page's origin from these headers unless ORIGIN is set; this one is
// set by the hook below from what Fastify saw, so a client cannot choose it.
const PROTOCOL_HEADER = 'x-guoyun-web-protocol';
// Built assets under /_app/ need no session; pages and their data (…/__data.json) do.
const ASSET_PREFIX = '/_app/';

/**
 * Serves the SvelteKit app (web/build/handler.js) from this process and port. It takes only
 * the requests no Fastify route matched, outside /api (whose unknown URLs keep their JSON
 * 404), so it adds no route: the API, its access rules and its OpenAPI document stay as they
 * are. Pages are public to the router — they hold no data; the data comes from the API with
 * the session cookie — and the plugin tells SvelteKit who is logged in, so the first render
 * already shows the right navigation or redirects to the login page.
 */
export default fp(
  async function webPlugin(app: FastifyInstance, opts: { dir?: string; sessionIdleMinutes: number }) {
    const dir = opts.dir ?? WEB_BUILD_DIR;
    // adapter-node reads its settings from the environment once, when handler.js is imported.
    process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
    const { handler } = (await import(pathToFileURL(join(dir, 'handler.js')).href)) as { handler: NodeHandler };

    app.addHook('onRequest', async (request, reply) => {
      if (!request.is404) return;
      const path = request.url.split('?')[0];
      if (path === '/api' || path.startsWith('/api/')) return;

      const raw = request.raw as WebRequest;
      raw.headers[PROTOCOL_HEADER] = request.protocol;
      if (!path.startsWith(ASSET_PREFIX))
        raw.guoyun = {
          me: await sessionOf(request.ctx, request.cookies[SESSION_COOKIE], request.ip, opts.sessionIdleMinutes),
          now: request.ctx.clock().toISOString(),
        };
      reply.hijack();
      // Pages carry SvelteKit's own Content-Security-Policy (with a nonce for its inline script).
      reply.raw.removeHeader('content-security-policy');
      handler(raw, reply.raw, () => {
        // SvelteKit answers everything it is given; this is only a safety net.
        reply.raw.statusCode = 404;
        reply.raw.end();
      });
    });
  },
  { name: 'guoyun-web', dependencies: ['guoyun-auth', '@fastify/helmet'] },
);

async function sessionOf(ctx: Parameters<typeof resolveSession>[0], secret: string | undefined, ip: string, idleMinutes: number): Promise<MeView | null> {
  const actor = secret ? await resolveSession(ctx, secret, ip, idleMinutes) : null;
  if (!actor) return null;
  return {
    id: actor.userId ?? '',
    kind: 'user',
    username: actor.username,
    displayName: actor.displayName,
    role: actor.role!,
    cooperativeId: actor.cooperativeId,
    carrierCode: actor.carrierCode,
    csrfToken: actor.csrfToken,
  };
}

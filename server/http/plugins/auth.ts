import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { allows, PERMISSIONS, type Permission } from '../../contracts/permissions.ts';
import { resolveSession, resolveToken } from '../../domain/accounts/resolve-credentials.ts';
import { DomainError } from '../../domain/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The action the route performs; the roles server/contracts/permissions.ts gives it may call
     * the route. A route that declares neither this nor `access: 'public'` is refused to everyone.
     */
    permission?: Permission;
    /** Anyone may call the route, logged in or not. */
    access?: 'public';
  }
  interface FastifyRequest {
    /** The session's CSRF token, when the request came with a session cookie. */
    csrfToken?: string;
  }
  interface FastifyInstance {
    /** What every route registered after this plugin declared, so the access matrix can hold each one to the table. */
    routeRules: readonly RouteRule[];
  }
}

/** A route as registered and the rule it declared: its permission, 'public', or null (closed to everyone). */
export type RouteRule = { method: string; url: string; rule: Permission | 'public' | null };

export const SESSION_COOKIE = 'gy_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Registered by @fastify/swagger-ui, which cannot carry our route config.
export const PUBLIC_PREFIXES = ['/api/v1/docs'];

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * Resolves who is calling (API token or session cookie) and applies each route's permission
 * before the body is even read. Denied by default: a route that declares none is refused.
 */
export default fp(
  async function authPlugin(app: FastifyInstance, opts: { sessionIdleMinutes: number }) {
    await app.register(cookie);
    const rules: RouteRule[] = [];
    app.decorate('routeRules', rules);
    app.addHook('onRoute', (route) => {
      const { access, permission } = route.config ?? {};
      // The types stop a misspelt permission; this stops one that slipped past them at startup, not at the first request.
      if (permission !== undefined && !Object.hasOwn(PERMISSIONS, permission))
        throw new Error(`${String(route.method)} ${route.url} declares "${permission}", which server/contracts/permissions.ts does not list`);
      for (const method of [route.method].flat()) rules.push({ method, url: route.url, rule: access === 'public' ? 'public' : (permission ?? null) });
    });
    app.addHook('onRequest', async (request: FastifyRequest) => {
      if (request.is404) return;
      const url = request.routeOptions.url ?? '';
      const { access, permission } = request.routeOptions.config ?? {};
      if (access === 'public' || PUBLIC_PREFIXES.some((p) => url.startsWith(p))) return;
      if (permission === undefined) throw new DomainError('FORBIDDEN', 'This route is closed');

      const ctx = request.ctx;
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        const actor = match ? await resolveToken(ctx, match[1], request.ip) : null;
        if (!actor) throw new DomainError('UNAUTHORIZED', 'The API token is unknown or revoked');
        ctx.actor = actor;
      } else {
        const secret = request.cookies[SESSION_COOKIE];
        const actor = secret ? await resolveSession(ctx, secret, request.ip, opts.sessionIdleMinutes) : null;
        if (!actor) throw new DomainError('UNAUTHORIZED', 'Log in, or send an API token as "Authorization: Bearer …"');
        ctx.actor = actor;
        request.csrfToken = actor.csrfToken;
        // Browsers send cookies on cross-site websocket upgrades too, and those carry no CSRF
        // header: the Origin must be this very host.
        if (request.headers.upgrade && request.headers.origin && originHost(request.headers.origin) !== request.headers.host)
          throw new DomainError('FORBIDDEN', 'Cross-site websocket connections are refused');
        // A cookie rides along on any cross-site request; the header proves the page that sent it is ours.
        if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== actor.csrfToken)
          throw new DomainError('FORBIDDEN', `Writes made with a session cookie need the ${CSRF_HEADER} header from /api/v1/auth/me`);
      }
      if (!allows(ctx.actor.role, permission)) throw new DomainError('FORBIDDEN', `A ${ctx.actor.role} account may not do this`);
    });
  },
  { name: 'guoyun-auth', dependencies: ['guoyun-context'] },
);

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuditList,
  AuditQuery,
  LoginInput,
  MeView,
  PasswordResetInput,
  TokenCreated,
  TokenInput,
  TokenList,
  TokenView,
  UserInput,
  UserList,
  UserView,
} from '../../contracts/accounts.ts';
import { ErrorBody, IdParams } from '../../contracts/common.ts';
import { createUser } from '../../domain/accounts/create-user.ts';
import { login, logout } from '../../domain/accounts/login.ts';
import { listUsers, resetPassword, setUserDisabled } from '../../domain/accounts/manage-users.ts';
import { createToken, listTokens, revokeToken } from '../../domain/accounts/tokens.ts';
import { listAudit } from '../../domain/audit/list-audit.ts';
import { SESSION_COOKIE } from '../plugins/auth.ts';

export const accountRoutes: FastifyPluginAsyncZod<{ sessionHours: number; cookieSecure: boolean }> = async (app, opts) => {
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['accounts'],
        summary: 'Log in: sets an HttpOnly session cookie',
        body: LoginInput,
        response: { 200: MeView, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const result = await login({ ctx: req.ctx, input: req.body, ip: req.ip, userAgent: req.headers['user-agent'], sessionHours: opts.sessionHours });
      reply.setCookie(SESSION_COOKIE, result.sessionSecret, {
        // Max-Age, not Expires: the browser counts it from when it receives the cookie, so a device
        // whose clock disagrees with the app's (a phone days off, a demo shown at another date)
        // does not throw the session away on arrival. The server enforces the real expiry.
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.cookieSecure,
        maxAge: Math.max(1, Math.round((result.expiresAt.getTime() - req.ctx.clock().getTime()) / 1000)),
      });
      return meView(result.actor);
    },
  );
  app.post(
    '/auth/logout',
    { config: { permission: 'session.end' }, schema: { tags: ['accounts'], summary: 'End this session', response: { 204: z.null() } } },
    async (req, reply) => {
      await logout({ ctx: req.ctx });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
  app.get('/auth/me', { config: { permission: 'session.read' }, schema: { tags: ['accounts'], response: { 200: MeView } } }, async (req) =>
    meView({ ...req.ctx.actor, csrfToken: req.csrfToken }),
  );

  app.get('/users', { config: { permission: 'user.read' }, schema: { tags: ['accounts'], response: { 200: UserList } } }, (req) => listUsers({ ctx: req.ctx }));
  app.post(
    '/users',
    { config: { permission: 'user.create' }, schema: { tags: ['accounts'], body: UserInput, response: { 201: UserView, ...errors } } },
    async (req, reply) => reply.code(201).send(await createUser({ ctx: req.ctx, input: req.body })),
  );
  app.post(
    '/users/:id/disable',
    { config: { permission: 'user.update' }, schema: { tags: ['accounts'], params: IdParams, response: { 200: UserView, ...errors } } },
    (req) => setUserDisabled({ ctx: req.ctx, id: req.params.id, disabled: true }),
  );
  app.post(
    '/users/:id/enable',
    { config: { permission: 'user.update' }, schema: { tags: ['accounts'], params: IdParams, response: { 200: UserView, ...errors } } },
    (req) => setUserDisabled({ ctx: req.ctx, id: req.params.id, disabled: false }),
  );
  app.post(
    '/users/:id/password',
    {
      config: { permission: 'user.update' },
      schema: { tags: ['accounts'], summary: "Reset a user's password", params: IdParams, body: PasswordResetInput, response: { 200: UserView, ...errors } },
    },
    (req) => resetPassword({ ctx: req.ctx, id: req.params.id, input: req.body }),
  );

  app.get('/tokens', { config: { permission: 'token.read' }, schema: { tags: ['accounts'], response: { 200: TokenList } } }, (req) =>
    listTokens({ ctx: req.ctx }),
  );
  app.post(
    '/tokens',
    {
      config: { permission: 'token.create' },
      schema: { tags: ['accounts'], summary: 'Issue an API token (shown once)', body: TokenInput, response: { 201: TokenCreated, ...errors } },
    },
    async (req, reply) => reply.code(201).send(await createToken({ ctx: req.ctx, input: req.body })),
  );
  app.post(
    '/tokens/:id/revoke',
    { config: { permission: 'token.revoke' }, schema: { tags: ['accounts'], params: IdParams, response: { 200: TokenView, ...errors } } },
    (req) => revokeToken({ ctx: req.ctx, id: req.params.id }),
  );

  app.get(
    '/audit',
    {
      config: { permission: 'audit.read' },
      schema: { tags: ['accounts'], summary: 'The audit trail, newest first', querystring: AuditQuery, response: { 200: AuditList } },
    },
    (req) => listAudit({ ctx: req.ctx, query: req.query }),
  );
};

function meView(a: {
  kind: string;
  userId?: string;
  tokenId?: string;
  label: string;
  role: MeView['role'] | null;
  cooperativeId: string | null;
  carrierCode: string | null;
  csrfToken?: string;
  username?: string;
  displayName?: string;
  tokenName?: string;
}): MeView {
  const isUser = a.kind === 'user';
  return {
    id: (isUser ? a.userId : a.tokenId) ?? '',
    kind: isUser ? 'user' : 'token',
    username: isUser ? (a.username ?? a.label.replace(/^user:/, '')) : null,
    displayName: a.displayName ?? a.tokenName ?? a.label,
    role: a.role!,
    cooperativeId: a.cooperativeId,
    carrierCode: a.carrierCode,
    csrfToken: a.csrfToken ?? null,
  };
}

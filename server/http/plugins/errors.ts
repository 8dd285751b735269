import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode } from '../../contracts/common.ts';
import { DomainError, UNKNOWN_FIELD } from '../../domain/errors.ts';
import { pgCode } from '../../domain/transaction.ts';
import { isDatabaseUnavailable } from '../../../db/connection-loss.ts';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INSUFFICIENT_STOCK: 409,
  CAPACITY_EXCEEDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DB_UNAVAILABLE: 503,
};

/** Seconds a client is asked to wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

type Mapped = { status: number; body: ErrorBody };

const body = (code: ErrorCode, message: string, issues?: ErrorBody['error']['issues']): Mapped => ({
  status: STATUS[code],
  body: { error: issues?.length ? { code, message, issues } : { code, message } },
});

/** The one place where errors become HTTP answers. 5xx answers never carry details. */
export function toHttpError(error: unknown): Mapped {
  if (error instanceof DomainError) return body(error.code, error.message, error.issues);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext;
    const issues = error.validation.flatMap((v) => {
      const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      // Zod reports unknown fields once, at the enclosing object; the client needs each field named.
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys))
        return keys.map((key) => ({ path: path ? `${path}.${String(key)}` : String(key), message: UNKNOWN_FIELD }));
      return [{ path: path || (where === 'body' ? '' : (where ?? '')), message: v.message ?? 'is invalid' }];
    });
    return body('VALIDATION', where === 'body' || !where ? 'The request has invalid fields' : `The request ${where} has invalid fields`, issues);
  }
  const e = error as FastifyError & { code?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return body('PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return body('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return body('INVALID_JSON', 'The request body is empty but declared as JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return body('INVALID_JSON', 'The request body is not valid JSON');
    // Raised by the router before any route runs (see frameworkErrors in app.ts).
    case 'FST_ERR_BAD_URL':
      return body('VALIDATION', 'The URL is not validly percent-encoded');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return body('VALIDATION', 'A URL path parameter is too long');
  }
  // Before the SQLSTATE rules: a write cut off by a restart is not the client's fault, and
  // being one statement or transaction it left nothing behind, so the same request may be re-sent.
  if (isDatabaseUnavailable(error)) return body('DB_UNAVAILABLE', 'The database is unavailable; try again shortly');
  const pg = pgCode(error);
  if (pg === '23505') return body('CONFLICT', 'This record conflicts with one already on record');
  if (pg?.startsWith('22') || pg === '23514' || pg === '23503') return body('VALIDATION', 'A value is out of range or refers to something unknown');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return body('PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (e.statusCode === 415) return body('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
    if (e.statusCode === 404) return body('NOT_FOUND', 'Not found');
    if (e.statusCode === 429) return body('RATE_LIMITED', 'Too many requests');
    // Other client errors from Fastify's parsers (a body that is not JSON, for one).
    if (e instanceof SyntaxError || e.code?.startsWith('FST_ERR_CTP')) return body('INVALID_JSON', 'The request body is not valid JSON');
    return { status: e.statusCode, body: { error: { code: 'VALIDATION', message: 'The request is malformed' } } };
  }
  return body('INTERNAL', 'Internal error');
}

/** Sends any error as the standard error body. Also Fastify's `frameworkErrors`, for errors raised before routing. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const mapped = toHttpError(error);
  if (mapped.status === 503) {
    // Expected while the database restarts, and one line per request: no stack needed.
    request.log.warn({ code: mapped.body.error.code, cause: describeCause(error) }, 'request failed: database unavailable');
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  } else if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.debug({ err: error }, 'request refused');
  return reply.code(mapped.status).type('application/json; charset=utf-8').send(mapped.body);
}

function describeCause(error: unknown): string {
  let e: unknown = error;
  // drizzle's wrapper says only "Failed query: …"; the driver's error underneath says why.
  while (e && typeof e === 'object' && (e as { cause?: unknown }).cause) e = (e as { cause?: unknown }).cause;
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return [code, message]
    .filter((x) => typeof x === 'string')
    .join(': ')
    .slice(0, 200);
}

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler(sendError);
    app.setNotFoundHandler((request, reply) => {
      const mapped = body('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`);
      return reply.code(404).send(mapped.body);
    });
  },
  { name: 'guoyun-errors' },
);

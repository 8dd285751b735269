import { z } from 'zod';

// Contracts are shared with the web app: nothing here may import node, drizzle or fastify.

export const ErrorCode = z.enum([
  'VALIDATION',
  'INVALID_JSON',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_STOCK',
  'CAPACITY_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorIssue = z.object({
  path: z.string().describe('dot-separated path of the offending field, e.g. "items.3.parcels"'),
  message: z.string(),
});
export type ErrorIssue = z.infer<typeof ErrorIssue>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.array(ErrorIssue).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Free text typed by people: trimmed, bounded, no control characters. */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');

export const Uuid = z.uuid('must be a UUID');
export const TownCode = z.string().regex(/^\d{9}$/, 'must be a 9-digit town code such as 370323103');
export const Code = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lower-case code such as "sf"');
export const BusinessDate = z.iso.date('must be a date as YYYY-MM-DD');
export const Instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-05-10T08:30:00+08:00' });
export const Kilograms = z
  .number('must be a number')
  .positive('must be greater than 0')
  .max(1e9, 'must be at most 1,000,000,000 kg')
  .refine(Number.isFinite, 'must be finite');

export const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const IdParams = z.object({ id: Uuid });

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
  'DB_UNAVAILABLE',
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

// C0 (but tab, LF, CR), DEL and C1: U+0080–U+009F are control characters too (U+009B starts a terminal escape).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// A lone UTF-16 surrogate cannot be stored as UTF-8: the database would keep U+FFFD instead,
// so the record would differ from what was sent (and a re-send would then conflict with it).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Unicode format characters (category Cf): zero-width spaces and joiners, bidi controls, the
// soft hyphen, a stray byte-order mark. Invisible, so a name carrying one looks like another
// ("燕崖果品专业合作社" + U+200B registered as a second cooperative) or reads backwards.
const FORMAT_CHARS = /\p{Cf}/u;
// After NFKC, no-break and ideographic spaces are plain spaces; runs of them are one space.
const SPACE_RUNS = /\p{Zs}+/gu;
// Everything but full-width punctuation （，：！？；…） and the ellipsis, which NFKC would turn
// into ASCII: Chinese prose and official documents (公文) are written with them.
const FOLDABLE_RUNS = /[^\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e\u2026]+/g;

/**
 * The one spelling of a text: NFKC (full-width Ａ１ becomes A1, compatibility forms their
 * plain letters, ① becomes 1) except for full-width punctuation, with each run of spaces as
 * one plain space. Names are compared as stored, so two that look the same are the same.
 */
export function normalizeText(s: string): string {
  return s.replace(FOLDABLE_RUNS, (run) => run.normalize('NFKC')).replace(SPACE_RUNS, ' ');
}

export const hasFormatCharacters = (s: string): boolean => FORMAT_CHARS.test(s);

/** Free text typed by people: normalised (see normalizeText), trimmed, bounded, nothing invisible. */
export const Text = (max: number) =>
  z
    .string()
    .refine((s) => !hasFormatCharacters(s), 'must not contain invisible formatting characters (zero-width or bidi controls)')
    .overwrite(normalizeText)
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text');

export const Uuid = z.uuid('must be a UUID');
export const TownCode = z.string().regex(/^\d{9}$/, 'must be a 9-digit town code such as 370323103');
export const Code = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a lower-case code such as "sf"');
// The calendar Guoyun takes dates from: village stations and post offices opened decades ago are
// on record, and nothing is planned past this century. Years outside are typos — and an unbounded
// year is how one range query (9999-12-31) once became a loop that ran the server out of memory.
export const EARLIEST_DATE = '1950-01-01';
export const LATEST_DATE = '2099-12-31';
const OUT_OF_CALENDAR = `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const AFTER_LATEST_MS = Date.parse(`${LATEST_DATE}T00:00:00Z`) + 86_400_000;

export const BusinessDate = z.iso.date('must be a date as YYYY-MM-DD').refine((d) => d >= EARLIEST_DATE && d <= LATEST_DATE, OUT_OF_CALENDAR);
export const Instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-05-10T08:30:00+08:00' })
  .refine((s) => {
    const t = Date.parse(s);
    return t >= EARLIEST_MS && t < AFTER_LATEST_MS;
  }, OUT_OF_CALENDAR);
export const Kilograms = z
  .number('must be a number')
  .positive('must be greater than 0')
  // Weights are stored to the gram (numeric(14,3)): anything smaller would be kept as 0 kg.
  .min(0.001, 'must be at least 0.001 kg')
  .max(1e9, 'must be at most 1,000,000,000 kg')
  .refine(Number.isFinite, 'must be finite')
  // …and finer figures would be rounded on storage, so a re-sent record would no longer match
  // the one kept (409), and taking out what was put in could find too little stock.
  .refine((kg) => /^\d+(\.\d{1,3})?$/.test(String(kg)), 'must be in whole grams (at most 3 decimal places)');

export const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const IdParams = z.object({ id: Uuid });

import { sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import type { Ctx } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { ProjectScope } from './counting.ts';
import { inKnownProjectScopeSql, type PlaceColumns } from './counting-sql.ts';

// Shared by the record lists: keyset paging newest first by (instant, id), the voided filter and
// the project filter. A cursor is the last row's exact instant (to the microsecond, as stored)
// and id, so the next page starts right after it whatever was written in between.

const QUERY_INVALID = 'The request querystring has invalid fields';
const BAD_CURSOR = [{ path: 'cursor', message: 'must be the nextCursor of a previous page' }];
const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type Cursor = { at: string; id: string };

/** An instant column as the cursor keeps it: UTC, microseconds, text. */
export const cursorInstant = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw DomainError.validation(BAD_CURSOR, QUERY_INVALID);
  }
  if (!Array.isArray(value) || value.length !== 2) throw DomainError.validation(BAD_CURSOR, QUERY_INVALID);
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !CURSOR_INSTANT.test(at) || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !UUID.test(id))
    throw DomainError.validation(BAD_CURSOR, QUERY_INVALID);
  return { at, id };
}

/** Rows strictly after the cursor in the lists' order (instant DESC, id DESC). */
export function afterCursor(instant: SQL, id: SQL, cursor: string | undefined): SQL | null {
  if (!cursor) return null;
  const c = decodeCursor(cursor);
  return sql`(${instant}, ${id}) < (${c.at}::timestamptz, ${c.id}::uuid)`;
}

/** `include` adds nothing; `exclude` / `only` test the reversal's key (null when there is none). */
export function voidedCondition(voided: 'include' | 'exclude' | 'only', reversalKey: SQL): SQL | null {
  if (voided === 'exclude') return sql`${reversalKey} IS NULL`;
  if (voided === 'only') return sql`${reversalKey} IS NOT NULL`;
  return null;
}

/**
 * A project as a filter: the rows in its scope (see counting.ts). An unknown
 * project is a bad filter (400), not an empty list that looks like "nothing recorded yet".
 */
export async function projectConditions(ctx: Ctx, projectId: string | undefined, columns: PlaceColumns): Promise<SQL[]> {
  if (!projectId) return [];
  const [p] = rowsOf<ProjectScope>(
    await ctx.db.execute(sql`SELECT product_code AS "productCode", starts_on::text AS "startsOn", ends_on::text AS "endsOn", town_code AS "townCode"
      FROM projects WHERE id = ${projectId}::uuid`),
  );
  if (!p) throw DomainError.validation([{ path: 'projectId', message: 'unknown project' }], QUERY_INVALID);
  return [inKnownProjectScopeSql(p, columns)];
}

export function unknownCodes(issues: { path: string; message: string }[]): void {
  if (issues.length) throw DomainError.validation(issues, QUERY_INVALID);
}

/** Joins conditions, skipping the filters that were not given. */
export function whereAll(conditions: (SQL | null)[]): SQL {
  const given = conditions.filter((c): c is SQL => c !== null);
  return given.length ? sql.join(given, sql` AND `) : sql`true`;
}

/** Reads one row more than the page holds, to know whether another page follows. */
export function toPage<R extends { cursor_at: string; id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null };
}

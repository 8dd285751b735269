import type { z } from 'zod';
import type { ImportResult, ImportRowError } from '../../contracts/network.ts';
import { issuesFromZod } from '../errors.ts';
import { CellError } from './tabular.ts';

// What the village and service-point imports share: turning problems into row errors and the result.

/** A cell parsed by `parse`; an error is recorded on the row instead of thrown. Empty cells are `empty`. */
export function cell<T, E>(
  errors: ImportRowError[],
  row: number,
  field: string,
  text: string | undefined,
  parse: (s: string) => T,
  empty: E,
): T | E | undefined {
  if (text === undefined) return undefined;
  if (text === '') return empty;
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof CellError) {
      errors.push({ row, field, message: error.message, ...error.issue });
      return undefined;
    }
    throw error;
  }
}

/** Issues on a record (paths such as "brands.2") as errors of a row, under the file's column names. */
export function rowErrorsFrom(row: number, issues: { path: string; message: string }[], columnOf: (field: string) => string): ImportRowError[] {
  return issues.map((i) => ({ row, field: columnOf(i.path.split('.')[0] ?? ''), message: i.message }));
}

export function zodRowErrors(row: number, error: z.ZodError, columnOf: (field: string) => string): ImportRowError[] {
  return rowErrorsFrom(row, issuesFromZod(error), columnOf);
}

/** Null fields become absent, so the input schema sees them as not given. */
export function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

export type PlannedRow = { row: number; code: string; action: 'create' | 'update' | 'unchanged'; id: string | null };

export function importResult(p: { importId: string | null; dryRun: boolean; planned: PlannedRow[]; errors: ImportRowError[]; rowCount: number }): ImportResult {
  const count = (a: PlannedRow['action']) => p.planned.filter((r) => r.action === a).length;
  const ok = p.errors.length === 0;
  return {
    importId: ok && !p.dryRun ? p.importId : null,
    dryRun: p.dryRun,
    ok,
    summary: { rows: p.rowCount, created: count('create'), updated: count('update'), unchanged: count('unchanged') },
    // A dry run or a rejected file names no new ids: nothing was created.
    rows: p.planned.map((r) => ({ ...r, id: r.action === 'create' && (p.dryRun || !ok) ? null : r.id })),
    errors: [...p.errors].sort((a, b) => a.row - b.row),
  };
}

import type { z } from 'zod';
import type { ErrorIssue } from '$contracts/common.ts';
import type { ProductView } from '$contracts/reference.ts';
import { appNow } from '$lib/clock.ts';
import { businessDate } from '$lib/i18n/format.ts';
import { numberIssue, parseNumber, type NumberIssue, type NumberOptions } from '$rules/parse-number.ts';

// Turning what was typed into the API's input, and checking it with the same contracts the
// server validates with, so most mistakes are caught on the phone, offline.

export const todayInShanghai = (now: Date = new Date(appNow())) => businessDate(now);

/**
 * The instant recorded for an entry on business date `date`: now, for today (the usual case,
 * entered as it happens); noon Shanghai time for an earlier day, which keeps it on that day.
 */
export function instantFor(date: string, now: Date = new Date(appNow())): string {
  return date === businessDate(now) ? now.toISOString() : `${date}T12:00:00+08:00`;
}

/** The date field's own rule (the API checks the instant built from it the same way). */
export function dateIssue(date: string, today: string = todayInShanghai()): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'must be a date as YYYY-MM-DD';
  if (date > today) return 'must not be in the future';
  if (date < '2015-01-01') return 'must not be before 2015';
  return null;
}

/**
 * A figure as typed, read by the one number reader: blank → no value and no issue when the field
 * is optional; otherwise the number, or why it is not one ("1,2" is refused, never read as 1.2).
 * The field's bounds (at least 1, at most 20,000…) are left to the contract.
 */
export function figureOf(text: string, options: NumberOptions, { optional = false } = {}): { value: number | undefined; issue: NumberIssue | null } {
  if (optional && text.trim() === '') return { value: undefined, issue: null };
  const parsed = parseNumber(text, options);
  return parsed.ok ? { value: parsed.value, issue: null } : { value: undefined, issue: numberIssue(parsed) };
}

/** Optional free text: blank → left out. */
export const textValue = (text: string) => (text.trim() === '' ? undefined : text.trim());

/** Field-level issues of a candidate input, with dotted paths as the API reports them. */
export function contractIssues(schema: z.ZodType, candidate: unknown): ErrorIssue[] {
  const result = schema.safeParse(candidate);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Groups issues by field, under the names the form uses for its fields. */
export function byField(issues: readonly ErrorIssue[], rename: Record<string, string> = {}, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const field = rename[issue.path] ?? issue.path;
    (out[prefix + field] ??= []).push(issue.message);
  }
  return out;
}

/** The product in season on `today` (MM-DD windows, possibly across New Year), if any. */
export function productInSeason(products: readonly ProductView[], today: string): ProductView | undefined {
  const md = today.slice(5);
  return products.find(({ season: { from, to } }) => (from <= to ? md >= from && md <= to : md >= from || md <= to));
}

/** Grams-precise kilograms for display: 1234.5 → "1,234.5". */
export function kg(n: number): string {
  const [int, frac] = String(Math.round(n * 1000) / 1000).split('.');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

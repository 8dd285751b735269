// Business time, the one copy the server and the browser both import (no node, no drizzle).
//
// China has kept UTC+8 all year since 1991, so Asia/Shanghai is a fixed offset: a business date
// is the UTC date of the instant shifted by eight hours. No tz database is consulted, so the
// answer never depends on the ICU data Node ships with or on the browser's own time zone.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

type Instant = Date | string | number;

const shifted = (instant: Instant) => new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);

/** The date in Asia/Shanghai that an instant belongs to, as YYYY-MM-DD. */
export function businessDate(instant: Instant): string {
  return shifted(instant).toISOString().slice(0, 10);
}

/** An instant as the wall clock in Asia/Shanghai shows it (month 1–12). */
export function shanghaiParts(instant: Instant) {
  const d = shifted(instant);
  return {
    date: d.toISOString().slice(0, 10),
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
    ss: d.getUTCSeconds(),
  };
}

/** Whole days from `from` to `to` (YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date from `from` to `to` inclusive. */
export function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  // Callers bound their ranges (a project lasts at most two years); this only stops one that forgot.
  if ((end - Date.parse(`${from}T00:00:00Z`)) / DAY_MS > 100_000) throw new RangeError(`datesFrom(${from}, ${to}): range too long`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** A timestamp read from the database as ISO 8601 UTC: some drivers and casts give a Date, others text. */
export const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

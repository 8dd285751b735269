// China has kept UTC+8 all year since 1991, so Asia/Shanghai is a fixed offset: a
// business date is the UTC date of the instant shifted by eight hours, with no tz database.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The date in Asia/Shanghai that an instant belongs to, as YYYY-MM-DD. */
export function businessDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
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

// Figures as officials read them, the one copy the briefing and the web app both build on:
// parcel counts in 万 (tens of thousands) and 亿 (hundreds of millions) in Chinese, millions in
// English. Rounding and grouping are done by hand rather than with toLocaleString or Intl, so the
// printed bytes never depend on the ICU data of Node or the browser, and the server-rendered
// page, the browser and the briefing PDF never disagree.

export type Lang = 'zh' | 'en';

/** Rounds half away from zero at `digits`, without the binary surprises of toFixed (1.005 → 1.01). */
export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(n) * f + 1e-9) / f;
  // Rounding toward zero must not print as "-0".
  return n < 0 && r !== 0 ? -r : r;
}

/** Fixed decimals with trailing zeros (and a trailing point) removed: 632.50 → "632.5", 1000.0 → "1000". */
export function trimmed(n: number, digits: number): string {
  const s = round(n, digits).toFixed(digits);
  return digits > 0 ? s.replace(/\.?0+$/, '') : s;
}

/** 1234567.891 → "1,234,567.9" with `digits` fixed decimals. */
export function grouped(n: number, digits = 0): string {
  const [int, frac] = round(n, digits).toFixed(digits).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const body = (sign ? int.slice(1) : int).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${body}${frac ? `.${frac}` : ''}`;
}

// Where a count moves to the next unit: 万 and 亿 for Chinese readers, millions for English ones.
export const WAN = 10_000;
export const YI = 100_000_000;
export const MILLION = 1_000_000;

/** A count in 万, one decimal, trimmed: 6_325_000 → "632.5". */
export const inWan = (n: number): string => trimmed(n / WAN, 1);

/** A count in 亿, two decimals, trimmed: 150_000_000 → "1.5". */
export const inYi = (n: number): string => trimmed(n / YI, 2);

/** A count in millions, two decimals, trimmed: 6_325_114 → "6.33". */
export const inMillions = (n: number): string => trimmed(n / MILLION, 2);

/** "62.9%", or "—" when there is nothing to divide by. */
export function percent(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${round(p, digits).toFixed(digits)}%`;
}

/** Percentage points ahead of (+) or behind (−) pace, without the sign: "23.1个百分点" / "23.1 points". */
export function points(diff: number, lang: Lang): string {
  const v = round(Math.abs(diff), 1).toFixed(1);
  return lang === 'zh' ? `${v}个百分点` : `${v} points`;
}

/** Kilograms as tonnes with one decimal, without the unit: 1234567 → "1,234.6". */
export const tonnesFigure = (kg: number): string => grouped(kg / 1000, 1);

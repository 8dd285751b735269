// Figures as officials read them: parcel counts in 万件 (tens of thousands) in Chinese,
// millions in English; dates and times in Asia/Shanghai. Grouping and dates are done by hand
// rather than with Intl, so the server-rendered page and the browser never disagree.

export type Locale = 'zh' | 'en';

/** Rounds half away from zero at `digits` (1.005 → 1.01, without toFixed's binary surprises). */
function round(n: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(n) * f + 1e-9) / f;
  return n < 0 && r !== 0 ? -r : r;
}

/** Fixed decimals, trailing zeros dropped: 632.50 → "632.5", 1000.0 → "1000". */
export function trimmed(n: number, digits: number): string {
  const s = round(n, digits).toFixed(digits);
  return digits > 0 ? s.replace(/\.?0+$/, '') : s;
}

/** 1234567.89 → "1,234,567.9" with `digits` fixed decimals. */
export function grouped(n: number, digits = 0): string {
  const [int, frac] = round(n, digits).toFixed(digits).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const body = (sign ? int.slice(1) : int).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${body}${frac ? `.${frac}` : ''}`;
}

/** A parcel count split into figure and unit, for big numbers set in two sizes: 633.6 | 万件. */
export function parcelParts(n: number, locale: Locale): { value: string; unit: string } {
  const a = Math.abs(n);
  if (locale === 'zh') {
    if (a >= 100_000_000) return { value: trimmed(n / 100_000_000, 2), unit: '亿件' };
    if (a >= 10_000) return { value: trimmed(n / 10_000, 1), unit: '万件' };
    return { value: grouped(n), unit: '件' };
  }
  if (a >= 1_000_000) return { value: trimmed(n / 1_000_000, 2), unit: 'M parcels' };
  return { value: grouped(n), unit: 'parcels' };
}

/** "632.5万件", "8,532件"; "6.33 M parcels", "853,200 parcels". */
export function parcels(n: number, locale: Locale): string {
  const { value, unit } = parcelParts(n, locale);
  return locale === 'zh' ? `${value}${unit}` : `${value} ${unit}`;
}

/** A figure in a table column whose header names the unit: "69.6万件" (officials read 万件) / "695,934". */
export function parcelsCell(n: number, locale: Locale): string {
  return locale === 'zh' ? parcels(n, locale) : Math.abs(n) >= 10_000_000 ? `${trimmed(n / 1_000_000, 2)} M` : grouped(n);
}

/** A daily rate: "6.2万件/日", "62,118 parcels/day". */
export function parcelsPerDay(n: number, locale: Locale): string {
  return locale === 'zh' ? `${parcels(n, locale)}/日` : `${parcels(n, locale)}/day`;
}

/** An axis tick: "600万" / "6 M" / "8,000". */
export function parcelsTick(n: number, locale: Locale): string {
  if (locale === 'zh') return Math.abs(n) >= 10_000 ? `${trimmed(n / 10_000, 1)}万` : grouped(n);
  return Math.abs(n) >= 1_000_000 ? `${trimmed(n / 1_000_000, 2)} M` : Math.abs(n) >= 10_000 ? `${trimmed(n / 1000, 0)} k` : grouped(n);
}

export function percent(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '—' : `${round(p, digits).toFixed(digits)}%`;
}

/** Percentage points, unsigned: "23.2个百分点" / "23.2 points". */
export function points(diff: number, locale: Locale): string {
  const v = round(Math.abs(diff), 1).toFixed(1);
  return locale === 'zh' ? `${v}个百分点` : `${v} points`;
}

/** Kilograms as tonnes: "1,198.1吨" / "1,198.1 t". */
export function tonnes(kg: number, locale: Locale): string {
  const v = grouped(kg / 1000, 1);
  return locale === 'zh' ? `${v}吨` : `${v} t`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A business date (YYYY-MM-DD, already an Asia/Shanghai date): "11月29日" / "29 Nov", with the year on request. */
export function date(iso: string, locale: Locale, { year = false } = {}): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  if (locale === 'zh') return `${year ? `${y}年` : ''}${m}月${d}日`;
  return `${d} ${MONTHS[m - 1]}${year ? ` ${y}` : ''}`;
}

/** A short axis label for a business date: "11/29" / "29 Nov". */
export function dateTick(iso: string, locale: Locale): string {
  const [, m, d] = iso.split('-').map(Number);
  return locale === 'zh' ? `${m}/${d}` : `${d} ${MONTHS[m - 1]}`;
}

// China has kept UTC+8 all year since 1991: Shanghai wall time is a fixed shift, no tz data needed.
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** The Asia/Shanghai business date of an instant, as YYYY-MM-DD. */
export function businessDate(instant: Date | string | number): string {
  return new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as Shanghai wall time: "17:46:47", or "11月29日 17:46" with the date. */
export function time(instant: Date | string | number, locale: Locale, { withDate = false, seconds = true } = {}): string {
  const d = new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);
  const hm = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}${seconds ? `:${pad2(d.getUTCSeconds())}` : ''}`;
  if (!withDate) return hm;
  const day = date(d.toISOString().slice(0, 10), locale);
  return locale === 'zh' ? `${day} ${hm}` : `${day}, ${hm}`;
}

/** A file size: "245 KB", "1.2 MB" (the same in both languages). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trimmed(bytes / 1024, bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${trimmed(bytes / (1024 * 1024), 1)} MB`;
}

// Figures as officials read them: parcel counts in 万件 (tens of thousands) in Chinese,
// millions in English; dates and times in Asia/Shanghai. Rounding, unit thresholds and business
// time come from server/rules, which the briefing builds on too; what is here is the web's own
// wording (亿件 for the biggest totals, "M" for millions, grouped digits below 万).

import { grouped, inMillions, inWan, inYi, MILLION, tonnesFigure, trimmed, WAN, YI, type Lang } from '$rules/numbers.ts';
import { shanghaiParts } from '$rules/time.ts';

export { grouped, percent, points, trimmed } from '$rules/numbers.ts';
export { businessDate } from '$rules/time.ts';

export type Locale = Lang;

/** A parcel count split into figure and unit, for big numbers set in two sizes: 633.6 | 万件. */
export function parcelParts(n: number, locale: Locale): { value: string; unit: string } {
  const a = Math.abs(n);
  if (locale === 'zh') {
    if (a >= YI) return { value: inYi(n), unit: '亿件' };
    if (a >= WAN) return { value: inWan(n), unit: '万件' };
    return { value: grouped(n), unit: '件' };
  }
  if (a >= MILLION) return { value: inMillions(n), unit: 'M parcels' };
  return { value: grouped(n), unit: 'parcels' };
}

/** "632.5万件", "8,532件"; "6.33 M parcels", "853,200 parcels". */
export function parcels(n: number, locale: Locale): string {
  const { value, unit } = parcelParts(n, locale);
  return locale === 'zh' ? `${value}${unit}` : `${value} ${unit}`;
}

/** A figure in a table column whose header names the unit: "69.6万件" (officials read 万件) / "695,934". */
export function parcelsCell(n: number, locale: Locale): string {
  return locale === 'zh' ? parcels(n, locale) : Math.abs(n) >= 10 * MILLION ? `${inMillions(n)} M` : grouped(n);
}

/** A daily rate: "6.2万件/日", "62,118 parcels/day". */
export function parcelsPerDay(n: number, locale: Locale): string {
  return locale === 'zh' ? `${parcels(n, locale)}/日` : `${parcels(n, locale)}/day`;
}

/** An axis tick: "600万" / "6 M" / "8,000". */
export function parcelsTick(n: number, locale: Locale): string {
  if (locale === 'zh') return Math.abs(n) >= WAN ? `${inWan(n)}万` : grouped(n);
  return Math.abs(n) >= MILLION ? `${inMillions(n)} M` : Math.abs(n) >= WAN ? `${trimmed(n / 1000, 0)} k` : grouped(n);
}

/** Kilograms as tonnes: "1,198.1吨" / "1,198.1 t". */
export function tonnes(kg: number, locale: Locale): string {
  const v = tonnesFigure(kg);
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

const pad2 = (n: number) => String(n).padStart(2, '0');

/** An instant as Shanghai wall time: "17:46:47", or "11月29日 17:46" with the date. */
export function time(instant: Date | string | number, locale: Locale, { withDate = false, seconds = true } = {}): string {
  const p = shanghaiParts(instant);
  const hm = `${pad2(p.hh)}:${pad2(p.mm)}${seconds ? `:${pad2(p.ss)}` : ''}`;
  if (!withDate) return hm;
  const day = date(p.date, locale);
  return locale === 'zh' ? `${day} ${hm}` : `${day}, ${hm}`;
}

/** A file size: "245 KB", "1.2 MB" (the same in both languages). */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trimmed(bytes / 1024, bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${trimmed(bytes / (1024 * 1024), 1)} MB`;
}

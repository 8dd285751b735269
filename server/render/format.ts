// Figures as they appear in a briefing. County officials read parcel counts in 万件
// (tens of thousands); English readers get millions. The rounding, grouping and unit
// thresholds are the web app's too (server/rules/numbers.ts); what is here is the briefing's
// own wording, which differs from the web's and is pinned by the briefing tests: prose says
// "million parcels", stays in plain ungrouped 件 below 万, and never switches to 亿.

import { grouped, inMillions, inWan, MILLION, percent, points, round, tonnesFigure, trimmed, WAN, type Lang } from '../rules/numbers.ts';
import { shanghaiParts } from '../rules/time.ts';

export { grouped, round, trimmed, type Lang };

/**
 * A parcel count as prose: "632.5万件" (one decimal, trimmed; below 10,000 in plain 件),
 * "6.33 million parcels" in English.
 */
export function formatParcels(n: number, lang: Lang): string {
  if (lang === 'zh') return Math.abs(n) >= WAN ? `${inWan(n)}万件` : `${Math.round(n)}件`;
  if (Math.abs(n) >= MILLION) return `${inMillions(n)} million parcels`;
  return `${grouped(n)} parcels`;
}

/** As formatParcels, without the unit word in English: for cells labelled "parcels" already. */
export function formatParcelsShort(n: number, lang: Lang): string {
  return lang === 'zh' ? formatParcels(n, lang) : formatParcels(n, lang).replace(/ parcels$/, '');
}

/** A parcel count in a table cell whose header carries the unit: "52.36" (万件) or "523,600". */
export function formatParcelsCell(n: number, lang: Lang): string {
  return lang === 'zh' ? (n / WAN).toFixed(2) : grouped(n);
}

export function formatPercent(p: number | null): string {
  return percent(p);
}

/** Percentage points ahead of (+) or behind (−) pace, without the sign: "23.1个百分点". */
export const formatPoints = points;

/** Kilograms as tonnes with one decimal: 1234567 → "1,234.6". */
export const formatTonnes = tonnesFigure;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** A business date (YYYY-MM-DD) as "2026年11月29日" or "29 Nov 2026". */
export function formatDate(date: string, lang: Lang): string {
  const [y, m, d] = date.split('-').map(Number);
  return lang === 'zh' ? `${y}年${m}月${d}日` : `${d} ${MONTHS[m - 1]} ${y}`;
}

/** "2026年11月29日12:00" / "29 Nov 2026, 12:00", in Asia/Shanghai. */
export function formatInstant(instant: Date, lang: Lang): string {
  const p = shanghaiParts(instant);
  return lang === 'zh' ? `${p.y}年${p.m}月${p.d}日${pad2(p.hh)}:${pad2(p.mm)}` : `${p.d} ${MONTHS[p.m - 1]} ${p.y}, ${pad2(p.hh)}:${pad2(p.mm)}`;
}

/** The data cut-off line every briefing carries. */
export function formatCutOff(instant: Date, lang: Lang): string {
  return lang === 'zh' ? `数据截至${formatInstant(instant, 'zh')}` : `Data as of ${formatInstant(instant, 'en')} (Beijing time)`;
}

/** "第3期" / "No. 3"; a preview says so, so a draft can never pass for an issued briefing. */
export function formatIssueNumber(issue: { year: number; number: number; preview: boolean }, lang: Lang): string {
  if (lang === 'zh') return `第${issue.number}期${issue.preview ? '（预览）' : ''}`;
  return `No. ${issue.number}, ${issue.year}${issue.preview ? ' (preview)' : ''}`;
}

// ── village coverage ──────────────────────────────────────────────────────────────────

/** Villages as numerator over denominator, the way coverage is always given: "587 / 614 建制村", "587 / 614 villages". */
export function formatVillageShare(numerator: number, denominator: number, lang: Lang): string {
  return `${numerator} / ${denominator} ${lang === 'zh' ? '建制村' : 'villages'}`;
}

/** A coverage target's rate (0–1) as it was set: 0.8 → "80%", 0.955 → "95.5%". */
export function formatTargetRate(rate: number): string {
  return `${trimmed(rate * 100, 1)}%`;
}

/**
 * A target's due date: the end of a year as officials say it ("2020年底", "by the end of 2020"),
 * any other day as a date ("2021年6月30日前", "by 30 Jun 2021").
 */
export function formatDeadline(date: string, lang: Lang): string {
  if (date.endsWith('-12-31')) return lang === 'zh' ? `${date.slice(0, 4)}年底` : `by the end of ${date.slice(0, 4)}`;
  return lang === 'zh' ? `${formatDate(date, lang)}前` : `by ${formatDate(date, lang)}`;
}

/** A list in running text: "甲、乙、丙" / "A, B and C". */
export function formatList(items: readonly string[], lang: Lang): string {
  if (lang === 'zh') return items.join('、');
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

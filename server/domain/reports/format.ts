// Figures as they appear in a briefing. County officials read parcel counts in 万件
// (tens of thousands); English readers get millions. Grouping is done here rather than
// with toLocaleString, so the printed bytes never depend on the ICU data Node ships with.

export type Lang = 'zh' | 'en';

/** Fixed decimals with trailing zeros (and a trailing point) removed: 632.50 → "632.5", 1000.0 → "1000". */
export function trimmed(n: number, digits: number): string {
  const s = round(n, digits).toFixed(digits);
  return digits > 0 ? s.replace(/\.?0+$/, '') : s;
}

/** Rounds half away from zero at `digits`, without the binary surprises of toFixed (1.005 → 1.01). */
export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(n) * f + 1e-9) / f;
  // Rounding toward zero must not print as "-0".
  return n < 0 && r !== 0 ? -r : r;
}

/** 1234567.891 → "1,234,567.9" with `digits` fixed decimals. */
export function grouped(n: number, digits = 0): string {
  const [int, frac] = round(n, digits).toFixed(digits).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const body = (sign ? int.slice(1) : int).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${body}${frac ? `.${frac}` : ''}`;
}

/**
 * A parcel count as prose: "632.5万件" (one decimal, trimmed; below 10,000 in plain 件),
 * "6.33 million parcels" in English.
 */
export function formatParcels(n: number, lang: Lang): string {
  if (lang === 'zh') return Math.abs(n) >= 10_000 ? `${trimmed(n / 10_000, 1)}万件` : `${Math.round(n)}件`;
  if (Math.abs(n) >= 1_000_000) return `${trimmed(n / 1_000_000, 2)} million parcels`;
  return `${grouped(n)} parcels`;
}

/** A parcel count in a table cell whose header carries the unit: "52.36" (万件) or "523,600". */
/** As formatParcels, without the unit word in English: for cells labelled "parcels" already. */
export function formatParcelsShort(n: number, lang: Lang): string {
  return lang === 'zh' ? formatParcels(n, lang) : formatParcels(n, lang).replace(/ parcels$/, '');
}

export function formatParcelsCell(n: number, lang: Lang): string {
  return lang === 'zh' ? (n / 10_000).toFixed(2) : grouped(n);
}

export function formatPercent(p: number | null): string {
  return p === null || !Number.isFinite(p) ? '—' : `${round(p, 1).toFixed(1)}%`;
}

/** Percentage points ahead of (+) or behind (−) pace, without the sign: "23.1个百分点". */
export function formatPoints(diff: number, lang: Lang): string {
  const v = round(Math.abs(diff), 1).toFixed(1);
  return lang === 'zh' ? `${v}个百分点` : `${v} points`;
}

/** Kilograms as tonnes with one decimal: 1234567 → "1,234.6". */
export function formatTonnes(kg: number): string {
  return grouped(kg / 1000, 1);
}

// Asia/Shanghai is UTC+8 all year (see domain/time.ts), so the wall clock is a fixed shift.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shanghaiParts(instant: Date) {
  const d = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), hh: d.getUTCHours(), mm: d.getUTCMinutes() };
}
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

// The coverage rule, as plain functions over plain facts: no database, no clock.
//
// A village counts on date D unless it is an urban community (社区) or was dissolved on or before D.
// On D a counted village is
//   - covered:   a service point serving it is open on D (openedOn <= D < closedOn) and is not a
//                villager proxy (村民代办);
//   - proxy:     only villager proxies serving it are open on D (covered-by-proxy, shown apart);
//   - uncovered: known to have no service on D: some service point on record serves it but none is
//                open on D (not opened yet, or closed), or it was surveyed and confirmed uncovered;
//   - no_data:   no service point on record serves it and nobody confirmed it uncovered. Listed,
//                never silently counted as uncovered.
// With a brand (通达率), only points serving that carrier count toward covered and proxy.
//
// Dates are YYYY-MM-DD strings within the contracts' calendar (years 1950–2099), which compare
// correctly as strings.

import { addDays, daysBetween } from '../../rules/time.ts';

export type CoverageStatus = 'covered' | 'proxy' | 'uncovered' | 'no_data' | 'excluded';

export type PointFacts = {
  id: string;
  kind: 'county_hub' | 'town_node' | 'village_station';
  mode: 'own' | 'courier_courier' | 'postal_courier' | 'courier_commerce' | 'proxy';
  brands: readonly string[];
  openedOn: string;
  closedOn: string | null;
};

export type VillageFacts = {
  id: string;
  townCode: string;
  kind: 'village' | 'community';
  surveyStatus: 'unsurveyed' | 'confirmed_uncovered';
  dissolvedOn: string | null;
  /** Every service point on record that serves the village, open or not. */
  servedBy: readonly PointFacts[];
};

/** Open on `date`: opened on or before it, and not yet closed (the closing day is the first day closed). */
export function isOpenOn(point: Pick<PointFacts, 'openedOn' | 'closedOn'>, date: string): boolean {
  return point.openedOn <= date && (point.closedOn === null || date < point.closedOn);
}

/** Counted toward the denominator on `date`: an administrative village (建制村) not dissolved by then. */
export function isCounted(village: Pick<VillageFacts, 'kind' | 'dissolvedOn'>, date: string): boolean {
  return village.kind === 'village' && (village.dissolvedOn === null || date < village.dissolvedOn);
}

export function villageStatusOn(village: VillageFacts, date: string, brand?: string | null): CoverageStatus {
  if (!isCounted(village, date)) return 'excluded';
  let proxy = false;
  for (const p of village.servedBy) {
    if (!isOpenOn(p, date) || (brand && !p.brands.includes(brand))) continue;
    if (p.mode !== 'proxy') return 'covered';
    proxy = true;
  }
  if (proxy) return 'proxy';
  if (village.servedBy.length > 0 || village.surveyStatus === 'confirmed_uncovered') return 'uncovered';
  return 'no_data';
}

export type Tally = { denominator: number; covered: number; coveredByProxy: number; uncovered: number; noData: number };

export const emptyTally = (): Tally => ({ denominator: 0, covered: 0, coveredByProxy: 0, uncovered: 0, noData: 0 });

export function addStatus(tally: Tally, status: CoverageStatus): void {
  if (status === 'excluded') return;
  tally.denominator++;
  if (status === 'covered') tally.covered++;
  else if (status === 'proxy') tally.coveredByProxy++;
  else if (status === 'uncovered') tally.uncovered++;
  else tally.noData++;
}

export type TownFacts = { code: string; referenceVillageCount: number };
export type TownTally = Tally & { townCode: string; source: 'villages' | 'reference' };

/**
 * Per-town tallies on `date`. A town with no village on record counts with its reference village
 * count as denominator, every one of them "no data": nothing is known about them yet.
 */
export function tallyByTown(towns: readonly TownFacts[], villages: readonly VillageFacts[], date: string, brand?: string | null): TownTally[] {
  const byTown = new Map<string, VillageFacts[]>();
  for (const v of villages) {
    const list = byTown.get(v.townCode);
    if (list) list.push(v);
    else byTown.set(v.townCode, [v]);
  }
  return towns.map((town) => {
    const list = byTown.get(town.code);
    if (!list?.length) {
      const n = town.referenceVillageCount;
      return { townCode: town.code, source: 'reference', denominator: n, covered: 0, coveredByProxy: 0, uncovered: 0, noData: n };
    }
    const tally = emptyTally();
    for (const v of list) addStatus(tally, villageStatusOn(v, date, brand));
    return { townCode: town.code, source: 'villages', ...tally };
  });
}

export function sumTallies(tallies: readonly TownTally[]): Tally & { source: 'villages' | 'reference' | 'mixed' } {
  const total = emptyTally();
  for (const t of tallies) {
    total.denominator += t.denominator;
    total.covered += t.covered;
    total.coveredByProxy += t.coveredByProxy;
    total.uncovered += t.uncovered;
    total.noData += t.noData;
  }
  const sources = new Set(tallies.map((t) => t.source));
  return { ...total, source: sources.size === 1 ? [...sources][0] : sources.size === 0 ? 'villages' : 'mixed' };
}

/** A share to 4 decimal places (0.8125), or null when there is nothing to divide by. */
export function rateOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000;
}

export type Target = { by: string; rate: number; countsProxy: boolean };

/** The achieved rate that a target compares against, and whether it is met, still open or missed on `date`. */
export function targetStatus(target: Target, tally: Tally, date: string): { achieved: number | null; status: 'met' | 'open' | 'missed' } {
  const numerator = tally.covered + (target.countsProxy ? tally.coveredByProxy : 0);
  const achieved = rateOf(numerator, tally.denominator);
  // Compared on the exact fraction, not the rounded rate: 799/1000 does not meet 80 %.
  const met = tally.denominator > 0 && numerator >= target.rate * tally.denominator - 1e-9;
  return { achieved, status: met ? 'met' : date > target.by ? 'missed' : 'open' };
}

/** The target that applies on `date`: the next one due, or the last one once all are past. */
export function applicableTarget<T extends Target>(targets: readonly T[], date: string): T | null {
  const sorted = [...targets].sort((a, b) => a.by.localeCompare(b.by));
  return sorted.find((t) => t.by >= date) ?? sorted[sorted.length - 1] ?? null;
}

/**
 * How many points `seriesDates` gives, worked out without building them: a caller checks its
 * cap with this first, so a range of a million days costs nothing to refuse.
 */
export function seriesLength(from: string, to: string, interval: 'month' | 'day'): number {
  if (from > to) return 0;
  if (interval === 'day') return daysBetween(from, to) + 1;
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  return months(to) - months(from) + 1;
}

/** Series dates: the last day of every month from `from`'s month to `to` (and `to` itself), or every day. */
export function seriesDates(from: string, to: string, interval: 'month' | 'day'): string[] {
  // Counted, not compared as strings: past 9999 an ISO date gains a sign and sorts below any end date.
  const n = seriesLength(from, to, interval);
  if (n > SERIES_HARD_LIMIT) throw new RangeError(`a series of ${n} points; check seriesLength first`);
  const out: string[] = [];
  if (interval === 'day') {
    for (let i = 0; i < n; i++) out.push(addDays(from, i));
    return out;
  }
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (let i = 0; i < n - 1; i++) {
    out.push(monthEnd(y, m));
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  if (n > 0) out.push(to);
  return out;
}

// A guard for callers that forgot their own, smaller cap: far above any real series.
const SERIES_HARD_LIMIT = 100_000;

function monthEnd(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

export function coverageLabel(numerator: number, denominator: number, source: 'villages' | 'reference' | 'mixed'): string {
  return `${numerator} / ${denominator} 建制村${source === 'reference' ? '（参考数）' : source === 'mixed' ? '（部分为参考数）' : ''}`;
}

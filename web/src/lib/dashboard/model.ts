import type { ProgressView, ProjectView } from '$contracts/projects.ts';
import type { CarrierView, TownView } from '$contracts/reference.ts';
import type { StockView } from '$contracts/ledger.ts';
import { addDays } from '$rules/time.ts';
import { flagFor, percentOfPace, townPaces, type Flag } from '$rules/town-flags.ts';

// What the dashboard draws, computed from a project's progress: pure functions, no runes.

export type Phase = 'upcoming' | 'running' | 'ended';

/** The server's "today" for the project: elapsed days count today (see pacing.ts). */
export function phaseOf(project: ProjectView, progress: ProgressView): Phase {
  if (progress.elapsedDays <= 0) return 'upcoming';
  if (progress.elapsedDays >= progress.totalDays) return 'ended';
  return 'running';
}

/** Percentage points ahead of (+) or behind (−) the time elapsed. */
export const paceGap = (p: ProgressView) => p.percent - p.elapsedPercent;

export type Series = {
  labels: string[];
  /** Cumulative counted to the end of each day so far; null for days still to come. */
  cumulative: (number | null)[];
  /** The straight line from nothing on the first day to the goal on the last: 序时进度 in parcels. */
  pace: number[];
  /** Parcels counted each day so far (0 on a day without any). */
  daily: number[];
  dailyLabels: string[];
};

export function series(project: ProjectView, progress: ProgressView): Series {
  const total = progress.totalDays;
  const labels = Array.from({ length: total }, (_, i) => addDays(project.startsOn, i));
  const byDate = new Map(progress.daily.map((d) => [d.date, d.counted]));
  const elapsed = Math.max(0, Math.min(total, progress.elapsedDays));
  let running = 0;
  const cumulative: (number | null)[] = labels.map((date, i) => {
    if (i >= elapsed) return null;
    running += byDate.get(date) ?? 0;
    return running;
  });
  const pace = labels.map((_, i) => Math.round((progress.targetParcels * (i + 1)) / total));
  const dailyLabels = labels.slice(0, elapsed);
  return { labels, cumulative, pace, daily: dailyLabels.map((d) => byDate.get(d) ?? 0), dailyLabels };
}

export type TownRow = {
  code: string;
  town: TownView | undefined;
  counted: number;
  confirmed: number;
  provisional: number;
  expectedToDate: number;
  percentOfPace: number | null;
  flag: Flag | null;
  rank: number;
};

/**
 * Towns ranked by counted parcels against their pace, flagged with the briefing's rule
 * (server/rules/town-flags.ts): a county project's goal is shared among towns by
 * their number of villages and communities, and each town's share × time elapsed is its pace.
 */
export function townRows(project: ProjectView, progress: ProgressView, towns: readonly TownView[]): TownRow[] {
  const paces = townPaces({
    targetParcels: progress.targetParcels,
    elapsedDays: progress.elapsedDays,
    totalDays: progress.totalDays,
    projectTownCode: project.townCode,
    towns: towns.map((t) => ({ code: t.code, villageCount: t.villageCount })),
  });
  const byCode = new Map(towns.map((t) => [t.code, t]));
  const counted = new Map(progress.byTown.map((t) => [t.townCode, t]));
  const codes = project.townCode ? [project.townCode] : [...new Set([...towns.map((t) => t.code), ...counted.keys()])];
  const rows = codes.map((code) => {
    const c = counted.get(code) ?? { counted: 0, confirmed: 0, provisional: 0 };
    const expectedToDate = paces.get(code)?.expectedToDate ?? 0;
    const pct = percentOfPace(c.counted, expectedToDate);
    return {
      code,
      town: byCode.get(code),
      counted: c.counted,
      confirmed: c.confirmed,
      provisional: c.provisional,
      expectedToDate,
      percentOfPace: pct,
      flag: flagFor(pct),
      rank: 0,
    };
  });
  rows.sort((a, b) => (b.percentOfPace ?? -1) - (a.percentOfPace ?? -1) || b.counted - a.counted);
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}

export type CarrierRow = { code: string; carrier: CarrierView | undefined; counted: number; confirmed: number; provisional: number; share: number };

export function carrierRows(progress: ProgressView, carriers: readonly CarrierView[]): CarrierRow[] {
  const byCode = new Map(carriers.map((c) => [c.code, c]));
  const total = progress.byCarrier.reduce((sum, c) => sum + c.counted, 0);
  return progress.byCarrier
    .filter((c) => c.counted > 0)
    .map((c) => ({
      code: c.carrierCode,
      carrier: byCode.get(c.carrierCode),
      counted: c.counted,
      confirmed: c.confirmed,
      provisional: c.provisional,
      share: total > 0 ? (c.counted / total) * 100 : 0,
    }))
    .sort((a, b) => b.counted - a.counted);
}

export type StockRow = StockView & { usedPercent: number | null };

export function stockRows(stock: readonly StockView[]): StockRow[] {
  // Capacity is per facility: its use is everything it holds, whatever the product.
  const held = new Map<string, number>();
  for (const s of stock) held.set(s.facilityId, (held.get(s.facilityId) ?? 0) + s.weightKg);
  return stock
    .filter((s) => s.weightKg > 0)
    .map((s) => ({ ...s, usedPercent: s.capacityKg ? ((held.get(s.facilityId) ?? 0) / s.capacityKg) * 100 : null }))
    .sort((a, b) => b.weightKg - a.weightKg);
}

const TIER_ORDER = { gold: 0, silver: 1, bronze: 2 } as const;

/** Running projects first (gold, silver, then town projects), then those about to start. */
export function orderProjects<T extends { project: ProjectView; progress: ProgressView }>(items: T[]): T[] {
  const phaseOrder = { running: 0, ended: 1, upcoming: 2 } as const;
  return [...items].sort(
    (a, b) =>
      phaseOrder[phaseOf(a.project, a.progress)] - phaseOrder[phaseOf(b.project, b.progress)] ||
      TIER_ORDER[a.project.tier] - TIER_ORDER[b.project.tier] ||
      a.project.startsOn.localeCompare(b.project.startsOn) ||
      a.project.code.localeCompare(b.project.code),
  );
}

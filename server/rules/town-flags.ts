// 红黄蓝 flags for the town table of a briefing, and for the dashboard's town ranking, which must
// flag towns exactly as the briefing does (hence here, where the browser can import it).
//
// Towns have no parcel targets of their own inside a county-wide project, so each town is
// given a share of the county's target in proportion to its villages and communities
// (村/居, from the reference data: the pilot is about express service reaching every
// village, and it is the one size measure the county publishes for every town). A town's
// pace to date is that share × 序时进度, and its flag compares what it has counted with
// that pace. A town project (one town, its own target) is simply compared with its own
// pace. Flags are warning colours, worst first: red lags, yellow trails, blue is on pace.
//
// Dividing by the town's own share of the county's counted parcels was rejected: it gives
// every town the county's ratio, so it would flag nothing.

import type { Lang } from './numbers.ts';

export type Flag = 'blue' | 'yellow' | 'red';

/** Percent of pace at or above which a town earns the flag. Below `yellow` it is red. */
export const FLAG_THRESHOLDS = { blue: 100, yellow: 80 } as const;

/**
 * The flag for a percent of pace, judged on the figure as printed (one decimal): a town shown
 * at "80.0%" must not carry the red flag of 79.96%.
 */
export function flagFor(percentOfPace: number | null): Flag | null {
  if (percentOfPace === null || !Number.isFinite(percentOfPace)) return null;
  const printed = Math.round(percentOfPace * 10) / 10;
  if (printed >= FLAG_THRESHOLDS.blue) return 'blue';
  if (printed >= FLAG_THRESHOLDS.yellow) return 'yellow';
  return 'red';
}

export type TownPaceInput = {
  targetParcels: number;
  elapsedDays: number;
  totalDays: number;
  /** Set for a town project: the whole target is that town's. */
  projectTownCode: string | null;
  towns: readonly { code: string; villageCount: number }[];
};

export type TownPace = { allocatedTarget: number; expectedToDate: number };

/** Each town's share of the target and the parcels it should have counted by now. */
export function townPaces(p: TownPaceInput): Map<string, TownPace> {
  const elapsedShare = p.totalDays > 0 ? Math.min(1, Math.max(0, p.elapsedDays / p.totalDays)) : 0;
  const out = new Map<string, TownPace>();
  if (p.projectTownCode) {
    out.set(p.projectTownCode, { allocatedTarget: p.targetParcels, expectedToDate: p.targetParcels * elapsedShare });
    return out;
  }
  const villages = p.towns.reduce((sum, t) => sum + Math.max(0, t.villageCount), 0);
  for (const t of p.towns) {
    // With no village counts on record, an equal split is the only neutral choice.
    const share = villages > 0 ? Math.max(0, t.villageCount) / villages : 1 / p.towns.length;
    const allocatedTarget = p.targetParcels * share;
    out.set(t.code, { allocatedTarget, expectedToDate: allocatedTarget * elapsedShare });
  }
  return out;
}

/** Counted parcels as a percent of the pace to date; null before the period has started. */
export function percentOfPace(counted: number, expectedToDate: number): number | null {
  return expectedToDate > 0 ? (counted / expectedToDate) * 100 : null;
}

/** The rule in words, printed under the town table of every briefing. */
export function flagRuleNote(lang: Lang): string {
  const { blue, yellow } = FLAG_THRESHOLDS;
  return lang === 'zh'
    ? `红黄蓝标识：县级项目目标按各镇（街道）村（居）数占全县比例分解，镇级项目按本项目目标；` +
        `“对比序时”为累计揽收与分解目标×序时进度之比。蓝：≥${blue}%；黄：${yellow}%—${blue}%；红：<${yellow}%（滞后，需督导）。`
    : `Flags: a county project's target is shared among towns in proportion to their villages and communities ` +
        `(a town project keeps its own target); "vs pace" is counted parcels over that share × time elapsed. ` +
        `Blue ≥ ${blue}%, yellow ${yellow}–${blue}%, red < ${yellow}% (lagging: needs follow-up).`;
}

import { daysBetween } from '../../rules/time.ts';

export type Pacing = {
  percent: number;
  elapsedPercent: number;
  elapsedDays: number;
  totalDays: number;
  dailyRateSoFar: number;
  requiredDailyRate: number | null;
  projectedParcels: number;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * 序时进度: progress against the share of the period elapsed. Today counts as an elapsed
 * day (the figures include today's pickups so far), so the rate still needed is spread
 * over the days after today — on the last day, all that is missing is needed today.
 * Once the period is over there is no such rate (null).
 */
export function pacing(p: { targetParcels: number; startsOn: string; endsOn: string; today: string; counted: number }): Pacing {
  const totalDays = daysBetween(p.startsOn, p.endsOn) + 1;
  const elapsedDays = Math.min(totalDays, Math.max(0, daysBetween(p.startsOn, p.today) + 1));
  const remainingDays = totalDays - elapsedDays;
  const dailyRateSoFar = elapsedDays > 0 ? p.counted / elapsedDays : 0;
  return {
    percent: round2((p.counted / p.targetParcels) * 100),
    elapsedPercent: round2((elapsedDays / totalDays) * 100),
    elapsedDays,
    totalDays,
    dailyRateSoFar: round2(dailyRateSoFar),
    requiredDailyRate: p.today > p.endsOn ? null : round2(Math.max(0, p.targetParcels - p.counted) / Math.max(1, remainingDays)),
    // A straight line through the rate so far; before the period starts, what is on record.
    projectedParcels: elapsedDays > 0 ? Math.round(dailyRateSoFar * totalDays) : p.counted,
  };
}

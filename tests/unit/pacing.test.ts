import { describe, expect, it } from 'vitest';
import { pacing } from '../../server/domain/projects/pacing.ts';

// An 11-day period, 2026-11-20 to 2026-11-30.
const period = { startsOn: '2026-11-20', endsOn: '2026-11-30', targetParcels: 1000 };

describe('pacing', () => {
  it('counts today as elapsed and spreads what is missing over the days after today', () => {
    expect(pacing({ ...period, today: '2026-11-29', counted: 75 })).toEqual({
      percent: 7.5,
      elapsedPercent: 90.91,
      elapsedDays: 10,
      totalDays: 11,
      dailyRateSoFar: 7.5,
      requiredDailyRate: 925,
      projectedParcels: 83, // 7.5 × 11 = 82.5
    });
  });

  it('on the first day, one day has elapsed', () => {
    const p = pacing({ ...period, today: '2026-11-20', counted: 30 });
    expect(p).toMatchObject({ elapsedDays: 1, totalDays: 11, elapsedPercent: 9.09, dailyRateSoFar: 30, requiredDailyRate: 97, projectedParcels: 330 });
  });

  it('before the period starts nothing has elapsed and the projection is what is on record', () => {
    const p = pacing({ ...period, today: '2026-11-01', counted: 0 });
    expect(p).toEqual({
      percent: 0,
      elapsedPercent: 0,
      elapsedDays: 0,
      totalDays: 11,
      dailyRateSoFar: 0,
      requiredDailyRate: 90.91,
      projectedParcels: 0,
    });
  });

  it('on the last day all that is missing is needed today; once the period is over, no rate is', () => {
    const last = pacing({ ...period, today: '2026-11-30', counted: 880 });
    expect(last).toMatchObject({ elapsedDays: 11, elapsedPercent: 100, requiredDailyRate: 120, dailyRateSoFar: 80, projectedParcels: 880, percent: 88 });
    const after = pacing({ ...period, today: '2026-12-01', counted: 880 });
    expect(after).toEqual({ ...last, requiredDailyRate: null });
    expect(pacing({ ...period, today: '2027-02-01', counted: 880 })).toEqual(after);
  });

  it('needs no more once the goal is reached, and goes past 100%', () => {
    const p = pacing({ ...period, today: '2026-11-25', counted: 1500 });
    expect(p.requiredDailyRate).toBe(0);
    expect(p.percent).toBe(150);
    expect(p.projectedParcels).toBe(2750);
  });

  it('handles a one-day period', () => {
    const p = pacing({ targetParcels: 10, startsOn: '2026-11-29', endsOn: '2026-11-29', today: '2026-11-29', counted: 4 });
    expect(p).toEqual({ percent: 40, elapsedPercent: 100, elapsedDays: 1, totalDays: 1, dailyRateSoFar: 4, requiredDailyRate: 6, projectedParcels: 4 });
  });

  it('spans a season across New Year (apple 2026–2027: 254 days)', () => {
    const p = pacing({ targetParcels: 10_000_000, startsOn: '2026-08-20', endsOn: '2027-04-30', today: '2026-11-29', counted: 5_000_000 });
    expect(p.totalDays).toBe(254);
    expect(p.elapsedDays).toBe(102);
    expect(p.elapsedPercent).toBe(40.16);
    expect(p.percent).toBe(50);
    expect(p.requiredDailyRate).toBe(32894.74); // 5,000,000 / 152
    expect(p.dailyRateSoFar).toBe(49019.61);
    expect(p.projectedParcels).toBe(12450980);
  });
});
